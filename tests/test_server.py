"""Service jobs through moto's server: boto3 and raw HTTP callers, moto-api, the entry points."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from tests.conftest import (
    ACCOUNT,
    REGION,
    SIGNED_FOR_BATCH,
    answer_body,
    client_error,
    fresh_job_members,
    make_queue,
    only,
    server_client,
    submit,
)

MODEL = "batch::service_job"
PATH = ["SUBMITTED", "RUNNABLE", "SCHEDULED", "STARTING", "RUNNING", "SUCCEEDED"]
QUEUE_ARN = f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/queue"
ENV_ARN = f"arn:aws:batch:{REGION}:{ACCOUNT}:service-environment/env"


def ids(summaries: list[dict[str, Any]]) -> list[str]:
    return [summary["jobId"] for summary in summaries]


@pytest.fixture
def remote(moto_batch_endpoint: str) -> Any:
    """A boto3 batch client of the freshly reset session server, with a SAGEMAKER queue."""
    batch = server_client(moto_batch_endpoint)
    make_queue(batch, "queue", env="env")
    return batch


@pytest.fixture
def immediate(moto_batch_endpoint: str) -> Iterator[None]:
    """The service-job transition is "immediate" (set over HTTP) during the test only."""
    response = requests.post(
        f"{moto_batch_endpoint}/moto-api/state-manager/set-transition",
        json={"model_name": MODEL, "transition": {"progression": "immediate"}},
        timeout=30,
    )
    assert response.status_code == 201
    yield
    requests.post(
        f"{moto_batch_endpoint}/moto-api/state-manager/unset-transition",
        json={"model_name": MODEL},
        timeout=30,
    ).raise_for_status()


# -- the flow, with boto3 ------------------------------------------------------------------


def test_service_environment_and_sagemaker_queue_are_created(moto_batch_endpoint):
    batch = server_client(moto_batch_endpoint)
    env = batch.create_service_environment(
        serviceEnvironmentName="env",
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=[{"maxCapacity": 10, "capacityUnit": "NUM_INSTANCES"}],
    )
    queue = batch.create_job_queue(
        jobQueueName="queue",
        priority=1,
        jobQueueType="SAGEMAKER_TRAINING",
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "env"}],
    )

    assert (env["serviceEnvironmentName"], env["serviceEnvironmentArn"]) == ("env", ENV_ARN)
    assert (queue["jobQueueName"], queue["jobQueueArn"]) == ("queue", QUEUE_ARN)
    (described,) = batch.describe_job_queues(jobQueues=["queue"])["jobQueues"]
    assert (
        described["jobQueueType"],
        described["serviceEnvironmentOrder"],
        described["state"],
        described["status"],
    ) == ("SAGEMAKER_TRAINING", [{"order": 1, "serviceEnvironment": ENV_ARN}], "ENABLED", "VALID")


def test_a_submitted_job_is_described_by_its_arn(remote):
    job = submit(remote, "queue", "train")

    described = remote.describe_service_job(jobId=job["jobArn"])

    assert job["jobArn"] == f"arn:aws:batch:{REGION}:{ACCOUNT}:service-job/{job['jobId']}"
    wanted = fresh_job_members(job, "train", QUEUE_ARN)
    assert only(described, wanted) == wanted


def test_a_plain_listing_returns_running_jobs_only(remote):
    running = submit(remote, "queue", "running")
    submit(remote, "queue", "waiting")
    # Under the default manual transition every read moves a job one step on.
    seen = [remote.describe_service_job(jobId=running["jobId"])["status"] for _ in range(4)]
    assert seen == PATH[:4]

    listed = remote.list_service_jobs(jobQueue="queue")["jobSummaryList"]

    assert [(job["jobId"], job["status"]) for job in listed] == [(running["jobId"], "RUNNING")]


def test_a_listing_by_status_returns_jobs_in_that_status(remote):
    job = submit(remote, "queue")

    listed = remote.list_service_jobs(jobQueue=QUEUE_ARN, jobStatus="SUBMITTED")["jobSummaryList"]

    assert [(summary["jobId"], summary["status"]) for summary in listed] == [
        (job["jobId"], "SUBMITTED")
    ]


def test_a_listing_by_job_name_filter_returns_the_matching_jobs(remote):
    wanted = submit(remote, "queue", "wanted")
    submit(remote, "queue", "other")

    listed = remote.list_service_jobs(
        jobQueue="queue", filters=[{"name": "JOB_NAME", "values": ["WANTED"]}]
    )["jobSummaryList"]

    assert [(job["jobId"], job["jobName"]) for job in listed] == [(wanted["jobId"], "wanted")]


def test_the_boto3_paginator_walks_every_page(remote):
    submitted = {submit(remote, "queue", f"page-{n}")["jobId"] for n in range(5)}
    everything = {"jobQueue": "queue", "filters": [{"name": "JOB_NAME", "values": ["page-*"]}]}
    in_one_page = ids(remote.list_service_jobs(**everything)["jobSummaryList"])

    pages = list(
        remote.get_paginator("list_service_jobs").paginate(
            **everything, PaginationConfig={"PageSize": 2}
        )
    )

    assert [len(page["jobSummaryList"]) for page in pages] == [2, 2, 1]
    assert ["nextToken" in page for page in pages] == [True, True, False]
    walked = [job_id for page in pages for job_id in ids(page["jobSummaryList"])]
    assert walked == in_one_page
    assert set(walked) == submitted


def test_terminating_a_submitted_job_fails_it(remote):
    job = submit(remote, "queue")

    response = remote.terminate_service_job(jobId=job["jobId"], reason="not needed")

    response.pop("ResponseMetadata")
    assert response == {}
    described = remote.describe_service_job(jobId=job["jobId"])
    assert (described["status"], described["statusReason"], described["isTerminated"]) == (
        "FAILED",
        "not needed",
        True,
    )


@pytest.mark.requires_operation("UpdateServiceJob")
def test_updating_a_job_sets_its_scheduling_priority(remote):
    job = submit(remote, "queue")

    response = remote.update_service_job(jobId=job["jobId"], schedulingPriority=7)

    response.pop("ResponseMetadata")
    assert response == {"jobArn": job["jobArn"], "jobName": "job", "jobId": job["jobId"]}
    assert remote.describe_service_job(jobId=job["jobId"])["schedulingPriority"] == 7


# -- moto-api ------------------------------------------------------------------------------


def test_moto_api_reset_wipes_service_jobs(remote, moto_batch_endpoint):
    job = submit(remote, "queue")

    requests.post(f"{moto_batch_endpoint}/moto-api/reset", timeout=30).raise_for_status()

    with pytest.raises(ClientError) as caught:
        remote.describe_service_job(jobId=job["jobId"])
    assert client_error(caught) == ("ClientException", f"Job {job['jobId']} not found", 400)
    assert remote.describe_service_environments()["serviceEnvironments"] == []


def test_an_immediate_transition_set_over_http_drives_jobs_to_succeeded(remote, immediate):
    job = submit(remote, "queue")

    described = remote.describe_service_job(jobId=job["jobId"])

    assert (described["status"], described["statusReason"]) == (
        "SUCCEEDED",
        "Received status from SageMaker: Training job completed",
    )


def test_unsetting_the_transition_over_http_brings_back_the_default(
    remote, moto_batch_endpoint, immediate
):
    api = f"{moto_batch_endpoint}/moto-api/state-manager"

    unset = requests.post(f"{api}/unset-transition", json={"model_name": MODEL}, timeout=30)

    assert unset.status_code == 201
    current = requests.get(f"{api}/get-transition?model_name={MODEL}", timeout=30)
    assert current.json() == {"progression": "manual", "times": 1}
    job = submit(remote, "queue")
    assert [remote.describe_service_job(jobId=job["jobId"])["status"] for _ in range(2)] == PATH[:2]


def test_the_steering_endpoint_plans_attempts_over_the_server(
    remote, moto_batch_endpoint, immediate
):
    job = submit(remote, "queue")

    planned = requests.post(
        f"{moto_batch_endpoint}/moto-api/static/batch/service-job-attempts",
        json={
            "jobId": job["jobArn"],
            "outcomes": [{"type": "FAILED", "reason": "AlgorithmError: oom"}],
        },
        timeout=30,
    )

    assert (planned.status_code, planned.json()) == (201, {})
    described = remote.describe_service_job(jobId=job["jobId"])
    assert (described["status"], described["statusReason"]) == (
        "FAILED",
        "Received status from SageMaker: AlgorithmError: oom",
    )


def test_the_steering_endpoint_refuses_an_unknown_job_over_the_server(moto_batch_endpoint):
    response = requests.post(
        f"{moto_batch_endpoint}/moto-api/static/batch/service-job-attempts",
        json={"jobId": "no-such-job", "outcomes": [{"type": "SUCCEEDED"}]},
        timeout=30,
    )

    assert (response.status_code, answer_body(response.json())) == (
        400,
        {"__type": "ClientException", "message": "Job no-such-job not found"},
    )


# -- raw HTTP callers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, message",
    [
        (b'{"jobQueue": "queue"', "The request body is not valid JSON"),
        (b"\xff\xfe not utf-8", "The request body is not valid JSON"),
        (b'["queue"]', "The request body must be a JSON object"),
        (b'{"jobQueue": 5}', "jobQueue must be a string, not int (5)"),
        (
            b'{"jobQueue": "queue", "maxResults": "2"}',
            "maxResults must be an integer, not str ('2')",
        ),
        (
            b'{"jobQueue": "queue", "filters": [{"name": "JOB_NAME", "values": "x"}]}',
            "Filter JOB_NAME must have exactly one value.",
        ),
    ],
)
def test_a_raw_request_with_an_invalid_body_is_a_client_exception(
    remote, moto_batch_endpoint, body, message
):
    response = requests.post(
        f"{moto_batch_endpoint}/v1/listservicejobs", data=body, headers=SIGNED_FOR_BATCH, timeout=30
    )

    assert (response.status_code, answer_body(response.json())) == (
        400,
        {"__type": "ClientException", "message": message},
    )


def test_requests_callers_under_mock_aws_reach_the_service_job_handlers(service_job_backend):
    batch = boto3.client("batch", region_name=REGION)
    make_queue(batch, "queue", env="env")
    job = submit(batch, "queue", "raw")

    response = requests.post(
        f"https://batch.{REGION}.amazonaws.com/v1/listservicejobs",
        json={"jobQueue": "queue", "jobStatus": "SUBMITTED"},
        timeout=30,
    )

    assert response.status_code == 200
    assert [
        (summary["jobId"], summary["jobName"], summary["status"])
        for summary in response.json()["jobSummaryList"]
    ] == [(job["jobId"], "raw", "SUBMITTED")]


def test_requests_callers_under_mock_aws_get_client_exceptions(service_job_backend):
    response = requests.post(
        f"https://batch.{REGION}.amazonaws.com/v1/listservicejobs",
        json={"jobQueue": "missing"},
        timeout=30,
    )

    assert (response.status_code, answer_body(response.json())) == (
        400,
        {"__type": "ClientException", "message": "JobQueue missing not found."},
    )


# -- a server that served batch before the package was imported ----------------------------

LATE_IMPORT = textwrap.dedent(
    """
    import logging
    import sys

    logging.basicConfig(stream=sys.stdout, level=logging.WARNING, format="%(name)s %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    import boto3
    from botocore.exceptions import ClientError
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(port=0, ip_address="127.0.0.1", verbose=False)
    server.start()
    if hasattr(server, "get_host_and_port"):  # moto >= 5.0.13
        host, port = server.get_host_and_port()
    else:
        host, port = server._server.server_address
    batch = boto3.client(
        "batch",
        endpoint_url=f"http://{host}:{port}",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    print("queues:", batch.describe_job_queues()["jobQueues"])
    print("imported:", "moto_batch_service" in sys.modules)

    import moto_batch_service

    environment = batch.create_service_environment(
        serviceEnvironmentName="env",
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=[{"maxCapacity": 1, "capacityUnit": "NUM_INSTANCES"}],
    )
    print("created:", environment["serviceEnvironmentArn"])
    server.stop()
    """
)


def test_a_server_that_served_batch_before_the_import_serves_service_jobs_after_it(tmp_path):
    script = tmp_path / "late_import.py"
    script.write_text(LATE_IMPORT)

    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=clean_env(),
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == [
        "queues: []",
        "imported: False",
        "moto_batch_service moto_batch_service was imported after a running moto server had "
        "served batch requests; its batch routes have been rebuilt to serve service jobs. "
        "Import moto_batch_service before starting the server to avoid this.",
        f"created: {ENV_ARN}",
    ]


# -- the command-line entry points ---------------------------------------------------------


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTO_"))}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # type: ignore[no-any-return]


def serve(command: list[str], port: int, log: Path) -> str:
    """Run ``command`` until the server on ``port`` has answered a service-job call.

    Returns the ARN it answered with; the server's output is in ``log``.
    """
    endpoint = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=clean_env())
    try:
        for _ in range(600):  # bounded: about a minute
            assert server.poll() is None, log.read_text()
            try:
                requests.post(f"{endpoint}/moto-api/reset", timeout=5)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            pytest.fail(f"{command} never answered: {log.read_text()}")
        return str(
            server_client(endpoint).create_service_environment(
                serviceEnvironmentName="env",
                serviceEnvironmentType="SAGEMAKER_TRAINING",
                capacityLimits=[{"maxCapacity": 1, "capacityUnit": "NUM_INSTANCES"}],
            )["serviceEnvironmentArn"]
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_python_m_moto_batch_service_serves_service_jobs_on_127_0_0_1_by_default(tmp_path):
    port = free_port()
    log = tmp_path / "server.log"

    arn = serve([sys.executable, "-m", "moto_batch_service", "-p", str(port)], port, log)

    assert arn == ENV_ARN
    assert f" * Running on http://127.0.0.1:{port}" in log.read_text().splitlines()


def test_the_console_script_serves_service_jobs(tmp_path):
    script = console_script()
    port = free_port()
    log = tmp_path / "server.log"

    arn = serve([script, "-H", "127.0.0.1", "-p", str(port)], port, log)

    assert arn == ENV_ARN
    assert f" * Running on http://127.0.0.1:{port}" in log.read_text().splitlines()


def console_script() -> str:
    script = shutil.which("moto-batch-service-server", path=str(Path(sys.executable).parent))
    script = script or shutil.which("moto-batch-service-server")
    assert script is not None, "the console script is not installed: pip install -e ."
    return script


@pytest.mark.parametrize(
    ("command", "name"),
    [
        pytest.param(
            [sys.executable, "-m", "moto_batch_service", "--help"],
            "python -m moto_batch_service",
            id="python-m",
        ),
        pytest.param(None, "moto-batch-service-server", id="console-script"),
    ],
)
def test_help_names_the_command_typed(command, name):
    command = command or [console_script(), "--help"]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=120, env=clean_env(), check=True
    )

    assert done.stdout.splitlines()[0].split(" [")[0] == f"usage: {name}"
