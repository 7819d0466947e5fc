"""Accounts and regions are separate worlds; mock_aws and /moto-api/reset wipe them all.

moto picks the account of a request from ``MOTO_ACCOUNT_ID``, else the ``x-moto-account-id``
header, else the access key (STS credentials of an assumed role belong to the role's
account). Everything this package stores (environments, queues, jobs, quota shares,
quota-share policies, tags, client tokens) lives per account and region.

(The ListServiceJobs tokens of another queue, status, filter, account or region are refused
in ``test_list_service_jobs.py``; the transition fixture's own reset in
``test_plugin_fixtures.py``.)
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.batch.models import batch_backends

from moto_batch_service import service_job_backends
from tests.conftest import ACCOUNT, PAYLOAD, REGION, answer_body, client_error, client_of
from tests.store_snapshot import snapshot

pytest_plugins = ["pytester"]

OTHER_ACCOUNT = "111122223333"
THIRD_ACCOUNT = "444455556666"
OTHER_REGION = "eu-west-1"
FIFO = {"idleResourceAssignmentStrategy": "FIFO"}
LIMITS = [{"maxCapacity": 4, "capacityUnit": "NUM_INSTANCES"}]
quota_shares = pytest.mark.requires_operation("CreateQuotaShare")


def batch_client(
    account: str = ACCOUNT, region: str = REGION, endpoint: str | None = None, **credentials: Any
) -> Any:
    """A batch client whose requests name ``account`` in the ``x-moto-account-id`` header."""
    return client_of("batch", account, region, endpoint_url=endpoint, **credentials)


def arn(kind_and_name: str, account: str = ACCOUNT, region: str = REGION) -> str:
    return f"arn:aws:batch:{region}:{account}:{kind_and_name}"


def raw_request(region: str, account: str, operation: str, **body: Any) -> Any:
    """A request sent without botocore (under mock_aws, ``requests`` reaches moto too)."""
    return requests.post(
        f"https://batch.{region}.amazonaws.com/v1/{operation}",
        json=body,
        headers={"x-moto-account-id": account},
        timeout=30,
    )


def refused(call: Any, **request: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as exc_info:
        call(**request)
    return client_error(exc_info)


def not_found(message: str) -> tuple[str, str, int]:
    return ("ClientException", message, 400)


def build(batch: Any) -> dict[str, str]:
    """An environment, a queue and a job, all tagged; their ARNs."""
    env = batch.create_service_environment(
        serviceEnvironmentName="env",
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=LIMITS,
        tags={"owner": "me"},
    )["serviceEnvironmentArn"]
    queue = batch.create_job_queue(
        jobQueueName="queue",
        priority=1,
        jobQueueType="SAGEMAKER_TRAINING",
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "env"}],
        tags={"owner": "me"},
    )["jobQueueArn"]
    job = batch.submit_service_job(
        jobName="job",
        jobQueue="queue",
        serviceJobType="SAGEMAKER_TRAINING",
        serviceRequestPayload=PAYLOAD,
        clientToken="token",
        tags={"owner": "me"},
    )
    return {"env": env, "queue": queue, "job": job["jobArn"], "job_id": job["jobId"]}


def build_quota(batch: Any) -> dict[str, str]:
    """A quota-share policy, a queue under it on its own instance-type environment and an
    ENABLED quota share; the policy's and the share's ARNs."""
    policy = batch.create_scheduling_policy(name="quota-policy", quotaSharePolicy=FIFO)["arn"]
    batch.create_service_environment(
        serviceEnvironmentName="quota-env",
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=[{"maxCapacity": 4, "capacityUnit": "ml.m5.large"}],
    )
    batch.create_job_queue(
        jobQueueName="quota",
        priority=1,
        jobQueueType="SAGEMAKER_TRAINING",
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "quota-env"}],
        schedulingPolicyArn=policy,
    )
    share = batch.create_quota_share(
        quotaShareName="share",
        jobQueue="quota",
        capacityLimits=[{"maxCapacity": 2, "capacityUnit": "ml.m5.large"}],
        resourceSharingConfiguration={"strategy": "RESERVE"},
        preemptionConfiguration={"inSharePreemption": "DISABLED"},
        tags={"owner": "me"},
    )["quotaShareArn"]
    return {"policy": policy, "share": share}


@pytest.fixture
def mocked() -> Any:
    with mock_aws():
        yield


ELSEWHERE = pytest.mark.parametrize(
    "account, region",
    [(OTHER_ACCOUNT, REGION), (ACCOUNT, OTHER_REGION), (OTHER_ACCOUNT, OTHER_REGION)],
    ids=["other-account", "other-region", "other-account-and-region"],
)


# -- how moto picks the account ---------------------------------------------------------------


def environments_by_account() -> dict[str, list[str]]:
    return {
        account: sorted(service_job_backends[account][REGION].environments)
        for account in (ACCOUNT, OTHER_ACCOUNT, THIRD_ACCOUNT)
    }


def test_the_x_moto_account_id_header_picks_the_account(mocked):
    batch_client(OTHER_ACCOUNT).create_service_environment(
        serviceEnvironmentName="env",
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=LIMITS,
    )

    assert environments_by_account() == {ACCOUNT: [], OTHER_ACCOUNT: ["env"], THIRD_ACCOUNT: []}


def test_the_moto_account_id_variable_overrides_the_header(mocked, monkeypatch):
    monkeypatch.setenv("MOTO_ACCOUNT_ID", THIRD_ACCOUNT)

    batch_client(OTHER_ACCOUNT).create_service_environment(
        serviceEnvironmentName="env",
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=LIMITS,
    )

    assert environments_by_account() == {ACCOUNT: [], OTHER_ACCOUNT: [], THIRD_ACCOUNT: ["env"]}


def test_credentials_of_an_assumed_role_act_in_the_role_account(mocked):
    credentials = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn=f"arn:aws:iam::{THIRD_ACCOUNT}:role/trainer", RoleSessionName="training"
    )["Credentials"]
    batch = batch_client(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )

    created = batch.create_service_environment(
        serviceEnvironmentName="env",
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=LIMITS,
    )

    assert created["serviceEnvironmentArn"] == arn("service-environment/env", THIRD_ACCOUNT)
    assert environments_by_account() == {ACCOUNT: [], OTHER_ACCOUNT: [], THIRD_ACCOUNT: ["env"]}


# -- nothing of one account or region is visible from another ---------------------------------


@ELSEWHERE
def test_resources_of_another_account_or_region_cannot_be_read(mocked, account, region):
    mine = build(batch_client())
    other = batch_client(account, region)

    assert other.describe_service_environments()["serviceEnvironments"] == []
    assert (
        other.describe_service_environments(serviceEnvironments=["env", mine["env"]])[
            "serviceEnvironments"
        ]
        == []
    )
    assert other.describe_job_queues()["jobQueues"] == []
    assert other.describe_job_queues(jobQueues=["queue", mine["queue"]])["jobQueues"] == []
    for queue in ("queue", mine["queue"]):
        assert refused(other.list_service_jobs, jobQueue=queue) == not_found(
            f"JobQueue {queue} not found."
        )
        assert refused(other.get_job_queue_snapshot, jobQueue=queue) == not_found(
            f"JobQueue {queue} not found."
        )
    for job in (mine["job_id"], mine["job"]):
        assert refused(other.describe_service_job, jobId=job) == not_found(f"Job {job} not found")
    for resource in (mine["env"], mine["job"]):
        assert refused(other.list_tags_for_resource, resourceArn=resource) == not_found(
            f"Resource {resource} not found"
        )
    assert other.list_tags_for_resource(resourceArn=mine["queue"])["tags"] == {}


@ELSEWHERE
def test_resources_of_another_account_or_region_cannot_be_changed(mocked, account, region):
    mine = build(batch_client())
    before = snapshot()
    other = batch_client(account, region)
    job, env = mine["job_id"], mine["env"]

    assert refused(other.terminate_service_job, jobId=job, reason="x") == not_found(
        f"Job {job} not found"
    )
    # UpdateServiceJob and the bulk TerminateServiceJobs as raw requests: older botocore
    # models lack them.
    update = raw_request(region, account, "updateservicejob", jobId=job, schedulingPriority=9)
    assert (update.status_code, answer_body(update.json())) == (
        400,
        {"__type": "ClientException", "message": f"Job {job} not found"},
    )
    assert refused(other.update_service_environment, serviceEnvironment=env, state="DISABLED") == (
        not_found(f"Service environment {env} does not exist")
    )
    assert refused(other.delete_service_environment, serviceEnvironment=env) == not_found(
        f"Service environment {env} does not exist"
    )
    assert refused(other.tag_resource, resourceArn=mine["job"], tags={"k": "v"}) == not_found(
        f"Resource {mine['job']} not found"
    )
    assert refused(other.untag_resource, resourceArn=env, tagKeys=["owner"]) == not_found(
        f"Resource {env} not found"
    )
    assert refused(
        other.submit_service_job,
        jobName="job",
        jobQueue=mine["queue"],
        serviceJobType="SAGEMAKER_TRAINING",
        serviceRequestPayload=PAYLOAD,
    ) == not_found(f"JobQueue {mine['queue']} not found.")
    other.delete_job_queue(jobQueue=mine["queue"])  # moto's answer for a queue it lacks: none
    # The bulk TerminateServiceJobs reports an unknown job ID as successful, as AWS does, and
    # an ARN of another account or region as no service job ARN (of this account and region).
    bulk = raw_request(region, account, "terminateservicejobs", jobs=[job, mine["job"]], reason="x")
    assert (bulk.status_code, answer_body(bulk.json())) == (
        200,
        {
            "successful": [job],
            "errors": [
                {
                    "job": mine["job"],
                    "code": "ValidationException",
                    "message": f"{mine['job']} is not a service job ID or ARN",
                }
            ],
        },
    )

    assert snapshot() == before


@ELSEWHERE
def test_the_same_names_and_client_token_make_separate_resources(mocked, account, region):
    mine = build(batch_client())
    theirs = build(batch_client(account, region))

    assert theirs["env"] == arn("service-environment/env", account, region)
    assert theirs["queue"] == arn("job-queue/queue", account, region)
    assert theirs["job"] == arn(f"service-job/{theirs['job_id']}", account, region)
    assert theirs["job_id"] != mine["job_id"]  # the same clientToken, another account/region
    assert list(service_job_backends[ACCOUNT][REGION].jobs) == [mine["job_id"]]
    assert list(service_job_backends[account][region].jobs) == [theirs["job_id"]]
    for batch, ids in ((batch_client(), mine), (batch_client(account, region), theirs)):
        listed = batch.list_service_jobs(
            jobQueue="queue", filters=[{"name": "JOB_NAME", "values": ["*"]}]
        )["jobSummaryList"]
        assert [summary["jobArn"] for summary in listed] == [ids["job"]]
        assert batch.list_tags_for_resource(resourceArn=ids["job"])["tags"] == {"owner": "me"}


@quota_shares
@ELSEWHERE
def test_quota_shares_and_quota_policies_of_another_account_or_region_are_invisible(
    mocked, account, region
):
    build(batch_client())
    mine = build_quota(batch_client())
    before = snapshot()
    other = batch_client(account, region)
    share, policy = mine["share"], mine["policy"]

    assert refused(other.list_quota_shares, jobQueue="quota") == not_found(
        "JobQueue quota not found."
    )
    assert refused(other.describe_quota_share, quotaShareArn=share) == not_found(
        f"Quota share {share} does not exist"
    )
    assert refused(other.update_quota_share, quotaShareArn=share, state="DISABLED") == not_found(
        f"Quota share {share} does not exist"
    )
    assert refused(other.delete_quota_share, quotaShareArn=share) == not_found(
        f"Quota share {share} does not exist"
    )
    assert refused(other.list_tags_for_resource, resourceArn=share) == not_found(
        f"Resource {share} not found"
    )
    assert other.describe_scheduling_policies(arns=[policy])["schedulingPolicies"] == []
    assert service_job_backends[account][region].quota_policies == {}

    assert snapshot() == before


# -- tokens of another account or region --------------------------------------------------------


def create_environments(batch: Any, prefix: str, count: int) -> None:
    for i in range(count):
        batch.create_service_environment(
            serviceEnvironmentName=f"{prefix}-{i}",
            serviceEnvironmentType="SAGEMAKER_TRAINING",
            capacityLimits=LIMITS,
        )


ENV_TOKEN_REFUSED = not_found(
    "Invalid nextToken: it was issued for a different request "
    "(another list of service environments)"
)


@ELSEWHERE
def test_a_describe_service_environments_token_is_refused_in_another_account_or_region(
    mocked, account, region
):
    create_environments(batch_client(), "mine", 3)
    other = batch_client(account, region)
    create_environments(other, "theirs", 3)
    token = batch_client().describe_service_environments(maxResults=1)["nextToken"]

    assert refused(other.describe_service_environments, maxResults=1, nextToken=token) == (
        ENV_TOKEN_REFUSED
    )


def test_a_describe_service_environments_token_is_refused_for_another_selection(mocked):
    batch = batch_client()
    create_environments(batch, "env", 4)
    token = batch.describe_service_environments(
        serviceEnvironments=["env-0", "env-1", "env-2"], maxResults=1
    )["nextToken"]

    assert refused(batch.describe_service_environments, maxResults=1, nextToken=token) == (
        ENV_TOKEN_REFUSED
    )
    assert (
        refused(
            batch.describe_service_environments,
            serviceEnvironments=["env-0", "env-3"],
            maxResults=1,
            nextToken=token,
        )
        == ENV_TOKEN_REFUSED
    )


@quota_shares
@ELSEWHERE
def test_a_list_quota_shares_token_is_refused_in_another_account_or_region(mocked, account, region):
    batches = [batch_client(), batch_client(account, region)]
    for batch in batches:
        build(batch)
        build_quota(batch)
        batch.create_quota_share(
            quotaShareName="second",
            jobQueue="quota",
            capacityLimits=[{"maxCapacity": 1, "capacityUnit": "ml.m5.large"}],
            resourceSharingConfiguration={"strategy": "RESERVE"},
            preemptionConfiguration={"inSharePreemption": "DISABLED"},
        )
    token = batches[0].list_quota_shares(jobQueue="quota", maxResults=1)["nextToken"]

    assert refused(batches[1].list_quota_shares, jobQueue="quota", nextToken=token) == not_found(
        "Invalid nextToken: it was issued for a different request (another job queue)"
    )


# -- mock_aws and /moto-api/reset wipe every account and region ---------------------------------

PLACES = [(ACCOUNT, REGION), (OTHER_ACCOUNT, REGION), (ACCOUNT, OTHER_REGION)]


def build_everywhere(endpoint: str | None = None) -> dict[tuple[str, str], dict[str, str]]:
    built = {}
    for account, region in PLACES:
        batch = batch_client(account, region, endpoint)
        built[(account, region)] = build(batch)
        if "CreateQuotaShare" in batch.meta.service_model.operation_names:
            build_quota(batch)
    return built


def stored(account: str, region: str) -> dict[str, Any]:
    """What the package and moto's batch keep for ``account``/``region``."""
    state = snapshot(account, region)
    moto_batch = batch_backends[account][region]
    return {
        "environments": state["environments"],
        "queues": state["queues"],
        "jobs": state["jobs"],
        "quota_shares": state["quota_shares"],
        "quota_policies": state["quota_policies"],
        "client_tokens": state["client_tokens"],
        "moto_scheduling_policies": moto_batch.list_scheduling_policies(),
        "moto_tags": moto_batch.list_tags_for_resource(arn("job-queue/queue", account, region)),
    }


EMPTY = {
    "environments": {},
    "queues": {},
    "jobs": {},
    "quota_shares": {},
    "quota_policies": {},
    "client_tokens": {},
    "moto_scheduling_policies": [],
    "moto_tags": {},
}


def resubmit(batch: Any) -> str:
    """Submit again with the client token ``build`` used."""
    batch.create_service_environment(
        serviceEnvironmentName="env",
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=LIMITS,
    )
    batch.create_job_queue(
        jobQueueName="queue",
        priority=1,
        jobQueueType="SAGEMAKER_TRAINING",
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "env"}],
    )
    return batch.submit_service_job(  # type: ignore[no-any-return]
        jobName="job",
        jobQueue="queue",
        serviceJobType="SAGEMAKER_TRAINING",
        serviceRequestPayload=PAYLOAD,
        clientToken="token",
        tags={"owner": "me"},
    )["jobArn"]


def test_a_new_mock_aws_starts_every_account_and_region_empty():
    with mock_aws():
        built = build_everywhere()
        assert [stored(*place)["jobs"] != {} for place in PLACES] == [True] * len(PLACES)

    with mock_aws():
        assert [stored(*place) for place in PLACES] == [EMPTY] * len(PLACES)
        again = resubmit(batch_client(OTHER_ACCOUNT))  # the client token is forgotten too
        assert again != built[(OTHER_ACCOUNT, REGION)]["job"]


def test_moto_api_reset_empties_every_account_and_region_under_mock_aws(mocked):
    built = build_everywhere()

    requests.post("http://motoapi.amazonaws.com/moto-api/reset", timeout=30).raise_for_status()

    assert [stored(*place) for place in PLACES] == [EMPTY] * len(PLACES)
    assert resubmit(batch_client(ACCOUNT, OTHER_REGION)) != built[(ACCOUNT, OTHER_REGION)]["job"]


def test_moto_api_reset_empties_every_account_and_region_of_the_server(moto_batch_endpoint):
    built = build_everywhere(moto_batch_endpoint)
    credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}

    requests.post(f"{moto_batch_endpoint}/moto-api/reset", timeout=30).raise_for_status()

    assert [stored(*place) for place in PLACES] == [EMPTY] * len(PLACES)
    for (account, region), ids in built.items():
        batch = batch_client(account, region, moto_batch_endpoint, **credentials)
        assert batch.describe_service_environments()["serviceEnvironments"] == []
        assert batch.describe_job_queues()["jobQueues"] == []
        assert refused(batch.describe_service_job, jobId=ids["job_id"]) == not_found(
            f"Job {ids['job_id']} not found"
        )


# -- a transition set through the fixture stays in its test, on the server too -----------------


def test_a_transition_set_by_the_fixture_does_not_reach_the_next_server_test(pytester):
    pytester.makepyfile(
        test_inner="""
        import boto3

        def client(endpoint):
            return boto3.client(
                "batch",
                endpoint_url=endpoint,
                region_name="us-east-1",
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
            )

        def submit(endpoint):
            batch = client(endpoint)
            batch.create_service_environment(
                serviceEnvironmentName="env",
                serviceEnvironmentType="SAGEMAKER_TRAINING",
                capacityLimits=[{"maxCapacity": 4, "capacityUnit": "NUM_INSTANCES"}],
            )
            batch.create_job_queue(
                jobQueueName="queue",
                priority=1,
                jobQueueType="SAGEMAKER_TRAINING",
                serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "env"}],
            )
            job = batch.submit_service_job(
                jobName="job",
                jobQueue="queue",
                serviceJobType="SAGEMAKER_TRAINING",
                serviceRequestPayload="{}",
            )
            return [batch.describe_service_job(jobId=job["jobId"])["status"] for _ in range(3)]

        def test_immediate(service_job_transition, moto_batch_endpoint):
            service_job_transition({"progression": "immediate"})
            assert submit(moto_batch_endpoint) == ["SUCCEEDED"] * 3

        def test_immediate_and_failing(service_job_transition, moto_batch_endpoint):
            service_job_transition({"progression": "immediate"})
            assert submit(moto_batch_endpoint) == ["SUCCEEDED"] * 3
            raise AssertionError("this inner test fails on purpose")

        def test_the_next_one_moves_a_step_per_look(moto_batch_endpoint):
            assert submit(moto_batch_endpoint) == ["SUBMITTED", "RUNNABLE", "SCHEDULED"]
        """
    )

    result = pytester.runpytest(
        "-v", "-p", "no:cacheprovider", "-p", "no:benchmark", "-p", "no:hypothesispytest"
    )

    assert result.parseoutcomes() == {"passed": 2, "failed": 1}
    result.stdout.fnmatch_lines(
        [
            "test_inner.py::test_immediate PASSED*",
            "test_inner.py::test_immediate_and_failing FAILED*",
            "test_inner.py::test_the_next_one_moves_a_step_per_look PASSED*",
        ]
    )
