"""What the package costs a process that starts: fresh interpreters, timed from outside.

Each ratio is one of medians over ``runs`` fresh processes per side, the two sides
interleaved (A, B, B, A, ...), of the CPU time (user + system) each process used: unlike
its wall time, that does not grow when other processes share the machine's cores. The time
to a first ``list_service_jobs`` is given both as CPU and as wall seconds. The request that
dispatches a process's first job (moto's SageMaker is loaded then and the training job
created) is timed in seconds, and against the request that dispatches the second job.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENV = {
    **os.environ,
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
}

FIRST_DESCRIBE = """
import boto3
from moto import mock_aws
with mock_aws():
    boto3.client("batch", region_name="us-east-1").describe_job_queues()
"""

FIRST_LIST = """
import boto3
from moto import mock_aws
import moto_batch_service
with mock_aws():
    moto_batch_service.add_service_job("training", "first", status="RUNNING")
    boto3.client("batch", region_name="us-east-1").list_service_jobs(jobQueue="training")
"""

# Times, in one fresh process, the request that dispatches the first job (it loads moto's
# SageMaker and creates the training job there) and the one that dispatches a second job.
FIRST_DISPATCH = """
import time
import boto3
from moto import mock_aws
import moto_batch_service
with mock_aws():
    batch = boto3.client("batch", region_name="us-east-1")
    batch.create_service_environment(
        serviceEnvironmentName="env", serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=[{"maxCapacity": 2, "capacityUnit": "NUM_INSTANCES"}],
    )
    batch.create_job_queue(
        jobQueueName="q", priority=1, jobQueueType="SAGEMAKER_TRAINING",
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "env"}],
    )
    seconds = []
    for name in ("first", "second"):
        job_id = batch.submit_service_job(
            jobName=name, jobQueue="q", serviceJobType="SAGEMAKER_TRAINING",
            serviceRequestPayload="{}",
        )["jobId"]
        assert batch.describe_service_job(jobId=job_id)["status"] == "SUBMITTED"
        assert batch.describe_service_job(jobId=job_id)["status"] == "RUNNABLE"
        start = time.perf_counter()
        assert batch.describe_service_job(jobId=job_id)["status"] == "SCHEDULED"
        seconds.append(time.perf_counter() - start)
    print(*seconds)
"""

TRIVIAL_TEST = "def test_one():\n    assert 1 + 1 == 2\n"


def _run(command: list[str], cwd: str) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run of ``command`` in a fresh process."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=errors
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            errors.seek(0)
            raise RuntimeError(f"{command} failed: {errors.read().decode()[-2000:]}")
    return usage.ru_utime + usage.ru_stime, wall


def _seconds(command: list[str], cwd: str) -> float:
    return _run(command, cwd)[0]


def _median_ratio(a: list[str], b: list[str], runs: int, cwd: str) -> float:
    """median(time of ``a``) / median(time of ``b``), each a fresh process, interleaved,
    after one untimed run of each (bytecode caches written, files in the page cache)."""
    _seconds(a, cwd)
    _seconds(b, cwd)
    times_a: list[float] = []
    times_b: list[float] = []
    for run in range(runs):
        if run % 2:
            times_b.append(_seconds(b, cwd))
            times_a.append(_seconds(a, cwd))
        else:
            times_a.append(_seconds(a, cwd))
            times_b.append(_seconds(b, cwd))
    return statistics.median(times_a) / statistics.median(times_b)


def _dispatch_seconds(runs: int, cwd: str) -> tuple[float, float]:
    """Medians over fresh processes: (first dispatching request, second one), in seconds."""
    firsts: list[float] = []
    seconds: list[float] = []
    for _ in range(runs + 1):
        done = subprocess.run(
            [sys.executable, "-c", FIRST_DISPATCH],
            cwd=cwd,
            env=ENV,
            check=True,
            capture_output=True,
            text=True,
        )
        first, second = map(float, done.stdout.split())
        firsts.append(first)
        seconds.append(second)
    return statistics.median(firsts), statistics.median(seconds)


def figures(runs: int) -> dict[str, float]:
    """The startup figures, by name (ratios, then absolute seconds)."""
    python = sys.executable
    with tempfile.TemporaryDirectory() as work:
        Path(work, "test_one.py").write_text(TRIVIAL_TEST)
        first_dispatch, second_dispatch = _dispatch_seconds(runs, work)
        pytest = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_one.py"]
        return {
            "startup_import_package_vs_import_moto": _median_ratio(
                [python, "-c", "import moto_batch_service"],
                [python, "-c", "import moto"],
                runs,
                work,
            ),
            "startup_pytest_with_plugin_vs_without": _median_ratio(
                pytest, [*pytest, "-p", "no:moto_batch_service"], runs, work
            ),
            "startup_first_describe_job_queues_with_package_vs_plain_moto": _median_ratio(
                [python, "-c", "import moto_batch_service\n" + FIRST_DESCRIBE],
                [python, "-c", FIRST_DESCRIBE],
                runs,
                work,
            ),
            **_first_list(python, runs, work),
            "startup_first_dispatch_seconds": first_dispatch,
            "startup_first_dispatch_vs_second_dispatch": first_dispatch / second_dispatch,
        }


def _first_list(python: str, runs: int, cwd: str) -> dict[str, float]:
    _run([python, "-c", FIRST_LIST], cwd)
    runs_ = [_run([python, "-c", FIRST_LIST], cwd) for _ in range(runs)]
    return {
        "startup_first_list_service_jobs_cpu_seconds": statistics.median(c for c, _ in runs_),
        "startup_first_list_service_jobs_wall_seconds": statistics.median(w for _, w in runs_),
    }
