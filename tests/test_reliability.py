"""Hostile and malformed input: deep JSON, huge numbers, bad transitions, pathological globs,
refused creates, sizes and integer ranges, gzip and chunked bodies (docs/reliability.md)."""

from __future__ import annotations

import base64
import gzip
import json
import signal
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.server import create_backend_app

import moto_batch_service as mbs
from moto_batch_service import ServiceEnvironment, ServiceQueue, service_job_backends
from moto_batch_service.rules.outcomes import reason_matches
from moto_batch_service.state.quota import QuotaShare
from tests.conftest import (
    ACCOUNT,
    PAYLOAD,
    REGION,
    SIGNED_FOR_BATCH,
    answer_body,
    client_error,
    make_queue,
    server_client,
    submit,
)
from tests.store_snapshot import snapshot
from tests.test_job_queues import make_container_queue

MODEL = "batch::service_job"
ELLIPSIS = "\u2026"
STEERING = "http://motoapi.amazonaws.com/moto-api/static/batch/service-job-attempts"


def nested(depth: int) -> Any:
    value: Any = []
    for _ in range(depth - 1):
        value = [value]
    return value


def deep(depth: int) -> str:
    """JSON text of lists nested ``depth`` deep (``json.dumps`` cannot write it)."""
    return "[" * depth + "]" * depth


def with_deep(body: dict[str, Any], member: str, depth: int) -> bytes:
    """``body`` as JSON with ``member`` nested ``depth`` deep."""
    return (json.dumps(body)[:-1] + f', "{member}": {deep(depth)}}}').encode()


def _backtracking(signum: int, frame: Any) -> None:
    raise AssertionError("a linear-time step ran for 5 s: it backtracks")


def refusal(message: str) -> tuple[int, dict[str, str]]:
    return 400, {"__type": "ClientException", "message": message}


def answer(response: Any) -> tuple[int, Any]:
    return response.status_code, answer_body(response.get_data())


@pytest.fixture
def app() -> Iterator[Any]:
    """moto's batch app (as the server builds it) inside mock_aws, with queue "queue"."""
    flask_app = create_backend_app("batch")
    flask_app.config["PROPAGATE_EXCEPTIONS"] = True  # a crash fails with its traceback
    with mock_aws():
        make_queue(boto3.client("batch", region_name=REGION), "queue")
        yield flask_app.test_client()


def post(app: Any, operation: str, body: Any, **headers: str) -> Any:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return app.post(f"/v1/{operation}", data=data, headers=headers)


def submission(**members: Any) -> dict[str, Any]:
    return {
        "jobName": "job",
        "jobQueue": "queue",
        "serviceJobType": "SAGEMAKER_TRAINING",
        "serviceRequestPayload": PAYLOAD,
        **members,
    }


@pytest.fixture
def server_queue(moto_batch_endpoint: str) -> str:
    """Queue "queue" on the session's server, freshly reset."""
    return make_queue(server_client(moto_batch_endpoint), "queue")


# -- 1. deep JSON ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "operation, body, named",
    [
        ("listservicejobs", with_deep({"jobQueue": "queue"}, "filters", 1000), "filters"),
        ("submitservicejob", with_deep(submission(), "tags", 1000), "tags"),
        (
            "createjobqueue",
            with_deep({"jobQueueName": "q", "priority": 1}, "serviceEnvironmentOrder", 64),
            "serviceEnvironmentOrder",
        ),
        ("describeservicejob", deep(1000).encode(), "The request body"),
    ],
)
def test_a_request_body_nested_too_deeply_is_refused_naming_the_member(app, operation, body, named):
    before = snapshot()
    response = post(app, operation, body)
    assert answer(response) == refusal(f"{named} is nested more than 64 levels deep")
    assert snapshot() == before


def test_an_unclosed_string_of_escaped_quotes_is_scanned_in_linear_time(app):
    """Measuring the nesting must not backtrack on a string that never closes (the alarm only
    stops a run that would otherwise take hours)."""
    body = b'{"jobQueue": "' + b'\\"' * 200_000 + b"[" * 65
    previous = signal.signal(signal.SIGALRM, _backtracking)
    signal.alarm(5)
    try:
        response = post(app, "listservicejobs", body)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert answer(response) == refusal("The request body is not valid JSON")


def test_a_payload_nested_too_deeply_is_refused_and_stores_nothing(batch, queue):
    with pytest.raises(ClientError) as exc:
        submit(batch, queue, serviceRequestPayload=f'{{"ResourceConfig": {deep(1000)}}}')
    assert client_error(exc) == (
        "ClientException",
        "serviceRequestPayload.ResourceConfig is nested more than 64 levels deep",
        400,
    )
    assert batch.list_service_jobs(jobQueue=queue, jobStatus="SUBMITTED")["jobSummaryList"] == []


def test_a_payload_nested_64_levels_deep_is_accepted(batch, queue):
    payload = json.dumps({"HyperParameters": nested(63)})
    job = submit(batch, queue, serviceRequestPayload=payload)
    assert batch.describe_service_job(jobId=job["jobId"])["serviceRequestPayload"] == payload


def test_a_forged_next_token_nested_deeply_is_refused(batch, queue):
    token = base64.urlsafe_b64encode(deep(1000).encode()).decode()
    with pytest.raises(ClientError) as exc:
        batch.list_service_jobs(jobQueue=queue, nextToken=token)
    assert client_error(exc) == (
        "ClientException",
        f"Invalid nextToken: {token[:99]}{ELLIPSIS}",
        400,
    )


def test_a_seeded_job_with_a_payload_nested_as_deep_as_allowed_has_no_capacity_usage(batch, queue):
    nested = f'{{"TrainingJobName": "deep", "ResourceConfig": {deep(63)}}}'  # 64 levels
    job = mbs.add_service_job(queue, "deep", service_request_payload=nested)
    described = batch.describe_service_job(jobId=job.job_id)
    assert (described["serviceRequestPayload"], "capacityUsage" in described) == (nested, False)


def test_a_steering_body_nested_too_deeply_is_refused(batch, queue):
    job = mbs.add_service_job(queue, "train")
    body = with_deep({"jobId": job.job_id}, "outcomes", 1000)
    response = requests.post(STEERING, data=body, timeout=10)
    assert (response.status_code, answer_body(response.json())) == refusal(
        "outcomes is nested more than 64 levels deep"
    )
    assert job.planned == []


# -- 2. huge numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["BEFORE_CREATED_AT", "AFTER_CREATED_AT"])
@pytest.mark.parametrize("value", ["9" * 4301, str(2**63)])
def test_a_time_filter_past_a_long_is_refused(batch, queue, name, value):
    with pytest.raises(ClientError) as exc:
        batch.list_service_jobs(jobQueue=queue, filters=[{"name": name, "values": [value]}])
    assert client_error(exc) == (
        "ClientException",
        f"Invalid value for filters[0].values ({name}) ('{value[:98]}"
        f"{ELLIPSIS if len(value) > 98 else chr(39)}): it must be a time in epoch milliseconds",
        400,
    )


def test_a_time_filter_with_leading_zeros_is_read_as_its_number(batch, queue):
    job = submit(batch, queue)
    created = batch.describe_service_job(jobId=job["jobId"])["createdAt"]
    value = "0" * 5000 + str(created - 1)
    listed = batch.list_service_jobs(
        jobQueue=queue, filters=[{"name": "AFTER_CREATED_AT", "values": [value]}]
    )
    assert [summary["jobId"] for summary in listed["jobSummaryList"]] == [job["jobId"]]


def test_a_body_with_a_number_of_thousands_of_digits_is_refused(app):
    response = post(
        app, "listservicejobs", b'{"jobQueue": "queue", "maxResults": ' + b"9" * 5000 + b"}"
    )
    assert answer(response) == refusal(
        "The request body holds a 5000-digit number; numbers have at most 1000 digits"
    )


# -- 3. malformed transitions ---------------------------------------------------------------

BAD_TRANSITIONS = [
    ({"progression": "time"}, '"time" progression needs "seconds"'),
    (
        {"progression": "time", "seconds": "5"},
        "\"seconds\" must be a number from 0 to 10000000000, not '5'",
    ),
    (
        {"progression": "time", "seconds": 1e308},
        '"seconds" must be a number from 0 to 10000000000, not 1e+308',
    ),
    ({"progression": "manual"}, '"manual" progression needs "times"'),
    (
        {"progression": "manual", "times": "x"},
        "\"times\" must be a whole number of at least 1, not 'x'",
    ),
    (
        {"progression": "fast"},
        '"progression" must be "immediate", "manual" or "time", not \'fast\'',
    ),
]


def bad_transition(transition: dict[str, Any], problem: str) -> str:
    return (
        f"The transition set for {MODEL} ({transition!r}) is invalid: {problem}. Unset it, or "
        'set {"progression": "immediate"}, {"progression": "manual", "times": N} (N a whole '
        'number, at least 1) or {"progression": "time", "seconds": S} (0 <= S <= 10000000000)'
    )


@pytest.mark.parametrize("transition, problem", BAD_TRANSITIONS)
def test_a_malformed_transition_is_named_by_describe_and_list(
    batch, queue, progression, transition, problem
):
    job = submit(batch, queue)
    progression(transition)
    before = snapshot()
    for call in (
        lambda: batch.describe_service_job(jobId=job["jobId"]),
        lambda: batch.list_service_jobs(jobQueue=queue),
    ):
        with pytest.raises(ClientError) as exc:
            call()
        assert client_error(exc) == ("ClientException", bad_transition(transition, problem), 400)
    assert snapshot() == before


def test_a_malformed_transition_set_over_http_is_named_and_unsetting_it_heals(batch, queue):
    job = submit(batch, queue)
    api = "http://motoapi.amazonaws.com/moto-api/state-manager"
    transition = {"progression": "time", "seconds": "5"}
    try:
        requests.post(
            f"{api}/set-transition",
            json={"model_name": MODEL, "transition": transition},
            timeout=10,
        ).raise_for_status()
        with pytest.raises(ClientError) as exc:
            batch.describe_service_job(jobId=job["jobId"])
        assert client_error(exc)[1] == bad_transition(transition, BAD_TRANSITIONS[1][1])
    finally:
        requests.post(f"{api}/unset-transition", json={"model_name": MODEL}, timeout=10)
    assert batch.describe_service_job(jobId=job["jobId"])["status"] == "SUBMITTED"


def test_a_malformed_transition_set_on_the_server_is_named(moto_batch_endpoint, server_queue):
    batch = server_client(moto_batch_endpoint)
    job = submit(batch, server_queue)
    api = f"{moto_batch_endpoint}/moto-api/state-manager"
    transition = {"progression": "manual", "times": "x"}
    try:
        requests.post(
            f"{api}/set-transition",
            json={"model_name": MODEL, "transition": transition},
            timeout=30,
        ).raise_for_status()
        for call in (
            lambda: batch.describe_service_job(jobId=job["jobId"]),
            lambda: batch.list_service_jobs(jobQueue=server_queue),
        ):
            with pytest.raises(ClientError) as exc:
                call()
            assert client_error(exc) == (
                "ClientException",
                bad_transition(transition, BAD_TRANSITIONS[4][1]),
                400,
            )
    finally:
        requests.post(f"{api}/unset-transition", json={"model_name": MODEL}, timeout=30)


# -- 4. onStatusReason globs in linear time -------------------------------------------------


@pytest.mark.parametrize(
    "pattern, reason, matches",
    [
        ("*", "", True),
        ("Algorithm*", "AlgorithmError: oom", True),
        ("*oom", "AlgorithmError: oom", True),
        ("*Error*oom*", "AlgorithmError: oom", True),
        ("a*a", "a", False),
        ("ab*ba", "aba", False),
        ("*a*b", "ba", False),
        ("exact", "exact", True),
        ("exact", "exactly", False),
        ("*.*", "no dot", False),
        ("a**b", "ab", True),
    ],
)
def test_a_status_reason_glob_matches_as_a_glob(pattern, reason, matches):
    assert reason_matches(pattern, reason) is matches


def test_a_pathological_glob_is_matched_without_backtracking(batch, queue, progression):
    """A regex takes seconds to hours for such a glob (under the backend lock). The alarm only
    stops a run that would otherwise hang: the match itself takes microseconds."""
    rule = {"action": "EXIT", "onStatusReason": "*a" * 12 + "*b"}
    job = submit(batch, queue, retryStrategy={"attempts": 2, "evaluateOnExit": [rule]})
    mbs.plan_service_job_attempts(job["jobId"], mbs.fail_attempt("a" * 80))
    progression({"progression": "immediate"})
    previous = signal.signal(signal.SIGALRM, _backtracking)
    signal.alarm(5)
    try:
        described = batch.describe_service_job(jobId=job["jobId"])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    # The rule does not match (the reason has no "b"), so the failed attempt is retried.
    assert (described["status"], [a["statusReason"] for a in described["attempts"]]) == (
        "SUCCEEDED",
        [
            "Received status from SageMaker: " + "a" * 80,
            "Received status from SageMaker: Training job completed",
        ],
    )


# -- 5. refused creates leave nothing behind ----------------------------------------------

ENV = {
    "serviceEnvironmentName": "env",
    "serviceEnvironmentType": "SAGEMAKER_TRAINING",
    "capacityLimits": [{"maxCapacity": 5, "capacityUnit": "NUM_INSTANCES"}],
}


def tracked() -> tuple[int, int, int]:
    """How many objects of each kind moto keeps (``instances`` before moto 5.1)."""
    kinds = (ServiceEnvironment, ServiceQueue, QuotaShare)
    attribute = (
        "instances_tracked" if hasattr(ServiceEnvironment, "instances_tracked") else "instances"
    )
    return tuple(len(getattr(kind, attribute)) for kind in kinds)  # type: ignore[return-value]


def quota_queue(batch: Any) -> str:
    policy = batch.create_scheduling_policy(
        name="quota-policy", quotaSharePolicy={"idleResourceAssignmentStrategy": "FIFO"}
    )
    batch.create_service_environment(  # a quota-management queue needs instance-type limits
        serviceEnvironmentName="quota-env",
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=[{"maxCapacity": 10, "capacityUnit": "ml.m5.large"}],
    )
    return make_queue(batch, "quota", schedulingPolicyArn=policy["arn"])


def share(batch: Any, queue: str, name: str = "share") -> None:
    batch.create_quota_share(
        quotaShareName=name,
        jobQueue=queue,
        capacityLimits=[{"maxCapacity": 1, "capacityUnit": "ml.m5.large"}],
        resourceSharingConfiguration={"strategy": "RESERVE"},
        preemptionConfiguration={"inSharePreemption": "DISABLED"},
    )


QUOTA = pytest.mark.requires_operation("CreateQuotaShare")
REFUSED_CREATES = [
    pytest.param(lambda batch: batch.create_service_environment(**ENV), id="environment-exists"),
    pytest.param(lambda batch: make_queue(batch, "queue", env="env"), id="queue-exists"),
    pytest.param(
        lambda batch: make_queue(batch, "container", env="env"),
        id="queue-named-like-a-container-queue",
    ),
    pytest.param(lambda batch: share(batch, "quota"), id="share-exists", marks=QUOTA),
    pytest.param(
        lambda batch: share(batch, "queue", "other"), id="share-on-a-fifo-queue", marks=QUOTA
    ),
    pytest.param(
        lambda batch: [share(batch, "quota", f"s{i}") for i in range(21)],
        id="twenty-first-share",
        marks=QUOTA,
    ),
]


@pytest.mark.parametrize("create", REFUSED_CREATES)
def test_a_refused_create_leaves_no_object_in_motos_registry(request, batch, create):
    batch.create_service_environment(**ENV)
    make_queue(batch, "queue", env="env")
    make_container_queue(batch, "container")
    if request.node.get_closest_marker("requires_operation"):  # a quota-share case
        share(batch, quota_queue(batch))
    before = tracked()
    with pytest.raises(ClientError):
        create(batch)
    shares = service_job_backends[ACCOUNT][REGION].quota_shares
    created_shares = max(len(shares) - 1, 0)  # the 20 shares before the 21st
    assert tracked() == (before[0], before[1], before[2] + created_shares)


def test_motos_data_json_lists_only_stored_environments(batch):
    batch.create_service_environment(**ENV)
    for _ in range(3):
        with pytest.raises(ClientError):
            batch.create_service_environment(**ENV)
    data = requests.get("http://motoapi.amazonaws.com/moto-api/data.json", timeout=10).json()
    environments = [env for models in data.values() for env in models.get("ServiceEnvironment", [])]
    assert [env["name"] for env in environments] == ["env"]


# -- 6. sizes and integer ranges ----------------------------------------------------------


def test_a_payload_of_10_kib_is_accepted_and_one_byte_more_is_refused(batch, queue):
    exact = json.dumps({"HyperParameters": {"pad": ""}})
    exact = exact.replace('""', '"' + "x" * (10 * 1024 - len(exact)) + '"')
    assert len(exact) == 10 * 1024
    submit(batch, queue, serviceRequestPayload=exact)
    with pytest.raises(ClientError) as exc:
        submit(batch, queue, name="big", serviceRequestPayload=exact + " ")
    assert client_error(exc) == (
        "ClientException",
        "Invalid value for serviceRequestPayload ('10241 bytes'): it may be at most 10 KiB "
        "(10240 bytes)",
        400,
    )


def test_a_submit_request_over_30_kib_is_refused(app):
    before = snapshot()
    body = json.dumps(submission(padding="x" * (30 * 1024))).encode()
    assert answer(post(app, "submitservicejob", body)) == refusal(
        "The request body is larger than 30 KiB, the most allowed"
    )
    assert snapshot() == before


def test_any_other_request_over_1_mib_is_refused(app):
    body = json.dumps({"jobQueue": "queue", "padding": "x" * (1024 * 1024)}).encode()
    assert answer(post(app, "listservicejobs", body)) == refusal(
        "The request body is larger than 1024 KiB, the most allowed"
    )


INTEGER_MEMBERS = [
    (
        "createserviceenvironment",
        {
            **ENV,
            "serviceEnvironmentName": "e2",
            "capacityLimits": [{"capacityUnit": "NUM_INSTANCES"}],
        },
        ("capacityLimits", 0, "maxCapacity"),
        "capacityLimits[0].maxCapacity",
    ),
    (
        "submitservicejob",
        submission(timeoutConfig={}),
        ("timeoutConfig", "attemptDurationSeconds"),
        "timeoutConfig.attemptDurationSeconds",
    ),
    (
        "submitservicejob",
        submission(preemptionConfiguration={}),
        ("preemptionConfiguration", "preemptionRetriesBeforeTermination"),
        "preemptionConfiguration.preemptionRetriesBeforeTermination",
    ),
    ("submitservicejob", submission(), ("schedulingPriority",), "schedulingPriority"),
    ("listservicejobs", {"jobQueue": "queue"}, ("maxResults",), "maxResults"),
    (
        "createschedulingpolicy",
        {"name": "p", "fairsharePolicy": {}},
        ("fairsharePolicy", "shareDecaySeconds"),
        "fairsharePolicy.shareDecaySeconds",
    ),
    (
        "createjobqueue",
        {
            "jobQueueName": "q2",
            "priority": 1,
            "jobQueueType": "SAGEMAKER_TRAINING",
            "serviceEnvironmentOrder": [{"serviceEnvironment": "queue-env"}],
        },
        ("serviceEnvironmentOrder", 0, "order"),
        "serviceEnvironmentOrder[0].order",
    ),
]


def _put(body: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    body = json.loads(json.dumps(body))
    target: Any = body
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return body


@pytest.mark.parametrize("value", [2**31, 2**63, 1e308, -(2**31) - 1])
@pytest.mark.parametrize(
    "operation, body, path, member", INTEGER_MEMBERS, ids=[m[3] for m in INTEGER_MEMBERS]
)
def test_an_integer_member_outside_32_bits_is_refused(app, operation, body, path, member, value):
    before = snapshot()
    response = post(app, operation, _put(body, path, value))
    shown = str(int(value))
    if len(shown) > 100:
        shown = shown[:99] + ELLIPSIS
    assert answer(response) == refusal(
        f"{member} must be a 32-bit integer (-2147483648 to 2147483647), not {shown}"
    )
    assert snapshot() == before


def test_the_largest_32_bit_integer_is_accepted(batch):
    env = {**ENV, "capacityLimits": [{"maxCapacity": 2**31 - 1, "capacityUnit": "NUM_INSTANCES"}]}
    batch.create_service_environment(**env)
    described = batch.describe_service_environments(serviceEnvironments=["env"])
    assert described["serviceEnvironments"][0]["capacityLimits"] == env["capacityLimits"]


def test_an_error_echoing_a_huge_value_cuts_it(app):
    response = post(
        app, "createserviceenvironment", {**ENV, "serviceEnvironmentName": "n" * 500_000}
    )
    assert answer(response) == refusal(
        f"Invalid value for serviceEnvironmentName ('{'n' * 98}{ELLIPSIS}): it must be 1-128 "
        "characters long and contain only letters, numbers, hyphens (-) and underscores (_)"
    )


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda batch, value: batch.describe_service_job(jobId=value), "Job {} not found"),
        (lambda batch, value: batch.list_service_jobs(jobQueue=value), "JobQueue {} not found."),
        pytest.param(
            lambda batch, value: batch.describe_quota_share(quotaShareArn=value),
            "Quota share {} does not exist",
            marks=pytest.mark.requires_operation("DescribeQuotaShare"),
        ),
    ],
    ids=["job-id", "queue", "quota-share-arn"],
)
def test_an_unknown_identifier_is_echoed_cut(batch, call, message):
    with pytest.raises(ClientError) as exc:
        call(batch, "x" * 20_000)
    assert client_error(exc) == ("ClientException", message.format("x" * 99 + ELLIPSIS), 400)


# -- 7. encodings ---------------------------------------------------------------------------


def _gzip_requests(request: Any, **kwargs: Any) -> None:
    """A botocore ``before-sign`` hook: send the body gzip-encoded, as some SDKs do."""
    request.data = gzip.compress(request.body)
    request.headers["Content-Encoding"] = "gzip"


def test_a_gzip_encoded_request_from_an_sdk_is_answered_under_mock_aws(batch, queue):
    batch.meta.events.register("before-sign.batch.*", _gzip_requests)
    job = submit(batch, queue)
    listed = batch.list_service_jobs(jobQueue=queue, jobStatus="SUBMITTED")
    assert [summary["jobId"] for summary in listed["jobSummaryList"]] == [job["jobId"]]
    queues = batch.describe_job_queues(jobQueues=[queue])["jobQueues"]
    assert [q["jobQueueName"] for q in queues] == [queue]


def bomb(size: int) -> bytes:
    return gzip.compress(b'{"jobQueue": "queue", "pad": "' + b"x" * size + b'"}')


@pytest.mark.parametrize("operation", ["listservicejobs", "describejobqueues"])
def test_a_gzip_bomb_is_refused_under_mock_aws(service_job_backend, operation):
    response = requests.post(
        f"https://batch.{REGION}.amazonaws.com/v1/{operation}",
        data=bomb(10 * 1024 * 1024),
        headers={"Content-Encoding": "gzip"},
        timeout=30,
    )
    assert (response.status_code, answer_body(response.json())) == refusal(
        "The request body is larger than 1024 KiB, the most allowed"
    )


def test_a_body_that_is_not_gzip_is_refused(service_job_backend):
    response = requests.post(
        f"https://batch.{REGION}.amazonaws.com/v1/listservicejobs",
        data=b'{"jobQueue": "queue"}',
        headers={"Content-Encoding": "gzip"},
        timeout=30,
    )
    assert (response.status_code, answer_body(response.json())) == refusal(
        "The request body is not valid gzip"
    )


def test_an_unsupported_content_encoding_is_refused(app):
    response = post(app, "listservicejobs", b'{"jobQueue": "queue"}', **{"Content-Encoding": "br"})
    assert answer(response) == refusal(
        "Content-Encoding 'br' is not supported: send gzip or no encoding"
    )


def test_a_gzip_encoded_request_is_answered_over_the_server(moto_batch_endpoint, server_queue):
    def gzipped(operation: str, body: dict[str, Any]) -> Any:
        response = requests.post(
            f"{moto_batch_endpoint}/v1/{operation}",
            data=gzip.compress(json.dumps(body).encode()),
            headers={**SIGNED_FOR_BATCH, "Content-Encoding": "gzip"},
            timeout=30,
        )
        return response.status_code, answer_body(response.json())

    assert gzipped("listservicejobs", {"jobQueue": "queue"}) == (200, {"jobSummaryList": []})
    status, queues = gzipped("describejobqueues", {"jobQueues": ["queue"]})
    assert (status, [q["jobQueueName"] for q in queues["jobQueues"]]) == (200, ["queue"])


def test_a_gzip_bomb_is_refused_over_the_server(moto_batch_endpoint, server_queue):
    response = requests.post(
        f"{moto_batch_endpoint}/v1/listservicejobs",
        data=bomb(10 * 1024 * 1024),
        headers={**SIGNED_FOR_BATCH, "Content-Encoding": "gzip"},
        timeout=30,
    )
    assert (response.status_code, answer_body(response.json())) == refusal(
        "The request body is larger than 1024 KiB, the most allowed"
    )


def test_a_body_that_is_not_gzip_is_refused_over_the_server(moto_batch_endpoint, server_queue):
    response = requests.post(
        f"{moto_batch_endpoint}/v1/listservicejobs",
        data=b'{"jobQueue": "queue"}',
        headers={**SIGNED_FOR_BATCH, "Content-Encoding": "gzip"},
        timeout=30,
    )
    assert (response.status_code, answer_body(response.json())) == refusal(
        "The request body is not valid gzip"
    )


def test_a_chunked_steering_request_is_read_over_the_server(moto_batch_endpoint, server_queue):
    job = submit(server_client(moto_batch_endpoint), server_queue)
    body = json.dumps({"jobId": job["jobArn"], "outcomes": [{"type": "TIMEOUT"}]}).encode()
    chunks = (body[i : i + 16] for i in range(0, len(body), 16))  # sent chunked
    response = requests.post(
        f"{moto_batch_endpoint}/moto-api/static/batch/service-job-attempts", data=chunks, timeout=30
    )
    assert (response.status_code, answer_body(response.json())) == (201, {})
