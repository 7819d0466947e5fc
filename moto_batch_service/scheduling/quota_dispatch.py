"""Dispatch in a queue with a quota-share scheduling policy, with preemption.

Each quota share is guaranteed its ``capacityLimits``. Idle capacity goes first come,
first served (the policy's ``idleResourceAssignmentStrategy`` FIFO): the oldest head among
the shares' heads goes first, a share's head being its highest-priority, oldest RUNNABLE job.
A job that fits its share's own limits may reclaim capacity that other shares borrowed
(cross-share preemption); a ``LEND_AND_BORROW`` share may go beyond its limits into what
``LEND``/``LEND_AND_BORROW`` shares leave idle, up to ``borrowLimit`` percent more; with
in-share preemption ENABLED a job may preempt lower-priority jobs of its own share.
A preempted job goes back to RUNNABLE without using an attempt, or FAILS once it has been
preempted more than ``preemptionRetriesBeforeTermination`` times.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Container, Iterable, Iterator

from ..rules.statuses import (
    CAPACITY_REASON,
    DISPATCHED,
    FAILED,
    MAX_RESOURCE_REASON,
    PREEMPTED_REASON,
    RUNNABLE,
    SCHEDULED,
)
from ..state.job_index import group_of
from ..state.models import ServiceEnvironment, ServiceJob, ServiceQueue
from ..state.quota import RECENT_PREEMPTIONS, QuotaShare
from .capacity import Usage, demand_of, fits_nowhere, usable
from .tracking import Tracker

QUOTA_LIMIT_CODE = "MISCONFIGURATION:QUOTA_MANAGEMENT_LIMIT_EXCEEDED"
# AWS's three texts: a RESERVE or LEND share's job larger than the share's limits; a
# LEND_AND_BORROW share's job larger than its limits plus borrowLimit; a job that would
# have to borrow more than all the lendable capacity configured.
OVER_SHARE_LIMITS_REASON = (
    f"{QUOTA_LIMIT_CODE} - Job requirements exceed quota share capacity limits."
)
OVER_BORROW_LIMIT_REASON = (
    f"{QUOTA_LIMIT_CODE} - Job requirements exceed quota share capacity limits and borrow limits."
)
OVER_LENDABLE_REASON = (
    f"{QUOTA_LIMIT_CODE} - Job requires borrowing that exceeds all configured borrowable capacity."
)
LENDING = ("LEND", "LEND_AND_BORROW")


class _EveryJob:
    """``wanted`` when every RUNNABLE job is due ("immediate" progression)."""

    def __contains__(self, job: object) -> bool:
        return True


EVERY_JOB: Container[ServiceJob] = _EveryJob()


class QuotaDispatch:
    """One dispatch pass over one quota-managed queue."""

    def __init__(
        self,
        tracker: Tracker,
        shares: list[QuotaShare],
        queue: ServiceQueue,
        usage: Usage,
        at: int,
    ) -> None:
        self.tracker = tracker
        self.queue = queue
        self.usage = usage
        self.at = at
        self.shares = {share.name: share for share in shares}
        # RUNNABLE jobs not due yet that keep their place: the room they would take is kept
        # (a dict: in the order they were met, and looked up).
        self.held: dict[ServiceJob, None] = {}

    # -- bookkeeping ----------------------------------------------------------------------
    def _running(self) -> list[ServiceJob]:
        return [self.queue.jobs[k] for s in DISPATCHED for k in self.queue.keys(s)]

    def _used(self, without: Iterable[ServiceJob] = ()) -> dict[str, dict[str, float]]:
        """Capacity each share's dispatched (and held) jobs use, leaving out ``without``."""
        used: dict[str, dict[str, float]] = {name: {} for name in self.shares}
        for job in [*self._running(), *self.held]:
            if job in without:
                continue
            share = used.setdefault(job.quota_share_name or "", {})
            for unit, quantity in demand_of(job).items():
                share[unit] = share.get(unit, 0.0) + quantity
        return used

    def _borrowed(self, share: QuotaShare, used: dict[str, float], unit: str) -> float:
        return max(0.0, used.get(unit, 0.0) - share.limits.get(unit, 0))

    def _idle_to_lend(
        self, used: dict[str, dict[str, float]], unit: str, borrower: QuotaShare
    ) -> float:
        """What the other lending shares leave idle of ``unit``, less what is already borrowed."""
        pool = 0.0
        for name, share in self.shares.items():
            if share.strategy in LENDING and share is not borrower:
                pool += max(0.0, share.limits.get(unit, 0) - used[name].get(unit, 0.0))
        borrowed = sum(
            self._borrowed(share, used[name], unit) for name, share in self.shares.items()
        )
        return pool - borrowed

    # -- the pass -------------------------------------------------------------------------
    def run(self, wanted: Container[ServiceJob]) -> bool:
        """Dispatch the wanted jobs that may go now; True if any went.

        A RUNNABLE job that is not due yet keeps its place, as in a FIFO queue: it holds
        the room it would take without preempting, or, if there is none, blocks its share.
        """
        dispatched = False
        blocked: set[str] = set()
        while True:
            job = self._next(blocked)
            if job is None:
                return dispatched
            share = self.shares.get(job.quota_share_name or "")
            if job not in wanted:
                if share is None or not self._keep_room(job, share):
                    blocked.add(group_of(job))
                continue
            if share is None or not self._place(job, share):
                blocked.add(group_of(job))
                continue
            dispatched = True

    def _next(self, blocked: set[str]) -> ServiceJob | None:
        """The oldest of the shares' heads (each share's line is kept in its order: highest
        priority, then oldest), past the jobs that keep their room."""
        best: ServiceJob | None = None
        kept = self.held
        for name, ranks in self.queue.fronts.items():
            if name in blocked:
                continue
            for _, key in ranks:
                job = self.queue.jobs[key]
                if job not in kept:
                    if best is None or job.key < best.key:
                        best = job
                    break
        return best

    def _place(self, job: ServiceJob, share: QuotaShare) -> bool:
        """Dispatch ``job`` if its share's rules let it, preempting if they allow; else block."""
        demand = demand_of(job)
        if fits_nowhere(self.queue, job):
            self._explain(job, MAX_RESOURCE_REASON)
            return False
        used = self._used()
        mine = used[share.name]
        within = all(mine.get(u, 0.0) + q <= share.limits.get(u, 0) for u, q in demand.items())
        if within:
            env = self._room(job) or self._reclaim(job, share)
            return self._dispatch(job, env)
        if self._may_borrow(share, used, demand):
            return self._dispatch(job, self._room(job))
        if share.in_share_preemption and self._fits_share_alone(share, demand):
            if self._preempt_in_share(job, share):
                return self._dispatch(job, self._room(job) or self._reclaim(job, share))
            return False
        reason = self._never_reason(share, demand)
        if reason is not None:
            self._explain(job, reason)
        return False

    def _keep_room(self, job: ServiceJob, share: QuotaShare) -> bool:
        """Keep the room a job not due yet would take now without preempting, if there is."""
        demand = demand_of(job)
        used = self._used()
        mine = used[share.name]
        within = all(mine.get(u, 0.0) + q <= share.limits.get(u, 0) for u, q in demand.items())
        if not (within or self._may_borrow(share, used, demand)):
            return False
        env = self._room(job)
        if env is None:
            return False
        self.usage.add(env, job)
        self.held[job] = None
        return True

    def _explain(self, job: ServiceJob, reason: str) -> None:
        """Give a job that can never be dispatched as things stand its blocking reason."""
        if job.status_reason != reason:
            job.status_reason = reason
            job.blocked_since = self.at

    def _fits_share_alone(self, share: QuotaShare, demand: dict[str, float]) -> bool:
        return all(q <= share.limits.get(u, 0) for u, q in demand.items())

    def _never_reason(self, share: QuotaShare, demand: dict[str, float]) -> str | None:
        """Why the share's rules can never let a job of ``demand`` run, or None if they can."""
        if self._fits_share_alone(share, demand):
            return None
        if share.strategy != "LEND_AND_BORROW":
            return OVER_SHARE_LIMITS_REASON
        if any(q > _borrow_cap(share, u) for u, q in demand.items()):
            return OVER_BORROW_LIMIT_REASON
        for unit, quantity in demand.items():
            lendable = sum(
                other.limits.get(unit, 0)
                for other in self.shares.values()
                if other is not share and other.strategy in LENDING
            )
            if quantity > share.limits.get(unit, 0) + lendable:
                return OVER_LENDABLE_REASON
        return None

    def _may_borrow(
        self, share: QuotaShare, used: dict[str, dict[str, float]], demand: dict[str, float]
    ) -> bool:
        if share.strategy != "LEND_AND_BORROW":
            return False
        mine = used[share.name]
        for unit, quantity in demand.items():
            after = mine.get(unit, 0.0) + quantity
            if after > _borrow_cap(share, unit):
                return False
            extra = self._borrowed_after(share, mine, unit, after)
            if extra > self._idle_to_lend(used, unit, share):
                return False
        return True

    @staticmethod
    def _borrowed_after(
        share: QuotaShare, mine: dict[str, float], unit: str, after: float
    ) -> float:
        limit = share.limits.get(unit, 0)
        return max(0.0, after - limit) - max(0.0, mine.get(unit, 0.0) - limit)

    def _room(
        self, job: ServiceJob, without: Iterable[ServiceJob] = ()
    ) -> ServiceEnvironment | None:
        """The queue's environment if it is usable and has room for ``job`` (once the jobs
        ``without`` are gone), else None."""
        gone = [(j.environment, j) for j in without if j.environment is not None]
        for env, victim in gone:
            self.usage.remove(env, victim)
        try:
            env = self.queue.environment
            reserved = self._reserved(job, env)
            return env if usable(env) and self.usage.fits(env, job, reserved=reserved) else None
        finally:
            for env, victim in gone:
                self.usage.add(env, victim)

    def _reserved(self, job: ServiceJob, env: ServiceEnvironment) -> dict[str, float]:
        """The idle capacity of the RESERVE shares other than ``job``'s, per unit: kept for
        their own jobs. A RESERVE share keeps only what the environment holds for it beyond
        the other shares' limits, so in an environment smaller than its shares' limits
        together, capacity nobody can be guaranteed still goes first come, first served."""
        mine = job.quota_share_name or ""
        reserving = [s for s in self.shares.values() if s.strategy == "RESERVE" and s.name != mine]
        if not reserving:
            return {}
        used = self._used()
        limits = {limit["capacityUnit"]: limit["maxCapacity"] for limit in env.capacity_limits}
        reserved: dict[str, float] = {}
        for share in reserving:
            for unit, limit in share.limits.items():
                others = sum(s.limits.get(unit, 0) for s in self.shares.values() if s is not share)
                backed = max(0.0, min(limit, limits.get(unit, 0) - others))
                idle = backed - used[share.name].get(unit, 0.0)
                if idle > 0:
                    reserved[unit] = reserved.get(unit, 0.0) + idle
        return reserved

    def _reclaim(self, job: ServiceJob, share: QuotaShare) -> ServiceEnvironment | None:
        """Preempt jobs running on borrowed capacity of the units ``job`` needs (newest first)
        until ``job`` fits; preempt nothing if even that leaves no room."""
        demand = demand_of(job)
        victims: list[ServiceJob] = []
        env = None
        for victim in sorted(self._running(), key=lambda j: j.key, reverse=True):
            victim_share = self.shares.get(victim.quota_share_name or "")
            if victim_share is None or victim_share is share:
                continue
            used = self._used(victims)[victim_share.name]
            if not any(
                self._borrowed(victim_share, used, u) > 0 for u in demand_of(victim) if u in demand
            ):
                continue
            victims.append(victim)
            env = self._room(job, victims)
            if env is not None:
                break
        if env is None:
            return None
        for victim in victims:
            self._preempt(victim)
        return env

    def _preempt_in_share(self, job: ServiceJob, share: QuotaShare) -> bool:
        """Preempt lower-priority jobs of the share (lowest, then newest first) to make room."""
        demand = demand_of(job)
        victims = sorted(
            (
                j
                for j in self._running()
                if j.quota_share_name == share.name
                and (j.scheduling_priority or 0) < (job.scheduling_priority or 0)
            ),
            key=lambda j: ((j.scheduling_priority or 0), tuple(-k for k in j.key)),
        )
        chosen: list[ServiceJob] = []
        for victim in victims:
            chosen.append(victim)
            mine = self._used(chosen)[share.name]
            if all(mine.get(u, 0.0) + q <= share.limits.get(u, 0) for u, q in demand.items()):
                for preempted in chosen:
                    self._preempt(preempted)
                return True
        return False  # not enough lower-priority capacity: preempt nothing

    def _preempt(self, job: ServiceJob) -> None:
        if job.environment is not None:
            self.usage.remove(job.environment, job)
        job.record_preemption(self.at, PREEMPTED_REASON, RECENT_PREEMPTIONS)
        retries = (job.preemption_configuration or {}).get("preemptionRetriesBeforeTermination")
        if retries is not None and job.preempted_count > retries:
            job.is_terminated = True  # AWS Batch terminates it
            self.tracker.move(job, FAILED, self.at, PREEMPTED_REASON, preempted=True)
        else:
            self.tracker.move(job, RUNNABLE, self.at, preempted=True)

    def _dispatch(self, job: ServiceJob, env: ServiceEnvironment | None) -> bool:
        if env is None:
            return False
        self.usage.add(env, job)
        job.environment = env
        if job.status_reason != CAPACITY_REASON:  # capacity waits add up until STARTING
            job.blocked_since = None
        self.tracker.move(job, SCHEDULED, self.at)
        return True


def _borrow_cap(share: QuotaShare, unit: str) -> float:
    """The most of ``unit`` a LEND_AND_BORROW share may use, borrowing included."""
    if share.borrow_limit < 0:
        return float("inf")
    return share.limits.get(unit, 0) * (1 + share.borrow_limit / 100)


def share_fronts(queue: ServiceQueue) -> dict[str, list[ServiceJob]]:
    """Each quota share's RUNNABLE jobs in the order the share dispatches them: higher
    ``schedulingPriority`` first, then oldest first."""
    fronts: dict[str, list[ServiceJob]] = {}
    for key in queue.keys(RUNNABLE):
        job = queue.jobs[key]
        fronts.setdefault(job.quota_share_name or "", []).append(job)
    for jobs in fronts.values():
        jobs.sort(key=lambda job: (-(job.scheduling_priority or 0), job.key))
    return fronts


def quota_order(queue: ServiceQueue) -> Iterator[ServiceJob]:
    """RUNNABLE jobs of a quota-managed queue in dispatch order: the oldest of the shares'
    heads first, as ``QuotaDispatch`` takes them."""
    fronts = {name: deque(jobs) for name, jobs in share_fronts(queue).items()}
    while fronts:
        name = min(fronts, key=lambda share: fronts[share][0].key)
        yield fronts[name].popleft()
        if not fronts[name]:
            del fronts[name]
