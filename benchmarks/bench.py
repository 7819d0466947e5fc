"""How much a service-job call costs, against botocore's floor and moto's own batch calls.

Run:  python benchmarks/bench.py            (full figures, a few minutes)
      python benchmarks/bench.py --quick    (small N, one process per startup side: a smoke run)

Every per-call figure is a median of paired ratios from interleaved repetitions in one
process, never a lone absolute time. The startup figures (``startup_*``, see ``startup.py``)
are ratios of medians over fresh processes, the two sides interleaved, the absolute
time to a process's first ``list_service_jobs``, and the cost of its first dispatch. The
floor of a call is the same boto3 call answered by a ``before-send`` handler that replays
the identical response body, so serialisation, signing and parsing are paid on both sides.
Prints one ``name: value`` line per figure, then a summary line.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

import boto3
from botocore.awsrequest import AWSResponse
from moto import mock_aws
from moto.core.models import botocore_stubber
from moto.moto_api import state_manager

import moto_batch_service as mbs

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import startup

ACCOUNT, REGION = "123456789012", "us-east-1"
MODEL = "batch::service_job"
PAYLOAD = json.dumps(
    {
        "TrainingJobName": "bench",
        "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1},
    }
)
TARGETS = {
    "list_page_vs_floor": 1.4,
    "list_page_vs_moto_list_jobs": 0.8,
    "submit_vs_floor": 2.0,
    "submit_vs_moto_submit_job": 0.8,
    "list_page_vs_floor_immediate": 1.4,
    "list_page_vs_moto_list_jobs_immediate": 0.8,
    "submit_vs_floor_immediate": 2.0,
    "submit_vs_moto_submit_job_immediate": 0.8,
    "page_at_large_n_vs_small_n_status": 1.2,
    "page_at_large_n_vs_small_n_job_name": 1.2,
    "page_at_large_n_vs_small_n_sparse_job_name": 1.2,
    "bytes_per_held_job_tracemalloc": 1024,
    "startup_import_package_vs_import_moto": 1.10,
    "startup_pytest_with_plugin_vs_without": 1.10,
    "startup_first_describe_job_queues_with_package_vs_plain_moto": 1.10,
}


class _Raw:
    """Just enough of a urllib3 response for botocore to read a body from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, *_: Any, **__: Any) -> Any:
        yield self._body


def floor_client(operation: str, body: bytes) -> Any:
    """A batch client whose ``operation`` is answered by replaying ``body``, without moto."""
    client = boto3.client("batch", region_name=REGION)
    client.meta.events.unregister("before-send", botocore_stubber)
    headers = {"Content-Type": "application/json", "x-amzn-RequestId": "floor"}

    def replay(request: Any, **_: Any) -> AWSResponse:
        return AWSResponse(request.url, 200, headers, _Raw(body))

    client.meta.events.register(f"before-send.batch.{operation}", replay)
    return client


def raw_body(client: Any, operation: str, call: Callable[[], Any]) -> bytes:
    """The body moto answers ``call`` with."""
    bodies: list[bytes] = []

    def keep(response_dict: dict[str, Any], **_: Any) -> None:
        bodies.append(response_dict["body"])

    client.meta.events.register(f"before-parse.batch.{operation}", keep, unique_id="bench")
    call()
    client.meta.events.unregister(f"before-parse.batch.{operation}", unique_id="bench")
    return bodies[0]


def timed(call: Callable[[], Any], times: int) -> float:
    start = time.perf_counter()
    for _ in range(times):
        call()
    return (time.perf_counter() - start) / times


def paired_ratio(a: Callable[[], Any], b: Callable[[], Any], reps: int, inner: int) -> float:
    """Median over ``reps`` of time(a) / time(b), the two measured back to back."""
    ratios = []
    for rep in range(reps):
        first, second = (a, b) if rep % 2 == 0 else (b, a)
        t_first, t_second = timed(first, inner), timed(second, inner)
        t_a, t_b = (t_first, t_second) if rep % 2 == 0 else (t_second, t_first)
        ratios.append(t_a / t_b)
    return statistics.median(ratios)


def make_queue(batch: Any, name: str, capacity: int = 100000) -> None:
    batch.create_service_environment(
        serviceEnvironmentName=name,
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=[{"maxCapacity": capacity, "capacityUnit": "NUM_INSTANCES"}],
    )
    batch.create_job_queue(
        jobQueueName=name,
        priority=1,
        jobQueueType="SAGEMAKER_TRAINING",
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": name}],
    )


def container_queue(batch: Any, jobs: int) -> str:
    """A moto container queue with ``jobs`` finished jobs (batch_simple, no Docker)."""
    iam = boto3.client("iam", region_name=REGION)
    role = iam.create_role(RoleName="bench", AssumeRolePolicyDocument="{}", Path="/")["Role"]["Arn"]
    env = batch.create_compute_environment(
        computeEnvironmentName="bench-ce", type="UNMANAGED", state="ENABLED", serviceRole=role
    )
    batch.create_job_queue(
        jobQueueName="bench-containers",
        priority=1,
        state="ENABLED",
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": env["computeEnvironmentArn"]}],
    )
    batch.register_job_definition(
        jobDefinitionName="bench-def",
        type="container",
        containerProperties={"image": "busybox", "vcpus": 1, "memory": 128, "command": ["true"]},
    )
    for i in range(jobs):
        batch.submit_job(jobName=f"c{i}", jobQueue="bench-containers", jobDefinition="bench-def")
    return "bench-containers"


def page_cost(batch: Any, queue: str, request: dict[str, Any]) -> Callable[[], float]:
    """A function that pages through the whole listing and returns the time per page."""

    def full_pass() -> float:
        pages, token = 0, None
        start = time.perf_counter()
        while True:
            extra: dict[str, Any] = {"nextToken": token} if token else {}
            response = batch.list_service_jobs(jobQueue=queue, maxResults=100, **request, **extra)
            pages += 1
            token = response.get("nextToken")
            if not token:
                break
        return (time.perf_counter() - start) / pages

    return full_pass


def flatness(batch: Any, small: str, large: str, request: dict[str, Any], reps: int) -> float:
    small_pass, large_pass = page_cost(batch, small, request), page_cost(batch, large, request)
    ratios = []
    for _ in range(reps):
        ratios.append(large_pass() / small_pass())
    return statistics.median(ratios)


RARE = 200  # eval-* jobs renamed rare-* in every seeded queue, whatever its size


def seed(queue: str, jobs: int) -> None:
    """40% train-* (whole pages of 100 at 500 and 50,000 jobs), the rest eval-*, of which
    RARE, spread out, are rare-*; oldest first."""
    others = [i for i in range(jobs) if i % 5 not in (1, 3)]
    rare = {others[k * len(others) // RARE] for k in range(min(RARE, len(others)))}
    for i in range(jobs):
        family = "train" if i % 5 in (1, 3) else "rare" if i in rare else "eval"
        mbs.add_service_job(
            queue,
            f"{family}-{i}",
            status="RUNNING",
            created_at=1_700_000_000_000 + i,
            service_request_payload=PAYLOAD,
        )


def memory_per_job(jobs: int) -> tuple[float, float]:
    """(tracemalloc bytes, RSS bytes) per held seeded job, payload text excluded."""
    gc.collect()
    rss_before = _rss()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    seed("memory", jobs)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    rss_after = _rss()
    payload_bytes = sys.getsizeof(PAYLOAD)  # one shared string: no per-job text here
    return (after - before) / jobs - payload_bytes / jobs, (rss_after - rss_before) / jobs


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def per_call(batch: Any, containers: str, suffix: str, reps: int, inner: int) -> dict[str, float]:
    """List page and submit against their floors and moto's own calls, under the transition
    in force (``suffix`` names it in the figures)."""
    figures: dict[str, float] = {}
    page, submit_queue = f"page{suffix}", f"submit{suffix}"
    make_queue(batch, page)
    for i in range(100):
        mbs.add_service_job(page, f"job-{i}", status="RUNNING", service_request_payload=PAYLOAD)

    def list_ours() -> Any:
        return batch.list_service_jobs(jobQueue=page)

    floor = floor_client("ListServiceJobs", raw_body(batch, "ListServiceJobs", list_ours))
    figures[f"list_page_vs_floor{suffix}"] = paired_ratio(
        list_ours, lambda: floor.list_service_jobs(jobQueue=page), reps, inner
    )
    figures[f"list_page_vs_moto_list_jobs{suffix}"] = paired_ratio(
        list_ours,
        lambda: batch.list_jobs(jobQueue=containers, jobStatus="SUCCEEDED"),
        reps,
        inner,
    )

    make_queue(batch, submit_queue)
    request = {
        "jobName": "bench",
        "jobQueue": submit_queue,
        "serviceJobType": "SAGEMAKER_TRAINING",
        "serviceRequestPayload": PAYLOAD,
    }

    def submit_ours() -> Any:
        return batch.submit_service_job(**request)

    submit_floor = floor_client(
        "SubmitServiceJob", raw_body(batch, "SubmitServiceJob", submit_ours)
    )
    figures[f"submit_vs_floor{suffix}"] = paired_ratio(
        submit_ours, lambda: submit_floor.submit_service_job(**request), reps, inner
    )
    figures[f"submit_vs_moto_submit_job{suffix}"] = paired_ratio(
        submit_ours,
        lambda: batch.submit_job(jobName="c", jobQueue=containers, jobDefinition="bench-def"),
        reps,
        inner,
    )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small N, few repetitions")
    parser.add_argument(
        "--startup-runs", type=int, default=None, help="fresh processes per startup side"
    )
    args = parser.parse_args(argv)
    startup_runs = args.startup_runs or (1 if args.quick else 11)
    reps, inner = (3, 3) if args.quick else (15, 20)
    small_n, large_n = (200, 2_000) if args.quick else (500, 50_000)
    figures: dict[str, float] = {}

    # Each transition in a store of its own, so moto's own calls meet the same store size.
    for suffix, transition in (("", None), ("_immediate", {"progression": "immediate"})):
        with mock_aws(config={"batch": {"use_docker": False}}):
            batch = boto3.client("batch", region_name=REGION)
            containers = container_queue(batch, 100)
            if transition is not None:
                # Every job submitted then runs to its end at the next request (its training
                # job made in moto's SageMaker).
                state_manager.set_transition(MODEL, transition)
            try:
                figures.update(per_call(batch, containers, suffix, reps, inner))
            finally:
                state_manager.unset_transition(MODEL)

    with mock_aws(config={"batch": {"use_docker": False}}):
        batch = boto3.client("batch", region_name=REGION)
        make_queue(batch, "small")
        make_queue(batch, "large")
        seed("small", small_n)
        seed("large", large_n)
        pass_reps = 3 if args.quick else 5
        listings: dict[str, dict[str, Any]] = {
            "status": {"jobStatus": "RUNNING"},
            "job_name": {"filters": [{"name": "JOB_NAME", "values": ["train*"]}]},
            "sparse_job_name": {"filters": [{"name": "JOB_NAME", "values": ["rare-*"]}]},
        }
        for label, listing in listings.items():
            figures[f"page_at_large_n_vs_small_n_{label}"] = flatness(
                batch, "small", "large", listing, pass_reps
            )
        traced, rss = memory_per_job(large_n)
        figures["bytes_per_held_job_tracemalloc"] = traced
        figures["bytes_per_held_job_rss"] = rss

    figures.update(startup.figures(startup_runs))
    print(f"n_small: {small_n}")
    print(f"n_large: {large_n}")
    print(f"startup_runs: {startup_runs}")
    for name, value in figures.items():
        print(f"{name}: {value:.2f}")
    missed = [name for name, target in TARGETS.items() if figures[name] > target]
    verdict = "all targets met" if not missed else "targets missed: " + ", ".join(missed)
    print(f"summary: {verdict} (" + ", ".join(f"{n} <= {t}" for n, t in TARGETS.items()) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
