"""Scheduling policies: what a client sends is checked before moto stores it, nothing a stored
policy holds breaks a request, a policy in use stays, and a name is taken once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.server import create_backend_app

import moto_batch_service as mbs
from tests.conftest import REGION, answer_body, client_error, make_queue, submit

STEERING = "http://motoapi.amazonaws.com/moto-api/static/batch/service-job-attempts"
WEIGHT = "fairsharePolicy.shareDistribution[0].weightFactor"
SHARE = "fairsharePolicy.shareDistribution[0].shareIdentifier"
ALNUM = "it must be at most 255 letters and digits, optionally followed by *"


def distribution(*entries: Any) -> dict[str, Any]:
    return {"shareDistribution": list(entries)}


BAD_POLICIES = {
    "weight-text": (
        distribution({"shareIdentifier": "a", "weightFactor": "abc"}),
        f"{WEIGHT} must be a number, not str",
    ),
    "weight-list": (
        distribution({"shareIdentifier": "a", "weightFactor": [1]}),
        f"{WEIGHT} must be a number, not list",
    ),
    "weight-bool": (
        distribution({"shareIdentifier": "a", "weightFactor": True}),
        f"{WEIGHT} must be a number, not bool",
    ),
    "weight-zero": (
        distribution({"shareIdentifier": "a", "weightFactor": 0}),
        f"Invalid value for {WEIGHT} (0): it must be between 0.0001 and 999.9999",
    ),
    "weight-too-large": (
        distribution({"shareIdentifier": "a", "weightFactor": 1000}),
        f"Invalid value for {WEIGHT} (1000): it must be between 0.0001 and 999.9999",
    ),
    "share-number": (
        distribution({"shareIdentifier": 5}),
        f"{SHARE} must be a string, not int (5)",
    ),
    "share-object": (
        distribution({"shareIdentifier": {"a": 1}}),
        f"{SHARE} must be a string, not dict ({{'a': 1}})",
    ),
    "share-list": (
        distribution({"shareIdentifier": ["a"]}),
        f"{SHARE} must be a string, not list (['a'])",
    ),
    "share-missing": (distribution({"weightFactor": 1}), f"{SHARE} must be provided"),
    "share-hyphen": (
        distribution({"shareIdentifier": "team-a"}),
        f"Invalid value for {SHARE} ('team-a'): {ALNUM}",
    ),
    "share-too-long": (
        distribution({"shareIdentifier": "a" * 256}),
        f"Invalid value for {SHARE} ('{'a' * 98}\u2026): {ALNUM}",
    ),
    "entry-text": (
        distribution("a"),
        "fairsharePolicy.shareDistribution[0] must be an object, not str",
    ),
    "distribution-text": (
        {"shareDistribution": "a"},
        "fairsharePolicy.shareDistribution must be a list, not str",
    ),
    "overlapping-prefix": (
        distribution({"shareIdentifier": "UserA*"}, {"shareIdentifier": "UserA1"}),
        "The share identifiers UserA* and UserA1 of fairsharePolicy.shareDistribution overlap",
    ),
    "repeated": (
        distribution({"shareIdentifier": "blue"}, {"shareIdentifier": "blue"}),
        "The share identifiers blue and blue of fairsharePolicy.shareDistribution overlap",
    ),
    "reservation-100": (
        {"computeReservation": 100},
        "Invalid value for fairsharePolicy.computeReservation (100): it must be between 0 and 99",
    ),
    "decay-past-a-week": (
        {"shareDecaySeconds": 604_801},
        "Invalid value for fairsharePolicy.shareDecaySeconds (604801): "
        "it must be between 0 and 604800",
    ),
    "decay-text": (
        {"shareDecaySeconds": "10"},
        "fairsharePolicy.shareDecaySeconds must be an integer, not str ('10')",
    ),
}


@pytest.fixture
def app() -> Iterator[Any]:
    """moto's batch app (as the server builds it) inside mock_aws."""
    flask_app = create_backend_app("batch")
    flask_app.config["PROPAGATE_EXCEPTIONS"] = True  # a crash fails with its traceback
    with mock_aws():
        yield flask_app.test_client()


def post(app: Any, operation: str, body: dict[str, Any]) -> tuple[int, Any]:
    response = app.post(f"/v1/{operation}", data=json.dumps(body))
    return response.status_code, answer_body(response.get_data())


def policy_names(batch: Any) -> list[str]:
    arns = [p["arn"] for p in batch.list_scheduling_policies()["schedulingPolicies"]]
    described = batch.describe_scheduling_policies(arns=arns)["schedulingPolicies"] if arns else []
    return sorted(policy["name"] for policy in described)


@pytest.mark.parametrize("case", sorted(BAD_POLICIES))
def test_a_malformed_fairshare_policy_is_refused_and_not_stored(app: Any, case: str) -> None:
    policy, message = BAD_POLICIES[case]
    answer = post(app, "createschedulingpolicy", {"name": "bad", "fairsharePolicy": policy})
    assert answer == (400, {"__type": "ClientException", "message": message})
    assert policy_names(boto3.client("batch", region_name=REGION)) == []


@pytest.mark.parametrize("case", ["weight-text", "share-number", "overlapping-prefix"])
def test_a_malformed_update_is_refused_and_the_policy_kept(app: Any, case: str) -> None:
    batch = boto3.client("batch", region_name=REGION)
    kept = distribution({"shareIdentifier": "blue", "weightFactor": 0.5})
    arn = batch.create_scheduling_policy(name="fair", fairsharePolicy=kept)["arn"]
    policy, message = BAD_POLICIES[case]
    answer = post(app, "updateschedulingpolicy", {"arn": arn, "fairsharePolicy": policy})
    assert answer == (400, {"__type": "ClientException", "message": message})
    stored = batch.describe_scheduling_policies(arns=[arn])["schedulingPolicies"][0]
    assert stored["fairsharePolicy"]["shareDistribution"] == kept["shareDistribution"]


def test_the_documented_bounds_are_accepted() -> None:
    with mock_aws():
        batch = boto3.client("batch", region_name=REGION)
        policy = {
            "shareDecaySeconds": 604_800,
            "computeReservation": 99,
            "shareDistribution": [
                {"shareIdentifier": "a" * 255, "weightFactor": 0.0001},
                {"shareIdentifier": "UserA*", "weightFactor": 999.9999},
                {"shareIdentifier": "UserB"},
            ],
        }
        arn = batch.create_scheduling_policy(name="bounds", fairsharePolicy=policy)["arn"]
        stored = batch.describe_scheduling_policies(arns=[arn])["schedulingPolicies"][0]
    assert stored["fairsharePolicy"]["shareDistribution"] == policy["shareDistribution"]


@mock_aws
def test_nothing_a_stored_policy_holds_breaks_a_request() -> None:
    # A policy stored without the package's checks (straight into moto's backend).
    batch = boto3.client("batch", region_name=REGION)
    arn = batch.create_scheduling_policy(name="fair", fairsharePolicy={})["arn"]
    make_queue(batch, "fair", schedulingPolicyArn=arn)
    make_queue(batch, "plain")
    job = submit(batch, "fair", shareIdentifier="blue")["jobId"]
    moto_batch = mbs.service_job_backends[DEFAULT_ACCOUNT_ID][REGION].store.moto_batch
    stored = moto_batch.describe_scheduling_policies([arn])[0]
    stored.fairshare_policy = {
        "shareDistribution": [
            {"shareIdentifier": 5, "weightFactor": "abc"},
            {"shareIdentifier": "blue", "weightFactor": "abc"},
            "junk",
        ],
        "shareDecaySeconds": "soon",
    }
    seen = [batch.describe_service_job(jobId=job)["status"] for _ in range(3)]
    assert seen == ["SUBMITTED", "RUNNABLE", "SCHEDULED"]  # dispatched by its share's weight
    blue = [{"name": "SHARE_IDENTIFIER", "values": ["blue"]}]  # every status
    listed = batch.list_service_jobs(jobQueue="fair", filters=blue)["jobSummaryList"]
    assert [summary["jobId"] for summary in listed] == [job]
    assert batch.list_service_jobs(jobQueue="plain")["jobSummaryList"] == []
    assert batch.get_job_queue_snapshot(jobQueue="fair")["frontOfQueue"]["jobs"] == []


@mock_aws
def test_a_fairshare_policy_a_queue_uses_cannot_be_deleted() -> None:
    batch = boto3.client("batch", region_name=REGION)
    arn = batch.create_scheduling_policy(name="fair", fairsharePolicy={})["arn"]
    make_queue(batch, "teams", schedulingPolicyArn=arn)
    with pytest.raises(ClientError) as refused:
        batch.delete_scheduling_policy(arn=arn)
    assert client_error(refused) == (
        "ClientException",
        f"Scheduling policy {arn} is used by job queue teams: a scheduling policy that a job "
        "queue uses cannot be deleted",
        400,
    )
    assert policy_names(batch) == ["fair"]


@pytest.mark.requires_operation("CreateQuotaShare")
@mock_aws
def test_a_quota_policy_a_queue_uses_cannot_be_deleted_and_the_queue_keeps_it() -> None:
    batch = boto3.client("batch", region_name=REGION)
    arn = batch.create_scheduling_policy(
        name="quota", quotaSharePolicy={"idleResourceAssignmentStrategy": "FIFO"}
    )["arn"]
    batch.create_service_environment(
        serviceEnvironmentName="env",
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=[{"maxCapacity": 4, "capacityUnit": "ml.m5.xlarge"}],
    )
    batch.create_job_queue(
        jobQueueName="teams",
        priority=1,
        jobQueueType="SAGEMAKER_TRAINING",
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "env"}],
        schedulingPolicyArn=arn,
    )
    with pytest.raises(ClientError):
        batch.delete_scheduling_policy(arn=arn)
    described = batch.describe_scheduling_policies(arns=[arn])["schedulingPolicies"][0]
    assert described["quotaSharePolicy"] == {"idleResourceAssignmentStrategy": "FIFO"}


@mock_aws
def test_a_policy_a_container_queue_uses_cannot_be_deleted() -> None:
    batch = boto3.client("batch", region_name=REGION)
    iam = boto3.client("iam", region_name=REGION)
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    env = batch.create_compute_environment(
        computeEnvironmentName="compute", type="UNMANAGED", serviceRole=role
    )["computeEnvironmentArn"]
    arn = batch.create_scheduling_policy(name="fair", fairsharePolicy={})["arn"]
    batch.create_job_queue(
        jobQueueName="containers",
        priority=1,
        state="ENABLED",
        schedulingPolicyArn=arn,
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": env}],
    )
    with pytest.raises(ClientError) as refused:
        batch.delete_scheduling_policy(arn=arn)
    assert "is used by job queue containers" in client_error(refused)[1]


@mock_aws
def test_a_policy_no_queue_uses_is_deleted() -> None:
    batch = boto3.client("batch", region_name=REGION)
    arn = batch.create_scheduling_policy(name="fair", fairsharePolicy={})["arn"]
    make_queue(batch, "teams", schedulingPolicyArn=arn)
    batch.update_job_queue(jobQueue="teams", state="DISABLED")
    batch.delete_job_queue(jobQueue="teams")
    batch.delete_scheduling_policy(arn=arn)
    assert policy_names(batch) == []


@pytest.mark.parametrize(
    "second",
    [
        {"fairsharePolicy": {"shareDecaySeconds": 60}},
        pytest.param(
            {"quotaSharePolicy": {"idleResourceAssignmentStrategy": "FIFO"}},
            marks=pytest.mark.requires_operation("CreateQuotaShare"),
        ),
    ],
    ids=["fairshare", "quota"],
)
@mock_aws
def test_a_policy_name_is_taken_once(second: dict[str, Any]) -> None:
    batch = boto3.client("batch", region_name=REGION)
    arn = batch.create_scheduling_policy(name="fair", fairsharePolicy={"computeReservation": 10})[
        "arn"
    ]
    with pytest.raises(ClientError) as refused:
        batch.create_scheduling_policy(name="fair", **second)
    assert client_error(refused) == ("ClientException", "Object already exists", 400)
    stored = batch.describe_scheduling_policies(arns=[arn])["schedulingPolicies"][0]
    assert stored["fairsharePolicy"]["computeReservation"] == 10


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
@mock_aws
def test_the_steering_endpoint_takes_only_post(method: str) -> None:
    batch = boto3.client("batch", region_name=REGION)
    make_queue(batch, "queue")
    job = submit(batch, "queue")["jobId"]
    plan = {"jobId": job, "outcomes": [{"type": "FAILED", "reason": "AlgorithmError: oom"}]}
    answer = requests.request(method, STEERING, json=plan, timeout=10)
    assert (answer.status_code, answer.json()) == (
        400,
        {"Error": "Need to POST to plan service job attempts"},
    )
    stored = mbs.get_service_job(job)
    assert stored.planned == []
