"""GetJobQueueSnapshot on SAGEMAKER_TRAINING queues, and tagging of service jobs, service
environments and SAGEMAKER_TRAINING queues (spec §6.7, §6.8)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.batch.models import batch_backends

import moto_batch_service as mbs
from tests.conftest import ACCOUNT, PAYLOAD, REGION, START, client_error, make_queue, submit
from tests.test_job_queues import make_compute_env, make_container_queue

ARN = f"arn:aws:batch:{REGION}:{ACCOUNT}:"
ALL = [{"name": "JOB_NAME", "values": ["*"]}]


def payload(count: int = 1, instance_type: str = "ml.m5.xlarge") -> str:
    request = json.loads(PAYLOAD)
    request["ResourceConfig"].update(InstanceType=instance_type, InstanceCount=count)
    return json.dumps(request)


def snapshot(batch: Any, queue: str) -> dict[str, Any]:
    response = batch.get_job_queue_snapshot(jobQueue=queue)
    response.pop("ResponseMetadata")
    return response  # type: ignore[no-any-return]


def by_unit(usage: list[dict[str, Any]]) -> dict[str, float]:
    """A capacityUsage list as unit -> quantity (its order is not part of the contract)."""
    assert len({u["capacityUnit"] for u in usage}) == len(usage)
    return {u["capacityUnit"]: u["quantity"] for u in usage}


def fair_share_queue(batch: Any, name: str = "fair") -> str:
    policy = batch.create_scheduling_policy(
        name=f"{name}-policy",
        fairsharePolicy={"shareDistribution": [{"shareIdentifier": "A", "weightFactor": 1.0}]},
    )
    return make_queue(batch, name, schedulingPolicyArn=policy["arn"])


def seed(queue: str, name: str, status: str, created_at: int, **extra: Any) -> mbs.ServiceJob:
    instances = extra.pop("instances", 1)
    instance_type = extra.pop("instance_type", "ml.m5.xlarge")
    return mbs.add_service_job(
        queue,
        name,
        status=status,
        created_at=created_at,
        service_request_payload=payload(instances, instance_type),
        **extra,
    )


# -- GetJobQueueSnapshot -------------------------------------------------------------------


@pytest.mark.requires_botocore_member("GetJobQueueSnapshotResponse", "queueUtilization")
def test_snapshot_of_an_empty_queue(batch, queue, clock):
    assert snapshot(batch, queue) == {
        "frontOfQueue": {"jobs": [], "lastUpdatedAt": START},
        "queueUtilization": {"totalCapacityUsage": [], "lastUpdatedAt": START},
    }


@pytest.mark.requires_botocore_member("GetJobQueueSnapshotResponse", "queueUtilization")
def test_front_of_queue_lists_runnable_jobs_in_dispatch_order(batch, clock):
    make_queue(batch, "one", capacity=1)
    jobs = [submit(batch, "one", name, serviceRequestPayload=payload()) for name in "abc"]
    batch.list_service_jobs(jobQueue="one", filters=ALL)
    clock.advance(10)
    batch.list_service_jobs(jobQueue="one", filters=ALL)  # all RUNNABLE at START + 10 s
    clock.advance(10)
    batch.list_service_jobs(jobQueue="one", filters=ALL)  # "a" is dispatched
    submit(batch, "one", "d", serviceRequestPayload=payload())  # SUBMITTED: not in front
    clock.advance(10)

    assert snapshot(batch, "one") == {
        "frontOfQueue": {
            "jobs": [
                {"jobArn": jobs[1]["jobArn"], "earliestTimeAtPosition": START + 10_000},
                {"jobArn": jobs[2]["jobArn"], "earliestTimeAtPosition": START + 10_000},
            ],
            "lastUpdatedAt": START + 30_000,
        },
        "queueUtilization": {
            "totalCapacityUsage": [{"capacityUnit": "ml.m5.xlarge", "quantity": 1.0}],
            "lastUpdatedAt": START + 30_000,
        },
    }


def test_front_of_queue_shows_at_most_one_hundred_jobs_oldest_first(batch, queue):
    jobs = [seed(queue, f"job-{i}", "RUNNABLE", START + i) for i in range(101)]

    front = snapshot(batch, queue)["frontOfQueue"]["jobs"]

    assert front == [
        {"jobArn": job.job_arn, "earliestTimeAtPosition": START + i}
        for i, job in enumerate(jobs[:100])
    ]


def test_snapshot_accepts_the_queue_arn(batch, queue):
    job = seed(queue, "waiting", "RUNNABLE", START)

    front = snapshot(batch, f"{ARN}job-queue/{queue}")["frontOfQueue"]["jobs"]

    assert front == [{"jobArn": job.job_arn, "earliestTimeAtPosition": START}]


@pytest.mark.requires_botocore_member("GetJobQueueSnapshotResponse", "queueUtilization")
def test_total_capacity_usage_counts_dispatched_jobs_by_instance_type(batch, queue):
    seed(queue, "scheduled", "SCHEDULED", START, instances=2)
    seed(queue, "starting", "STARTING", START, instances=1, instance_type="ml.c5.xlarge")
    seed(queue, "running", "RUNNING", START, instances=3)
    for status in ("SUBMITTED", "RUNNABLE", "SUCCEEDED", "FAILED"):
        seed(queue, status.lower(), status, START, instances=8)

    utilization = snapshot(batch, queue)["queueUtilization"]

    assert by_unit(utilization["totalCapacityUsage"]) == {"ml.m5.xlarge": 5.0, "ml.c5.xlarge": 1.0}
    assert "fairshareUtilization" not in utilization


@pytest.mark.requires_botocore_member("GetJobQueueSnapshotResponse", "queueUtilization")
def test_total_capacity_usage_sums_heterogeneous_instance_groups(batch, queue):
    request = json.loads(PAYLOAD)
    request["ResourceConfig"] = {
        "InstanceGroups": [
            {"InstanceGroupName": "a", "InstanceType": "ml.m5.xlarge", "InstanceCount": 2},
            {"InstanceGroupName": "b", "InstanceType": "ml.g5.xlarge", "InstanceCount": 1},
            {"InstanceGroupName": "c", "InstanceType": "ml.m5.xlarge", "InstanceCount": 1},
        ],
        "VolumeSizeInGB": 30,
    }
    mbs.add_service_job(
        queue, "hetero", status="RUNNING", service_request_payload=json.dumps(request)
    )

    usage = snapshot(batch, queue)["queueUtilization"]["totalCapacityUsage"]

    assert by_unit(usage) == {"ml.m5.xlarge": 3.0, "ml.g5.xlarge": 1.0}


@pytest.mark.requires_botocore_member("GetJobQueueSnapshotResponse", "queueUtilization")
def test_fair_share_snapshot_reports_active_shares_and_their_usage(batch):
    q = fair_share_queue(batch)
    seed(q, "a-running", "RUNNING", START, share_identifier="A", instances=2)
    seed(q, "a-scheduled", "SCHEDULED", START, share_identifier="A", instance_type="ml.c5.xlarge")
    seed(q, "b-starting", "STARTING", START, share_identifier="B")
    seed(q, "c-runnable", "RUNNABLE", START, share_identifier="C", instances=4)
    seed(q, "d-submitted", "SUBMITTED", START, share_identifier="D")
    seed(q, "e-done", "SUCCEEDED", START, share_identifier="E", instances=9)
    seed(q, "f-failed", "FAILED", START, share_identifier="F")

    fair = snapshot(batch, q)["queueUtilization"]["fairshareUtilization"]

    # Shares currently utilizing capacity: A and B. C and D only wait; E and F are done.
    assert fair["activeShareCount"] == 2
    assert [
        (entry["shareIdentifier"], by_unit(entry["capacityUsage"]))
        for entry in fair["topCapacityUtilization"]
    ] == [
        ("A", {"ml.m5.xlarge": 2.0, "ml.c5.xlarge": 1.0}),
        ("B", {"ml.m5.xlarge": 1.0}),
    ]


@pytest.mark.requires_botocore_member("GetJobQueueSnapshotResponse", "queueUtilization")
def test_fair_share_snapshot_lists_at_most_twenty_shares_most_used_first(batch):
    q = fair_share_queue(batch)
    seed(q, "big", "RUNNING", START, share_identifier="zz", instances=2)
    for i in range(20):
        seed(q, f"job-{i}", "RUNNING", START, share_identifier=f"s{i:02}")

    fair = snapshot(batch, q)["queueUtilization"]["fairshareUtilization"]

    assert fair["activeShareCount"] == 21
    assert [entry["shareIdentifier"] for entry in fair["topCapacityUtilization"]] == [
        "zz",
        *(f"s{i:02}" for i in range(19)),
    ]


def test_fair_share_front_of_queue_puts_the_least_used_share_first(batch):
    q = fair_share_queue(batch)
    seed(q, "a-running", "RUNNING", START, share_identifier="A")
    a_waiting = seed(q, "a-waiting", "RUNNABLE", START + 1, share_identifier="A")
    b_waiting = seed(q, "b-waiting", "RUNNABLE", START + 2, share_identifier="B")

    front = snapshot(batch, q)["frontOfQueue"]["jobs"]

    assert front == [
        {"jobArn": b_waiting.job_arn, "earliestTimeAtPosition": START + 2},
        {"jobArn": a_waiting.job_arn, "earliestTimeAtPosition": START + 1},
    ]


def test_snapshot_of_an_unknown_queue_is_refused(batch, queue):
    with pytest.raises(ClientError) as exc:
        batch.get_job_queue_snapshot(jobQueue="nope")

    assert client_error(exc) == ("ClientException", "JobQueue nope not found.", 400)


@pytest.fixture
def simple_batch() -> Iterator[Any]:
    """A batch client under moto's Docker-free batch backend (container jobs never run)."""
    with mock_aws(config={"batch": {"use_docker": False}}):
        yield boto3.client("batch", region_name=REGION)


def container_jobs(batch: Any, queue: str, *statuses: str) -> list[dict[str, Any]]:
    """Submit one container job per status and put it in that status in moto's store; the
    jobs as moto's ListJobs shows them, in submission order."""
    batch.register_job_definition(
        jobDefinitionName="def-1",
        type="container",
        containerProperties={"image": "busybox", "vcpus": 2, "memory": 128, "command": ["true"]},
    )
    moto_batch = batch_backends[ACCOUNT][REGION]
    ids = []
    for i, status in enumerate(statuses):
        job_id = batch.submit_job(jobName=f"job-{i}", jobQueue=queue, jobDefinition="def-1")[
            "jobId"
        ]
        moto_batch.get_job_by_id(job_id).status = status
        ids.append(job_id)
    listed = {
        job["jobId"]: job
        for status in set(statuses)
        for job in batch.list_jobs(jobQueue=queue, jobStatus=status)["jobSummaryList"]
    }
    return [listed[job_id] for job_id in ids]


@pytest.mark.requires_botocore_member("GetJobQueueSnapshotResponse", "queueUtilization")
def test_snapshot_of_a_container_queue_shows_moto_s_runnable_jobs_and_vcpu_usage(simple_batch):
    batch = simple_batch
    make_container_queue(batch, "containers", make_compute_env(batch))
    first, _running, waiting, _done = container_jobs(
        batch, "containers", "RUNNABLE", "RUNNING", "RUNNABLE", "SUCCEEDED"
    )

    got = snapshot(batch, "containers")

    at = got["frontOfQueue"]["lastUpdatedAt"]
    assert got == {
        "frontOfQueue": {
            "jobs": [
                {"jobArn": first["jobArn"], "earliestTimeAtPosition": first["createdAt"]},
                {"jobArn": waiting["jobArn"], "earliestTimeAtPosition": waiting["createdAt"]},
            ],
            "lastUpdatedAt": at,
        },
        "queueUtilization": {
            "totalCapacityUsage": [{"capacityUnit": "VCPU", "quantity": 2.0}],
            "lastUpdatedAt": at,
        },
    }


@pytest.mark.requires_botocore_member("GetJobQueueSnapshotResponse", "queueUtilization")
def test_container_vcpu_usage_follows_resource_requirements_and_overrides(simple_batch):
    batch = simple_batch
    make_container_queue(batch, "containers", make_compute_env(batch))
    batch.register_job_definition(
        jobDefinitionName="def-rr",
        type="container",
        containerProperties={
            "image": "busybox",
            "resourceRequirements": [
                {"type": "VCPU", "value": "3"},
                {"type": "MEMORY", "value": "512"},
            ],
        },
    )
    moto_batch = batch_backends[ACCOUNT][REGION]
    for overrides in ({}, {"resourceRequirements": [{"type": "VCPU", "value": "0.5"}]}):
        job_id = batch.submit_job(
            jobName="job",
            jobQueue="containers",
            jobDefinition="def-rr",
            containerOverrides=overrides,
        )["jobId"]
        moto_batch.get_job_by_id(job_id).status = "RUNNING"

    usage = snapshot(batch, "containers")["queueUtilization"]["totalCapacityUsage"]

    assert usage == [{"capacityUnit": "VCPU", "quantity": 3.5}]


@pytest.mark.requires_botocore_member("GetJobQueueSnapshotResponse", "queueUtilization")
def test_snapshot_of_an_empty_container_queue(simple_batch):
    batch = simple_batch
    make_container_queue(batch, "containers", make_compute_env(batch))

    got = snapshot(batch, "containers")

    assert got["frontOfQueue"]["jobs"] == []
    assert got["queueUtilization"]["totalCapacityUsage"] == []


# -- tagging -------------------------------------------------------------------------------


def tags_of(batch: Any, arn: str) -> dict[str, str]:
    return batch.list_tags_for_resource(resourceArn=arn)["tags"]  # type: ignore[no-any-return]


@pytest.fixture
def job_arn(batch: Any, queue: str) -> str:
    return submit(batch, queue, tags={"team": "ml", "cost": "1"})["jobArn"]  # type: ignore[no-any-return]


@pytest.fixture
def environment_arn(batch: Any) -> str:
    return batch.create_service_environment(  # type: ignore[no-any-return]
        serviceEnvironmentName="tagged-env",
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=[{"maxCapacity": 1, "capacityUnit": "NUM_INSTANCES"}],
        tags={"team": "ml", "cost": "1"},
    )["serviceEnvironmentArn"]


@pytest.fixture
def queue_arn(batch: Any) -> str:
    make_queue(batch, "tagged", tags={"team": "ml", "cost": "1"})
    return f"{ARN}job-queue/tagged"


def described_tags(batch: Any, arn: str) -> dict[str, str]:
    """The tags the resource's own describe operation shows."""
    kind, name = arn[len(ARN) :].split("/", 1)
    if kind == "service-job":
        return batch.describe_service_job(jobId=arn)["tags"]  # type: ignore[no-any-return]
    if kind == "service-environment":
        (env,) = batch.describe_service_environments(serviceEnvironments=[name])[
            "serviceEnvironments"
        ]
        return env["tags"]  # type: ignore[no-any-return]
    (found,) = batch.describe_job_queues(jobQueues=[name])["jobQueues"]
    return found["tags"]  # type: ignore[no-any-return]


@pytest.fixture(params=["job_arn", "environment_arn", "queue_arn"])
def tagged_arn(request: pytest.FixtureRequest) -> str:
    """The ARN of a resource created with the tags {"team": "ml", "cost": "1"}."""
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


def test_tags_given_at_creation_are_listed(batch, tagged_arn):
    assert tags_of(batch, tagged_arn) == {"team": "ml", "cost": "1"}


def test_tag_resource_merges_into_the_existing_tags(batch, tagged_arn):
    batch.tag_resource(resourceArn=tagged_arn, tags={"cost": "2", "owner": "me"})

    assert tags_of(batch, tagged_arn) == {"team": "ml", "cost": "2", "owner": "me"}
    assert described_tags(batch, tagged_arn) == {"team": "ml", "cost": "2", "owner": "me"}


def test_untag_resource_removes_only_the_given_keys(batch, tagged_arn):
    batch.untag_resource(resourceArn=tagged_arn, tagKeys=["cost", "not-there"])

    assert tags_of(batch, tagged_arn) == {"team": "ml"}
    assert described_tags(batch, tagged_arn) == {"team": "ml"}


def test_untagging_every_key_leaves_an_empty_map(batch, tagged_arn):
    batch.untag_resource(resourceArn=tagged_arn, tagKeys=["cost", "team"])

    assert tags_of(batch, tagged_arn) == {}
    assert described_tags(batch, tagged_arn) == {}


def test_tags_can_be_given_up_to_fifty_in_all(batch, tagged_arn):
    batch.tag_resource(resourceArn=tagged_arn, tags={f"k{i}": "v" for i in range(48)})

    assert len(tags_of(batch, tagged_arn)) == 50


@pytest.mark.parametrize(
    "tags, message",
    [
        pytest.param({}, "tags must be provided", id="empty"),
        pytest.param(
            {"new": "x", "aws:owner": "me"},
            "Invalid value for tags ('aws:owner'): tag keys starting with 'aws:' are reserved",
            id="aws-prefix",
        ),
        pytest.param(
            {"new": "x", "k" * 129: "v"},
            f"Invalid value for tags ('{'k' * 98}\u2026): a tag key must be 1-128 characters long",
            id="long-key",
        ),
        pytest.param(
            {"new": "x", "k": "v" * 257},
            "Invalid value for tags ('k'): a tag value must be at most 256 characters long",
            id="long-value",
        ),
        pytest.param(
            {f"k{i}": "v" for i in range(49)},
            "Invalid value for tags ('51 tags'): at most 50 tags are allowed",
            id="more-than-fifty-after-merging",
        ),
    ],
)
def test_tag_resource_refuses_bad_tags_and_changes_nothing(batch, tagged_arn, tags, message):
    with pytest.raises(ClientError) as exc:
        batch.tag_resource(resourceArn=tagged_arn, tags=tags)

    assert client_error(exc) == ("ClientException", message, 400)
    assert tags_of(batch, tagged_arn) == {"team": "ml", "cost": "1"}


def test_untag_resource_refuses_more_than_fifty_keys(batch, tagged_arn):
    with pytest.raises(ClientError) as exc:
        batch.untag_resource(
            resourceArn=tagged_arn, tagKeys=[f"k{i}" for i in range(51)] + ["team"]
        )

    assert client_error(exc) == (
        "ClientException",
        "Invalid value for tagKeys ('52 keys'): at most 50",
        400,
    )
    assert tags_of(batch, tagged_arn) == {"team": "ml", "cost": "1"}


UNKNOWN = [
    f"{ARN}service-job/4f1e8b1a-0000-4000-8000-000000000000",
    f"{ARN}service-environment/ghost",
    f"arn:aws:batch:us-west-2:{ACCOUNT}:service-job/4f1e8b1a-0000-4000-8000-000000000000",
    f"arn:aws:batch:{REGION}:111122223333:service-environment/tagged-env",
]


@pytest.mark.parametrize("arn", UNKNOWN)
@pytest.mark.parametrize(
    "operation, args",
    [
        ("list_tags_for_resource", {}),
        ("tag_resource", {"tags": {"k": "v"}}),
        ("untag_resource", {"tagKeys": ["k"]}),
    ],
)
def test_unknown_service_job_or_environment_arn_is_refused(
    batch, environment_arn, operation, args, arn
):
    with pytest.raises(ClientError) as exc:
        getattr(batch, operation)(resourceArn=arn, **args)

    assert client_error(exc) == ("ClientException", f"Resource {arn} not found", 400)


def test_deleting_a_service_environment_drops_its_tags(batch, environment_arn):
    batch.update_service_environment(serviceEnvironment="tagged-env", state="DISABLED")
    batch.delete_service_environment(serviceEnvironment="tagged-env")
    batch.create_service_environment(
        serviceEnvironmentName="tagged-env",
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=[{"maxCapacity": 1, "capacityUnit": "NUM_INSTANCES"}],
    )

    assert tags_of(batch, environment_arn) == {}


def test_tags_of_one_resource_do_not_leak_into_another(batch, job_arn, environment_arn, queue_arn):
    batch.tag_resource(resourceArn=job_arn, tags={"only": "job"})

    assert tags_of(batch, environment_arn) == {"team": "ml", "cost": "1"}
    assert tags_of(batch, queue_arn) == {"team": "ml", "cost": "1"}


def test_compute_environment_tagging_is_still_moto_s(batch):
    compute_env = make_compute_env(batch)

    batch.tag_resource(resourceArn=compute_env, tags={"a": "1", "b": "2"})
    assert tags_of(batch, compute_env) == {"a": "1", "b": "2"}
    batch.untag_resource(resourceArn=compute_env, tagKeys=["a"])
    assert tags_of(batch, compute_env) == {"b": "2"}


def test_container_queue_tagging_is_still_moto_s(batch):
    container_queue = make_container_queue(batch, "containers", make_compute_env(batch))

    batch.tag_resource(resourceArn=container_queue, tags={"a": "1"})

    assert tags_of(batch, container_queue) == {"a": "1"}
    (described,) = batch.describe_job_queues(jobQueues=["containers"])["jobQueues"]
    assert described["tags"] == {"a": "1"}
