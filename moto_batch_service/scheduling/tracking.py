"""Which jobs may move, and when: the bookkeeping the lifecycle reads, and ``move``.

``Tracker`` files every submitted job that has not finished (seeded jobs never move by
themselves) with its moto ``ManagedState``, and keeps what lets a settle look only at the
jobs that may be due: the jobs looked at since the last settle (manual progression), the
jobs that are not RUNNABLE (all that ``immediate`` progression steps), a heap of when each
job's progress last moved ("time" progression) and the RUNNABLE jobs "time" progression
parked because they found no room, the service environments where something changed since
the last settle, a heap of attempt deadlines (``timeoutConfig``), and the dispatched jobs
whose termination was accepted. ``move`` is the one way a job changes status: the job's
fields, its queue's index, this bookkeeping and its attempt's SageMaker training job
(``training_jobs``) stay in step, and the move adds to the AWS/Batch metrics
(``job_metrics``).
"""

from __future__ import annotations

import heapq
from datetime import datetime, timedelta
from typing import Any

from .._moto.common import ServiceJobProgress, progressed_at, state_now
from ..rules.statuses import (
    COMPLETED_REASON,
    DISPATCHED,
    RUNNABLE,
    RUNNING,
    SCHEDULED,
    SERVICE_JOB_MODEL,
    STARTING,
    SUCCEEDED,
    TERMINAL,
    ServiceJobStatus,
)
from ..state.metrics import JobMetrics
from ..state.models import ServiceJob
from ..state.store import Store
from . import job_events, job_metrics, training_jobs


def enter(
    metrics: JobMetrics,
    job: ServiceJob,
    status: str,
    at: int,
    reason: str | None = None,
    attempt_reason: str | None = None,
    preempted: bool = False,
) -> None:
    """``job.enter`` (the job's own fields), with its attempt's training job following: the
    attempt's training job ends when the job leaves a dispatched status (or is dispatched
    anew), and is created or moves on when the job enters one. A change of status adds its
    data points to ``metrics`` (``job_metrics``) and is an EventBridge event (``job_events``)."""
    old = job.status
    if status != old:
        job_metrics.moving(metrics, job, status, at, attempt_reason, preempted)
    if old in DISPATCHED and (status not in DISPATCHED or status == SCHEDULED):
        shown = COMPLETED_REASON if status == SUCCEEDED and reason is None else reason
        training_jobs.close(job, status, at, shown or attempt_reason)
    job.enter(status, at, reason, attempt_reason, preempted)
    if status in DISPATCHED:
        training_jobs.follow(job, at)
    if status != old:
        job_events.moved(job, at)


def new_progress(status: str) -> ServiceJobProgress:
    """A fresh ManagedState for a submitted job, at ``status``."""
    progress = ServiceJobProgress(SERVICE_JOB_MODEL, ServiceJobStatus.status_transitions())
    progress.status = status
    return progress


class Tracker:
    """The moving jobs of one store, and the heaps that say when they are due."""

    def __init__(self, store: Store):
        self.store = store
        # Managed (submitted, not seeded) jobs that are not finished yet.
        self.active: dict[str, ServiceJob] = {}
        # The active jobs that have a timeoutConfig (the only ones that can time out).
        self.timed: dict[str, ServiceJob] = {}
        # Active jobs advanced since the last settle (enough under manual progression).
        self.ticked: dict[str, ServiceJob] = {}
        # Active jobs that are not RUNNABLE (all that "immediate" progression steps).
        self.unsettled: dict[str, ServiceJob] = {}
        # "time" progression: RUNNABLE jobs that found no room, each with its progress at its
        # last step time and no heap entry; woken (``Lifecycle``) when room may have freed.
        self.parked: dict[str, ServiceJob] = {}
        # Service environments where room may have freed or the line changed since the
        # last settle, and whether anything else changed (every parked job is woken).
        self.dirty: set[Any] = set()
        self.wake_all = False
        # What the last settle saw: the transition, and (at a "time" settle) the queues'
        # configuration; the step and the time of the last "time" settle.
        self.transition: dict[str, Any] | None = None
        self.configuration: Any = None
        self.park_step = 0
        self.time_settled_at: int | None = None
        # Dispatched jobs whose termination was accepted: FAILED at the next settle.
        self.stopping: dict[str, str] = {}
        # Min-heaps with lazy deletion (an entry is checked against the job when popped):
        # (attempt deadline, seq, job ID) of timed attempts, and (when the job's progress last
        # moved, seq, job ID) of active jobs, for "time" progression.
        self.deadlines: list[tuple[int, int, str]] = []
        self.progressed: list[tuple[datetime, int, str]] = []

    def add(self, job: ServiceJob) -> None:
        """Store a new job: in the store, its queue's index and, if it moves, here."""
        self.store.jobs[job.job_id] = job
        job.queue.add_job(job)
        if job.progress is not None and not job.is_terminal:
            self.activate(job)

    def active_jobs(self) -> list[ServiceJob]:
        """Submitted jobs that have not finished (seeded jobs never move by themselves)."""
        return list(self.active.values())

    def activate(self, job: ServiceJob) -> None:
        """File a submitted, unfinished job (with its fresh progress) for settling."""
        assert job.progress is not None
        self.active[job.job_id] = job
        self.parked.pop(job.job_id, None)
        if job.status == RUNNABLE:
            self.unsettled.pop(job.job_id, None)
        else:
            self.unsettled[job.job_id] = job
        if job.timeout_config:
            self.timed[job.job_id] = job
        self.watch_progress(job)
        if len(self.progressed) > 2 * len(self.active) + 64:  # drop finished jobs' entries
            self.progressed = [e for e in self.progressed if e[2] in self.active]
            heapq.heapify(self.progressed)

    def deactivate(self, job: ServiceJob) -> None:
        """Forget a finished job in the settling bookkeeping (a pending termination too)."""
        for bookkeeping in (
            self.active,
            self.timed,
            self.ticked,
            self.stopping,
            self.unsettled,
            self.parked,
        ):
            bookkeeping.pop(job.job_id, None)

    def changed(self, *environments: Any) -> None:
        """Note that room may have freed, or the line changed, in these environments."""
        self.dirty.update(environments)

    def tick(self, job: ServiceJob) -> None:
        """Count one look at an active job (manual progression moves after ``times`` looks)."""
        if job.progress is not None and job.job_id in self.active:
            job.progress.advance()
            self.ticked[job.job_id] = job

    def move(
        self,
        job: ServiceJob,
        status: str,
        at: int,
        reason: str | None = None,
        attempt_reason: str | None = None,
        preempted: bool = False,
    ) -> None:
        """Change a job's status, keeping the queue index and the active set in step."""
        old = job.status
        held_on = job.environment
        enter(self.store.metrics, job, status, at, reason, attempt_reason, preempted)
        job.queue.move_job(job, old)
        self.dirty.add(job.queue.environment)
        if held_on is not None:
            self.dirty.add(held_on)
        if status in TERMINAL:
            self.deactivate(job)
        else:
            if status == STARTING or (status == RUNNING and old != STARTING):
                self.arm_timeout(job)
            if job.job_id in self.active:
                if status == RUNNABLE:
                    self.unsettled.pop(job.job_id, None)
                else:
                    self.unsettled[job.job_id] = job
                if self.parked.pop(job.job_id, None) is not None:
                    self.watch_progress(job)
        if job.progress is not None:
            job.progress.status = status

    # -- timers ---------------------------------------------------------------------------
    def arm_timeout(self, job: ServiceJob) -> None:
        """Note when a timed job's running attempt times out (its attempt clock has started)."""
        deadline = self.deadline(job)
        if job.job_id in self.timed and deadline is not None:
            heapq.heappush(self.deadlines, (deadline, next(self.store.seq), job.job_id))
            if len(self.deadlines) > 2 * len(self.timed) + 64:  # drop finished jobs' entries
                self.deadlines = [e for e in self.deadlines if e[2] in self.timed]
                heapq.heapify(self.deadlines)

    @staticmethod
    def deadline(job: ServiceJob) -> int | None:
        """When the job's running attempt times out; None without a timeout or an attempt."""
        seconds = (job.timeout_config or {}).get("attemptDurationSeconds")
        if not seconds or job.attempt_clock is None:
            return None
        return int(job.attempt_clock + seconds * 1000)

    def timed_out(self, at: int) -> list[ServiceJob]:
        """The jobs whose running attempt reached its ``timeoutConfig`` by ``at``."""
        expired = []
        while self.deadlines and self.deadlines[0][0] <= at:
            deadline, _, job_id = heapq.heappop(self.deadlines)
            job = self.timed.get(job_id)
            if (
                job is not None
                and job.status in (STARTING, RUNNING)
                and self.deadline(job) == deadline
            ):
                expired.append(job)
        return expired

    def watch_progress(self, job: ServiceJob) -> None:
        assert job.progress is not None
        entry = (progressed_at(job.progress), next(self.store.seq), job.job_id)
        heapq.heappush(self.progressed, entry)

    def due_by_time(self, seconds: float) -> list[ServiceJob]:
        """Active jobs whose progress may be due to move under "time" progression.

        A job's progress moves once ``seconds`` have passed since it last moved. Each
        active job has a heap entry no later than its last move, so every job that is due
        (or moved unseen) is popped, and the jobs that are not due are not looked at.
        """
        horizon = state_now() - timedelta(seconds=seconds)
        due: dict[str, ServiceJob] = {}
        while self.progressed and self.progressed[0][0] <= horizon:
            job_id = heapq.heappop(self.progressed)[2]
            job = self.active.get(job_id)
            if job is not None and job.progress is not None:
                # Due, or its progress moved when something else read it (its entry is older
                # than its last move): either way it is looked at now, and filed again after.
                due[job_id] = job
        return list(due.values())
