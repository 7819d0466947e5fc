"""Service environments, SAGEMAKER_TRAINING job queues and service jobs: plain state and the
JSON views AWS gives of it (``describe()``/``summary()``), no HTTP. Times are epoch ms."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from moto.core.common_models import BaseModel

from .._moto.common import ManagedState, mock_random
from ..rules.payload import capacity_of, training_job_name_of
from ..rules.statuses import (
    COMPLETED_REASON,
    DISPATCHED,
    QUEUE_HEALTHY,
    SAGEMAKER_TRAINING,
    TERMINAL,
    ServiceJobStatus,
)
from .dashboard import list_under_batch
from .job_index import JobIndex, JobKey

if TYPE_CHECKING:
    from ..rules.outcomes import Outcome

__all__ = ["JobKey", "ServiceEnvironment", "ServiceJob", "ServiceQueue"]
TRAINING_JOB_NAME_LIMIT = 63


class ServiceEnvironment(BaseModel):
    """A SAGEMAKER_TRAINING service environment."""

    def __init__(
        self,
        name: str,
        account_id: str,
        region_name: str,
        partition: str,
        seq: int,
        state: str,
        capacity_limits: list[dict[str, Any]],
        tags: dict[str, str],
    ):
        self.name = name
        self.arn = f"arn:{partition}:batch:{region_name}:{account_id}:service-environment/{name}"
        self.service_environment_type = SAGEMAKER_TRAINING
        self.state = state
        self.status = "VALID"
        self.capacity_limits = capacity_limits
        self.tags = tags
        self.seq = seq

    def describe(self) -> dict[str, Any]:
        return {
            "serviceEnvironmentName": self.name,
            "serviceEnvironmentArn": self.arn,
            "serviceEnvironmentType": self.service_environment_type,
            "state": self.state,
            "status": self.status,
            "capacityLimits": [dict(limit) for limit in self.capacity_limits],
            "tags": dict(self.tags),
        }


class ServiceQueue(JobIndex["ServiceJob"], BaseModel):
    """A job queue of type SAGEMAKER_TRAINING, with its jobs indexed (see ``JobIndex``)."""

    def __init__(
        self,
        name: str,
        account_id: str,
        region_name: str,
        partition: str,
        priority: int,
        state: str,
        environment_order: list[tuple[int, ServiceEnvironment]],
        scheduling_policy_arn: str | None,
        time_limit_actions: list[dict[str, Any]],
        tags: dict[str, str],
    ):
        self.name = name
        self.where = (partition, account_id, region_name)  # never parsed back from an ARN
        self.arn_base = f"arn:{partition}:batch:{region_name}:{account_id}:"
        self.arn = f"{self.arn_base}job-queue/{name}"
        self.training_job_arn_base = (
            f"arn:{partition}:sagemaker:{region_name}:{account_id}:training-job/"
        )
        self.priority = priority
        self.state = state
        self.status = "VALID"
        self.status_reason = QUEUE_HEALTHY
        self.environment_order = environment_order
        # Each training job of its jobs' attempts -> the job (StopTrainingJob looks it up).
        self.by_training_job: dict[str, ServiceJob] = {}
        self.scheduling_policy_arn = scheduling_policy_arn
        self.time_limit_actions = time_limit_actions
        self.tags = tags
        super().__init__()

    @property
    def environment(self) -> ServiceEnvironment:
        """The queue's service environment (a job queue has exactly one)."""
        return self.environment_order[0][1]

    @property
    def service_environment_order(self) -> list[dict[str, Any]]:
        return [
            {"order": order, "serviceEnvironment": env.arn} for order, env in self.environment_order
        ]

    def describe(self) -> dict[str, Any]:
        detail: dict[str, Any] = {
            "jobQueueName": self.name,
            "jobQueueArn": self.arn,
            "state": self.state,
            "status": self.status,
            "statusReason": self.status_reason,
            "priority": self.priority,
            "computeEnvironmentOrder": [],
            "serviceEnvironmentOrder": self.service_environment_order,
            "jobQueueType": SAGEMAKER_TRAINING,
            "tags": dict(self.tags),
            "jobStateTimeLimitActions": [dict(a) for a in self.time_limit_actions],
        }
        if self.scheduling_policy_arn:
            detail["schedulingPolicyArn"] = self.scheduling_policy_arn
        return detail


_text = json.encoder.encode_basestring_ascii  # a JSON string literal, as json.dumps writes it


def _number(value: float) -> str:
    """A JSON number, as json.dumps writes an int or a finite float."""
    return float.__repr__(value) if isinstance(value, float) else int.__repr__(value)


class ServiceJob(BaseModel):
    """One service job. ``status`` is the stored status: reading it never advances it."""

    __slots__ = (
        "_attempts",
        "_blocked_since",
        "_planned",
        "_recent_preemptions",
        "_tags",
        "attempt_clock",
        "attempt_count",
        "attempt_started_at",
        "capacity",
        "capacity_failure",
        "environment",
        "is_terminated",
        "job_id",
        "job_name",
        "key",
        "preempted_count",
        "preemption_configuration",
        "progress",
        "queue",
        "quota_share_name",
        "retry_strategy",
        "runnable_since",
        "scheduled_at",
        "scheduling_priority",
        "service_request_payload",
        "share_identifier",
        "started_at",
        "status",
        "status_reason",
        "stopped_at",
        "timeout_config",
        "training_job_arn",
    )
    # Every service job is a SageMaker training job (SubmitServiceJob accepts no other type).
    service_job_type = SAGEMAKER_TRAINING

    def __init__(
        self,
        *,
        job_name: str,
        queue: ServiceQueue,
        account_id: str,
        region_name: str,
        partition: str,
        seq: int,
        created_at: int,
        service_job_type: str,
        service_request_payload: str,
        status: str = ServiceJobStatus.SUBMITTED.value,
        retry_strategy: dict[str, Any] | None = None,
        scheduling_priority: int | None = None,
        share_identifier: str | None = None,
        quota_share_name: str | None = None,
        preemption_configuration: dict[str, Any] | None = None,
        timeout_config: dict[str, Any] | None = None,
        tags: dict[str, str] | None = None,
        progress: ManagedState | None = None,
    ):
        self.job_id = str(mock_random.uuid4())
        self.job_name = job_name
        self.queue = queue
        self.key: JobKey = (created_at, seq)
        if service_job_type != SAGEMAKER_TRAINING:
            raise ValueError(f"a service job is {SAGEMAKER_TRAINING}, not {service_job_type}")
        self.service_request_payload = service_request_payload
        self.status = status
        self.status_reason: str | None = None
        self.retry_strategy = retry_strategy
        self.scheduling_priority = scheduling_priority
        self.share_identifier = share_identifier
        self.quota_share_name = quota_share_name
        self.preemption_configuration = preemption_configuration
        self.timeout_config = timeout_config
        # Lists and dicts most jobs never fill are made when first read (None until then).
        self._tags = tags or None
        self.scheduled_at: int | None = None
        self.started_at: int | None = None
        self.stopped_at: int | None = None
        self.is_terminated = False
        self._attempts: list[dict[str, Any]] | None = None
        self.training_job_arn: str | None = None
        self.attempt_started_at: int | None = None
        # Lifecycle bookkeeping (see lifecycle.py).
        self.attempt_count = 0
        self.attempt_clock: int | None = None  # when the running attempt reached STARTING
        self._planned: list[Outcome] | None = None
        self.environment: ServiceEnvironment | None = None
        self._blocked_since: int | None = None
        self.runnable_since: int | None = None  # when it last entered RUNNABLE
        self.preempted_count = 0
        self._recent_preemptions: list[dict[str, Any]] | None = None
        self.capacity = capacity_of(service_request_payload)
        self.capacity_failure: str | None = None  # its last capacity-failed training job
        self.progress = progress  # None for seeded jobs: they keep their status

    @property
    def created_at(self) -> int:
        return self.key[0]

    @property
    def tags(self) -> dict[str, str]:
        if self._tags is None:
            self._tags = {}
        return self._tags

    @tags.setter
    def tags(self, tags: dict[str, str]) -> None:
        self._tags = tags

    @property
    def attempts(self) -> list[dict[str, Any]]:
        """The closed attempts, oldest first (AttemptDetail)."""
        if self._attempts is None:
            self._attempts = []
        return self._attempts

    @attempts.setter
    def attempts(self, attempts: list[dict[str, Any]]) -> None:
        self._attempts = attempts

    @property
    def planned(self) -> list[Outcome]:
        """The outcomes planned for the next attempts (lifecycle bookkeeping)."""
        if self._planned is None:
            self._planned = []
        return self._planned

    @property
    def recent_preemptions(self) -> list[dict[str, Any]]:
        return list(self._recent_preemptions or ())

    @property
    def blocked_since(self) -> int | None:
        """Since when a blocking reason has held the job RUNNABLE (time-limit actions)."""
        return self._blocked_since

    @blocked_since.setter
    def blocked_since(self, at: int | None) -> None:
        self._blocked_since = at
        if at is None:
            self.queue.blocked.pop(self.key, None)
        else:
            self.queue.blocked[self.key] = self

    @property
    def job_arn(self) -> str:
        return self.queue.arn_base + "service-job/" + self.job_id

    @property
    def job_queue(self) -> str:
        """The ARN of the job's queue."""
        return self.queue.arn

    @property
    def capacity_usage(self) -> list[dict[str, Any]] | None:
        """``capacityUsage``: instances per SageMaker instance type, from the payload."""
        if self.capacity is None:
            return None
        return [{"capacityUnit": unit, "quantity": quantity} for unit, quantity in self.capacity]

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL

    def new_training_job(self) -> str:
        """Create (the ARN of) the SageMaker training job of a new dispatch."""
        suffix = mock_random.uuid4().hex
        base = training_job_name_of(self.service_request_payload, self.job_name)
        base = base[: TRAINING_JOB_NAME_LIMIT - len("AWSBatch") - len(suffix)]
        self.training_job_arn = f"{self.queue.training_job_arn_base}AWSBatch{base}{suffix}"
        self.queue.by_training_job[self.training_job_arn] = self
        return self.training_job_arn

    def enter(
        self,
        status: str,
        at: int,
        reason: str | None = None,
        attempt_reason: str | None = None,
        preempted: bool = False,
    ) -> None:
        """Move to ``status`` at time ``at``, setting what AWS sets on the way.

        Leaving SCHEDULED/STARTING/RUNNING for a final status, or for RUNNABLE with an
        ``attempt_reason`` (a retry), closes the attempt in ``attempts``; a capacity bounce
        back to RUNNABLE does not, nor does a ``preempted`` attempt (``record_preemption``
        keeps it). The caller re-files the job in its queue's index, and its attempt's SageMaker
        training job follows (``tracking.enter``).
        """
        if status == ServiceJobStatus.SUCCEEDED.value and reason is None:
            reason = COMPLETED_REASON
        closes = status in TERMINAL or attempt_reason is not None
        if self.status in DISPATCHED and closes and not preempted:
            self.attempts.append(
                self._attempt_detail(at, attempt_reason if attempt_reason is not None else reason)
            )
        if status == ServiceJobStatus.SCHEDULED.value:
            self.scheduled_at = at
            self.attempt_started_at = None
            self.new_training_job()
        elif status == ServiceJobStatus.STARTING.value:
            self.attempt_clock = at
        elif status == ServiceJobStatus.RUNNING.value:
            if self.started_at is None:
                self.started_at = at
            if self.attempt_started_at is None:
                self.attempt_started_at = at
            if self.attempt_clock is None:
                self.attempt_clock = at
        elif status in TERMINAL:
            self.stopped_at = at
        elif status == ServiceJobStatus.RUNNABLE.value:
            self.runnable_since = at
        if status not in DISPATCHED:
            self.attempt_clock = None
        self.status = status
        if reason is not None or status not in TERMINAL:
            self.status_reason = reason

    def _resource_id(self) -> dict[str, Any]:
        """The ``ServiceResourceId`` of the latest training job."""
        return {"name": "TrainingJobArn", "value": self.training_job_arn}

    def record_preemption(self, at: int, reason: str, keep: int) -> None:
        """Count a preemption of the running attempt, keeping the ``keep`` most recent."""
        self.preempted_count += 1
        detail = {
            "serviceResourceId": self._resource_id(),
            "stoppedAt": at,
            "statusReason": reason,
        }
        if self.attempt_started_at is not None:
            detail["startedAt"] = self.attempt_started_at
        self._recent_preemptions = [detail, *(self._recent_preemptions or ())][:keep]

    def _attempt_detail(self, stopped_at: int, reason: str | None) -> dict[str, Any]:
        detail: dict[str, Any] = {
            "serviceResourceId": self._resource_id(),
            "stoppedAt": stopped_at,
        }
        if self.attempt_started_at is not None:
            detail["startedAt"] = self.attempt_started_at
        if reason is not None:
            detail["statusReason"] = reason
        self.attempt_started_at = None
        return detail

    # -- views -----------------------------------------------------------------------
    def _common(self) -> dict[str, Any]:
        view: dict[str, Any] = {
            "jobId": self.job_id,
            "jobName": self.job_name,
            "jobArn": self.job_arn,
            "serviceJobType": self.service_job_type,
            "status": self.status,
            "createdAt": self.created_at,
        }
        optional = (
            ("statusReason", self.status_reason),
            ("scheduledAt", self.scheduled_at),
            ("startedAt", self.started_at),
            ("stoppedAt", self.stopped_at),
            ("shareIdentifier", self.share_identifier),
            ("quotaShareName", self.quota_share_name),
        )
        for member, value in optional:
            if value is not None:
                view[member] = value
        if self.training_job_arn is not None:
            view["latestAttempt"] = {"serviceResourceId": self._resource_id()}
        usage = self.capacity_usage
        if usage is not None:
            view["capacityUsage"] = usage
        return view

    def summary(self) -> dict[str, Any]:
        """The ``ServiceJobSummary`` of ListServiceJobs."""
        view = self._common()
        if self.is_terminated:
            view["isTerminated"] = True
        return view

    def summary_json(self) -> str:
        """``summary()`` as compact JSON text, written directly (no dict, no encoder pass).

        A listing page is mostly this text; building it piecewise costs about 60% of
        building the dicts and ``json.dumps``. Same members, same order, same values.
        """
        parts = [
            '{"jobId":',
            _text(self.job_id),
            ',"jobName":',
            _text(self.job_name),
            ',"jobArn":',
            _text(self.job_arn),
            ',"serviceJobType":',
            _text(self.service_job_type),
            ',"status":',
            _text(self.status),
            ',"createdAt":',
            _number(self.created_at),
        ]
        if self.status_reason is not None:
            parts += (',"statusReason":', _text(self.status_reason))
        if self.scheduled_at is not None:
            parts += (',"scheduledAt":', _number(self.scheduled_at))
        if self.started_at is not None:
            parts += (',"startedAt":', _number(self.started_at))
        if self.stopped_at is not None:
            parts += (',"stoppedAt":', _number(self.stopped_at))
        if self.share_identifier is not None:
            parts += (',"shareIdentifier":', _text(self.share_identifier))
        if self.quota_share_name is not None:
            parts += (',"quotaShareName":', _text(self.quota_share_name))
        if self.training_job_arn is not None:
            parts += (
                ',"latestAttempt":{"serviceResourceId":{"name":"TrainingJobArn","value":',
                _text(self.training_job_arn),
                "}}",
            )
        if self.capacity is not None:
            parts.append(',"capacityUsage":[')
            parts.append(
                ",".join(
                    '{"capacityUnit":' + _text(unit) + ',"quantity":' + _number(quantity) + "}"
                    for unit, quantity in self.capacity
                )
            )
            parts.append("]")
        parts.append(',"isTerminated":true}' if self.is_terminated else "}")
        return "".join(parts)

    def describe(self) -> dict[str, Any]:
        """The DescribeServiceJob response."""
        view = self._common()
        view["jobQueue"] = self.queue.arn
        view["isTerminated"] = self.is_terminated
        view["attempts"] = [dict(a) for a in self._attempts or ()]
        view["serviceRequestPayload"] = self.service_request_payload
        view["tags"] = dict(self._tags or {})
        if self.preempted_count:
            view["preemptionSummary"] = {
                "preemptedAttemptCount": self.preempted_count,
                "recentPreemptedAttempts": [dict(a) for a in self._recent_preemptions or ()],
            }
        optional = (
            ("retryStrategy", self.retry_strategy),
            ("schedulingPriority", self.scheduling_priority),
            ("preemptionConfiguration", self.preemption_configuration),
            ("timeoutConfig", self.timeout_config),
        )
        for member, value in optional:
            if value is not None:
                view[member] = value
        return view


list_under_batch(ServiceEnvironment, ServiceQueue, ServiceJob)
