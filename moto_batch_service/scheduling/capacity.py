"""Capacity: what a job asks for, and whether a service environment has room for it.

A job's demand is its ``capacityUsage`` (from its payload's ``ResourceConfig``). A
NUM_INSTANCES environment counts every instance together; an instance-type environment
(quota management) counts each instance type against its own limit. Pure rules.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..rules.statuses import NUM_INSTANCES
from ..state.models import ServiceEnvironment, ServiceJob, ServiceQueue


def demand_of(job: ServiceJob) -> dict[str, float]:
    return dict(job.capacity or ())


class Usage:
    """Capacity held by dispatched jobs, per service environment and unit. Environments are
    told apart by identity, not by name: one deleted and created again under its name starts
    empty, and what the old one's jobs hold stays the old one's."""

    def __init__(self, queues: Iterable[ServiceQueue]):
        """What the queues' dispatched jobs hold."""
        self._by_env: dict[ServiceEnvironment, dict[str, float]] = {}
        for queue in queues:
            for env, held in queue.placed.items():
                self._count(env, held)

    def _count(self, env: ServiceEnvironment, held: dict[str, float]) -> None:
        used = self._by_env.setdefault(env, {})
        for unit, quantity in held.items():
            used[unit] = used.get(unit, 0.0) + quantity

    def add(self, env: ServiceEnvironment, job: ServiceJob) -> None:
        used = self._by_env.setdefault(env, {})
        for unit, quantity in demand_of(job).items():
            used[unit] = used.get(unit, 0.0) + quantity

    def remove(self, env: ServiceEnvironment, job: ServiceJob) -> None:
        used = self._by_env.setdefault(env, {})
        for unit, quantity in demand_of(job).items():
            used[unit] = used.get(unit, 0.0) - quantity

    def fits(
        self,
        env: ServiceEnvironment,
        job: ServiceJob,
        empty: bool = False,
        reserved: dict[str, float] | None = None,
    ) -> bool:
        """Whether ``env`` has room for ``job`` (beside what it holds, unless ``empty``, and
        what is ``reserved`` for others, per unit)."""
        demand = demand_of(job)
        if not demand:
            return True
        used = {} if empty else self._by_env.get(env, {})
        if reserved:
            used = {u: used.get(u, 0.0) + reserved.get(u, 0.0) for u in {*used, *reserved}}
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


def usable(env: ServiceEnvironment) -> bool:
    """Jobs may be dispatched to the environment: ENABLED and VALID."""
    return env.state == "ENABLED" and env.status == "VALID"
