"""How service jobs move: SageMaker's side paced by moto's state manager, dispatch by capacity.

Each request that looks at jobs first *settles* the store:

1. terminations accepted earlier finish (the job becomes FAILED);
2. attempts past ``timeoutConfig.attemptDurationSeconds`` fail (no retry);
3. the RUNNABLE job at the head of a queue (of each quota share, in a quota-managed queue),
   blocked longer than a queue's ``jobStateTimeLimitActions`` allow, is terminated (FAILED);
4. every job the state manager says is due takes one step (all the steps it can under
   ``immediate``): SUBMITTED → RUNNABLE, SCHEDULED → STARTING (or back to RUNNABLE on a
   capacity shortage), STARTING → RUNNING, RUNNING → the planned outcome;
5. due RUNNABLE jobs are dispatched (→ SCHEDULED) when their queue's service environment
   (a queue has one) is enabled, valid and has room: queues by priority, FIFO or fair-share
   order inside a queue, strict head of line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .models import (
    ServiceEnvironment,
    ServiceJob,
    ServiceJobStatus,
    ServiceQueue,
)

if TYPE_CHECKING:
    from .backend import ServiceJobBackend

SUBMITTED = ServiceJobStatus.SUBMITTED.value
RUNNABLE = ServiceJobStatus.RUNNABLE.value
SCHEDULED = ServiceJobStatus.SCHEDULED.value
STARTING = ServiceJobStatus.STARTING.value
RUNNING = ServiceJobStatus.RUNNING.value
SUCCEEDED = ServiceJobStatus.SUCCEEDED.value
FAILED = ServiceJobStatus.FAILED.value

SAGEMAKER_PREFIX = "Received status from SageMaker: "
CAPACITY_CODE = "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"
CAPACITY_REASON = f"{CAPACITY_CODE} - Unable to provision requested compute resources"
MAX_RESOURCE_CODE = "MISCONFIGURATION:SERVICE_ENVIRONMENT_MAX_RESOURCE"
MAX_RESOURCE_REASON = (
    f"{MAX_RESOURCE_CODE} - Service environment(s) associated with the job queue cannot meet "
    "the capacity requirement of the job."
)
TIMEOUT_REASON = "Job attempt duration exceeded timeout"
TIME_LIMIT_REASON = "Terminated by JobStateTimeLimit action due to reason: {code}"
NUM_INSTANCES = "NUM_INSTANCES"


@dataclass(frozen=True)
class Outcome:
    """What happens to a job at its next decision point.

    ``CAPACITY`` applies when the job is SCHEDULED (SageMaker finds no instances; the job
    goes back to RUNNABLE without using an attempt); the others end a RUNNING attempt.
    """

    kind: str
    reason: str | None = None


def succeed() -> Outcome:
    """The attempt completes: the job SUCCEEDS."""
    return Outcome(SUCCEEDED)


def fail(reason: str) -> Outcome:
    """The attempt fails with SageMaker's ``FailureReason`` (e.g. ``"AlgorithmError: oom"``).

    The job's status reason becomes ``"Received status from SageMaker: <reason>"``; the
    retry strategy then decides between RUNNABLE (retry) and FAILED.
    """
    if not reason.startswith(SAGEMAKER_PREFIX.rstrip()):
        reason = SAGEMAKER_PREFIX + reason
    return Outcome(FAILED, reason)


def capacity_shortage() -> Outcome:
    """SageMaker has no instances for the training job: SCHEDULED → RUNNABLE, no attempt used."""
    return Outcome("CAPACITY", CAPACITY_REASON)


def time_out() -> Outcome:
    """The attempt exceeds ``timeoutConfig``: the job FAILS without retry."""
    return Outcome("TIMEOUT", TIMEOUT_REASON)


def reason_matches(pattern: str, reason: str) -> bool:
    """An ``evaluateOnExit.onStatusReason`` glob: ``*`` matches anything, the rest literally.

    Matched without backtracking: the text before the first ``*`` must start the reason,
    the text after the last one must end it, and each piece in between is found at its
    leftmost place after the previous one (which is never worse than a later place).
    """
    first, *middle_and_last = pattern.split("*")
    if not middle_and_last:
        return pattern == reason
    *middle, last = middle_and_last
    if len(reason) < len(first) + len(last) or not reason.startswith(first):
        return False
    end = len(reason) - len(last)
    if not reason.endswith(last):
        return False
    at = len(first)
    for piece in middle:
        found = reason.find(piece, at, end)
        if found < 0:
            return False
        at = found + len(piece)
    return True


def demand_of(job: ServiceJob) -> dict[str, float]:
    return dict(job.capacity or ())


class Usage:
    """Capacity held by dispatched jobs, per service environment and unit."""

    def __init__(self, queues: Iterable[ServiceQueue]):
        """What the queues' dispatched jobs hold."""
        self._by_env: dict[str, dict[str, float]] = {}
        for queue in queues:
            for env_name, held in queue.placed.items():
                self._count(env_name, held)

    def _count(self, env_name: str, held: dict[str, float]) -> None:
        used = self._by_env.setdefault(env_name, {})
        for unit, quantity in held.items():
            used[unit] = used.get(unit, 0.0) + quantity

    def add(self, env: ServiceEnvironment, job: ServiceJob) -> None:
        used = self._by_env.setdefault(env.name, {})
        for unit, quantity in demand_of(job).items():
            used[unit] = used.get(unit, 0.0) + quantity

    def remove(self, env: ServiceEnvironment, job: ServiceJob) -> None:
        used = self._by_env.setdefault(env.name, {})
        for unit, quantity in demand_of(job).items():
            used[unit] = used.get(unit, 0.0) - quantity

    def fits(self, env: ServiceEnvironment, job: ServiceJob, empty: bool = False) -> bool:
        demand = demand_of(job)
        if not demand:
            return True
        used = {} if empty else self._by_env.get(env.name, {})
        limits = {limit["capacityUnit"]: limit["maxCapacity"] for limit in env.capacity_limits}
        if NUM_INSTANCES in limits:
            return bool(sum(used.values()) + sum(demand.values()) <= limits[NUM_INSTANCES])
        return all(
            unit in limits and used.get(unit, 0.0) + quantity <= limits[unit]
            for unit, quantity in demand.items()
        )


def fits_nowhere(queue: ServiceQueue, job: ServiceJob) -> bool:
    """The queue's environment could not hold the job even if it were empty."""
    env = queue.environment
    return env.status != "VALID" or not Usage(()).fits(env, job, empty=True)


def _time_limit_reached(queue: ServiceQueue, job: ServiceJob, at: int) -> str | None:
    """The reason code of the queue's first time-limit action a RUNNABLE job has carried the
    reason of for the action's ``maxTimeSeconds``; None if there is none."""
    if job.status != RUNNABLE or job.blocked_since is None:
        return None
    for action in queue.time_limit_actions:
        code: str = action["reason"]
        if (job.status_reason or "").startswith(code) and (
            at - job.blocked_since >= action["maxTimeSeconds"] * 1000
        ):
            return code
    return None


def _usable(env: ServiceEnvironment) -> bool:
    return env.state == "ENABLED" and env.status == "VALID"


class Lifecycle:
    """The settle step of one backend (see the module docstring)."""

    def __init__(self, backend: ServiceJobBackend):
        self.backend = backend

    def settle(self, due: list[ServiceJob], unlimited: bool, at: int) -> None:
        self._expire(at)
        if unlimited:
            self._run_to_rest(at)
            return
        waiting = [job for job in due if job.status == RUNNABLE]
        for job in due:
            if job.status != RUNNABLE and not job.is_terminal:
                self._step(job, at)
        self._dispatch(set(waiting), at)

    def _run_to_rest(self, at: int) -> None:
        while True:
            moved = False
            for job in list(self.backend.active_jobs()):
                while job.status != RUNNABLE and not job.is_terminal:
                    self._step(job, at)
                    moved = True
            runnable = {j for j in self.backend.active_jobs() if j.status == RUNNABLE}
            if not self._dispatch(runnable, at) and not moved:
                return

    # -- timers -------------------------------------------------------------------------
    def _expire(self, at: int) -> None:
        for job in self.backend.timed_out(at):
            self._end_attempt(job, TIMEOUT_REASON, at, retry=False)
        for queue in list(self.backend.queues.values()):
            if queue.time_limit_actions and any(
                _time_limit_reached(queue, job, at) for job in queue.blocked.values()
            ):
                self._apply_time_limits(queue, at)

    def _apply_time_limits(self, queue: ServiceQueue, at: int) -> None:
        """Terminate the job at the head of the queue (of each quota share, in a quota-managed
        queue) once it has carried an action's reason for the action's ``maxTimeSeconds``;
        the job that then heads the queue is checked in turn. Jobs behind are left alone."""
        while True:
            expired = [
                (job, code)
                for job in self._heads(queue)
                if (code := _time_limit_reached(queue, job, at)) is not None
            ]
            if not expired:
                return
            for job, code in expired:
                job.is_terminated = True  # AWS Batch terminates it
                self.backend.move(job, FAILED, at, TIME_LIMIT_REASON.format(code=code))

    def _heads(self, queue: ServiceQueue) -> list[ServiceJob]:
        """The RUNNABLE job(s) the scheduler considers first: one per quota share in a
        quota-managed queue (highest priority, then oldest), else the first in order."""
        if self.backend.policy_kind(queue) == "QUOTA":
            heads: dict[str, ServiceJob] = {}
            for key in queue.waiting():
                job = queue.jobs[key]
                best = heads.get(job.quota_share_name or "")
                if best is None or (job.scheduling_priority or 0) > (best.scheduling_priority or 0):
                    heads[job.quota_share_name or ""] = job
            return list(heads.values())
        head = next(iter(self.dispatch_order(queue, waiting_only=True)), None)
        return [] if head is None else [head]

    # -- SageMaker's side ---------------------------------------------------------------
    def _step(self, job: ServiceJob, at: int) -> None:
        status = job.status
        if status == SUBMITTED:
            self.backend.move(job, RUNNABLE, at)
        elif status == SCHEDULED:
            if job.planned and job.planned[0].kind == "CAPACITY":
                outcome = job.planned.pop(0)
                self.backend.move(job, RUNNABLE, at, outcome.reason)
                # The time-limit clock counts the time spent SCHEDULED, accumulated over
                # the re-submissions, until capacity is found (STARTING).
                if job.blocked_since is None:
                    job.blocked_since = job.scheduled_at
            else:
                job.blocked_since = None
                self.backend.move(job, STARTING, at)
        elif status == STARTING:
            self.backend.move(job, RUNNING, at)
        elif status == RUNNING:
            outcome = self._next_end(job)
            if outcome.kind == SUCCEEDED:
                self.backend.move(job, SUCCEEDED, at)
            else:
                self._end_attempt(job, outcome.reason or "", at, retry=outcome.kind == FAILED)

    @staticmethod
    def _next_end(job: ServiceJob) -> Outcome:
        for i, outcome in enumerate(job.planned):
            if outcome.kind != "CAPACITY":
                return job.planned.pop(i)
        return Outcome(SUCCEEDED)

    def _end_attempt(self, job: ServiceJob, reason: str, at: int, retry: bool) -> None:
        """A counted attempt failed: retry (back to RUNNABLE) or FAILED, per retryStrategy."""
        job.attempt_count += 1
        strategy: dict[str, Any] = job.retry_strategy or {"attempts": 1, "evaluateOnExit": []}
        action = "RETRY" if retry else "EXIT"
        if retry:
            for rule in strategy["evaluateOnExit"]:
                if reason_matches(rule.get("onStatusReason", "*"), reason):
                    action = rule["action"].upper()
                    break
        if action == "RETRY" and job.attempt_count < strategy["attempts"]:
            # Waiting for its retry, the job shows why its last attempt ended.
            self.backend.move(job, RUNNABLE, at, reason, attempt_reason=reason)
        else:
            self.backend.move(job, FAILED, at, reason)

    # -- AWS Batch's side: dispatch -----------------------------------------------------
    def _dispatch(self, wanted: set[ServiceJob], at: int) -> bool:
        """Dispatch the wanted RUNNABLE jobs that may go now; True if any went.

        A submitted RUNNABLE job that is not due yet keeps its place in line: it holds the
        room it would take (so no job behind it, in its queue or a lower-priority one,
        overtakes it) or, if it does not fit, blocks its queue.
        """
        if not wanted:
            return False
        # Higher priority first; sorted() is stable, so equal priorities keep creation order.
        queues = sorted(
            (q for q in self.backend.queues.values() if q.waiting()), key=lambda q: -q.priority
        )
        usage = Usage(self.backend.queues.values())
        dispatched = False
        for queue in queues:
            if self.backend.policy_kind(queue) == "QUOTA":
                from .quota_dispatch import QuotaDispatch

                dispatched = QuotaDispatch(self.backend, queue, usage, at).run(wanted) or dispatched
                continue
            held: set[ServiceJob] = set()  # not due yet: room kept for them
            while True:
                head = next(
                    (
                        j
                        for j in self.dispatch_order(queue, waiting_only=True)
                        if j.status == RUNNABLE and j not in held
                    ),
                    None,
                )
                if head is None:
                    break
                env = queue.environment
                if not (_usable(env) and usage.fits(env, head)):
                    if head in wanted:
                        self._block(queue, head, at)
                    break  # strict head of line
                usage.add(env, head)
                if head not in wanted:
                    held.add(head)
                    continue
                head.environment = env
                if head.status_reason != CAPACITY_REASON:
                    head.blocked_since = None
                self.backend.move(head, SCHEDULED, at)
                dispatched = True
        return dispatched

    def _block(self, queue: ServiceQueue, job: ServiceJob, at: int) -> None:
        reason = MAX_RESOURCE_REASON if fits_nowhere(queue, job) else None
        if reason is not None and job.status_reason != reason:
            job.status_reason = reason
            job.blocked_since = at

    def dispatch_order(
        self, queue: ServiceQueue, waiting_only: bool = False
    ) -> Iterable[ServiceJob]:
        """RUNNABLE jobs of a queue in the order the scheduler considers them (read lazily);
        with ``waiting_only``, only those that are not seeded (the only ones dispatched)."""
        keys = queue.waiting() if waiting_only else queue.keys(RUNNABLE)
        weights = self.backend.share_weights(queue)
        if weights is None:  # FIFO: oldest first
            return (queue.jobs[key] for key in keys)
        share_usage = queue.share_held

        # A lower weightFactor earns more capacity (0.125 gets 8 times the share of 1.0),
        # so a share's usage counts multiplied by its weight.
        def order(job: ServiceJob) -> tuple[float, int, tuple[int, int]]:
            share = job.share_identifier or ""
            return (
                share_usage.get(share, 0.0) * weights(share),
                -(job.scheduling_priority or 0),
                job.key,
            )

        return sorted((queue.jobs[key] for key in keys), key=order)
