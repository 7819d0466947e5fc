"""``ServiceJobBackend``: the one object per account and region that the handlers call.

``service_job_backends[account_id][region_name]`` is a moto ``BackendDict`` for the "batch"
service, so ``mock_aws`` and ``/moto-api/reset`` wipe it like every moto backend. Look the
backend up each time; never keep one across tests.

The backend is composed as moto composes its large backends (``EC2Backend``): one mixin per
concern (``environments``, ``service_jobs``, ``quota_shares``, ``snapshots``, ``tags``),
each working on the state the backend holds (``store``, ``tracker``, ``lifecycle``). Every
operation is a method of the class.

A request holds ``RESET_LOCK`` from before it looks its backend up until it has answered:
moto holds the same lock while a reset wipes every backend, so a request racing a reset sees
the store either as it was before the reset or as after it. It also holds the backend's
``lock``: one request at a time changes a store.
"""

from __future__ import annotations

import threading
from typing import Any

from moto.core.base_backend import BackendDict, BaseBackend

from .._moto.common import moto_backend_lock, partition_of
from ..scheduling.lifecycle import Lifecycle
from ..scheduling.tracking import Tracker
from ..state.models import ServiceEnvironment, ServiceJob, ServiceQueue
from ..state.quota import QuotaShare
from ..state.store import Store
from .environments import EnvironmentBackend
from .quota_shares import QuotaShareBackend
from .service_jobs import JobBackend
from .snapshots import SnapshotBackend
from .tags import TagBackend

RESET_LOCK = moto_backend_lock


class ServiceJobBackend(
    BaseBackend, EnvironmentBackend, JobBackend, QuotaShareBackend, SnapshotBackend, TagBackend
):
    """Service environments, SAGEMAKER_TRAINING queues and service jobs of one account/region.

    ``store`` holds the resources, ``tracker`` the jobs that move, ``lifecycle`` moves them.
    The operations (``submit_service_job``, ``create_service_environment``,
    ``create_quota_share``, ``job_queue_snapshot``, ``tag_resource``, ...) come from the
    mixins; ``environments``, ``queues``, ``jobs``, ``quota_shares`` and ``quota_policies``
    read what is stored (read them; change state through the operations or the seeding
    helpers).
    """

    def __init__(self, region_name: str, account_id: str):
        super().__init__(region_name, account_id)
        self.partition = partition_of(region_name)  # BaseBackend sets it on moto >= 5.0.8
        # Held by every request handler: one request at a time changes this store.
        self.lock = threading.RLock()
        self.store = Store(account_id, region_name, self.partition)
        self.tracker = Tracker(self.store)
        self.lifecycle = Lifecycle(self.store, self.tracker)

    # -- what is stored (``store``) -------------------------------------------------------
    @property
    def environments(self) -> dict[str, ServiceEnvironment]:
        """Service environments by name."""
        return self.store.environments

    @property
    def queues(self) -> dict[str, ServiceQueue]:
        """SAGEMAKER_TRAINING job queues by name."""
        return self.store.queues

    @property
    def jobs(self) -> dict[str, ServiceJob]:
        """Service jobs by job ID."""
        return self.store.jobs

    @property
    def quota_shares(self) -> dict[str, QuotaShare]:
        """Quota shares by ARN."""
        return self.store.quota_shares

    @property
    def quota_policies(self) -> dict[str, dict[str, Any]]:
        """The quota-share policies of moto's scheduling policies, by policy ARN."""
        return self.store.quota_policies


service_job_backends: BackendDict[ServiceJobBackend] = BackendDict(ServiceJobBackend, "batch")
