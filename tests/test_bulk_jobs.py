"""TerminateJobs and CancelJobs: moto's TerminateJob/CancelJob for up to 50 container jobs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.batch.models import Job, batch_backends

from tests.conftest import ACCOUNT, REGION, answer_body, client_error, server_client
from tests.test_job_queues import make_compute_env, make_container_queue

UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> None:
    """Container jobs stay where a test puts them: moto's job threads are not started."""
    monkeypatch.setattr(Job, "start", lambda self: None)


@pytest.fixture
def container(held: None) -> Iterator[Any]:
    """A batch client under mock_aws with a container queue ``q`` and job definition ``d``."""
    with mock_aws():
        batch = boto3.client("batch", region_name=REGION)
        setup(batch)
        yield batch


def setup(batch: Any) -> None:
    make_container_queue(batch, "q", make_compute_env(batch))
    batch.register_job_definition(
        jobDefinitionName="d",
        type="container",
        containerProperties={"image": "busybox", "vcpus": 1, "memory": 128},
    )


def jobs_in(batch: Any, statuses: list[str]) -> list[str]:
    """One held container job per status (set on moto's own job)."""
    ids = []
    for i, status in enumerate(statuses):
        job_id = batch.submit_job(jobName=f"job-{i}", jobQueue="q", jobDefinition="d")["jobId"]
        batch_backends[ACCOUNT][REGION].get_job_by_id(job_id).status = status
        ids.append(job_id)
    return ids


def outcome(batch: Any, job_ids: list[str]) -> list[tuple[str, str | None]]:
    """(status, statusReason) of moto's jobs (moto's DescribeJobs omits members the model
    requires of jobs that have not started, so it is read from moto's store)."""
    jobs = [batch_backends[ACCOUNT][REGION].get_job_by_id(job_id) for job_id in job_ids]
    return [(job.status, job.job_stopped_reason) for job in jobs]


def answer(response: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


STATUSES = ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"]


@pytest.mark.parametrize(
    ("operation", "reason", "reasons"),
    [
        pytest.param(
            "terminate",
            "stop",
            ["stop"] * len(STATUSES),
            id="terminate",
            marks=pytest.mark.requires_operation("TerminateJobs"),
        ),
        pytest.param(
            "cancel",
            "not needed",
            # Only jobs that have not started are cancelled; the others are left alone.
            ["not needed", "not needed", "not needed", None, None, None, None],
            id="cancel",
            marks=pytest.mark.requires_operation("CancelJobs"),
        ),
    ],
)
def test_the_bulk_form_does_to_each_job_what_the_single_one_does(
    container, operation, reason, reasons
):
    batch = container
    singly, together = jobs_in(batch, STATUSES), jobs_in(batch, STATUSES)
    for job_id in singly:
        getattr(batch, f"{operation}_job")(jobId=job_id, reason=reason)
    response = getattr(batch, f"{operation}_jobs")(jobs=together, reason=reason)
    assert answer(response) == {"successful": together, "errors": []}
    assert outcome(batch, together) == outcome(batch, singly)
    assert [reason for _, reason in outcome(batch, together)] == reasons
    if operation == "terminate":  # and no job changes its status
        assert [status for status, _ in outcome(batch, together)] == STATUSES


@pytest.mark.requires_operation("TerminateJobs")
@pytest.mark.requires_operation("CancelJobs")
@pytest.mark.parametrize("operation", ["terminate_jobs", "cancel_jobs"])
def test_unknown_jobs_are_successful_and_an_empty_id_is_a_per_job_error(container, operation):
    batch = container
    (known,) = jobs_in(batch, ["RUNNABLE"])
    response = getattr(batch, operation)(jobs=[UNKNOWN, "", known], reason="why")
    assert answer(response) == {
        "successful": [UNKNOWN, known],
        "errors": [{"job": "", "code": "ValidationException", "message": "A job ID is empty"}],
    }
    assert outcome(batch, [known]) == [("RUNNABLE", "why")]


@pytest.mark.requires_operation("TerminateJobs")
@pytest.mark.requires_operation("CancelJobs")
@pytest.mark.parametrize("operation", ["terminate_jobs", "cancel_jobs"])
def test_fifty_jobs_are_taken_and_fifty_one_are_refused_untouched(container, operation):
    batch = container
    ids = jobs_in(batch, ["RUNNABLE"])
    assert getattr(batch, operation)(jobs=ids + [UNKNOWN] * 49, reason="r")["errors"] == []
    others = jobs_in(batch, ["RUNNABLE"])
    with pytest.raises(ClientError) as exc_info:
        getattr(batch, operation)(jobs=others + [UNKNOWN] * 50, reason="r")
    assert client_error(exc_info) == (
        "ClientException",
        "Invalid value for jobs ('51 jobs'): at most 50 are allowed",
        400,
    )
    assert outcome(batch, others) == [("RUNNABLE", None)]


@pytest.mark.requires_operation("TerminateJobs")
@pytest.mark.requires_operation("CancelJobs")
@pytest.mark.parametrize("operation", ["terminate_jobs", "cancel_jobs"])
@pytest.mark.parametrize(
    ("jobs", "reason", "message"),
    [
        ([], "r", "jobs must be provided"),
        ([UNKNOWN], "", "reason must be provided"),
        ([UNKNOWN], "x" * 1025, "Invalid value for reason ('1025 characters'): at most 1024"),
    ],
)
def test_bad_requests_are_client_exceptions(container, operation, jobs, reason, message):
    with pytest.raises(ClientError) as exc_info:
        getattr(container, operation)(jobs=jobs, reason=reason)
    assert client_error(exc_info) == ("ClientException", message, 400)


@pytest.mark.requires_operation("TerminateJobs")
@pytest.mark.requires_operation("CancelJobs")
def test_finished_jobs_of_the_docker_free_backend_get_the_singular_rules(held):
    with mock_aws(config={"batch": {"use_docker": False}}):
        batch = boto3.client("batch", region_name=REGION)
        setup(batch)

        def finished() -> list[str]:
            return [
                batch.submit_job(jobName=f"j{i}", jobQueue="q", jobDefinition="d")["jobId"]
                for i in range(2)
            ]

        singly, together = finished(), finished()
        batch.terminate_job(jobId=singly[0], reason="late")
        batch.cancel_job(jobId=singly[1], reason="late")
        assert batch.terminate_jobs(jobs=together[:1], reason="late")["successful"] == together[:1]
        assert batch.cancel_jobs(jobs=together[1:], reason="late")["successful"] == together[1:]
        assert outcome(batch, together) == outcome(batch, singly)
        assert [status for status, _ in outcome(batch, together)] == ["SUCCEEDED", "SUCCEEDED"]


def test_the_singular_operations_refuse_a_member_of_the_wrong_type(container):
    for operation in ("terminatejob", "canceljob"):
        status, body = _post(operation, {"jobId": 7, "reason": "r"})
        assert (status, body) == (
            400,
            {"__type": "ClientException", "message": "jobId must be a string, not int (7)"},
        )


def _post(operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """A raw request under mock_aws (moto answers ``requests`` callers too)."""
    response = requests.post(
        f"https://batch.{REGION}.amazonaws.com/v1/{operation}", data=json.dumps(body), timeout=5
    )
    return response.status_code, answer_body(response.json())


# -- over the server -----------------------------------------------------------------------


@pytest.mark.requires_operation("TerminateJobs")
@pytest.mark.requires_operation("CancelJobs")
def test_terminate_jobs_and_cancel_jobs_over_the_server(moto_batch_endpoint, held):
    batch = server_client(moto_batch_endpoint)
    iam = boto3.client(
        "iam",
        endpoint_url=moto_batch_endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    role = iam.create_role(RoleName="batch-service-role", AssumeRolePolicyDocument="{}")
    compute_env = batch.create_compute_environment(
        computeEnvironmentName="compute-env",
        type="UNMANAGED",
        state="ENABLED",
        serviceRole=role["Role"]["Arn"],
    )["computeEnvironmentArn"]
    make_container_queue(batch, "q", compute_env)
    batch.register_job_definition(
        jobDefinitionName="d",
        type="container",
        containerProperties={"image": "busybox", "vcpus": 1, "memory": 128},
    )
    submitted, running = jobs_in(batch, ["SUBMITTED", "RUNNING"])
    assert answer(batch.cancel_jobs(jobs=[submitted, running, UNKNOWN], reason="c")) == {
        "successful": [submitted, running, UNKNOWN],
        "errors": [],
    }
    assert outcome(batch, [submitted, running]) == [("SUBMITTED", "c"), ("RUNNING", None)]
    assert answer(batch.terminate_jobs(jobs=[running, ""], reason="t")) == {
        "successful": [running],
        "errors": [{"job": "", "code": "ValidationException", "message": "A job ID is empty"}],
    }
    assert outcome(batch, [running]) == [("RUNNING", "t")]


@pytest.mark.requires_operation("TerminateJobs")
@pytest.mark.requires_operation("CancelJobs")
def test_the_bulk_operations_are_authorised_as_their_singular_actions(container):
    from moto.core import set_initial_no_auth_action_count

    # AWS's action names, on every moto: TerminateJobs is authorised as batch:TerminateJob.
    iam = boto3.client("iam", region_name=REGION)
    iam.create_user(UserName="stopper")
    iam.put_user_policy(
        UserName="stopper",
        PolicyName="terminate-only",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "batch:TerminateJob", "Resource": "*"}],
            }
        ),
    )
    key = iam.create_access_key(UserName="stopper")["AccessKey"]
    stopper = boto3.client(
        "batch",
        region_name=REGION,
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )

    @set_initial_no_auth_action_count(0)
    def as_stopper() -> tuple[dict[str, Any], dict[str, Any]]:
        allowed = stopper.terminate_jobs(jobs=[UNKNOWN], reason="r")
        denied = stopper.cancel_jobs(jobs=[UNKNOWN, "other"], reason="r")
        return answer(allowed), answer(denied)

    allowed, denied = as_stopper()
    assert allowed == {"successful": [UNKNOWN], "errors": []}
    message = (
        "User: arn:aws:iam::123456789012:user/stopper is not authorized to perform: batch:CancelJob"
    )
    assert denied == {
        "successful": [],
        "errors": [
            {"job": UNKNOWN, "code": "AccessDenied", "message": message},
            {"job": "other", "code": "AccessDenied", "message": message},
        ],
    }
