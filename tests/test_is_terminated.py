"""``isTerminated``: true when a termination ended the job (the caller's or AWS Batch's own),
false when the job failed (spec §5 DescribeServiceJob, §7.2)."""

from __future__ import annotations

import json
from typing import Any

import pytest

import moto_batch_service as mbs
from tests.conftest import PAYLOAD, Clock

ML = "ml.m5.xlarge"
MAX_RESOURCE = "MISCONFIGURATION:SERVICE_ENVIRONMENT_MAX_RESOURCE"
ALL = [{"name": "JOB_NAME", "values": ["*"]}]


def payload(count: int = 1) -> str:
    request = json.loads(PAYLOAD)
    request["ResourceConfig"]["InstanceCount"] = count
    return json.dumps(request)


def fifo_queue(batch: Any, capacity: int = 4, **extra: Any) -> str:
    batch.create_service_environment(
        serviceEnvironmentName="env",
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=[{"maxCapacity": capacity, "capacityUnit": "NUM_INSTANCES"}],
    )
    batch.create_job_queue(
        jobQueueName="q",
        priority=1,
        jobQueueType="SAGEMAKER_TRAINING",
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "env"}],
        **extra,
    )
    return "q"


def quota_queue(batch: Any) -> str:
    """Queue "q" on 2 ml.m5.xlarge: "lender" (LEND 1) and "borrower" (LEND_AND_BORROW 1)."""
    batch.create_service_environment(
        serviceEnvironmentName="env",
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=[{"maxCapacity": 2, "capacityUnit": ML}],
    )
    policy = batch.create_scheduling_policy(
        name="quota", quotaSharePolicy={"idleResourceAssignmentStrategy": "FIFO"}
    )
    batch.create_job_queue(
        jobQueueName="q",
        priority=1,
        jobQueueType="SAGEMAKER_TRAINING",
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "env"}],
        schedulingPolicyArn=policy["arn"],
    )
    for name, strategy in (("lender", "LEND"), ("borrower", "LEND_AND_BORROW")):
        batch.create_quota_share(
            quotaShareName=name,
            jobQueue="q",
            capacityLimits=[{"maxCapacity": 1, "capacityUnit": ML}],
            resourceSharingConfiguration={"strategy": strategy},
            preemptionConfiguration={"inSharePreemption": "DISABLED"},
        )
    return "q"


def submit(batch: Any, queue: str, name: str = "job", count: int = 1, **extra: Any) -> str:
    return batch.submit_service_job(  # type: ignore[no-any-return]
        jobName=name,
        jobQueue=queue,
        serviceJobType="SAGEMAKER_TRAINING",
        serviceRequestPayload=payload(count),
        **extra,
    )["jobId"]


def look(batch: Any, queue: str, times: int = 1, pattern: str = "*") -> None:
    """Look ``times`` times at the queue's jobs whose names match ``pattern``."""
    for _ in range(times):
        batch.list_service_jobs(jobQueue=queue, filters=[{"name": "JOB_NAME", "values": [pattern]}])


def raw_summaries(batch: Any, queue: str) -> dict[str, dict[str, Any]]:
    """jobId -> the ListServiceJobs summary as sent (before botocore drops members it lacks)."""
    bodies: list[bytes] = []

    def keep(response_dict: dict[str, Any], **_: Any) -> None:
        bodies.append(response_dict["body"])

    batch.meta.events.register("before-parse.batch.ListServiceJobs", keep, unique_id="raw")
    try:
        batch.list_service_jobs(jobQueue=queue, filters=ALL)
    finally:
        batch.meta.events.unregister("before-parse.batch.ListServiceJobs", unique_id="raw")
    return {s["jobId"]: s for s in json.loads(bodies[0])["jobSummaryList"]}


# -- ways a job ends FAILED: (job ID, its queue, or None once the queue is gone) ------------


def terminated_before_dispatch(batch: Any, clock: Clock) -> tuple[str, str | None]:
    job_id = submit(batch, fifo_queue(batch))
    batch.terminate_service_job(jobId=job_id, reason="not needed")
    return job_id, "q"


def terminated_while_running(batch: Any, clock: Clock) -> tuple[str, str | None]:
    job_id = submit(batch, fifo_queue(batch))
    look(batch, "q", times=4)  # RUNNING
    batch.terminate_service_job(jobId=job_id, reason="not needed")
    look(batch, "q")  # the stop completes
    return job_id, "q"


def terminated_in_bulk(batch: Any, clock: Clock) -> tuple[str, str | None]:
    job_id = submit(batch, fifo_queue(batch))
    look(batch, "q", times=2)  # RUNNABLE
    assert batch.terminate_service_jobs(jobs=[job_id], reason="not needed")["errors"] == []
    return job_id, "q"


def time_limit_terminate(batch: Any, clock: Clock) -> tuple[str, str | None]:
    action = {"reason": MAX_RESOURCE, "state": "RUNNABLE", "maxTimeSeconds": 600}
    queue = fifo_queue(batch, jobStateTimeLimitActions=[{**action, "action": "TERMINATE"}])
    job_id = submit(batch, queue, count=5)
    look(batch, queue, times=3)  # blocked: larger than the environment
    clock.advance(600)
    look(batch, queue)
    return job_id, queue


def queue_deleted(batch: Any, clock: Clock) -> tuple[str, str | None]:
    job_id = submit(batch, fifo_queue(batch))
    look(batch, "q", times=4)  # RUNNING
    batch.update_job_queue(jobQueue="q", state="DISABLED")
    batch.delete_job_queue(jobQueue="q")
    return job_id, None


def quota_share_deleted(batch: Any, clock: Clock) -> tuple[str, str | None]:
    queue = quota_queue(batch)
    job_id = submit(batch, queue, quotaShareName="lender")
    look(batch, queue, times=4)  # RUNNING
    arn = batch.describe_job_queues(jobQueues=[queue])["jobQueues"][0]["jobQueueArn"]
    share = f"{arn}/quota-share/lender"
    batch.update_quota_share(quotaShareArn=share, state="DISABLED")
    batch.delete_quota_share(quotaShareArn=share)
    return job_id, queue


def preemption_retries_exhausted(batch: Any, clock: Clock) -> tuple[str, str | None]:
    queue = quota_queue(batch)
    preempted = {"preemptionRetriesBeforeTermination": 0}
    job_id = submit(
        batch, queue, "b1", 2, quotaShareName="borrower", preemptionConfiguration=preempted
    )
    look(batch, queue, times=3)  # SCHEDULED, borrowing the lender's instance
    submit(batch, queue, "a1", quotaShareName="lender")
    look(batch, queue, times=3, pattern="a1")  # a1 is dispatched: b1 is preempted for good
    return job_id, queue


def sagemaker_failure(batch: Any, clock: Clock) -> tuple[str, str | None]:
    job_id = submit(batch, fifo_queue(batch))
    mbs.plan_service_job_attempts(job_id, mbs.fail_attempt("AlgorithmError: boom"))
    look(batch, "q", times=5)
    return job_id, "q"


def exit_rule(batch: Any, clock: Clock) -> tuple[str, str | None]:
    strategy = {"attempts": 3, "evaluateOnExit": [{"action": "EXIT", "onStatusReason": "*"}]}
    job_id = submit(batch, fifo_queue(batch), retryStrategy=strategy)
    mbs.plan_service_job_attempts(job_id, mbs.fail_attempt("AlgorithmError: boom"))
    look(batch, "q", times=5)
    return job_id, "q"


def attempts_used_up(batch: Any, clock: Clock) -> tuple[str, str | None]:
    job_id = submit(batch, fifo_queue(batch), retryStrategy={"attempts": 2})
    mbs.plan_service_job_attempts(
        job_id, mbs.fail_attempt("AlgorithmError: a"), mbs.fail_attempt("ClientError: b")
    )
    look(batch, "q", times=9)  # fails, is retried, fails again
    return job_id, "q"


def attempt_timeout(batch: Any, clock: Clock) -> tuple[str, str | None]:
    job_id = submit(batch, fifo_queue(batch), timeoutConfig={"attemptDurationSeconds": 60})
    look(batch, "q", times=4)  # RUNNING
    clock.advance(60)
    look(batch, "q")
    return job_id, "q"


QUOTA = pytest.mark.requires_operation("CreateQuotaShare")
ENDINGS = [
    pytest.param(terminated_before_dispatch, True, "not needed", id="terminate-before-dispatch"),
    pytest.param(terminated_while_running, True, "not needed", id="terminate-while-running"),
    pytest.param(
        terminated_in_bulk,
        True,
        "not needed",
        id="terminate-in-bulk",
        marks=pytest.mark.requires_operation("TerminateServiceJobs"),
    ),
    pytest.param(
        time_limit_terminate,
        True,
        f"Terminated by JobStateTimeLimit action due to reason: {MAX_RESOURCE}",
        id="time-limit-action",
    ),
    pytest.param(queue_deleted, True, "Job queue deleted", id="queue-deleted"),
    pytest.param(
        quota_share_deleted, True, "Quota share deleted", id="quota-share-deleted", marks=QUOTA
    ),
    pytest.param(
        preemption_retries_exhausted,
        True,
        "Preempted by AWS Batch quota management",
        id="preemption-retries-exhausted",
        marks=QUOTA,
    ),
    pytest.param(
        sagemaker_failure,
        False,
        "Received status from SageMaker: AlgorithmError: boom",
        id="sagemaker-failure",
    ),
    pytest.param(
        exit_rule, False, "Received status from SageMaker: AlgorithmError: boom", id="exit-rule"
    ),
    pytest.param(
        attempts_used_up,
        False,
        "Received status from SageMaker: ClientError: b",
        id="attempts-used-up",
    ),
    pytest.param(
        attempt_timeout, False, "Job attempt duration exceeded timeout", id="attempt-timeout"
    ),
]


@pytest.mark.parametrize(("ending", "terminated", "reason"), ENDINGS)
def test_is_terminated_tells_a_termination_from_a_failure_in_describe(
    batch, clock, ending, terminated, reason
):
    job_id, _ = ending(batch, clock)

    described = batch.describe_service_job(jobId=job_id)

    assert (described["status"], described["statusReason"], described["isTerminated"]) == (
        "FAILED",
        reason,
        terminated,
    )


LISTED_ENDINGS = [p for p in ENDINGS if p.id != "queue-deleted"]  # a deleted queue lists nothing


@pytest.mark.parametrize(("ending", "terminated", "reason"), LISTED_ENDINGS)
def test_is_terminated_tells_a_termination_from_a_failure_in_the_summary(
    batch, clock, ending, terminated, reason
):
    job_id, queue = ending(batch, clock)
    assert queue is not None

    summary = raw_summaries(batch, queue)[job_id]

    assert (summary["status"], summary["statusReason"]) == ("FAILED", reason)
    # The summary carries isTerminated only when it is true.
    assert summary.get("isTerminated", "absent") == (True if terminated else "absent")
