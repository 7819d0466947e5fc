"""Quota shares: quota-share scheduling policies, Create/Describe/List/Update/DeleteQuotaShare,
submitting to quota-managed queues, dispatch within share limits, borrowing, cross-share and
in-share preemption, and the job-queue snapshot of a quota-managed queue (spec §6.2, §6.3,
§6.7, §6.8, §6.9, §7.6, §7.7)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.batch.models import batch_backends

import moto_batch_service as mbs
from moto_batch_service import ServiceJobBackend, service_job_backends
from tests.conftest import (
    ACCOUNT,
    PAYLOAD,
    REGION,
    START,
    Clock,
    client_error,
    describe,
    make_queue,
    time_limit_reason,
)
from tests.test_job_queues import make_container_queue

# Quota-share operations and members exist from botocore 1.42.51 on.
pytestmark = pytest.mark.requires_operation("CreateQuotaShare")
MODEL = "batch::service_job"
ML = "ml.m5.xlarge"
C5 = "ml.c5.xlarge"
FIFO_POLICY = {"idleResourceAssignmentStrategy": "FIFO"}
QUEUE_ARN = f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/qq"
PREEMPTED = "Preempted by AWS Batch quota management"
# The three texts AWS documents for a job its quota share can never run (spec §7.6).
OVER_SHARE_LIMITS = (
    "MISCONFIGURATION:QUOTA_MANAGEMENT_LIMIT_EXCEEDED - Job requirements exceed quota share "
    "capacity limits."
)
OVER_BORROW_LIMIT = (
    "MISCONFIGURATION:QUOTA_MANAGEMENT_LIMIT_EXCEEDED - Job requirements exceed quota share "
    "capacity limits and borrow limits."
)
OVER_LENDABLE = (
    "MISCONFIGURATION:QUOTA_MANAGEMENT_LIMIT_EXCEEDED - Job requires borrowing that exceeds all "
    "configured borrowable capacity."
)
COMPLETED = "Received status from SageMaker: Training job completed"


# -- fixtures and helpers ------------------------------------------------------------------


def backend() -> ServiceJobBackend:
    return service_job_backends[ACCOUNT][REGION]


def share_arn(name: str, queue: str = "qq") -> str:
    return f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/{queue}/quota-share/{name}"


def limits(*pairs: tuple[int, str]) -> list[dict[str, Any]]:
    return [{"maxCapacity": count, "capacityUnit": unit} for count, unit in pairs]


def payload(count: int = 1, instance_type: str = ML) -> str:
    request = json.loads(PAYLOAD)
    request["ResourceConfig"].update(InstanceType=instance_type, InstanceCount=count)
    return json.dumps(request)


def quota_queue(
    batch: Any,
    name: str = "qq",
    capacity: list[dict[str, Any]] | None = None,
    **queue_args: Any,
) -> str:
    """A SAGEMAKER_TRAINING queue with a quota-share policy on its own environment; ``queue_args``
    go to CreateJobQueue."""
    batch.create_service_environment(
        serviceEnvironmentName=f"{name}-env",
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=capacity or limits((8, ML)),
    )
    policy = batch.create_scheduling_policy(name=f"{name}-policy", quotaSharePolicy=FIFO_POLICY)
    batch.create_job_queue(
        jobQueueName=name,
        priority=1,
        jobQueueType="SAGEMAKER_TRAINING",
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": f"{name}-env"}],
        schedulingPolicyArn=policy["arn"],
        **queue_args,
    )
    return name


@pytest.fixture
def qq(batch: Any) -> str:
    """A quota-managed queue "qq" on an environment of 8 ml.m5.xlarge, with no shares yet."""
    return quota_queue(batch)


def create_share(
    batch: Any,
    queue: str,
    name: str,
    capacity: int | list[dict[str, Any]] = 2,
    strategy: str = "RESERVE",
    borrow_limit: int | None = None,
    in_share: str = "DISABLED",
    **extra: Any,
) -> str:
    """Create a quota share; its ARN."""
    sharing: dict[str, Any] = {"strategy": strategy}
    if borrow_limit is not None:
        sharing["borrowLimit"] = borrow_limit
    response = batch.create_quota_share(
        quotaShareName=name,
        jobQueue=queue,
        capacityLimits=limits((capacity, ML)) if isinstance(capacity, int) else capacity,
        resourceSharingConfiguration=sharing,
        preemptionConfiguration={"inSharePreemption": in_share},
        **extra,
    )
    return response["quotaShareArn"]  # type: ignore[no-any-return]


def share_request(**override: Any) -> dict[str, Any]:
    """A valid CreateQuotaShare request for share "a" of queue "qq", with ``override``."""
    request: dict[str, Any] = {
        "quotaShareName": "a",
        "jobQueue": "qq",
        "capacityLimits": limits((2, ML)),
        "resourceSharingConfiguration": {"strategy": "LEND"},
        "preemptionConfiguration": {"inSharePreemption": "DISABLED"},
    }
    request.update(override)
    return request


def submit(batch: Any, queue: str, name: str, share: str, instances: int = 1, **extra: Any) -> str:
    """Submit a job of quota share ``share`` needing ``instances`` ml.m5.xlarge; its jobId."""
    response = batch.submit_service_job(
        jobName=name,
        jobQueue=queue,
        serviceJobType="SAGEMAKER_TRAINING",
        serviceRequestPayload=extra.pop("serviceRequestPayload", payload(instances)),
        quotaShareName=share,
        **extra,
    )
    return response["jobId"]  # type: ignore[no-any-return]


def look(batch: Any, queue: str, pattern: str = "*", times: int = 1) -> None:
    """Look ``times`` times at the queue's jobs whose names match ``pattern`` (one step each)."""
    for _ in range(times):
        batch.list_service_jobs(jobQueue=queue, filters=[{"name": "JOB_NAME", "values": [pattern]}])


def statuses() -> dict[str, str]:
    """Job name -> stored status of every job, read without looking at any job."""
    return {job.job_name: job.status for job in backend().jobs.values()}


def training_job(described: dict[str, Any]) -> str:
    return described["latestAttempt"]["serviceResourceId"]["value"]  # type: ignore[no-any-return]


def current_training_job(job_id: str) -> str:
    """The job's latest training job, read without looking at the job."""
    arn = backend().jobs[job_id].training_job_arn
    assert arn is not None
    return arn


def without_metadata(response: dict[str, Any]) -> dict[str, Any]:
    response.pop("ResponseMetadata")
    return response


# -- scheduling policies -------------------------------------------------------------------


def test_quota_share_policy_is_described_with_quota_share_policy_only(batch):
    arn = batch.create_scheduling_policy(name="quota", quotaSharePolicy=FIFO_POLICY)["arn"]

    policies = batch.describe_scheduling_policies(arns=[arn])["schedulingPolicies"]

    assert policies == [
        {
            "name": "quota",
            "arn": f"arn:aws:batch:{REGION}:{ACCOUNT}:scheduling-policy/quota",
            "quotaSharePolicy": {"idleResourceAssignmentStrategy": "FIFO"},
            "tags": {},
        }
    ]


def test_create_quota_share_policy_answers_its_name_and_arn(batch):
    response = without_metadata(
        batch.create_scheduling_policy(name="quota", quotaSharePolicy=FIFO_POLICY)
    )

    assert response == {
        "name": "quota",
        "arn": f"arn:aws:batch:{REGION}:{ACCOUNT}:scheduling-policy/quota",
    }


def test_policy_with_both_kinds_is_refused_and_not_stored(batch):
    with pytest.raises(ClientError) as error:
        batch.create_scheduling_policy(
            name="both", quotaSharePolicy=FIFO_POLICY, fairsharePolicy={"shareDecaySeconds": 60}
        )

    assert client_error(error) == (
        "ClientException",
        "A scheduling policy has either a fairsharePolicy or a quotaSharePolicy, not both",
        400,
    )
    assert batch.list_scheduling_policies()["schedulingPolicies"] == []


def test_quota_share_policy_with_an_unknown_strategy_is_refused_and_not_stored(batch):
    with pytest.raises(ClientError) as error:
        batch.create_scheduling_policy(
            name="lifo", quotaSharePolicy={"idleResourceAssignmentStrategy": "LIFO"}
        )

    assert client_error(error) == (
        "ClientException",
        "quotaSharePolicy.idleResourceAssignmentStrategy LIFO must be one of FIFO",
        400,
    )
    assert batch.list_scheduling_policies()["schedulingPolicies"] == []


def test_quota_share_policy_cannot_become_a_fair_share_policy(batch):
    arn = batch.create_scheduling_policy(name="quota", quotaSharePolicy=FIFO_POLICY)["arn"]

    with pytest.raises(ClientError) as error:
        batch.update_scheduling_policy(arn=arn, fairsharePolicy={"shareDecaySeconds": 60})

    assert client_error(error) == (
        "ClientException",
        f"Scheduling policy {arn} is a quota-share policy; it cannot take a fairsharePolicy",
        400,
    )
    policy = batch.describe_scheduling_policies(arns=[arn])["schedulingPolicies"][0]
    assert policy["quotaSharePolicy"] == FIFO_POLICY
    assert "fairsharePolicy" not in policy


def test_fair_share_policy_cannot_become_a_quota_share_policy(batch):
    arn = batch.create_scheduling_policy(name="fair", fairsharePolicy={"shareDecaySeconds": 60})[
        "arn"
    ]

    with pytest.raises(ClientError) as error:
        batch.update_scheduling_policy(arn=arn, quotaSharePolicy=FIFO_POLICY)

    assert client_error(error) == (
        "ClientException",
        f"Scheduling policy {arn} is not a quota-share policy; "
        "the kind of a scheduling policy cannot change",
        400,
    )
    policy = batch.describe_scheduling_policies(arns=[arn])["schedulingPolicies"][0]
    assert policy["fairsharePolicy"] == {
        "shareDecaySeconds": 60,
        "computeReservation": 0,
        "shareDistribution": [],
    }
    assert "quotaSharePolicy" not in policy


def test_quota_share_policy_can_be_updated_with_a_quota_share_policy(batch):
    arn = batch.create_scheduling_policy(name="quota", quotaSharePolicy=FIFO_POLICY)["arn"]

    response = without_metadata(
        batch.update_scheduling_policy(arn=arn, quotaSharePolicy=FIFO_POLICY)
    )

    assert response == {}
    policy = batch.describe_scheduling_policies(arns=[arn])["schedulingPolicies"][0]
    assert policy["quotaSharePolicy"] == FIFO_POLICY


def test_quota_share_policy_update_with_an_unknown_strategy_is_refused(batch):
    arn = batch.create_scheduling_policy(name="quota", quotaSharePolicy=FIFO_POLICY)["arn"]

    with pytest.raises(ClientError) as error:
        batch.update_scheduling_policy(
            arn=arn, quotaSharePolicy={"idleResourceAssignmentStrategy": "LIFO"}
        )

    assert client_error(error) == (
        "ClientException",
        "quotaSharePolicy.idleResourceAssignmentStrategy LIFO must be one of FIFO",
        400,
    )
    policy = batch.describe_scheduling_policies(arns=[arn])["schedulingPolicies"][0]
    assert policy["quotaSharePolicy"] == FIFO_POLICY


def test_fair_share_policies_are_described_as_moto_describes_them(batch):
    fair = {
        "shareDecaySeconds": 3600,
        "computeReservation": 10,
        "shareDistribution": [{"shareIdentifier": "A", "weightFactor": 0.5}],
    }
    arn = batch.create_scheduling_policy(name="fair", fairsharePolicy=fair, tags={"k": "v"})["arn"]
    batch.create_scheduling_policy(name="quota", quotaSharePolicy=FIFO_POLICY)
    moto_policy = batch_backends[ACCOUNT][REGION].describe_scheduling_policies([arn])[0]

    policies = batch.describe_scheduling_policies(arns=[arn])["schedulingPolicies"]

    assert policies == [json.loads(json.dumps(moto_policy.to_dict()))]
    assert policies[0]["fairsharePolicy"] == fair
    assert policies[0]["tags"] == {"k": "v"}


def test_fair_share_policy_update_is_moto_s(batch):
    arn = batch.create_scheduling_policy(name="fair", fairsharePolicy={"shareDecaySeconds": 60})[
        "arn"
    ]

    batch.update_scheduling_policy(arn=arn, fairsharePolicy={"computeReservation": 5})

    policy = batch.describe_scheduling_policies(arns=[arn])["schedulingPolicies"][0]
    assert policy["fairsharePolicy"] == {"computeReservation": 5}


def test_deleted_quota_share_policy_is_forgotten(batch):
    arn = batch.create_scheduling_policy(name="quota", quotaSharePolicy=FIFO_POLICY)["arn"]

    batch.delete_scheduling_policy(arn=arn)

    assert batch.describe_scheduling_policies(arns=[arn])["schedulingPolicies"] == []
    assert backend().quota_policies == {}


# -- CreateQuotaShare / DescribeQuotaShare -------------------------------------------------


def test_create_quota_share_answers_its_name_and_arn(batch, qq):
    response = without_metadata(batch.create_quota_share(**share_request()))

    assert response == {
        "quotaShareName": "a",
        "quotaShareArn": f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/qq/quota-share/a",
    }


def test_describe_quota_share_shows_the_whole_share(batch, qq):
    arn = batch.create_quota_share(
        **share_request(
            capacityLimits=limits((4, ML), (2, C5)),
            resourceSharingConfiguration={"strategy": "LEND_AND_BORROW", "borrowLimit": 50},
            preemptionConfiguration={"inSharePreemption": "ENABLED"},
            state="DISABLED",
            tags={"team": "research"},
        )
    )["quotaShareArn"]

    described = without_metadata(batch.describe_quota_share(quotaShareArn=arn))

    assert described == {
        "quotaShareName": "a",
        "quotaShareArn": share_arn("a"),
        "jobQueueArn": QUEUE_ARN,
        "capacityLimits": [
            {"maxCapacity": 4, "capacityUnit": ML},
            {"maxCapacity": 2, "capacityUnit": C5},
        ],
        "resourceSharingConfiguration": {"strategy": "LEND_AND_BORROW", "borrowLimit": 50},
        "preemptionConfiguration": {"inSharePreemption": "ENABLED"},
        "state": "DISABLED",
        "status": "VALID",
        "tags": {"team": "research"},
    }


def test_quota_share_defaults_to_enabled_without_tags(batch, qq):
    arn = batch.create_quota_share(**share_request())["quotaShareArn"]

    described = without_metadata(batch.describe_quota_share(quotaShareArn=arn))

    assert described == {
        "quotaShareName": "a",
        "quotaShareArn": share_arn("a"),
        "jobQueueArn": QUEUE_ARN,
        "capacityLimits": [{"maxCapacity": 2, "capacityUnit": ML}],
        "resourceSharingConfiguration": {"strategy": "LEND"},
        "preemptionConfiguration": {"inSharePreemption": "DISABLED"},
        "state": "ENABLED",
        "status": "VALID",
        "tags": {},
    }


def test_lend_and_borrow_share_defaults_to_an_unlimited_borrow_limit(batch, qq):
    arn = batch.create_quota_share(
        **share_request(resourceSharingConfiguration={"strategy": "LEND_AND_BORROW"})
    )["quotaShareArn"]

    described = batch.describe_quota_share(quotaShareArn=arn)

    assert described["resourceSharingConfiguration"] == {
        "strategy": "LEND_AND_BORROW",
        "borrowLimit": -1,
    }


@pytest.mark.parametrize("strategy", ["RESERVE", "LEND"])
def test_share_that_does_not_borrow_has_no_borrow_limit(batch, qq, strategy):
    arn = batch.create_quota_share(
        **share_request(resourceSharingConfiguration={"strategy": strategy})
    )["quotaShareArn"]

    described = batch.describe_quota_share(quotaShareArn=arn)

    assert described["resourceSharingConfiguration"] == {"strategy": strategy}


def test_quota_share_can_be_created_with_the_queue_arn(batch, qq):
    arn = batch.create_quota_share(**share_request(jobQueue=QUEUE_ARN))["quotaShareArn"]

    assert arn == share_arn("a")
    assert batch.describe_quota_share(quotaShareArn=arn)["jobQueueArn"] == QUEUE_ARN


def test_describe_unknown_quota_share_is_refused(batch, qq):
    with pytest.raises(ClientError) as error:
        batch.describe_quota_share(quotaShareArn=share_arn("nope"))

    assert client_error(error) == (
        "ClientException",
        f"Quota share {share_arn('nope')} does not exist",
        400,
    )


INVALID_SHARES = [
    pytest.param(
        {"quotaShareName": "bad name"},
        "Invalid value for quotaShareName ('bad name'): it must be 1-128 characters long and "
        "contain only letters, numbers, hyphens (-) and underscores (_)",
        id="name-with-a-space",
    ),
    pytest.param(
        {"quotaShareName": "a" * 129},
        f"Invalid value for quotaShareName ('{'a' * 98}\u2026): it must be 1-128 characters long "
        "and contain only letters, numbers, hyphens (-) and underscores (_)",
        id="name-too-long",
    ),
    pytest.param({"jobQueue": "nope"}, "JobQueue nope not found.", id="unknown-queue"),
    pytest.param({"capacityLimits": []}, "capacityLimits must be provided", id="no-limits"),
    pytest.param(
        {"capacityLimits": limits(*((1, f"ml.m5.{n}xlarge") for n in range(2, 8)))},
        "Invalid value for capacityLimits ('6 entries'): at most 5",
        id="six-limits",
    ),
    pytest.param(
        {"capacityLimits": limits((2, "NUM_INSTANCES"))},
        "Invalid value for capacityLimits[0].capacityUnit ('NUM_INSTANCES'): a quota share "
        "limits SageMaker instance types such as ml.m5.large",
        id="num-instances",
    ),
    pytest.param(
        {"capacityLimits": limits((2, "m5.large"))},
        "Invalid value for capacityLimits[0].capacityUnit ('m5.large'): it must be "
        "NUM_INSTANCES or a SageMaker instance type such as ml.m5.large",
        id="not-an-instance-type",
    ),
    pytest.param(
        {"capacityLimits": limits((2, ML), (3, ML))},
        "Invalid value for capacityLimits[1].capacityUnit ('ml.m5.xlarge'): each unit may "
        "appear only once",
        id="duplicate-unit",
    ),
    pytest.param(
        {"capacityLimits": limits((0, ML))},
        "Invalid value for capacityLimits[0].maxCapacity (0): it must be at least 1",
        id="max-capacity-0",
    ),
    pytest.param(
        {"resourceSharingConfiguration": {"strategy": "SHARE"}},
        "resourceSharingConfiguration.strategy SHARE must be one of RESERVE | LEND | "
        "LEND_AND_BORROW",
        id="unknown-strategy",
    ),
    pytest.param(
        {"resourceSharingConfiguration": {"strategy": "LEND", "borrowLimit": 10}},
        "Invalid value for resourceSharingConfiguration.borrowLimit (10): a borrow limit is "
        "only allowed with the LEND_AND_BORROW strategy",
        id="borrow-limit-with-lend",
    ),
    pytest.param(
        {"resourceSharingConfiguration": {"strategy": "RESERVE", "borrowLimit": -1}},
        "Invalid value for resourceSharingConfiguration.borrowLimit (-1): a borrow limit is "
        "only allowed with the LEND_AND_BORROW strategy",
        id="borrow-limit-with-reserve",
    ),
    pytest.param(
        {"resourceSharingConfiguration": {"strategy": "LEND_AND_BORROW", "borrowLimit": -2}},
        "Invalid value for resourceSharingConfiguration.borrowLimit (-2): it must be a "
        "percentage (0 or more), or -1 for no limit",
        id="borrow-limit-below-minus-1",
    ),
    pytest.param(
        {"preemptionConfiguration": {"inSharePreemption": "YES"}},
        "preemptionConfiguration.inSharePreemption YES must be one of ENABLED | DISABLED",
        id="unknown-in-share-preemption",
    ),
    pytest.param({"state": "ON"}, "state ON must be one of ENABLED | DISABLED", id="bad-state"),
    pytest.param(
        {"tags": {"aws:team": "x"}},
        "Invalid value for tags ('aws:team'): tag keys starting with 'aws:' are reserved",
        id="reserved-tag",
    ),
]


@pytest.mark.parametrize(("override", "message"), INVALID_SHARES)
def test_invalid_quota_share_is_refused_and_not_stored(batch, qq, override, message):
    with pytest.raises(ClientError) as error:
        batch.create_quota_share(**share_request(**override))

    assert client_error(error) == ("ClientException", message, 400)
    assert batch.list_quota_shares(jobQueue="qq")["quotaShares"] == []
    assert backend().quota_shares == {}


def not_quota_management(queue: str) -> tuple[str, str, int]:
    """The refusal of a quota-share operation on an existing queue without quota management."""
    return (
        "ClientException",
        f"Job queue {queue} is not a quota-management SAGEMAKER_TRAINING job queue; quota "
        "shares need a SAGEMAKER_TRAINING job queue whose scheduling policy has a "
        "quotaSharePolicy",
        400,
    )


def queue_without_quota_management(batch: Any, kind: str) -> str:
    """An existing queue of ``kind`` (container, fifo, fair-share) named "plain"; how a
    request names it (the container queue by its ARN, the others by name)."""
    if kind == "container":
        return make_container_queue(batch, "plain")
    extra = {}
    if kind == "fair-share":
        extra["schedulingPolicyArn"] = batch.create_scheduling_policy(
            name="fair", fairsharePolicy={}
        )["arn"]
    return make_queue(batch, "plain", **extra)


NOT_QUOTA_QUEUES = pytest.mark.parametrize("kind", ["container", "fifo", "fair-share"])


@NOT_QUOTA_QUEUES
def test_create_quota_share_needs_a_quota_management_queue(batch, kind):
    queue = queue_without_quota_management(batch, kind)

    with pytest.raises(ClientError) as error:
        batch.create_quota_share(**share_request(jobQueue=queue))

    assert client_error(error) == not_quota_management("plain")
    assert backend().quota_shares == {}


@NOT_QUOTA_QUEUES
def test_list_quota_shares_needs_a_quota_management_queue(batch, kind):
    queue = queue_without_quota_management(batch, kind)

    with pytest.raises(ClientError) as error:
        batch.list_quota_shares(jobQueue=queue)

    assert client_error(error) == not_quota_management("plain")


def test_quota_share_name_is_unique_in_its_queue(batch, qq):
    batch.create_quota_share(**share_request(capacityLimits=limits((2, ML))))

    with pytest.raises(ClientError) as error:
        batch.create_quota_share(**share_request(capacityLimits=limits((5, ML))))

    assert client_error(error) == ("ClientException", "Object already exists", 400)
    described = batch.describe_quota_share(quotaShareArn=share_arn("a"))
    assert described["capacityLimits"] == limits((2, ML))


def test_same_quota_share_name_is_allowed_in_another_queue(batch, qq):
    quota_queue(batch, "other")
    first = batch.create_quota_share(**share_request())["quotaShareArn"]

    second = batch.create_quota_share(**share_request(jobQueue="other"))["quotaShareArn"]

    assert (first, second) == (share_arn("a"), share_arn("a", "other"))
    assert batch.describe_quota_share(quotaShareArn=second)["jobQueueArn"] == (
        f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/other"
    )


def test_a_queue_holds_at_most_20_quota_shares(batch, qq):
    for i in range(20):
        batch.create_quota_share(**share_request(quotaShareName=f"s{i:02d}"))

    with pytest.raises(ClientError) as error:
        batch.create_quota_share(**share_request(quotaShareName="s20"))

    assert client_error(error) == (
        "ClientException",
        "Job queue qq already has 20 quota shares",
        400,
    )
    assert len(backend().quota_shares) == 20


def test_the_20_share_limit_is_per_queue(batch, qq):
    quota_queue(batch, "other")
    for i in range(20):
        batch.create_quota_share(**share_request(quotaShareName=f"s{i:02d}"))

    arn = batch.create_quota_share(**share_request(quotaShareName="s20", jobQueue="other"))[
        "quotaShareArn"
    ]

    assert arn == share_arn("s20", "other")


# -- ListQuotaShares -----------------------------------------------------------------------


def test_list_quota_shares_lists_the_queue_s_shares_in_creation_order(batch, qq):
    quota_queue(batch, "other")
    create_share(batch, "qq", "b", 3, "LEND_AND_BORROW", borrow_limit=25)
    create_share(batch, "other", "x")
    create_share(batch, "qq", "a", 1, "RESERVE", in_share="ENABLED", tags={"k": "v"})

    listed = batch.list_quota_shares(jobQueue="qq")

    assert "nextToken" not in listed
    assert listed["quotaShares"] == [
        {
            "quotaShareName": "b",
            "quotaShareArn": share_arn("b"),
            "jobQueueArn": QUEUE_ARN,
            "capacityLimits": limits((3, ML)),
            "resourceSharingConfiguration": {"strategy": "LEND_AND_BORROW", "borrowLimit": 25},
            "preemptionConfiguration": {"inSharePreemption": "DISABLED"},
            "state": "ENABLED",
            "status": "VALID",
        },
        {
            "quotaShareName": "a",
            "quotaShareArn": share_arn("a"),
            "jobQueueArn": QUEUE_ARN,
            "capacityLimits": limits((1, ML)),
            "resourceSharingConfiguration": {"strategy": "RESERVE"},
            "preemptionConfiguration": {"inSharePreemption": "ENABLED"},
            "state": "ENABLED",
            "status": "VALID",
        },
    ]


def test_list_quota_shares_by_queue_arn(batch, qq):
    create_share(batch, "qq", "a")

    listed = batch.list_quota_shares(jobQueue=QUEUE_ARN)["quotaShares"]

    assert [share["quotaShareArn"] for share in listed] == [share_arn("a")]


def test_list_quota_shares_of_a_queue_without_shares_is_empty(batch, qq):
    listed = without_metadata(batch.list_quota_shares(jobQueue="qq"))

    assert listed == {"quotaShares": []}


def test_list_quota_shares_pages_with_max_results_and_next_token(batch, qq):
    for name in ("s1", "s2", "s3", "s4", "s5"):
        create_share(batch, "qq", name)

    first = batch.list_quota_shares(jobQueue="qq", maxResults=2)
    second = batch.list_quota_shares(jobQueue="qq", maxResults=2, nextToken=first["nextToken"])
    third = batch.list_quota_shares(jobQueue="qq", maxResults=2, nextToken=second["nextToken"])

    assert [s["quotaShareName"] for s in first["quotaShares"]] == ["s1", "s2"]
    assert [s["quotaShareName"] for s in second["quotaShares"]] == ["s3", "s4"]
    assert [s["quotaShareName"] for s in third["quotaShares"]] == ["s5"]
    assert "nextToken" not in third


def test_list_quota_shares_has_no_token_when_the_page_holds_everything(batch, qq):
    for name in ("s1", "s2"):
        create_share(batch, "qq", name)

    listed = batch.list_quota_shares(jobQueue="qq", maxResults=2)

    assert [s["quotaShareName"] for s in listed["quotaShares"]] == ["s1", "s2"]
    assert "nextToken" not in listed


def test_list_quota_shares_paginator_walks_every_page(batch, qq):
    for i in range(5):
        create_share(batch, "qq", f"s{i}")

    pages = batch.get_paginator("list_quota_shares").paginate(
        jobQueue="qq", PaginationConfig={"PageSize": 2}
    )

    assert [[s["quotaShareName"] for s in page["quotaShares"]] for page in pages] == [
        ["s0", "s1"],
        ["s2", "s3"],
        ["s4"],
    ]


def test_list_quota_shares_token_of_another_queue_is_refused(batch, qq):
    quota_queue(batch, "other")
    for name in ("s1", "s2"):
        create_share(batch, "qq", name)
    token = batch.list_quota_shares(jobQueue="qq", maxResults=1)["nextToken"]

    with pytest.raises(ClientError) as error:
        batch.list_quota_shares(jobQueue="other", nextToken=token)

    assert client_error(error) == (
        "ClientException",
        "Invalid nextToken: it was issued for a different request (another job queue)",
        400,
    )


def test_list_quota_shares_with_a_malformed_token_is_refused(batch, qq):
    with pytest.raises(ClientError) as error:
        batch.list_quota_shares(jobQueue="qq", nextToken="garbage")

    assert client_error(error) == ("ClientException", "Invalid nextToken: garbage", 400)


@pytest.mark.parametrize("identifier", ["nope", f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/nope"])
def test_list_quota_shares_of_an_unknown_queue_is_refused(batch, qq, identifier):
    with pytest.raises(ClientError) as error:
        batch.list_quota_shares(jobQueue=identifier)

    assert client_error(error) == ("ClientException", f"JobQueue {identifier} not found.", 400)


@pytest.mark.parametrize("max_results", [0, 101])
def test_list_quota_shares_with_max_results_out_of_range_is_refused(batch, qq, max_results):
    with pytest.raises(ClientError) as error:
        batch.list_quota_shares(jobQueue="qq", maxResults=max_results)

    assert client_error(error) == (
        "ClientException",
        f"Invalid value for maxResults ({max_results}): it must be between 1 and 100",
        400,
    )


# -- UpdateQuotaShare ----------------------------------------------------------------------


def test_update_quota_share_answers_its_name_and_arn(batch, qq):
    arn = create_share(batch, "qq", "a")

    response = without_metadata(batch.update_quota_share(quotaShareArn=arn, state="DISABLED"))

    assert response == {"quotaShareName": "a", "quotaShareArn": arn}


@pytest.mark.parametrize(
    ("update", "member", "wanted"),
    [
        pytest.param(
            {"capacityLimits": limits((5, ML), (1, C5))},
            "capacityLimits",
            limits((5, ML), (1, C5)),
            id="capacity-limits",
        ),
        pytest.param(
            {"resourceSharingConfiguration": {"strategy": "LEND_AND_BORROW", "borrowLimit": 100}},
            "resourceSharingConfiguration",
            {"strategy": "LEND_AND_BORROW", "borrowLimit": 100},
            id="resource-sharing",
        ),
        pytest.param(
            {"resourceSharingConfiguration": {"strategy": "LEND_AND_BORROW"}},
            "resourceSharingConfiguration",
            {"strategy": "LEND_AND_BORROW", "borrowLimit": -1},
            id="resource-sharing-default-borrow-limit",
        ),
        pytest.param(
            {"preemptionConfiguration": {"inSharePreemption": "ENABLED"}},
            "preemptionConfiguration",
            {"inSharePreemption": "ENABLED"},
            id="preemption",
        ),
        pytest.param({"state": "DISABLED"}, "state", "DISABLED", id="state"),
    ],
)
def test_update_quota_share_changes_only_the_given_member(batch, qq, update, member, wanted):
    arn = create_share(batch, "qq", "a", 2, "RESERVE", tags={"k": "v"})
    before = without_metadata(batch.describe_quota_share(quotaShareArn=arn))

    batch.update_quota_share(quotaShareArn=arn, **update)

    after = without_metadata(batch.describe_quota_share(quotaShareArn=arn))
    assert after == {**before, member: wanted}


def test_disabled_quota_share_can_be_enabled_again(batch, qq):
    arn = create_share(batch, "qq", "a", state="DISABLED")

    batch.update_quota_share(quotaShareArn=arn, state="ENABLED")

    assert batch.describe_quota_share(quotaShareArn=arn)["state"] == "ENABLED"


def test_update_of_an_unknown_quota_share_is_refused(batch, qq):
    with pytest.raises(ClientError) as error:
        batch.update_quota_share(quotaShareArn=share_arn("nope"), state="DISABLED")

    assert client_error(error) == (
        "ClientException",
        f"Quota share {share_arn('nope')} does not exist",
        400,
    )


@pytest.mark.parametrize(
    ("update", "message"),
    [
        pytest.param(
            {"capacityLimits": limits((0, ML))},
            "Invalid value for capacityLimits[0].maxCapacity (0): it must be at least 1",
            id="max-capacity-0",
        ),
        pytest.param(
            {"resourceSharingConfiguration": {"strategy": "RESERVE", "borrowLimit": 5}},
            "Invalid value for resourceSharingConfiguration.borrowLimit (5): a borrow limit is "
            "only allowed with the LEND_AND_BORROW strategy",
            id="borrow-limit-with-reserve",
        ),
        pytest.param(
            {"preemptionConfiguration": {"inSharePreemption": "MAYBE"}},
            "preemptionConfiguration.inSharePreemption MAYBE must be one of ENABLED | DISABLED",
            id="in-share-preemption",
        ),
        pytest.param({"state": "OFF"}, "state OFF must be one of ENABLED | DISABLED", id="state"),
    ],
)
def test_rejected_update_changes_nothing(batch, qq, update, message):
    arn = create_share(batch, "qq", "a", 2, "LEND")
    before = without_metadata(batch.describe_quota_share(quotaShareArn=arn))

    with pytest.raises(ClientError) as error:
        batch.update_quota_share(
            quotaShareArn=arn,
            **{
                "state": "DISABLED",
                "capacityLimits": limits((7, ML)),
                "preemptionConfiguration": {"inSharePreemption": "ENABLED"},
                **update,
            },
        )

    assert client_error(error) == ("ClientException", message, 400)
    assert without_metadata(batch.describe_quota_share(quotaShareArn=arn)) == before


# -- DeleteQuotaShare ----------------------------------------------------------------------


def test_deleting_a_disabled_quota_share_removes_it(batch, qq):
    arn = create_share(batch, "qq", "a", state="DISABLED")
    create_share(batch, "qq", "b")

    response = without_metadata(batch.delete_quota_share(quotaShareArn=arn))

    assert response == {}
    assert [s["quotaShareName"] for s in batch.list_quota_shares(jobQueue="qq")["quotaShares"]] == [
        "b"
    ]
    with pytest.raises(ClientError) as error:
        batch.describe_quota_share(quotaShareArn=arn)
    assert client_error(error)[1] == f"Quota share {arn} does not exist"


def test_enabled_quota_share_cannot_be_deleted(batch, qq):
    arn = create_share(batch, "qq", "a")

    with pytest.raises(ClientError) as error:
        batch.delete_quota_share(quotaShareArn=arn)

    assert client_error(error) == (
        "ClientException",
        "Quota share a must be DISABLED before it can be deleted",
        400,
    )
    assert batch.describe_quota_share(quotaShareArn=arn)["state"] == "ENABLED"


def test_deleting_an_unknown_quota_share_is_refused(batch, qq):
    with pytest.raises(ClientError) as error:
        batch.delete_quota_share(quotaShareArn=share_arn("nope"))

    assert client_error(error) == (
        "ClientException",
        f"Quota share {share_arn('nope')} does not exist",
        400,
    )


def test_deleted_quota_share_name_can_be_used_again(batch, qq):
    arn = create_share(batch, "qq", "a", 2, state="DISABLED")
    batch.delete_quota_share(quotaShareArn=arn)

    again = create_share(batch, "qq", "a", 3)

    assert again == arn
    assert batch.describe_quota_share(quotaShareArn=arn)["capacityLimits"] == limits((3, ML))


def test_deleting_a_quota_share_fails_its_unfinished_jobs(batch, qq, clock):
    arn = create_share(batch, "qq", "a", 1)
    create_share(batch, "qq", "b", 1)
    running = submit(batch, "qq", "running", "a")
    look(batch, "qq", "running", times=5)  # SUBMITTED -> RUNNABLE -> ... -> RUNNING
    waiting = submit(batch, "qq", "waiting", "a")
    other = submit(batch, "qq", "other", "b")
    assert statuses() == {"running": "RUNNING", "waiting": "SUBMITTED", "other": "SUBMITTED"}
    batch.update_quota_share(quotaShareArn=arn, state="DISABLED")
    clock.advance(10)

    batch.delete_quota_share(quotaShareArn=arn)

    assert statuses() == {"running": "FAILED", "waiting": "FAILED", "other": "SUBMITTED"}
    for job_id in (running, waiting):
        described = describe(batch, job_id)
        assert described["status"] == "FAILED"
        assert described["statusReason"] == "Quota share deleted"
        assert described["isTerminated"] is True
        assert described["stoppedAt"] == START + 10_000
    assert describe(batch, other)["isTerminated"] is False


def test_deleting_a_quota_share_leaves_its_finished_jobs_alone(batch, qq):
    arn = create_share(batch, "qq", "a", 1)
    done = submit(batch, "qq", "done", "a")
    look(batch, "qq", "done", times=6)
    assert statuses() == {"done": "SUCCEEDED"}
    batch.update_quota_share(quotaShareArn=arn, state="DISABLED")

    batch.delete_quota_share(quotaShareArn=arn)

    described = describe(batch, done)
    assert (described["status"], described["statusReason"], described["isTerminated"]) == (
        "SUCCEEDED",
        COMPLETED,
        False,
    )


def test_deleting_the_queue_drops_its_quota_shares(batch, qq):
    quota_queue(batch, "other")
    create_share(batch, "qq", "a", tags={"k": "v"})
    create_share(batch, "qq", "b")
    kept = create_share(batch, "other", "a")
    batch.update_job_queue(jobQueue="qq", state="DISABLED")

    batch.delete_job_queue(jobQueue="qq")

    assert list(backend().quota_shares) == [kept]
    with pytest.raises(ClientError) as error:
        batch.describe_quota_share(quotaShareArn=share_arn("a"))
    assert client_error(error)[1] == f"Quota share {share_arn('a')} does not exist"
    with pytest.raises(ClientError) as error:
        batch.list_tags_for_resource(resourceArn=share_arn("a"))
    assert client_error(error)[1] == f"Resource {share_arn('a')} not found"


# -- SubmitServiceJob to a quota-managed queue ---------------------------------------------


def test_job_of_a_quota_share_is_described_with_its_share(batch, qq):
    create_share(batch, "qq", "a")

    job_id = submit(
        batch, "qq", "job", "a", preemptionConfiguration={"preemptionRetriesBeforeTermination": 2}
    )

    described = describe(batch, job_id)
    assert described["quotaShareName"] == "a"
    assert described["preemptionConfiguration"] == {"preemptionRetriesBeforeTermination": 2}
    assert described["jobQueue"] == QUEUE_ARN
    assert "shareIdentifier" not in described
    assert "preemptionSummary" not in described


def test_job_of_a_quota_share_is_listed_with_its_share(batch, qq):
    create_share(batch, "qq", "a")
    job_id = submit(batch, "qq", "job", "a")

    summaries = batch.list_service_jobs(
        jobQueue="qq", filters=[{"name": "JOB_NAME", "values": ["job"]}]
    )["jobSummaryList"]

    assert [(s["jobId"], s["quotaShareName"], s["status"]) for s in summaries] == [
        (job_id, "a", "SUBMITTED")
    ]


def test_submit_to_a_quota_managed_queue_needs_a_quota_share_name(batch, qq):
    create_share(batch, "qq", "a")

    with pytest.raises(ClientError) as error:
        batch.submit_service_job(
            jobName="job",
            jobQueue="qq",
            serviceJobType="SAGEMAKER_TRAINING",
            serviceRequestPayload=payload(),
        )

    assert client_error(error) == (
        "ClientException",
        "quotaShareName must be provided: job queue qq has a quota-share scheduling policy",
        400,
    )
    assert backend().jobs == {}


REFUSED_SUBMITS = [
    pytest.param(
        "b", {}, "Quota share b does not exist in job queue qq", id="share-of-another-queue"
    ),
    pytest.param(
        "off", {}, "Quota share off is DISABLED and accepts no new jobs", id="disabled-share"
    ),
    pytest.param(
        "a",
        {"shareIdentifier": "a"},
        "shareIdentifier cannot be used: job queue qq has no fair-share scheduling policy",
        id="share-identifier",
    ),
    pytest.param(
        "a",
        {"preemptionConfiguration": {"preemptionRetriesBeforeTermination": -1}},
        "Invalid value for preemptionConfiguration.preemptionRetriesBeforeTermination (-1): "
        "it must be at least 0",
        id="negative-preemption-retries",
    ),
]


@pytest.mark.parametrize(("share", "extra", "message"), REFUSED_SUBMITS)
def test_refused_submit_to_a_quota_managed_queue_stores_nothing(batch, qq, share, extra, message):
    create_share(batch, "qq", "a")
    create_share(batch, "qq", "off", state="DISABLED")
    quota_queue(batch, "other")
    create_share(batch, "other", "b")

    with pytest.raises(ClientError) as error:
        submit(batch, "qq", "job", share, **extra)

    assert client_error(error) == ("ClientException", message, 400)
    assert backend().jobs == {}


def test_disabling_a_quota_share_lets_its_submitted_jobs_finish(batch, qq):
    arn = create_share(batch, "qq", "a")
    job_id = submit(batch, "qq", "job", "a")
    batch.update_quota_share(quotaShareArn=arn, state="DISABLED")

    look(batch, "qq", "job", times=6)

    assert describe(batch, job_id)["status"] == "SUCCEEDED"


# -- the QUOTA_SHARE_NAME filter -----------------------------------------------------------


def quota_filter(name: str) -> list[dict[str, Any]]:
    return [{"name": "QUOTA_SHARE_NAME", "values": [name]}]


def test_quota_share_name_filter_without_status_lists_the_share_s_jobs_of_every_status(batch, qq):
    create_share(batch, "qq", "a")
    create_share(batch, "qq", "b")
    older = submit(batch, "qq", "older", "a")
    look(batch, "qq", "older")  # RUNNABLE at the next request
    submit(batch, "qq", "other", "b")
    newer = submit(batch, "qq", "newer", "a")

    summaries = batch.list_service_jobs(jobQueue="qq", filters=quota_filter("a"))["jobSummaryList"]

    assert [(s["jobId"], s["status"], s["quotaShareName"]) for s in summaries] == [
        (newer, "SUBMITTED", "a"),
        (older, "RUNNABLE", "a"),
    ]


def test_quota_share_name_filter_with_a_status_lists_the_share_s_jobs_of_that_status(batch, qq):
    create_share(batch, "qq", "a")
    create_share(batch, "qq", "b")
    runnable = submit(batch, "qq", "runnable", "a")
    submit(batch, "qq", "other", "b")
    look(batch, "qq")  # both RUNNABLE at the next request
    submit(batch, "qq", "submitted", "a")

    summaries = batch.list_service_jobs(
        jobQueue="qq", jobStatus="RUNNABLE", filters=quota_filter("a")
    )["jobSummaryList"]

    assert [(s["jobId"], s["status"]) for s in summaries] == [(runnable, "RUNNABLE")]


def test_quota_share_name_filter_is_exact_and_case_sensitive(batch, qq):
    for name in ("a", "A", "ab"):
        create_share(batch, "qq", name)
        submit(batch, "qq", f"job-{name}", name)

    summaries = batch.list_service_jobs(jobQueue="qq", filters=quota_filter("a"))["jobSummaryList"]

    assert [s["jobName"] for s in summaries] == ["job-a"]


# -- tags on quota-share ARNs --------------------------------------------------------------


def test_tags_given_at_creation_are_listed_on_the_quota_share_arn(batch, qq):
    arn = create_share(batch, "qq", "a", tags={"team": "research"})

    assert without_metadata(batch.list_tags_for_resource(resourceArn=arn)) == {
        "tags": {"team": "research"}
    }


def test_tag_resource_merges_tags_into_a_quota_share(batch, qq):
    arn = create_share(batch, "qq", "a", tags={"team": "research", "env": "dev"})

    batch.tag_resource(resourceArn=arn, tags={"env": "prod", "owner": "me"})

    assert batch.list_tags_for_resource(resourceArn=arn)["tags"] == {
        "team": "research",
        "env": "prod",
        "owner": "me",
    }
    assert batch.describe_quota_share(quotaShareArn=arn)["tags"] == {
        "team": "research",
        "env": "prod",
        "owner": "me",
    }


def test_untag_resource_removes_tags_from_a_quota_share(batch, qq):
    arn = create_share(batch, "qq", "a", tags={"team": "research", "env": "dev", "k": "v"})

    batch.untag_resource(resourceArn=arn, tagKeys=["env", "k", "absent"])

    assert batch.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "research"}


def test_tagging_one_quota_share_leaves_the_same_name_in_another_queue_alone(batch, qq):
    quota_queue(batch, "other")
    arn = create_share(batch, "qq", "a")
    other = create_share(batch, "other", "a")

    batch.tag_resource(resourceArn=arn, tags={"k": "v"})

    assert batch.list_tags_for_resource(resourceArn=other)["tags"] == {}


@pytest.mark.parametrize("operation", ["list", "tag", "untag"])
def test_tag_operations_on_an_unknown_quota_share_are_refused(batch, qq, operation):
    create_share(batch, "qq", "a")
    arn = share_arn("nope")

    with pytest.raises(ClientError) as error:
        if operation == "list":
            batch.list_tags_for_resource(resourceArn=arn)
        elif operation == "tag":
            batch.tag_resource(resourceArn=arn, tags={"k": "v"})
        else:
            batch.untag_resource(resourceArn=arn, tagKeys=["k"])

    assert client_error(error) == ("ClientException", f"Resource {arn} not found", 400)


def test_deleting_a_quota_share_drops_its_tags(batch, qq):
    arn = create_share(batch, "qq", "a", state="DISABLED", tags={"k": "v"})
    batch.delete_quota_share(quotaShareArn=arn)
    create_share(batch, "qq", "a")

    assert batch.list_tags_for_resource(resourceArn=arn)["tags"] == {}


# -- dispatch within quota shares ----------------------------------------------------------


def test_share_s_jobs_run_within_its_own_limits(batch, qq):
    create_share(batch, "qq", "a", 2, "RESERVE")
    for name in ("a1", "a2", "a3"):
        submit(batch, "qq", name, "a")

    look(batch, "qq", times=3)

    assert statuses() == {"a1": "SCHEDULED", "a2": "SCHEDULED", "a3": "RUNNABLE"}


def test_waiting_for_the_share_s_own_capacity_sets_no_status_reason(batch, qq):
    create_share(batch, "qq", "a", 2, "RESERVE")
    submit(batch, "qq", "a1", "a", 2)
    waiting = submit(batch, "qq", "a2", "a", 1)
    look(batch, "qq", times=3)

    described = describe(batch, waiting)

    assert described["status"] == "RUNNABLE"
    assert "statusReason" not in described


def test_finished_job_frees_its_share_s_capacity(batch, qq):
    create_share(batch, "qq", "a", 1, "RESERVE")
    submit(batch, "qq", "a1", "a")
    submit(batch, "qq", "a2", "a")

    seen = []
    for _ in range(7):
        look(batch, "qq")
        seen.append(statuses())

    assert seen[2:] == [
        {"a1": "SCHEDULED", "a2": "RUNNABLE"},
        {"a1": "STARTING", "a2": "RUNNABLE"},
        {"a1": "RUNNING", "a2": "RUNNABLE"},
        {"a1": "SUCCEEDED", "a2": "SCHEDULED"},
        {"a1": "SUCCEEDED", "a2": "STARTING"},
    ]


def test_job_of_an_instance_type_its_share_does_not_limit_never_runs(batch):
    quota_queue(batch, capacity=limits((8, ML), (8, C5)))
    create_share(batch, "qq", "a", 2, "RESERVE")
    job_id = submit(batch, "qq", "c5", "a", serviceRequestPayload=payload(1, C5))

    look(batch, "qq", times=5)

    described = describe(batch, job_id)
    assert (described["status"], described["statusReason"]) == ("RUNNABLE", OVER_SHARE_LIMITS)


@pytest.mark.parametrize("lender", ["LEND", "LEND_AND_BORROW"])
def test_lend_and_borrow_share_borrows_what_another_share_leaves_idle(batch, qq, lender):
    create_share(batch, "qq", "lender", 2, lender)
    create_share(batch, "qq", "borrower", 2, "LEND_AND_BORROW")
    for name in ("b1", "b2", "b3", "b4", "b5"):
        submit(batch, "qq", name, "borrower")

    look(batch, "qq", times=3)

    # 2 of its own, 2 borrowed; the environment's other 4 are nobody's to lend.
    assert statuses() == {
        "b1": "SCHEDULED",
        "b2": "SCHEDULED",
        "b3": "SCHEDULED",
        "b4": "SCHEDULED",
        "b5": "RUNNABLE",
    }


def test_borrowing_is_capped_at_borrow_limit_percent_of_the_share_s_limits(batch, qq):
    create_share(batch, "qq", "lender", 4, "LEND")
    create_share(batch, "qq", "borrower", 2, "LEND_AND_BORROW", borrow_limit=50)
    for name in ("b1", "b2", "b3", "b4"):
        submit(batch, "qq", name, "borrower")

    look(batch, "qq", times=3)

    # 50 % of 2 = 1 borrowed instance at most.
    assert statuses() == {"b1": "SCHEDULED", "b2": "SCHEDULED", "b3": "SCHEDULED", "b4": "RUNNABLE"}


def test_borrow_limit_0_never_borrows(batch, qq):
    create_share(batch, "qq", "lender", 4, "LEND")
    create_share(batch, "qq", "borrower", 2, "LEND_AND_BORROW", borrow_limit=0)
    for name in ("b1", "b2", "b3"):
        submit(batch, "qq", name, "borrower")

    look(batch, "qq", times=3)

    assert statuses() == {"b1": "SCHEDULED", "b2": "SCHEDULED", "b3": "RUNNABLE"}


def test_borrowing_counts_only_what_lenders_leave_idle(batch, qq):
    create_share(batch, "qq", "lender", 2, "LEND")
    create_share(batch, "qq", "borrower", 2, "LEND_AND_BORROW")
    submit(batch, "qq", "l1", "lender")
    look(batch, "qq", "l1", times=3)  # the lender uses 1 of its 2
    for name in ("b1", "b2", "b3", "b4"):
        submit(batch, "qq", name, "borrower")

    look(batch, "qq", "b*", times=3)

    assert statuses() == {
        "l1": "STARTING",
        "b1": "SCHEDULED",
        "b2": "SCHEDULED",
        "b3": "SCHEDULED",
        "b4": "RUNNABLE",
    }


def test_one_job_may_use_its_own_idle_capacity_and_borrowed_capacity_together(batch, qq):
    create_share(batch, "qq", "lender", 1, "LEND")
    create_share(batch, "qq", "borrower", 2, "LEND_AND_BORROW")
    submit(batch, "qq", "b1", "borrower", 1)
    look(batch, "qq", "b1", times=3)
    submit(batch, "qq", "b2", "borrower", 2)  # 1 of its own + 1 borrowed

    look(batch, "qq", "b2", times=3)

    assert statuses() == {"b1": "STARTING", "b2": "SCHEDULED"}


def test_a_share_s_own_idle_capacity_is_not_borrowed_twice(batch, qq):
    create_share(batch, "qq", "lender", 1, "LEND")
    create_share(batch, "qq", "borrower", 2, "LEND_AND_BORROW")
    submit(batch, "qq", "b1", "borrower", 1)
    look(batch, "qq", "b1", times=3)
    submit(batch, "qq", "b2", "borrower", 3)  # 1 of its own + 2 borrowed: the lender has 1

    look(batch, "qq", "b2", times=3)

    assert statuses() == {"b1": "STARTING", "b2": "RUNNABLE"}


def test_reserve_share_never_lends(batch, qq):
    create_share(batch, "qq", "reserved", 4, "RESERVE")
    create_share(batch, "qq", "borrower", 2, "LEND_AND_BORROW")
    for name in ("b1", "b2", "b3"):
        submit(batch, "qq", name, "borrower")

    look(batch, "qq", times=3)

    assert statuses() == {"b1": "SCHEDULED", "b2": "SCHEDULED", "b3": "RUNNABLE"}


@pytest.mark.parametrize("strategy", ["RESERVE", "LEND"])
def test_share_that_does_not_borrow_stays_within_its_limits(batch, qq, strategy):
    create_share(batch, "qq", "lender", 4, "LEND")
    create_share(batch, "qq", "a", 2, strategy)
    for name in ("a1", "a2", "a3"):
        submit(batch, "qq", name, "a")

    look(batch, "qq", times=3)

    assert statuses() == {"a1": "SCHEDULED", "a2": "SCHEDULED", "a3": "RUNNABLE"}


def test_idle_capacity_goes_to_the_oldest_head_across_shares(batch, qq):
    create_share(batch, "qq", "lender", 1, "LEND")
    create_share(batch, "qq", "x", 1, "LEND_AND_BORROW")
    create_share(batch, "qq", "y", 1, "LEND_AND_BORROW")
    for name, share in (("y1", "y"), ("y2", "y"), ("x1", "x"), ("x2", "x")):
        submit(batch, "qq", name, share)

    look(batch, "qq", times=3)

    # y2 is older than x2: it borrows the one idle instance.
    assert statuses() == {"y1": "SCHEDULED", "y2": "SCHEDULED", "x1": "SCHEDULED", "x2": "RUNNABLE"}


def test_shares_heads_go_oldest_first_when_the_environment_is_short(batch):
    quota_queue(batch, capacity=limits((2, ML)))
    create_share(batch, "qq", "x", 2, "RESERVE")
    create_share(batch, "qq", "y", 2, "RESERVE")
    for name, share in (("y1", "y"), ("x1", "x"), ("y2", "y")):
        submit(batch, "qq", name, share)

    look(batch, "qq", times=3)

    assert statuses() == {"y1": "SCHEDULED", "x1": "SCHEDULED", "y2": "RUNNABLE"}


def test_higher_scheduling_priority_goes_first_inside_a_share(batch, qq):
    create_share(batch, "qq", "a", 1, "RESERVE")
    submit(batch, "qq", "low", "a", schedulingPriority=1)
    submit(batch, "qq", "none", "a")
    submit(batch, "qq", "high", "a", schedulingPriority=9)

    look(batch, "qq", times=3)

    assert statuses() == {"low": "RUNNABLE", "none": "RUNNABLE", "high": "SCHEDULED"}


def test_oldest_job_goes_first_on_equal_priority_inside_a_share(batch, qq):
    create_share(batch, "qq", "a", 1, "RESERVE")
    submit(batch, "qq", "older", "a", schedulingPriority=5)
    submit(batch, "qq", "newer", "a", schedulingPriority=5)

    look(batch, "qq", times=3)

    assert statuses() == {"older": "SCHEDULED", "newer": "RUNNABLE"}


def test_priority_does_not_order_jobs_across_shares(batch):
    quota_queue(batch, capacity=limits((1, ML)))
    create_share(batch, "qq", "x", 1, "RESERVE")
    create_share(batch, "qq", "y", 1, "RESERVE")
    submit(batch, "qq", "x-low", "x", schedulingPriority=0)
    submit(batch, "qq", "y-high", "y", schedulingPriority=9999)

    look(batch, "qq", times=3)

    assert statuses() == {"x-low": "SCHEDULED", "y-high": "RUNNABLE"}


def test_blocked_share_does_not_block_another_share(batch, qq):
    create_share(batch, "qq", "x", 1, "RESERVE")
    create_share(batch, "qq", "y", 1, "RESERVE")
    for name, share in (("x1", "x"), ("x2", "x"), ("y1", "y")):
        submit(batch, "qq", name, share)

    look(batch, "qq", times=3)

    assert statuses() == {"x1": "SCHEDULED", "x2": "RUNNABLE", "y1": "SCHEDULED"}


def test_blocked_head_blocks_the_rest_of_its_share(batch, qq):
    create_share(batch, "qq", "a", 2, "RESERVE")
    submit(batch, "qq", "one", "a", 1)
    submit(batch, "qq", "two", "a", 2)
    submit(batch, "qq", "also-one", "a", 1)

    look(batch, "qq", times=3)

    # "two" does not fit beside "one"; "also-one" would, but waits behind it.
    assert statuses() == {"one": "SCHEDULED", "two": "RUNNABLE", "also-one": "RUNNABLE"}


def test_runnable_job_not_looked_at_yet_keeps_its_place_in_its_share(batch, qq):
    create_share(batch, "qq", "a", 1, "RESERVE")
    first = submit(batch, "qq", "first", "a")
    second = submit(batch, "qq", "second", "a")
    describe(batch, first)  # one look: "first" becomes RUNNABLE at the next request

    for _ in range(4):
        look(batch, "qq", "second")

    assert statuses() == {"first": "RUNNABLE", "second": "RUNNABLE"}
    assert [describe(batch, first)["status"] for _ in range(2)] == ["RUNNABLE", "SCHEDULED"]
    assert describe(batch, second)["status"] == "RUNNABLE"


def test_runnable_head_not_looked_at_yet_keeps_its_room_from_another_share(batch):
    quota_queue(batch, capacity=limits((1, ML)))  # oversubscribed: the shares hold 2
    create_share(batch, "qq", "x", 1, "RESERVE")
    create_share(batch, "qq", "y", 1, "RESERVE")
    older = submit(batch, "qq", "older", "x")
    submit(batch, "qq", "newer", "y")
    describe(batch, older)  # one look: "older" becomes RUNNABLE at the next request

    for _ in range(4):
        look(batch, "qq", "newer")

    assert statuses() == {"older": "RUNNABLE", "newer": "RUNNABLE"}
    assert [describe(batch, older)["status"] for _ in range(2)] == ["RUNNABLE", "SCHEDULED"]


# -- jobs their share can never run --------------------------------------------------------


@pytest.mark.parametrize("strategy", ["RESERVE", "LEND"])
def test_job_larger_than_a_share_that_does_not_borrow_exceeds_its_capacity_limits(
    batch, qq, strategy
):
    create_share(batch, "qq", "a", 2, strategy)
    create_share(batch, "qq", "lender", 4, "LEND")  # lending does not help a non-borrower
    job_id = submit(batch, "qq", "huge", "a", 3)

    look(batch, "qq", times=5)

    described = describe(batch, job_id)
    assert (described["status"], described["statusReason"]) == ("RUNNABLE", OVER_SHARE_LIMITS)


def test_job_larger_than_its_share_and_the_borrowing_cap_exceeds_the_borrow_limits(batch, qq):
    create_share(batch, "qq", "lender", 4, "LEND")
    create_share(batch, "qq", "borrower", 2, "LEND_AND_BORROW", borrow_limit=50)
    job_id = submit(batch, "qq", "huge", "borrower", 4)  # at most 2 + 1 borrowed

    look(batch, "qq", times=5)

    described = describe(batch, job_id)
    assert (described["status"], described["statusReason"]) == ("RUNNABLE", OVER_BORROW_LIMIT)


def test_job_needing_more_than_all_lendable_capacity_exceeds_the_borrowable_capacity(batch, qq):
    create_share(batch, "qq", "lender", 1, "LEND")
    create_share(batch, "qq", "reserved", 4, "RESERVE")
    create_share(batch, "qq", "borrower", 2, "LEND_AND_BORROW")
    job_id = submit(batch, "qq", "huge", "borrower", 4)  # at most 2 + 1 borrowed

    look(batch, "qq", times=5)

    described = describe(batch, job_id)
    assert (described["status"], described["statusReason"]) == ("RUNNABLE", OVER_LENDABLE)


def test_borrow_limit_is_reported_before_lendable_capacity_when_both_fall_short(batch, qq):
    create_share(batch, "qq", "lender", 1, "LEND")
    create_share(batch, "qq", "borrower", 2, "LEND_AND_BORROW", borrow_limit=100)
    job_id = submit(batch, "qq", "huge", "borrower", 5)  # cap 4; lendable 2 + 1

    look(batch, "qq", times=5)

    assert describe(batch, job_id)["statusReason"] == OVER_BORROW_LIMIT


def test_job_that_could_borrow_enough_has_no_quota_limit_reason(batch, qq):
    create_share(batch, "qq", "lender", 2, "LEND")
    create_share(batch, "qq", "borrower", 2, "LEND_AND_BORROW")
    submit(batch, "qq", "l1", "lender", 1)
    look(batch, "qq", "l1", times=3)  # the lender uses 1 of its 2 for now
    job_id = submit(batch, "qq", "big", "borrower", 4)

    look(batch, "qq", "big", times=4)

    described = describe(batch, job_id)
    assert described["status"] == "RUNNABLE"
    assert "statusReason" not in described


def test_job_behind_one_its_share_can_never_run_waits(batch, qq):
    create_share(batch, "qq", "a", 2, "RESERVE")
    submit(batch, "qq", "huge", "a", 3)
    submit(batch, "qq", "small", "a", 1)

    look(batch, "qq", times=5)

    assert statuses() == {"huge": "RUNNABLE", "small": "RUNNABLE"}


def test_raising_the_share_s_limits_lets_the_job_run(batch, qq):
    arn = create_share(batch, "qq", "a", 2, "RESERVE")
    job_id = submit(batch, "qq", "huge", "a", 3)
    look(batch, "qq", times=4)
    batch.update_quota_share(quotaShareArn=arn, capacityLimits=limits((3, ML)))

    described = describe(batch, job_id)

    assert described["status"] == "SCHEDULED"
    assert "statusReason" not in described


# -- cross-share preemption ----------------------------------------------------------------


@pytest.fixture
def lent(batch: Any, clock: Clock) -> dict[str, str]:
    """Queue "qq" on 4 ml.m5.xlarge, shared by "lender" (LEND 2) and "borrower" (LEND_AND_BORROW
    2). The borrower runs b1 and b2 (1 instance each, its own) and b3 (2 instances, borrowed
    from the lender); all three reached RUNNING at START + 10 s. Job name -> jobId."""
    quota_queue(batch, capacity=limits((4, ML)))
    create_share(batch, "qq", "lender", 2, "LEND")
    create_share(batch, "qq", "borrower", 2, "LEND_AND_BORROW")
    jobs = {
        name: submit(batch, "qq", name, "borrower", n)
        for name, n in (("b1", 1), ("b2", 1), ("b3", 2))
    }
    look(batch, "qq", "b*", times=3)  # SCHEDULED at START
    clock.advance(5)
    look(batch, "qq", "b*")  # STARTING at START + 5 s, and looked at once more
    clock.advance(5)
    look(batch, "qq", "nothing")  # RUNNING at START + 10 s; not looked at since
    assert statuses() == {"b1": "RUNNING", "b2": "RUNNING", "b3": "RUNNING"}
    return jobs


def reclaim(batch: Any, clock: Clock, name: str = "a1", instances: int = 1, **extra: Any) -> str:
    """Submit a lender job and look at it until it is dispatched, 10 s later."""
    job_id = submit(batch, "qq", name, "lender", instances, **extra)
    look(batch, "qq", name, times=2)  # RUNNABLE
    clock.advance(10)
    look(batch, "qq", name)  # dispatched now
    return job_id


def test_job_within_its_share_reclaims_capacity_from_the_newest_borrowing_job(batch, clock, lent):
    reclaim(batch, clock)

    assert statuses() == {"b1": "RUNNING", "b2": "RUNNING", "b3": "RUNNABLE", "a1": "SCHEDULED"}


def test_preempted_job_has_a_preemption_summary_and_no_used_attempt(batch, clock, lent):
    running = current_training_job(lent["b3"])

    reclaim(batch, clock)

    described = describe(batch, lent["b3"])
    assert described["status"] == "RUNNABLE"
    assert "statusReason" not in described
    assert described["attempts"] == []
    assert described["preemptionSummary"] == {
        "preemptedAttemptCount": 1,
        "recentPreemptedAttempts": [
            {
                "serviceResourceId": {"name": "TrainingJobArn", "value": running},
                "startedAt": START + 10_000,
                "stoppedAt": START + 20_000,
                "statusReason": PREEMPTED,
            }
        ],
    }


def test_jobs_that_were_not_preempted_have_no_preemption_summary(batch, clock, lent):
    a1 = reclaim(batch, clock)

    for job_id in (lent["b1"], lent["b2"], a1):
        assert "preemptionSummary" not in describe(batch, job_id)


def test_preempted_job_is_not_stopped_and_keeps_its_start_time(batch, clock, lent):
    reclaim(batch, clock)

    described = describe(batch, lent["b3"])
    assert described["startedAt"] == START + 10_000
    assert described["isTerminated"] is False
    assert "stoppedAt" not in described


def test_preempted_job_runs_again_with_a_new_training_job_once_capacity_is_idle(batch, clock, lent):
    first = current_training_job(lent["b3"])
    a1 = reclaim(batch, clock)
    look(batch, "qq", "b3", times=3)  # the lender's 1 idle instance is not enough
    assert statuses()["b3"] == "RUNNABLE"
    look(batch, "qq", "a1", times=3)  # a1 finishes
    assert statuses()["a1"] == "SUCCEEDED"

    redispatched = [describe(batch, lent["b3"]) for _ in range(2)][-1]  # looked at, then due
    assert redispatched["status"] == "SCHEDULED"
    assert training_job(redispatched) != first
    assert describe(batch, a1)["status"] == "SUCCEEDED"

    finished = [describe(batch, lent["b3"]) for _ in range(3)][-1]
    assert finished["status"] == "SUCCEEDED"
    assert [a["serviceResourceId"]["value"] for a in finished["attempts"]] == [
        training_job(redispatched)
    ]
    assert finished["preemptionSummary"]["preemptedAttemptCount"] == 1
    assert finished["preemptionSummary"]["recentPreemptedAttempts"][0]["serviceResourceId"] == {
        "name": "TrainingJobArn",
        "value": first,
    }


def borrowing_queue(batch: Any) -> None:
    """Queue "qq" on 2 ml.m5.xlarge: "lender" (LEND 1) and "borrower" (LEND_AND_BORROW 1)."""
    quota_queue(batch, capacity=limits((2, ML)))
    create_share(batch, "qq", "lender", 1, "LEND")
    create_share(batch, "qq", "borrower", 1, "LEND_AND_BORROW")


def scheduled_borrower(batch: Any, **extra: Any) -> str:
    """On a ``borrowing_queue``, job "b1" of "borrower" needing 2 instances, looked at until
    SCHEDULED (at START, borrowing 1); its jobId."""
    borrowing_queue(batch)
    job_id = submit(batch, "qq", "b1", "borrower", 2, **extra)
    look(batch, "qq", "b1", times=3)
    return job_id


def preempted_once_at_start_plus_10_s(training: str) -> dict[str, Any]:
    """The preemptionSummary of a job whose SCHEDULED attempt ``training`` was preempted
    (never started) at START + 10 s."""
    return {
        "preemptedAttemptCount": 1,
        "recentPreemptedAttempts": [
            {
                "serviceResourceId": {"name": "TrainingJobArn", "value": training},
                "stoppedAt": START + 10_000,
                "statusReason": PREEMPTED,
            }
        ],
    }


def test_preemption_does_not_use_an_attempt_of_the_retry_strategy(batch, clock):
    borrowing = scheduled_borrower(batch, retryStrategy={"attempts": 1})
    reclaim(batch, clock)
    mbs.plan_service_job_attempts(borrowing, mbs.fail_attempt("AlgorithmError: boom"))
    look(batch, "qq", "a1", times=3)  # a1 finishes, b1 may borrow again

    seen = [describe(batch, borrowing)["status"] for _ in range(5)]

    assert seen == ["RUNNABLE", "SCHEDULED", "STARTING", "RUNNING", "FAILED"]
    described = describe(batch, borrowing)
    assert described["statusReason"] == "Received status from SageMaker: AlgorithmError: boom"
    assert len(described["attempts"]) == 1
    assert described["preemptionSummary"]["preemptedAttemptCount"] == 1


def test_preempted_scheduled_job_has_no_start_time_in_its_preempted_attempt(batch, clock):
    borrowing = scheduled_borrower(batch)
    training = current_training_job(borrowing)

    reclaim(batch, clock)  # b1 is STARTING when it is preempted

    assert describe(batch, borrowing)["preemptionSummary"] == preempted_once_at_start_plus_10_s(
        training
    )


def test_job_with_no_preemption_retries_fails_when_preempted(batch, clock):
    borrowing = scheduled_borrower(
        batch, preemptionConfiguration={"preemptionRetriesBeforeTermination": 0}
    )
    training = current_training_job(borrowing)

    reclaim(batch, clock)

    assert statuses() == {"b1": "FAILED", "a1": "SCHEDULED"}
    described = describe(batch, borrowing)
    assert (described["status"], described["statusReason"], described["stoppedAt"]) == (
        "FAILED",
        PREEMPTED,
        START + 10_000,
    )
    assert described["preemptionSummary"] == preempted_once_at_start_plus_10_s(training)


def test_job_failed_by_preemption_has_that_attempt_once_as_a_preempted_attempt(batch, clock):
    retries = {"preemptionRetriesBeforeTermination": 1}
    borrowing = scheduled_borrower(batch, preemptionConfiguration=retries)
    reclaim(batch, clock, "a1")  # first preemption: b1 is requeued
    look(batch, "qq", "a1", times=3)  # a1 finishes
    look(batch, "qq", "b1", times=2)  # b1 is dispatched again, borrowing 1
    second = current_training_job(borrowing)
    clock.advance(10)

    reclaim(batch, clock, "a2")  # second preemption: retries exhausted

    described = describe(batch, borrowing)
    assert (described["status"], described["isTerminated"]) == ("FAILED", True)
    assert described["attempts"] == []
    summary = described["preemptionSummary"]
    assert summary["preemptedAttemptCount"] == 2
    assert summary["recentPreemptedAttempts"][0] == {
        "serviceResourceId": {"name": "TrainingJobArn", "value": second},
        "stoppedAt": START + 30_000,
        "statusReason": PREEMPTED,
    }
    assert described["stoppedAt"] == START + 30_000


def test_job_with_preemption_retries_left_is_requeued(batch, clock):
    borrowing = scheduled_borrower(
        batch, preemptionConfiguration={"preemptionRetriesBeforeTermination": 1}
    )

    reclaim(batch, clock)

    described = describe(batch, borrowing)
    assert described["status"] == "RUNNABLE"
    assert described["preemptionSummary"]["preemptedAttemptCount"] == 1


@pytest.mark.parametrize("state", ["SCHEDULED", "STARTING", "RUNNING"])
def test_job_a_test_moved_to_a_dispatched_status_is_preempted_as_a_dispatched_one(
    batch, clock, state
):
    borrowing_queue(batch)
    borrowing = submit(batch, "qq", "b1", "borrower", 2)
    look(batch, "qq", "b1", times=2)  # RUNNABLE
    mbs.set_service_job_status(borrowing, state)  # borrowing the lender's instance

    reclaim(batch, clock)

    assert statuses() == {"b1": "RUNNABLE", "a1": "SCHEDULED"}
    assert describe(batch, borrowing)["preemptionSummary"]["preemptedAttemptCount"] == 1


def test_seeded_running_job_is_preempted_as_a_dispatched_one(batch, clock):
    borrowing_queue(batch)
    seeded = mbs.add_service_job(
        "qq",
        "b1",
        status="RUNNING",
        quota_share_name="borrower",
        service_request_payload=payload(2),
    )

    reclaim(batch, clock)

    assert statuses() == {"b1": "RUNNABLE", "a1": "SCHEDULED"}
    assert describe(batch, seeded.job_id)["preemptionSummary"]["preemptedAttemptCount"] == 1


def test_job_within_its_share_preempts_nothing_while_the_environment_has_room(batch, clock):
    quota_queue(batch, capacity=limits((8, ML)))
    create_share(batch, "qq", "lender", 2, "LEND")
    create_share(batch, "qq", "borrower", 2, "LEND_AND_BORROW")
    submit(batch, "qq", "b1", "borrower", 4)
    look(batch, "qq", "b1", times=3)

    reclaim(batch, clock)

    assert statuses() == {"b1": "STARTING", "a1": "SCHEDULED"}


def test_job_beyond_its_own_limits_does_not_preempt_another_share(batch, clock, lent):
    a1 = reclaim(batch, clock, "a1", 3)  # more than the lender's own 2

    assert statuses() == {"b1": "RUNNING", "b2": "RUNNING", "b3": "RUNNING", "a1": "RUNNABLE"}
    assert describe(batch, a1)["statusReason"] == OVER_SHARE_LIMITS


def test_jobs_within_their_own_limits_are_not_preempted(batch, clock):
    quota_queue(batch, capacity=limits((2, ML)))
    create_share(batch, "qq", "x", 2, "LEND_AND_BORROW")
    create_share(batch, "qq", "lender", 1, "LEND")  # the environment is oversubscribed
    submit(batch, "qq", "x1", "x", 2)
    look(batch, "qq", "x1", times=3)

    a1 = reclaim(batch, clock)

    assert statuses() == {"x1": "STARTING", "a1": "RUNNABLE"}
    assert "statusReason" not in describe(batch, a1)


def test_nothing_is_preempted_when_reclaiming_cannot_make_room(batch, clock):
    quota_queue(batch, capacity=limits((3, ML)))  # oversubscribed: the shares hold 5
    create_share(batch, "qq", "lender", 1, "LEND")
    create_share(batch, "qq", "borrower", 2, "LEND_AND_BORROW")
    create_share(batch, "qq", "reserved", 2, "RESERVE")
    for name in ("b1", "b2", "b3"):  # b3 borrows the lender's instance
        submit(batch, "qq", name, "borrower")
    look(batch, "qq", "b*", times=3)

    job_id = submit(batch, "qq", "r1", "reserved", 2)
    look(batch, "qq", "r1", times=3)  # preempting b3 would free 1 of the 2 it needs

    assert statuses() == {"b1": "STARTING", "b2": "STARTING", "b3": "STARTING", "r1": "RUNNABLE"}
    assert "preemptionSummary" not in describe(
        batch, next(j.job_id for j in backend().jobs.values() if j.job_name == "b3")
    )
    assert describe(batch, job_id)["status"] == "RUNNABLE"


def test_a_job_within_its_share_reclaims_borrowed_capacity_rather_than_take_reserved_idle(
    batch, clock
):
    quota_queue(batch, capacity=limits((3, ML)))  # every share's limit exists
    create_share(batch, "qq", "qs1", 1, "LEND_AND_BORROW")
    create_share(batch, "qq", "qs2", 1, "LEND")
    create_share(batch, "qq", "qs3", 1, "RESERVE")  # idle: kept for its own jobs
    submit(batch, "qq", "own", "qs1")
    borrower = submit(batch, "qq", "borrower", "qs1")  # borrows qs2's idle instance
    look(batch, "qq", times=3)
    assert statuses() == {"own": "SCHEDULED", "borrower": "SCHEDULED"}

    submit(batch, "qq", "back", "qs2")
    look(batch, "qq", "back", times=3)

    # qs2's job, within its share's limits, takes its capacity back from the borrower;
    # qs3's idle instance stays idle.
    assert statuses() == {"own": "STARTING", "borrower": "RUNNABLE", "back": "SCHEDULED"}
    assert describe(batch, borrower)["preemptionSummary"]["preemptedAttemptCount"] == 1


def test_a_reserve_share_s_idle_capacity_is_not_lent_to_a_borrower(batch, clock):
    quota_queue(batch, capacity=limits((2, ML)))
    create_share(batch, "qq", "borrower", 1, "LEND_AND_BORROW")
    create_share(batch, "qq", "reserved", 1, "RESERVE")
    for name in ("b1", "b2"):
        submit(batch, "qq", name, "borrower")

    look(batch, "qq", times=3)

    assert statuses() == {"b1": "SCHEDULED", "b2": "RUNNABLE"}


def test_a_reserve_share_s_own_jobs_use_its_idle_capacity(batch, clock):
    quota_queue(batch, capacity=limits((2, ML)))
    create_share(batch, "qq", "other", 1, "LEND_AND_BORROW")
    create_share(batch, "qq", "reserved", 1, "RESERVE")
    submit(batch, "qq", "r1", "reserved")
    submit(batch, "qq", "o1", "other")

    look(batch, "qq", times=3)

    assert statuses() == {"r1": "SCHEDULED", "o1": "SCHEDULED"}


def test_lowering_a_share_s_limits_makes_its_jobs_above_them_preemptible(batch, clock):
    quota_queue(batch, capacity=limits((4, ML)))
    x = create_share(batch, "qq", "x", 4, "RESERVE")
    create_share(batch, "qq", "y", 1, "RESERVE")
    for name in ("x1", "x2", "x3", "x4"):
        submit(batch, "qq", name, "x")
    look(batch, "qq", "x*", times=3)
    batch.update_quota_share(quotaShareArn=x, capacityLimits=limits((3, ML)))

    submit(batch, "qq", "y1", "y")
    look(batch, "qq", "y1", times=3)

    assert statuses() == {
        "x1": "STARTING",
        "x2": "STARTING",
        "x3": "STARTING",
        "x4": "RUNNABLE",
        "y1": "SCHEDULED",
    }


def test_reclaiming_preempts_only_jobs_borrowing_the_instance_type_it_needs(batch, clock):
    quota_queue(batch, capacity=limits((2, ML), (2, C5)))
    create_share(batch, "qq", "lender", limits((1, ML), (1, C5)), "LEND")
    create_share(batch, "qq", "borrower", limits((1, ML), (1, C5)), "LEND_AND_BORROW")
    submit(batch, "qq", "b-m5", "borrower", 2)
    look(batch, "qq", "b-m5", times=3)
    submit(batch, "qq", "b-c5", "borrower", serviceRequestPayload=payload(2, C5))
    look(batch, "qq", "b-c5", times=3)  # the newest borrowing job, but of ml.c5.xlarge

    reclaim(batch, clock)

    assert statuses() == {"b-m5": "RUNNABLE", "b-c5": "STARTING", "a1": "SCHEDULED"}


# -- in-share preemption -------------------------------------------------------------------


def in_share_queue(batch: Any, in_share: str, capacity: int = 1) -> None:
    quota_queue(batch, capacity=limits((4, ML)))
    create_share(batch, "qq", "a", capacity, "RESERVE", in_share=in_share)


def test_higher_priority_job_preempts_a_lower_priority_one_of_its_share(batch, clock):
    in_share_queue(batch, "ENABLED")
    low = submit(batch, "qq", "low", "a", schedulingPriority=1)
    look(batch, "qq", "low", times=3)
    training = current_training_job(low)  # STARTING at the next request
    high = submit(batch, "qq", "high", "a", schedulingPriority=5)
    look(batch, "qq", "high", times=2)
    clock.advance(30)

    look(batch, "qq", "high")

    assert statuses() == {"low": "RUNNABLE", "high": "SCHEDULED"}
    assert describe(batch, low)["preemptionSummary"] == {
        "preemptedAttemptCount": 1,
        "recentPreemptedAttempts": [
            {
                "serviceResourceId": {"name": "TrainingJobArn", "value": training},
                "stoppedAt": START + 30_000,
                "statusReason": PREEMPTED,
            }
        ],
    }
    assert "preemptionSummary" not in describe(batch, high)


def test_higher_priority_job_waits_when_in_share_preemption_is_disabled(batch, clock):
    in_share_queue(batch, "DISABLED")
    low = submit(batch, "qq", "low", "a", schedulingPriority=1)
    look(batch, "qq", "low", times=3)
    high = submit(batch, "qq", "high", "a", schedulingPriority=5)

    look(batch, "qq", "high", times=4)

    assert statuses() == {"low": "STARTING", "high": "RUNNABLE"}
    assert "preemptionSummary" not in describe(batch, low)
    assert "statusReason" not in describe(batch, high)


def test_in_share_preemption_picks_the_lowest_priority_job(batch, clock):
    in_share_queue(batch, "ENABLED", capacity=3)
    for name, priority in (("p1", 1), ("p0", 0), ("p2", 2)):
        submit(batch, "qq", name, "a", schedulingPriority=priority)
    look(batch, "qq", "p*", times=3)
    submit(batch, "qq", "high", "a", schedulingPriority=5)

    look(batch, "qq", "high", times=3)

    assert statuses() == {"p1": "STARTING", "p0": "RUNNABLE", "p2": "STARTING", "high": "SCHEDULED"}


def test_in_share_preemption_picks_the_newest_of_equally_low_jobs(batch, clock):
    in_share_queue(batch, "ENABLED", capacity=2)
    for name in ("low-older", "low-newer"):
        submit(batch, "qq", name, "a", schedulingPriority=1)
    look(batch, "qq", "low*", times=3)
    submit(batch, "qq", "high", "a", schedulingPriority=5)

    look(batch, "qq", "high", times=3)

    assert statuses() == {"low-older": "STARTING", "low-newer": "RUNNABLE", "high": "SCHEDULED"}


def test_job_of_equal_priority_does_not_preempt(batch, clock):
    in_share_queue(batch, "ENABLED")
    submit(batch, "qq", "first", "a", schedulingPriority=5)
    look(batch, "qq", "first", times=3)
    submit(batch, "qq", "second", "a", schedulingPriority=5)

    look(batch, "qq", "second", times=3)

    assert statuses() == {"first": "STARTING", "second": "RUNNABLE"}


def test_in_share_preemption_preempts_nothing_unless_it_makes_enough_room(batch, clock):
    in_share_queue(batch, "ENABLED", capacity=2)
    submit(batch, "qq", "p-low", "a", schedulingPriority=1)
    submit(batch, "qq", "p-top", "a", schedulingPriority=9)
    look(batch, "qq", "p-*", times=3)
    submit(batch, "qq", "big", "a", 2, schedulingPriority=5)  # only "p-low" is below it

    look(batch, "qq", "big", times=3)

    assert statuses() == {"p-low": "STARTING", "p-top": "STARTING", "big": "RUNNABLE"}


def test_lowering_a_running_job_s_priority_makes_it_preemptible(batch, clock):
    in_share_queue(batch, "ENABLED")
    running = submit(batch, "qq", "running", "a", schedulingPriority=9)
    look(batch, "qq", "running", times=3)
    submit(batch, "qq", "waiting", "a", schedulingPriority=5)
    look(batch, "qq", "waiting", times=2)
    batch.update_service_job(jobId=running, schedulingPriority=0)

    look(batch, "qq", "waiting")

    assert statuses() == {"running": "RUNNABLE", "waiting": "SCHEDULED"}


def test_raising_a_runnable_job_s_priority_lets_it_preempt(batch, clock):
    in_share_queue(batch, "ENABLED")
    submit(batch, "qq", "running", "a", schedulingPriority=5)
    look(batch, "qq", "running", times=3)
    waiting = submit(batch, "qq", "waiting", "a", schedulingPriority=1)
    look(batch, "qq", "waiting", times=3)
    assert statuses() == {"running": "STARTING", "waiting": "RUNNABLE"}
    batch.update_service_job(jobId=waiting, schedulingPriority=9)

    look(batch, "qq", "waiting")

    assert statuses() == {"running": "RUNNABLE", "waiting": "SCHEDULED"}


def test_only_the_5_most_recent_preempted_attempts_are_kept_newest_first(batch, clock):
    in_share_queue(batch, "ENABLED")
    victim = submit(batch, "qq", "victim", "a", schedulingPriority=0)
    look(batch, "qq", "victim")
    preempted = []
    for i in range(6):
        look(batch, "qq", "victim", times=2)  # (RUNNABLE and) dispatched
        assert statuses()["victim"] == "SCHEDULED"
        preempted.append(current_training_job(victim))
        high = submit(batch, "qq", f"h{i}", "a", schedulingPriority=9)
        look(batch, "qq", f"h{i}", times=2)
        clock.advance(1)
        look(batch, "qq", f"h{i}")  # preempts the victim
        assert statuses()["victim"] == "RUNNABLE"
        batch.terminate_service_job(jobId=high, reason="make room")

    summary = describe(batch, victim)["preemptionSummary"]

    assert summary["preemptedAttemptCount"] == 6
    assert (
        summary["recentPreemptedAttempts"]
        == [
            {
                "serviceResourceId": {"name": "TrainingJobArn", "value": arn},
                "stoppedAt": START + (i + 1) * 1000,
                "statusReason": PREEMPTED,
            }
            for i, arn in reversed(list(enumerate(preempted)))
        ][:5]
    )


def test_job_larger_than_the_environment_has_the_max_resource_reason(batch, clock):
    quota_queue(batch, capacity=limits((2, ML)))
    create_share(batch, "qq", "a", 4, "RESERVE")
    job_id = submit(batch, "qq", "huge", "a", 3)

    look(batch, "qq", times=4)

    described = describe(batch, job_id)
    assert (described["status"], described["statusReason"]) == (
        "RUNNABLE",
        "MISCONFIGURATION:SERVICE_ENVIRONMENT_MAX_RESOURCE - Service environment(s) associated "
        "with the job queue cannot meet the capacity requirement of the job.",
    )


# -- GetJobQueueSnapshot of a quota-managed queue ------------------------------------------


@pytest.fixture
def busy(batch: Any, qq: str, clock: Clock) -> dict[str, str]:
    """Queue "qq" with shares x (RESERVE 2), y (RESERVE 1) and z (RESERVE 1, no jobs).
    x1, x2 (priority 9) and y1 hold the shares' capacity; x3 (priority 0), y2 and x4
    (priority 5), submitted in that order, wait RUNNABLE since START + 1 s. Name -> jobArn."""
    for name, limit in (("x", 2), ("y", 1), ("z", 1)):
        create_share(batch, "qq", name, limit, "RESERVE")
    arns = {}
    for name, share, priority in (
        ("x1", "x", 9),
        ("x2", "x", 9),
        ("y1", "y", None),
        ("x3", "x", 0),
        ("y2", "y", None),
        ("x4", "x", 5),
    ):
        extra = {} if priority is None else {"schedulingPriority": priority}
        job_id = submit(batch, "qq", name, share, **extra)
        arns[name] = f"arn:aws:batch:{REGION}:{ACCOUNT}:service-job/{job_id}"
    look(batch, "qq")
    clock.advance(1)
    look(batch, "qq")  # RUNNABLE at START + 1 s
    clock.advance(1)
    look(batch, "qq")  # dispatched at START + 2 s
    assert statuses() == {
        "x1": "SCHEDULED",
        "x2": "SCHEDULED",
        "y1": "SCHEDULED",
        "x3": "RUNNABLE",
        "y2": "RUNNABLE",
        "x4": "RUNNABLE",
    }
    clock.advance(1)
    return arns


def test_snapshot_front_of_queue_follows_quota_dispatch_order(batch, busy):
    snapshot = batch.get_job_queue_snapshot(jobQueue="qq")

    # The shares' heads are x4 (x's highest priority) and y2; y2 is the older head.
    assert snapshot["frontOfQueue"] == {
        "jobs": [
            {"jobArn": busy["y2"], "earliestTimeAtPosition": START + 1_000},
            {"jobArn": busy["x4"], "earliestTimeAtPosition": START + 1_000},
            {"jobArn": busy["x3"], "earliestTimeAtPosition": START + 1_000},
        ],
        "lastUpdatedAt": START + 3_000,
    }


def test_snapshot_front_of_quota_shares_shows_every_share_s_next_job(batch, busy):
    snapshot = batch.get_job_queue_snapshot(jobQueue="qq")

    # z has no RUNNABLE job: it is listed with an empty list, as in AWS's example.
    assert snapshot["frontOfQuotaShares"] == {
        "quotaShares": {
            "x": [{"jobArn": busy["x4"], "earliestTimeAtPosition": START + 1_000}],
            "y": [{"jobArn": busy["y2"], "earliestTimeAtPosition": START + 1_000}],
            "z": [],
        },
        "lastUpdatedAt": START + 3_000,
    }


def test_snapshot_quota_share_utilization_shows_each_share_s_usage(batch, busy):
    snapshot = batch.get_job_queue_snapshot(jobQueue="qq")

    assert snapshot["queueUtilization"] == {
        "totalCapacityUsage": [{"capacityUnit": ML, "quantity": 3.0}],
        "quotaShareUtilization": {
            "topCapacityUtilization": [
                {"quotaShareName": "x", "capacityUsage": [{"capacityUnit": ML, "quantity": 2.0}]},
                {"quotaShareName": "y", "capacityUsage": [{"capacityUnit": ML, "quantity": 1.0}]},
            ]
        },
        "lastUpdatedAt": START + 3_000,
    }


def test_snapshot_of_an_idle_quota_managed_queue_lists_its_share_empty(batch, qq, clock):
    create_share(batch, "qq", "a")

    snapshot = without_metadata(batch.get_job_queue_snapshot(jobQueue="qq"))

    assert snapshot == {
        "frontOfQueue": {"jobs": [], "lastUpdatedAt": START},
        "frontOfQuotaShares": {"quotaShares": {"a": []}, "lastUpdatedAt": START},
        "queueUtilization": {
            "totalCapacityUsage": [],
            "quotaShareUtilization": {"topCapacityUtilization": []},
            "lastUpdatedAt": START,
        },
    }


def test_snapshot_of_a_fifo_queue_has_no_quota_share_sections(batch, queue):
    snapshot = without_metadata(batch.get_job_queue_snapshot(jobQueue=queue))

    assert "frontOfQuotaShares" not in snapshot
    assert "quotaShareUtilization" not in snapshot["queueUtilization"]


# -- queue time limits in a quota-managed queue --------------------------------------------


def time_limited_quota_queue(batch: Any, reason: str, capacity: int = 4) -> str:
    return quota_queue(
        batch,
        capacity=limits((capacity, ML)),
        jobStateTimeLimitActions=[
            {"reason": reason, "state": "RUNNABLE", "maxTimeSeconds": 600, "action": "TERMINATE"}
        ],
    )


def test_quota_limit_time_limit_fails_a_job_its_share_can_never_run(batch, clock):
    time_limited_quota_queue(batch, "MISCONFIGURATION:QUOTA_MANAGEMENT_LIMIT_EXCEEDED")
    create_share(batch, "qq", "a", 1, "RESERVE")
    job_id = submit(batch, "qq", "huge", "a", 2)
    look(batch, "qq", times=3)  # the reason is set at START
    clock.advance(599.999)
    assert describe(batch, job_id)["status"] == "RUNNABLE"
    clock.advance(0.001)

    failed = describe(batch, job_id)

    assert (failed["status"], failed["statusReason"], failed["stoppedAt"]) == (
        "FAILED",
        time_limit_reason("MISCONFIGURATION:QUOTA_MANAGEMENT_LIMIT_EXCEEDED"),
        START + 600_000,
    )


def test_quota_limit_time_limit_leaves_a_job_alone_while_another_heads_its_share(batch, clock):
    time_limited_quota_queue(batch, "MISCONFIGURATION:QUOTA_MANAGEMENT_LIMIT_EXCEEDED")
    create_share(batch, "qq", "a", 1, "RESERVE")
    mbs.add_service_job(  # it holds the share's one instance
        "qq", "running", status="RUNNING", quota_share_name="a", service_request_payload=payload()
    )
    huge = submit(batch, "qq", "huge", "a", 2)
    look(batch, "qq", "huge", times=3)  # the share can never run it: the reason is set
    submit(batch, "qq", "urgent", "a", schedulingPriority=9)
    look(batch, "qq", "urgent", times=3)  # heads the share, waiting for the running job
    clock.advance(600)

    look(batch, "qq", "nothing")

    assert statuses() == {"running": "RUNNING", "huge": "RUNNABLE", "urgent": "RUNNABLE"}
    assert describe(batch, huge)["statusReason"].startswith(
        "MISCONFIGURATION:QUOTA_MANAGEMENT_LIMIT_EXCEEDED - "
    )


def test_capacity_time_limit_in_a_quota_managed_queue_counts_the_time_spent_scheduled(batch, clock):
    time_limited_quota_queue(batch, "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY")
    create_share(batch, "qq", "a", 1, "RESERVE")
    job_id = submit(batch, "qq", "job", "a")
    mbs.plan_service_job_attempts(job_id, mbs.capacity_shortage(), mbs.capacity_shortage())
    look(batch, "qq", times=3)  # dispatched at START
    clock.advance(200)
    assert describe(batch, job_id)["status"] == "RUNNABLE"  # 200 s SCHEDULED
    clock.advance(300)
    assert describe(batch, job_id)["status"] == "SCHEDULED"  # 300 s RUNNABLE
    clock.advance(50)
    assert describe(batch, job_id)["status"] == "RUNNABLE"  # 50 s SCHEDULED
    batch.update_service_environment(serviceEnvironment="qq-env", state="DISABLED")
    clock.advance(49.999)
    assert describe(batch, job_id)["status"] == "RUNNABLE"  # 599.999 s in all
    clock.advance(0.001)

    failed = describe(batch, job_id)

    assert (failed["status"], failed["statusReason"]) == (
        "FAILED",
        time_limit_reason("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"),
    )


# -- other progressions --------------------------------------------------------------------


def test_immediate_progression_finishes_every_job_of_a_quota_share_in_one_call(
    batch, qq, progression
):
    progression({"progression": "immediate"})
    create_share(batch, "qq", "a", 1, "RESERVE")
    jobs = [submit(batch, "qq", f"j{i}", "a") for i in range(3)]

    listed = batch.list_service_jobs(jobQueue="qq", filters=[{"name": "JOB_NAME", "values": ["*"]}])

    assert {s["jobId"]: s["status"] for s in listed["jobSummaryList"]} == dict.fromkeys(
        jobs, "SUCCEEDED"
    )
