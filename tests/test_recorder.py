"""moto's recorder: a recorded session of service-job calls replays into the same state."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from moto import mock_aws
from moto.moto_api import recorder

from tests.conftest import PAYLOAD, REGION, server_client

SEED = 42
MOTO_API = "http://motoapi.amazonaws.com"
RECORDED = [
    "createserviceenvironment",
    "createjobqueue",
    "submitservicejob",
    "submitservicejob",
    "submitservicejob",
    "describeservicejob",
    "terminateservicejob",
    "terminateservicejob",
    "listservicejobs",
]


@pytest.fixture
def recording(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto's recorder writes to a file of this test; it is off again afterwards."""
    monkeypatch.setattr(recorder, "_location", str(tmp_path / "recording"))
    recorder.reset_recording()
    yield
    recorder.stop_recording()


def session(batch: Any) -> None:
    """Create an environment and a queue, submit three jobs, terminate two of them."""
    batch.create_service_environment(
        serviceEnvironmentName="env",
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=[{"maxCapacity": 1, "capacityUnit": "NUM_INSTANCES"}],
    )
    batch.create_job_queue(
        jobQueueName="queue",
        priority=1,
        jobQueueType="SAGEMAKER_TRAINING",
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "env"}],
    )
    ids = [
        batch.submit_service_job(
            jobName=f"job-{i}",
            jobQueue="queue",
            serviceJobType="SAGEMAKER_TRAINING",
            serviceRequestPayload=PAYLOAD,
        )["jobId"]
        for i in range(3)
    ]
    batch.describe_service_job(jobId=ids[0])  # the first job moves on (one status a look)
    batch.terminate_service_job(jobId=ids[0], reason="first")
    batch.terminate_service_job(jobId=ids[1], reason="second")
    batch.list_service_jobs(jobQueue="queue")


def state(batch: Any) -> dict[str, Any]:
    """Everything the API shows of the session's resources (timestamps as present/absent)."""
    jobs = batch.list_service_jobs(
        jobQueue="queue", filters=[{"name": "JOB_NAME", "values": ["job-*"]}]
    )["jobSummaryList"]
    return without_times(
        {
            "environments": batch.describe_service_environments()["serviceEnvironments"],
            "queues": batch.describe_job_queues()["jobQueues"],
            "jobs": [batch.describe_service_job(jobId=job["jobId"]) for job in jobs],
        }
    )


def without_times(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: "<time>" if key.endswith("At") else without_times(item)
            for key, item in value.items()
            if key != "ResponseMetadata"
        }
    if isinstance(value, list):
        return [without_times(item) for item in value]
    return value


def operations(recording: str) -> list[str]:
    urls = [json.loads(line)["url"] for line in recording.splitlines() if line]
    return [re.sub(r".*/v1/", "", url) for url in urls]


def test_a_recorded_session_replays_into_the_same_state_under_mock_aws(recording):
    with mock_aws():
        requests.post(f"{MOTO_API}/moto-api/seed?a={SEED}", timeout=30)
        batch = boto3.client("batch", region_name=REGION)
        recorder.start_recording()
        session(batch)
        recorder.stop_recording()
        recorded = state(batch)
    assert operations(recorder.download_recording()) == RECORDED
    statuses = [(job["jobName"], job["status"], job["isTerminated"]) for job in recorded["jobs"]]
    assert statuses == [
        ("job-2", "RUNNABLE", False),
        ("job-1", "FAILED", True),
        ("job-0", "FAILED", True),
    ]
    with mock_aws():
        requests.post(f"{MOTO_API}/moto-api/seed?a={SEED}", timeout=30)
        recorder.replay_recording()
        assert state(boto3.client("batch", region_name=REGION)) == recorded


def test_a_recorded_session_replays_into_the_same_state_over_the_server(
    moto_batch_endpoint, recording
):
    def moto_api(path: str) -> requests.Response:
        response = requests.post(f"{moto_batch_endpoint}/moto-api/{path}", timeout=30)
        response.raise_for_status()
        return response

    batch = server_client(moto_batch_endpoint)
    moto_api(f"seed?a={SEED}")
    moto_api("recorder/start-recording")
    session(batch)
    moto_api("recorder/stop-recording")
    recorded = state(batch)
    download = requests.get(
        f"{moto_batch_endpoint}/moto-api/recorder/download-recording", timeout=30
    )
    assert operations(download.text) == RECORDED
    assert [job["status"] for job in recorded["jobs"]] == ["RUNNABLE", "FAILED", "FAILED"]
    moto_api("reset")
    assert batch.describe_service_environments()["serviceEnvironments"] == []
    moto_api(f"seed?a={SEED}")
    moto_api("recorder/replay-recording")
    assert state(batch) == recorded
