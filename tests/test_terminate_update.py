"""TerminateServiceJob, the bulk TerminateServiceJobs, and UpdateServiceJob."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.server import create_backend_app

import moto_batch_service as mbs
from tests.conftest import START, answer_body, client_error, submit


def post(operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """Send a raw request, as clients whose botocore knows more operations do."""
    response = (
        create_backend_app("batch").test_client().post(f"/v1/{operation}", data=json.dumps(body))
    )
    return response.status_code, answer_body(response.data)


def test_terminating_a_runnable_job_fails_it_at_once(batch, queue):
    job = mbs.add_service_job(queue, "waiting", status="RUNNABLE")
    batch.terminate_service_job(jobId=job.job_id, reason="no longer needed")
    described = batch.describe_service_job(jobId=job.job_id)
    assert (described["status"], described["statusReason"], described["isTerminated"]) == (
        "FAILED",
        "no longer needed",
        True,
    )
    assert described["attempts"] == []
    assert "latestAttempt" not in described
    assert described["stoppedAt"] >= described["createdAt"]


def test_terminating_a_submitted_job_by_arn_fails_it_at_once(batch, queue):
    job = submit(batch, queue)
    batch.terminate_service_job(jobId=job["jobArn"], reason="cancelled")
    assert (
        batch.list_service_jobs(jobQueue=queue, jobStatus="FAILED")["jobSummaryList"][0]["jobId"]
        == job["jobId"]
    )


def test_terminating_a_running_job_marks_it_then_fails_it_and_closes_the_attempt(batch, queue):
    job = mbs.add_service_job(
        queue, "busy", status="RUNNING", created_at=START, started_at=START + 1000
    )
    batch.terminate_service_job(jobId=job.job_id, reason="stop it")
    assert job.is_terminated is True
    assert job.status == "RUNNING"  # SageMaker is asked to stop the training job first
    described = batch.describe_service_job(jobId=job.job_id)
    assert described["status"] == "FAILED"
    assert described["statusReason"] == "stop it"
    assert described["attempts"] == [
        {
            "serviceResourceId": {"name": "TrainingJobArn", "value": job.training_job_arn},
            "startedAt": START + 1000,
            "stoppedAt": described["stoppedAt"],
            "statusReason": "stop it",
        }
    ]


def test_terminating_a_finished_job_changes_nothing(batch, queue):
    job = mbs.add_service_job(queue, "done", status="SUCCEEDED")
    before = batch.describe_service_job(jobId=job.job_id)
    batch.terminate_service_job(jobId=job.job_id, reason="too late")
    after = batch.describe_service_job(jobId=job.job_id)
    for response in (before, after):
        response.pop("ResponseMetadata")
    assert after == before
    assert after["isTerminated"] is False


@pytest.mark.parametrize(
    "job_id, reason, message",
    [
        (
            "4f1e8b1a-0000-4000-8000-000000000000",
            "r",
            "Job 4f1e8b1a-0000-4000-8000-000000000000 not found",
        ),
        (None, "", "reason must be provided"),
        (None, "x" * 1025, "Invalid value for reason ('1025 characters'): at most 1024"),
    ],
)
def test_terminate_refuses_bad_requests(batch, queue, job_id, reason, message):
    job = mbs.add_service_job(queue, "victim", status="RUNNABLE")
    with pytest.raises(ClientError) as exc:
        batch.terminate_service_job(jobId=job_id or job.job_id, reason=reason)
    assert client_error(exc) == ("ClientException", message, 400)
    assert job.status == "RUNNABLE"


@pytest.mark.requires_operation("UpdateServiceJob")
def test_update_service_job_sets_the_priority_shown_by_describe(batch, queue):
    job = mbs.add_service_job(queue, "later", status="RUNNABLE")
    response = batch.update_service_job(jobId=job.job_arn, schedulingPriority=42)
    assert {k: response[k] for k in ("jobArn", "jobName", "jobId")} == {
        "jobArn": job.job_arn,
        "jobName": "later",
        "jobId": job.job_id,
    }
    assert batch.describe_service_job(jobId=job.job_id)["schedulingPriority"] == 42


@pytest.mark.parametrize("priority", [-1, 10000])
@pytest.mark.requires_operation("UpdateServiceJob")
def test_update_service_job_refuses_a_priority_out_of_range(batch, queue, priority):
    job = mbs.add_service_job(queue, "later", status="RUNNABLE")
    with pytest.raises(ClientError) as exc:
        batch.update_service_job(jobId=job.job_id, schedulingPriority=priority)
    assert client_error(exc) == (
        "ClientException",
        f"Invalid value for schedulingPriority ({priority}): it must be between 0 and 9999",
        400,
    )
    assert job.scheduling_priority is None


@pytest.mark.requires_operation("UpdateServiceJob")
def test_update_service_job_refuses_a_finished_job(batch, queue):
    job = mbs.add_service_job(queue, "over", status="FAILED")
    with pytest.raises(ClientError) as exc:
        batch.update_service_job(jobId=job.job_id, schedulingPriority=1)
    assert client_error(exc) == (
        "ClientException",
        f"Job {job.job_id} is FAILED: a finished job cannot be updated",
        400,
    )


def test_bulk_terminate_reports_each_job(batch, queue):
    waiting = mbs.add_service_job(queue, "waiting", status="RUNNABLE")
    unknown = "4f1e8b1a-0000-4000-8000-000000000000"
    status, body = post(
        "terminateservicejobs",
        {"jobs": [waiting.job_arn, unknown, "not-a-job"], "reason": "sweep"},
    )
    assert (status, body) == (
        200,
        {
            "successful": [waiting.job_arn, unknown],
            "errors": [
                {
                    "job": "not-a-job",
                    "code": "ValidationException",
                    "message": "not-a-job is not a service job ID or ARN",
                }
            ],
        },
    )
    assert (waiting.status, waiting.status_reason, waiting.is_terminated) == (
        "FAILED",
        "sweep",
        True,
    )


def test_bulk_terminate_refuses_more_than_fifty_jobs(batch, queue):
    status, body = post("terminateservicejobs", {"jobs": ["x"] * 51, "reason": "sweep"})
    assert (status, body) == (
        400,
        {
            "__type": "ClientException",
            "message": "Invalid value for jobs ('51 jobs'): at most 50 are allowed",
        },
    )
