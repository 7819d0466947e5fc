"""Service jobs under concurrent load, through moto's threaded server.

Eight client threads (each with its own boto3 client) submit, list, update and terminate
service jobs in one queue while other threads take full paginated listings. Nothing may be
lost or duplicated, IDs are unique, and a full listing taken during the churn sees every job
that existed before it started exactly once.

``MOTO_BATCH_LOAD_SUBMITS`` sets the submits per thread (default 100; the issue's figure is
500: ``MOTO_BATCH_LOAD_SUBMITS=500 python -m pytest tests/test_concurrency.py -q -s``).
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from collections import Counter
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.conftest import PAYLOAD, REGION, make_queue

THREADS = 8
SUBMITS = int(os.environ.get("MOTO_BATCH_LOAD_SUBMITS", "100"))
PRESEEDED = 150
REASON = "load test"
ALL_NAMES = [{"name": "JOB_NAME", "values": ["*"]}]
MODEL = "batch::service_job"


def client(endpoint: str) -> Any:
    """A boto3 batch client of its own (boto3's default session is not thread-safe)."""
    return boto3.session.Session().client(
        "batch",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        # No retries: a failed request must fail the test, not be sent twice.
        config=Config(retries={"total_max_attempts": 1}, max_pool_connections=4),
    )


def full_listing(batch: Any) -> tuple[list[str], int]:
    """Job IDs of every page of the queue's JOB_NAME ``*`` listing, in order; the pages."""
    ids: list[str] = []
    request: dict[str, Any] = {"jobQueue": "load", "filters": ALL_NAMES, "maxResults": 100}
    pages = 0
    while True:
        page = batch.list_service_jobs(**request)
        pages += 1
        ids += [summary["jobId"] for summary in page["jobSummaryList"]]
        if "nextToken" not in page:
            return ids, pages
        request["nextToken"] = page["nextToken"]


def submit(batch: Any, name: str, token: str) -> str:
    return batch.submit_service_job(  # type: ignore[no-any-return]
        jobName=name,
        jobQueue="load",
        serviceJobType="SAGEMAKER_TRAINING",
        serviceRequestPayload=PAYLOAD,
        clientToken=token,
    )["jobId"]


class Load:
    """Shared record of the churn: what each thread did, under a lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.completed: list[str] = []  # IDs whose SubmitServiceJob answer has arrived
        self.repeats: list[tuple[str, str]] = []  # (first jobId, jobId of the same clientToken)
        self.updated: dict[str, int] = {}
        self.update_refusals: dict[str, str] = {}
        self.terminated: list[str] = []
        self.listings: list[tuple[set[str], list[str]]] = []  # (existing before, listed)
        self.errors: list[BaseException] = []
        self.requests = Counter[str]()
        self.churn_done = threading.Event()
        self.quarter_done = threading.Event()

    def count(self, operation: str, n: int = 1) -> None:
        with self.lock:
            self.requests[operation] += n


def churn(endpoint: str, worker: int, load: Load, start: threading.Barrier) -> None:
    batch = client(endpoint)
    mine: list[str] = []
    start.wait()
    for i in range(SUBMITS):
        token = f"w{worker}-{i}"
        job_id = submit(batch, f"w{worker}-job-{i}", token)
        load.count("SubmitServiceJob")
        mine.append(job_id)
        with load.lock:
            load.completed.append(job_id)
            if len(load.completed) >= THREADS * SUBMITS // 4:
                load.quarter_done.set()
        if i % 10 == 3:  # the same request again: the same job, not a new one
            load.repeats.append((job_id, submit(batch, f"w{worker}-job-{i}", token)))
            load.count("SubmitServiceJob")
        if i % 5 == 1:
            priority = worker * 1000 + i
            try:
                batch.update_service_job(jobId=job_id, schedulingPriority=priority)
                load.updated[job_id] = priority
            except ClientError as error:  # it may have finished already
                load.update_refusals[job_id] = error.response["Error"]["Message"]
            load.count("UpdateServiceJob")
        if i % 5 == 2:
            batch.terminate_service_job(jobId=job_id, reason=REASON)
            load.terminated.append(job_id)
            load.count("TerminateServiceJob")
        if i % 10 == 9:  # a page of this thread's own jobs, newest first
            page = batch.list_service_jobs(
                jobQueue="load",
                filters=[{"name": "JOB_NAME", "values": [f"w{worker}-job-*"]}],
                maxResults=5,
            )
            load.count("ListServiceJobs")
            assert [s["jobId"] for s in page["jobSummaryList"]] == mine[::-1][:5]


def lister(endpoint: str, load: Load) -> None:
    """Full listings, one after the other, from a quarter of the churn until its end."""
    batch = client(endpoint)
    load.quarter_done.wait()
    while not load.churn_done.is_set():
        with load.lock:
            existing = set(load.completed)
        listed, pages = full_listing(batch)
        load.count("ListServiceJobs", pages)
        load.listings.append((existing, listed))


def guarded(target: Any, load: Load, start: threading.Barrier, *args: Any) -> threading.Thread:
    def run() -> None:
        try:
            target(*args)
        except BaseException as error:  # reported by the test, not lost in the thread
            load.errors.append(error)
            start.abort()  # nobody waits for a thread that will not come
            load.quarter_done.set()

    return threading.Thread(target=run, daemon=True)


@pytest.fixture
def load_queue(moto_batch_endpoint: str) -> list[str]:
    """The queue ``load`` with PRESEEDED submitted jobs; their IDs."""
    batch = client(moto_batch_endpoint)
    make_queue(batch, "load")
    return [submit(batch, f"pre-{i}", f"pre-{i}") for i in range(PRESEEDED)]


@pytest.fixture
def frequent_thread_switches() -> Any:
    """Switch threads every microsecond (CPython's default is 5 ms), so that requests
    interleave inside the handlers: without the backend lock, this load fails with 500s."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


@pytest.mark.requires_operation("UpdateServiceJob")
def test_concurrent_clients_lose_and_duplicate_nothing(
    moto_batch_endpoint, load_queue, frequent_thread_switches
):
    load = Load()
    start = threading.Barrier(THREADS + 1)
    workers = [
        guarded(churn, load, start, moto_batch_endpoint, worker, load, start)
        for worker in range(THREADS)
    ]
    listers = [guarded(lister, load, start, moto_batch_endpoint, load) for _ in range(2)]
    for thread in workers + listers:
        thread.start()
    began = time.monotonic()
    try:
        start.wait()
    except threading.BrokenBarrierError:
        pass  # a thread failed before the start: its error is reported below
    for thread in workers:
        thread.join()
    load.churn_done.set()
    for thread in listers:
        thread.join()
    elapsed = time.monotonic() - began
    assert load.errors == []

    batch = client(moto_batch_endpoint)
    final, _ = full_listing(batch)
    submitted = set(load.completed)
    print(
        f"\n{THREADS} threads x {SUBMITS} submits: {sum(load.requests.values())} requests "
        f"{dict(load.requests)} in {elapsed:.1f} s; {len(load.listings)} full listings "
        f"during the churn; {len(final)} jobs at the end"
    )

    # Nothing lost, nothing duplicated, unique IDs.
    assert len(load.completed) == THREADS * SUBMITS
    assert len(submitted) == THREADS * SUBMITS
    assert submitted.isdisjoint(load_queue)
    assert len(final) == len(set(final))
    assert set(final) == submitted | set(load_queue)
    assert [first == again for first, again in load.repeats] == [True] * len(load.repeats)
    # Every listing taken during the churn: each job that existed before it, exactly once;
    # never a job twice; never a job that was not submitted.
    assert load.listings, "no full listing ran during the churn"
    for existing, listed in load.listings:
        counts = Counter(listed)
        assert [job for job, n in counts.items() if n > 1] == []
        assert set(load_queue) | existing <= set(counts)
        assert set(counts) <= submitted | set(load_queue)
    # Every update and termination took effect (or met a job that had already finished).
    summaries = {
        summary["jobId"]: summary
        for summary in batch.get_paginator("list_service_jobs")
        .paginate(jobQueue="load", filters=ALL_NAMES)
        .build_full_result()["jobSummaryList"]
    }
    for job_id, priority in load.updated.items():
        assert batch.describe_service_job(jobId=job_id)["schedulingPriority"] == priority
    for job_id, message in load.update_refusals.items():
        status = summaries[job_id]["status"]
        assert status in ("SUCCEEDED", "FAILED")
        assert message == f"Job {job_id} is {status}: a finished job cannot be updated"
    for job_id in load.terminated:  # (isTerminated: not in botocore 1.43.11's summaries)
        job = summaries[job_id]
        assert (job["status"], job.get("statusReason")) in (
            ("FAILED", REASON),
            ("SUCCEEDED", "Received status from SageMaker: Training job completed"),
        )


class RecordingLock:
    """An RLock that counts, per thread, how often it was entered with ``with``."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.entered: Counter[str] = Counter()

    def __enter__(self) -> RecordingLock:
        self._lock.acquire()
        self.entered[threading.current_thread().name] += 1
        return self

    def __exit__(self, *exc: Any) -> None:
        self._lock.release()


@pytest.mark.requires_operation("UpdateServiceJob")
def test_every_request_is_served_under_its_backend_lock(moto_batch_endpoint, monkeypatch):
    from moto_batch_service import service_job_backends
    from tests.conftest import ACCOUNT

    lock = RecordingLock()
    monkeypatch.setattr(service_job_backends[ACCOUNT][REGION], "lock", lock)
    batch = client(moto_batch_endpoint)

    batch.create_service_environment(
        serviceEnvironmentName="env",
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=[{"maxCapacity": 1, "capacityUnit": "NUM_INSTANCES"}],
    )
    batch.create_job_queue(
        jobQueueName="q",
        priority=1,
        jobQueueType="SAGEMAKER_TRAINING",
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "env"}],
    )
    job = batch.submit_service_job(
        jobName="j", jobQueue="q", serviceJobType="SAGEMAKER_TRAINING", serviceRequestPayload="{}"
    )
    batch.list_service_jobs(jobQueue="q", filters=ALL_NAMES)
    batch.describe_service_job(jobId=job["jobId"])
    batch.update_service_job(jobId=job["jobId"], schedulingPriority=3)
    batch.terminate_service_job(jobId=job["jobId"], reason="done")
    batch.describe_job_queues()
    batch.tag_resource(resourceArn=job["jobArn"], tags={"k": "v"})
    with pytest.raises(ClientError):
        batch.describe_service_job(jobId="nope")

    # Ten requests, each entered the lock once, all in the server's threads.
    assert sum(lock.entered.values()) == 10
    assert threading.current_thread().name not in lock.entered


# -- requests racing /moto-api/reset ----------------------------------------------------------

RAW_HEADERS = {
    "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/batch/aws4_request, "
    "SignedHeaders=host, Signature=0",
    "Content-Type": "application/json",
}
ROUNDS = 40
# What a request may be told when a reset wiped what it refers to (the answer after the reset).
AFTER_A_RESET = re.compile(
    r"Object already exists|Service environment env does not exist"
    r"|JobQueue q not found\.|Job [0-9a-f-]+ not found"
)


def test_a_request_racing_a_reset_answers_as_before_or_after_it(moto_batch_endpoint):
    """Three clients build, submit, list, describe and terminate while a fourth resets the
    server back to back: every answer is one the store gives before or after a reset."""
    import requests

    answers: list[tuple[str, int, dict[str, Any]]] = []
    done = threading.Event()

    def call(session: Any, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        response = session.post(
            f"{moto_batch_endpoint}/v1/{operation}", json=body, headers=RAW_HEADERS, timeout=30
        )
        try:
            parsed = response.json()
        except ValueError:
            parsed = {"text": response.text[:300]}
        answers.append((operation, response.status_code, parsed))
        return parsed if response.status_code == 200 else {}

    def work(n: int) -> None:
        session = requests.Session()
        for _ in range(ROUNDS):
            call(
                session,
                "createserviceenvironment",
                {
                    "serviceEnvironmentName": "env",
                    "serviceEnvironmentType": "SAGEMAKER_TRAINING",
                    "capacityLimits": [{"maxCapacity": 5, "capacityUnit": "NUM_INSTANCES"}],
                },
            )
            call(
                session,
                "createjobqueue",
                {
                    "jobQueueName": "q",
                    "priority": 1,
                    "jobQueueType": "SAGEMAKER_TRAINING",
                    "serviceEnvironmentOrder": [{"order": 1, "serviceEnvironment": "env"}],
                },
            )
            job = call(
                session,
                "submitservicejob",
                {
                    "jobName": f"job{n}",
                    "jobQueue": "q",
                    "serviceJobType": "SAGEMAKER_TRAINING",
                    "serviceRequestPayload": PAYLOAD,
                },
            )
            call(session, "listservicejobs", {"jobQueue": "q", "filters": ALL_NAMES})
            if job:
                call(session, "describeservicejob", {"jobId": job["jobId"]})
                call(session, "terminateservicejob", {"jobId": job["jobId"], "reason": REASON})
            call(session, "describejobqueues", {})

    resets = 0

    def reset() -> None:
        nonlocal resets
        session = requests.Session()
        for _ in range(50 * ROUNDS):  # bounded; stops early once the clients are done
            if done.is_set():
                return
            session.post(f"{moto_batch_endpoint}/moto-api/reset", timeout=30).raise_for_status()
            resets += 1

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: races show up
    try:
        workers = [threading.Thread(target=work, args=(n,)) for n in range(3)]
        resetter = threading.Thread(target=reset)
        resetter.start()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        done.set()
        resetter.join()
    finally:
        sys.setswitchinterval(interval)

    assert resets > 0
    unexpected = [
        answer
        for answer in answers
        if answer[1] != 200
        and not (
            answer[1] == 400
            and answer[2].get("__type") == "ClientException"
            and AFTER_A_RESET.fullmatch(answer[2].get("message", ""))
        )
    ]
    assert unexpected == []
