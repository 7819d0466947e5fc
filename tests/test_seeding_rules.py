"""add_service_job stores only what AWS can produce: each refusal names the argument and the
rule and stores nothing; every state AWS can produce stays seedable."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pytest

from moto_batch_service import (
    ServiceJobBackend,
    ServiceJobHelperError,
    add_service_job,
    service_job_backends,
)
from tests.conftest import ACCOUNT, REGION, make_queue, make_quota_queue

CREATED = 1_700_000_000_000
ML = "ml.m5.xlarge"
# Quota shares (and the quotaSharePolicy member) exist from botocore 1.42.51 on.
QUOTA_SHARES = pytest.mark.requires_operation("CreateQuotaShare")


def backend() -> ServiceJobBackend:
    return service_job_backends[ACCOUNT][REGION]


def refusal(queue: str, **arguments: Any) -> str:
    """The sentence add_service_job refuses ``arguments`` with; nothing may have been stored."""
    with pytest.raises(ServiceJobHelperError) as refused:
        add_service_job(queue, "job", **arguments)
    assert backend().jobs == {}
    return str(refused.value)


@pytest.fixture
def fifo(batch: Any) -> str:
    """A SAGEMAKER_TRAINING queue without a scheduling policy."""
    return make_queue(batch, "fifo")


@pytest.fixture
def quota(batch: Any) -> str:
    """A quota-management queue with the ENABLED quota share "on" and the DISABLED "off"."""
    return make_quota_queue(batch, 2, {"on": "ENABLED", "off": "DISABLED"})


# -- quota shares ------------------------------------------------------------------------------


@QUOTA_SHARES
def test_an_unknown_quota_share_is_refused(quota):
    assert refusal(quota, quota_share_name="nope") == (
        "quota_share_name nope names no quota share of job queue quota"
    )


@QUOTA_SHARES
def test_a_disabled_quota_share_is_refused(quota):
    assert refusal(quota, quota_share_name="off") == (
        "quota_share_name off names a DISABLED quota share of job queue quota, which accepts "
        "no new jobs"
    )


@QUOTA_SHARES
def test_a_job_without_a_quota_share_is_refused_in_a_quota_management_queue(quota):
    assert refusal(quota, status="RUNNING") == (
        "quota_share_name must be given: job queue quota has a quota-share scheduling policy"
    )


def test_a_quota_share_is_refused_in_a_queue_without_a_quota_share_policy(fifo):
    assert refusal(fifo, quota_share_name="on") == (
        "quota_share_name cannot be used: job queue fifo has no quota-share scheduling policy"
    )


# -- share identifiers -----------------------------------------------------------------------


def test_a_share_identifier_is_refused_in_a_queue_without_a_fair_share_policy(fifo):
    assert refusal(fifo, share_identifier="blue") == (
        "share_identifier cannot be used: job queue fifo has no fair-share scheduling policy"
    )


def test_a_job_without_a_share_identifier_is_refused_in_a_fair_share_queue(fair_queue):
    assert refusal(fair_queue, status="RUNNABLE") == (
        "share_identifier must be given: job queue fair has a fair-share scheduling policy"
    )


# -- times -----------------------------------------------------------------------------------


SECONDS = "it is before 2000-01-01: give epoch milliseconds, not seconds"
TIME_RULES = [
    pytest.param(
        {"created_at": 1_700_000_000},
        f"Invalid value for created_at (1700000000): {SECONDS}",
        id="created-at-in-seconds",
    ),
    pytest.param(
        {"created_at": datetime(1999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)},
        "Invalid value for created_at (datetime.datetime(1999, 12, 31, 23, 59, 59, "
        f"tzinfo=datetime.timezone.utc)): {SECONDS}",
        id="created-at-in-1999",
    ),
    pytest.param(
        {"status": "RUNNING", "started_at": 1_700_000_001},
        f"Invalid value for started_at (1700000001): {SECONDS}",
        id="started-at-in-seconds",
    ),
    pytest.param(
        {"created_at": -1},
        "Invalid value for created_at (-1): a time cannot be negative",
        id="negative-created-at",
    ),
    pytest.param(
        {"status": "SUCCEEDED", "created_at": CREATED, "stopped_at": -5},
        "Invalid value for stopped_at (-5): a time cannot be negative",
        id="negative-stopped-at",
    ),
    pytest.param(
        {"status": "RUNNING", "created_at": CREATED, "started_at": CREATED - 1},
        f"Invalid value for started_at ({CREATED - 1}): it is before created_at ({CREATED})",
        id="started-before-created",
    ),
    pytest.param(
        {"status": "FAILED", "created_at": CREATED, "stopped_at": CREATED - 1},
        f"Invalid value for stopped_at ({CREATED - 1}): it is before created_at ({CREATED})",
        id="stopped-before-created",
    ),
    pytest.param(
        {"status": "SCHEDULED", "created_at": CREATED, "scheduled_at": CREATED - 1},
        f"Invalid value for scheduled_at ({CREATED - 1}): it is before created_at ({CREATED})",
        id="scheduled-before-created",
    ),
    pytest.param(
        {
            "status": "SUCCEEDED",
            "created_at": CREATED,
            "started_at": CREATED + 10,
            "stopped_at": CREATED + 5,
        },
        f"Invalid value for stopped_at ({CREATED + 5}): it is before started_at ({CREATED + 10})",
        id="stopped-before-started",
    ),
    pytest.param(
        {"status": "SUCCEEDED", "attempts": [{"startedAt": 1_700_000_000}]},
        f"Invalid value for attempts[0].startedAt (1700000000): {SECONDS}",
        id="attempt-started-in-seconds",
    ),
]


@pytest.mark.parametrize(("arguments", "message"), TIME_RULES)
def test_a_time_aws_cannot_produce_is_refused(fifo, arguments, message):
    assert refusal(fifo, **arguments) == message


# -- payloads --------------------------------------------------------------------------------


PAYLOAD_RULES = [
    pytest.param(
        ["TrainingJobName", "x"],
        "Invalid value for service_request_payload (['TrainingJobName', 'x']): it must be a "
        "JSON object, as a string or a dict",
        id="a-list",
    ),
    pytest.param(
        b'{"TrainingJobName": "x"}',
        'Invalid value for service_request_payload (b\'{"TrainingJobName": "x"}\'): it must '
        "be a JSON object, as a string or a dict",
        id="bytes",
    ),
    pytest.param(
        "TrainingJobName=x",
        "Invalid value for service_request_payload ('TrainingJobName=x'): it must be a JSON "
        "object, as a string or a dict",
        id="text-that-is-not-json",
    ),
    pytest.param(
        '["x"]',
        "Invalid value for service_request_payload ('[\"x\"]'): it must be a JSON object, as a "
        "string or a dict",
        id="json-that-is-not-an-object",
    ),
    pytest.param(
        {"when": datetime(2025, 1, 1)},
        "Invalid value for service_request_payload ({'when': datetime.datetime(2025, 1, 1, 0, 0)}"
        "): the dict cannot be written as JSON (Object of type datetime is not JSON "
        "serializable)",
        id="a-dict-that-is-not-json",
    ),
]


@pytest.mark.parametrize(("payload", "message"), PAYLOAD_RULES)
def test_a_payload_that_is_not_a_json_object_is_refused(fifo, payload, message):
    assert refusal(fifo, service_request_payload=payload) == message


def test_a_dict_payload_is_stored_as_json(batch, fifo):
    payload = {"TrainingJobName": "custom", "ResourceConfig": {"InstanceCount": 2}}

    job = add_service_job(fifo, "job", service_request_payload=payload)

    described = batch.describe_service_job(jobId=job.job_id)
    assert described["serviceRequestPayload"] == json.dumps(payload)


# -- nothing half made -----------------------------------------------------------------------


def test_a_refused_job_for_a_new_queue_creates_no_queue(batch):
    with pytest.raises(ServiceJobHelperError):
        add_service_job("new", "job", quota_share_name="on")

    assert (backend().jobs, backend().queues, backend().environments) == ({}, {}, {})


# -- what AWS can produce stays seedable -----------------------------------------------------


@QUOTA_SHARES
def test_a_running_job_of_an_enabled_quota_share_is_seeded(batch, quota):
    job = add_service_job(quota, "job", status="RUNNING", quota_share_name="on")

    described = batch.describe_service_job(jobId=job.job_id)
    assert (described["status"], described["quotaShareName"]) == ("RUNNING", "on")


def test_a_job_of_a_fair_share_queue_is_seeded_with_its_share_identifier(batch, fair_queue):
    job = add_service_job(fair_queue, "job", status="RUNNABLE", share_identifier="blue")

    described = batch.describe_service_job(jobId=job.job_id)
    assert (described["status"], described["shareIdentifier"]) == ("RUNNABLE", "blue")


def test_a_new_queue_seeded_with_a_share_identifier_gets_a_fair_share_policy(batch):
    add_service_job("teams", "job", share_identifier="blue")

    queue = batch.describe_job_queues(jobQueues=["teams"])["jobQueues"][0]
    assert queue["schedulingPolicyArn"] == (
        f"arn:aws:batch:{REGION}:{ACCOUNT}:scheduling-policy/teams-fair-share"
    )


@pytest.mark.requires_botocore_member("DescribeServiceJobResponse", "scheduledAt")
def test_a_job_that_failed_before_it_started_has_no_started_at(batch, fifo):
    job = add_service_job(
        fifo, "job", status="FAILED", created_at=CREATED, scheduled_at=CREATED + 1_000
    )

    described = batch.describe_service_job(jobId=job.job_id)
    assert (described["scheduledAt"], described["stoppedAt"], "startedAt" in described) == (
        CREATED + 1_000,
        CREATED + 1_000,
        False,
    )


def test_times_on_2000_01_01_are_accepted(batch, fifo):
    job = add_service_job(fifo, "job", created_at=datetime(2000, 1, 1, tzinfo=timezone.utc))

    described = batch.describe_service_job(jobId=job.job_id)
    assert described["createdAt"] == 946_684_800_000
