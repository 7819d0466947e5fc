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


def submitted(
    queue: str, account: str = "123456789012", region: str = "us-east-1"
) -> mbs.ServiceJob:
    """A job submitted to ``queue`` (created if new) of ``account``/``region``."""
    backend = mbs.service_job_backends[account][region]
    backend.ensure_queue(queue)
    return backend.submit_service_job(
        job_name="train",
        job_queue=queue,
        service_job_type="SAGEMAKER_TRAINING",
        service_request_payload="{}",
    )


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
    job = submitted(queue)
    response = plan(
        {
            "jobId": job.job_id,
            "outcomes": [{"type": "CAPACITY"}, {"type": "TIMEOUT"}, {"type": "SUCCEEDED"}],
        }
    )
    assert response.status_code == 201
    assert job.planned == [mbs.capacity_shortage(), mbs.time_out(), mbs.succeed()]


def test_account_and_region_come_from_the_job_arn(batch):
    job = submitted("q", "111122223333", "eu-west-1")
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
        (
            {"jobId": "JOB", "outcomes": [{"type": "SUCCEEDED"}], "accountId": {"x": 1}},
            "Invalid value for accountId ({'x': 1}): it must be a 12-digit AWS account ID",
        ),
        (
            {"jobId": "JOB", "outcomes": [{"type": "SUCCEEDED"}], "accountId": 123456789012},
            "Invalid value for accountId (123456789012): it must be a 12-digit AWS account ID",
        ),
        (
            {"jobId": "JOB", "outcomes": [{"type": "SUCCEEDED"}], "accountId": "1234"},
            "Invalid value for accountId ('1234'): it must be a 12-digit AWS account ID",
        ),
        (
            {"jobId": "JOB", "outcomes": [{"type": "SUCCEEDED"}], "region": ["us-east-1"]},
            "Invalid value for region (['us-east-1']): it must be a region name such as us-east-1",
        ),
        (
            {"jobId": "JOB", "outcomes": [{"type": "SUCCEEDED"}], "region": "moon-1"},
            "Unknown region moon-1",
        ),
        (
            {"jobId": "JOB", "outcomes": [{"type": "SUCCEEDED"}], "acountId": "123456789012"},
            "Unknown member(s) acountId: the body takes jobId, outcomes, accountId, region",
        ),
        (
            {"jobId": "JOB", "outcomes": [{"type": "SUCCEEDED", "reason": "x"}]},
            "A SUCCEEDED outcome takes no member reason",
        ),
    ],
)
def test_bad_plans_are_refused_and_change_nothing(batch, queue, body, message):
    job = submitted(queue)
    if body.get("jobId") == "JOB":
        body = {**body, "jobId": job.job_id}
    response = plan(body)
    assert (response.status_code, response.json()) == (
        400,
        {"__type": "ClientException", "message": message},
    )
    assert job.planned == []


def test_a_job_arn_naming_no_account_is_refused_without_making_one(batch):
    arn = "arn:aws:batch:us-east-1:not-an-account:service-job/4f1e8b1a-0000-4000-8000-000000000000"

    response = plan({"jobId": arn, "outcomes": [{"type": "SUCCEEDED"}]})

    assert (response.status_code, response.json()["message"]) == (
        400,
        "Invalid value for accountId ('not-an-account'): it must be a 12-digit AWS account ID",
    )
    assert "not-an-account" not in mbs.service_job_backends


def test_planning_a_seeded_job_is_refused(batch, queue):
    job = mbs.add_service_job(queue, "seeded")

    response = plan({"jobId": job.job_id, "outcomes": [{"type": "SUCCEEDED"}]})

    assert response.status_code == 400
    assert response.json()["message"].startswith(
        f"Job {job.job_id} was stored by add_service_job and never moves by itself"
    )
    assert job.planned == []
