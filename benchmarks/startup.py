"""What the package costs a process that starts: fresh interpreters, timed from outside.

Each ratio is one of medians over ``runs`` fresh processes per side, the two sides
interleaved (A, B, B, A, ...), of the CPU time (user + system) each process used: unlike
its wall time, that does not grow when other processes share the machine's cores. The time
to a first ``list_service_jobs`` is given both as CPU and as wall seconds.
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


def figures(runs: int) -> dict[str, float]:
    """The startup figures, by name (ratios, then absolute seconds)."""
    python = sys.executable
    with tempfile.TemporaryDirectory() as work:
        Path(work, "test_one.py").write_text(TRIVIAL_TEST)
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
        }


def _first_list(python: str, runs: int, cwd: str) -> dict[str, float]:
    _run([python, "-c", FIRST_LIST], cwd)
    runs_ = [_run([python, "-c", FIRST_LIST], cwd) for _ in range(runs)]
    return {
        "startup_first_list_service_jobs_cpu_seconds": statistics.median(c for c, _ in runs_),
        "startup_first_list_service_jobs_wall_seconds": statistics.median(w for _, w in runs_),
    }
