"""Planning attempt outcomes over HTTP, through moto's /moto-api/ (for server users)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from moto.moto_api import state_manager

import moto_batch_service as mbs

ENDPOINT = "http://motoapi.amazonaws.com/moto-api/static/batch/service-job-attempts"


@pytest.fixture
def immediate() -> Iterator[None]:
    state_manager.set_transition("batch::service_job", {"progression": "immediate"})
    yield
    state_manager.unset_transition("batch::service_job")


def plan(body: dict[str, Any]) -> requests.Response:
    return requests.post(ENDPOINT, json=body, timeout=10)


def test_planned_failure_over_http_fails_the_job(batch, queue, immediate):
    job = batch.submit_service_job(
        jobName="train",
        jobQueue=queue,
        serviceJobType="SAGEMAKER_TRAINING",
        serviceRequestPayload="{}",
    )
    response = plan(
        {"jobId": job["jobArn"], "outcomes": [{"type": "FAILED", "reason": "AlgorithmError: oom"}]}
    )
    assert (response.status_code, response.json()) == (201, {})
    described = batch.describe_service_job(jobId=job["jobId"])
    assert (described["status"], described["statusReason"]) == (
        "FAILED",
        "Received status from SageMaker: AlgorithmError: oom",
    )


def test_outcomes_are_planned_in_order(batch, queue):
    job = mbs.add_service_job(queue, "train")
    response = plan(
        {
            "jobId": job.job_id,
            "outcomes": [{"type": "CAPACITY"}, {"type": "TIMEOUT"}, {"type": "SUCCEEDED"}],
        }
    )
    assert response.status_code == 201
    assert job.planned == [mbs.capacity_shortage(), mbs.time_out(), mbs.succeed()]


def test_account_and_region_come_from_the_job_arn(batch):
    job = mbs.add_service_job("q", "train", account_id="111122223333", region_name="eu-west-1")
    assert plan({"jobId": job.job_arn, "outcomes": [{"type": "SUCCEEDED"}]}).status_code == 201
    assert job.planned == [mbs.succeed()]


@pytest.mark.parametrize(
    "body, message",
    [
        ({"outcomes": [{"type": "SUCCEEDED"}]}, "jobId must be provided"),
        ({"jobId": "JOB", "outcomes": []}, "outcomes must be a non-empty list"),
        (
            {"jobId": "JOB", "outcomes": [{"type": "MAYBE"}]},
            "Each outcome must be an object whose type is one of "
            "SUCCEEDED | FAILED | CAPACITY | TIMEOUT, not {'type': 'MAYBE'}",
        ),
        (
            {"jobId": "JOB", "outcomes": [{"type": "FAILED"}]},
            "A FAILED outcome needs a reason, e.g. 'AlgorithmError: oom'",
        ),
        (
            {"jobId": "4f1e8b1a-0000-4000-8000-000000000000", "outcomes": [{"type": "SUCCEEDED"}]},
            "Job 4f1e8b1a-0000-4000-8000-000000000000 not found",
        ),
    ],
)
def test_bad_plans_are_refused_and_change_nothing(batch, queue, body, message):
    job = mbs.add_service_job(queue, "train")
    if body.get("jobId") == "JOB":
        body = {**body, "jobId": job.job_id}
    response = plan(body)
    assert (response.status_code, response.json()) == (
        400,
        {"__type": "ClientException", "message": message},
    )
    assert job.planned == []
