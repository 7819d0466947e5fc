"""Several versions of botocore and moto: the import-time check and the old-model tolerance."""

import copy
import json

import botocore.loaders
import pytest
from botocore.model import ServiceModel

from moto_batch_service._moto.common import partition_of
from tests.shape_check import MODEL, NEWER_MEMBERS, check_response
from tests.test_activation import run

OLDER_BOTOCORE = """
import botocore.loaders
load = botocore.loaders.Loader.load_service_model

def older(self, service_name, type_name, api_version=None):
    # the batch model as a botocore from before the service jobs has it
    model = load(self, service_name, type_name, api_version)
    if (service_name, type_name) != ("batch", "service-2"):
        return model
    kept = {name: operation for name, operation in model["operations"].items()
            if not any(word in name for word in ("ServiceJob", "ServiceEnvironment", "QuotaShare"))}
    return {**model, "operations": kept}

botocore.loaders.Loader.load_service_model = older
"""


def test_a_botocore_without_service_jobs_leaves_moto_as_it_is_and_says_to_upgrade_botocore():
    lines = run(
        OLDER_BOTOCORE
        + """
import warnings
import moto_batch_service
from moto import mock_aws
with warnings.catch_warnings(record=True) as seen:
    warnings.simplefilter("always")
    with mock_aws():
        batch = client()
        print(hasattr(batch, "list_service_jobs"), batch.describe_job_queues()["jobQueues"])
        try:
            moto_batch_service.add_service_job("q", "a")
        except moto_batch_service.IncompatibleMotoError as error:
            text = str(error)
            print("botocore has no service-job operations" in text,
                  "pip install 'boto3>=" in text and "'botocore>=" in text)
print([type(w.message).__name__ for w in seen])
"""
    )
    assert lines == ["False []", "True True", "['MotoBatchServiceWarning']"]


@pytest.mark.parametrize(
    "region, partition",
    [("us-east-1", "aws"), ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")],
)
def test_partition_of_a_region(region, partition):
    assert partition_of(region) == partition


@pytest.mark.requires_operation("TerminateServiceJobs")
def test_every_newer_member_is_a_member_of_the_newest_model():
    for shape, members in NEWER_MEMBERS.items():
        assert members <= set(MODEL.shape_for(shape).members), shape


def _model_without(shape, *members):
    """The installed batch model as an older botocore would have it: ``members`` removed."""
    raw = botocore.loaders.create_loader().load_service_model("batch", "service-2")
    raw = copy.deepcopy(raw)
    for member in members:
        raw["shapes"][shape]["members"].pop(member, None)
    return ServiceModel(raw, "batch")


JOB_ID = "a4d6c728-8ee8-4c65-8e2a-9a5e8f4b7c3d"
SUMMARY = {
    "jobId": JOB_ID,
    "jobName": "job",
    "jobArn": f"arn:aws:batch:us-east-1:123456789012:service-job/{JOB_ID}",
    "serviceJobType": "SAGEMAKER_TRAINING",
    "status": "RUNNING",
    "createdAt": 1700000000000,
    "capacityUsage": [{"capacityUnit": "ml.m5.large", "quantity": "not a number"}],
    "scheduledAt": 1700000000001,
}


def _listing(**changes):
    return json.dumps({"jobSummaryList": [{**SUMMARY, **changes}]}).encode()


def test_an_older_model_lets_through_the_members_it_lacks_but_checks_the_rest():
    old = _model_without("ServiceJobSummary", "capacityUsage", "scheduledAt")
    listing = old.operation_model("ListServiceJobs")
    check_response(listing, 200, _listing())
    with pytest.raises(AssertionError, match="colour: not a member of ServiceJobSummary"):
        check_response(listing, 200, _listing(colour="blue"))
    with pytest.raises(AssertionError, match="createdAt: expected integer"):
        check_response(listing, 200, _listing(createdAt="yesterday"))


@pytest.mark.requires_botocore_member("ServiceJobSummary", "capacityUsage")
def test_a_model_that_knows_a_newer_member_checks_it():
    with pytest.raises(AssertionError, match="expected number"):
        check_response(MODEL.operation_model("ListServiceJobs"), 200, _listing())
