"""What one account and region holds, and how a request names it.

``Store`` keeps the service environments, SAGEMAKER_TRAINING queues (each with its job index,
``job_index``), service jobs, quota shares and quota-share policies, the jobs' AWS/Batch
metrics (``metrics``), and resolves the names and ARNs requests use. It answers questions
about a queue's scheduling policy (moto keeps the policies) but changes nothing by itself:
the operations do (``environments``, ``service_jobs``, ``quota_shares``), and jobs move
through ``tracking``.
"""

from __future__ import annotations

import itertools
from typing import Any, Callable

from moto.batch.models import BatchBackend, batch_backends

from ..exceptions import ClientException, cut, missing
from .metrics import JobMetrics
from .models import ServiceEnvironment, ServiceJob, ServiceQueue
from .quota import QuotaShare

ALREADY_EXISTS = "Object already exists"


def queue_not_found(identifier: str) -> ClientException:
    return ClientException(f"JobQueue {cut(identifier)} not found.")


def job_not_found(identifier: str) -> ClientException:
    return ClientException(f"Job {cut(identifier)} not found")


def environment_not_found(identifier: str) -> ClientException:
    return ClientException(f"Service environment {cut(identifier)} does not exist")


class Store:
    """The service-job resources of one account and region."""

    def __init__(self, account_id: str, region_name: str, partition: str):
        self.account_id = account_id
        self.region_name = region_name
        self.partition = partition
        self.arn_prefix = f"arn:{partition}:batch:{region_name}:{account_id}:"
        self.environments: dict[str, ServiceEnvironment] = {}
        self.queues: dict[str, ServiceQueue] = {}
        self.jobs: dict[str, ServiceJob] = {}
        # SubmitServiceJob clientToken -> (the request's fingerprint, the job it made).
        # clientToken -> (request fingerprint, job, when it was used), in the order used
        self.client_tokens: dict[str, tuple[str, ServiceJob, int]] = {}
        # Scheduling policies (moto's) that carry a quotaSharePolicy, by ARN.
        self.quota_policies: dict[str, dict[str, Any]] = {}
        self.quota_shares: dict[str, QuotaShare] = {}
        # The AWS/Batch metrics of the jobs that moved here, per metric, queue and minute.
        self.metrics = JobMetrics()
        # One sequence for everything made here: resources' ``seq``, heap tie-breakers.
        self.seq = itertools.count(1)

    @property
    def moto_batch(self) -> BatchBackend:
        """moto's own Batch backend of the same account and region (container resources)."""
        return batch_backends[self.account_id][self.region_name]

    def find(self, store: dict[str, Any], identifier: str, kind: str) -> Any:
        """The resource of ``store`` a name or an ARN of ``kind`` (``"job-queue/"``) names."""
        if identifier.startswith("arn:"):
            prefix = self.arn_prefix + kind
            if not identifier.startswith(prefix):
                return None
            identifier = identifier[len(prefix) :]
        return store.get(identifier)

    # -- service environments -----------------------------------------------------------
    def maybe_environment(self, identifier: str) -> ServiceEnvironment | None:
        return self.find(self.environments, identifier, "service-environment/")  # type: ignore[no-any-return]

    def get_environment(self, identifier: str) -> ServiceEnvironment:
        """Resolve a service environment by name or ARN."""
        env = self.maybe_environment(identifier)
        if env is None:
            raise environment_not_found(identifier)
        return env

    # -- job queues ---------------------------------------------------------------------
    def find_queue(self, identifier: str) -> ServiceQueue | None:
        """The SAGEMAKER_TRAINING queue with this name or ARN, if there is one."""
        return self.find(self.queues, identifier, "job-queue/")  # type: ignore[no-any-return]

    def get_queue(self, identifier: str) -> ServiceQueue:
        queue = self.find_queue(identifier)
        if queue is None:
            raise queue_not_found(identifier)
        return queue

    def container_queue_exists(self, identifier: str) -> bool:
        """moto has a (container) job queue of this name or ARN."""
        return self.moto_batch.get_job_queue(identifier) is not None

    def sagemaker_queue(self, identifier: str, why_not_container: str) -> ServiceQueue:
        """The SAGEMAKER_TRAINING queue by name or ARN; a container queue is refused, saying why."""
        queue = self.find_queue(identifier)
        if queue is None:
            if self.container_queue_exists(identifier):
                raise ClientException(
                    f"Job queue {cut(identifier)} is not of type SAGEMAKER_TRAINING; "
                    f"{why_not_container}"
                )
            raise queue_not_found(identifier)
        return queue

    # -- service jobs -------------------------------------------------------------------
    def get_job(self, identifier: str | None) -> ServiceJob:
        """Resolve a service job by ID or by service-job ARN."""
        if not identifier:
            raise missing("jobId")
        job: ServiceJob | None = self.find(self.jobs, identifier, "service-job/")
        if job is None:
            raise job_not_found(identifier)
        return job

    # -- scheduling policies and quota shares -------------------------------------------
    def policy_kind(self, queue: ServiceQueue) -> str | None:
        """FAIRSHARE or QUOTA after the queue's scheduling policy; None for a FIFO queue."""
        return self.kind_of(queue.scheduling_policy_arn)

    def kind_of(self, policy_arn: str | None) -> str | None:
        if policy_arn is None:
            return None
        return "QUOTA" if policy_arn in self.quota_policies else "FAIRSHARE"

    def fairshare_policy(self, queue: ServiceQueue) -> dict[str, Any] | None:
        """moto's ``fairsharePolicy`` of the queue's scheduling policy; None unless fair-share."""
        if self.policy_kind(queue) != "FAIRSHARE":
            return None
        assert queue.scheduling_policy_arn is not None  # a fair-share queue has a policy
        policies = self.moto_batch.describe_scheduling_policies([queue.scheduling_policy_arn])
        policy = policies[0].fairshare_policy if policies else {}
        return policy if isinstance(policy, dict) else {}

    def share_decay_ms(self, queue: ServiceQueue) -> int:
        """``shareDecaySeconds`` of the queue's fair-share policy, in ms (0 if none)."""
        seconds = (self.fairshare_policy(queue) or {}).get("shareDecaySeconds")
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds <= 0:
            return 0
        return int(seconds * 1000)

    def share_weights(self, queue: ServiceQueue) -> Callable[[str], float] | None:
        """Fair-share weight of each share identifier; None unless the queue is fair-share."""
        policy = self.fairshare_policy(queue)
        if policy is None:
            return None
        # Checked when the policy was written (``validation.fairshare_policy``); read here
        # so that nothing a stored policy holds can raise inside a request.
        distribution = policy.get("shareDistribution")
        entries = [
            (entry["shareIdentifier"], _weight_factor(entry.get("weightFactor")))
            for entry in (distribution if isinstance(distribution, list) else [])
            if isinstance(entry, dict) and isinstance(entry.get("shareIdentifier"), str)
        ]

        def weight(share: str) -> float:
            for wanted, factor in entries:
                if share == wanted or (wanted.endswith("*") and share.startswith(wanted[:-1])):
                    return factor
            return 1.0

        return weight

    def queue_shares(self, queue: ServiceQueue) -> list[QuotaShare]:
        """The quota shares of a queue, oldest first."""
        return [share for share in self.quota_shares.values() if share.queue_arn == queue.arn]


def _weight_factor(value: Any) -> float:
    """A stored ``weightFactor`` as a positive float (1.0, the default, if it is not one)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        return 1.0
    return float(value)
