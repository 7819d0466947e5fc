"""Quota shares of SAGEMAKER_TRAINING queues with a quota-share scheduling policy: their
operations (the shares themselves and their request rules are in ``quota``)."""

from __future__ import annotations

from typing import Any

from ..exceptions import ClientException, cut, missing
from ..rules import validation as check
from ..rules.statuses import FAILED
from ..scheduling.tracking import Tracker
from ..state import clock, quota
from ..state.listing import page_size, request_fingerprint, seq_page
from ..state.models import ServiceQueue
from ..state.quota import QuotaShare, quota_share_policy
from ..state.store import ALREADY_EXISTS, Store, queue_not_found


class QuotaShareBackend:
    """CreateQuotaShare ... DeleteQuotaShare, and the quota-share policies moto's scheduling
    policies carry.

    A mixin of ``ServiceJobBackend``: it works on the backend's ``store`` and ``tracker``.
    """

    store: Store
    tracker: Tracker

    def _quota_queue(self, identifier: str) -> ServiceQueue:
        """The quota-management queue by name or ARN; any other existing queue (a container
        queue, a FIFO or fair-share SAGEMAKER_TRAINING queue) is refused, saying so."""
        queue = self.store.find_queue(identifier)
        if queue is not None and self.store.policy_kind(queue) == "QUOTA":
            return queue
        container = None if queue is not None else self.store.moto_batch.get_job_queue(identifier)
        if queue is None and container is None:
            raise queue_not_found(identifier)
        name = queue.name if queue is not None else str(getattr(container, "name", identifier))
        raise ClientException(
            f"Job queue {name} is not a quota-management SAGEMAKER_TRAINING job queue; "
            "quota shares need a SAGEMAKER_TRAINING job queue whose scheduling policy has "
            "a quotaSharePolicy"
        )

    def get_quota_share(self, arn: str | None) -> QuotaShare:
        """GetQuotaShare: the quota share an ARN names."""
        if not arn:
            raise missing("quotaShareArn")
        share = self.store.quota_shares.get(arn)
        if share is None:
            raise ClientException(f"Quota share {cut(arn)} does not exist")
        return share

    def create_quota_share(
        self,
        name: str | None,
        job_queue: str | None,
        capacity_limits: list[Any] | None,
        resource_sharing: dict[str, Any] | None,
        preemption: dict[str, Any] | None,
        state: str | None,
        tags: dict[str, str] | None,
    ) -> QuotaShare:
        """CreateQuotaShare in a quota-management SAGEMAKER_TRAINING queue."""
        name = check.name("quotaShareName", name)
        if not job_queue:
            raise missing("jobQueue")
        members = (
            quota.capacity_limits(capacity_limits),
            quota.resource_sharing(resource_sharing),
            quota.preemption(preemption),
            check.state(state),
            check.tags(tags),
        )
        queue = self._quota_queue(job_queue)
        arn = QuotaShare.arn_of(queue.arn, name)
        if arn in self.store.quota_shares:
            raise ClientException(ALREADY_EXISTS)
        if len(self.store.queue_shares(queue)) >= quota.MAX_SHARES_PER_QUEUE:
            raise ClientException(
                f"Job queue {queue.name} already has {quota.MAX_SHARES_PER_QUEUE} quota shares"
            )
        share = QuotaShare(name, queue.arn, next(self.store.seq), *members)
        self.store.quota_shares[share.arn] = share
        return share

    def list_quota_shares(
        self, job_queue: str | None, max_results: int | None, next_token: str | None
    ) -> tuple[list[QuotaShare], str | None]:
        """ListQuotaShares of a quota-management queue, a page at a time."""
        limit = page_size(max_results)
        if not job_queue:
            raise missing("jobQueue")
        queue = self._quota_queue(job_queue)
        return seq_page(
            self.store.queue_shares(queue),
            limit,
            next_token,
            request_fingerprint(queue.arn),
            "another job queue",
        )

    def update_quota_share(
        self,
        arn: str | None,
        capacity_limits: list[Any] | None,
        resource_sharing: dict[str, Any] | None,
        preemption: dict[str, Any] | None,
        state: str | None,
    ) -> QuotaShare:
        """UpdateQuotaShare: its state, capacity limits, resource sharing and preemption."""
        share = self.get_quota_share(arn)
        changes: dict[str, Any] = {"state": check.state(state, default=share.state)}
        if capacity_limits is not None:
            changes["capacity_limits"] = quota.capacity_limits(capacity_limits)
        if resource_sharing is not None:
            changes["resource_sharing"] = quota.resource_sharing(resource_sharing)
        if preemption is not None:
            changes["preemption"] = quota.preemption(preemption)
        for attribute, value in changes.items():
            setattr(share, attribute, value)
        return share

    def delete_quota_share(self, arn: str | None) -> None:
        """DeleteQuotaShare: only a DISABLED share with no unfinished job."""
        share = self.get_quota_share(arn)
        if share.state != "DISABLED":
            raise ClientException(
                f"Quota share {share.name} must be DISABLED before it can be deleted"
            )
        queue = self.store.find_queue(share.queue_arn)
        if queue is not None:
            at = clock.now_ms()
            for job in list(queue.jobs.values()):
                if job.quota_share_name == share.name and not job.is_terminal:
                    job.is_terminated = True
                    self.tracker.move(job, FAILED, at, "Quota share deleted")
        del self.store.quota_shares[share.arn]

    def create_quota_policy(self, arn: str, policy: dict[str, Any] | None) -> None:
        """Remember that moto's scheduling policy ``arn`` is a quota-share policy."""
        self.store.quota_policies[arn] = quota_share_policy(policy)
