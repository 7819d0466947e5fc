"""GetJobQueueSnapshot: the front of a queue in dispatch order, and the capacity it uses.

For a SAGEMAKER_TRAINING queue, from the package's jobs (after a settle); for one of moto's
container queues, from moto's jobs.
"""

from __future__ import annotations

import itertools
from typing import Any

from moto.batch.models import datetime2int_milliseconds

from ..exceptions import missing
from ..rules.statuses import DISPATCHED
from ..scheduling.lifecycle import Lifecycle
from ..scheduling.quota_dispatch import quota_order, share_fronts
from ..state import clock
from ..state.models import ServiceJob
from ..state.store import Store, queue_not_found

SNAPSHOT_JOBS = 100
SNAPSHOT_TOP_SHARES = 20


def _usage_list(usage: dict[str, float]) -> list[dict[str, Any]]:
    return [{"capacityUnit": unit, "quantity": quantity} for unit, quantity in usage.items()]


def _container_snapshot(queue: Any, at: int) -> dict[str, Any]:
    """GetJobQueueSnapshot of one of moto's container job queues, from moto's jobs.

    moto keeps no share identifier or scheduling priority for container jobs: the front is
    the RUNNABLE jobs oldest first, and usage is the vCPUs of the STARTING/RUNNING jobs of
    container job definitions.
    """
    runnable, vcpus = [], 0.0
    for job in queue.jobs:
        status = job.status  # moto's ManagedState: its own progression applies, as in ListJobs
        if status == "RUNNABLE":
            runnable.append(job)
        elif status in ("STARTING", "RUNNING") and job.job_definition.container_properties:
            vcpus += _container_vcpus(job)
    runnable.sort(key=lambda job: job.job_created_at)
    return {
        "frontOfQueue": {
            "jobs": [
                {
                    "jobArn": job.arn,
                    "earliestTimeAtPosition": datetime2int_milliseconds(job.job_created_at),
                }
                for job in runnable[:SNAPSHOT_JOBS]
            ],
            "lastUpdatedAt": at,
        },
        "queueUtilization": {
            "totalCapacityUsage": _usage_list({"VCPU": vcpus} if vcpus else {}),
            "lastUpdatedAt": at,
        },
    }


def _container_vcpus(job: Any) -> float:
    """The vCPUs a moto container job asks for: its overrides, else its job definition
    (``resourceRequirements`` VCPU before the older ``vcpus``); 1 when neither says."""
    for source in (job.container_overrides or {}, job.job_definition.container_properties):
        wanted = [
            r.get("value")
            for r in source.get("resourceRequirements") or []
            if r.get("type") == "VCPU"
        ]
        for value in [*wanted, source.get("vcpus")]:
            if value is not None:
                try:
                    return float(value)
                except (TypeError, ValueError):
                    return 0.0
    return 1.0


class SnapshotBackend:
    """GetJobQueueSnapshot. A mixin of ``ServiceJobBackend`` (its ``store`` and ``lifecycle``)."""

    store: Store
    lifecycle: Lifecycle

    def job_queue_snapshot(self, identifier: str | None) -> dict[str, Any]:
        """The front of a SAGEMAKER_TRAINING queue in dispatch order, and what it uses."""
        store, lifecycle = self.store, self.lifecycle
        if not identifier:
            raise missing("jobQueue")
        queue = store.find_queue(identifier)
        if queue is None:
            container_queue = store.moto_batch.get_job_queue(identifier)
            if container_queue is None:
                raise queue_not_found(identifier)
            return _container_snapshot(container_queue, clock.now_ms())
        lifecycle.settle()
        at = clock.now_ms()
        quota_managed = store.policy_kind(queue) == "QUOTA"
        order = quota_order(queue) if quota_managed else lifecycle.dispatch_order(queue)
        front = list(itertools.islice(order, SNAPSHOT_JOBS))
        total: dict[str, float] = {}
        by_share: dict[str, dict[str, float]] = {}
        by_quota_share: dict[str, dict[str, float]] = {}
        for status in DISPATCHED:
            for key in queue.keys(status):
                job = queue.jobs[key]
                for unit, quantity in job.capacity or ():
                    total[unit] = total.get(unit, 0.0) + quantity
                    if job.share_identifier is not None:
                        share = by_share.setdefault(job.share_identifier, {})
                        share[unit] = share.get(unit, 0.0) + quantity
                    if job.quota_share_name is not None:
                        share = by_quota_share.setdefault(job.quota_share_name, {})
                        share[unit] = share.get(unit, 0.0) + quantity
        utilization: dict[str, Any] = {
            "totalCapacityUsage": _usage_list(total),
            "lastUpdatedAt": at,
        }
        if store.policy_kind(queue) == "FAIRSHARE":
            # Shares "currently utilizing capacity": those with a dispatched job.
            utilizing = {
                queue.jobs[key].share_identifier
                for status in DISPATCHED
                for key in queue.keys(status)
            }
            top = sorted(by_share.items(), key=lambda item: (-sum(item[1].values()), item[0]))
            utilization["fairshareUtilization"] = {
                "activeShareCount": len(utilizing - {None}),
                "topCapacityUtilization": [
                    {"shareIdentifier": share, "capacityUsage": _usage_list(usage)}
                    for share, usage in top[:SNAPSHOT_TOP_SHARES]
                ],
            }
        if quota_managed:
            top = sorted(by_quota_share.items(), key=lambda item: (-sum(item[1].values()), item[0]))
            utilization["quotaShareUtilization"] = {
                "topCapacityUtilization": [
                    {"quotaShareName": share, "capacityUsage": _usage_list(usage)}
                    for share, usage in top[:SNAPSHOT_TOP_SHARES]
                ],
            }

        def position(job: ServiceJob) -> dict[str, Any]:
            return {
                "jobArn": job.job_arn,
                "earliestTimeAtPosition": job.runnable_since or job.created_at,
            }

        snapshot: dict[str, Any] = {
            "frontOfQueue": {"jobs": [position(job) for job in front], "lastUpdatedAt": at},
            "queueUtilization": utilization,
        }
        if quota_managed:
            fronts = share_fronts(queue)
            snapshot["frontOfQuotaShares"] = {
                "quotaShares": {
                    share.name: [position(job) for job in fronts.get(share.name, [])[:1]]
                    for share in store.queue_shares(queue)
                },
                "lastUpdatedAt": at,
            }
        return snapshot
