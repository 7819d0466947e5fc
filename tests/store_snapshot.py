"""The whole service-job store of one account and region, as plain data.

``snapshot()`` copies everything a request could change: service environments,
SAGEMAKER_TRAINING queues with their job index, jobs (every field, their progress
and planned outcomes), quota shares, tags, quota-share policies, client tokens, the
lifecycle's bookkeeping, and moto's own job queues and scheduling policies of that
account and region. Two snapshots compare equal exactly when nothing changed.
"""

from __future__ import annotations

import copy
from typing import Any

from moto.batch.models import batch_backends

from moto_batch_service import ServiceJobStatus, service_job_backends
from tests.conftest import ACCOUNT, REGION

STATUSES = ServiceJobStatus.values()


def _job(job: Any) -> dict[str, Any]:
    progress = job.progress
    return {
        "describe": job.describe(),
        "summary": job.summary(),
        "queue": job.queue.name,
        "key": list(job.key),
        # ManagedState.status advances when read: take the stored fields.
        "progress": None
        if progress is None
        else [getattr(progress, "_status", None), getattr(progress, "_tick", None)],
        "planned": [repr(outcome) for outcome in getattr(job, "planned", [])],
        "bookkeeping": {
            name: getattr(job, name, None)
            for name in (
                "attempt_count",
                "attempt_clock",
                "attempt_started_at",
                "blocked_since",
                "capacity_failure",
                "runnable_since",
                "preempted_count",
                "recent_preemptions",
                "training_job_arn",
            )
        },
        "environment": job.environment.name if getattr(job, "environment", None) else None,
    }


def _queue(queue: Any) -> dict[str, Any]:
    return {
        "describe": queue.describe(),
        "keys": [list(key) for key in queue.keys(None)],
        "by_status": {status: [list(key) for key in queue.keys(status)] for status in STATUSES},
        "jobs": sorted(job.job_id for job in queue.jobs.values()),
    }


def snapshot(account_id: str = ACCOUNT, region_name: str = REGION) -> dict[str, Any]:
    """Everything stored for ``account_id``/``region_name``, deep-copied into plain data."""
    backend = service_job_backends[account_id][region_name]
    batch = batch_backends[account_id][region_name]
    resources = [
        *backend.environments.values(),
        *backend.queues.values(),
        *backend.jobs.values(),
        *backend.quota_shares.values(),
    ]
    policies = batch.describe_scheduling_policies(batch.list_scheduling_policies())
    state = {
        "environments": {name: env.describe() for name, env in backend.environments.items()},
        "queues": {name: _queue(queue) for name, queue in backend.queues.items()},
        "jobs": {job_id: _job(job) for job_id, job in backend.jobs.items()},
        "quota_shares": {arn: share.describe() for arn, share in backend.quota_shares.items()},
        "tags": {
            getattr(resource, "job_arn", None) or resource.arn: dict(resource.tags)
            for resource in resources
        },
        "quota_policies": dict(backend.quota_policies),
        "client_tokens": {
            token: [fingerprint, job.job_id, used_at]
            for token, (fingerprint, job, used_at) in backend.store.client_tokens.items()
        },
        "active": sorted(backend.tracker.active),
        "ticked": sorted(backend.tracker.ticked),
        "stopping": dict(backend.tracker.stopping),
        "moto_job_queues": batch.describe_job_queues(),
        "moto_scheduling_policies": [policy.to_dict() for policy in policies],
    }
    return copy.deepcopy(state)


def index_errors(account_id: str = ACCOUNT, region_name: str = REGION) -> list[str]:
    """Where a queue's job index disagrees with its jobs (empty when consistent)."""
    backend = service_job_backends[account_id][region_name]
    errors = []
    for queue in backend.queues.values():
        keys = queue.keys(None)
        if keys != sorted(queue.jobs):
            errors.append(f"{queue.name}: keys {keys} != jobs {sorted(queue.jobs)}")
        for status in STATUSES:
            wrong = [
                key
                for key in queue.keys(status)
                if key not in queue.jobs or queue.jobs[key].status != status
            ]
            if wrong or queue.keys(status) != sorted(queue.keys(status)):
                errors.append(f"{queue.name}: {status} index holds {wrong}")
        filed = sorted(key for status in STATUSES for key in queue.keys(status))
        if filed != keys:
            errors.append(f"{queue.name}: status index {filed} != keys {keys}")
        blocked = sorted(
            key
            for key, job in queue.jobs.items()
            if job.blocked_since is not None and not job.is_terminal
        )
        if sorted(queue.blocked) != blocked:
            errors.append(f"{queue.name}: blocked index {sorted(queue.blocked)} != {blocked}")
        placed: dict[Any, dict[str, float]] = {}  # by environment object, as the index keeps it
        share_held: dict[str, float] = {}
        for job in queue.jobs.values():
            if job.status not in ("SCHEDULED", "STARTING", "RUNNING"):
                continue
            if job.environment is None:
                errors.append(f"{queue.name}: dispatched job {job.job_id} holds no environment")
                continue
            used = placed.setdefault(job.environment, {})
            for unit, quantity in job.capacity or ():
                used[unit] = used.get(unit, 0.0) + quantity
                share = job.share_identifier or ""
                share_held[share] = share_held.get(share, 0.0) + quantity
        held = (_nonzero_by_env(queue.placed), _nonzero(queue.share_held))
        if held != (_nonzero_by_env(placed), _nonzero(share_held)):
            errors.append(f"{queue.name}: held capacity {held} != {placed, share_held}")
        waiting = sorted(
            key
            for key, job in queue.jobs.items()
            if job.status == "RUNNABLE" and job.progress is not None
        )
        if queue.waiting() != waiting:
            errors.append(f"{queue.name}: waiting index {queue.waiting()} != {waiting}")
        fronts: dict[str, list[Any]] = {}
        for key in waiting:
            job = queue.jobs[key]
            group = job.share_identifier or job.quota_share_name or ""
            fronts.setdefault(group, []).append((-(job.scheduling_priority or 0), key))
        if queue.fronts != {group: sorted(ranks) for group, ranks in fronts.items()}:
            errors.append(f"{queue.name}: lines per group {queue.fronts} != {fronts}")
        unfinished: dict[str, int] = {}
        for job in queue.jobs.values():
            if job.share_identifier is not None and not job.is_terminal:
                unfinished[job.share_identifier] = unfinished.get(job.share_identifier, 0) + 1
        if queue.share_unfinished != unfinished:
            errors.append(f"{queue.name}: unfinished jobs per share {queue.share_unfinished}")
        names = sorted((job.job_name.lower(), key) for key, job in queue.jobs.items())
        if queue.names() != names:
            errors.append(f"{queue.name}: name index {queue.names()} != {names}")
    for job_id, job in backend.jobs.items():
        if job.queue.jobs.get(job.key) is not job:
            errors.append(f"job {job_id} is not in its queue's index")
    for job_id in backend.tracker.active:
        if backend.jobs[job_id].is_terminal:
            errors.append(f"finished job {job_id} is still active")
    tracker = backend.tracker
    unsettled = {i for i, job in tracker.active.items() if job.status != "RUNNABLE"}
    if set(tracker.unsettled) != unsettled:
        errors.append(f"jobs to step {sorted(tracker.unsettled)} != {sorted(unsettled)}")
    for job_id, job in tracker.parked.items():
        if job_id not in tracker.active or job.status != "RUNNABLE":
            errors.append(f"parked job {job_id} is {job.status}, not an active RUNNABLE job")
    return errors


def _nonzero(held: dict[str, float]) -> dict[str, float]:
    return {unit: round(quantity, 6) for unit, quantity in held.items() if round(quantity, 6)}


def _nonzero_by_env(held: dict[Any, dict[str, float]]) -> dict[Any, dict[str, float]]:
    return {env: _nonzero(units) for env, units in held.items() if _nonzero(units)}
