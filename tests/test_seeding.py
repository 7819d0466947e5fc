"""add_service_job and set_service_job_status: jobs put straight into the store by tests."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.moto_api import state_manager

import moto_batch_service
import moto_batch_service.backend.seeding
from moto_batch_service import (
    add_service_job,
    get_service_job,
    service_job_backends,
    set_service_job_status,
)
from moto_batch_service.exceptions import ClientException
from tests.conftest import ACCOUNT, PAYLOAD, REGION, client_error, describe, make_queue, submit

MODEL = "batch::service_job"
COMPLETED = "Received status from SageMaker: Training job completed"
NOW = 1_760_000_000_000
CREATED = 1_700_000_000_000
ARN_PREFIX = f"arn:aws:batch:{REGION}:{ACCOUNT}"
OTHER_ACCOUNT = "111122223333"
CAPACITY = (
    "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - Unable to provision requested compute resources"
)


def training_job_arn(name: str) -> re.Pattern[str]:
    return re.compile(
        rf"arn:aws:sagemaker:{REGION}:{ACCOUNT}:training-job/AWSBatch{re.escape(name)}[0-9a-f]{{32}}"
    )


def latest_attempt(described: dict[str, Any]) -> str:
    return described["latestAttempt"]["serviceResourceId"]["value"]  # type: ignore[no-any-return]


def every_job(batch: Any, queue: str) -> list[dict[str, Any]]:
    return batch.list_service_jobs(  # type: ignore[no-any-return]
        jobQueue=queue, filters=[{"name": "JOB_NAME", "values": ["*"]}]
    )["jobSummaryList"]


@pytest.fixture
def immediate() -> Iterator[None]:
    """Submitted jobs jump straight to their final status; always undone afterwards."""
    state_manager.set_transition(MODEL, {"progression": "immediate"})
    yield
    state_manager.unset_transition(MODEL)


@pytest.fixture
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> int:
    """set_service_job_status acts at NOW."""
    monkeypatch.setattr(moto_batch_service.state.clock, "now_ms", lambda: NOW)
    return NOW


# -- add_service_job: what is stored ---------------------------------------------------------


def test_add_service_job_returns_the_stored_job(batch):
    job = add_service_job("training", "seeded")

    assert re.fullmatch(rf"{ARN_PREFIX}:service-job/{job.job_id}", job.job_arn)
    assert job.job_name == "seeded"
    assert job.status == "SUBMITTED"
    assert describe(batch, job.job_arn)["jobId"] == job.job_id


@pytest.mark.requires_botocore_member("DescribeServiceJobResponse", "quotaShareName")
def test_add_service_job_with_every_option(batch):
    payload = json.dumps(
        {
            "TrainingJobName": "custom",
            "ResourceConfig": {"InstanceType": "ml.g5.2xlarge", "InstanceCount": 2},
        }
    )
    attempts = [
        {
            "serviceResourceId": {
                "name": "TrainingJobArn",
                "value": "arn:aws:sagemaker:us-east-1:123456789012:training-job/old",
            },
            "startedAt": CREATED + 2_000,
            "stoppedAt": CREATED + 3_000,
            "statusReason": "Received status from SageMaker: AlgorithmError: boom",
        }
    ]
    job = add_service_job(
        "training",
        "everything",
        status="RUNNING",
        created_at=CREATED,
        scheduled_at=CREATED + 1_000,
        started_at=CREATED + 4_000,
        stopped_at=None,
        status_reason="warming up",
        share_identifier="teamA",
        scheduling_priority=42,
        tags={"team": "vision"},
        service_request_payload=payload,
        attempts=attempts,
    )

    described = describe(batch, job.job_id)
    assert training_job_arn("custom").fullmatch(latest_attempt(described))
    assert described == {
        "jobId": job.job_id,
        "jobName": "everything",
        "jobArn": job.job_arn,
        "jobQueue": f"{ARN_PREFIX}:job-queue/training",
        "serviceJobType": "SAGEMAKER_TRAINING",
        "status": "RUNNING",
        "statusReason": "warming up",
        "createdAt": CREATED,
        "scheduledAt": CREATED + 1_000,
        "startedAt": CREATED + 4_000,
        "shareIdentifier": "teamA",
        "schedulingPriority": 42,
        "isTerminated": False,
        "attempts": attempts,
        "latestAttempt": {
            "serviceResourceId": {"name": "TrainingJobArn", "value": latest_attempt(described)}
        },
        "capacityUsage": [{"capacityUnit": "ml.g5.2xlarge", "quantity": 2.0}],
        "serviceRequestPayload": payload,
        "tags": {"team": "vision"},
    }


def test_default_payload_names_the_training_job_after_the_job(batch):
    job = add_service_job("training", "plain", status="SCHEDULED")

    described = describe(batch, job.job_id)
    assert json.loads(described["serviceRequestPayload"]) == {"TrainingJobName": "plain"}
    assert training_job_arn("plain").fullmatch(latest_attempt(described))


def test_epoch_milliseconds_are_stored_as_given(batch):
    job = add_service_job(
        "training",
        "ms",
        status="SUCCEEDED",
        created_at=CREATED,
        started_at=CREATED + 5,
        stopped_at=CREATED + 9,
    )

    described = describe(batch, job.job_id)
    assert (described["createdAt"], described["startedAt"], described["stoppedAt"]) == (
        CREATED,
        CREATED + 5,
        CREATED + 9,
    )


def test_aware_datetimes_become_epoch_milliseconds(batch):
    paris = timezone(timedelta(hours=1))
    job = add_service_job(
        "training", "aware", created_at=datetime(2025, 1, 1, 1, 0, 0, 250_000, tzinfo=paris)
    )

    assert describe(batch, job.job_id)["createdAt"] == 1_735_689_600_250


def test_naive_datetimes_are_utc(batch):
    job = add_service_job("training", "naive", created_at=datetime(2025, 1, 1))

    assert describe(batch, job.job_id)["createdAt"] == 1_735_689_600_000


def test_attempt_times_may_be_datetimes(batch):
    job = add_service_job(
        "training",
        "attempt-times",
        status="FAILED",
        created_at=CREATED,
        attempts=[
            {
                "startedAt": datetime(2025, 1, 1),
                "stoppedAt": datetime(2025, 1, 1, 0, 0, 1, tzinfo=timezone.utc),
            }
        ],
    )

    assert describe(batch, job.job_id)["attempts"] == [
        {"startedAt": 1_735_689_600_000, "stoppedAt": 1_735_689_601_000}
    ]


def test_created_at_defaults_to_now(batch, monkeypatch):
    monkeypatch.setattr(moto_batch_service.state.clock, "now_ms", lambda: NOW)

    job = add_service_job("training", "now")

    assert describe(batch, job.job_id)["createdAt"] == NOW


# -- add_service_job: the queue -----------------------------------------------------------


def test_unknown_queue_is_created_as_a_sagemaker_training_queue(batch):
    add_service_job("training", "first")

    queues = batch.describe_job_queues(jobQueues=["training"])["jobQueues"]
    assert queues == [
        {
            "jobQueueName": "training",
            "jobQueueArn": f"{ARN_PREFIX}:job-queue/training",
            "state": "ENABLED",
            "status": "VALID",
            "statusReason": "JobQueue Healthy",
            "priority": 1,
            "computeEnvironmentOrder": [],
            "serviceEnvironmentOrder": [
                {"order": 1, "serviceEnvironment": f"{ARN_PREFIX}:service-environment/training"}
            ],
            "jobQueueType": "SAGEMAKER_TRAINING",
            "tags": {},
            "jobStateTimeLimitActions": [],
        }
    ]


def test_created_queue_has_a_service_environment_of_the_same_name(batch):
    add_service_job("training", "first")

    environments = batch.describe_service_environments()["serviceEnvironments"]
    assert [
        (e["serviceEnvironmentName"], e["serviceEnvironmentType"], e["state"], e["status"])
        for e in environments
    ] == [("training", "SAGEMAKER_TRAINING", "ENABLED", "VALID")]


def test_a_queue_given_by_arn_is_created_under_its_name(batch):
    job = add_service_job(f"{ARN_PREFIX}:job-queue/by-arn", "first")

    assert describe(batch, job.job_id)["jobQueue"] == f"{ARN_PREFIX}:job-queue/by-arn"
    assert [q["jobQueueName"] for q in batch.describe_job_queues()["jobQueues"]] == ["by-arn"]


def test_seeding_twice_into_a_new_queue_creates_it_once(batch):
    first = add_service_job("training", "first", created_at=CREATED)
    second = add_service_job("training", "second", created_at=CREATED + 1)

    assert len(batch.describe_job_queues()["jobQueues"]) == 1
    assert [j["jobId"] for j in every_job(batch, "training")] == [second.job_id, first.job_id]


def test_an_existing_queue_is_used(batch, queue):
    job = add_service_job(queue, "into-existing")

    assert describe(batch, job.job_id)["jobQueue"] == f"{ARN_PREFIX}:job-queue/{queue}"
    assert [q["jobQueueName"] for q in batch.describe_job_queues()["jobQueues"]] == [queue]
    assert [
        e["serviceEnvironmentName"]
        for e in batch.describe_service_environments()["serviceEnvironments"]
    ] == [f"{queue}-env"]


def test_seeded_jobs_are_listed_like_submitted_ones(batch, queue):
    submitted = submit(batch, queue, "submitted")
    seeded = add_service_job(queue, "seeded", status="RUNNING")

    assert [j["jobId"] for j in batch.list_service_jobs(jobQueue=queue)["jobSummaryList"]] == [
        seeded.job_id
    ]
    assert {j["jobId"] for j in every_job(batch, queue)} == {seeded.job_id, submitted["jobId"]}


# -- add_service_job: derived fields per status -------------------------------------------------


@pytest.mark.parametrize("status", ["SUBMITTED", "RUNNABLE"])
def test_seeded_waiting_job_has_no_training_job(batch, status):
    job = add_service_job("training", "waiting", status=status, created_at=CREATED)

    described = describe(batch, job.job_id)
    assert described["status"] == status
    assert described["attempts"] == []
    for member in ("latestAttempt", "scheduledAt", "startedAt", "stoppedAt", "statusReason"):
        assert member not in described


@pytest.mark.parametrize("status", ["SCHEDULED", "STARTING"])
@pytest.mark.requires_botocore_member("DescribeServiceJobResponse", "scheduledAt")
def test_seeded_dispatched_job_has_a_training_job_but_has_not_started(batch, status):
    job = add_service_job("training", "dispatched", status=status, created_at=CREATED)

    described = describe(batch, job.job_id)
    assert described["scheduledAt"] == CREATED
    assert training_job_arn("dispatched").fullmatch(latest_attempt(described))
    assert job.training_job_arn == latest_attempt(described)
    assert "startedAt" not in described
    assert "stoppedAt" not in described
    assert described["attempts"] == []


@pytest.mark.requires_botocore_member("DescribeServiceJobResponse", "scheduledAt")
def test_seeded_running_job_is_scheduled_and_started(batch):
    job = add_service_job("training", "running", status="RUNNING", created_at=CREATED)

    described = describe(batch, job.job_id)
    assert described["scheduledAt"] == CREATED
    assert described["startedAt"] == CREATED
    assert training_job_arn("running").fullmatch(latest_attempt(described))
    assert "stoppedAt" not in described
    assert "statusReason" not in described
    assert described["attempts"] == []


@pytest.mark.requires_botocore_member("DescribeServiceJobResponse", "scheduledAt")
def test_seeded_running_job_starts_at_its_scheduled_time(batch):
    job = add_service_job(
        "training", "running", status="RUNNING", created_at=CREATED, scheduled_at=CREATED + 7
    )

    described = describe(batch, job.job_id)
    assert (described["scheduledAt"], described["startedAt"]) == (CREATED + 7, CREATED + 7)


@pytest.mark.requires_botocore_member("DescribeServiceJobResponse", "scheduledAt")
def test_seeded_succeeded_job_is_complete(batch):
    job = add_service_job(
        "training",
        "done",
        status="SUCCEEDED",
        created_at=CREATED,
        started_at=CREATED + 10,
        stopped_at=CREATED + 20,
    )

    described = describe(batch, job.job_id)
    arn = latest_attempt(described)
    assert training_job_arn("done").fullmatch(arn)
    assert described["statusReason"] == COMPLETED
    assert (described["scheduledAt"], described["startedAt"], described["stoppedAt"]) == (
        CREATED,
        CREATED + 10,
        CREATED + 20,
    )
    assert described["attempts"] == [
        {
            "serviceResourceId": {"name": "TrainingJobArn", "value": arn},
            "startedAt": CREATED + 10,
            "stoppedAt": CREATED + 20,
            "statusReason": COMPLETED,
        }
    ]


@pytest.mark.requires_botocore_member("DescribeServiceJobResponse", "scheduledAt")
def test_seeded_succeeded_job_without_times_finishes_when_it_was_created(batch):
    job = add_service_job("training", "done", status="SUCCEEDED", created_at=CREATED)

    described = describe(batch, job.job_id)
    assert (described["scheduledAt"], described["startedAt"], described["stoppedAt"]) == (
        CREATED,
        CREATED,
        CREATED,
    )
    assert len(described["attempts"]) == 1


def test_seeded_succeeded_job_keeps_a_given_reason(batch):
    job = add_service_job(
        "training", "done", status="SUCCEEDED", status_reason="Job completed successfully"
    )

    described = describe(batch, job.job_id)
    assert described["statusReason"] == "Job completed successfully"
    assert described["attempts"][0]["statusReason"] == "Job completed successfully"


def test_seeded_failed_job_without_times_never_had_a_training_job(batch):
    job = add_service_job(
        "training", "broken", status="FAILED", created_at=CREATED, status_reason="Job queue deleted"
    )

    described = describe(batch, job.job_id)
    assert described["status"] == "FAILED"
    assert described["statusReason"] == "Job queue deleted"
    assert described["stoppedAt"] == CREATED
    assert described["attempts"] == []
    for member in ("latestAttempt", "scheduledAt", "startedAt"):
        assert member not in described


def test_seeded_failed_job_that_started_has_a_closed_attempt(batch):
    reason = "Received status from SageMaker: AlgorithmError: boom"
    job = add_service_job(
        "training",
        "broken",
        status="FAILED",
        created_at=CREATED,
        started_at=CREATED + 10,
        stopped_at=CREATED + 20,
        status_reason=reason,
    )

    described = describe(batch, job.job_id)
    arn = latest_attempt(described)
    assert training_job_arn("broken").fullmatch(arn)
    assert described["attempts"] == [
        {
            "serviceResourceId": {"name": "TrainingJobArn", "value": arn},
            "startedAt": CREATED + 10,
            "stoppedAt": CREATED + 20,
            "statusReason": reason,
        }
    ]


def test_given_attempts_are_kept_instead_of_derived_ones(batch):
    attempts = [
        {"statusReason": "first", "startedAt": CREATED + 1, "stoppedAt": CREATED + 2},
        {"statusReason": "second", "startedAt": CREATED + 3, "stoppedAt": CREATED + 4},
    ]
    job = add_service_job(
        "training", "retried", status="SUCCEEDED", created_at=CREATED, attempts=attempts
    )

    assert describe(batch, job.job_id)["attempts"] == attempts


def test_an_empty_attempt_list_is_kept(batch):
    job = add_service_job("training", "no-attempts", status="SUCCEEDED", attempts=[])

    assert describe(batch, job.job_id)["attempts"] == []


# -- add_service_job: accounts and regions ------------------------------------------------


def test_job_seeded_in_another_region_is_only_visible_there(batch):
    job = add_service_job("training", "elsewhere", region_name="eu-west-1")

    with pytest.raises(ClientError) as exc:
        batch.describe_service_job(jobId=job.job_id)
    assert client_error(exc) == ("ClientException", f"Job {job.job_id} not found", 400)
    assert describe(boto3.client("batch", region_name="eu-west-1"), job.job_id)["jobQueue"] == (
        f"arn:aws:batch:eu-west-1:{ACCOUNT}:job-queue/training"
    )
    assert batch.describe_job_queues()["jobQueues"] == []


def test_job_seeded_in_another_account_is_invisible_from_the_default_one(batch):
    job = add_service_job("training", "elsewhere", account_id=OTHER_ACCOUNT)

    with pytest.raises(ClientError) as exc:
        batch.describe_service_job(jobId=job.job_id)
    assert client_error(exc) == ("ClientException", f"Job {job.job_id} not found", 400)
    assert job.job_arn == f"arn:aws:batch:{REGION}:{OTHER_ACCOUNT}:service-job/{job.job_id}"
    assert list(service_job_backends[OTHER_ACCOUNT][REGION].jobs) == [job.job_id]
    assert batch.describe_job_queues()["jobQueues"] == []


# -- a seeded job does not move by itself --------------------------------------------------


def test_seeded_job_keeps_its_status_under_the_default_progression(batch):
    job = add_service_job("training", "still", status="RUNNABLE")

    statuses = {describe(batch, job.job_id)["status"] for _ in range(8)}
    assert statuses == {"RUNNABLE"}


def test_seeded_job_keeps_its_status_even_with_immediate_progression(batch, immediate):
    job = add_service_job("training", "still", status="RUNNING")
    submitted = submit(batch, "training", "moving")

    for _ in range(5):
        assert describe(batch, job.job_id)["status"] == "RUNNING"
        assert [
            j["jobId"] for j in batch.list_service_jobs(jobQueue="training")["jobSummaryList"]
        ] == [job.job_id]
        assert {j["jobId"]: j["status"] for j in every_job(batch, "training")} == {
            job.job_id: "RUNNING",
            submitted["jobId"]: "SUCCEEDED",
        }


def test_seeded_submitted_job_stays_submitted_with_immediate_progression(batch, immediate):
    job = add_service_job("training", "still")

    for _ in range(5):
        assert describe(batch, job.job_id)["status"] == "SUBMITTED"
    assert [
        j["jobId"]
        for j in batch.list_service_jobs(jobQueue="training", jobStatus="SUBMITTED")[
            "jobSummaryList"
        ]
    ] == [job.job_id]


# -- set_service_job_status ---------------------------------------------------------------


def test_set_status_by_id(batch):
    job = add_service_job("training", "moved")

    returned = set_service_job_status(job.job_id, "RUNNABLE")

    assert returned == job
    assert describe(batch, job.job_id)["status"] == "RUNNABLE"


def test_set_status_by_arn(batch):
    job = add_service_job("training", "moved")

    set_service_job_status(job.job_arn, "RUNNABLE")

    assert describe(batch, job.job_id)["status"] == "RUNNABLE"


def test_set_status_moves_the_job_between_status_listings(batch):
    job = add_service_job("training", "moved", status="RUNNING")

    set_service_job_status(job.job_id, "RUNNABLE")

    assert batch.list_service_jobs(jobQueue="training")["jobSummaryList"] == []
    assert [
        j["jobId"]
        for j in batch.list_service_jobs(jobQueue="training", jobStatus="RUNNABLE")[
            "jobSummaryList"
        ]
    ] == [job.job_id]


@pytest.mark.requires_botocore_member("DescribeServiceJobResponse", "scheduledAt")
def test_set_status_scheduled_creates_a_training_job(batch, fixed_now):
    job = add_service_job("training", "moved", created_at=CREATED)

    set_service_job_status(job.job_id, "SCHEDULED")

    described = describe(batch, job.job_id)
    assert described["scheduledAt"] == fixed_now
    assert training_job_arn("moved").fullmatch(latest_attempt(described))
    assert "startedAt" not in described
    assert described["attempts"] == []


@pytest.mark.requires_botocore_member("DescribeServiceJobResponse", "scheduledAt")
def test_set_status_running_dispatches_and_starts_the_job(batch, fixed_now):
    job = add_service_job("training", "moved", created_at=CREATED)

    set_service_job_status(job.job_id, "RUNNING")

    described = describe(batch, job.job_id)
    assert (described["scheduledAt"], described["startedAt"]) == (fixed_now, fixed_now)
    assert training_job_arn("moved").fullmatch(latest_attempt(described))
    assert "stoppedAt" not in described
    assert described["attempts"] == []


@pytest.mark.requires_botocore_member("DescribeServiceJobResponse", "scheduledAt")
def test_set_status_running_keeps_the_training_job_of_a_dispatched_job(batch, fixed_now):
    job = add_service_job("training", "moved", status="STARTING", created_at=CREATED)
    arn = job.training_job_arn

    set_service_job_status(job.job_id, "RUNNING")

    described = describe(batch, job.job_id)
    assert latest_attempt(described) == arn
    assert described["scheduledAt"] == CREATED
    assert described["startedAt"] == fixed_now


def test_set_status_running_again_keeps_the_first_start(batch, fixed_now):
    job = add_service_job("training", "moved", status="RUNNING", created_at=CREATED)

    set_service_job_status(job.job_id, "RUNNING")

    assert describe(batch, job.job_id)["startedAt"] == CREATED


def test_set_status_succeeded_finishes_the_job_as_aws_would(batch, fixed_now):
    job = add_service_job("training", "moved", status="RUNNING", created_at=CREATED)
    arn = job.training_job_arn

    set_service_job_status(job.job_id, "SUCCEEDED")

    described = describe(batch, job.job_id)
    assert described["status"] == "SUCCEEDED"
    assert described["statusReason"] == COMPLETED
    assert described["stoppedAt"] == fixed_now
    assert described["startedAt"] == CREATED
    assert described["attempts"] == [
        {
            "serviceResourceId": {"name": "TrainingJobArn", "value": arn},
            "startedAt": CREATED,
            "stoppedAt": fixed_now,
            "statusReason": COMPLETED,
        }
    ]


@pytest.mark.requires_botocore_member("DescribeServiceJobResponse", "scheduledAt")
def test_set_status_succeeded_on_a_waiting_job_passes_through_dispatch_and_start(batch, fixed_now):
    job = add_service_job("training", "moved", created_at=CREATED)

    set_service_job_status(job.job_id, "SUCCEEDED")

    described = describe(batch, job.job_id)
    arn = latest_attempt(described)
    assert training_job_arn("moved").fullmatch(arn)
    assert (described["scheduledAt"], described["startedAt"], described["stoppedAt"]) == (
        fixed_now,
    ) * 3
    assert described["attempts"] == [
        {
            "serviceResourceId": {"name": "TrainingJobArn", "value": arn},
            "startedAt": fixed_now,
            "stoppedAt": fixed_now,
            "statusReason": COMPLETED,
        }
    ]


def test_set_status_failed_with_a_reason_closes_the_attempt(batch, fixed_now):
    reason = "Received status from SageMaker: AlgorithmError: boom"
    job = add_service_job("training", "moved", status="RUNNING", created_at=CREATED)
    arn = job.training_job_arn

    set_service_job_status(job.job_id, "FAILED", status_reason=reason)

    described = describe(batch, job.job_id)
    assert (described["status"], described["statusReason"], described["stoppedAt"]) == (
        "FAILED",
        reason,
        fixed_now,
    )
    assert described["attempts"] == [
        {
            "serviceResourceId": {"name": "TrainingJobArn", "value": arn},
            "startedAt": CREATED,
            "stoppedAt": fixed_now,
            "statusReason": reason,
        }
    ]


def test_set_status_succeeded_overrides_a_termination_still_pending(batch):
    add_service_job("training", "seeded")  # creates the queue
    job_id = submit(batch, "training", "stopping")["jobId"]
    set_service_job_status(job_id, "RUNNING")
    batch.terminate_service_job(jobId=job_id, reason="stop")  # fails at the next look

    set_service_job_status(job_id, "SUCCEEDED")

    assert [describe(batch, job_id)["status"] for _ in range(2)] == ["SUCCEEDED", "SUCCEEDED"]


def test_set_status_failed_on_a_waiting_job_creates_no_training_job(batch, fixed_now):
    job = add_service_job("training", "moved", status="RUNNABLE", created_at=CREATED)

    set_service_job_status(job.job_id, "FAILED", status_reason="cancelled")

    described = describe(batch, job.job_id)
    assert (described["status"], described["statusReason"], described["stoppedAt"]) == (
        "FAILED",
        "cancelled",
        fixed_now,
    )
    assert described["attempts"] == []
    assert "latestAttempt" not in described


def test_set_status_sets_and_clears_the_status_reason(batch):
    job = add_service_job("training", "moved", status="RUNNABLE")

    set_service_job_status(job.job_id, "RUNNABLE", status_reason=CAPACITY)
    assert describe(batch, job.job_id)["statusReason"] == CAPACITY

    set_service_job_status(job.job_id, "SCHEDULED")
    assert "statusReason" not in describe(batch, job.job_id)


def test_seeded_job_stays_where_it_was_put(batch):
    job = add_service_job("training", "moved")

    set_service_job_status(job.job_id, "STARTING")

    assert [describe(batch, job.job_id)["status"] for _ in range(5)] == ["STARTING"] * 5


def test_submitted_job_continues_its_progression_from_the_new_status(batch, queue):
    job = submit(batch, queue)

    set_service_job_status(job["jobId"], "RUNNING")

    assert [describe(batch, job["jobId"])["status"] for _ in range(3)] == [
        "RUNNING",
        "SUCCEEDED",
        "SUCCEEDED",
    ]


def test_submitted_job_put_back_to_runnable_is_dispatched_again(batch, queue):
    job = submit(batch, queue)

    set_service_job_status(job["jobId"], "RUNNABLE")

    assert [describe(batch, job["jobId"])["status"] for _ in range(5)] == [
        "RUNNABLE",
        "SCHEDULED",
        "STARTING",
        "RUNNING",
        "SUCCEEDED",
    ]


def test_submitted_job_set_to_a_final_status_stays_there(batch, queue):
    job = submit(batch, queue)

    set_service_job_status(job["jobId"], "FAILED", status_reason="stopped by test")

    assert [describe(batch, job["jobId"])["status"] for _ in range(3)] == ["FAILED"] * 3
    assert describe(batch, job["jobId"])["statusReason"] == "stopped by test"


def test_set_status_in_another_region(batch):
    job = add_service_job("training", "elsewhere", region_name="eu-west-1")

    set_service_job_status(job.job_id, "RUNNABLE", region_name="eu-west-1")

    assert (
        describe(boto3.client("batch", region_name="eu-west-1"), job.job_id)["status"] == "RUNNABLE"
    )


def test_set_status_does_not_find_a_job_of_another_region(batch):
    job = add_service_job("training", "elsewhere", region_name="eu-west-1")

    with pytest.raises(ClientException) as exc:
        set_service_job_status(job.job_id, "RUNNABLE")

    assert exc.value.message == f"Job {job.job_id} not found"
    assert job.status == "SUBMITTED"


@pytest.mark.parametrize("seeded_status", ["SCHEDULED", "STARTING", "RUNNING"])
def test_seeded_dispatched_job_holds_capacity_until_a_test_finishes_it(batch, seeded_status):
    make_queue(batch, "one", env="one", capacity=1)
    seeded = add_service_job("one", "seeded", status=seeded_status, service_request_payload=PAYLOAD)
    waiting = submit(batch, "one", "waiting")["jobId"]

    assert [describe(batch, waiting)["status"] for _ in range(4)] == ["SUBMITTED"] + [
        "RUNNABLE"
    ] * 3
    set_service_job_status(seeded.job_id, "SUCCEEDED")
    assert describe(batch, waiting)["status"] == "SCHEDULED"


# -- get_service_job: reading without looking ------------------------------------------------


def test_get_service_job_reads_a_submitted_job_without_moving_it(batch, queue):
    job_id = submit(batch, queue)["jobId"]

    read = [get_service_job(job_id).status for _ in range(5)]

    assert read == ["SUBMITTED"] * 5
    looked = [describe(batch, job_id)["status"] for _ in range(3)]
    assert looked == ["SUBMITTED", "RUNNABLE", "SCHEDULED"]
    assert get_service_job(job_id).status == "SCHEDULED"


@pytest.mark.requires_botocore_member("DescribeServiceJobResponse", "scheduledAt")
def test_get_service_job_shows_what_the_last_look_showed(batch, queue):
    job_id = submit(batch, queue)["jobId"]
    for _ in range(3):
        shown = describe(batch, job_id)

    stored = get_service_job(job_id)

    assert stored.describe() == shown
    assert describe(batch, job_id)["status"] == "STARTING"


def test_get_service_job_by_arn_and_in_another_region(batch):
    job = add_service_job("training", "elsewhere", status="RUNNING", region_name="eu-west-1")

    assert get_service_job(job.job_arn, region_name="eu-west-1") == job
    with pytest.raises(ClientException) as exc:
        get_service_job(job.job_id)
    assert exc.value.message == f"Job {job.job_id} not found"


# -- invalid input to the helpers ------------------------------------------------------------

STATUS_CHOICES = (
    "SUBMITTED | PENDING | RUNNABLE | SCHEDULED | STARTING | RUNNING | SUCCEEDED | FAILED"
)


def test_set_status_refuses_an_unknown_status(batch):
    job = add_service_job("training", "moved", status="RUNNABLE")

    with pytest.raises(ClientException) as exc:
        set_service_job_status(job.job_id, "DONE")

    assert (exc.value.code, exc.value.status) == ("ClientException", 400)
    assert exc.value.message == f"status DONE must be one of {STATUS_CHOICES}"
    assert describe(batch, job.job_id)["status"] == "RUNNABLE"


@pytest.mark.parametrize(
    "identifier",
    [
        "0b6c1c3e-4f6e-4a8e-9d3e-0d8c2b8e7a11",
        f"{ARN_PREFIX}:service-job/0b6c1c3e-4f6e-4a8e-9d3e-0d8c2b8e7a11",
    ],
)
def test_set_status_refuses_an_unknown_job(batch, identifier):
    with pytest.raises(ClientException) as exc:
        set_service_job_status(identifier, "RUNNING")

    assert exc.value.message == f"Job {identifier} not found"


INVALID_SEEDS = [
    pytest.param({"status": "DONE"}, f"status DONE must be one of {STATUS_CHOICES}", id="status"),
    pytest.param(
        {"job_name": "bad name"},
        "Invalid value for jobName ('bad name'): it must be 1-128 characters long and contain "
        "only letters, numbers, hyphens (-) and underscores (_)",
        id="job-name",
    ),
    pytest.param({"job_name": ""}, "jobName must be provided", id="job-name-empty"),
    pytest.param(
        {"scheduling_priority": 10000},
        "Invalid value for schedulingPriority (10000): it must be between 0 and 9999",
        id="priority",
    ),
    pytest.param(
        {"tags": {"aws:team": "x"}},
        "Invalid value for tags ('aws:team'): tag keys starting with 'aws:' are reserved",
        id="tags",
    ),
    pytest.param(
        {"attempts": [{"serviceResourceId": {}, "exitCode": 1}]},
        "Invalid value for attempts[0] (['exitCode']): unknown members",
        id="attempt-member",
    ),
]


@pytest.mark.parametrize(("options", "message"), INVALID_SEEDS)
def test_add_service_job_refuses_invalid_input_and_stores_nothing(batch, options, message):
    arguments = {"job_name": "seeded", **options}
    with pytest.raises(ClientException) as exc:
        add_service_job("training", **arguments)

    assert (exc.value.code, exc.value.status) == ("ClientException", 400)
    assert exc.value.message == message
    assert batch.describe_job_queues()["jobQueues"] == []
    assert service_job_backends[ACCOUNT][REGION].jobs == {}


def test_add_service_job_refuses_a_container_queue(container_queue):
    with pytest.raises(ClientException) as exc:
        add_service_job(container_queue, "seeded")

    assert exc.value.message == "Job queue container-queue is not of type SAGEMAKER_TRAINING"
    assert service_job_backends[ACCOUNT][REGION].jobs == {}


def test_helpers_are_exported_from_the_package():
    assert moto_batch_service.add_service_job is add_service_job
    assert moto_batch_service.set_service_job_status is set_service_job_status
    assert moto_batch_service.get_service_job is get_service_job


# -- what the helpers raise --------------------------------------------------------------------


def test_a_refused_helper_call_reads_as_the_plain_sentence(batch):
    with pytest.raises(moto_batch_service.ServiceJobHelperError) as exc:
        add_service_job("training", "seeded", status="DONE")

    assert str(exc.value) == f"status DONE must be one of {STATUS_CHOICES}"
    assert isinstance(exc.value, ClientException)
    assert (exc.value.code, exc.value.status, exc.value.message) == (
        "ClientException",
        400,
        str(exc.value),
    )


def test_set_status_refusals_read_as_the_plain_sentence(batch):
    job_id = "0b6c1c3e-4f6e-4a8e-9d3e-0d8c2b8e7a11"

    with pytest.raises(moto_batch_service.ServiceJobHelperError, match=r"^Job \S+ not found$"):
        set_service_job_status(job_id, "RUNNING")


def test_a_helper_given_an_unknown_region_says_so(batch):
    with pytest.raises(moto_batch_service.ServiceJobHelperError) as exc:
        add_service_job("training", "seeded", region_name="moon-1")

    assert str(exc.value) == "Unknown region moon-1"


def test_a_helper_given_a_malformed_account_refuses_it(batch):
    with pytest.raises(moto_batch_service.ServiceJobHelperError) as exc:
        add_service_job("training", "seeded", account_id="my-account")

    assert str(exc.value) == (
        "Invalid value for accountId ('my-account'): it must be a 12-digit AWS account ID"
    )
    assert "my-account" not in service_job_backends


def test_planning_the_attempts_of_a_seeded_job_is_refused(batch):
    job = add_service_job("training", "seeded", status="RUNNABLE")

    with pytest.raises(moto_batch_service.ServiceJobHelperError) as exc:
        moto_batch_service.plan_service_job_attempts(
            job.job_id, moto_batch_service.fail_attempt("oom")
        )

    assert str(exc.value) == (
        f"Job {job.job_id} was stored by add_service_job and never moves by itself, so planned "
        "attempts would never happen; plan the attempts of a job submitted with "
        "SubmitServiceJob, or move this one with set_service_job_status"
    )
    assert job.planned == []


# -- set_service_job_status: moving a job backwards ------------------------------------------


def attempt_of(arn: str, started: int | None, stopped: int, reason: str | None = None) -> dict:
    attempt: dict[str, Any] = {
        "serviceResourceId": {"name": "TrainingJobArn", "value": arn},
        "stoppedAt": stopped,
    }
    if started is not None:
        attempt["startedAt"] = started
    if reason is not None:
        attempt["statusReason"] = reason
    return attempt


@pytest.mark.requires_botocore_member("DescribeServiceJobResponse", "scheduledAt")
def test_a_failed_job_put_back_to_runnable_is_waiting_again(batch, fixed_now):
    reason = "Received status from SageMaker: AlgorithmError: boom"
    job = add_service_job(
        "training",
        "again",
        status="FAILED",
        created_at=CREATED,
        started_at=CREATED + 10,
        stopped_at=CREATED + 20,
        status_reason=reason,
    )
    arn = job.training_job_arn

    set_service_job_status(job.job_id, "RUNNABLE")

    described = describe(batch, job.job_id)
    assert {k: v for k, v in described.items() if k not in ("jobId", "jobArn")} == {
        "jobName": "again",
        "jobQueue": f"{ARN_PREFIX}:job-queue/training",
        "serviceJobType": "SAGEMAKER_TRAINING",
        "status": "RUNNABLE",
        "createdAt": CREATED,
        "scheduledAt": CREATED,
        "startedAt": CREATED + 10,
        "latestAttempt": {"serviceResourceId": {"name": "TrainingJobArn", "value": arn}},
        "isTerminated": False,
        "attempts": [attempt_of(arn, CREATED + 10, CREATED + 20, reason)],
        "serviceRequestPayload": json.dumps({"TrainingJobName": "again"}),
        "tags": {},
    }


def test_a_terminated_job_put_back_to_runnable_is_no_longer_terminated(batch, queue):
    job_id = submit(batch, queue)["jobId"]
    batch.terminate_service_job(jobId=job_id, reason="stop")

    set_service_job_status(job_id, "RUNNABLE")

    described = describe(batch, job_id)
    assert (described["status"], described["isTerminated"]) == ("RUNNABLE", False)
    assert "stoppedAt" not in described


def test_a_running_job_put_back_to_submitted_shows_only_its_finished_attempt(batch, fixed_now):
    job = add_service_job("training", "back", status="RUNNING", created_at=CREATED)
    arn = job.training_job_arn

    set_service_job_status(job.job_id, "SUBMITTED")

    described = describe(batch, job.job_id)
    for member in ("scheduledAt", "startedAt", "stoppedAt", "latestAttempt", "statusReason"):
        assert member not in described, member
    assert described["attempts"] == [attempt_of(arn, CREATED, fixed_now)]


def test_a_scheduled_job_put_back_to_runnable_has_used_no_attempt(batch, fixed_now):
    job = add_service_job("training", "back", status="SCHEDULED", created_at=CREATED)

    set_service_job_status(job.job_id, "RUNNABLE", status_reason=CAPACITY)

    described = describe(batch, job.job_id)
    assert (described["status"], described["statusReason"]) == ("RUNNABLE", CAPACITY)
    assert described["attempts"] == []


@pytest.mark.requires_botocore_member("DescribeServiceJobResponse", "scheduledAt")
def test_moving_forward_again_opens_a_new_attempt_after_the_closed_one(batch, fixed_now):
    job = add_service_job("training", "again", status="RUNNING", created_at=CREATED)
    first = job.training_job_arn
    set_service_job_status(job.job_id, "SUBMITTED")

    set_service_job_status(job.job_id, "SUCCEEDED")

    described = describe(batch, job.job_id)
    second = latest_attempt(described)
    assert second != first
    assert training_job_arn("again").fullmatch(second)
    assert described["attempts"] == [
        attempt_of(first, CREATED, fixed_now),
        attempt_of(second, fixed_now, fixed_now, COMPLETED),
    ]
    assert (described["scheduledAt"], described["startedAt"], described["stoppedAt"]) == (
        fixed_now,
    ) * 3


@pytest.mark.requires_botocore_member("DescribeServiceJobResponse", "scheduledAt")
def test_a_running_job_put_back_to_scheduled_starts_a_new_attempt(batch, fixed_now):
    job = add_service_job("training", "again", status="RUNNING", created_at=CREATED)
    first = job.training_job_arn

    set_service_job_status(job.job_id, "SCHEDULED")

    described = describe(batch, job.job_id)
    assert latest_attempt(described) not in (first, None)
    assert described["scheduledAt"] == fixed_now
    assert described["attempts"] == [attempt_of(first, CREATED, fixed_now)]


def test_a_job_put_back_to_runnable_drops_a_termination_under_way(batch, queue):
    job_id = submit(batch, queue)["jobId"]
    set_service_job_status(job_id, "RUNNING")
    batch.terminate_service_job(jobId=job_id, reason="stop")  # would fail at the next look

    set_service_job_status(job_id, "RUNNABLE")

    described = describe(batch, job_id)
    assert (described["status"], described["isTerminated"]) == ("RUNNABLE", False)
