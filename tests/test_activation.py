"""Free until used: the package imports nothing of moto until moto loads its batch service
or a name of the package is used, and then every way of using it serves service jobs.

Each case runs in a fresh interpreter, where what has been imported is what is measured.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

pytest_plugins = ["pytester"]

HEAVY = ("moto.batch", "moto.ec2", "moto.iam")

PRELUDE = """
import json, sys
import boto3

def heavy():
    return sorted(name for name in sys.modules if name.split(".")[:2] in
                  (["moto", "batch"], ["moto", "ec2"], ["moto", "iam"]) and name.count(".") == 1)

def client(**extra):
    return boto3.client("batch", region_name="us-east-1", **extra)

def environment(batch):
    return batch.create_service_environment(
        serviceEnvironmentName="env", serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=[{"maxCapacity": 1, "capacityUnit": "NUM_INSTANCES"}],
    )["serviceEnvironmentName"]

def queue(batch):
    environment(batch)
    return batch.create_job_queue(
        jobQueueName="q", priority=1, jobQueueType="SAGEMAKER_TRAINING",
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "env"}],
    )["jobQueueName"]

def names(batch, status="SUBMITTED"):
    listing = batch.list_service_jobs(jobQueue="q", jobStatus=status)["jobSummaryList"]
    return [job["jobName"] for job in listing]
"""


def run(script: str) -> list[str]:
    """Run ``script`` (after PRELUDE) in a fresh interpreter; its printed lines."""
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    done = subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.splitlines()


def test_importing_the_package_imports_nothing_of_moto():
    lines = run(
        """
        import moto_batch_service
        print(sorted(name for name in sys.modules if name == "moto" or name.startswith("moto.")))
        """
    )
    assert lines == ["[]"]


def test_a_pytest_run_with_the_plugin_loads_no_moto_service(pytester):
    pytester.makepyfile(
        test_trivial=f"""
        import sys

        def test_nothing_of_batch_is_loaded(pytestconfig):
            assert pytestconfig.pluginmanager.hasplugin("moto_batch_service")
            assert [name for name in sys.modules if name.startswith({HEAVY!r})] == []
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.parseoutcomes() == {"passed": 1}


# name -> (script, expected output). Every script starts with nothing of Batch loaded.
ACTIVATIONS = {
    "first request under mock_aws is a service-job call": (
        """
        import moto_batch_service
        from moto import mock_aws
        with mock_aws():
            print(heavy())
            batch = client()
            print(environment(batch))
            print(heavy())
        """,
        ["[]", "env", "['moto.batch', 'moto.ec2', 'moto.iam']"],
    ),
    "first request under mock_aws is a container call": (
        """
        import moto_batch_service
        from moto import mock_aws
        with mock_aws():
            batch = client()
            print(batch.describe_job_queues()["jobQueues"])
            queue(batch)
            batch.submit_service_job(jobName="a", jobQueue="q", serviceJobType="SAGEMAKER_TRAINING",
                                     serviceRequestPayload="{}")
            print(names(batch))
        """,
        ["[]", "['a']"],
    ),
    "package imported after mock_aws served batch": (
        """
        from moto import mock_aws
        with mock_aws():
            batch = client()
            print(batch.describe_job_queues()["jobQueues"])
            import moto_batch_service
            print(environment(batch))
        """,
        ["[]", "env"],
    ),
    "a seeding helper before any request": (
        """
        import moto_batch_service
        from moto import mock_aws
        with mock_aws():
            moto_batch_service.add_service_job("q", "seeded")
            print(names(client()))
        """,
        ["['seeded']"],
    ),
    "the backends before any request": (
        """
        from moto_batch_service import service_job_backends
        from moto import mock_aws
        with mock_aws():
            backend = service_job_backends["123456789012"]["us-east-1"]
            print(len(backend.jobs))
            print(environment(client()))
        """,
        ["0", "env"],
    ),
    "a threaded moto server's first batch request": (
        """
        import moto_batch_service
        from moto.server import ThreadedMotoServer
        from moto_batch_service._moto.common import server_address
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server_address(server)
        batch = client(endpoint_url=f"http://{host}:{port}")
        print(heavy())
        queue(batch)
        batch.submit_service_job(jobName="a", jobQueue="q", serviceJobType="SAGEMAKER_TRAINING",
                                 serviceRequestPayload="{}")
        print(names(batch))
        server.stop()
        """,
        ["[]", "['a']"],
    ),
    "the steering endpoint as a server's first request": (
        """
        import moto_batch_service, requests
        from moto.server import ThreadedMotoServer
        from moto_batch_service._moto.common import server_address
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server_address(server)
        url = f"http://{host}:{port}/moto-api"
        requests.post(f"{url}/reset", timeout=30).raise_for_status()
        answer = requests.post(f"{url}/static/batch/service-job-attempts", timeout=30,
                               json={"jobId": "missing", "outcomes": [{"type": "SUCCEEDED"}]})
        print(answer.status_code, answer.json()["__type"])
        server.stop()
        """,
        ["400 ClientException"],
    ),
}


@pytest.mark.parametrize("case", sorted(ACTIVATIONS))
def test_each_way_of_first_use_serves_service_jobs(case):
    script, expected = ACTIVATIONS[case]
    assert run(script) == expected


UNKNOWN_LAYOUT = """
import importlib.abc
import importlib.machinery
import warnings

class UnknownLayout(importlib.abc.MetaPathFinder):
    # moto as a later release might lay it out: one route, under a pattern no adapter knows
    def find_spec(self, name, path, target=None):
        if name != "moto.batch.urls":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        run = spec.loader.exec_module
        def exec_module(module):
            run(module)
            handler = next(iter(module.url_paths.values()))
            module.url_paths.clear()
            module.url_paths["{0}/(?P<anything>.*)$"] = handler
        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, UnknownLayout())
"""

CLASSIC_BATCH = """
from moto import mock_aws
with mock_aws():
    batch = client()
    batch.register_job_definition(jobDefinitionName="d", type="container", containerProperties={
        "image": "busybox", "vcpus": 1, "memory": 128})
    print([d["jobDefinitionName"] for d in batch.describe_job_definitions()["jobDefinitions"]])
    print(batch.describe_job_queues()["jobQueues"])
    try:
        batch.list_service_jobs(jobQueue="container")
    except Exception as error:
        print(type(error).__name__)
"""


def test_an_unknown_moto_layout_leaves_moto_as_it_is():
    without = run(UNKNOWN_LAYOUT + CLASSIC_BATCH)
    with_package = run(
        UNKNOWN_LAYOUT
        + "import moto_batch_service\nwarnings.simplefilter('always')\n"
        + "with warnings.catch_warnings(record=True) as seen:\n"
        + textwrap.indent(textwrap.dedent(CLASSIC_BATCH), "    ")
        + "print([type(w.message).__name__ for w in seen])\n"
    )
    assert without == ["['d']", "[]", "NotImplementedError"]
    assert with_package == [*without, "['MotoBatchServiceWarning']"]


def test_an_unknown_moto_layout_refuses_the_service_job_helpers_with_what_to_do():
    lines = run(
        UNKNOWN_LAYOUT
        + """
import moto, moto_batch_service
from moto import mock_aws
warnings.simplefilter("ignore")
with mock_aws():
    client().describe_job_queues()
    for use in (lambda: moto_batch_service.add_service_job("q", "a"),
                lambda: moto_batch_service.service_job_backends):
        try:
            use()
        except moto_batch_service.IncompatibleMotoError as error:
            text = str(error)
            print(f"moto {moto.__version__}" in text, "pip install 'moto==" in text,
                  "upgrade moto-batch-service" in text)
"""
    )
    assert lines == ["True True True", "True True True"]


REIMPORTED = """
import moto_batch_service
from moto import mock_aws

def run_once():
    with mock_aws():
        batch = client()
        queue(batch)
        batch.submit_service_job(jobName="j", jobQueue="q", serviceJobType="SAGEMAKER_TRAINING",
                                 serviceRequestPayload="{}")
        print(names(batch))
    import moto.moto_api._internal.urls as moto_api_urls
    print(any("service-job-attempts" in path for path in moto_api_urls.url_paths))

run_once()
# What an in-process pytester run does once its inner session ends: the modules it loaded
# are dropped, and the next import executes moto's modules anew.
for name in [n for n in sys.modules if n in ("moto.batch.urls", "moto.moto_api._internal.urls")]:
    del sys.modules[name]
run_once()
"""


def test_a_moto_module_executed_again_is_extended_again():
    assert run(REIMPORTED) == ["['j']", "True", "['j']", "True"]
