"""Plain service-job requests from botocore skip moto's dispatch but get moto's exact answers.

``DirectRoutes`` sits in front of moto's botocore stubber (see ``_moto_direct.py``). These tests
hold it to what moto's own ``process_request`` does with the same request: the same status,
headers and body, and the same passthrough, whitelist, recorder and IAM behaviour; and they
check which requests it answers itself and which it hands on to moto.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core.models import botocore_stubber
from moto.moto_api import recorder

import moto_batch_service as mbs
from moto_batch_service._moto.direct import DirectRoutes
from moto_batch_service.rules.operations import OPERATIONS
from tests.conftest import REGION, Clock, client_error, make_queue
from tests.shape_check import on_before_parse

VOLATILE_HEADERS = {"x-amzn-requestid", "date"}

mbs.register()


def direct_routes() -> DirectRoutes:
    routes = botocore_stubber.process_request
    assert isinstance(routes, DirectRoutes)
    return routes


class Answers:
    """Puts every request a client sends through both the direct and moto's generic route."""

    def __init__(self) -> None:
        self.pairs: list[tuple[Any, Any]] = []

    def __call__(self, request: Any, **_: Any) -> None:
        routes = direct_routes()
        self.pairs.append((routes(request), routes.original(request)))


def watch(batch: Any) -> Answers:
    """From now on (read-only or failing requests only: each is answered twice)."""
    recorded = Answers()
    batch.meta.events.register_first("before-send.batch", recorded)
    return recorded


def comparable(answer: Any) -> tuple[int, dict[str, Any], Any]:
    status, headers, body = answer
    kept = {k: v for k, v in headers.items() if k.lower() not in VOLATILE_HEADERS}
    return int(status), kept, body


def test_every_operation_is_one_moto_routes_to_the_package() -> None:
    paths = direct_routes().paths
    assert paths == {f"/v1/{operation}" for operation in OPERATIONS}
    answer = direct_routes().answer
    for path in paths:
        route = moto_route(f"https://batch.eu-west-1.amazonaws.com{path}")
        assert route == answer.__self__.dispatch  # type: ignore[attr-defined]


def moto_route(url: str) -> Any:
    """The handler moto's own in-process dispatch picks for ``url`` (first match wins)."""
    import re

    import moto.batch.urls as batch_urls

    for base in batch_urls.url_bases:
        for path, handler in batch_urls.url_paths.items():
            if re.match(path.format(base), url):
                return handler
    return None


class Spy:
    """Counts the requests handed on to moto's own ``process_request``."""

    def __init__(self, original: Any) -> None:
        self.original = original
        self.urls: list[str] = []

    def __call__(self, request: Any) -> Any:
        self.urls.append(request.url)
        return self.original(request)


@pytest.fixture
def handed_on(monkeypatch: pytest.MonkeyPatch) -> Spy:
    spy = Spy(direct_routes().original)
    monkeypatch.setattr(direct_routes(), "original", spy)
    return spy


def test_a_plain_service_job_request_is_answered_directly(
    batch: Any, queue: str, handed_on: Spy
) -> None:
    batch.list_service_jobs(jobQueue=queue)
    batch.describe_compute_environments()
    assert handed_on.urls == [
        f"https://batch.{REGION}.amazonaws.com/v1/describecomputeenvironments"
    ]


def test_an_unsigned_request_is_handed_to_moto(queue: str, handed_on: Spy) -> None:
    unsigned = boto3.client("batch", region_name=REGION, config=Config(signature_version=UNSIGNED))
    job = mbs.add_service_job(queue, "seeded")

    listed = unsigned.list_service_jobs(jobQueue=queue, jobStatus="SUBMITTED")

    assert [summary["jobId"] for summary in listed["jobSummaryList"]] == [job.job_id]
    assert handed_on.urls == [f"https://batch.{REGION}.amazonaws.com/v1/listservicejobs"]


def test_read_answers_equal_moto_generic_route(batch: Any, clock: Clock) -> None:
    policy = batch.create_scheduling_policy(name="fair", fairsharePolicy={})["arn"]
    queue = make_queue(batch, "direct", schedulingPolicyArn=policy)
    job = mbs.add_service_job(queue, "seeded", status="RUNNING", share_identifier="blue")
    answers = watch(batch)
    batch.list_service_jobs(jobQueue=queue)
    batch.list_service_jobs(jobQueue=queue, maxResults=1, jobStatus="RUNNING")
    batch.describe_service_job(jobId=job.job_id)
    batch.describe_service_environments()
    batch.get_job_queue_snapshot(jobQueue=queue)
    assert len(answers.pairs) == 5
    for direct, generic in answers.pairs:
        assert comparable(direct) == comparable(generic)
        assert json.loads(direct[2]) == json.loads(generic[2])


def test_another_account_and_region_are_resolved_as_moto_resolves_them(
    monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> None:
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "111122223333")
    with mock_aws():
        batch = boto3.client("batch", region_name="eu-west-1")
        queue = make_queue(batch, "elsewhere")
        mbs.add_service_job(queue, "seeded", account_id="111122223333", region_name="eu-west-1")
        answers = watch(batch)
        listed = batch.list_service_jobs(jobQueue=queue, jobStatus="SUBMITTED")
    direct, generic = answers.pairs[0]
    assert comparable(direct) == comparable(generic)
    assert listed["jobSummaryList"][0]["jobArn"].startswith(
        "arn:aws:batch:eu-west-1:111122223333:service-job/"
    )


def test_error_answers_equal_moto_generic_route(batch: Any) -> None:
    answers = watch(batch)
    with pytest.raises(ClientError) as exc:
        batch.describe_service_job(jobId="no-such-job")
    direct, generic = answers.pairs[0]
    assert comparable(direct) == comparable(generic)
    assert client_error(exc) == ("ClientException", json.loads(direct[2])["message"], 400)


def test_answers_carry_a_request_id(batch: Any, queue: str) -> None:
    metadata = batch.list_service_jobs(jobQueue=queue)["ResponseMetadata"]
    assert len(metadata["RequestId"]) == 52
    assert metadata["HTTPHeaders"]["server"] == "amazon.com"


class Offline:
    def stream(self, *_: Any, **__: Any) -> Iterator[bytes]:
        yield b'{"__type":"ClientException","message":"not sent: no network in tests"}'


def test_a_passthrough_service_is_not_answered() -> None:
    seen: list[Any] = []

    def offline(request: Any, **_: Any) -> AWSResponse:
        seen.append(botocore_stubber.process_request(request))
        return AWSResponse(request.url, 400, {}, Offline())

    with mock_aws(config={"core": {"passthrough": {"services": ["batch"]}}}):
        batch = boto3.client("batch", region_name=REGION)
        batch.meta.events.register("before-send.batch", offline)
        with pytest.raises(ClientError):
            batch.list_service_jobs(jobQueue="anything")
    assert seen == [None]


def test_a_service_outside_the_whitelist_is_refused_as_moto_refuses_it() -> None:
    exceptions = pytest.importorskip("moto.core.exceptions")
    not_whitelisted = getattr(exceptions, "ServiceNotWhitelisted", None)
    if not_whitelisted is None:
        pytest.skip("this moto has no core.service_whitelist")
    with mock_aws(config={"core": {"service_whitelist": ["s3"]}}):
        batch = boto3.client("batch", region_name=REGION)
        with pytest.raises(not_whitelisted) as ours:
            batch.list_service_jobs(jobQueue="anything")
        with pytest.raises(not_whitelisted) as motos:
            batch.list_jobs(jobQueue="anything")
    assert str(ours.value) == str(motos.value)


def test_service_job_requests_are_recorded(
    batch: Any, queue: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recorder, "_location", str(tmp_path / "recording"))
    recorder.start_recording()
    try:
        batch.list_service_jobs(jobQueue=queue)
    finally:
        recorder.stop_recording()
    entries = [json.loads(line) for line in recorder.download_recording().splitlines() if line]
    assert [entry["url"] for entry in entries] == [
        f"https://batch.{REGION}.amazonaws.com/v1/listservicejobs"
    ]


def test_iam_is_checked_as_moto_checks_it_and_refuses_as_aws(batch: Any, queue: str) -> None:
    from moto.core import set_initial_no_auth_action_count

    @set_initial_no_auth_action_count(0)
    def both() -> tuple[Any, Any]:
        with pytest.raises((ClientError, KeyError)) as motos:
            batch.list_jobs(jobQueue=queue)
        if motos.type is KeyError:  # moto 5.0.0 looks for a query-API Action member
            pytest.skip("this moto cannot check IAM on its own batch requests")
        with pytest.raises(ClientError) as ours:
            batch.list_service_jobs(jobQueue=queue)
        return ours, motos

    # The fixture's "testing" key is no IAM user's: moto refuses both (its own in XML).
    batch.meta.events.unregister("before-parse.batch", on_before_parse)
    ours, motos = both()
    assert "InvalidClientTokenId" in client_error(motos)[1]
    assert client_error(ours) == (
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
        403,
    )
