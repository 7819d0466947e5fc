"""AWS's rules for pairing job queues with service environments, and its fixed quotas: one
service environment per job queue, 50 service environments per account and region, at most
5 instance-type limits per environment, 500 active share identifiers per fair-share queue
(spec §1a, §5, §6.9, §7.7)."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from botocore.exceptions import ClientError

import moto_batch_service as mbs
from tests.conftest import ACCOUNT, REGION, START, Clock, make_queue, refused, submit
from tests.store_snapshot import snapshot

# Quota-share policies and shares exist from botocore 1.42.51 on.
quota = pytest.mark.requires_operation("CreateQuotaShare")
TYPE = "SAGEMAKER_TRAINING"
ML = "ml.m5.xlarge"
ONE_QUOTA_QUEUE = (
    "Quota management enabled service environments can only be connected to a single quota "
    "management enabled job queue"
)


def instance_limits(*units: str) -> list[dict[str, Any]]:
    return [{"maxCapacity": 4, "capacityUnit": unit} for unit in units]


NUM_INSTANCES = [{"maxCapacity": 10, "capacityUnit": "NUM_INSTANCES"}]
SIX_TYPES = instance_limits(
    *(f"ml.m5.{size}" for size in ("large", "xlarge", "2xlarge")),
    *(f"ml.c5.{size}" for size in ("large", "xlarge", "2xlarge")),
)


def make_env(batch: Any, name: str, limits: list[dict[str, Any]]) -> str:
    batch.create_service_environment(
        serviceEnvironmentName=name, serviceEnvironmentType=TYPE, capacityLimits=limits
    )
    return name


def quota_policy(batch: Any, name: str = "quota") -> str:
    arn = batch.create_scheduling_policy(
        name=name, quotaSharePolicy={"idleResourceAssignmentStrategy": "FIFO"}
    )["arn"]
    return arn  # type: ignore[no-any-return]


def fair_policy(batch: Any, name: str = "fair", decay: int | None = None) -> str:
    policy: dict[str, Any] = {"shareDistribution": []}
    if decay is not None:
        policy["shareDecaySeconds"] = decay
    arn = batch.create_scheduling_policy(name=name, fairsharePolicy=policy)["arn"]
    return arn  # type: ignore[no-any-return]


def create_queue(batch: Any, name: str, env: str, policy: str | None = None) -> None:
    extra = {} if policy is None else {"schedulingPolicyArn": policy}
    batch.create_job_queue(
        jobQueueName=name,
        priority=1,
        jobQueueType=TYPE,
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": env}],
        **extra,
    )


def refused_and_unchanged(call: Callable[[], Any], message: str) -> None:
    """``call`` is refused with a ClientException saying ``message``; the store is unchanged."""
    before = snapshot()
    with pytest.raises(ClientError) as exc_info:
        call()
    refused(exc_info, message)
    assert snapshot() == before


# -- which environment a queue may use ------------------------------------------------------


@quota
def test_quota_management_queue_on_an_instance_type_environment_is_created(batch):
    make_env(batch, "typed", instance_limits(ML))
    create_queue(batch, "qq", "typed", quota_policy(batch))

    (queue,) = batch.describe_job_queues(jobQueues=["qq"])["jobQueues"]
    assert queue["serviceEnvironmentOrder"] == [
        {
            "order": 1,
            "serviceEnvironment": f"arn:aws:batch:{REGION}:{ACCOUNT}:service-environment/typed",
        }
    ]


@quota
def test_quota_management_queue_on_a_num_instances_environment_is_refused(batch):
    make_env(batch, "counted", NUM_INSTANCES)
    policy = quota_policy(batch)
    refused_and_unchanged(
        lambda: create_queue(batch, "qq", "counted", policy),
        "Job queue qq has a quota-share scheduling policy: its service environment needs "
        "instance-type capacity limits (such as ml.m5.large), and service environment counted "
        "has NUM_INSTANCES",
    )


@pytest.mark.parametrize(("kind", "what"), [(None, "a FIFO"), ("fair", "a fair-share")])
def test_fifo_or_fair_share_queue_on_an_instance_type_environment_is_refused(batch, kind, what):
    make_env(batch, "typed", instance_limits(ML))
    policy = fair_policy(batch) if kind else None
    refused_and_unchanged(
        lambda: create_queue(batch, "q", "typed", policy),
        f"Job queue q is {what} job queue: its service environment needs NUM_INSTANCES "
        "capacity limits, and service environment typed has instance-type capacity limits "
        "(quota management only)",
    )


@quota
def test_second_quota_management_queue_on_one_environment_is_refused(batch):
    make_env(batch, "typed", instance_limits(ML))
    create_queue(batch, "first", "typed", quota_policy(batch))
    other = quota_policy(batch, "other")
    refused_and_unchanged(
        lambda: create_queue(batch, "second", "typed", other),
        f"{ONE_QUOTA_QUEUE}: service environment typed is already connected to job queue first",
    )


@quota
def test_fifo_queue_on_the_environment_of_a_quota_management_queue_is_refused(batch):
    make_env(batch, "typed", instance_limits(ML))
    create_queue(batch, "qq", "typed", quota_policy(batch))

    with pytest.raises(ClientError) as exc_info:
        create_queue(batch, "fifo", "typed")

    refused(exc_info, f"{ONE_QUOTA_QUEUE}: service environment typed is connected to job queue qq")


@quota
def test_quota_management_queue_on_an_environment_another_queue_uses_is_refused(batch):
    make_env(batch, "shared", NUM_INSTANCES)
    create_queue(batch, "fifo", "shared")

    with pytest.raises(ClientError) as exc_info:
        create_queue(batch, "qq", "shared", quota_policy(batch))

    refused(
        exc_info,
        f"{ONE_QUOTA_QUEUE}: service environment shared is already connected to job queue fifo",
    )


def test_fifo_and_fair_share_queues_may_share_a_num_instances_environment(batch):
    make_env(batch, "shared", NUM_INSTANCES)
    create_queue(batch, "fifo", "shared")
    create_queue(batch, "fair", "shared", fair_policy(batch))

    names = [q["jobQueueName"] for q in batch.describe_job_queues()["jobQueues"]]
    assert names == ["fifo", "fair"]


# -- UpdateJobQueue and UpdateServiceEnvironment keep the pairing ---------------------------


def test_update_moving_a_fifo_queue_to_an_instance_type_environment_is_refused(batch, queue):
    make_env(batch, "typed", instance_limits(ML))
    refused_and_unchanged(
        lambda: batch.update_job_queue(
            jobQueue=queue,
            priority=5,
            serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "typed"}],
        ),
        "Job queue queue is a FIFO job queue: its service environment needs NUM_INSTANCES "
        "capacity limits, and service environment typed has instance-type capacity limits "
        "(quota management only)",
    )


@quota
def test_update_moving_a_quota_management_queue_onto_a_used_environment_is_refused(batch):
    make_env(batch, "a", instance_limits(ML))
    make_env(batch, "b", instance_limits(ML))
    create_queue(batch, "qa", "a", quota_policy(batch))
    create_queue(batch, "qb", "b", quota_policy(batch, "other"))
    before = snapshot()

    with pytest.raises(ClientError) as exc_info:
        batch.update_job_queue(
            jobQueue="qb", serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "a"}]
        )

    refused(
        exc_info, f"{ONE_QUOTA_QUEUE}: service environment a is already connected to job queue qa"
    )
    assert snapshot() == before


@quota
def test_update_moving_a_quota_management_queue_to_a_free_environment_is_accepted(batch):
    make_env(batch, "a", instance_limits(ML))
    make_env(batch, "b", instance_limits(ML))
    create_queue(batch, "qq", "a", quota_policy(batch))

    batch.update_job_queue(
        jobQueue="qq", serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "b"}]
    )

    (described,) = batch.describe_job_queues(jobQueues=["qq"])["jobQueues"]
    assert described["serviceEnvironmentOrder"][0]["serviceEnvironment"].endswith("/b")


def test_update_giving_a_fifo_queue_s_environment_instance_type_limits_is_refused(batch, queue):
    refused_and_unchanged(
        lambda: batch.update_service_environment(
            serviceEnvironment="queue-env", capacityLimits=instance_limits(ML)
        ),
        "Job queue queue is a FIFO job queue: its service environment needs NUM_INSTANCES "
        "capacity limits, and service environment queue-env has instance-type capacity limits "
        "(quota management only)",
    )


@quota
def test_update_giving_a_quota_queue_s_environment_num_instances_is_refused(batch):
    make_env(batch, "typed", instance_limits(ML))
    create_queue(batch, "qq", "typed", quota_policy(batch))
    refused_and_unchanged(
        lambda: batch.update_service_environment(
            serviceEnvironment="typed", state="DISABLED", capacityLimits=NUM_INSTANCES
        ),
        "Job queue qq has a quota-share scheduling policy: its service environment needs "
        "instance-type capacity limits (such as ml.m5.large), and service environment typed "
        "has NUM_INSTANCES",
    )


def test_environment_no_queue_uses_may_change_its_kind_of_limits(batch):
    make_env(batch, "free", NUM_INSTANCES)

    batch.update_service_environment(serviceEnvironment="free", capacityLimits=instance_limits(ML))

    (env,) = batch.describe_service_environments(serviceEnvironments=["free"])[
        "serviceEnvironments"
    ]
    assert env["capacityLimits"] == instance_limits(ML)


# -- at most 5 instance-type limits ---------------------------------------------------------


def test_environment_with_five_instance_type_limits_is_created(batch):
    make_env(batch, "five", SIX_TYPES[:5])

    (env,) = batch.describe_service_environments(serviceEnvironments=["five"])[
        "serviceEnvironments"
    ]
    assert env["capacityLimits"] == SIX_TYPES[:5]


SIX_TYPES_REFUSED = (
    "Invalid value for capacityLimits ('6 instance types'): a quota management enabled "
    "service environment takes at most 5 instance-type capacity limits"
)


def test_environment_with_six_instance_type_limits_is_refused(batch):
    with pytest.raises(ClientError) as exc_info:
        make_env(batch, "six", SIX_TYPES)

    refused(exc_info, SIX_TYPES_REFUSED)
    assert batch.describe_service_environments()["serviceEnvironments"] == []


def test_update_to_six_instance_type_limits_is_refused(batch):
    make_env(batch, "typed", instance_limits(ML))
    refused_and_unchanged(
        lambda: batch.update_service_environment(
            serviceEnvironment="typed", capacityLimits=SIX_TYPES
        ),
        SIX_TYPES_REFUSED,
    )


# -- a queue keeps its kind of scheduling policy --------------------------------------------


@quota
def test_quota_queue_s_policy_may_be_replaced_with_another_quota_share_policy(batch):
    make_env(batch, "typed", instance_limits(ML))
    create_queue(batch, "qq", "typed", quota_policy(batch))
    other = quota_policy(batch, "other")

    batch.update_job_queue(jobQueue="qq", schedulingPolicyArn=other)

    (described,) = batch.describe_job_queues(jobQueues=["qq"])["jobQueues"]
    assert described["schedulingPolicyArn"] == other


@quota
def test_replacing_a_quota_queue_s_policy_with_a_fair_share_one_is_refused(batch):
    make_env(batch, "typed", instance_limits(ML))
    create_queue(batch, "qq", "typed", quota_policy(batch))
    fair = fair_policy(batch)
    refused_and_unchanged(
        lambda: batch.update_job_queue(jobQueue="qq", schedulingPolicyArn=fair),
        "Job queue qq has a quota-share scheduling policy: it can be replaced with another "
        "quota-share scheduling policy, not with a fair-share one",
    )


@quota
def test_replacing_a_fair_share_queue_s_policy_with_a_quota_share_one_is_refused(batch):
    make_queue(batch, "fair", schedulingPolicyArn=fair_policy(batch))
    quota = quota_policy(batch)

    with pytest.raises(ClientError) as exc_info:
        batch.update_job_queue(jobQueue="fair", schedulingPolicyArn=quota)

    refused(
        exc_info,
        "Job queue fair has a fair-share scheduling policy: it can be replaced with another "
        "fair-share scheduling policy, not with a quota-share one",
    )


# -- 50 service environments per account and region -----------------------------------------


def test_the_51st_service_environment_is_refused(batch):
    for i in range(50):
        make_env(batch, f"env-{i}", NUM_INSTANCES)

    with pytest.raises(ClientError) as exc_info:
        make_env(batch, "env-50", NUM_INSTANCES)

    refused(
        exc_info,
        "Cannot create service environment env-50: an account can have at most 50 service "
        f"environments in {REGION}",
    )
    assert len(batch.describe_service_environments()["serviceEnvironments"]) == 50


def test_deleting_a_service_environment_makes_room_for_another(batch):
    for i in range(50):
        make_env(batch, f"env-{i}", NUM_INSTANCES)
    batch.update_service_environment(serviceEnvironment="env-0", state="DISABLED")
    batch.delete_service_environment(serviceEnvironment="env-0")

    make_env(batch, "env-50", NUM_INSTANCES)

    names = [
        e["serviceEnvironmentName"]
        for e in batch.describe_service_environments()["serviceEnvironments"]
    ]
    assert names == [f"env-{i}" for i in range(1, 51)]


# -- 500 active share identifiers per fair-share queue --------------------------------------


def fair_queue_with_active_shares(batch: Any, count: int, decay: int | None = None) -> str:
    """A fair-share queue "fair" holding one waiting (seeded RUNNABLE) job per share s0..."""
    make_queue(batch, "fair", schedulingPolicyArn=fair_policy(batch, decay=decay))
    for i in range(count):
        mbs.add_service_job("fair", f"job-{i}", status="RUNNABLE", share_identifier=f"s{i}")
    return "fair"


LIMIT_REACHED = (
    "Job queue fair already has 500 active share identifiers, the most a fair-share job queue "
    "can have: a job that adds a new share identifier (new) cannot be submitted"
)


def test_a_submission_adding_a_501st_active_share_identifier_is_refused(batch):
    fair_queue_with_active_shares(batch, 500)
    refused_and_unchanged(
        lambda: submit(batch, "fair", shareIdentifier="new"),
        LIMIT_REACHED,
    )


def test_a_replayed_submission_returns_its_job_even_at_the_limit(batch):
    fair_queue_with_active_shares(batch, 499)
    first = submit(batch, "fair", shareIdentifier="new", clientToken="once")
    batch.terminate_service_job(jobId=first["jobId"], reason="done")  # "new" is inactive
    mbs.add_service_job("fair", "another", status="RUNNABLE", share_identifier="s-last")

    again = submit(batch, "fair", shareIdentifier="new", clientToken="once")

    assert again["jobId"] == first["jobId"]


def test_the_500th_active_share_identifier_is_accepted(batch):
    fair_queue_with_active_shares(batch, 499)

    job = submit(batch, "fair", shareIdentifier="new")

    assert batch.describe_service_job(jobId=job["jobId"])["shareIdentifier"] == "new"


def test_jobs_of_an_active_share_identifier_are_accepted_at_the_limit(batch):
    fair_queue_with_active_shares(batch, 500)

    job = submit(batch, "fair", shareIdentifier="s7")

    assert batch.describe_service_job(jobId=job["jobId"])["shareIdentifier"] == "s7"


def test_a_share_identifier_whose_jobs_all_finished_is_no_longer_active(batch):
    fair_queue_with_active_shares(batch, 500)
    (waiting,) = batch.list_service_jobs(
        jobQueue="fair", filters=[{"name": "SHARE_IDENTIFIER", "values": ["s3"]}]
    )["jobSummaryList"]
    batch.terminate_service_job(jobId=waiting["jobId"], reason="done")

    job = submit(batch, "fair", shareIdentifier="new")

    assert batch.describe_service_job(jobId=job["jobId"])["status"] == "SUBMITTED"


def test_a_finished_share_identifier_stays_active_for_the_share_decay_time(batch, clock: Clock):
    fair_queue_with_active_shares(batch, 500, decay=600)
    (waiting,) = batch.list_service_jobs(
        jobQueue="fair", filters=[{"name": "SHARE_IDENTIFIER", "values": ["s3"]}]
    )["jobSummaryList"]
    batch.terminate_service_job(jobId=waiting["jobId"], reason="done")  # at START
    clock.advance(599)

    with pytest.raises(ClientError) as exc_info:
        submit(batch, "fair", shareIdentifier="new")
    refused(exc_info, LIMIT_REACHED)

    clock.advance(1)  # 600 s after s3's last job finished
    job = submit(batch, "fair", shareIdentifier="new")
    assert batch.describe_service_job(jobId=job["jobId"])["createdAt"] == START + 600_000
