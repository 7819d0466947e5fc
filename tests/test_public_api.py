"""The public surface a 0.1.0 user builds on: the backend's methods, the fixtures' defaults,
the helpers' read-only views, and names that keep out of pytest's way."""

from __future__ import annotations

import pydoc
import re
from unittest import mock

import boto3
import pytest

import moto_batch_service as mbs
from moto_batch_service import ServiceJobBackend, ServiceJobView
from tests.conftest import ACCOUNT, REGION, make_queue, submit

# Every operation a handler, a helper or a user calls on the backend.
OPERATIONS = (
    "create_service_environment",
    "describe_service_environments",
    "update_service_environment",
    "delete_service_environment",
    "create_job_queue",
    "describe_job_queues",
    "update_job_queue",
    "delete_job_queue",
    "ensure_queue",
    "submit_service_job",
    "describe_service_job",
    "list_service_jobs",
    "terminate_service_job",
    "terminate_service_jobs",
    "update_service_job",
    "seed_job",
    "set_status",
    "create_quota_share",
    "get_quota_share",
    "list_quota_shares",
    "update_quota_share",
    "delete_quota_share",
    "create_quota_policy",
    "job_queue_snapshot",
    "tagged_resource",
    "tag_resource",
    "untag_resource",
)
OTHER_ACCOUNT = "210987654321"


@pytest.mark.parametrize("name", OPERATIONS)
def test_each_operation_is_a_documented_method_of_the_backend_class(name):
    method = getattr(ServiceJobBackend, name)

    assert callable(method)
    assert method.__doc__, f"ServiceJobBackend.{name} has no docstring"
    page = pydoc.render_doc(ServiceJobBackend, renderer=pydoc.plaintext)
    # Python 3.13 breaks a long signature after the parenthesis, inside the "|" margin.
    assert re.search(rf"\b{name}\([\s|]*self\b", page), f"help() does not list {name}"


def test_an_operation_patched_with_autospec_is_what_requests_reach(batch_client):
    with mock.patch.object(ServiceJobBackend, "describe_service_job", autospec=True) as describe:
        describe.side_effect = mbs.ClientException("patched in the test")
        with pytest.raises(batch_client.exceptions.ClientException) as error:
            batch_client.describe_service_job(jobId="a-job")

    assert error.value.response["Error"]["Message"] == "patched in the test"
    backend, identifier = describe.call_args.args
    assert (isinstance(backend, ServiceJobBackend), identifier) == (True, "a-job")


def test_a_subclass_can_override_an_operation():
    class Audited(ServiceJobBackend):
        def describe_service_job(self, identifier):
            return super().describe_service_job(identifier)

    assert Audited.describe_service_job is not ServiceJobBackend.describe_service_job
    assert Audited.submit_service_job is ServiceJobBackend.submit_service_job


def test_batch_client_submits_into_the_service_job_backend(batch_client, service_job_backend):
    make_queue(batch_client, "fixture-queue")

    job = submit(batch_client, "fixture-queue", "through-the-client")

    assert list(service_job_backend.jobs) == [job["jobId"]]
    assert batch_client.meta.region_name == service_job_backend.region_name == REGION


@pytest.fixture
def elsewhere(monkeypatch):
    """A test run with moto's account and default region set by environment variables."""
    monkeypatch.setenv("MOTO_ACCOUNT_ID", OTHER_ACCOUNT)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")


def test_the_fixtures_follow_moto_account_id_and_aws_default_region(
    elsewhere, service_job_backend, batch_client
):
    make_queue(batch_client, "q")

    job = submit(batch_client, "q")

    assert (service_job_backend.account_id, service_job_backend.region_name) == (
        OTHER_ACCOUNT,
        "eu-west-1",
    )
    assert job["jobArn"].startswith(f"arn:aws:batch:eu-west-1:{OTHER_ACCOUNT}:service-job/")
    assert list(service_job_backend.jobs) == [job["jobId"]]


def test_a_helper_without_account_or_region_stores_where_a_default_client_reads(
    elsewhere, service_job_backend
):
    seeded = mbs.add_service_job("seeded", "job", status="RUNNING")

    listed = boto3.client("batch").list_service_jobs(jobQueue="seeded", jobStatus="RUNNING")

    assert [job["jobId"] for job in listed["jobSummaryList"]] == [seeded.job_id]
    assert seeded.job_arn.startswith(f"arn:aws:batch:eu-west-1:{OTHER_ACCOUNT}:")


def test_a_helper_given_account_and_region_stores_there(service_job_backend):
    seeded = mbs.add_service_job(
        "seeded", "job", status="RUNNING", account_id=OTHER_ACCOUNT, region_name="eu-west-1"
    )

    assert seeded.job_id not in service_job_backend.jobs
    assert (
        mbs.get_service_job(seeded.job_id, account_id=OTHER_ACCOUNT, region_name="eu-west-1")
        == seeded
    )


def test_a_helper_returns_a_view_that_cannot_change_the_store(service_job_backend):
    seeded = mbs.add_service_job("seeded", "job", status="RUNNING", tags={"team": "a"})

    with pytest.raises(AttributeError, match="read-only"):
        seeded.status = "SUCCEEDED"  # type: ignore[misc]
    seeded.tags["team"] = "b"
    with pytest.raises(AttributeError, match="read-only"):
        seeded.enter("SUCCEEDED", 0)

    stored = service_job_backend.store.get_job(seeded.job_id)
    assert (stored.status, stored.tags) == ("RUNNING", {"team": "a"})
    assert isinstance(seeded, ServiceJobView)


def test_a_view_shows_the_job_as_it_is_now(service_job_backend, batch_client):
    seeded = mbs.add_service_job("seeded", "job", status="RUNNING")

    mbs.set_service_job_status(seeded.job_id, "SUCCEEDED")

    assert (seeded.status, seeded.describe()["status"]) == ("SUCCEEDED", "SUCCEEDED")
    assert batch_client.describe_service_job(jobId=seeded.job_id)["status"] == "SUCCEEDED"


def test_a_star_import_keeps_pytests_fail():
    namespace: dict = {}
    exec("from pytest import fail\nfrom moto_batch_service import *", namespace)

    assert namespace["fail"] is pytest.fail
    assert namespace["fail_attempt"] is mbs.fail_attempt


def test_account_of_the_default_fixture_is_motos(service_job_backend):
    assert (service_job_backend.account_id, service_job_backend.region_name) == (ACCOUNT, REGION)
