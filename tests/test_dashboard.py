"""moto's /moto-api/data.json (the dashboard's data) lists the package's resources under batch."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.conftest import ACCOUNT, PAYLOAD, REGION, make_queue, server_client
from tests.test_quota_shares import create_share, limits, quota_queue

ARN = f"arn:aws:batch:{REGION}:{ACCOUNT}"
OURS = ("ServiceEnvironment", "ServiceQueue", "ServiceJob", "QuotaShare")


def build(batch: Any) -> str:
    """A queue "queue" on "env" and a submitted job; its ID."""
    make_queue(batch, "queue", env="env")
    return batch.submit_service_job(  # type: ignore[no-any-return]
        jobName="train",
        jobQueue="queue",
        serviceJobType="SAGEMAKER_TRAINING",
        serviceRequestPayload=PAYLOAD,
        tags={"k": "v"},
    )["jobId"]


FIELDS = {
    "ServiceEnvironment": ("name", "arn", "state", "status", "capacity_limits", "tags"),
    "ServiceQueue": ("name", "arn", "state", "status", "priority", "service_environment_order"),
    "ServiceJob": ("job_id", "job_name", "job_arn", "job_queue", "status", "quota_share_name"),
    "QuotaShare": ("name", "arn", "queue_arn", "state", "status", "capacity_limits", "tags"),
}


def main_fields(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The fields a reader of data.json looks at first, per resource type."""
    return {
        kind: [{field: entry[field] for field in FIELDS[kind]} for entry in data["batch"][kind]]
        for kind in OURS
    }


def expected(job_id: str) -> dict[str, list[dict[str, Any]]]:
    return {
        "ServiceEnvironment": [
            {
                "name": "env",
                "arn": f"{ARN}:service-environment/env",
                "state": "ENABLED",
                "status": "VALID",
                "capacity_limits": [{"maxCapacity": 10, "capacityUnit": "NUM_INSTANCES"}],
                "tags": {},
            }
        ],
        "ServiceQueue": [
            {
                "name": "queue",
                "arn": f"{ARN}:job-queue/queue",
                "state": "ENABLED",
                "status": "VALID",
                "priority": 1,
                "service_environment_order": [
                    {"order": 1, "serviceEnvironment": f"{ARN}:service-environment/env"}
                ],
            }
        ],
        "ServiceJob": [
            {
                "job_id": job_id,
                "job_name": "train",
                "job_arn": f"{ARN}:service-job/{job_id}",
                "job_queue": f"{ARN}:job-queue/queue",
                "status": "SUBMITTED",
                "quota_share_name": None,
            }
        ],
        "QuotaShare": [],
    }


def data_json(endpoint: str) -> dict[str, Any]:
    response = requests.get(f"{endpoint}/moto-api/data.json", timeout=30)
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


EMPTY = {kind: [] for kind in OURS}


def test_data_json_lists_environments_queues_and_jobs_under_batch(moto_batch_endpoint):
    batch = server_client(moto_batch_endpoint)
    job_id = build(batch)
    data = data_json(moto_batch_endpoint)
    assert main_fields(data) == expected(job_id)
    assert not {"models", "quota"} & set(data)  # not filed under the package's module names
    # The job's entry also carries the fields of DescribeServiceJob.
    (job,) = data["batch"]["ServiceJob"]
    assert (job["service_request_payload"], job["tags"], job["created_at"] > 0) == (
        PAYLOAD,
        {"k": "v"},
        True,
    )


def test_data_json_follows_a_job_through_its_lifecycle(moto_batch_endpoint):
    batch = server_client(moto_batch_endpoint)
    job_id = build(batch)
    batch.terminate_service_job(jobId=job_id, reason="enough")
    (job,) = data_json(moto_batch_endpoint)["batch"]["ServiceJob"]
    assert (job["status"], job["status_reason"], job["is_terminated"]) == (
        "FAILED",
        "enough",
        True,
    )


def test_a_reset_empties_the_package_s_lists_in_data_json(moto_batch_endpoint):
    build(server_client(moto_batch_endpoint))
    requests.post(f"{moto_batch_endpoint}/moto-api/reset", timeout=30).raise_for_status()
    data = data_json(moto_batch_endpoint)
    assert {kind: data["batch"][kind] for kind in OURS} == EMPTY


def test_data_json_under_mock_aws_lists_the_resources_until_the_mock_ends():
    import boto3
    from moto import mock_aws

    moto_api = "http://motoapi.amazonaws.com"
    with mock_aws():
        job_id = build(boto3.client("batch", region_name=REGION))
        assert main_fields(data_json(moto_api)) == expected(job_id)
    with mock_aws():  # the next test's mock starts from nothing
        data = data_json(moto_api)
        assert {kind: data["batch"][kind] for kind in OURS} == EMPTY


@pytest.mark.requires_operation("CreateQuotaShare")
def test_data_json_lists_quota_shares_under_batch(moto_batch_endpoint):
    batch = server_client(moto_batch_endpoint)
    quota_queue(batch)
    create_share(batch, "qq", "a", tags={"team": "ml"})
    data = data_json(moto_batch_endpoint)
    shares = [
        {field: e[field] for field in FIELDS["QuotaShare"]} for e in data["batch"]["QuotaShare"]
    ]
    assert shares == [
        {
            "name": "a",
            "arn": f"{ARN}:job-queue/qq/quota-share/a",
            "queue_arn": f"{ARN}:job-queue/qq",
            "state": "ENABLED",
            "status": "VALID",
            "capacity_limits": limits((2, "ml.m5.xlarge")),
            "tags": {"team": "ml"},
        }
    ]
    requests.post(f"{moto_batch_endpoint}/moto-api/reset", timeout=30).raise_for_status()
    assert data_json(moto_batch_endpoint)["batch"]["QuotaShare"] == []
