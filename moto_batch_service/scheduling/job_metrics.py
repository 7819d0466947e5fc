"""The CloudWatch side of service jobs: which move is a data point of which AWS/Batch metric.

AWS publishes job metrics in the namespace ``AWS/Batch`` with the one dimension
``JobQueueName`` (the user guide's "Using CloudWatch Metrics with AWS Batch"): counts of
the jobs that entered a state (unit ``Count``, one data point of 1 per move) and durations
between states (unit ``Milliseconds``). The ones that apply to service jobs:

- ``JobsSubmitted``: SubmitServiceJob (``submitted``).
- ``JobsMovedToRunnable``, ``JobsMovedToScheduled``, ``JobsMovedToStarting``,
  ``JobsMovedToRunning``, ``JobsMovedToSucceeded``, ``JobsMovedToFailed``: each entry into
  the status (again after a capacity shortage, a retry or a preemption).
- ``JobsTerminated``: an entry into FAILED with ``isTerminated`` (TerminateServiceJob, a
  time-limit action, a deleted queue or quota share, preemptions past the retries).
- ``JobsRetried``: an attempt that failed and went back to RUNNABLE for a retry.
- ``JobsPreempted``: each preemption by quota management.
- ``JobSubmittedToRunnableDuration``: SUBMITTED to RUNNABLE.
- ``JobSubmittedToFirstScheduledDuration``: submission to the first SCHEDULED.
- ``JobAttemptRunnableToScheduledDuration``: the last entry into RUNNABLE to SCHEDULED.
- ``JobAttemptScheduledToStartingDuration``: the attempt's first SCHEDULED to STARTING.
- ``JobAttemptStartingToRunningDuration``: STARTING to RUNNING.
- ``JobAttemptExecutionDuration``: RUNNING to the end of the attempt (if it ran).
- ``JobAttemptDuration``: STARTING to the end of the attempt (a final status, or RUNNABLE
  for a retry or after a preemption).

``tracking.enter`` calls ``moving`` before each change of status (the job's fields are still
those of the status it leaves), so the lifecycle's moves and ``set_service_job_status`` add
data points with the move's time; seeded jobs add none until they move. Service jobs have
no PENDING and no cancel request: ``JobsMovedToPending`` and ``JobsCancelled`` stay empty.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..rules.statuses import (
    DISPATCHED,
    FAILED,
    RUNNABLE,
    RUNNING,
    SCHEDULED,
    STARTING,
    SUBMITTED,
    SUCCEEDED,
)

if TYPE_CHECKING:
    from ..state.metrics import JobMetrics
    from ..state.models import ServiceJob

NAMESPACE = "AWS/Batch"
DIMENSION = "JobQueueName"
COUNT = "Count"
MILLISECONDS = "Milliseconds"

JOBS_SUBMITTED = "JobsSubmitted"
MOVED_TO = {
    RUNNABLE: "JobsMovedToRunnable",
    SCHEDULED: "JobsMovedToScheduled",
    STARTING: "JobsMovedToStarting",
    RUNNING: "JobsMovedToRunning",
    SUCCEEDED: "JobsMovedToSucceeded",
    FAILED: "JobsMovedToFailed",
}
JOBS_TERMINATED = "JobsTerminated"
JOBS_RETRIED = "JobsRetried"
JOBS_PREEMPTED = "JobsPreempted"
SUBMITTED_TO_RUNNABLE = "JobSubmittedToRunnableDuration"
SUBMITTED_TO_FIRST_SCHEDULED = "JobSubmittedToFirstScheduledDuration"
RUNNABLE_TO_SCHEDULED = "JobAttemptRunnableToScheduledDuration"
SCHEDULED_TO_STARTING = "JobAttemptScheduledToStartingDuration"
STARTING_TO_RUNNING = "JobAttemptStartingToRunningDuration"
EXECUTION = "JobAttemptExecutionDuration"
ATTEMPT = "JobAttemptDuration"

COUNTS = (JOBS_SUBMITTED, *MOVED_TO.values(), JOBS_TERMINATED, JOBS_RETRIED, JOBS_PREEMPTED)
DURATIONS = (
    SUBMITTED_TO_RUNNABLE,
    SUBMITTED_TO_FIRST_SCHEDULED,
    RUNNABLE_TO_SCHEDULED,
    SCHEDULED_TO_STARTING,
    STARTING_TO_RUNNING,
    EXECUTION,
    ATTEMPT,
)
UNITS: dict[str, str] = {
    **{name: COUNT for name in COUNTS},
    **{name: MILLISECONDS for name in DURATIONS},
}
"""Each metric the package publishes, with its unit."""


def submitted(metrics: JobMetrics, job: ServiceJob, at: int) -> None:
    """A job was submitted at ``at``."""
    metrics.add(JOBS_SUBMITTED, job.queue.name, at, 1)


def moving(
    metrics: JobMetrics,
    job: ServiceJob,
    status: str,
    at: int,
    attempt_reason: str | None,
    preempted: bool,
) -> None:
    """The job leaves its status for another one, ``status``, at ``at``: add the data points
    of the move. ``attempt_reason``: a failed attempt goes back to RUNNABLE for a retry;
    ``preempted``: quota management preempted the job."""
    add = metrics.add
    queue = job.queue.name
    old = job.status
    if status in MOVED_TO:
        add(MOVED_TO[status], queue, at, 1)
    if status == RUNNABLE:
        if old == SUBMITTED:
            add(SUBMITTED_TO_RUNNABLE, queue, at, at - job.created_at)
    elif status == SCHEDULED:
        if job.scheduled_at is None:
            add(SUBMITTED_TO_FIRST_SCHEDULED, queue, at, at - job.created_at)
        if old == RUNNABLE and job.runnable_since is not None:
            add(RUNNABLE_TO_SCHEDULED, queue, at, at - job.runnable_since)
        metrics.attempt_scheduled.setdefault(job.job_id, at)
    elif status == STARTING:
        first_scheduled = metrics.attempt_scheduled.pop(job.job_id, None)
        if old == SCHEDULED and first_scheduled is not None:
            add(SCHEDULED_TO_STARTING, queue, at, at - first_scheduled)
    elif status == RUNNING:
        if old == STARTING and job.attempt_clock is not None:
            add(STARTING_TO_RUNNING, queue, at, at - job.attempt_clock)
    elif status == FAILED and job.is_terminated:
        add(JOBS_TERMINATED, queue, at, 1)
    # An attempt's first SCHEDULED is kept through capacity shortages (back to RUNNABLE
    # without a failed attempt), until the attempt starts; any other move forgets it.
    shortage = status == RUNNABLE and old == SCHEDULED and not (attempt_reason or preempted)
    if status not in (SCHEDULED, STARTING) and not shortage:
        metrics.attempt_scheduled.pop(job.job_id, None)
    if preempted:
        add(JOBS_PREEMPTED, queue, at, 1)
    elif status == RUNNABLE and attempt_reason is not None and old in DISPATCHED:
        add(JOBS_RETRIED, queue, at, 1)
    if old in DISPATCHED and status not in DISPATCHED and job.attempt_clock is not None:
        add(ATTEMPT, queue, at, at - job.attempt_clock)  # the attempt started, and ends
        if job.attempt_started_at is not None:
            add(EXECUTION, queue, at, at - job.attempt_started_at)
