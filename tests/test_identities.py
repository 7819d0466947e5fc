"""Identities are never reused: a reseeded random does not hand out a stored job ID, and a
service environment created again under an old name starts empty."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
import requests
from moto import mock_aws

import moto_batch_service as mbs
from tests.conftest import REGION, make_queue, submit

SEED = "http://motoapi.amazonaws.com/moto-api/seed?a=42"
PAYLOAD = '{"ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1}}'


def environment(batch: Any, name: str, capacity: int) -> None:
    batch.create_service_environment(
        serviceEnvironmentName=name,
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=[{"maxCapacity": capacity, "capacityUnit": "NUM_INSTANCES"}],
    )


@mock_aws
def test_a_reseeded_random_never_reuses_a_stored_job_id() -> None:
    batch = boto3.client("batch", region_name=REGION)
    make_queue(batch, "queue")
    requests.post(SEED, timeout=10).raise_for_status()
    first = submit(batch, "queue", "first")["jobId"]
    requests.post(SEED, timeout=10).raise_for_status()
    second = submit(batch, "queue", "second")["jobId"]
    assert first != second
    described = [batch.describe_service_job(jobId=job)["jobName"] for job in (first, second)]
    assert described == ["first", "second"]


@mock_aws
def test_an_environment_created_again_under_its_name_starts_empty() -> None:
    batch = boto3.client("batch", region_name=REGION)
    environment(batch, "env", 1)
    environment(batch, "spare", 1)
    make_queue(batch, "queue", env="env")
    old = mbs.add_service_job("queue", "old", status="RUNNING", service_request_payload=PAYLOAD)

    order = [{"order": 1, "serviceEnvironment": "spare"}]
    batch.update_job_queue(jobQueue="queue", serviceEnvironmentOrder=order)
    batch.update_service_environment(serviceEnvironment="env", state="DISABLED")
    batch.delete_service_environment(serviceEnvironment="env")
    environment(batch, "env", 1)
    order = [{"order": 1, "serviceEnvironment": "env"}]
    batch.update_job_queue(jobQueue="queue", serviceEnvironmentOrder=order)

    new = submit(batch, "queue", "new", serviceRequestPayload=PAYLOAD)["jobId"]
    seen = [batch.describe_service_job(jobId=new)["status"] for _ in range(5)]
    assert seen == ["SUBMITTED", "RUNNABLE", "SCHEDULED", "STARTING", "RUNNING"]  # it has room
    assert batch.describe_service_job(jobId=old.job_id)["status"] == "RUNNING"


@pytest.mark.parametrize("account", ["123:456", "a/b"])
def test_an_odd_account_id_from_moto_works_past_the_first_dispatch(
    monkeypatch: pytest.MonkeyPatch, progression: Any, account: str
) -> None:
    monkeypatch.setenv("MOTO_ACCOUNT_ID", account)
    progression({"progression": "immediate"})
    with mock_aws():
        batch = boto3.client("batch", region_name=REGION)
        make_queue(batch, "queue")
        job = submit(batch, "queue")["jobId"]
        described = batch.describe_service_job(jobId=job)
        listed = batch.list_service_jobs(jobQueue="queue", jobStatus="SUCCEEDED")
        by_arn = batch.describe_service_job(jobId=described["jobArn"])
    assert described["status"] == "SUCCEEDED"
    assert [summary["jobId"] for summary in listed["jobSummaryList"]] == [job]
    assert by_arn["jobId"] == job
