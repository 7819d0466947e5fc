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

import heapq
from collections.abc import Container, Iterable, Iterator
from datetime import datetime
from typing import Any

from moto.moto_api import state_manager

from .._moto.common import held_status, progressed_at, set_progress
from ..exceptions import ClientException, shown
from ..rules.outcomes import Outcome, reason_matches
from ..rules.statuses import (
    CAPACITY_REASON,
    FAILED,
    MAX_RESOURCE_REASON,
    RUNNABLE,
    RUNNING,
    SCHEDULED,
    SERVICE_JOB_MODEL,
    STARTING,
    SUBMITTED,
    SUCCEEDED,
    TIME_LIMIT_REASON,
    TIMEOUT_REASON,
)
from ..state import clock
from ..state.models import JobKey, ServiceJob, ServiceQueue
from ..state.store import Store
from .capacity import Usage, fits_nowhere, usable
from .parking import configuration, parked_step, wake
from .quota_dispatch import EVERY_JOB, QuotaDispatch
from .tracking import Tracker

MAX_TRANSITION_SECONDS = 10**10  # about 317 years: later than that is never
VALID_TRANSITIONS = (
    '{"progression": "immediate"}, {"progression": "manual", "times": N} (N a whole number, '
    f'at least 1) or {{"progression": "time", "seconds": S}} (0 <= S <= {MAX_TRANSITION_SECONDS})'
)


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


def transition_problem(transition: Any) -> str | None:
    """What is wrong with a ``batch::service_job`` transition, or None if nothing is."""
    if not isinstance(transition, dict):
        return "it is not a dict"
    progression = transition.get("progression")
    if progression == "immediate":
        return None
    if progression == "manual":
        times = transition.get("times")
        if "times" not in transition:
            return '"manual" progression needs "times"'
        if not isinstance(times, int) or isinstance(times, bool) or times < 1:
            return f'"times" must be a whole number of at least 1, not {shown(times)}'
        return None
    if progression == "time":
        seconds = transition.get("seconds")
        if "seconds" not in transition:
            return '"time" progression needs "seconds"'
        if (
            not isinstance(seconds, (int, float))
            or isinstance(seconds, bool)
            or not 0 <= seconds <= MAX_TRANSITION_SECONDS
        ):
            return (
                f'"seconds" must be a number from 0 to {MAX_TRANSITION_SECONDS}, '
                f"not {shown(seconds)}"
            )
        return None
    return f'"progression" must be "immediate", "manual" or "time", not {shown(progression)}'


class Lifecycle:
    """The settle step of one store (see the module docstring)."""

    def __init__(self, store: Store, tracker: Tracker):
        self.store = store
        self.tracker = tracker

    def settle(self) -> None:
        """Bring every job up to date before a request looks at jobs.

        A malformed ``batch::service_job`` transition refuses the request (before anything
        changes) with a ClientException that names it and says what is wrong.
        """
        transition = state_manager.get_transition(SERVICE_JOB_MODEL)
        problem = transition_problem(transition)
        if problem is not None:
            raise ClientException(
                f"The transition set for {SERVICE_JOB_MODEL} ({shown(transition)}) is invalid: "
                f"{problem}. Unset it, or set {VALID_TRANSITIONS}"
            )
        at = clock.now_ms()
        tracker = self.tracker
        if tracker.stopping:
            for job_id, reason in list(tracker.stopping.items()):
                tracker.move(self.store.jobs[job_id], FAILED, at, reason)
            tracker.stopping.clear()
        if not tracker.active:
            tracker.dirty.clear()
            return
        progression = transition["progression"]
        if progression == "time":
            seen = configuration(self.store)
            if transition != tracker.transition or seen != tracker.configuration:
                tracker.wake_all = True
            tracker.transition, tracker.configuration = dict(transition), seen
            self._settle_by_time(float(transition["seconds"]), at)
            return
        tracker.transition = dict(transition)
        self._unpark(list(tracker.parked.values()))
        tracker.dirty.clear()
        if progression == "immediate":
            # Every job is due, always: the steps of the jobs that are not RUNNABLE, and the
            # dispatch of every RUNNABLE job (a job's progress says its own status between
            # settles, so asking it changes nothing: it is not asked).
            self._expire(at)
            self._run_to_rest(at)
            return
        due = []
        for job in list(tracker.ticked.values()):
            progress = job.progress
            if progress is not None and not job.is_terminal and progress.status != job.status:
                due.append(job)
        self._move_due(due, False, at)
        for job in due:
            if job.progress is not None:
                job.progress.status = job.status
        tracker.ticked = {k: j for k, j in tracker.ticked.items() if k in tracker.active}

    def _settle_by_time(self, seconds: float, now: int) -> None:
        """ "time" progression: every step whose time has come is taken, in time order, each
        at the time it was due (a job nobody read for k steps' time takes k steps), up to the
        end of the lifecycle. A RUNNABLE job that finds no room is parked: tried again only
        when something may have freed room for it (at its first step time from then), not
        at every step's time; until then it costs nothing (``parking``)."""
        step = round(seconds * 1000)
        tracker = self.tracker
        if tracker.wake_all:
            self._unpark(list(tracker.parked.values()))
        elif tracker.dirty and tracker.parked:
            self._unpark(wake(self.store, tracker.dirty, tracker.parked))
        tracker.dirty.clear()
        tracker.wake_all = False
        tracker.park_step = step
        popped = tracker.due_by_time(seconds)
        if step <= 0:  # every step is due at once: as "immediate"
            self._move_due([], True, now)
            for job in tracker.active.values():
                if job.progress is not None:
                    set_progress(job.progress, job.status, _as_state_time(now))
            for job in popped:
                if job.job_id in tracker.active:
                    tracker.watch_progress(job)
            return
        events: list[tuple[int, int, ServiceJob]] = []
        for job in popped:
            heapq.heappush(events, (self._due_ms(job, step), next(self.store.seq), job))
        blocked: dict[str, tuple[int, ServiceJob]] = {}  # RUNNABLE, no room: last tried at
        while events and events[0][0] <= now:
            at = events[0][0]
            due: dict[str, ServiceJob] = {}
            while events and events[0][0] == at:
                job = heapq.heappop(events)[2]
                due[job.job_id] = job
            moving = [
                job
                for job in due.values()
                if job.job_id in tracker.active and job.progress is not None and not job.is_terminal
            ]
            before = {job.job_id: job.status for job in moving}
            self._move_due(moving, False, at)
            moved = any(job.status != before[job.job_id] for job in moving)
            for job in moving:
                if job.job_id not in tracker.active or job.progress is None:
                    continue
                set_progress(job.progress, job.status, _as_state_time(at))
                if job.status == RUNNABLE and before[job.job_id] == RUNNABLE:
                    blocked[job.job_id] = (at, job)  # found no room: wait for a move
                elif at + step <= now:
                    heapq.heappush(events, (at + step, next(self.store.seq), job))
                else:
                    tracker.watch_progress(job)
            if moved:  # room may have freed: try the parked jobs that may now go again
                parked = tracker.parked
                woken = wake(self.store, tracker.dirty, blocked, parked)
                tracker.dirty.clear()
                for job in woken:
                    if job.job_id in blocked:
                        tried = blocked.pop(job.job_id)[0]
                    else:  # parked at an earlier settle: its last step time by then
                        del parked[job.job_id]
                        assert job.progress is not None
                        last = parked_step(tracker, job)
                        set_progress(job.progress, job.status, _as_state_time(last))
                        if last + step >= at:  # not tried since: tried at its step time
                            heapq.heappush(events, (last + step, next(self.store.seq), job))
                            continue
                        tried = last + step
                    # its first step time from the move on (after the try it just had)
                    retry = tried + step * max(1, -(-(at - tried) // step))
                    heapq.heappush(events, (retry, next(self.store.seq), job))
        for _, _, job in events:
            if job.job_id in tracker.active:
                tracker.watch_progress(job)
        for tried, job in blocked.values():
            if job.job_id in tracker.active and job.progress is not None:
                last = tried + step * ((now - tried) // step)  # its last step time by now
                set_progress(job.progress, job.status, _as_state_time(last))
                tracker.parked[job.job_id] = job
        tracker.time_settled_at = now
        self._move_due([], False, now)  # timers due since the last step

    def _unpark(self, jobs: Iterable[ServiceJob]) -> None:
        """Put parked jobs back among the jobs "time" progression looks at, each at its last
        step time (as if it had been tried at every step time until now)."""
        tracker = self.tracker
        for job in list(jobs):
            if tracker.parked.pop(job.job_id, None) is None or job.progress is None:
                continue
            last = parked_step(tracker, job)
            set_progress(job.progress, job.status, _as_state_time(last))
            tracker.watch_progress(job)

    @staticmethod
    def _due_ms(job: ServiceJob, step: int) -> int:
        """When a job's next step is due: when its progress last moved, plus a step (or then,
        if its progress moved unseen: another reader made it step)."""
        assert job.progress is not None
        moved = _ms(progressed_at(job.progress))
        return moved if held_status(job.progress) != job.status else moved + step

    def _move_due(self, due: list[ServiceJob], unlimited: bool, at: int) -> None:
        """Steps 2-5 of the module docstring for the ``due`` jobs (``unlimited``: every job,
        as often as it can move)."""
        self._expire(at)
        if unlimited:
            self._run_to_rest(at)
            return
        waiting = {job for job in due if job.status == RUNNABLE}
        for job in due:
            if job.status != RUNNABLE and not job.is_terminal:
                self._step(job, at)
        if waiting:
            self._dispatch(waiting, at)

    def _run_to_rest(self, at: int) -> None:
        unsettled = self.tracker.unsettled
        while True:
            moved = False
            for job in list(unsettled.values()):
                while job.status != RUNNABLE and not job.is_terminal:
                    self._step(job, at)
                    moved = True
            if not self._dispatch(EVERY_JOB, at) and not moved:
                return

    # -- timers -------------------------------------------------------------------------
    def _expire(self, at: int) -> None:
        for job in self.tracker.timed_out(at):
            self._end_attempt(job, TIMEOUT_REASON, at, retry=False)
        for queue in list(self.store.queues.values()):
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
                self.tracker.move(job, FAILED, at, TIME_LIMIT_REASON.format(code=code))

    def _heads(self, queue: ServiceQueue) -> list[ServiceJob]:
        """The RUNNABLE job(s) the scheduler considers first: one per quota share in a
        quota-managed queue (highest priority, then oldest), else the first in order."""
        if self.store.policy_kind(queue) == "QUOTA":
            return [queue.jobs[ranks[0][1]] for ranks in queue.fronts.values()]
        head = next(iter(self.dispatch_order(queue, waiting_only=True)), None)
        return [] if head is None else [head]

    # -- SageMaker's side ---------------------------------------------------------------
    def _step(self, job: ServiceJob, at: int) -> None:
        status = job.status
        if status == SUBMITTED:
            self.tracker.move(job, RUNNABLE, at)
        elif status == SCHEDULED:
            if job.planned and job.planned[0].kind == "CAPACITY":
                outcome = job.planned.pop(0)
                self.tracker.move(job, RUNNABLE, at, outcome.reason)
                # The time-limit clock counts the time spent SCHEDULED, accumulated over
                # the re-submissions, until capacity is found (STARTING).
                if job.blocked_since is None:
                    job.blocked_since = job.scheduled_at
            else:
                job.blocked_since = None
                self.tracker.move(job, STARTING, at)
        elif status == STARTING:
            self.tracker.move(job, RUNNING, at)
        elif status == RUNNING:
            outcome = self._next_end(job)
            if outcome.kind == SUCCEEDED:
                self.tracker.move(job, SUCCEEDED, at)
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
            self.tracker.move(job, RUNNABLE, at, reason, attempt_reason=reason)
        else:
            self.tracker.move(job, FAILED, at, reason)

    # -- AWS Batch's side: dispatch -----------------------------------------------------
    def _dispatch(self, wanted: Container[ServiceJob], at: int) -> bool:
        """Dispatch the wanted RUNNABLE jobs that may go now; True if any went.

        A submitted RUNNABLE job that is not due yet keeps its place in line: it holds the
        room it would take (so no job behind it, in its queue or a lower-priority one,
        overtakes it) or, if it does not fit, blocks its queue. Each queue's line is read
        from its front and stops at the first job that cannot go.
        """
        # Higher priority first; sorted() is stable, so equal priorities keep creation order.
        queues = sorted(
            (q for q in self.store.queues.values() if q.waiting()), key=lambda q: -q.priority
        )
        usage = Usage(self.store.queues.values())
        dispatched = False
        for queue in queues:
            if self.store.policy_kind(queue) == "QUOTA":
                shares = self.store.queue_shares(queue)
                run = QuotaDispatch(self.tracker, shares, queue, usage, at).run(wanted)
                dispatched = run or dispatched
                continue
            env = queue.environment
            held: set[ServiceJob] = set()  # not due yet: room kept for them
            line = iter(self.dispatch_order(queue, waiting_only=True))
            while True:
                head = next((j for j in line if j not in held), None)
                if head is None:
                    break
                if not (usable(env) and usage.fits(env, head)):
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
                self.tracker.move(head, SCHEDULED, at)
                dispatched = True
                # The line changed (in a fair-share queue, the shares' usage too): read it
                # again from the front, past the jobs that kept their room.
                line = iter(self.dispatch_order(queue, waiting_only=True))
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
        weights = self.store.share_weights(queue)
        if weights is None:  # FIFO: oldest first
            keys = queue.waiting() if waiting_only else queue.keys(RUNNABLE)
            return (queue.jobs[key] for key in keys)
        share_usage = queue.share_held
        # A lower weightFactor earns more capacity (0.125 gets 8 times the share of 1.0),
        # so a share's usage counts multiplied by its weight.
        if waiting_only:  # each share's line is kept in order: merge them
            lines = [
                _weighted(share_usage.get(share, 0.0) * weights(share), ranks)
                for share, ranks in queue.fronts.items()
            ]
            return (queue.jobs[key] for _, _, key in heapq.merge(*lines))

        def order(job: ServiceJob) -> tuple[float, int, tuple[int, int]]:
            share = job.share_identifier or ""
            return (
                share_usage.get(share, 0.0) * weights(share),
                -(job.scheduling_priority or 0),
                job.key,
            )

        return sorted((queue.jobs[key] for key in queue.keys(RUNNABLE)), key=order)


def _weighted(usage: float, ranks: list[tuple[int, JobKey]]) -> Iterator[tuple[float, int, JobKey]]:
    """A share's line as (weighted usage, -priority, key): the fair-share order's key."""
    for priority, key in ranks:
        yield usage, priority, key


def _ms(at: datetime) -> int:
    """A time of moto's state clock in epoch milliseconds (as ``clock.now_ms`` reads it)."""
    return round(at.timestamp() * 1000)


def _as_state_time(ms: int) -> datetime:
    """Epoch milliseconds as a time of moto's state clock (naive local, as ``datetime.now``)."""
    return datetime.fromtimestamp(ms / 1000)
