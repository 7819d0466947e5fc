"""The job index of a SAGEMAKER_TRAINING queue, kept in step as jobs come and move.

``_keys`` holds ``(created_at, seq)`` of every job, ascending; ``_by_status`` the same per
status. Listing walks them backwards (newest first). ``_names`` holds every job's key in
the order of ``(lower-cased name, key)``, for JOB_NAME filters. Beside them: the RUNNABLE
jobs dispatch may take (oldest first, and per group in the order the group dispatches
them), the blocked jobs time-limit actions look at, the capacity the dispatched jobs hold,
and the unfinished jobs per share identifier.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

from ..rules.statuses import DISPATCHED, RUNNABLE, STATUSES, TERMINAL

JobKey = tuple[int, int]


class IndexedJob(Protocol):
    """What the index reads of a job (``models.ServiceJob``)."""

    key: JobKey
    job_name: str
    status: str
    share_identifier: str | None
    quota_share_name: str | None
    scheduling_priority: int | None
    capacity: tuple[tuple[str, float], ...] | None
    environment: Any
    progress: Any
    stopped_at: int | None

    @property
    def blocked_since(self) -> int | None: ...

    @property
    def is_terminal(self) -> bool: ...


J = TypeVar("J", bound=IndexedJob)
Rank = tuple[int, JobKey]  # (-schedulingPriority, key): a group's dispatch order


def group_of(job: IndexedJob) -> str:
    """The group a waiting job is ordered in: its share identifier (fair share), its quota
    share (quota management), or "" (FIFO)."""
    return job.share_identifier or job.quota_share_name or ""


def rank_of(job: IndexedJob) -> Rank:
    """Where a job stands in its group: higher ``schedulingPriority`` first, then oldest."""
    return (-(job.scheduling_priority or 0), job.key)


class JobIndex(Generic[J]):
    """Jobs by key, with the sorted key lists and running totals the queries need."""

    def __init__(self) -> None:
        self.jobs: dict[JobKey, J] = {}
        self._keys: list[JobKey] = []
        self._by_status: dict[str, list[JobKey]] = {s: [] for s in STATUSES}
        self._names: list[JobKey] = []  # in the order of ``_name_rank``
        # RUNNABLE jobs that move by themselves (submitted, not seeded): all dispatch may take.
        self._waiting: list[JobKey] = []
        # The same jobs per group (``group_of``), each list in its group's order (``rank_of``).
        self.fronts: dict[str, list[Rank]] = {}
        # Unfinished jobs whose ``blocked_since`` is set (all a time-limit action can end).
        self.blocked: dict[JobKey, J] = {}
        # Capacity held by the dispatched jobs, kept as they come and go: by service
        # environment (the object: one deleted and created again under its name is another),
        # per unit; and every unit together per share identifier ("" for none).
        self.placed: dict[Any, dict[str, float]] = {}
        self.share_held: dict[str, float] = {}
        # Unfinished jobs per share identifier, and when each share's last unfinished job
        # finished (fair share: which share identifiers are active).
        self.share_unfinished: dict[str, int] = {}
        self.share_finished_at: dict[str, int] = {}

    @property
    def environment(self) -> Any:
        """Where a job filed as dispatched without one is placed (the queue's environment)."""
        raise NotImplementedError

    def add_job(self, job: J) -> None:
        self.jobs[job.key] = job
        insort(self._keys, job.key)
        insort(self._by_status[job.status], job.key)
        names = self._names
        names.insert(_first_at_or_after(names, self._name_rank(job.key), self._name_rank), job.key)
        if job.status in DISPATCHED:
            self._hold(job, 1)
        if job.status == RUNNABLE and job.progress is not None:
            self._wait(job)
        if job.share_identifier is not None and job.status not in TERMINAL:
            self._count_unfinished(job, 1)

    def move_job(self, job: J, old_status: str) -> None:
        """Re-file a job whose status changed from ``old_status``."""
        if old_status != job.status:
            _remove_key(self._by_status[old_status], job.key)
            insort(self._by_status[job.status], job.key)
            if (old_status in DISPATCHED) != (job.status in DISPATCHED):
                self._hold(job, 1 if job.status in DISPATCHED else -1)
            if job.share_identifier is not None and (old_status in TERMINAL) != job.is_terminal:
                self._count_unfinished(job, -1 if job.is_terminal else 1)
            if job.progress is not None:
                if old_status == RUNNABLE:
                    self._unwait(job)
                if job.status == RUNNABLE:
                    self._wait(job)
        if job.blocked_since is None or job.status in TERMINAL:
            self.blocked.pop(job.key, None)
        else:
            self.blocked[job.key] = job

    def _wait(self, job: J) -> None:
        insort(self._waiting, job.key)
        insort(self.fronts.setdefault(group_of(job), []), rank_of(job))

    def _unwait(self, job: J) -> None:
        _remove_key(self._waiting, job.key)
        group = group_of(job)
        ranks = self.fronts.get(group)
        if ranks is not None:
            _remove_key(ranks, rank_of(job))
            if not ranks:
                del self.fronts[group]

    def set_priority(self, job: J, priority: int) -> None:
        """Give a job a new ``schedulingPriority``, re-filing it in its group's order."""
        waiting = job.status == RUNNABLE and job.progress is not None
        if waiting:
            self._unwait(job)
        job.scheduling_priority = priority
        if waiting:
            self._wait(job)

    def _hold(self, job: J, sign: int) -> None:
        """Count a job's capacity in (``sign`` 1) or out of (-1) the capacity held.

        A job filed as dispatched with no environment (a test put it there) is placed on
        the queue's environment, and from then on holds capacity as a dispatched job does.
        """
        if job.environment is None:
            job.environment = self.environment
        if not job.capacity:
            return
        used = self.placed.setdefault(job.environment, {})
        share = job.share_identifier or ""
        for unit, quantity in job.capacity:
            used[unit] = used.get(unit, 0.0) + sign * quantity
            held = self.share_held.get(share, 0.0) + sign * quantity
            if abs(held) > 1e-9:
                self.share_held[share] = held
            else:  # a share holding nothing leaves no entry behind
                self.share_held.pop(share, None)

    def _count_unfinished(self, job: J, sign: int) -> None:
        share = job.share_identifier or ""
        left = self.share_unfinished.get(share, 0) + sign
        if left:
            self.share_unfinished[share] = left
        else:
            del self.share_unfinished[share]
            if job.stopped_at is not None:
                self.share_finished_at[share] = job.stopped_at

    def active_shares(self, at: int, decay_ms: int) -> set[str]:
        """Share identifiers with an unfinished job, or whose last one finished less than
        ``decay_ms`` before ``at``."""
        active = set(self.share_unfinished)
        finished = self.share_finished_at
        expired = [share for share, done in finished.items() if at - done >= decay_ms]
        for share in expired:  # its decay window has passed: it leaves no entry behind
            del finished[share]
        active.update(finished)
        return active

    def keys(self, status: str | None) -> list[JobKey]:
        """Keys of all jobs (``status=None``) or of one status, oldest first."""
        return self._keys if status is None else self._by_status[status]

    def waiting(self) -> list[JobKey]:
        """Keys of the RUNNABLE jobs that are not seeded (seeded ones are never dispatched)."""
        return self._waiting

    def _name_rank(self, key: JobKey) -> tuple[str, JobKey]:
        return self.jobs[key].job_name.lower(), key

    def named(self, name: str, prefix: bool) -> tuple[int, int]:
        """The range of ``name_keys()`` whose lower-cased name is ``name`` (or starts with it)."""
        end = name + ("\U0010ffff" if prefix else "\x00")
        rank = self._name_rank
        first: Any = (name,)  # before every (name, key), after every smaller name
        last: Any = (end,)
        names = self._names
        return _first_at_or_after(names, first, rank), _first_at_or_after(names, last, rank)

    def name_keys(self) -> list[JobKey]:
        """Every job's key, in the order of its lower-cased name, then its key."""
        return self._names

    def names(self) -> list[tuple[str, JobKey]]:
        """``(lower-cased name, key)`` of every job, ascending (made anew: for checks)."""
        return [self._name_rank(key) for key in self._names]


def _first_at_or_after(items: list[Any], target: Any, rank: Callable[[Any], Any]) -> int:
    """``bisect_left(items, target, key=rank)``, which Python 3.9 lacks."""
    low, high = 0, len(items)
    while low < high:
        middle = (low + high) // 2
        if rank(items[middle]) < target:
            low = middle + 1
        else:
            high = middle
    return low


def _remove_key(keys: list[Any], key: Any) -> None:
    i = bisect_left(keys, key)
    if i < len(keys) and keys[i] == key:
        del keys[i]
