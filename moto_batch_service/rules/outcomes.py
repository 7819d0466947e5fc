"""What a test plans for a job's next attempts (``plan_service_job_attempts``), and the
``evaluateOnExit`` reason glob. Pure values and rules."""

from __future__ import annotations

from dataclasses import dataclass

from .statuses import CAPACITY_REASON, FAILED, SAGEMAKER_PREFIX, SUCCEEDED, TIMEOUT_REASON


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


def fail_attempt(reason: str) -> Outcome:
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
