"""IAM enforcement (moto's ``set_initial_no_auth_action_count``) with AWS's action names.

A policy names batch actions as AWS spells them (``batch:DescribeServiceJob``); the bulk
TerminateServiceJobs needs ``batch:TerminateServiceJob`` for each job; a refusal is AWS's
JSON error, which botocore reads as code ``AccessDeniedException``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Callable

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count

from moto_batch_service.handlers.iam import action_name
from tests.conftest import ACCOUNT, REGION, client_error, make_queue, submit

USER = f"arn:aws:iam::{ACCOUNT}:user/tester"


def denied(action: str) -> tuple[str, str, int]:
    return (
        "AccessDeniedException",
        f"User: {USER} is not authorized to perform: batch:{action}",
        403,
    )


class Caller:
    """An IAM user whose only policy allows ``actions``; its batch client and a job."""

    def __init__(self, actions: list[str]) -> None:
        admin = boto3.client("batch", region_name=REGION)
        make_queue(admin, "queue")
        self.job_id: str = submit(admin, "queue")["jobId"]
        iam = boto3.client("iam", region_name=REGION)
        iam.create_user(UserName="tester")
        policy = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}],
        }
        iam.put_user_policy(
            UserName="tester", PolicyName="batch", PolicyDocument=json.dumps(policy)
        )
        key = iam.create_access_key(UserName="tester")["AccessKey"]
        self.batch = boto3.client(
            "batch",
            region_name=REGION,
            aws_access_key_id=key["AccessKeyId"],
            aws_secret_access_key=key["SecretAccessKey"],
        )

    def enforced(self, call: Callable[[], Any]) -> Any:
        """Run ``call`` with moto checking every request against IAM."""
        return set_initial_no_auth_action_count(0)(call)()

    def refusal(self, call: Callable[[], Any]) -> tuple[str, str, int]:
        def refused() -> tuple[str, str, int]:
            with pytest.raises(ClientError) as exc_info:
                call()
            return client_error(exc_info)

        return self.enforced(refused)  # type: ignore[no-any-return]


@pytest.fixture
def caller() -> Iterator[Callable[[list[str]], Caller]]:
    with mock_aws():
        yield Caller


def test_a_policy_in_aws_spelling_allows_the_action(caller):
    user = caller(["batch:DescribeServiceJob"])

    described = user.enforced(lambda: user.batch.describe_service_job(jobId=user.job_id))

    assert described["jobId"] == user.job_id


def test_an_action_the_policy_does_not_name_is_refused_as_aws_does(caller):
    user = caller(["batch:DescribeServiceJob"])

    assert user.refusal(lambda: user.batch.list_service_jobs(jobQueue="queue")) == denied(
        "ListServiceJobs"
    )


def test_a_wildcard_policy_allows_what_it_matches(caller):
    user = caller(["batch:List*", "batch:Describe*"])

    listed = user.enforced(lambda: user.batch.list_service_jobs(jobQueue="queue"))
    queues = user.enforced(lambda: user.batch.describe_job_queues(jobQueues=["queue"]))

    assert [job["jobId"] for job in listed["jobSummaryList"]] == []  # the job is SUBMITTED
    assert [queue["jobQueueName"] for queue in queues["jobQueues"]] == ["queue"]


def test_job_queue_operations_are_authorized_by_their_aws_names(caller):
    user = caller(["batch:DescribeJobQueues"])

    assert user.refusal(
        lambda: user.batch.update_job_queue(jobQueue="queue", priority=5)
    ) == denied("UpdateJobQueue")
    assert user.enforced(lambda: user.batch.describe_job_queues())["jobQueues"][0]["priority"] == (
        1
    )


@pytest.mark.parametrize(
    "segment, method, action",
    [
        ("describeservicejob", "POST", "DescribeServiceJob"),
        ("terminateservicejobs", "POST", "TerminateServiceJob"),
        ("createjobqueue", "POST", "CreateJobQueue"),
        ("tags", "GET", "ListTagsForResource"),
        ("tags", "POST", "TagResource"),
        ("tags", "DELETE", "UntagResource"),
    ],
)
def test_the_iam_action_of_each_route_is_aws_s_name(segment, method, action):
    # Tagging is not checked end to end: moto's own signature check refuses every signed
    # request to a /v1/tags/ path (container resources too), before any policy is read.
    assert action_name(segment, method) == action


@pytest.mark.requires_operation("TerminateServiceJobs")
def test_bulk_termination_needs_terminate_service_job(caller):
    user = caller(["batch:TerminateServiceJob", "batch:DescribeServiceJob"])

    answer = user.enforced(
        lambda: user.batch.terminate_service_jobs(jobs=[user.job_id], reason="stop")
    )

    assert (answer["successful"], answer["errors"]) == ([user.job_id], [])
    assert user.enforced(lambda: user.batch.describe_service_job(jobId=user.job_id))["isTerminated"]


@pytest.mark.requires_operation("TerminateServiceJobs")
def test_bulk_termination_without_permission_refuses_each_job(caller):
    user = caller(["batch:DescribeServiceJob"])

    answer = user.enforced(
        lambda: user.batch.terminate_service_jobs(jobs=[user.job_id, "not-a-job"], reason="stop")
    )

    assert answer["successful"] == []
    assert answer["errors"] == [
        {
            "job": user.job_id,
            "code": "AccessDenied",
            "message": denied("TerminateServiceJob")[1],
        },
        {
            "job": "not-a-job",
            "code": "ValidationException",
            "message": "not-a-job is not a service job ID or ARN",
        },
    ]
    assert not user.enforced(lambda: user.batch.describe_service_job(jobId=user.job_id))[
        "isTerminated"
    ]


def test_an_unknown_access_key_is_refused_in_json(caller):
    user = caller(["batch:DescribeServiceJob"])
    stranger = boto3.client(
        "batch",
        region_name=REGION,
        aws_access_key_id="AKIAUNKNOWNUNKNOWN00",
        aws_secret_access_key="x",
    )

    assert user.refusal(lambda: stranger.list_service_jobs(jobQueue="queue")) == (
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
        403,
    )
