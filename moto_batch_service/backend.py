"""``ServiceJobBackend``: the one object per account and region that the handlers call.

``service_job_backends[account_id][region_name]`` is a moto ``BackendDict`` for the "batch"
service, so ``mock_aws`` and ``/moto-api/reset`` wipe it like every moto backend. Look the
backend up each time; never keep one across tests.

The backend composes the parts below it and names their operations; it holds no rule of its
own. A request holds ``RESET_LOCK`` from before it looks its backend up until it has
answered: moto holds the same lock while a reset wipes every backend, so a request racing a
reset sees the store either as it was before the reset or as after it. It also holds the
backend's ``lock``: one request at a time changes a store.
"""

from __future__ import annotations

import threading
from typing import Any

from moto.core.base_backend import BackendDict, BaseBackend

from . import snapshots, tags
from ._moto import moto_backend_lock, partition_of
from .environments import Environments
from .lifecycle import Lifecycle
from .models import ServiceEnvironment, ServiceJob, ServiceQueue
from .quota import QuotaShare
from .quota_shares import QuotaShares
from .service_jobs import ServiceJobs
from .store import Store
from .tracking import Tracker

RESET_LOCK = moto_backend_lock


class ServiceJobBackend(BaseBackend):
    """Service environments, SAGEMAKER_TRAINING queues and service jobs of one account/region.

    ``store`` holds the resources, ``tracker`` the jobs that move, ``lifecycle`` moves them;
    the operations come from ``Environments``, ``ServiceJobs``, ``QuotaShares``, ``snapshots``
    and ``tags``.
    """

    def __init__(self, region_name: str, account_id: str):
        super().__init__(region_name, account_id)
        self.partition = partition_of(region_name)  # BaseBackend sets it on moto >= 5.0.8
        # Held by every request handler: one request at a time changes this store.
        self.lock = threading.RLock()
        self.store = store = Store(account_id, region_name, self.partition)
        self.tracker = tracker = Tracker(store)
        self.lifecycle = lifecycle = Lifecycle(store, tracker)
        environments = Environments(store, tracker)
        jobs = ServiceJobs(store, tracker, lifecycle)
        shares = QuotaShares(store, tracker)

        # Service environments and SAGEMAKER_TRAINING job queues.
        self.create_service_environment = environments.create_service_environment
        self.describe_service_environments = environments.describe_service_environments
        self.update_service_environment = environments.update_service_environment
        self.delete_service_environment = environments.delete_service_environment
        self.create_job_queue = environments.create_job_queue
        self.describe_job_queues = environments.describe_job_queues
        self.update_job_queue = environments.update_job_queue
        self.delete_job_queue = environments.delete_job_queue
        self.find_queue = store.find_queue
        # Service jobs.
        self.submit_service_job = jobs.submit_service_job
        self.describe_service_job = jobs.describe_service_job
        self.list_service_jobs = jobs.list_service_jobs
        self.terminate_service_job = jobs.terminate_service_job
        self.terminate_service_jobs = jobs.terminate_service_jobs
        self.update_service_job = jobs.update_service_job
        self.get_job = store.get_job
        self.move = tracker.move
        self.active_jobs = tracker.active_jobs
        # Quota shares and the quota-share policies of moto's scheduling policies.
        self.create_quota_share = shares.create_quota_share
        self.get_quota_share = shares.get_quota_share
        self.list_quota_shares = shares.list_quota_shares
        self.update_quota_share = shares.update_quota_share
        self.delete_quota_share = shares.delete_quota_share
        self.create_quota_policy = shares.create_quota_policy
        self.queue_shares = store.queue_shares
        self.policy_kind = store.policy_kind
        # Seeding (``seeding``): a queue made on demand, a job stored as given, a status set.
        self.ensure_queue = environments.ensure_queue
        self.seed_job = jobs.seed_job
        self.set_status = jobs.set_status

    # -- what is stored (``store``) -------------------------------------------------------
    @property
    def environments(self) -> dict[str, ServiceEnvironment]:
        return self.store.environments

    @property
    def queues(self) -> dict[str, ServiceQueue]:
        return self.store.queues

    @property
    def jobs(self) -> dict[str, ServiceJob]:
        return self.store.jobs

    @property
    def quota_shares(self) -> dict[str, QuotaShare]:
        return self.store.quota_shares

    @property
    def quota_policies(self) -> dict[str, dict[str, Any]]:
        return self.store.quota_policies

    # -- GetJobQueueSnapshot and tags ---------------------------------------------------
    def job_queue_snapshot(self, identifier: str | None) -> dict[str, Any]:
        """The front of a queue in dispatch order, and what it uses (``snapshots``)."""
        return snapshots.job_queue_snapshot(self.store, self.lifecycle, identifier)

    def tagged_resource(self, arn: str) -> ServiceJob | ServiceEnvironment | ServiceQueue | None:
        """The package's resource an ARN names; None for moto's own (``tags``)."""
        return tags.tagged_resource(self.store, arn)

    tag_resource = staticmethod(tags.tag_resource)
    untag_resource = staticmethod(tags.untag_resource)


service_job_backends: BackendDict[ServiceJobBackend] = BackendDict(ServiceJobBackend, "batch")
