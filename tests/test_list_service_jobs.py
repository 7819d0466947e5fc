"""ListServiceJobs: status selection, filters, ordering, queues, errors, pagination, summaries."""

from __future__ import annotations

import base64
import itertools
import json
from typing import Any, NamedTuple
from unittest.mock import patch

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import given, settings
from hypothesis import strategies as st
from moto import mock_aws

import moto_batch_service.state.listing as listing_module
from moto_batch_service import add_service_job, service_job_backends, set_service_job_status
from tests import shape_check
from tests.conftest import (
    ACCOUNT,
    PAYLOAD,
    REGION,
    client_error,
    make_queue,
    make_quota_queue,
    submit,
)

STATUSES = [
    "SUBMITTED",
    "PENDING",
    "RUNNABLE",
    "SCHEDULED",
    "STARTING",
    "RUNNING",
    "SUCCEEDED",
    "FAILED",
]
STATUS_CHOICES = " | ".join(STATUSES)
FILTER_CHOICES = (
    "JOB_NAME | BEFORE_CREATED_AT | AFTER_CREATED_AT | SHARE_IDENTIFIER | QUOTA_SHARE_NAME | "
    "JOB_STATUS"
)
TOKEN_FOR_OTHER_REQUEST = (
    "Invalid nextToken: it was issued for a different request (another job queue, status or filter)"
)
T0 = 1_700_000_000_000  # epoch ms: the seeded jobs are created from here on
# Quota shares (and the quotaSharePolicy member) exist from botocore 1.42.51 on.
QUOTA_SHARES = pytest.mark.requires_operation("CreateQuotaShare")
OTHER_ACCOUNT = "111122223333"
OTHER_REGION = "us-west-2"


def ids(response: dict[str, Any]) -> list[str]:
    return [summary["jobId"] for summary in response["jobSummaryList"]]


def raw_listing(batch: Any, **request: Any) -> dict[str, Any]:
    """The JSON body of one ListServiceJobs answer, before botocore drops members it lacks."""
    bodies: list[bytes] = []

    def keep(response_dict: dict[str, Any], **_: Any) -> None:
        bodies.append(response_dict["body"])

    batch.meta.events.register("before-parse.batch.ListServiceJobs", keep, unique_id="raw")
    try:
        batch.list_service_jobs(**request)
    finally:
        batch.meta.events.unregister("before-parse.batch.ListServiceJobs", unique_id="raw")
    return json.loads(bodies[0])  # type: ignore[no-any-return]


def one_filter(name: str, value: str) -> list[dict[str, Any]]:
    return [{"name": name, "values": [value]}]


def list_every_page(batch: Any, **request: Any) -> list[dict[str, Any]]:
    """Every page of a listing (from ``nextToken`` if given), following nextToken."""
    pages = [batch.list_service_jobs(**request)]
    while "nextToken" in pages[-1]:
        request["nextToken"] = pages[-1]["nextToken"]
        pages.append(batch.list_service_jobs(**request))
    return pages


def refused(batch: Any, **request: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as exc_info:
        batch.list_service_jobs(**request)
    return client_error(exc_info)


def bad_request(message: str) -> tuple[str, str, int]:
    return ("ClientException", message, 400)


def seed_one_per_status(queue: str) -> dict[str, str]:
    """One seeded job per status, named after it; returns status -> jobId."""
    return {
        status: add_service_job(
            queue, status.lower(), status=status, created_at=T0 + 1_000 + i
        ).job_id
        for i, status in enumerate(STATUSES)
    }


def make_container_queue(name: str) -> str:
    """An ECS job queue on an UNMANAGED compute environment, created through moto's own batch."""
    iam = boto3.client("iam", region_name=REGION)
    role = iam.create_role(RoleName="batch-service-role", AssumeRolePolicyDocument="{}")["Role"]
    batch = boto3.client("batch", region_name=REGION)
    environment = batch.create_compute_environment(
        computeEnvironmentName=f"{name}-env", type="UNMANAGED", serviceRole=role["Arn"]
    )
    created = batch.create_job_queue(
        jobQueueName=name,
        priority=1,
        state="ENABLED",
        computeEnvironmentOrder=[
            {"order": 1, "computeEnvironment": environment["computeEnvironmentArn"]}
        ],
    )
    return created["jobQueueArn"]  # type: ignore[no-any-return]


@pytest.fixture
def quota_queue(batch: Any) -> str:
    """A quota-management queue "quota" with the quota shares team-a, TEAM-A, team-ab, team-b."""
    shares = ("team-a", "TEAM-A", "team-ab", "team-b")
    return make_quota_queue(batch, 4, dict.fromkeys(shares, "ENABLED"))


def training_attempt(job: Any) -> dict[str, Any]:
    return {"serviceResourceId": {"name": "TrainingJobArn", "value": job.training_job_arn}}


def test_listing_responses_go_through_the_shape_check(batch, queue):
    add_service_job(queue, "job", status="RUNNING")
    shape_check.checked.clear()

    batch.list_service_jobs(jobQueue=queue)

    assert shape_check.checked == ["ListServiceJobs"]


# -- which statuses are returned ------------------------------------------------------------


def test_without_status_or_filter_only_running_jobs_are_listed(batch, queue):
    jobs = seed_one_per_status(queue)

    listed = batch.list_service_jobs(jobQueue=queue)

    assert ids(listed) == [jobs["RUNNING"]]


@pytest.mark.parametrize("status", STATUSES)
def test_job_status_lists_only_jobs_in_that_status(batch, queue, status):
    jobs = seed_one_per_status(queue)

    listed = batch.list_service_jobs(jobQueue=queue, jobStatus=status)

    assert ids(listed) == [jobs[status]]


def test_scheduled_jobs_are_listed_under_scheduled(batch, queue):
    first = add_service_job(queue, "first", status="SCHEDULED", created_at=T0 + 1_000)
    second = add_service_job(queue, "second", status="SCHEDULED", created_at=T0 + 2_000)
    add_service_job(queue, "starting", status="STARTING", created_at=T0 + 3_000)

    listed = batch.list_service_jobs(jobQueue=queue, jobStatus="SCHEDULED")

    assert ids(listed) == [second.job_id, first.job_id]


def test_status_with_no_jobs_gives_an_empty_list(batch, queue):
    add_service_job(queue, "running", status="RUNNING")

    listed = batch.list_service_jobs(jobQueue=queue, jobStatus="FAILED")

    assert listed["jobSummaryList"] == []
    assert "nextToken" not in listed


def test_empty_filter_list_counts_as_no_filter(batch, queue):
    jobs = seed_one_per_status(queue)

    listed = batch.list_service_jobs(jobQueue=queue, filters=[])

    assert ids(listed) == [jobs["RUNNING"]]


# -- JOB_NAME -------------------------------------------------------------------------------


def test_job_name_filter_matches_the_whole_name_ignoring_case(batch, queue):
    upper = add_service_job(queue, "Test1", status="RUNNING", created_at=T0 + 1_000)
    lower = add_service_job(queue, "test1", status="RUNNING", created_at=T0 + 2_000)
    add_service_job(queue, "test10", status="RUNNING", created_at=T0 + 3_000)
    add_service_job(queue, "test", status="RUNNING", created_at=T0 + 4_000)

    listed = batch.list_service_jobs(jobQueue=queue, filters=one_filter("JOB_NAME", "TEST1"))

    assert ids(listed) == [lower.job_id, upper.job_id]


def test_job_name_filter_with_trailing_star_matches_a_prefix_ignoring_case(batch, queue):
    exact = add_service_job(queue, "test1", status="RUNNING", created_at=T0 + 1_000)
    longer = add_service_job(queue, "Test10", status="RUNNING", created_at=T0 + 2_000)
    add_service_job(queue, "test2", status="RUNNING", created_at=T0 + 3_000)
    add_service_job(queue, "my-test1", status="RUNNING", created_at=T0 + 4_000)

    listed = batch.list_service_jobs(jobQueue=queue, filters=one_filter("JOB_NAME", "tEsT1*"))

    assert ids(listed) == [longer.job_id, exact.job_id]


def test_job_name_filter_star_alone_matches_every_job(batch, queue):
    jobs = [
        add_service_job(queue, name, status="RUNNING", created_at=T0 + 1_000 * (i + 1))
        for i, name in enumerate(["alpha", "Beta", "gamma_1"])
    ]

    listed = batch.list_service_jobs(jobQueue=queue, filters=one_filter("JOB_NAME", "*"))

    assert ids(listed) == [job.job_id for job in reversed(jobs)]


def test_job_name_filter_star_in_the_middle_is_literal(batch, queue):
    add_service_job(queue, "abc", status="RUNNING")
    add_service_job(queue, "a-long-c", status="RUNNING")

    listed = batch.list_service_jobs(jobQueue=queue, filters=one_filter("JOB_NAME", "a*c"))

    assert listed["jobSummaryList"] == []


def test_job_name_filter_star_before_the_trailing_star_is_literal(batch, queue):
    add_service_job(queue, "abc", status="RUNNING")

    listed = batch.list_service_jobs(jobQueue=queue, filters=one_filter("JOB_NAME", "a*b*"))

    assert listed["jobSummaryList"] == []


def test_job_name_filter_returns_jobs_of_every_status(batch, queue):
    jobs = {
        status: add_service_job(queue, "same", status=status, created_at=T0 + 1_000 + i).job_id
        for i, status in enumerate(STATUSES)
    }
    add_service_job(queue, "other", status="RUNNING", created_at=T0 + 5_000)

    listed = batch.list_service_jobs(jobQueue=queue, filters=one_filter("JOB_NAME", "same"))

    assert ids(listed) == [jobs[status] for status in reversed(STATUSES)]


def test_job_name_filter_ignores_job_status(batch, queue):
    running = add_service_job(queue, "train", status="RUNNING", created_at=T0 + 1_000)
    failed = add_service_job(queue, "train", status="FAILED", created_at=T0 + 2_000)

    listed = batch.list_service_jobs(
        jobQueue=queue, jobStatus="SUCCEEDED", filters=one_filter("JOB_NAME", "train")
    )

    assert ids(listed) == [failed.job_id, running.job_id]


# -- BEFORE_CREATED_AT / AFTER_CREATED_AT ---------------------------------------------------


def test_before_created_at_keeps_strictly_older_jobs(batch, queue):
    older = add_service_job(queue, "older", status="SUCCEEDED", created_at=T0 + 1_000)
    oldest = add_service_job(queue, "oldest", status="RUNNING", created_at=T0 + 500)
    add_service_job(queue, "at-the-limit", status="RUNNING", created_at=T0 + 2_000)
    add_service_job(queue, "newer", status="RUNNING", created_at=T0 + 3_000)

    listed = batch.list_service_jobs(
        jobQueue=queue, filters=one_filter("BEFORE_CREATED_AT", str(T0 + 2_000))
    )

    assert ids(listed) == [older.job_id, oldest.job_id]


def test_after_created_at_keeps_strictly_newer_jobs(batch, queue):
    add_service_job(queue, "older", status="RUNNING", created_at=T0 + 1_000)
    add_service_job(queue, "at-the-limit", status="RUNNING", created_at=T0 + 2_000)
    newer = add_service_job(queue, "newer", status="FAILED", created_at=T0 + 2_001)
    newest = add_service_job(queue, "newest", status="SUBMITTED", created_at=T0 + 3_000)

    listed = batch.list_service_jobs(
        jobQueue=queue, filters=one_filter("AFTER_CREATED_AT", str(T0 + 2_000))
    )

    assert ids(listed) == [newest.job_id, newer.job_id]


def test_created_at_filters_ignore_job_status(batch, queue):
    failed = add_service_job(queue, "failed", status="FAILED", created_at=T0 + 1_000)
    submitted = add_service_job(queue, "submitted", status="SUBMITTED", created_at=T0 + 2_000)

    listed = batch.list_service_jobs(
        jobQueue=queue, jobStatus="RUNNING", filters=one_filter("AFTER_CREATED_AT", str(T0))
    )

    assert ids(listed) == [submitted.job_id, failed.job_id]


@pytest.mark.parametrize("name", ["BEFORE_CREATED_AT", "AFTER_CREATED_AT"])
@pytest.mark.parametrize(
    "value", ["yesterday", "1.5", "-1", " 12", "1e3", "\u00b2", "\uff11\uff12"]
)
def test_created_at_filter_refuses_a_value_that_is_not_epoch_milliseconds(
    batch, queue, name, value
):
    assert refused(batch, jobQueue=queue, filters=one_filter(name, value)) == bad_request(
        f"Invalid value for filters[0].values ({name}) ({value!r}): "
        "it must be a time in epoch milliseconds"
    )


# -- SHARE_IDENTIFIER / QUOTA_SHARE_NAME ----------------------------------------------------


class ShareFilter(NamedTuple):
    name: str  # the filter
    queue: str  # the fixture of a queue where jobs have such shares
    seeded_as: str  # add_service_job's keyword
    value: str
    other_case: str
    longer: str
    other: str
    status: str  # a status other than RUNNING to combine with


SHARE_FILTERS = [
    pytest.param(
        ShareFilter(
            "SHARE_IDENTIFIER",
            "fair_queue",
            "share_identifier",
            "blue",
            "Blue",
            "blue2",
            "red",
            "RUNNABLE",
        ),
        id="share-identifier",
    ),
    pytest.param(
        ShareFilter(
            "QUOTA_SHARE_NAME",
            "quota_queue",
            "quota_share_name",
            "team-a",
            "TEAM-A",
            "team-ab",
            "team-b",
            "SUCCEEDED",
        ),
        id="quota-share-name",
        marks=QUOTA_SHARES,
    ),
]


def seed_share(queue: str, name: str, share: ShareFilter, value: str, status: str, at: int) -> Any:
    return add_service_job(
        queue, name, status=status, created_at=T0 + at, **{share.seeded_as: value}
    )


@pytest.mark.parametrize("share", SHARE_FILTERS)
def test_share_filter_matches_exactly_and_case_sensitively(batch, request, share):
    queue = request.getfixturevalue(share.queue)
    wanted = seed_share(queue, "a", share, share.value, "RUNNING", 1_000)
    seed_share(queue, "b", share, share.other_case, "RUNNING", 2_000)
    seed_share(queue, "c", share, share.longer, "RUNNING", 3_000)
    seed_share(queue, "d", share, share.other, "RUNNING", 4_000)

    listed = batch.list_service_jobs(
        jobQueue=queue, jobStatus="RUNNING", filters=one_filter(share.name, share.value)
    )

    assert ids(listed) == [wanted.job_id]


@pytest.mark.parametrize("share", SHARE_FILTERS)
def test_share_filter_combines_with_job_status(batch, request, share):
    queue = request.getfixturevalue(share.queue)
    seed_share(queue, "a", share, share.value, "RUNNING", 1_000)
    wanted = seed_share(queue, "b", share, share.value, share.status, 2_000)
    seed_share(queue, "c", share, share.other, share.status, 3_000)

    listed = batch.list_service_jobs(
        jobQueue=queue, jobStatus=share.status, filters=one_filter(share.name, share.value)
    )

    assert ids(listed) == [wanted.job_id]


@pytest.mark.parametrize("share", SHARE_FILTERS)
def test_share_filter_without_job_status_returns_every_status(batch, request, share):
    queue = request.getfixturevalue(share.queue)
    jobs = [
        seed_share(queue, "j", share, share.value, status, 1_000 + i)
        for i, status in enumerate(STATUSES)
    ]
    seed_share(queue, "other", share, share.other, "RUNNING", 9_000)

    listed = batch.list_service_jobs(jobQueue=queue, filters=one_filter(share.name, share.value))

    assert ids(listed) == [job.job_id for job in reversed(jobs)]


# -- legacy JOB_STATUS ----------------------------------------------------------------------


@pytest.mark.parametrize("status", ["SUBMITTED", "SCHEDULED", "FAILED"])
def test_legacy_job_status_filter_selects_that_status(batch, queue, status):
    jobs = seed_one_per_status(queue)

    listed = batch.list_service_jobs(jobQueue=queue, filters=one_filter("JOB_STATUS", status))

    assert ids(listed) == [jobs[status]]


def test_legacy_job_status_filter_refuses_an_unknown_status(batch, queue):
    assert refused(batch, jobQueue=queue, filters=one_filter("JOB_STATUS", "DONE")) == bad_request(
        f"filters[0].values DONE must be one of {STATUS_CHOICES}"
    )


# -- ordering -------------------------------------------------------------------------------


def test_jobs_are_ordered_newest_created_first(batch, queue):
    middle = add_service_job(queue, "middle", status="RUNNING", created_at=T0 + 2_000)
    newest = add_service_job(queue, "newest", status="RUNNING", created_at=T0 + 3_000)
    oldest = add_service_job(queue, "oldest", status="RUNNING", created_at=T0 + 1_000)

    listed = batch.list_service_jobs(jobQueue=queue)

    assert ids(listed) == [newest.job_id, middle.job_id, oldest.job_id]


def test_jobs_created_at_the_same_time_list_the_last_inserted_first(batch, queue):
    first = add_service_job(queue, "first", status="RUNNING", created_at=T0 + 2_000)
    second = add_service_job(queue, "second", status="RUNNING", created_at=T0 + 2_000)
    older = add_service_job(queue, "older", status="RUNNING", created_at=T0 + 1_000)
    third = add_service_job(queue, "third", status="RUNNING", created_at=T0 + 2_000)

    listed = batch.list_service_jobs(jobQueue=queue)

    assert ids(listed) == [third.job_id, second.job_id, first.job_id, older.job_id]


def test_filtered_jobs_are_ordered_newest_created_first(batch, queue):
    newer = add_service_job(queue, "train", status="FAILED", created_at=T0 + 5_000)
    older = add_service_job(queue, "train", status="RUNNING", created_at=T0 + 1_000)
    newest = add_service_job(queue, "train", status="SUBMITTED", created_at=T0 + 9_000)

    listed = batch.list_service_jobs(jobQueue=queue, filters=one_filter("JOB_NAME", "train"))

    assert ids(listed) == [newest.job_id, newer.job_id, older.job_id]


# -- the queue ------------------------------------------------------------------------------


def test_queue_by_name_and_by_arn_list_the_same_jobs(batch, queue):
    older = add_service_job(queue, "older", status="RUNNING", created_at=T0 + 1_000)
    newer = add_service_job(queue, "newer", status="RUNNING", created_at=T0 + 2_000)
    arn = batch.describe_job_queues(jobQueues=[queue])["jobQueues"][0]["jobQueueArn"]

    by_name = batch.list_service_jobs(jobQueue=queue)
    by_arn = batch.list_service_jobs(jobQueue=arn)

    assert arn == f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/{queue}"
    assert ids(by_name) == [newer.job_id, older.job_id]
    assert by_arn["jobSummaryList"] == by_name["jobSummaryList"]


def test_jobs_of_other_queues_are_not_listed(batch, queue):
    make_queue(batch, "other")
    mine = add_service_job(queue, "mine", status="RUNNING")
    add_service_job("other", "theirs", status="RUNNING")

    listed = batch.list_service_jobs(jobQueue=queue)

    assert ids(listed) == [mine.job_id]


def test_unknown_queue_name_is_refused(batch, queue):
    assert refused(batch, jobQueue="nope") == bad_request("JobQueue nope not found.")


def test_unknown_queue_arn_is_refused(batch, queue):
    arn = f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/nope"

    assert refused(batch, jobQueue=arn) == bad_request(f"JobQueue {arn} not found.")


def test_queue_arn_of_another_region_is_refused(batch, queue):
    arn = f"arn:aws:batch:{OTHER_REGION}:{ACCOUNT}:job-queue/{queue}"

    assert refused(batch, jobQueue=arn) == bad_request(f"JobQueue {arn} not found.")


def test_missing_job_queue_is_refused(batch, queue):
    assert refused(batch, jobStatus="RUNNING") == bad_request("jobQueue must be provided")


def test_container_queue_lists_no_service_jobs(batch, queue):
    arn = make_container_queue("ecs-queue")

    by_name = batch.list_service_jobs(jobQueue="ecs-queue")
    by_arn = batch.list_service_jobs(jobQueue=arn, jobStatus="SUCCEEDED")
    filtered = batch.list_service_jobs(jobQueue="ecs-queue", filters=one_filter("JOB_NAME", "*"))

    assert by_name["jobSummaryList"] == []
    assert by_arn["jobSummaryList"] == []
    assert filtered["jobSummaryList"] == []
    assert "nextToken" not in by_name


def test_container_queue_still_validates_the_request(batch, queue):
    make_container_queue("ecs-queue")

    assert refused(batch, jobQueue="ecs-queue", jobStatus="DONE") == bad_request(
        f"jobStatus DONE must be one of {STATUS_CHOICES}"
    )


# -- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("max_results", [0, 101, -1])
def test_max_results_outside_1_to_100_is_refused(batch, queue, max_results):
    assert refused(batch, jobQueue=queue, maxResults=max_results) == bad_request(
        f"Invalid value for maxResults ({max_results}): it must be between 1 and 100"
    )


@pytest.mark.parametrize("max_results", [1, 100])
def test_max_results_limits_are_accepted(batch, queue, max_results):
    job = add_service_job(queue, "job", status="RUNNING")

    listed = batch.list_service_jobs(jobQueue=queue, maxResults=max_results)

    assert ids(listed) == [job.job_id]


def test_two_filters_are_refused(batch, queue):
    filters = one_filter("JOB_NAME", "a") + one_filter("AFTER_CREATED_AT", "1")

    assert refused(batch, jobQueue=queue, filters=filters) == bad_request(
        "Only one filter key-value pair can be specified."
    )


def test_filter_with_two_values_is_refused(batch, queue):
    filters = [{"name": "JOB_NAME", "values": ["a", "b"]}]

    assert refused(batch, jobQueue=queue, filters=filters) == bad_request(
        "Filter cannot take more than one value."
    )


def test_filter_without_values_is_refused(batch, queue):
    filters = [{"name": "JOB_NAME", "values": []}]

    assert refused(batch, jobQueue=queue, filters=filters) == bad_request(
        "Filter JOB_NAME must have exactly one value."
    )


def test_filter_with_values_left_out_is_refused(batch, queue):
    filters = [{"name": "SHARE_IDENTIFIER"}]

    assert refused(batch, jobQueue=queue, filters=filters) == bad_request(
        "Filter SHARE_IDENTIFIER must have exactly one value."
    )


def test_filter_with_an_empty_string_value_is_refused(batch, queue):
    assert refused(batch, jobQueue=queue, filters=one_filter("JOB_NAME", "")) == bad_request(
        "Invalid value for filters[0].values (JOB_NAME) (''): it must be a non-empty string"
    )


def test_filter_without_a_name_is_refused(batch, queue):
    filters = [{"values": ["a"]}]

    assert refused(batch, jobQueue=queue, filters=filters) == bad_request(
        "filters[0].name must be provided"
    )


@pytest.mark.parametrize("name", ["JOB_ID", "job_name", "CREATED_AT"])
def test_unknown_filter_name_is_refused(batch, queue, name):
    assert refused(batch, jobQueue=queue, filters=one_filter(name, "a")) == bad_request(
        f"filters[0].name {name} must be one of {FILTER_CHOICES}"
    )


@pytest.mark.parametrize("status", ["DONE", "running"])
def test_unknown_job_status_is_refused(batch, queue, status):
    assert refused(batch, jobQueue=queue, jobStatus=status) == bad_request(
        f"jobStatus {status} must be one of {STATUS_CHOICES}"
    )


def test_invalid_job_status_is_refused_even_with_a_filter(batch, queue):
    assert refused(
        batch, jobQueue=queue, jobStatus="DONE", filters=one_filter("JOB_NAME", "a")
    ) == bad_request(f"jobStatus DONE must be one of {STATUS_CHOICES}")


@pytest.mark.parametrize("token", ["garbage", "!!!", "AAAA", "bnVsbA=="])
def test_garbage_next_token_is_refused(batch, queue, token):
    add_service_job(queue, "job", status="RUNNING")

    assert refused(batch, jobQueue=queue, nextToken=token) == bad_request(
        f"Invalid nextToken: {token}"
    )


def test_forged_next_token_is_refused(batch, queue):
    add_service_job(queue, "job", status="RUNNING", created_at=T0 + 1_000)
    forged = base64.urlsafe_b64encode(json.dumps([2_000, 1, "0123456789abcdef"]).encode()).decode()

    assert refused(batch, jobQueue=queue, nextToken=forged) == bad_request(
        f"Invalid nextToken: {forged}"
    )


def decoded(token: str) -> list[Any]:
    return json.loads(base64.urlsafe_b64decode(token))  # type: ignore[no-any-return]


def encoded(parts: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode()


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda parts: [parts[0] + 1, *parts[1:]], id="cursor-time"),
        pytest.param(lambda parts: [parts[0], parts[1] + 1, *parts[2:]], id="cursor-seq"),
        pytest.param(lambda parts: parts[:3], id="no-signature"),
        pytest.param(lambda parts: [*parts[:3], "0" * len(parts[3])], id="other-signature"),
    ],
)
def test_a_token_altered_for_the_same_listing_is_refused(batch, queue, tamper):
    for i in range(3):
        add_service_job(queue, f"job{i}", status="RUNNING", created_at=T0 + 1_000 + i)
    token = batch.list_service_jobs(jobQueue=queue, maxResults=1)["nextToken"]
    altered = encoded(tamper(decoded(token)))

    assert refused(batch, jobQueue=queue, maxResults=1, nextToken=altered) == bad_request(
        f"Invalid nextToken: {altered}"
    )


def test_a_hand_made_token_for_the_same_listing_is_refused(batch, queue):
    for i in range(3):
        add_service_job(queue, f"job{i}", status="RUNNING", created_at=T0 + 1_000 + i)
    fingerprint = decoded(batch.list_service_jobs(jobQueue=queue, maxResults=1)["nextToken"])[2]
    hand_made = encoded([1_001, 10**6, fingerprint])

    assert refused(batch, jobQueue=queue, maxResults=1, nextToken=hand_made) == bad_request(
        f"Invalid nextToken: {hand_made}"
    )


def test_a_token_still_pages_after_other_requests(batch, queue):
    for i in range(3):
        add_service_job(queue, f"job{i}", status="RUNNING", created_at=T0 + 1_000 + i)
    token = batch.list_service_jobs(jobQueue=queue, maxResults=1)["nextToken"]
    batch.describe_service_environments()
    add_service_job(queue, "later", status="RUNNING", created_at=T0 + 5_000)

    page = batch.list_service_jobs(jobQueue=queue, maxResults=2, nextToken=token)

    assert [job["jobName"] for job in page["jobSummaryList"]] == ["job1", "job0"]


def test_truncated_next_token_is_refused(batch, queue):
    for i in range(3):
        add_service_job(queue, f"job{i}", status="RUNNING", created_at=T0 + 1_000 + i)
    token = batch.list_service_jobs(jobQueue=queue, maxResults=1)["nextToken"]
    truncated = token[: len(token) // 2]

    assert refused(batch, jobQueue=queue, nextToken=truncated) == bad_request(
        f"Invalid nextToken: {truncated}"
    )


def seed_two_pages(queue: str, status: str = "RUNNING", **fields: Any) -> None:
    for i in range(3):
        add_service_job(queue, f"job{i}", status=status, created_at=T0 + 1_000 + i, **fields)


# Each misuse: the queue fixture; (queue, status, seeding keywords) of each two pages seeded,
# None for the fixture's queue; the first request; what the request passing on its token
# changes (besides jobQueue the fixture's queue, maxResults 2 and the token).
TOKEN_MISUSES = [
    pytest.param(
        "queue",
        [(None, "RUNNING", {}), ("other", "RUNNING", {})],
        {},
        {"jobQueue": "other"},
        id="another-queue",
    ),
    pytest.param(
        "queue",
        [(None, "RUNNING", {}), (None, "FAILED", {})],
        {"jobStatus": "RUNNING"},
        {"jobStatus": "FAILED"},
        id="another-status",
    ),
    pytest.param(
        "queue", [(None, "FAILED", {})], {"jobStatus": "FAILED"}, {}, id="without-its-status"
    ),
    pytest.param(
        "queue",
        [(None, "RUNNING", {})],
        {"filters": one_filter("JOB_NAME", "job*")},
        {"filters": one_filter("JOB_NAME", "JOB*")},
        id="another-filter-value",
    ),
    pytest.param(
        "fair_queue",
        [(None, "RUNNING", {"share_identifier": "blue"})],
        {"filters": one_filter("SHARE_IDENTIFIER", "blue")},
        {"filters": one_filter("QUOTA_SHARE_NAME", "blue")},
        id="another-filter-name",
    ),
]


@pytest.mark.parametrize(("fixture", "seeds", "first", "then"), TOKEN_MISUSES)
def test_next_token_used_with_another_request_is_refused(
    batch, request, fixture, seeds, first, then
):
    queue = request.getfixturevalue(fixture)
    make_queue(batch, "other")
    for seeded_queue, status, fields in seeds:
        seed_two_pages(seeded_queue or queue, status, **fields)
    token = batch.list_service_jobs(jobQueue=queue, maxResults=2, **first)["nextToken"]

    passed_on = {"jobQueue": queue, "maxResults": 2, **then, "nextToken": token}
    assert refused(batch, **passed_on) == bad_request(TOKEN_FOR_OTHER_REQUEST)


def test_next_token_from_another_account_is_refused(batch, queue, monkeypatch):
    seed_two_pages(queue)
    seed_two_pages(queue, account_id=OTHER_ACCOUNT)
    token = batch.list_service_jobs(jobQueue=queue, maxResults=2)["nextToken"]
    monkeypatch.setenv("MOTO_ACCOUNT_ID", OTHER_ACCOUNT)

    assert refused(batch, jobQueue=queue, maxResults=2, nextToken=token) == bad_request(
        TOKEN_FOR_OTHER_REQUEST
    )


def test_next_token_from_another_region_is_refused(batch, queue):
    seed_two_pages(queue)
    seed_two_pages(queue, region_name=OTHER_REGION)
    token = batch.list_service_jobs(jobQueue=queue, maxResults=2)["nextToken"]
    elsewhere = boto3.client("batch", region_name=OTHER_REGION)

    with pytest.raises(ClientError) as exc_info:
        elsewhere.list_service_jobs(jobQueue=queue, maxResults=2, nextToken=token)

    assert client_error(exc_info) == bad_request(TOKEN_FOR_OTHER_REQUEST)


def test_each_account_lists_only_its_own_jobs(batch, queue, monkeypatch):
    mine = add_service_job(queue, "mine", status="RUNNING")
    theirs = add_service_job(queue, "theirs", status="RUNNING", account_id=OTHER_ACCOUNT)

    in_default_account = batch.list_service_jobs(jobQueue=queue)
    monkeypatch.setenv("MOTO_ACCOUNT_ID", OTHER_ACCOUNT)
    in_other_account = batch.list_service_jobs(jobQueue=queue)

    assert ids(in_default_account) == [mine.job_id]
    assert ids(in_other_account) == [theirs.job_id]
    assert theirs.job_arn.startswith(f"arn:aws:batch:{REGION}:{OTHER_ACCOUNT}:service-job/")


# -- pagination -----------------------------------------------------------------------------


def test_max_results_splits_the_listing_into_pages(batch, queue):
    jobs = [
        add_service_job(queue, f"job{i}", status="RUNNING", created_at=T0 + 1_000 * (i + 1))
        for i in range(5)
    ]
    newest_first = [job.job_id for job in reversed(jobs)]

    pages = list_every_page(batch, jobQueue=queue, maxResults=2)

    assert [ids(page) for page in pages] == [newest_first[0:2], newest_first[2:4], newest_first[4:]]


def test_default_page_size_is_100(batch, queue):
    jobs = [
        add_service_job(queue, f"job{i}", status="RUNNING", created_at=T0 + 1_000 + i)
        for i in range(150)
    ]
    newest_first = [job.job_id for job in reversed(jobs)]

    first = batch.list_service_jobs(jobQueue=queue)
    second = batch.list_service_jobs(jobQueue=queue, nextToken=first["nextToken"])

    assert ids(first) == newest_first[:100]
    assert ids(second) == newest_first[100:]
    assert "nextToken" not in second


def test_last_page_has_no_next_token_key(batch, queue):
    seed_two_pages(queue)

    pages = list_every_page(batch, jobQueue=queue, maxResults=2)

    assert [len(page["jobSummaryList"]) for page in pages] == [2, 1]
    assert "nextToken" in pages[0]
    assert "nextToken" not in pages[1]


def test_exactly_full_last_page_has_no_next_token(batch, queue):
    seed_two_pages(queue)

    listed = batch.list_service_jobs(jobQueue=queue, maxResults=3)

    assert len(listed["jobSummaryList"]) == 3
    assert "nextToken" not in listed


def test_job_summary_list_is_present_when_empty(batch, queue):
    listed = batch.list_service_jobs(jobQueue=queue)

    assert listed["jobSummaryList"] == []
    assert "nextToken" not in listed


def test_page_size_may_change_between_pages(batch, queue):
    jobs = [
        add_service_job(queue, f"job{i}", status="RUNNING", created_at=T0 + 1_000 * (i + 1))
        for i in range(6)
    ]
    newest_first = [job.job_id for job in reversed(jobs)]

    first = batch.list_service_jobs(jobQueue=queue, maxResults=2)
    second = batch.list_service_jobs(jobQueue=queue, maxResults=4, nextToken=first["nextToken"])

    assert ids(first) == newest_first[:2]
    assert ids(second) == newest_first[2:]
    assert "nextToken" not in second


def test_next_token_from_a_queue_name_works_with_its_arn(batch, queue):
    jobs = [
        add_service_job(queue, f"job{i}", status="RUNNING", created_at=T0 + 1_000 * (i + 1))
        for i in range(3)
    ]
    arn = jobs[0].job_queue

    first = batch.list_service_jobs(jobQueue=queue, maxResults=2)
    second = batch.list_service_jobs(jobQueue=arn, maxResults=2, nextToken=first["nextToken"])

    assert ids(second) == [jobs[0].job_id]


def test_pages_split_jobs_created_at_the_same_time(batch, queue):
    jobs = [
        add_service_job(queue, f"job{i}", status="RUNNING", created_at=T0 + 5_000) for i in range(5)
    ]

    pages = list_every_page(batch, jobQueue=queue, maxResults=2)

    assert [job_id for page in pages for job_id in ids(page)] == [
        job.job_id for job in reversed(jobs)
    ]


def test_next_token_keeps_working_when_jobs_are_added_between_pages(batch, queue):
    jobs = [
        add_service_job(queue, f"job{i}", status="RUNNING", created_at=T0 + 1_000 * (i + 1))
        for i in range(4)
    ]
    first = batch.list_service_jobs(jobQueue=queue, maxResults=2)
    add_service_job(queue, "newest", status="RUNNING", created_at=T0 + 9_000)
    add_service_job(queue, "newer", status="RUNNING", created_at=T0 + 3_500)
    older = add_service_job(queue, "older", status="RUNNING", created_at=T0 + 1_500)

    rest = list_every_page(batch, jobQueue=queue, maxResults=2, nextToken=first["nextToken"])

    assert ids(first) == [jobs[3].job_id, jobs[2].job_id]
    assert [job_id for page in rest for job_id in ids(page)] == [
        jobs[1].job_id,
        older.job_id,
        jobs[0].job_id,
    ]


def test_next_token_keeps_working_when_listed_jobs_leave_the_status(batch, queue):
    jobs = [
        add_service_job(queue, f"job{i}", status="RUNNING", created_at=T0 + 1_000 * (i + 1))
        for i in range(6)
    ]
    newest_first = [job.job_id for job in reversed(jobs)]
    first = batch.list_service_jobs(jobQueue=queue, jobStatus="RUNNING", maxResults=2)
    for job_id in ids(first):
        set_service_job_status(job_id, "SUCCEEDED")

    rest = list_every_page(
        batch, jobQueue=queue, jobStatus="RUNNING", maxResults=2, nextToken=first["nextToken"]
    )

    assert ids(first) == newest_first[:2]
    assert [ids(page) for page in rest] == [newest_first[2:4], newest_first[4:]]


def test_next_token_keeps_working_when_jobs_change_status_under_a_name_filter(batch, queue):
    jobs = [
        add_service_job(queue, "train", status="RUNNABLE", created_at=T0 + 1_000 * (i + 1))
        for i in range(5)
    ]
    request = {"jobQueue": queue, "maxResults": 2, "filters": one_filter("JOB_NAME", "train")}
    first = batch.list_service_jobs(**request)
    for job in jobs:
        set_service_job_status(job.job_id, "RUNNING")

    rest = list_every_page(batch, nextToken=first["nextToken"], **request)

    listed = ids(first) + [job_id for page in rest for job_id in ids(page)]
    assert listed == [job.job_id for job in reversed(jobs)]


def test_not_yet_listed_job_leaving_the_status_is_not_listed(batch, queue):
    jobs = [
        add_service_job(queue, f"job{i}", status="RUNNING", created_at=T0 + 1_000 * (i + 1))
        for i in range(4)
    ]
    first = batch.list_service_jobs(jobQueue=queue, maxResults=2)
    set_service_job_status(jobs[1].job_arn, "FAILED", status_reason="stopped")

    rest = batch.list_service_jobs(jobQueue=queue, maxResults=2, nextToken=first["nextToken"])

    assert ids(rest) == [jobs[0].job_id]
    assert "nextToken" not in rest


def test_paginator_yields_every_job_once(batch, queue):
    jobs = [
        add_service_job(queue, f"job{i}", status="SUCCEEDED", created_at=T0 + 1_000 + i % 3)
        for i in range(11)
    ]
    paginator = batch.get_paginator("list_service_jobs")

    pages = list(
        paginator.paginate(jobQueue=queue, jobStatus="SUCCEEDED", PaginationConfig={"PageSize": 3})
    )

    listed = [job_id for page in pages for job_id in ids(page)]
    assert [len(page["jobSummaryList"]) for page in pages] == [3, 3, 3, 2]
    assert sorted(listed) == sorted(job.job_id for job in jobs)
    assert len(set(listed)) == len(jobs)


def test_paginator_build_full_result_collects_every_summary(batch, queue):
    jobs = [
        add_service_job(queue, f"job{i}", status="RUNNING", created_at=T0 + 1_000 * (i + 1))
        for i in range(7)
    ]
    paginator = batch.get_paginator("list_service_jobs")

    result = paginator.paginate(
        jobQueue=queue, PaginationConfig={"PageSize": 2}
    ).build_full_result()

    assert ids(result) == [job.job_id for job in reversed(jobs)]
    assert "NextToken" not in result


# -- summary members ------------------------------------------------------------------------


def listed_summary(batch: Any, queue: str, job: Any) -> dict[str, Any]:
    listed = batch.list_service_jobs(jobQueue=queue, jobStatus=job.status)["jobSummaryList"]
    assert [s["jobId"] for s in listed] == [job.job_id]
    return listed[0]  # type: ignore[no-any-return]


def test_summary_of_a_submitted_job(batch, queue):
    job = add_service_job(queue, "waiting", status="SUBMITTED", created_at=T0 + 1_000)

    assert listed_summary(batch, queue, job) == {
        "jobId": job.job_id,
        "jobName": "waiting",
        "jobArn": f"arn:aws:batch:{REGION}:{ACCOUNT}:service-job/{job.job_id}",
        "serviceJobType": "SAGEMAKER_TRAINING",
        "status": "SUBMITTED",
        "createdAt": T0 + 1_000,
    }


@pytest.mark.requires_botocore_member("ServiceJobSummary", "scheduledAt")
def test_summary_of_a_running_job(batch, queue):
    job = add_service_job(
        queue,
        "training",
        status="RUNNING",
        created_at=T0 + 1_000,
        scheduled_at=T0 + 2_000,
        started_at=T0 + 3_000,
    )

    assert listed_summary(batch, queue, job) == {
        "jobId": job.job_id,
        "jobName": "training",
        "jobArn": job.job_arn,
        "serviceJobType": "SAGEMAKER_TRAINING",
        "status": "RUNNING",
        "createdAt": T0 + 1_000,
        "scheduledAt": T0 + 2_000,
        "startedAt": T0 + 3_000,
        "latestAttempt": training_attempt(job),
    }
    assert job.training_job_arn.startswith(
        f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:training-job/AWSBatchtraining"
    )


@pytest.mark.requires_botocore_member("ServiceJobSummary", "scheduledAt")
def test_summary_of_a_succeeded_job(batch, queue):
    job = add_service_job(
        queue,
        "done",
        status="SUCCEEDED",
        created_at=T0 + 1_000,
        scheduled_at=T0 + 2_000,
        started_at=T0 + 3_000,
        stopped_at=T0 + 4_000,
    )

    assert listed_summary(batch, queue, job) == {
        "jobId": job.job_id,
        "jobName": "done",
        "jobArn": job.job_arn,
        "serviceJobType": "SAGEMAKER_TRAINING",
        "status": "SUCCEEDED",
        "statusReason": "Received status from SageMaker: Training job completed",
        "createdAt": T0 + 1_000,
        "scheduledAt": T0 + 2_000,
        "startedAt": T0 + 3_000,
        "stoppedAt": T0 + 4_000,
        "latestAttempt": training_attempt(job),
    }


def test_summary_of_a_job_failed_before_dispatch(batch, queue):
    job = add_service_job(
        queue,
        "broken",
        status="FAILED",
        created_at=T0 + 1_000,
        stopped_at=T0 + 1_500,
        status_reason="Terminated by JobStateTimeLimit action due to reason: "
        "MISCONFIGURATION:SERVICE_ENVIRONMENT_MAX_RESOURCE",
    )

    assert listed_summary(batch, queue, job) == {
        "jobId": job.job_id,
        "jobName": "broken",
        "jobArn": job.job_arn,
        "serviceJobType": "SAGEMAKER_TRAINING",
        "status": "FAILED",
        "statusReason": "Terminated by JobStateTimeLimit action due to reason: "
        "MISCONFIGURATION:SERVICE_ENVIRONMENT_MAX_RESOURCE",
        "createdAt": T0 + 1_000,
        "stoppedAt": T0 + 1_500,
    }
    assert job.training_job_arn is None


@pytest.mark.parametrize(
    ("fixture", "seeded_as", "member", "value"),
    [
        pytest.param("fair_queue", "share_identifier", "shareIdentifier", "blue", id="share"),
        pytest.param(
            "quota_queue",
            "quota_share_name",
            "quotaShareName",
            "team-a",
            id="quota-share",
            marks=pytest.mark.requires_botocore_member("ServiceJobSummary", "quotaShareName"),
        ),
    ],
)
def test_summary_of_a_job_of_a_share_names_the_share(
    batch, request, fixture, seeded_as, member, value
):
    queue = request.getfixturevalue(fixture)
    job = add_service_job(
        queue, "shared", status="RUNNABLE", created_at=T0 + 1_000, **{seeded_as: value}
    )

    assert listed_summary(batch, queue, job) == {
        "jobId": job.job_id,
        "jobName": "shared",
        "jobArn": job.job_arn,
        "serviceJobType": "SAGEMAKER_TRAINING",
        "status": "RUNNABLE",
        "createdAt": T0 + 1_000,
        member: value,
    }


@pytest.mark.requires_botocore_member("ServiceJobSummary", "capacityUsage")
def test_summary_of_a_submitted_job_carries_capacity_usage_from_the_payload(batch, queue):
    submitted = submit(batch, queue, "with-payload")
    created_at = service_job_backends[ACCOUNT][REGION].jobs[submitted["jobId"]].created_at

    listed = batch.list_service_jobs(jobQueue=queue, jobStatus="SUBMITTED")

    assert json.loads(PAYLOAD)["ResourceConfig"]["InstanceType"] == "ml.m5.xlarge"
    assert listed["jobSummaryList"] == [
        {
            "jobId": submitted["jobId"],
            "jobName": "with-payload",
            "jobArn": submitted["jobArn"],
            "serviceJobType": "SAGEMAKER_TRAINING",
            "status": "SUBMITTED",
            "createdAt": created_at,
            "capacityUsage": [{"capacityUnit": "ml.m5.xlarge", "quantity": 1.0}],
        }
    ]


@pytest.mark.requires_botocore_member("ServiceJobSummary", "capacityUsage")
def test_summary_capacity_usage_sums_instance_groups_per_type(batch, queue):
    payload = json.dumps(
        {
            "TrainingJobName": "hetero",
            "ResourceConfig": {
                "InstanceGroups": [
                    {
                        "InstanceGroupName": "a",
                        "InstanceType": "ml.p4d.24xlarge",
                        "InstanceCount": 2,
                    },
                    {"InstanceGroupName": "b", "InstanceType": "ml.c5.xlarge", "InstanceCount": 1},
                    {
                        "InstanceGroupName": "c",
                        "InstanceType": "ml.p4d.24xlarge",
                        "InstanceCount": 1,
                    },
                ]
            },
        }
    )
    job = add_service_job(
        queue, "hetero", status="RUNNABLE", created_at=T0 + 1_000, service_request_payload=payload
    )

    summary = listed_summary(batch, queue, job)

    assert summary["capacityUsage"] == [
        {"capacityUnit": "ml.p4d.24xlarge", "quantity": 3.0},
        {"capacityUnit": "ml.c5.xlarge", "quantity": 1.0},
    ]


def test_summary_never_carries_is_terminated_for_jobs_not_terminated(batch, queue):
    for i, status in enumerate(STATUSES):
        add_service_job(queue, "job", status=status, created_at=T0 + 1_000 + i)

    body = raw_listing(batch, jobQueue=queue, filters=one_filter("JOB_NAME", "job"))

    assert len(body["jobSummaryList"]) == len(STATUSES)
    assert [s for s in body["jobSummaryList"] if "isTerminated" in s] == []


def test_summary_of_a_job_listed_by_a_filter_is_the_same_as_by_status(batch, queue):
    add_service_job(queue, "train", status="SUCCEEDED", created_at=T0 + 1_000)

    by_status = batch.list_service_jobs(jobQueue=queue, jobStatus="SUCCEEDED")
    by_name = batch.list_service_jobs(jobQueue=queue, filters=one_filter("JOB_NAME", "train"))

    assert len(by_status["jobSummaryList"]) == 1
    assert by_name["jobSummaryList"] == by_status["jobSummaryList"]


def test_summary_carries_is_terminated_only_once_termination_is_accepted(batch, queue):
    stopped = add_service_job(queue, "stopped", status="RUNNABLE", created_at=T0 + 2_000)
    failed = add_service_job(
        queue, "failed", status="FAILED", created_at=T0 + 1_000, status_reason="boom"
    )
    batch.terminate_service_job(jobId=stopped.job_id, reason="not needed")

    body = raw_listing(batch, jobQueue=queue, jobStatus="FAILED")

    summaries = {s["jobId"]: s for s in body["jobSummaryList"]}
    assert list(summaries) == [stopped.job_id, failed.job_id]
    assert summaries[stopped.job_id]["isTerminated"] is True
    assert summaries[stopped.job_id]["statusReason"] == "not needed"
    assert "isTerminated" not in summaries[failed.job_id]


# -- JOB_NAME: the name index and the key walk agree ------------------------------------------

NAME_CHARS = "aAb-_1"


def test_job_name_pages_are_the_newest_matches_by_either_strategy() -> None:
    """A scan cost of 0 forces the key walk, 10**9 the name index; the pages do not change."""
    queues = itertools.count()

    @settings(max_examples=80, derandomize=True, database=None, deadline=None)
    @given(
        names=st.lists(st.text(NAME_CHARS, min_size=1, max_size=4), min_size=1, max_size=60),
        statuses=st.lists(st.sampled_from(["SUBMITTED", "RUNNING", "SUCCEEDED"]), min_size=60),
        pattern=st.text(NAME_CHARS, min_size=1, max_size=3),
        prefix=st.booleans(),
        limit=st.integers(1, 7),
        scan_cost=st.sampled_from([0, listing_module.SCAN_COST, 10**9]),
    )
    def pages_agree(
        names: list[str],
        statuses: list[str],
        pattern: str,
        prefix: bool,
        limit: int,
        scan_cost: int,
    ) -> None:
        queue = f"names-{next(queues)}"
        backend = service_job_backends[ACCOUNT][REGION]
        if "names" not in backend.environments:  # one environment for all (at most 50)
            limits = [{"capacityUnit": "NUM_INSTANCES", "maxCapacity": 10}]
            backend.create_service_environment("names", "SAGEMAKER_TRAINING", None, limits, None)
        environment = [{"order": 1, "serviceEnvironment": "names"}]
        backend.create_job_queue(queue, 1, None, environment, None, None, None, None)
        jobs = [
            add_service_job(queue, name, status=status, created_at=T0 + 1_700_000_000_000 + i // 3)
            for i, (name, status) in enumerate(zip(names, statuses))
        ]
        filters = [{"name": "JOB_NAME", "values": [pattern + ("*" if prefix else "")]}]
        listed: list[str] = []
        token = None
        with patch.object(listing_module, "SCAN_COST", scan_cost):
            while True:
                page, token = backend.list_service_jobs(queue, None, filters, limit, token)
                listed += [job.job_id for job in page]
                if token is None:
                    break
        wanted = pattern.lower()
        expected = [
            job.job_id
            for job in sorted(
                jobs, key=lambda job: backend.store.get_job(job.job_id).key, reverse=True
            )
            if (
                job.job_name.lower().startswith(wanted)
                if prefix
                else job.job_name.lower() == wanted
            )
        ]
        assert listed == expected

    with mock_aws():
        pages_agree()
