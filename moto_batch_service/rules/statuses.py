"""The facts every layer shares: service-job statuses, resource kinds and the status reasons
AWS shows. Imports nothing of the package (nor of moto)."""

from __future__ import annotations

from enum import Enum

SAGEMAKER_TRAINING = "SAGEMAKER_TRAINING"
SERVICE_JOB_MODEL = "batch::service_job"  # the model name of moto's state manager
NUM_INSTANCES = "NUM_INSTANCES"


class ServiceJobStatus(str, Enum):
    """The statuses a service job can have (PENDING exists in the enum but is never used)."""

    SUBMITTED = "SUBMITTED"
    PENDING = "PENDING"
    RUNNABLE = "RUNNABLE"
    SCHEDULED = "SCHEDULED"
    STARTING = "STARTING"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"

    @classmethod
    def values(cls) -> list[str]:
        return [s.value for s in cls]

    @classmethod
    def progression(cls) -> list[str]:
        """The path a job takes when nothing goes wrong."""
        return [
            cls.SUBMITTED.value,
            cls.RUNNABLE.value,
            cls.SCHEDULED.value,
            cls.STARTING.value,
            cls.RUNNING.value,
            cls.SUCCEEDED.value,
        ]

    @classmethod
    def status_transitions(cls) -> list[tuple[str | None, str]]:
        path = cls.progression()
        return list(zip(path, path[1:]))


STATUSES = ServiceJobStatus.values()
SUBMITTED = ServiceJobStatus.SUBMITTED.value
PENDING = ServiceJobStatus.PENDING.value
RUNNABLE = ServiceJobStatus.RUNNABLE.value
SCHEDULED = ServiceJobStatus.SCHEDULED.value
STARTING = ServiceJobStatus.STARTING.value
RUNNING = ServiceJobStatus.RUNNING.value
SUCCEEDED = ServiceJobStatus.SUCCEEDED.value
FAILED = ServiceJobStatus.FAILED.value

TERMINAL = frozenset({SUCCEEDED, FAILED})
DISPATCHED = frozenset({SCHEDULED, STARTING, RUNNING})
DISPATCH_ORDER = (SCHEDULED, STARTING, RUNNING)  # the dispatched statuses, in order

# Status reasons, as AWS writes them.
SAGEMAKER_PREFIX = "Received status from SageMaker: "
COMPLETED_REASON = f"{SAGEMAKER_PREFIX}Training job completed"
STOPPED_REASON = f"{SAGEMAKER_PREFIX}Training job stopped"
CAPACITY_CODE = "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"
CAPACITY_REASON = f"{CAPACITY_CODE} - Unable to provision requested compute resources"
MAX_RESOURCE_CODE = "MISCONFIGURATION:SERVICE_ENVIRONMENT_MAX_RESOURCE"
MAX_RESOURCE_REASON = (
    f"{MAX_RESOURCE_CODE} - Service environment(s) associated with the job queue cannot meet "
    "the capacity requirement of the job."
)
TIMEOUT_REASON = "Job attempt duration exceeded timeout"
TIME_LIMIT_REASON = "Terminated by JobStateTimeLimit action due to reason: {code}"
PREEMPTED_REASON = "Preempted by AWS Batch quota management"
QUEUE_HEALTHY = "JobQueue Healthy"
