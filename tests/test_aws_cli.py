"""The AWS CLI v1 (``awscli``, a test dependency) against moto's server with service jobs.

Each CLI run takes most of a second, so set-up goes through boto3 and each test makes
one CLI call (two for the paginated listing).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from typing import Any, Callable

import pytest

from tests.conftest import (
    ACCOUNT,
    PAYLOAD,
    REGION,
    fresh_job_members,
    make_queue,
    only,
    server_client,
    submit,
)

QUEUE_ARN = f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/queue"
ENV_ARN = f"arn:aws:batch:{REGION}:{ACCOUNT}:service-environment/env"
PATH = ["SUBMITTED", "RUNNABLE", "SCHEDULED", "STARTING", "RUNNING"]

Aws = Callable[..., Any]


@pytest.fixture
def aws(moto_batch_endpoint: str, tmp_path: Any) -> Aws:
    """``aws("batch", "list-service-jobs", ...)``: run the CLI against the reset server.

    Returns the parsed JSON output (None when the CLI prints nothing). Configuration and
    credential files are empty; the credentials are dummy environment variables.
    """
    if importlib.util.find_spec("awscli") is None:
        pytest.fail("awscli is a test dependency: pip install -e '.[test]'")
    config = tmp_path / "aws-config"
    credentials = tmp_path / "aws-credentials"
    config.write_text("")
    credentials.write_text("")
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_CONFIG_FILE=str(config),
        AWS_SHARED_CREDENTIALS_FILE=str(credentials),
        AWS_EC2_METADATA_DISABLED="true",
        NO_PROXY="127.0.0.1",
    )

    common = ["--endpoint-url", moto_batch_endpoint, "--region", REGION, "--output", "json"]

    def run(*args: str) -> Any:
        done = subprocess.run(
            [sys.executable, "-m", "awscli", *args, *common],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if done.stdout.strip() else None

    return run


@pytest.fixture
def boto(moto_batch_endpoint: str) -> Any:
    """A boto3 batch client of the same server, for set-up and checks."""
    return server_client(moto_batch_endpoint)


@pytest.fixture
def environment(boto: Any) -> str:
    boto.create_service_environment(
        serviceEnvironmentName="env",
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=[{"maxCapacity": 10, "capacityUnit": "NUM_INSTANCES"}],
    )
    return "env"


@pytest.fixture
def queue(boto: Any, environment: str) -> str:
    return make_queue(boto, "queue", env=environment)


def summaries(listing: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(job["jobId"], job["jobName"], job["status"]) for job in listing["jobSummaryList"]]


def test_create_service_environment(aws, boto):
    created = aws(
        "batch",
        "create-service-environment",
        "--service-environment-name",
        "env",
        "--service-environment-type",
        "SAGEMAKER_TRAINING",
        "--capacity-limits",
        "maxCapacity=4,capacityUnit=NUM_INSTANCES",
    )

    assert created == {"serviceEnvironmentName": "env", "serviceEnvironmentArn": ENV_ARN}
    (described,) = boto.describe_service_environments()["serviceEnvironments"]
    assert (described["serviceEnvironmentName"], described["capacityLimits"]) == (
        "env",
        [{"maxCapacity": 4, "capacityUnit": "NUM_INSTANCES"}],
    )


def test_create_job_queue_with_a_service_environment_order(aws, boto, environment):
    created = aws(
        "batch",
        "create-job-queue",
        "--job-queue-name",
        "queue",
        "--priority",
        "1",
        "--job-queue-type",
        "SAGEMAKER_TRAINING",
        "--service-environment-order",
        f"order=1,serviceEnvironment={environment}",
    )

    assert created == {"jobQueueName": "queue", "jobQueueArn": QUEUE_ARN}
    (described,) = boto.describe_job_queues(jobQueues=["queue"])["jobQueues"]
    assert (described["jobQueueType"], described["serviceEnvironmentOrder"]) == (
        "SAGEMAKER_TRAINING",
        [{"order": 1, "serviceEnvironment": ENV_ARN}],
    )


def test_submit_service_job(aws, boto, queue):
    submitted = aws(
        "batch",
        "submit-service-job",
        "--job-name",
        "train",
        "--job-queue",
        queue,
        "--service-job-type",
        "SAGEMAKER_TRAINING",
        "--service-request-payload",
        PAYLOAD,
    )

    assert sorted(submitted) == ["jobArn", "jobId", "jobName"]
    assert submitted["jobName"] == "train"
    assert (
        submitted["jobArn"] == f"arn:aws:batch:{REGION}:{ACCOUNT}:service-job/{submitted['jobId']}"
    )
    described = boto.describe_service_job(jobId=submitted["jobId"])
    assert (described["jobName"], described["jobQueue"], described["serviceRequestPayload"]) == (
        "train",
        QUEUE_ARN,
        PAYLOAD,
    )


def test_list_service_jobs_without_a_status_lists_running_jobs(aws, boto, queue):
    running = submit(boto, "queue", "running")
    submit(boto, "queue", "waiting")
    # Under the default manual transition every read moves a job one step on.
    seen = [boto.describe_service_job(jobId=running["jobId"])["status"] for _ in range(4)]
    assert seen == PATH[:4]

    listing = aws("batch", "list-service-jobs", "--job-queue", queue)

    assert summaries(listing) == [(running["jobId"], "running", "RUNNING")]


def test_list_service_jobs_by_job_status(aws, boto, queue):
    job = submit(boto, "queue", "waiting")

    listing = aws(
        "batch", "list-service-jobs", "--job-queue", QUEUE_ARN, "--job-status", "SUBMITTED"
    )

    assert summaries(listing) == [(job["jobId"], "waiting", "SUBMITTED")]


def test_list_service_jobs_by_job_name_filter(aws, boto, queue):
    wanted = submit(boto, "queue", "wanted")
    submit(boto, "queue", "other")

    listing = aws(
        "batch",
        "list-service-jobs",
        "--job-queue",
        queue,
        "--filters",
        "name=JOB_NAME,values=wanted",
    )

    assert summaries(listing) == [(wanted["jobId"], "wanted", "SUBMITTED")]


def test_list_service_jobs_paginates_with_max_items_and_starting_token(aws, boto, queue):
    submitted = {submit(boto, "queue", f"page-{n}")["jobId"] for n in range(3)}
    query = ["--job-queue", queue, "--filters", "name=JOB_NAME,values=page-*"]
    in_one_page = [
        job["jobId"]
        for job in boto.list_service_jobs(
            jobQueue=queue, filters=[{"name": "JOB_NAME", "values": ["page-*"]}]
        )["jobSummaryList"]
    ]

    first = aws("batch", "list-service-jobs", *query, "--max-items", "2", "--page-size", "1")
    rest = aws(
        "batch",
        "list-service-jobs",
        *query,
        "--page-size",
        "1",
        "--starting-token",
        first["NextToken"],
    )

    assert (len(first["jobSummaryList"]), len(rest["jobSummaryList"])) == (2, 1)
    assert "NextToken" not in rest
    walked = [job["jobId"] for job in first["jobSummaryList"] + rest["jobSummaryList"]]
    assert walked == in_one_page
    assert set(walked) == submitted


def test_describe_service_job_by_arn(aws, boto, queue):
    job = submit(boto, "queue", "train")

    described = aws("batch", "describe-service-job", "--job-id", job["jobArn"])

    wanted = fresh_job_members(job, "train", QUEUE_ARN, isTerminated=False, tags={})
    assert only(described, wanted) == wanted


def test_terminate_service_job(aws, boto, queue):
    job = submit(boto, "queue")

    output = aws(
        "batch", "terminate-service-job", "--job-id", job["jobId"], "--reason", "not needed"
    )

    assert output is None
    described = boto.describe_service_job(jobId=job["jobId"])
    assert (described["status"], described["statusReason"], described["isTerminated"]) == (
        "FAILED",
        "not needed",
        True,
    )
