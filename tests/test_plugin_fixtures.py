"""The pytest plugin's fixtures (entry point ``pytest11``), each doing what it promises."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import boto3
from moto.moto_api import state_manager

from moto_batch_service import ServiceJobBackend, add_service_job, service_job_backends
from tests.conftest import ACCOUNT, REGION, make_queue, server_client, submit

pytest_plugins = ["pytester"]

MODEL = "batch::service_job"
DEFAULT = {"progression": "manual", "times": 1}
# Inner runs need none of these (and pytest-benchmark warns under xdist).
PLUGINS_OFF = ("-p", "no:cacheprovider", "-p", "no:benchmark", "-p", "no:hypothesispytest")
LOOPBACK_URL = re.compile(r"http://127\.0\.0\.1:([0-9]+)")


def create_environment(batch, name: str) -> str:
    return batch.create_service_environment(
        serviceEnvironmentName=name,
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=[{"maxCapacity": 1, "capacityUnit": "NUM_INSTANCES"}],
    )["serviceEnvironmentArn"]


# -- service_job_backend ---------------------------------------------------------------------------


def test_service_jobs_is_the_backend_of_the_default_account_in_us_east_1(service_job_backend):
    assert isinstance(service_job_backend, ServiceJobBackend)
    assert service_job_backend is service_job_backends[ACCOUNT][REGION]


def test_service_jobs_runs_the_test_inside_mock_aws(service_job_backend):
    batch = boto3.client("batch", region_name=REGION)
    make_queue(batch, "fixture-queue")
    job = submit(batch, "fixture-queue", "mocked")

    assert list(service_job_backend.jobs) == [job["jobId"]]
    assert service_job_backend.jobs[job["jobId"]].job_name == "mocked"


# -- seed_service_job -----------------------------------------------------------------------


def test_seed_service_job_is_add_service_job(seed_service_job):
    assert seed_service_job is add_service_job


def test_a_seeded_job_is_answered_by_the_api(service_job_backend, seed_service_job):
    job = seed_service_job("seeded-queue", "seeded", status="RUNNING")

    described = boto3.client("batch", region_name=REGION).describe_service_job(jobId=job.job_id)

    assert (
        described["jobId"],
        described["jobName"],
        described["status"],
        described["jobQueue"],
    ) == (
        job.job_id,
        "seeded",
        "RUNNING",
        f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/seeded-queue",
    )


# -- service_job_transition -----------------------------------------------------------------


def test_service_job_transition_steers_submitted_jobs(service_job_backend, service_job_transition):
    batch = boto3.client("batch", region_name=REGION)
    make_queue(batch, "steered")
    service_job_transition({"progression": "immediate"})

    job = submit(batch, "steered")

    assert state_manager.get_transition(MODEL) == {"progression": "immediate"}
    assert batch.describe_service_job(jobId=job["jobId"])["status"] == "SUCCEEDED"


def test_service_job_transition_is_unset_after_each_test_passed_or_failed(pytester):
    pytester.makepyfile(
        test_inner="""
        from moto.moto_api import state_manager

        def test_sets_it(service_job_transition):
            service_job_transition({"progression": "immediate"})
            current = state_manager.get_transition("batch::service_job")
            assert current == {"progression": "immediate"}

        def test_sets_it_and_fails(service_job_transition):
            service_job_transition({"progression": "time", "seconds": 5})
            assert False, "this inner test fails on purpose"

        def test_the_default_is_back():
            assert state_manager.get_transition("batch::service_job") == {
                "progression": "manual",
                "times": 1,
            }
        """
    )

    result = pytester.runpytest("-v", *PLUGINS_OFF)

    assert result.parseoutcomes() == {"passed": 2, "failed": 1}
    result.stdout.fnmatch_lines(
        [
            "test_inner.py::test_sets_it PASSED*",
            "test_inner.py::test_sets_it_and_fails FAILED*",
            "test_inner.py::test_the_default_is_back PASSED*",
        ]
    )
    assert state_manager.get_transition(MODEL) == DEFAULT


# -- moto_batch_server_url ----------------------------------------------------------------------


def test_moto_batch_server_is_an_http_url_on_the_loopback_address(moto_batch_server_url):
    match = LOOPBACK_URL.fullmatch(moto_batch_server_url)
    assert match is not None, moto_batch_server_url
    assert int(match.group(1)) > 0


def test_moto_batch_server_serves_service_jobs(moto_batch_server_url):
    name = f"env-{uuid.uuid4().hex}"

    arn = create_environment(server_client(moto_batch_server_url), name)

    assert arn == f"arn:aws:batch:{REGION}:{ACCOUNT}:service-environment/{name}"


def test_moto_batch_server_is_one_server_per_session(pytester):
    pytester.makepyfile(
        test_inner="""
        seen = []

        def test_first(moto_batch_server_url):
            seen.append(moto_batch_server_url)

        def test_second(moto_batch_server_url):
            seen.append(moto_batch_server_url)
            assert seen == [seen[0], seen[0]]
        """
    )

    result = pytester.runpytest(*PLUGINS_OFF)

    assert result.parseoutcomes() == {"passed": 2}


def test_each_xdist_worker_gets_its_own_server(pytester):
    out = pytester.mkdir("urls")
    pytester.makepyfile(
        test_inner=f"""
        import os
        import pathlib

        def record(url):
            worker = os.environ["PYTEST_XDIST_WORKER"]
            (pathlib.Path({str(out)!r}) / worker).write_text(url)

        def test_first(moto_batch_server_url):
            record(moto_batch_server_url)

        def test_second(moto_batch_server_url):
            record(moto_batch_server_url)
        """
    )

    result = pytester.runpytest("-n", "2", *PLUGINS_OFF)

    assert result.parseoutcomes() == {"passed": 2}
    urls = {path.name: path.read_text() for path in Path(out).iterdir()}
    assert sorted(urls) == ["gw0", "gw1"]
    ports = [LOOPBACK_URL.fullmatch(url) for url in urls.values()]
    assert None not in ports, urls
    assert ports[0].group(1) != ports[1].group(1)


# -- moto_batch_endpoint --------------------------------------------------------------------


def test_moto_batch_endpoint_is_the_session_server_url(moto_batch_server_url, moto_batch_endpoint):
    assert moto_batch_endpoint == moto_batch_server_url


def test_moto_batch_endpoint_resets_the_server_state(moto_batch_server_url, request):
    batch = server_client(moto_batch_server_url)
    name = f"env-{uuid.uuid4().hex}"
    create_environment(batch, name)
    described = batch.describe_service_environments(serviceEnvironments=[name])
    assert [env["serviceEnvironmentName"] for env in described["serviceEnvironments"]] == [name]

    request.getfixturevalue("moto_batch_endpoint")

    assert batch.describe_service_environments()["serviceEnvironments"] == []


# -- the entry point: no import of the package needed ---------------------------------------


def test_a_module_that_never_imports_the_package_can_list_service_jobs(pytester):
    pytester.makepyfile(
        test_inner="""
        import sys

        import boto3
        from moto import mock_aws

        @mock_aws
        def test_list_service_jobs():
            batch = boto3.client("batch", region_name="us-east-1")
            batch.create_service_environment(
                serviceEnvironmentName="env",
                serviceEnvironmentType="SAGEMAKER_TRAINING",
                capacityLimits=[{"maxCapacity": 1, "capacityUnit": "NUM_INSTANCES"}],
            )
            batch.create_job_queue(
                jobQueueName="queue",
                priority=1,
                jobQueueType="SAGEMAKER_TRAINING",
                serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "env"}],
            )
            response = batch.list_service_jobs(jobQueue="queue", jobStatus="SUBMITTED")
            assert response["jobSummaryList"] == []
        """
    )

    result = pytester.runpytest_subprocess(*PLUGINS_OFF)

    assert result.parseoutcomes() == {"passed": 1}


def test_the_fixtures_work_in_a_module_that_never_imports_the_package(pytester):
    pytester.makepyfile(
        test_inner="""
        import boto3

        def test_service_jobs_and_seed_service_job(service_job_backend, seed_service_job):
            job = seed_service_job("queue", "seeded")
            assert list(service_job_backend.jobs) == [job.job_id]

        def test_service_job_transition(service_job_transition):
            service_job_transition({"progression": "immediate"})

        def test_moto_batch_endpoint(moto_batch_endpoint):
            batch = boto3.client(
                "batch",
                endpoint_url=moto_batch_endpoint,
                region_name="us-east-1",
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
            )
            assert batch.describe_service_environments()["serviceEnvironments"] == []
        """
    )

    result = pytester.runpytest_subprocess(*PLUGINS_OFF)

    assert result.parseoutcomes() == {"passed": 3}


# -- each fixture leaves the world as it found it ---------------------------------------------


def test_service_job_transition_restores_the_transition_in_force_before(pytester):
    pytester.makeconftest(
        """
        import pytest
        from moto.moto_api import state_manager

        @pytest.fixture(autouse=True, scope="session")
        def suite_wide():
            state_manager.set_transition("batch::service_job", {"progression": "immediate"})
            yield
            state_manager.unset_transition("batch::service_job")
        """
    )
    pytester.makepyfile(
        test_inner="""
        from moto.moto_api import state_manager

        def test_steers_one_test(service_job_transition):
            service_job_transition({"progression": "manual", "times": 3})

        def test_the_suite_wide_transition_is_back():
            current = state_manager.get_transition("batch::service_job")
            assert current == {"progression": "immediate"}
        """
    )

    result = pytester.runpytest(*PLUGINS_OFF)

    assert result.parseoutcomes() == {"passed": 2}
    assert state_manager.get_transition(MODEL) == DEFAULT


def test_moto_batch_endpoint_undoes_a_transition_set_over_http(pytester):
    pytester.makepyfile(
        test_inner="""
        import json

        import requests
        from moto.moto_api import state_manager

        def test_sets_it_on_the_server(moto_batch_endpoint):
            requests.post(
                f"{moto_batch_endpoint}/moto-api/state-manager/set-transition",
                data=json.dumps(
                    {
                        "model_name": "batch::service_job",
                        "transition": {"progression": "immediate"},
                    }
                ),
                timeout=30,
            ).raise_for_status()
            current = state_manager.get_transition("batch::service_job")
            assert current == {"progression": "immediate"}

        def test_the_next_test_has_the_default(moto_batch_endpoint):
            current = state_manager.get_transition("batch::service_job")
            assert current == {"progression": "manual", "times": 1}
        """
    )

    result = pytester.runpytest(*PLUGINS_OFF)

    assert result.parseoutcomes() == {"passed": 2}
    assert state_manager.get_transition(MODEL) == DEFAULT


def test_service_jobs_then_moto_batch_endpoint_gives_the_backend_in_use(
    service_job_backend, moto_batch_endpoint
):
    job = add_service_job("queue", "seeded")

    assert service_job_backend is service_job_backends[ACCOUNT][REGION]
    assert list(service_job_backend.jobs) == [job.job_id]
