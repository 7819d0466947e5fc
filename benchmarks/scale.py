"""Scale: what one request costs while N submitted jobs wait for capacity.

Run:  python benchmarks/scale.py            (N = 500 and 50,000: several minutes)
      python benchmarks/scale.py --quick    (tiny N, few repetitions: a smoke run)

For each kind of queue (FIFO, fair share with two share identifiers, quota management with
one quota share) and each transition (the default ``manual``/1, ``immediate``, ``time`` with
1 second), two stores are built side by side in one process, one region each: a queue whose
only instance is held by a job seeded RUNNING, and N submitted jobs waiting behind it (all
RUNNABLE). Then ``DescribeServiceJob`` of a waiting job, a ``ListServiceJobs`` page of 100,
``SubmitServiceJob`` and ``TerminateServiceJob`` of a waiting job are timed against both
stores, interleaved; each figure is the median over repetitions of large ÷ small. The time
to submit the large backlog is set against 100 (large ÷ small) times the small one's.
The ``held`` figures time the same four requests beside 1,000 and 100,000 held jobs (seeded,
half RUNNING, half SUCCEEDED, in another queue), garbage collection included.
Prints one ``name: value`` line per figure, then a summary line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

import boto3
from moto import mock_aws
from moto.moto_api import state_manager

import moto_batch_service as mbs

SMALL_REGION, LARGE_REGION = "us-east-1", "us-west-2"
MODEL = "batch::service_job"
INSTANCE = "ml.m5.xlarge"
PAYLOAD = json.dumps(
    {"TrainingJobName": "scale", "ResourceConfig": {"InstanceType": INSTANCE, "InstanceCount": 1}}
)
KINDS = ("fifo", "fairshare", "quota")
TRANSITIONS: dict[str, dict[str, Any] | None] = {
    "default": None,
    "immediate": {"progression": "immediate"},
    "time": {"progression": "time", "seconds": 1},
}
OPERATIONS = ("describe", "list_page", "submit", "terminate")
TARGET = 1.2  # every figure: large / small (the backlog: / (N ratio) times small)


def set_transition(transition: dict[str, Any] | None) -> None:
    if transition is None:
        state_manager.unset_transition(MODEL)
    else:
        state_manager.set_transition(MODEL, transition)


class Store:
    """One region's queue of ``kind`` with ``n`` jobs waiting behind a held instance."""

    def __init__(self, region: str, kind: str, n: int) -> None:
        self.batch = boto3.client("batch", region_name=region)
        self.region = region
        self.kind = kind
        self.submitted = 0
        limits = [
            {"maxCapacity": 1, "capacityUnit": INSTANCE if kind == "quota" else "NUM_INSTANCES"}
        ]
        self.batch.create_service_environment(
            serviceEnvironmentName="env",
            serviceEnvironmentType="SAGEMAKER_TRAINING",
            capacityLimits=limits,
        )
        queue: dict[str, Any] = {}
        if kind == "fairshare":
            queue["schedulingPolicyArn"] = self.batch.create_scheduling_policy(
                name="fair", fairsharePolicy={"shareDistribution": [{"shareIdentifier": "a"}]}
            )["arn"]
        elif kind == "quota":
            queue["schedulingPolicyArn"] = self.batch.create_scheduling_policy(
                name="quota", quotaSharePolicy={"idleResourceAssignmentStrategy": "FIFO"}
            )["arn"]
        self.batch.create_job_queue(
            jobQueueName="q",
            priority=1,
            jobQueueType="SAGEMAKER_TRAINING",
            serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "env"}],
            **queue,
        )
        if kind == "quota":
            self.batch.create_quota_share(
                quotaShareName="team",
                jobQueue="q",
                capacityLimits=[{"maxCapacity": 1, "capacityUnit": INSTANCE}],
                resourceSharingConfiguration={"strategy": "RESERVE"},
                preemptionConfiguration={"inSharePreemption": "DISABLED"},
            )
        mbs.add_service_job(
            "q",
            "holder",
            status="RUNNING",
            service_request_payload=PAYLOAD,
            region_name=region,
            **self.share_of(0),
        )
        start = time.perf_counter()
        self.waiting = [self.submit() for _ in range(n)]
        self.backlog_seconds = time.perf_counter() - start
        self.victims = self.waiting[len(self.waiting) // 2 + 1 :]

    def share_of(self, i: int) -> dict[str, str]:
        if self.kind == "fairshare":
            return {"share_identifier": "ab"[i % 2]}
        if self.kind == "quota":
            return {"quota_share_name": "team"}
        return {}

    def submit(self) -> str:
        share = self.share_of(self.submitted)
        self.submitted += 1
        extra: dict[str, str] = {}
        if "share_identifier" in share:
            extra["shareIdentifier"] = share["share_identifier"]
        if "quota_share_name" in share:
            extra["quotaShareName"] = share["quota_share_name"]
        return str(
            self.batch.submit_service_job(
                jobName="waiting",
                jobQueue="q",
                serviceJobType="SAGEMAKER_TRAINING",
                serviceRequestPayload=PAYLOAD,
                **extra,
            )["jobId"]
        )

    def make_runnable(self, transition: str) -> None:
        """Every waiting job RUNNABLE (and tried once) under ``transition``."""
        if transition == "default":
            token = None
            while True:  # one look at each job, then a request to settle the looks
                extra = {"nextToken": token} if token else {}
                page = self.batch.list_service_jobs(jobQueue="q", maxResults=100, **extra)
                token = page.get("nextToken")
                if not token:
                    break
        for _ in range(3):
            self.describe()

    def describe(self) -> Any:
        return self.batch.describe_service_job(jobId=self.waiting[len(self.waiting) // 2])

    def list_page(self) -> Any:
        return self.batch.list_service_jobs(jobQueue="q", maxResults=100)

    def terminate(self) -> Any:
        return self.batch.terminate_service_job(jobId=self.victims.pop(), reason="scale")

    def operation(self, name: str) -> Callable[[], Any]:
        return {
            "describe": self.describe,
            "list_page": self.list_page,
            "submit": self.submit,
            "terminate": self.terminate,
        }[name]


def timed(call: Callable[[], Any], times: int) -> float:
    start = time.perf_counter()
    for _ in range(times):
        call()
    return (time.perf_counter() - start) / times


def compare(
    small: Callable[[], Any], large: Callable[[], Any], reps: int, inner: int
) -> tuple[float, float, float]:
    """(median seconds small, median seconds large, median of large ÷ small), interleaved."""
    ratios, small_times, large_times = [], [], []
    for rep in range(reps):
        if rep % 2:
            t_large, t_small = timed(large, inner), timed(small, inner)
        else:
            t_small, t_large = timed(small, inner), timed(large, inner)
        small_times.append(t_small)
        large_times.append(t_large)
        ratios.append(t_large / t_small)
    return statistics.median(small_times), statistics.median(large_times), statistics.median(ratios)


def measure(
    kind: str, transition: str, small_n: int, large_n: int, reps: int, inner: int
) -> dict[str, float]:
    figures: dict[str, float] = {}
    build = "immediate" if transition == "time" else transition
    with mock_aws():
        set_transition(TRANSITIONS[build])
        try:
            small = Store(SMALL_REGION, kind, small_n)
            large = Store(LARGE_REGION, kind, large_n)
            for store in (small, large):
                store.make_runnable(build)
            set_transition(TRANSITIONS[transition])
            for store in (small, large):
                store.describe()  # the first request under the transition
            prefix = f"scale_{kind}_{transition}"
            for name in OPERATIONS:
                small_s, large_s, ratio = compare(
                    small.operation(name), large.operation(name), reps, inner
                )
                figures[f"{prefix}_{name}_small_ms"] = small_s * 1000
                figures[f"{prefix}_{name}_large_ms"] = large_s * 1000
                figures[f"{prefix}_{name}_large_vs_small"] = ratio
            scale = large_n / small_n
            figures[f"{prefix}_backlog_large_vs_small_times_n"] = large.backlog_seconds / (
                scale * small.backlog_seconds
            )
        finally:
            state_manager.unset_transition(MODEL)
    return figures


def measure_held(small_n: int, large_n: int, reps: int, inner: int) -> dict[str, float]:
    """The four requests on a queue of a few waiting jobs, beside ``small_n`` or ``large_n``
    held jobs."""
    figures: dict[str, float] = {}
    with mock_aws():
        stores = []
        for region, n in ((SMALL_REGION, small_n), (LARGE_REGION, large_n)):
            batch = boto3.client("batch", region_name=region)
            batch.create_service_environment(
                serviceEnvironmentName="held",
                serviceEnvironmentType="SAGEMAKER_TRAINING",
                capacityLimits=[{"maxCapacity": 10**6, "capacityUnit": "NUM_INSTANCES"}],
            )
            batch.create_job_queue(
                jobQueueName="held",
                priority=1,
                jobQueueType="SAGEMAKER_TRAINING",
                serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "held"}],
            )
            for i in range(n):
                mbs.add_service_job(
                    "held",
                    f"held-{i}",
                    status="RUNNING" if i % 2 else "SUCCEEDED",
                    service_request_payload=PAYLOAD,
                    region_name=region,
                )
            store = Store(region, "fifo", 2 * reps * inner + 4)  # a job to terminate per call
            store.make_runnable("default")
            stores.append(store)
        small, large = stores
        for name in OPERATIONS:
            small_s, large_s, ratio = compare(
                small.operation(name), large.operation(name), reps, inner
            )
            figures[f"held_{name}_small_ms"] = small_s * 1000
            figures[f"held_{name}_large_ms"] = large_s * 1000
            figures[f"held_{name}_large_vs_small"] = ratio
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny N, few repetitions")
    parser.add_argument("--kinds", default=",".join(KINDS), help="queue kinds, comma-separated")
    parser.add_argument(
        "--transitions", default=",".join(TRANSITIONS), help="transitions, comma-separated"
    )
    parser.add_argument("--large", type=int, default=None, help="N of the large store")
    parser.add_argument("--no-held", action="store_true", help="leave out the held figures")
    args = parser.parse_args(argv)
    small_n, large_n = (20, 200) if args.quick else (500, 50_000)
    if args.large:
        large_n = args.large
    reps, inner = (3, 2) if args.quick else (9, 20)
    held_small, held_large = (100, 1_000) if args.quick else (1_000, 100_000)
    print(f"n_small: {small_n}")
    print(f"n_large: {large_n}")
    print(f"held_small: {held_small}")
    print(f"held_large: {held_large}")
    figures: dict[str, float] = {}
    runs = [
        (measure, (kind, transition, small_n, large_n, reps, inner))
        for kind in args.kinds.split(",")
        for transition in args.transitions.split(",")
    ]
    if not args.no_held:
        runs.append((measure_held, (held_small, held_large, reps, inner)))
    for run, run_args in runs:
        measured = run(*run_args)
        for name, value in measured.items():
            print(f"{name}: {value:.3f}", flush=True)
        figures.update(measured)
    missed = [
        name
        for name, value in figures.items()
        if name.endswith(("_large_vs_small", "_times_n")) and value > TARGET
    ]
    verdict = "all targets met" if not missed else "targets missed: " + ", ".join(missed)
    print(f"summary: {verdict} (every large-vs-small figure <= {TARGET})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
