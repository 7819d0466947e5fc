"""How service jobs live: retries, capacity shortages, timeouts, dispatch by capacity and
order, fair share, queue time limits and termination (spec §4.2, §5, §6.4, §7)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

import moto_batch_service as mbs
from moto_batch_service import ServiceJobBackend, service_job_backends
from tests.conftest import (
    ACCOUNT,
    PAYLOAD,
    REGION,
    START,
    client_error,
    describe,
    time_limit_reason,
)

MODEL = "batch::service_job"
COMPLETED = "Received status from SageMaker: Training job completed"
CAPACITY = (
    "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - Unable to provision requested compute resources"
)
MAX_RESOURCE = (
    "MISCONFIGURATION:SERVICE_ENVIRONMENT_MAX_RESOURCE - Service environment(s) associated "
    "with the job queue cannot meet the capacity requirement of the job."
)
TIMEOUT = "Job attempt duration exceeded timeout"
OOM = "Received status from SageMaker: AlgorithmError: out of memory"
ALL = [{"name": "JOB_NAME", "values": ["*"]}]


# -- fixtures and helpers ------------------------------------------------------------------


def payload(count: int = 1, instance_type: str = "ml.m5.xlarge") -> str:
    request = json.loads(PAYLOAD)
    request["ResourceConfig"].update(InstanceType=instance_type, InstanceCount=count)
    return json.dumps(request)


def environment(
    batch: Any, name: str, capacity: int = 4, unit: str = "NUM_INSTANCES", **extra: Any
) -> str:
    limits = extra.pop("capacityLimits", [{"maxCapacity": capacity, "capacityUnit": unit}])
    batch.create_service_environment(
        serviceEnvironmentName=name,
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=limits,
        **extra,
    )
    return name


def job_queue(batch: Any, name: str, *envs: str, priority: int = 1, **extra: Any) -> str:
    batch.create_job_queue(
        jobQueueName=name,
        priority=priority,
        jobQueueType="SAGEMAKER_TRAINING",
        serviceEnvironmentOrder=[
            {"order": i, "serviceEnvironment": env} for i, env in enumerate(envs, start=1)
        ],
        **extra,
    )
    return name


def fair_share_queue(batch: Any, name: str, env: str, weights: dict[str, float]) -> str:
    policy = batch.create_scheduling_policy(
        name=f"{name}-policy",
        fairsharePolicy={
            "shareDistribution": [
                {"shareIdentifier": share, "weightFactor": weight}
                for share, weight in weights.items()
            ]
        },
    )
    return job_queue(batch, name, env, schedulingPolicyArn=policy["arn"])


def submit(batch: Any, queue: str, name: str, instances: int = 1, **extra: Any) -> str:
    """Submit a job needing ``instances`` ml.m5.xlarge instances; its jobId."""
    response = batch.submit_service_job(
        jobName=name,
        jobQueue=queue,
        serviceJobType="SAGEMAKER_TRAINING",
        serviceRequestPayload=extra.pop("serviceRequestPayload", payload(instances)),
        **extra,
    )
    return response["jobId"]  # type: ignore[no-any-return]


def status(batch: Any, job_id: str) -> str:
    return describe(batch, job_id)["status"]  # type: ignore[no-any-return]


def look_until(batch: Any, job_id: str, wanted: str, looks: int = 40) -> dict[str, Any]:
    """Describe a job (each describe is one look) until it shows ``wanted``."""
    for _ in range(looks):
        job = describe(batch, job_id)
        if job["status"] == wanted:
            return job
    raise AssertionError(f"job {job_id} never showed {wanted}")


def listed(batch: Any, queue: str, names: dict[str, str], pattern: str = "*") -> dict[str, str]:
    """Look at the queue's jobs matching ``pattern``: job name -> status, after this look."""
    page = batch.list_service_jobs(
        jobQueue=queue, filters=[{"name": "JOB_NAME", "values": [pattern]}]
    )["jobSummaryList"]
    return {names[job["jobId"]]: job["status"] for job in page}


def training_job(described: dict[str, Any]) -> str:
    return described["latestAttempt"]["serviceResourceId"]["value"]  # type: ignore[no-any-return]


def attempt(
    arn: str, stopped_at: int, reason: str, started_at: int | None = None
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "serviceResourceId": {"name": "TrainingJobArn", "value": arn},
        "stoppedAt": stopped_at,
        "statusReason": reason,
    }
    if started_at is not None:
        entry["startedAt"] = started_at
    return entry


def backend() -> ServiceJobBackend:
    return service_job_backends[ACCOUNT][REGION]


def run_once(batch: Any, queue: str, outcome: mbs.Outcome, **extra: Any) -> dict[str, Any]:
    """Submit a job, plan ``outcome`` for its first attempt, and look until that attempt ended."""
    job_id = submit(batch, queue, "job", **extra)
    mbs.plan_service_job_attempts(job_id, outcome)
    look_until(batch, job_id, "RUNNING")
    return describe(batch, job_id)


def out_of_memory_once(batch: Any, queue: str, rules: list[dict[str, Any]]) -> dict[str, Any]:
    """``run_once`` a job of 3 attempts with the exit ``rules``, its first attempt out of memory."""
    return run_once(
        batch,
        queue,
        mbs.fail_attempt("AlgorithmError: out of memory"),
        retryStrategy={"attempts": 3, "evaluateOnExit": rules},
    )


# -- retries -------------------------------------------------------------------------------


def test_failed_attempt_with_attempts_left_returns_to_runnable_with_the_attempt_recorded(
    batch, queue, clock
):
    job_id = submit(batch, queue, "job", retryStrategy={"attempts": 2})
    mbs.plan_service_job_attempts(job_id, mbs.fail_attempt("AlgorithmError: out of memory"))
    running = look_until(batch, job_id, "RUNNING")
    clock.advance(30)

    retried = describe(batch, job_id)

    assert (retried["status"], retried["statusReason"]) == ("RUNNABLE", OOM)
    assert retried["attempts"] == [
        attempt(training_job(running), START + 30_000, OOM, started_at=running["startedAt"])
    ]
    assert retried["latestAttempt"] == running["latestAttempt"]
    assert retried["startedAt"] == START
    assert "stoppedAt" not in retried


def test_retried_job_shows_why_until_it_is_dispatched_again(batch, queue):
    job_id = submit(batch, queue, "job", retryStrategy={"attempts": 2})
    mbs.plan_service_job_attempts(job_id, mbs.fail_attempt("AlgorithmError: out of memory"))
    look_until(batch, job_id, "RUNNING")

    # The failed attempt ends at this look: the job waits for its retry.
    summary = batch.list_service_jobs(jobQueue=queue, jobStatus="RUNNABLE")["jobSummaryList"]
    redispatched = describe(batch, job_id)

    assert [(s["jobId"], s["statusReason"]) for s in summary] == [(job_id, OOM)]
    assert redispatched["status"] == "SCHEDULED"
    assert "statusReason" not in redispatched


@pytest.mark.requires_botocore_member("DescribeServiceJobResponse", "scheduledAt")
def test_retried_job_succeeds_on_its_second_attempt_with_a_new_training_job(batch, queue, clock):
    job_id = submit(batch, queue, "job", retryStrategy={"attempts": 2})
    mbs.plan_service_job_attempts(job_id, mbs.fail_attempt("AlgorithmError: out of memory"))
    first = look_until(batch, job_id, "RUNNING")
    clock.advance(10)
    describe(batch, job_id)  # the first attempt fails: RUNNABLE
    clock.advance(10)
    second = look_until(batch, job_id, "SCHEDULED")
    clock.advance(10)
    look_until(batch, job_id, "RUNNING")
    clock.advance(10)

    done = describe(batch, job_id)

    assert (done["status"], done["statusReason"]) == ("SUCCEEDED", COMPLETED)
    assert training_job(second) != training_job(first)
    assert done["latestAttempt"] == second["latestAttempt"]
    assert (done["scheduledAt"], done["startedAt"], done["stoppedAt"]) == (
        START + 20_000,
        START,
        START + 40_000,
    )
    assert done["attempts"] == [
        attempt(training_job(first), START + 10_000, OOM, started_at=START),
        attempt(training_job(second), START + 40_000, COMPLETED, started_at=START + 30_000),
    ]


def test_job_fails_with_the_last_reason_once_its_attempts_are_used_up(batch, queue):
    job_id = submit(batch, queue, "job", retryStrategy={"attempts": 2})
    mbs.plan_service_job_attempts(
        job_id, mbs.fail_attempt("AlgorithmError: first"), mbs.fail_attempt("ClientError: second")
    )
    look_until(batch, job_id, "RUNNING")
    assert status(batch, job_id) == "RUNNABLE"
    look_until(batch, job_id, "RUNNING")

    failed = describe(batch, job_id)

    assert failed["status"] == "FAILED"
    assert failed["statusReason"] == "Received status from SageMaker: ClientError: second"
    assert [a["statusReason"] for a in failed["attempts"]] == [
        "Received status from SageMaker: AlgorithmError: first",
        "Received status from SageMaker: ClientError: second",
    ]
    assert failed["stoppedAt"] == failed["attempts"][-1]["stoppedAt"]


def test_job_without_a_retry_strategy_fails_after_one_failure(batch, queue):
    failed = run_once(batch, queue, mbs.fail_attempt("AlgorithmError: out of memory"))

    assert (failed["status"], failed["statusReason"]) == ("FAILED", OOM)
    assert [a["statusReason"] for a in failed["attempts"]] == [OOM]
    assert "retryStrategy" not in failed


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param(OOM, id="whole-reason"),
        pytest.param("Received status from SageMaker: AlgorithmError*", id="prefix"),
        pytest.param("*out of memory", id="suffix"),
        pytest.param("Received*Error:*memory", id="middle"),
        pytest.param("*", id="star"),
        pytest.param("*AlgorithmError*", id="both-ends"),
    ],
)
def test_exit_rule_whose_glob_matches_ends_the_job_despite_attempts_left(batch, queue, pattern):
    failed = out_of_memory_once(batch, queue, [{"action": "EXIT", "onStatusReason": pattern}])

    assert (failed["status"], failed["statusReason"]) == ("FAILED", OOM)
    assert len(failed["attempts"]) == 1


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param("AlgorithmError*", id="prefix-without-the-sagemaker-part"),
        pytest.param("*out of", id="suffix-not-at-the-end"),
        pytest.param("*OUT OF MEMORY", id="other-case"),
        pytest.param("AlgorithmError", id="substring-without-stars"),
        pytest.param("*InternalServerError*", id="other-error"),
    ],
)
def test_failure_that_no_rule_matches_is_retried(batch, queue, pattern):
    retried = out_of_memory_once(batch, queue, [{"action": "EXIT", "onStatusReason": pattern}])

    assert retried["status"] == "RUNNABLE"
    assert [a["statusReason"] for a in retried["attempts"]] == [OOM]


@pytest.mark.parametrize(
    "rules, wanted",
    [
        pytest.param(
            [
                {"action": "RETRY", "onStatusReason": "*memory"},
                {"action": "EXIT", "onStatusReason": "*"},
            ],
            "RUNNABLE",
            id="retry-then-exit",
        ),
        pytest.param(
            [
                {"action": "EXIT", "onStatusReason": "*AlgorithmError*"},
                {"action": "RETRY", "onStatusReason": "*"},
            ],
            "FAILED",
            id="exit-then-retry",
        ),
        pytest.param(
            [
                {"action": "EXIT", "onStatusReason": "*ClientError*"},
                {"action": "RETRY", "onStatusReason": "*memory"},
                {"action": "EXIT", "onStatusReason": "*"},
            ],
            "RUNNABLE",
            id="skips-a-rule-that-does-not-match",
        ),
    ],
)
def test_first_matching_rule_decides(batch, queue, rules, wanted):
    job = out_of_memory_once(batch, queue, rules)

    assert job["status"] == wanted


@pytest.mark.parametrize(
    "action, wanted",
    [
        ("exit", "FAILED"),
        ("Exit", "FAILED"),
        ("EXIT", "FAILED"),
        ("retry", "RUNNABLE"),
        ("Retry", "RUNNABLE"),
    ],
)
def test_rule_action_is_read_in_any_case(batch, queue, action, wanted):
    rules = [
        {"action": action, "onStatusReason": "*memory"},
        {"action": "EXIT" if wanted == "RUNNABLE" else "RETRY", "onStatusReason": "*"},
    ]
    job = out_of_memory_once(batch, queue, rules)

    assert job["status"] == wanted


def test_rule_without_a_status_reason_matches_every_failure(batch, queue):
    failed = out_of_memory_once(batch, queue, [{"action": "EXIT"}])

    assert (failed["status"], failed["statusReason"]) == ("FAILED", OOM)


def test_matching_retry_rule_does_not_add_attempts(batch, queue):
    failed = run_once(
        batch,
        queue,
        mbs.fail_attempt("AlgorithmError: out of memory"),
        retryStrategy={
            "attempts": 1,
            "evaluateOnExit": [{"action": "RETRY", "onStatusReason": "*"}],
        },
    )

    assert (failed["status"], failed["statusReason"]) == ("FAILED", OOM)


SDK_RULES = {
    "attempts": 2,
    "evaluateOnExit": [
        {
            "action": "RETRY",
            "onStatusReason": "Received status from SageMaker:InternalServerError*",
        },
        {"action": "EXIT", "onStatusReason": "*"},
    ],
}


def test_sagemaker_sdk_pattern_without_a_space_does_not_match_the_reason_with_one(batch, queue):
    failed = run_once(
        batch, queue, mbs.fail_attempt("InternalServerError: try again"), retryStrategy=SDK_RULES
    )

    assert failed["status"] == "FAILED"
    assert (
        failed["statusReason"] == "Received status from SageMaker: InternalServerError: try again"
    )


def test_sagemaker_sdk_pattern_matches_a_reason_written_without_the_space(batch, queue):
    reason = "Received status from SageMaker:InternalServerError: try again"

    retried = run_once(batch, queue, mbs.fail_attempt(reason), retryStrategy=SDK_RULES)

    assert retried["status"] == "RUNNABLE"
    assert [a["statusReason"] for a in retried["attempts"]] == [reason]


# -- capacity shortage ---------------------------------------------------------------------


@pytest.mark.requires_botocore_member("DescribeServiceJobResponse", "scheduledAt")
def test_capacity_shortage_sends_a_scheduled_job_back_to_runnable_without_an_attempt(
    batch, queue, clock
):
    job_id = submit(batch, queue, "job")
    mbs.plan_service_job_attempts(job_id, mbs.capacity_shortage())
    scheduled = look_until(batch, job_id, "SCHEDULED")
    clock.advance(5)

    bounced = describe(batch, job_id)

    assert (bounced["status"], bounced["statusReason"]) == ("RUNNABLE", CAPACITY)
    assert bounced["attempts"] == []
    assert bounced["latestAttempt"] == scheduled["latestAttempt"]
    assert bounced["scheduledAt"] == START
    for member in ("startedAt", "stoppedAt"):
        assert member not in bounced


@pytest.mark.requires_botocore_member("DescribeServiceJobResponse", "scheduledAt")
def test_redispatch_after_a_capacity_shortage_creates_a_new_training_job(batch, queue, clock):
    job_id = submit(batch, queue, "job")
    mbs.plan_service_job_attempts(job_id, mbs.capacity_shortage())
    first = look_until(batch, job_id, "SCHEDULED")
    describe(batch, job_id)  # back to RUNNABLE
    clock.advance(60)

    again = describe(batch, job_id)

    assert again["status"] == "SCHEDULED"
    assert training_job(again) != training_job(first)
    assert again["scheduledAt"] == START + 60_000
    assert "statusReason" not in again
    assert again["attempts"] == []
    done = look_until(batch, job_id, "SUCCEEDED")
    assert done["attempts"] == [
        attempt(training_job(again), START + 60_000, COMPLETED, started_at=START + 60_000)
    ]


def test_capacity_shortages_do_not_use_up_attempts(batch, queue):
    job_id = submit(batch, queue, "job", retryStrategy={"attempts": 2})
    mbs.plan_service_job_attempts(
        job_id,
        mbs.capacity_shortage(),
        mbs.capacity_shortage(),
        mbs.fail_attempt("AlgorithmError: once"),
        mbs.capacity_shortage(),
    )
    seen = [status(batch, job_id) for _ in range(16)]

    assert seen == [
        "SUBMITTED",
        "RUNNABLE",
        "SCHEDULED",
        "RUNNABLE",  # shortage 1
        "SCHEDULED",
        "RUNNABLE",  # shortage 2
        "SCHEDULED",
        "STARTING",
        "RUNNING",
        "RUNNABLE",  # the failure: the first counted attempt
        "SCHEDULED",
        "RUNNABLE",  # shortage 3
        "SCHEDULED",
        "STARTING",
        "RUNNING",
        "SUCCEEDED",  # the second counted attempt
    ]
    assert len(describe(batch, job_id)["attempts"]) == 2


# -- timeouts ------------------------------------------------------------------------------


def test_time_out_outcome_fails_the_job_without_retry(batch, queue):
    failed = run_once(
        batch,
        queue,
        mbs.time_out(),
        retryStrategy={
            "attempts": 3,
            "evaluateOnExit": [{"action": "RETRY", "onStatusReason": "*"}],
        },
    )

    assert (failed["status"], failed["statusReason"]) == ("FAILED", TIMEOUT)
    assert [a["statusReason"] for a in failed["attempts"]] == [TIMEOUT]
    assert failed["isTerminated"] is False


def test_attempt_duration_is_counted_from_starting(batch, queue, clock, progression):
    progression({"progression": "manual", "times": 2})
    job_id = submit(
        batch,
        queue,
        "job",
        timeoutConfig={"attemptDurationSeconds": 60},
        retryStrategy={"attempts": 3},
    )
    look_until(batch, job_id, "SCHEDULED")
    clock.advance(600)  # time spent SCHEDULED does not count
    look_until(batch, job_id, "STARTING")
    started = clock.ms
    clock.advance(1)
    look_until(batch, job_id, "RUNNING")
    clock.ms = started + 59_999

    assert status(batch, job_id) == "RUNNING"

    clock.ms = started + 60_000
    failed = describe(batch, job_id)
    assert (failed["status"], failed["statusReason"]) == ("FAILED", TIMEOUT)
    assert failed["stoppedAt"] == started + 60_000
    assert failed["attempts"] == [
        attempt(training_job(failed), started + 60_000, TIMEOUT, started_at=started + 1_000)
    ]


def test_attempt_duration_can_run_out_while_starting(batch, queue, clock):
    job_id = submit(batch, queue, "job", timeoutConfig={"attemptDurationSeconds": 120})
    look_until(batch, job_id, "STARTING")
    other = mbs.add_service_job(queue, "seeded", status="RUNNABLE")
    clock.advance(120)

    describe(batch, other.job_id)  # any request settles every job

    failed = backend().store.get_job(job_id)
    assert (failed.status, failed.status_reason) == ("FAILED", TIMEOUT)
    assert failed.attempts == [attempt(failed.training_job_arn, START + 120_000, TIMEOUT)]
    assert failed.started_at is None


def test_a_retried_attempt_times_out_by_its_own_clock(batch, queue, clock):
    job_id = submit(
        batch,
        queue,
        "job",
        timeoutConfig={"attemptDurationSeconds": 60},
        retryStrategy={"attempts": 2},
    )
    mbs.plan_service_job_attempts(job_id, mbs.fail_attempt("AlgorithmError: boom"))
    look_until(batch, job_id, "RUNNING")
    clock.advance(10)
    look_until(batch, job_id, "RUNNABLE")  # the first attempt failed; retried
    clock.advance(30)
    look_until(batch, job_id, "STARTING")
    second_start = clock.ms
    other = mbs.add_service_job(queue, "seeded", status="RUNNABLE")

    clock.ms = START + 60_000  # the first attempt's timeout: not this attempt's
    describe(batch, other.job_id)  # any request settles every job
    assert backend().store.get_job(job_id).status == "RUNNING"

    clock.ms = second_start + 60_000
    describe(batch, other.job_id)
    failed = backend().store.get_job(job_id)
    assert (failed.status, failed.status_reason, failed.stopped_at) == (
        "FAILED",
        TIMEOUT,
        second_start + 60_000,
    )


def test_many_running_timed_jobs_time_out_each_at_its_deadline(batch, queue, clock):
    jobs = []
    for i in range(5):
        jobs.append(submit(batch, queue, f"job-{i}", timeoutConfig={"attemptDurationSeconds": 60}))
        look_until(batch, jobs[-1], "STARTING")
        clock.advance(10)
    other = mbs.add_service_job(queue, "seeded", status="RUNNABLE")
    ended = []
    for _ in range(6):
        describe(batch, other.job_id)
        ended.append(sorted(j for j in jobs if backend().store.get_job(j).status == "FAILED"))
        clock.advance(10)

    # Started at START + 0, 10, ..., 40 s; each fails exactly 60 s after its own start.
    assert ended == [[], *(sorted(jobs[: n + 1]) for n in range(5))]


# -- dispatch by capacity ------------------------------------------------------------------


@pytest.fixture
def four(batch: Any) -> str:
    """A FIFO queue on an environment of 4 instances."""
    return job_queue(batch, "four", environment(batch, "four-env", 4))


def test_jobs_go_in_submission_order_while_they_fit(batch, four):
    names = {
        submit(batch, four, name, n): name for name, n in (("three", 3), ("two", 2), ("one", 1))
    }

    seen = [listed(batch, four, names) for _ in range(7)]

    assert seen == [
        {"three": "SUBMITTED", "two": "SUBMITTED", "one": "SUBMITTED"},
        {"three": "RUNNABLE", "two": "RUNNABLE", "one": "RUNNABLE"},
        # "two" does not fit beside "three"; "one" would, but waits behind "two".
        {"three": "SCHEDULED", "two": "RUNNABLE", "one": "RUNNABLE"},
        {"three": "STARTING", "two": "RUNNABLE", "one": "RUNNABLE"},
        {"three": "RUNNING", "two": "RUNNABLE", "one": "RUNNABLE"},
        {"three": "SUCCEEDED", "two": "SCHEDULED", "one": "SCHEDULED"},
        {"three": "SUCCEEDED", "two": "STARTING", "one": "STARTING"},
    ]


def test_job_waiting_for_busy_capacity_has_no_status_reason(batch, four):
    submit(batch, four, "big", 4)
    waiting = submit(batch, four, "small", 1)
    for _ in range(4):
        batch.list_service_jobs(jobQueue=four, filters=ALL)

    described = describe(batch, waiting)

    assert described["status"] == "RUNNABLE"
    assert "statusReason" not in described


def test_job_larger_than_the_environment_stays_runnable_and_blocks_the_queue(batch, four):
    names = {submit(batch, four, "huge", 5): "huge", submit(batch, four, "tiny", 1): "tiny"}

    seen = [listed(batch, four, names) for _ in range(8)]

    assert seen[2:] == [{"huge": "RUNNABLE", "tiny": "RUNNABLE"}] * 6
    huge = next(job_id for job_id, name in names.items() if name == "huge")
    tiny = next(job_id for job_id, name in names.items() if name == "tiny")
    assert describe(batch, huge)["statusReason"] == MAX_RESOURCE
    assert "statusReason" not in describe(batch, tiny)


def test_raising_max_capacity_lets_the_blocked_head_go(batch, four):
    huge = submit(batch, four, "huge", 5)
    for _ in range(3):
        describe(batch, huge)
    batch.update_service_environment(
        serviceEnvironment="four-env",
        capacityLimits=[{"maxCapacity": 5, "capacityUnit": "NUM_INSTANCES"}],
    )

    scheduled = describe(batch, huge)

    assert scheduled["status"] == "SCHEDULED"
    assert "statusReason" not in scheduled


def quota_queue(batch: Any, env: str, share_units: tuple[str, ...]) -> str:
    """A quota-management queue on ``env`` whose one share "all" limits nothing the
    environment does not (8 of each of ``share_units``)."""
    policy = batch.create_scheduling_policy(
        name="typed-policy", quotaSharePolicy={"idleResourceAssignmentStrategy": "FIFO"}
    )
    q = job_queue(batch, "typed-queue", env, schedulingPolicyArn=policy["arn"])
    batch.create_quota_share(
        quotaShareName="all",
        jobQueue=q,
        capacityLimits=[{"maxCapacity": 8, "capacityUnit": unit} for unit in share_units],
        resourceSharingConfiguration={"strategy": "RESERVE"},
        preemptionConfiguration={"inSharePreemption": "DISABLED"},
    )
    return q


@pytest.mark.requires_operation("CreateQuotaShare")
def test_instance_type_limits_cap_each_type_separately(batch):
    env = environment(
        batch,
        "typed",
        capacityLimits=[
            {"maxCapacity": 2, "capacityUnit": "ml.m5.xlarge"},
            {"maxCapacity": 1, "capacityUnit": "ml.c5.xlarge"},
        ],
    )
    q = quota_queue(batch, env, ("ml.m5.xlarge", "ml.c5.xlarge"))
    c5 = payload(1, "ml.c5.xlarge")
    names = {
        submit(batch, q, "m5-pair", 2, quotaShareName="all"): "m5-pair",
        submit(batch, q, "c5", serviceRequestPayload=c5, quotaShareName="all"): "c5",
        submit(batch, q, "m5-one", 1, quotaShareName="all"): "m5-one",
    }

    seen = [listed(batch, q, names) for _ in range(3)]

    assert seen[2] == {"m5-pair": "SCHEDULED", "c5": "SCHEDULED", "m5-one": "RUNNABLE"}


@pytest.mark.requires_operation("CreateQuotaShare")
def test_job_of_an_instance_type_without_a_limit_waits_until_one_is_configured(batch):
    env = environment(batch, "typed", 4, "ml.m5.xlarge")
    q = quota_queue(batch, env, ("ml.m5.xlarge", "ml.g5.xlarge"))
    g5 = payload(1, "ml.g5.xlarge")
    job_id = submit(batch, q, "gpu", serviceRequestPayload=g5, quotaShareName="all")
    waiting = [describe(batch, job_id) for _ in range(5)][-1]
    assert (waiting["status"], waiting["statusReason"]) == ("RUNNABLE", MAX_RESOURCE)

    batch.update_service_environment(
        serviceEnvironment=env,
        capacityLimits=[
            {"maxCapacity": 4, "capacityUnit": "ml.m5.xlarge"},
            {"maxCapacity": 1, "capacityUnit": "ml.g5.xlarge"},
        ],
    )

    scheduled = describe(batch, job_id)
    assert scheduled["status"] == "SCHEDULED"
    assert "statusReason" not in scheduled


def test_disabled_environment_dispatches_nothing_until_enabled(batch):
    env = environment(batch, "off", 4, state="DISABLED")
    q = job_queue(batch, "off-queue", env)
    job_id = submit(batch, q, "job")

    assert [status(batch, job_id) for _ in range(6)] == ["SUBMITTED"] + ["RUNNABLE"] * 5
    assert "statusReason" not in describe(batch, job_id)

    batch.update_service_environment(serviceEnvironment=env, state="ENABLED")
    assert status(batch, job_id) == "SCHEDULED"


def test_lowering_max_capacity_keeps_running_jobs_running(batch, four):
    big = submit(batch, four, "big", 3)
    look_until(batch, big, "STARTING")
    observer = mbs.add_service_job(four, "observer", status="SUCCEEDED")
    status(batch, observer.job_id)  # settles: "big" reaches RUNNING without a look of its own
    batch.update_service_environment(
        serviceEnvironment="four-env",
        capacityLimits=[{"maxCapacity": 2, "capacityUnit": "NUM_INSTANCES"}],
    )
    small = submit(batch, four, "small", 1)
    names = {small: "small"}

    assert [listed(batch, four, names, "small") for _ in range(4)] == [
        {"small": "SUBMITTED"},
        {"small": "RUNNABLE"},
        {"small": "RUNNABLE"},  # 3 instances still in use, 2 allowed
        {"small": "RUNNABLE"},
    ]
    assert [status(batch, big) for _ in range(2)] == ["RUNNING", "SUCCEEDED"]
    assert [status(batch, small) for _ in range(2)] == ["RUNNABLE", "SCHEDULED"]


def test_disabled_queue_refuses_new_jobs_but_runs_the_queued_ones(batch, queue):
    job_id = submit(batch, queue, "queued")
    batch.update_job_queue(jobQueue=queue, state="DISABLED")

    with pytest.raises(ClientError) as exc:
        submit(batch, queue, "late")

    assert client_error(exc) == (
        "ClientException",
        "Job queue queue is DISABLED and accepts no new jobs",
        400,
    )
    assert look_until(batch, job_id, "SUCCEEDED")["statusReason"] == COMPLETED


def test_higher_priority_queue_is_dispatched_first(batch, progression, state_clock):
    progression({"progression": "time", "seconds": 5})
    env = environment(batch, "shared", 1)
    low = job_queue(batch, "low", env, priority=1)
    high = job_queue(batch, "high", env, priority=10)
    older = submit(batch, low, "older")
    newer = submit(batch, high, "newer")

    for _ in range(2):  # both become RUNNABLE, then both are due together
        state_clock.advance(6)
        status(batch, older)

    assert (status(batch, newer), status(batch, older)) == ("SCHEDULED", "RUNNABLE")


def test_runnable_job_not_looked_at_yet_keeps_its_place_in_its_queue(batch):
    q = job_queue(batch, "one", environment(batch, "one-env", 1))
    first = submit(batch, q, "first")
    second = submit(batch, q, "second")
    names = {second: "second"}
    status(batch, first)  # one look: "first" becomes RUNNABLE at the next request

    seen = [listed(batch, q, names, "second") for _ in range(4)]

    assert seen == [{"second": "SUBMITTED"}, {"second": "RUNNABLE"}] + [{"second": "RUNNABLE"}] * 2
    assert [status(batch, first) for _ in range(2)] == ["RUNNABLE", "SCHEDULED"]
    assert status(batch, second) == "RUNNABLE"


def test_runnable_job_of_a_higher_priority_queue_keeps_its_room(batch):
    env = environment(batch, "shared", 1)
    low = job_queue(batch, "low", env, priority=1)
    high = job_queue(batch, "high", env, priority=10)
    low_job = submit(batch, low, "low-job")
    high_job = submit(batch, high, "high-job")
    status(batch, high_job)  # one look: it becomes RUNNABLE at the next request
    names = {low_job: "low-job"}

    seen = [listed(batch, low, names) for _ in range(4)]

    assert seen == [{"low-job": "SUBMITTED"}] + [{"low-job": "RUNNABLE"}] * 3
    assert [status(batch, high_job) for _ in range(2)] == ["RUNNABLE", "SCHEDULED"]


# -- fair share ----------------------------------------------------------------------------


def test_least_used_share_goes_first(batch):
    q = fair_share_queue(batch, "fair", environment(batch, "fair-env", 2), {"A": 1.0, "B": 1.0})
    names = {
        submit(batch, q, "a1", shareIdentifier="A"): "a1",
        submit(batch, q, "a2", shareIdentifier="A"): "a2",
        submit(batch, q, "b1", shareIdentifier="B"): "b1",
    }

    seen = [listed(batch, q, names) for _ in range(3)]

    assert seen[2] == {"a1": "SCHEDULED", "a2": "RUNNABLE", "b1": "SCHEDULED"}


def test_share_usage_comes_before_priority_and_priority_before_age(batch):
    q = fair_share_queue(batch, "fair", environment(batch, "fair-env", 2), {"A": 1.0, "B": 1.0})
    names = {
        submit(batch, q, "a-old", shareIdentifier="A", schedulingPriority=5): "a-old",
        submit(batch, q, "a-urgent", shareIdentifier="A", schedulingPriority=9): "a-urgent",
        submit(batch, q, "b", shareIdentifier="B", schedulingPriority=0): "b",
    }

    seen = [listed(batch, q, names) for _ in range(3)]

    # "a-urgent" beats the older "a-old"; then share B (unused) beats "a-old" despite priority.
    assert seen[2] == {"a-old": "RUNNABLE", "a-urgent": "SCHEDULED", "b": "SCHEDULED"}


def test_oldest_job_goes_first_on_equal_usage_and_priority(batch):
    q = fair_share_queue(batch, "fair", environment(batch, "fair-env", 1), {"A": 1.0, "B": 1.0})
    names = {
        submit(batch, q, "b-old", shareIdentifier="B"): "b-old",
        submit(batch, q, "a-new", shareIdentifier="A"): "a-new",
    }

    seen = [listed(batch, q, names) for _ in range(3)]

    assert seen[2] == {"b-old": "SCHEDULED", "a-new": "RUNNABLE"}


def test_lower_weight_factor_earns_more_capacity(batch):
    # weightFactor 0.5 gets twice the capacity of 1.0.
    q = fair_share_queue(batch, "fair", environment(batch, "fair-env", 3), {"A": 0.5, "B": 1.0})
    names = {}
    for name in ("a1", "a2", "a3", "b1", "b2", "b3"):
        names[submit(batch, q, name, shareIdentifier=name[0].upper())] = name

    seen = [listed(batch, q, names) for _ in range(3)]

    assert seen[2] == {
        "a1": "SCHEDULED",
        "a2": "SCHEDULED",
        "a3": "RUNNABLE",
        "b1": "SCHEDULED",
        "b2": "RUNNABLE",
        "b3": "RUNNABLE",
    }


def test_share_weight_can_be_given_for_a_prefix(batch):
    q = fair_share_queue(batch, "fair", environment(batch, "fair-env", 4), {"team*": 0.25})
    names = {}
    for name, share in (("a1", "teamA"), ("a2", "teamA"), ("a3", "teamA"), ("b1", "other")):
        names[submit(batch, q, name, shareIdentifier=share)] = name
    names[submit(batch, q, "b2", shareIdentifier="other")] = "b2"

    seen = [listed(batch, q, names) for _ in range(3)]

    assert seen[2] == {
        "a1": "SCHEDULED",
        "a2": "SCHEDULED",
        "a3": "SCHEDULED",
        "b1": "SCHEDULED",
        "b2": "RUNNABLE",
    }


@pytest.mark.requires_operation("UpdateServiceJob")
def test_update_service_job_priority_changes_the_order(batch):
    env = environment(batch, "fair-env", 1, state="DISABLED")
    q = fair_share_queue(batch, "fair", env, {"A": 1.0})
    names = {
        submit(batch, q, "first", shareIdentifier="A", schedulingPriority=1): "first",
        submit(batch, q, "second", shareIdentifier="A", schedulingPriority=2): "second",
    }
    for _ in range(3):
        listed(batch, q, names)
    first = next(job_id for job_id, name in names.items() if name == "first")
    batch.update_service_job(jobId=first, schedulingPriority=10)
    batch.update_service_environment(serviceEnvironment=env, state="ENABLED")

    assert listed(batch, q, names) == {"first": "SCHEDULED", "second": "RUNNABLE"}


@pytest.mark.requires_operation("UpdateServiceJob")
def test_update_service_job_priority_has_no_effect_on_a_fifo_queue(batch):
    env = environment(batch, "fifo-env", 1, state="DISABLED")
    q = job_queue(batch, "fifo", env)
    names = {submit(batch, q, "first"): "first", submit(batch, q, "second"): "second"}
    for _ in range(3):
        listed(batch, q, names)
    second = next(job_id for job_id, name in names.items() if name == "second")
    batch.update_service_job(jobId=second, schedulingPriority=9999)
    batch.update_service_environment(serviceEnvironment=env, state="ENABLED")

    assert listed(batch, q, names) == {"first": "SCHEDULED", "second": "RUNNABLE"}


# -- jobStateTimeLimitActions --------------------------------------------------------------


def time_limit(reason: str, seconds: int = 600) -> list[dict[str, Any]]:
    return [
        {"reason": reason, "state": "RUNNABLE", "maxTimeSeconds": seconds, "action": "TERMINATE"}
    ]


def test_time_limit_fails_a_head_blocked_by_max_resource_and_the_next_job_advances(batch, clock):
    q = job_queue(
        batch,
        "limited",
        environment(batch, "limited-env", 4),
        jobStateTimeLimitActions=time_limit("MISCONFIGURATION:SERVICE_ENVIRONMENT_MAX_RESOURCE"),
    )
    names = {submit(batch, q, "huge", 5): "huge", submit(batch, q, "tiny", 1): "tiny"}
    huge = next(job_id for job_id, name in names.items() if name == "huge")
    for _ in range(3):  # the third look finds "huge" cannot fit: blocked from now on
        listed(batch, q, names)
    clock.advance(599.999)

    assert listed(batch, q, names) == {"huge": "RUNNABLE", "tiny": "RUNNABLE"}

    clock.advance(0.001)
    assert listed(batch, q, names) == {"huge": "FAILED", "tiny": "SCHEDULED"}
    failed = describe(batch, huge)
    assert failed["statusReason"] == (
        time_limit_reason("MISCONFIGURATION:SERVICE_ENVIRONMENT_MAX_RESOURCE")
    )
    assert failed["stoppedAt"] == START + 600_000
    assert failed["attempts"] == []
    assert "latestAttempt" not in failed


def test_time_limit_for_another_reason_leaves_the_blocked_job_alone(batch, clock):
    q = job_queue(
        batch,
        "limited",
        environment(batch, "limited-env", 4),
        jobStateTimeLimitActions=time_limit("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"),
    )
    huge = submit(batch, q, "huge", 5)
    for _ in range(3):
        describe(batch, huge)
    clock.advance(86_400)

    blocked = describe(batch, huge)

    assert (blocked["status"], blocked["statusReason"]) == ("RUNNABLE", MAX_RESOURCE)


def test_capacity_time_limit_counts_the_time_spent_scheduled(batch, clock):
    env = environment(batch, "limited-env", 4)
    q = job_queue(
        batch,
        "limited",
        env,
        jobStateTimeLimitActions=time_limit("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"),
    )
    job_id = submit(batch, q, "job")
    mbs.plan_service_job_attempts(job_id, mbs.capacity_shortage(), mbs.capacity_shortage())
    look_until(batch, job_id, "SCHEDULED")  # dispatched at START
    clock.advance(200)
    assert describe(batch, job_id)["statusReason"] == CAPACITY  # 200 s SCHEDULED
    clock.advance(300)
    assert status(batch, job_id) == "SCHEDULED"  # 300 s RUNNABLE
    clock.advance(50)
    assert describe(batch, job_id)["statusReason"] == CAPACITY  # 50 s SCHEDULED
    batch.update_service_environment(serviceEnvironment=env, state="DISABLED")  # keep it RUNNABLE
    clock.advance(49.999)

    assert status(batch, job_id) == "RUNNABLE"  # 599.999 s in all

    clock.advance(0.001)
    failed = describe(batch, job_id)
    assert (failed["status"], failed["statusReason"]) == (
        "FAILED",
        time_limit_reason("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"),
    )
    assert failed["attempts"] == []


def test_time_limit_leaves_a_job_with_the_reason_alone_while_another_is_at_the_head(batch, clock):
    capacity = "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"
    env = environment(batch, "limited-env", 2)
    q = job_queue(batch, "limited", env, jobStateTimeLimitActions=time_limit(capacity))
    mbs.add_service_job(q, "running", status="RUNNING", service_request_payload=payload(1))
    head = submit(batch, q, "head", 2)  # older, but not looked at yet
    behind = submit(batch, q, "behind", 1)
    mbs.plan_service_job_attempts(behind, mbs.capacity_shortage())
    assert [status(batch, behind) for _ in range(3)] == ["SUBMITTED", "RUNNABLE", "SCHEDULED"]
    # "behind" bounces back to RUNNABLE at the first of these looks; then "head" heads the
    # queue, waiting for the running job's instance.
    assert [status(batch, head) for _ in range(3)] == ["SUBMITTED", "RUNNABLE", "RUNNABLE"]
    clock.advance(600)

    shown = {job_id: describe(batch, job_id) for job_id in (head, behind)}

    assert (shown[behind]["status"], shown[behind]["statusReason"]) == ("RUNNABLE", CAPACITY)
    assert shown[head]["status"] == "RUNNABLE"
    assert "statusReason" not in shown[head]


# -- TerminateServiceJob while dispatched --------------------------------------------------


@pytest.mark.parametrize("state", ["SCHEDULED", "STARTING", "RUNNING"])
def test_terminating_a_dispatched_job_fails_it_at_the_next_look_without_retry(
    batch, queue, clock, state
):
    job_id = submit(batch, queue, "job", retryStrategy={"attempts": 3})
    before = look_until(batch, job_id, state)
    clock.advance(7)

    batch.terminate_service_job(jobId=job_id, reason="not needed")

    stored = backend().store.get_job(job_id)
    assert (stored.status, stored.is_terminated) == (state, True)
    failed = describe(batch, job_id)
    assert (failed["status"], failed["statusReason"], failed["isTerminated"]) == (
        "FAILED",
        "not needed",
        True,
    )
    assert failed["stoppedAt"] == START + 7_000
    assert failed["attempts"] == [
        attempt(
            training_job(before),
            START + 7_000,
            "not needed",
            started_at=START if state == "RUNNING" else None,
        )
    ]
    assert [describe(batch, job_id) for _ in range(3)] == [failed] * 3


def test_terminating_a_scheduled_job_frees_its_capacity(batch):
    q = job_queue(batch, "one", environment(batch, "one-env", 1))
    names = {submit(batch, q, "first"): "first", submit(batch, q, "second"): "second"}
    first = next(job_id for job_id, name in names.items() if name == "first")
    assert [listed(batch, q, names) for _ in range(3)][-1] == {
        "first": "SCHEDULED",
        "second": "RUNNABLE",
    }

    batch.terminate_service_job(jobId=first, reason="make room")

    assert listed(batch, q, names) == {"first": "FAILED", "second": "SCHEDULED"}


def test_terminating_a_job_waiting_for_its_retry_fails_it_at_once(batch, queue):
    job_id = submit(batch, queue, "job", retryStrategy={"attempts": 3})
    mbs.plan_service_job_attempts(job_id, mbs.fail_attempt("AlgorithmError: out of memory"))
    look_until(batch, job_id, "RUNNING")
    retried = describe(batch, job_id)
    assert retried["status"] == "RUNNABLE"

    batch.terminate_service_job(jobId=job_id, reason="give up")

    stored = backend().store.get_job(job_id)
    assert (stored.status, stored.status_reason) == ("FAILED", "give up")
    failed = describe(batch, job_id)
    assert failed["attempts"] == retried["attempts"]
    assert failed["latestAttempt"] == retried["latestAttempt"]


# -- immediate progression -----------------------------------------------------------------


def test_immediate_progression_drains_the_queue_in_one_call_each_job_in_one_attempt(
    batch, four, progression
):
    # "two" does not fit beside "three", and "four" fits only alone: the queue drains in one
    # call all the same, each job waiting for its room rather than failing for capacity.
    names = {
        submit(batch, four, name, n): name
        for name, n in (("three", 3), ("two", 2), ("one", 1), ("four", 4))
    }
    progression({"progression": "immediate"})

    assert listed(batch, four, names) == dict.fromkeys(("three", "two", "one", "four"), "SUCCEEDED")
    described = [describe(batch, job_id) for job_id in names]
    assert [(len(job["attempts"]), job["statusReason"]) for job in described] == [
        (1, COMPLETED)
    ] * 4


# -- planning outcomes ---------------------------------------------------------------------


def test_planning_something_that_is_not_an_outcome_raises_type_error(batch, queue):
    job_id = submit(batch, queue, "job")

    with pytest.raises(TypeError) as exc:
        mbs.plan_service_job_attempts(job_id, mbs.fail_attempt("AlgorithmError: x"), "fail")

    assert str(exc.value) == (
        "expected an outcome such as succeed() or fail_attempt('AlgorithmError: ...'), not 'fail'"
    )
    assert backend().store.get_job(job_id).planned == []


def test_planning_while_running_decides_the_running_attempt(batch, queue):
    job_id = submit(batch, queue, "job")
    look_until(batch, job_id, "RUNNING")

    mbs.plan_service_job_attempts(job_id, mbs.fail_attempt("AlgorithmError: late"))

    failed = describe(batch, job_id)
    assert (failed["status"], failed["statusReason"]) == (
        "FAILED",
        "Received status from SageMaker: AlgorithmError: late",
    )


def test_succeed_outcome_ends_the_attempt_as_completed(batch, queue):
    done = run_once(batch, queue, mbs.succeed())

    assert (done["status"], done["statusReason"]) == ("SUCCEEDED", COMPLETED)


# -- end to end ----------------------------------------------------------------------------

# (name, queue, instances, schedulingPriority), in submission order.
SCENARIO = [
    ("L1", "low", 1, 0),
    ("H1", "high", 3, 5),
    ("H2", "high", 2, 9),  # fails once with a retryable reason, then succeeds
    ("L2", "low", 2, 9),  # terminated while RUNNING
    ("H3", "high", 1, 0),  # times out
    ("L3", "low", 4, 0),
    ("H4", "high", 4, 0),
    ("L4", "low", 1, 9999),  # fits early, but a FIFO queue ignores schedulingPriority
    ("H5", "high", 2, 9999),
    ("L5", "low", 3, 1),
]


def test_two_queues_sharing_one_environment_end_to_end(batch):
    env = environment(batch, "shared", 4)
    job_queue(batch, "high", env, priority=10)
    job_queue(batch, "low", env, priority=1)
    ids = {}
    for name, queue_name, instances, priority in SCENARIO:
        extra: dict[str, Any] = {"schedulingPriority": priority}
        if name == "H2":
            extra["retryStrategy"] = {
                "attempts": 2,
                "evaluateOnExit": [
                    {
                        "action": "RETRY",
                        "onStatusReason": "Received status from SageMaker: InternalServerError*",
                    },
                    {"action": "EXIT", "onStatusReason": "*"},
                ],
            }
        if name in ("H3", "L2"):
            extra["retryStrategy"] = {"attempts": 3}
        ids[name] = submit(batch, queue_name, name, instances, **extra)
    names = {job_id: name for name, job_id in ids.items()}
    mbs.plan_service_job_attempts(
        ids["H2"], mbs.fail_attempt("InternalServerError: retry me"), mbs.succeed()
    )
    mbs.plan_service_job_attempts(ids["H3"], mbs.time_out())

    last_seen = dict.fromkeys(ids, "SUBMITTED")
    entered_running: list[list[str]] = []
    for _ in range(40):
        for queue_name in ("high", "low"):
            shown = listed(batch, queue_name, names)
            entered = sorted(
                name
                for name, now in shown.items()
                if now == "RUNNING" and last_seen[name] != "RUNNING"
            )
            if entered:
                entered_running.append(entered)
            last_seen.update(shown)
            if (
                shown.get("L2") == "RUNNING"
                and not backend().store.get_job(ids["L2"]).is_terminated
            ):
                batch.terminate_service_job(jobId=ids["L2"], reason="stopped by the test")
        if all(s in ("SUCCEEDED", "FAILED") for s in last_seen.values()):
            break

    assert entered_running == [
        ["H1"],
        ["L1"],
        ["H2", "H3"],
        ["L2"],
        ["H2"],
        ["H4"],
        ["H5"],
        ["L3"],
        ["L4", "L5"],
    ]
    final = {name: describe(batch, job_id) for name, job_id in ids.items()}
    assert {
        name: (job["status"], job["statusReason"], len(job["attempts"]), job["isTerminated"])
        for name, job in final.items()
    } == {
        "L1": ("SUCCEEDED", COMPLETED, 1, False),
        "H1": ("SUCCEEDED", COMPLETED, 1, False),
        "H2": ("SUCCEEDED", COMPLETED, 2, False),
        "L2": ("FAILED", "stopped by the test", 1, True),
        "H3": ("FAILED", TIMEOUT, 1, False),
        "L3": ("SUCCEEDED", COMPLETED, 1, False),
        "H4": ("SUCCEEDED", COMPLETED, 1, False),
        "L4": ("SUCCEEDED", COMPLETED, 1, False),
        "H5": ("SUCCEEDED", COMPLETED, 1, False),
        "L5": ("SUCCEEDED", COMPLETED, 1, False),
    }
    assert [a["statusReason"] for a in final["H2"]["attempts"]] == [
        "Received status from SageMaker: InternalServerError: retry me",
        COMPLETED,
    ]
    assert final["L2"]["attempts"][0]["statusReason"] == "stopped by the test"
