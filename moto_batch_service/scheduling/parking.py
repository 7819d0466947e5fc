"""The RUNNABLE jobs "time" progression parks: which to wake, and their step times.

A RUNNABLE job that finds no room at its step time is *parked* (``Tracker.parked``): it is
not looked at again, at any cost, until something may have freed room for it. When
something changes in a service environment (a job moves, a priority or a limit changes),
``wake`` names the parked jobs there that may be placed now; a change to a queue, an
environment, a scheduling policy or a quota share wakes every parked job (``configuration``
tells). A parked job keeps its progress at its last step time; ``parked_step`` says the
step time it has reached since, as if it had been tried, in vain, at each one.
"""

from __future__ import annotations

from collections.abc import Collection, Container, Iterable
from typing import Any

from .._moto.common import progressed_at
from ..state.models import JobKey, ServiceJob
from ..state.store import Store
from .capacity import Usage, usable
from .tracking import Tracker


def wake(store: Store, changed: Collection[Any], *parked: Container[str]) -> list[ServiceJob]:
    """The jobs (by ID in one of ``parked``) of the changed environments' queues that may
    be placed now.

    Each line of a queue (FIFO: the queue, oldest first; else each share's, in its order)
    is walked from its front while its jobs fit what the environment has free, each
    keeping its room as a job not due yet would; the first job that does not fit stops
    the walk, since no job behind it in that line may pass it. The parked jobs met on the
    way, that one included, are named; the others stay parked.
    """
    queues = [q for q in store.queues.values() if q.fronts and q.environment in changed]
    if not queues:
        return []
    usage = Usage(store.queues.values())
    woken: list[ServiceJob] = []
    for queue in queues:
        env = queue.environment
        lines: Iterable[Iterable[JobKey]] = (
            [queue.waiting()]
            if store.policy_kind(queue) is None
            else ((key for _, key in ranks) for ranks in queue.fronts.values())
        )
        for line in lines:
            kept: list[ServiceJob] = []
            for key in line:
                job = queue.jobs[key]
                if any(job.job_id in pool for pool in parked):
                    woken.append(job)
                if not (usable(env) and usage.fits(env, job)):
                    break
                usage.add(env, job)
                kept.append(job)
            for job in kept:
                usage.remove(env, job)
    return woken


def parked_step(tracker: Tracker, job: ServiceJob) -> int:
    """A parked job's last step time (epoch ms) by the last "time" settle."""
    assert job.progress is not None
    last = round(progressed_at(job.progress).timestamp() * 1000)
    step, settled = tracker.park_step, tracker.time_settled_at
    if step > 0 and settled is not None and settled > last:
        last += step * ((settled - last) // step)
    return last


def configuration(store: Store) -> Any:
    """What of the queues, service environments, fair-share policies and quota shares
    dispatch reads, as plain data to compare (a change wakes every parked job)."""
    return (
        [
            (q.name, q.priority, q.state, q.environment.seq, q.scheduling_policy_arn)
            for q in store.queues.values()
        ],
        [(e.seq, e.state, e.status, repr(e.capacity_limits)) for e in store.environments.values()],
        [repr(sorted(vars(share).items())) for share in store.quota_shares.values()],
        [
            repr(store.fairshare_policy(q))
            for q in store.queues.values()
            if store.policy_kind(q) == "FAIRSHARE"
        ],
    )
