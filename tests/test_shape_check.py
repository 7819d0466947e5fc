"""The response checker itself: it must reject what a client could not parse faithfully."""

import json

import pytest

from tests.shape_check import MODEL, check_response

LIST = MODEL.operation_model("ListServiceJobs")
SUMMARY = {
    "jobId": "a4d6c728-8ee8-4c65-8e2a-9a5e8f4b7c3d",
    "jobName": "job",
    "jobArn": "arn:aws:batch:us-east-1:123456789012:service-job/"
    "a4d6c728-8ee8-4c65-8e2a-9a5e8f4b7c3d",
    "serviceJobType": "SAGEMAKER_TRAINING",
    "status": "RUNNING",
    "createdAt": 1700000000000,
}


def body(**summary_changes):
    summary = {**SUMMARY, **summary_changes}
    summary = {k: v for k, v in summary.items() if v is not ...}
    return json.dumps({"jobSummaryList": [summary]}).encode()


def test_a_well_formed_listing_passes():
    check_response(LIST, 200, body())


@pytest.mark.parametrize(
    "changes, complaint",
    [
        ({"colour": "blue"}, "not a member of ServiceJobSummary"),
        ({"status": "DONE"}, "'DONE' is not one of"),
        ({"createdAt": "yesterday"}, "expected integer"),
        ({"createdAt": 1.5}, "expected integer"),
        ({"jobName": ...}, "jobName: required by ServiceJobSummary but missing"),
        ({"statusReason": None}, "null"),
        pytest.param(
            {"capacityUsage": [{"capacityUnit": "ml.m5.large", "quantity": "2"}]},
            "expected number",
            marks=pytest.mark.requires_botocore_member("ServiceJobSummary", "capacityUsage"),
        ),
    ],
)
def test_a_malformed_listing_is_rejected(changes, complaint):
    with pytest.raises(AssertionError, match=complaint):
        check_response(LIST, 200, body(**changes))


def test_an_error_must_be_a_client_exception_with_a_message():
    check_response(LIST, 400, b'{"__type": "ClientException", "message": "bad"}')
    with pytest.raises(AssertionError):
        check_response(LIST, 500, b'{"__type": "ServerException", "message": "boom"}')
    with pytest.raises(AssertionError):
        check_response(LIST, 400, b'{"__type": "InvalidToken", "message": "bad"}')


def test_responses_inside_mock_aws_are_checked(batch, queue):
    from tests import shape_check

    before = len(shape_check.checked)
    batch.list_service_jobs(jobQueue=queue)
    assert shape_check.checked[before:] == ["ListServiceJobs"]
