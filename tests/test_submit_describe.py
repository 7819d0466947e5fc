"""SubmitServiceJob and DescribeServiceJob: responses, validation, idempotency, lookups."""

from __future__ import annotations

import json
import re
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.server import create_backend_app

import moto_batch_service.state.clock
from tests.conftest import (
    ACCOUNT,
    PAYLOAD,
    REGION,
    answer_body,
    client_error,
    describe,
    make_queue,
    submit,
)

NOW = 1_750_000_000_000
ARN_PREFIX = f"arn:aws:batch:{REGION}:{ACCOUNT}"
JOB_ARN = re.compile(
    rf"^{ARN_PREFIX}:service-job/([0-9a-f]{{8}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{12}})$"
)
TRAINING_JOB_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:training-job/"


def payload(**changes: Any) -> str:
    """PAYLOAD with members replaced (a value of None removes the member)."""
    body = json.loads(PAYLOAD)
    for member, value in changes.items():
        if value is None:
            body.pop(member, None)
        else:
            body[member] = value
    return json.dumps(body)


def stored_jobs(batch: Any, queue: str) -> list[dict[str, Any]]:
    """Every job of ``queue``, whatever its status."""
    return batch.list_service_jobs(  # type: ignore[no-any-return]
        jobQueue=queue, filters=[{"name": "JOB_NAME", "values": ["*"]}]
    )["jobSummaryList"]


def describe_until(batch: Any, job_id: str, status: str) -> dict[str, Any]:
    """Describe a job (each look moves it one step) until it has ``status``."""
    for _ in range(10):
        job = describe(batch, job_id)
        if job["status"] == status:
            return job
    raise AssertionError(f"job {job_id} never reached {status}")


def training_job_name(batch: Any, job_id: str) -> str:
    arn = describe_until(batch, job_id, "SCHEDULED")["latestAttempt"]["serviceResourceId"]["value"]
    assert arn.startswith(TRAINING_JOB_ARN)
    return arn[len(TRAINING_JOB_ARN) :]  # type: ignore[no-any-return]


def queue_arn(name: str) -> str:
    return f"{ARN_PREFIX}:job-queue/{name}"


@pytest.fixture
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> int:
    """Jobs are created at NOW."""
    monkeypatch.setattr(moto_batch_service.state.clock, "now_ms", lambda: NOW)
    return NOW


@pytest.fixture
def fair_share_queue(batch: Any) -> str:
    """The name of a SAGEMAKER_TRAINING queue with a fair-share scheduling policy."""
    policy = batch.create_scheduling_policy(
        name="fair",
        fairsharePolicy={
            "shareDecaySeconds": 0,
            "computeReservation": 0,
            "shareDistribution": [{"shareIdentifier": "teamA", "weightFactor": 1.0}],
        },
    )
    return make_queue(batch, "fair-queue", schedulingPolicyArn=policy["arn"])


def raw_post(operation: str, body: str) -> tuple[int, str | None, dict[str, Any]]:
    """POST ``body`` as is to moto's batch server app: (status, x-amzn-ErrorType, JSON body)."""
    client = create_backend_app("batch").test_client()
    response = client.post(f"/v1/{operation}", data=body)
    return (
        response.status_code,
        response.headers.get("x-amzn-ErrorType"),
        answer_body(response.data),
    )


def raw_submit(queue: str, **members: Any) -> tuple[int, str | None, dict[str, Any]]:
    body = {
        "jobName": "raw",
        "jobQueue": queue,
        "serviceJobType": "SAGEMAKER_TRAINING",
        "serviceRequestPayload": PAYLOAD,
        **members,
    }
    return raw_post("submitservicejob", json.dumps(body))


# -- SubmitServiceJob response ------------------------------------------------------------


def test_submit_returns_service_job_arn_name_and_id(batch, queue):
    response = submit(batch, queue, "my-job")

    match = JOB_ARN.match(response["jobArn"])
    assert match is not None, response["jobArn"]
    assert response["jobId"] == match.group(1)
    assert response["jobName"] == "my-job"


def test_submit_gives_every_job_a_new_id(batch, queue):
    first = submit(batch, queue, "same-name")
    second = submit(batch, queue, "same-name")

    assert first["jobId"] != second["jobId"]
    assert sorted(job["jobId"] for job in stored_jobs(batch, queue)) == sorted(
        [first["jobId"], second["jobId"]]
    )


def test_submit_accepts_the_queue_arn(batch, queue):
    job = submit(batch, queue_arn(queue))

    assert describe(batch, job["jobId"])["jobQueue"] == queue_arn(queue)


def test_submit_to_a_queue_by_arn_and_by_name_lands_in_the_same_queue(batch, queue):
    by_name = submit(batch, queue, "by-name")
    by_arn = submit(batch, queue_arn(queue), "by-arn")

    assert sorted(job["jobId"] for job in stored_jobs(batch, queue)) == sorted(
        [by_name["jobId"], by_arn["jobId"]]
    )


# -- DescribeServiceJob of a fresh submission ----------------------------------------------


def fresh(job: dict[str, Any], name: str, queue: str, now: int, **members: Any) -> dict[str, Any]:
    """DescribeServiceJob of ``job`` (a SubmitServiceJob answer) just submitted as ``name`` to
    ``queue`` at ``now`` with PAYLOAD, with ``members`` added or changed."""
    return {
        "jobId": job["jobId"],
        "jobName": name,
        "jobArn": job["jobArn"],
        "jobQueue": queue_arn(queue),
        "serviceJobType": "SAGEMAKER_TRAINING",
        "status": "SUBMITTED",
        "createdAt": now,
        "isTerminated": False,
        "attempts": [],
        "tags": {},
        "serviceRequestPayload": PAYLOAD,
        "capacityUsage": [{"capacityUnit": "ml.m5.xlarge", "quantity": 1.0}],
        **members,
    }


@pytest.mark.requires_botocore_member("DescribeServiceJobResponse", "capacityUsage")
@pytest.mark.parametrize("identifier", ["jobId", "jobArn"])
def test_describe_fresh_job_by_id_or_arn_gives_the_whole_submitted_job(
    batch, queue, fixed_now, identifier
):
    job = submit(batch, queue, "fresh")

    assert describe(batch, job[identifier]) == fresh(job, "fresh", queue, fixed_now)


@pytest.mark.requires_botocore_member("SubmitServiceJobRequest", "preemptionConfiguration")
def test_describe_echoes_every_optional_member_that_was_submitted(batch, queue, fixed_now):
    job = submit(
        batch,
        queue,
        "options",
        retryStrategy={"attempts": 3},
        timeoutConfig={"attemptDurationSeconds": 3600},
        schedulingPriority=7,
        preemptionConfiguration={"preemptionRetriesBeforeTermination": 2},
        tags={"team": "vision", "cost-centre": "42"},
    )

    assert describe(batch, job["jobId"]) == fresh(
        job,
        "options",
        queue,
        fixed_now,
        tags={"team": "vision", "cost-centre": "42"},
        retryStrategy={"attempts": 3, "evaluateOnExit": []},
        timeoutConfig={"attemptDurationSeconds": 3600},
        schedulingPriority=7,
        preemptionConfiguration={"preemptionRetriesBeforeTermination": 2},
    )


def test_describe_echoes_evaluate_on_exit_rules(batch, queue):
    rules = [
        {
            "action": "RETRY",
            "onStatusReason": "Received status from SageMaker:InternalServerError*",
        },
        {"action": "EXIT", "onStatusReason": "*"},
    ]
    job = submit(batch, queue, retryStrategy={"attempts": 2, "evaluateOnExit": rules})

    assert describe(batch, job["jobId"])["retryStrategy"] == {
        "attempts": 2,
        "evaluateOnExit": rules,
    }


def test_describe_of_a_fair_share_job_carries_its_share_identifier(batch, fair_share_queue):
    job = submit(batch, fair_share_queue, shareIdentifier="teamA", schedulingPriority=0)

    described = describe(batch, job["jobId"])
    assert described["shareIdentifier"] == "teamA"
    assert described["schedulingPriority"] == 0


def test_describe_omits_scheduling_priority_that_was_not_submitted(batch, fair_share_queue):
    job = submit(batch, fair_share_queue, shareIdentifier="teamA")

    assert "schedulingPriority" not in describe(batch, job["jobId"])


def test_describe_keeps_a_payload_byte_for_byte(batch, queue):
    text = (
        '{ "TrainingJobName" : "spaced",\n'
        '  "ResourceConfig": {"InstanceType": "ml.g5.xlarge", "InstanceCount": 1} }'
    )
    job = submit(batch, queue, serviceRequestPayload=text)

    assert describe(batch, job["jobId"])["serviceRequestPayload"] == text


def test_a_payload_that_is_not_json_is_passed_through(batch, queue):
    job = submit(batch, queue, "opaque", serviceRequestPayload="not json at all")

    described = describe(batch, job["jobId"])
    assert described["serviceRequestPayload"] == "not json at all"
    assert "capacityUsage" not in described


# -- capacityUsage ------------------------------------------------------------------------


@pytest.mark.requires_botocore_member("DescribeServiceJobResponse", "capacityUsage")
def test_capacity_usage_is_the_instance_count_of_the_payload(batch, queue):
    job = submit(
        batch,
        queue,
        serviceRequestPayload=payload(
            ResourceConfig={
                "InstanceType": "ml.p4d.24xlarge",
                "InstanceCount": 4,
                "VolumeSizeInGB": 50,
            }
        ),
    )

    assert describe(batch, job["jobId"])["capacityUsage"] == [
        {"capacityUnit": "ml.p4d.24xlarge", "quantity": 4.0}
    ]


@pytest.mark.requires_botocore_member("DescribeServiceJobResponse", "capacityUsage")
def test_capacity_usage_of_instance_groups_is_summed_per_instance_type(batch, queue):
    groups = [
        {"InstanceGroupName": "gpu-1", "InstanceType": "ml.p4d.24xlarge", "InstanceCount": 2},
        {"InstanceGroupName": "cpu", "InstanceType": "ml.c5.xlarge", "InstanceCount": 1},
        {"InstanceGroupName": "gpu-2", "InstanceType": "ml.p4d.24xlarge", "InstanceCount": 3},
    ]
    job = submit(
        batch,
        queue,
        serviceRequestPayload=payload(
            ResourceConfig={"InstanceGroups": groups, "VolumeSizeInGB": 30}
        ),
    )

    usage = describe(batch, job["jobId"])["capacityUsage"]
    assert sorted(usage, key=lambda entry: entry["capacityUnit"]) == [
        {"capacityUnit": "ml.c5.xlarge", "quantity": 1.0},
        {"capacityUnit": "ml.p4d.24xlarge", "quantity": 5.0},
    ]


def test_no_capacity_usage_without_a_resource_config(batch, queue):
    job = submit(batch, queue, serviceRequestPayload=payload(ResourceConfig=None))

    assert "capacityUsage" not in describe(batch, job["jobId"])


# -- training-job name --------------------------------------------------------------------


def test_training_job_is_named_after_the_payload_training_job_name(batch, queue):
    job = submit(batch, queue, "batch-name")

    assert re.fullmatch(r"AWSBatchmy-training[0-9a-f]{32}", training_job_name(batch, job["jobId"]))


def test_long_training_job_names_are_cut_to_63_characters(batch, queue):
    long_name = "a-very-long-training-job-name-" + "x" * 33
    assert len(long_name) == 63
    job = submit(batch, queue, serviceRequestPayload=payload(TrainingJobName=long_name))

    name = training_job_name(batch, job["jobId"])
    assert len(name) == 63
    assert re.fullmatch(r"AWSBatcha-very-long-training-jo[0-9a-f]{32}", name)


def test_training_job_is_named_after_the_job_name_without_a_training_job_name(batch, queue):
    job = submit(batch, queue, "from-job-name", serviceRequestPayload=payload(TrainingJobName=None))

    assert re.fullmatch(
        r"AWSBatchfrom-job-name[0-9a-f]{32}", training_job_name(batch, job["jobId"])
    )


def test_each_job_gets_its_own_training_job(batch, queue):
    first = submit(batch, queue, "one")
    second = submit(batch, queue, "two")

    assert training_job_name(batch, first["jobId"]) != training_job_name(batch, second["jobId"])


# -- validation ---------------------------------------------------------------------------

INVALID_SUBMISSIONS = [
    pytest.param(
        {"name": "bad name!"},
        "Invalid value for jobName ('bad name!'): it must be 1-128 characters long and contain "
        "only letters, numbers, hyphens (-) and underscores (_)",
        id="job-name-characters",
    ),
    pytest.param(
        {"name": "n" * 129},
        f"Invalid value for jobName ('{'n' * 98}\u2026): it must be 1-128 characters long and "
        "contain only letters, numbers, hyphens (-) and underscores (_)",
        id="job-name-length",
    ),
    pytest.param({"name": ""}, "jobName must be provided", id="job-name-empty"),
    pytest.param(
        {"serviceRequestPayload": ""}, "serviceRequestPayload must be provided", id="empty-payload"
    ),
    pytest.param(
        {"retryStrategy": {"attempts": 0}},
        "Invalid value for retryStrategy.attempts (0): it must be between 1 and 10",
        id="attempts-0",
    ),
    pytest.param(
        {"retryStrategy": {"attempts": 11}},
        "Invalid value for retryStrategy.attempts (11): it must be between 1 and 10",
        id="attempts-11",
    ),
    pytest.param(
        {
            "retryStrategy": {
                "attempts": 2,
                "evaluateOnExit": [
                    {"action": "EXIT", "onStatusReason": f"r{i}*"} for i in range(6)
                ],
            }
        },
        "Invalid value for retryStrategy.evaluateOnExit ('6 entries'): at most 5 are allowed",
        id="six-evaluate-on-exit",
    ),
    pytest.param(
        {"retryStrategy": {"attempts": 2, "evaluateOnExit": [{"action": "RESTART"}]}},
        "retryStrategy.evaluateOnExit[0].action RESTART must be one of RETRY | EXIT",
        id="bad-action",
    ),
    pytest.param(
        {
            "retryStrategy": {
                "attempts": 2,
                "evaluateOnExit": [{"action": "EXIT", "onStatusReason": "r" * 513}],
            }
        },
        f"Invalid value for retryStrategy.evaluateOnExit[0].onStatusReason ('{'r' * 98}\u2026): "
        "it must be at most 512 printable characters",
        id="status-reason-513",
    ),
    pytest.param(
        {"schedulingPriority": -1},
        "Invalid value for schedulingPriority (-1): it must be between 0 and 9999",
        id="priority-negative",
    ),
    pytest.param(
        {"schedulingPriority": 10000},
        "Invalid value for schedulingPriority (10000): it must be between 0 and 9999",
        id="priority-10000",
    ),
    pytest.param(
        {"timeoutConfig": {"attemptDurationSeconds": 59}},
        "Invalid value for timeoutConfig.attemptDurationSeconds (59): it must be at least 60",
        id="timeout-59",
    ),
    pytest.param(
        {"preemptionConfiguration": {"preemptionRetriesBeforeTermination": -1}},
        "Invalid value for preemptionConfiguration.preemptionRetriesBeforeTermination (-1): "
        "it must be at least 0",
        marks=pytest.mark.requires_botocore_member(
            "SubmitServiceJobRequest", "preemptionConfiguration"
        ),
        id="preemption-retries-negative",
    ),
    pytest.param(
        {"tags": {"aws:owner": "me"}},
        "Invalid value for tags ('aws:owner'): tag keys starting with 'aws:' are reserved",
        id="tag-aws-prefix",
    ),
    pytest.param(
        {"tags": {"AWS:Owner": "me"}},
        "Invalid value for tags ('AWS:Owner'): tag keys starting with 'aws:' are reserved",
        id="tag-aws-prefix-upper-case",
    ),
    pytest.param(
        {"tags": {f"key{i}": "value" for i in range(51)}},
        "Invalid value for tags ('51 tags'): at most 50 tags are allowed",
        id="51-tags",
    ),
    pytest.param(
        {"shareIdentifier": "teamA"},
        "shareIdentifier cannot be used: job queue queue has no fair-share scheduling policy",
        id="share-identifier-on-fifo-queue",
    ),
    pytest.param(
        {"quotaShareName": "teamA"},
        "quotaShareName cannot be used: job queue queue has no quota-share policy",
        marks=pytest.mark.requires_botocore_member("SubmitServiceJobRequest", "quotaShareName"),
        id="quota-share-without-quota-policy",
    ),
]


@pytest.mark.parametrize(("members", "message"), INVALID_SUBMISSIONS)
def test_invalid_submission_is_refused_and_stores_nothing(batch, queue, members, message):
    members = dict(members)
    name = members.pop("name", "job")
    with pytest.raises(ClientError) as exc:
        submit(batch, queue, name, **members)

    assert client_error(exc) == ("ClientException", message, 400)
    assert stored_jobs(batch, queue) == []


def test_at_most_50_tags_are_accepted(batch, queue):
    tags = {f"key{i}": "value" for i in range(50)}
    job = submit(batch, queue, tags=tags)

    assert describe(batch, job["jobId"])["tags"] == tags


def test_five_evaluate_on_exit_rules_and_512_character_reasons_are_accepted(batch, queue):
    rules = [{"action": "EXIT", "onStatusReason": f"{i}" * 512} for i in range(5)]
    job = submit(batch, queue, retryStrategy={"attempts": 10, "evaluateOnExit": rules})

    assert describe(batch, job["jobId"])["retryStrategy"] == {
        "attempts": 10,
        "evaluateOnExit": rules,
    }


@pytest.mark.parametrize("priority", [0, 9999])
def test_scheduling_priority_bounds_are_accepted(batch, queue, priority):
    job = submit(batch, queue, schedulingPriority=priority)

    assert describe(batch, job["jobId"])["schedulingPriority"] == priority


def test_a_sixty_second_timeout_is_accepted(batch, queue):
    job = submit(batch, queue, timeoutConfig={"attemptDurationSeconds": 60})

    assert describe(batch, job["jobId"])["timeoutConfig"] == {"attemptDurationSeconds": 60}


@pytest.mark.parametrize("action", ["retry", "Retry", "exit"])
def test_evaluate_on_exit_action_is_case_insensitive(batch, queue, action):
    job = submit(
        batch,
        queue,
        retryStrategy={
            "attempts": 2,
            "evaluateOnExit": [{"action": action, "onStatusReason": "*"}],
        },
    )

    rules = describe(batch, job["jobId"])["retryStrategy"]["evaluateOnExit"]
    assert rules == [{"action": action.upper(), "onStatusReason": "*"}]


def test_wrong_service_job_type_is_refused(batch, queue):
    with pytest.raises(ClientError) as exc:
        batch.submit_service_job(
            jobName="job",
            jobQueue=queue,
            serviceJobType="BOGUS",
            serviceRequestPayload=PAYLOAD,
        )

    assert client_error(exc) == (
        "ClientException",
        "serviceJobType BOGUS must be one of SAGEMAKER_TRAINING",
        400,
    )
    assert stored_jobs(batch, queue) == []


@pytest.mark.parametrize("identifier", ["nowhere", queue_arn("nowhere")])
def test_submit_to_an_unknown_queue_is_refused(batch, queue, identifier):
    with pytest.raises(ClientError) as exc:
        submit(batch, identifier)

    assert client_error(exc) == ("ClientException", f"JobQueue {identifier} not found.", 400)
    assert stored_jobs(batch, queue) == []


def test_submit_to_a_container_queue_is_refused(batch, queue, container_queue):
    with pytest.raises(ClientError) as exc:
        submit(batch, container_queue)

    assert client_error(exc) == (
        "ClientException",
        "Job queue container-queue is not of type SAGEMAKER_TRAINING; "
        "service jobs can only be submitted to SAGEMAKER_TRAINING job queues",
        400,
    )
    assert (
        batch.list_service_jobs(jobQueue=container_queue, jobStatus="SUBMITTED")["jobSummaryList"]
        == []
    )


def test_submit_to_a_disabled_queue_is_refused(batch, queue):
    batch.update_job_queue(jobQueue=queue, state="DISABLED")

    with pytest.raises(ClientError) as exc:
        submit(batch, queue)

    assert client_error(exc) == (
        "ClientException",
        "Job queue queue is DISABLED and accepts no new jobs",
        400,
    )
    assert stored_jobs(batch, queue) == []


def test_fair_share_queue_requires_a_share_identifier(batch, fair_share_queue):
    with pytest.raises(ClientError) as exc:
        submit(batch, fair_share_queue)

    assert client_error(exc) == (
        "ClientException",
        "shareIdentifier must be provided: job queue fair-queue has a fair-share scheduling policy",
        400,
    )
    assert stored_jobs(batch, fair_share_queue) == []


def test_fair_share_queue_accepts_a_job_with_a_share_identifier(batch, fair_share_queue):
    job = submit(batch, fair_share_queue, shareIdentifier="teamA")

    assert [j["jobId"] for j in stored_jobs(batch, fair_share_queue)] == [job["jobId"]]


# -- clientToken --------------------------------------------------------------------------


def test_same_client_token_and_request_returns_the_first_job(batch, queue):
    first = submit(batch, queue, "once", clientToken="token-1", schedulingPriority=3)
    again = submit(batch, queue, "once", clientToken="token-1", schedulingPriority=3)

    assert again["jobId"] == first["jobId"]
    assert again["jobArn"] == first["jobArn"]
    assert again["jobName"] == "once"
    assert [job["jobId"] for job in stored_jobs(batch, queue)] == [first["jobId"]]


def test_same_client_token_with_a_different_request_is_refused(batch, queue):
    first = submit(batch, queue, "once", clientToken="token-1")

    with pytest.raises(ClientError) as exc:
        submit(batch, queue, "twice", clientToken="token-1")

    assert client_error(exc) == (
        "ClientException",
        "clientToken token-1 was already used for a different request",
        400,
    )
    assert [job["jobId"] for job in stored_jobs(batch, queue)] == [first["jobId"]]


def test_different_client_tokens_make_different_jobs(batch, queue):
    first = submit(batch, queue, "same", clientToken="token-1")
    second = submit(batch, queue, "same", clientToken="token-2")

    assert first["jobId"] != second["jobId"]
    assert len(stored_jobs(batch, queue)) == 2


# -- wrong JSON types (raw HTTP; botocore would refuse to send them) ------------------------


@pytest.mark.parametrize(
    ("members", "message"),
    [
        pytest.param(
            {"schedulingPriority": "high"},
            "schedulingPriority must be an integer, not str ('high')",
            id="priority-string",
        ),
        pytest.param(
            {"schedulingPriority": True},
            "schedulingPriority must be an integer, not bool (True)",
            id="priority-bool",
        ),
        pytest.param(
            {"tags": ["team", "vision"]},
            "tags must be an object, not list (['team', 'vision'])",
            id="tags-list",
        ),
        pytest.param(
            {"tags": {"team": 7}}, "tags.team must be a string, not int (7)", id="tag-value-int"
        ),
        pytest.param({"jobName": 42}, "jobName must be a string, not int (42)", id="job-name-int"),
        pytest.param(
            {"retryStrategy": {"attempts": "3"}},
            "retryStrategy.attempts must be an integer, not str ('3')",
            id="attempts-string",
        ),
        pytest.param(
            {"retryStrategy": [3]},
            "retryStrategy must be an object, not list ([3])",
            id="retry-strategy-list",
        ),
        pytest.param(
            {"serviceRequestPayload": {"TrainingJobName": "x"}},
            "serviceRequestPayload must be a string, not dict ({'TrainingJobName': 'x'})",
            id="payload-object",
        ),
    ],
)
def test_member_of_the_wrong_json_type_is_a_client_exception(batch, queue, members, message):
    assert raw_submit(queue, **members) == (
        400,
        "ClientException",
        {"__type": "ClientException", "message": message},
    )
    assert stored_jobs(batch, queue) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param("not json", "The request body is not valid JSON", id="not-json"),
        pytest.param("[1, 2]", "The request body must be a JSON object", id="json-list"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_a_client_exception(batch, queue, body, message):
    assert raw_post("submitservicejob", body) == (
        400,
        "ClientException",
        {"__type": "ClientException", "message": message},
    )
    assert stored_jobs(batch, queue) == []


def test_describe_with_a_job_id_of_the_wrong_type_is_a_client_exception(batch, queue):
    assert raw_post("describeservicejob", json.dumps({"jobId": 5})) == (
        400,
        "ClientException",
        {"__type": "ClientException", "message": "jobId must be a string, not int (5)"},
    )


# -- DescribeServiceJob of jobs that do not exist -------------------------------------------


def test_describe_unknown_job_id_is_refused(batch, queue):
    unknown = "0b6c1c3e-4f6e-4a8e-9d3e-0d8c2b8e7a11"
    with pytest.raises(ClientError) as exc:
        batch.describe_service_job(jobId=unknown)

    assert client_error(exc) == ("ClientException", f"Job {unknown} not found", 400)


def test_describe_unknown_job_arn_is_refused(batch, queue):
    unknown = f"{ARN_PREFIX}:service-job/0b6c1c3e-4f6e-4a8e-9d3e-0d8c2b8e7a11"
    with pytest.raises(ClientError) as exc:
        batch.describe_service_job(jobId=unknown)

    assert client_error(exc) == ("ClientException", f"Job {unknown} not found", 400)


def test_a_container_job_arn_is_not_a_service_job(batch, queue):
    job = submit(batch, queue)
    container_arn = f"{ARN_PREFIX}:job/{job['jobId']}"

    with pytest.raises(ClientError) as exc:
        batch.describe_service_job(jobId=container_arn)

    assert client_error(exc) == ("ClientException", f"Job {container_arn} not found", 400)


def test_a_service_job_arn_of_another_region_is_not_found(batch, queue):
    job = submit(batch, queue)
    elsewhere = job["jobArn"].replace(f":{REGION}:", ":eu-west-1:")

    with pytest.raises(ClientError) as exc:
        batch.describe_service_job(jobId=elsewhere)

    assert client_error(exc) == ("ClientException", f"Job {elsewhere} not found", 400)


def test_jobs_of_one_region_are_invisible_from_another(batch, queue):
    job = submit(batch, queue)
    other = boto3.client("batch", region_name="eu-west-1")

    with pytest.raises(ClientError) as exc:
        other.describe_service_job(jobId=job["jobId"])

    assert client_error(exc) == ("ClientException", f"Job {job['jobId']} not found", 400)
