"""freezegun and time-machine move service jobs as they move moto."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from moto import mock_aws

import moto_batch_service as mbs

AT = datetime(2030, 1, 1, tzinfo=timezone.utc)
AT_MS = 1_893_456_000_000


def frozen(library: str):
    if library == "freezegun":
        freezegun = pytest.importorskip("freezegun")
        return freezegun.freeze_time(AT)
    time_machine = pytest.importorskip("time_machine")
    return time_machine.travel(AT, tick=False)


def move_on(library: str, clock, seconds: int) -> None:
    if library == "freezegun":
        clock.tick(timedelta(seconds=seconds))
    else:
        clock.shift(timedelta(seconds=seconds))


def seed_and_submit(batch: Any) -> tuple[Any, str]:
    """Seed job "seeded" and submit job "submitted" to queue "training" (created by the
    seeding); the seeded job's view and the submitted job's id."""
    seeded = mbs.add_service_job("training", "seeded")
    job_id = batch.submit_service_job(
        jobName="submitted",
        jobQueue="training",
        serviceJobType="SAGEMAKER_TRAINING",
        serviceRequestPayload="{}",
    )["jobId"]
    return seeded, job_id


@pytest.mark.parametrize("library", ["freezegun", "time_machine"])
def test_a_frozen_clock_stamps_submitted_and_seeded_jobs(library):
    with mock_aws(), frozen(library):
        batch = boto3.client("batch", region_name="us-east-1")
        seeded, job_id = seed_and_submit(batch)

        assert batch.describe_service_job(jobId=job_id)["createdAt"] == AT_MS
        assert seeded.created_at == AT_MS


@pytest.mark.parametrize("library", ["freezegun", "time_machine"])
def test_time_progression_steps_as_the_frozen_clock_moves(library, service_job_transition):
    service_job_transition({"progression": "time", "seconds": 5})
    with mock_aws(), frozen(library) as clock:
        batch = boto3.client("batch", region_name="us-east-1")
        _, job_id = seed_and_submit(batch)
        seen = []
        for _ in range(4):
            seen.append(batch.describe_service_job(jobId=job_id)["status"])
            move_on(library, clock, 5)

    assert seen == ["SUBMITTED", "RUNNABLE", "SCHEDULED", "STARTING"]


def test_a_replaced_state_manager_clock_stamps_jobs_and_ends_attempts(batch, queue, state_clock):
    # The documented trick: moto's managed_state_model.datetime replaced (2030-01-01, local).
    from tests.test_lifecycle import look_until, submit

    at_ms = int(state_clock.at.timestamp() * 1000)
    job_id = submit(batch, queue, "timed", timeoutConfig={"attemptDurationSeconds": 60})
    seeded = mbs.add_service_job(queue, "seeded")
    running = look_until(batch, job_id, "RUNNING")
    assert (running["createdAt"], seeded.created_at) == (at_ms, at_ms)
    state_clock.advance(2 * 3600)
    ended = batch.describe_service_job(jobId=job_id)
    assert (ended["status"], ended["stoppedAt"]) == ("FAILED", at_ms + 2 * 3600 * 1000)
