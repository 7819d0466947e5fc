"""The SageMaker side of service jobs: each attempt's training job in moto's SageMaker.

On AWS, dispatching a service job makes AWS Batch call SageMaker ``CreateTrainingJob`` with
the job's ``serviceRequestPayload``, and the training job then follows the attempt. Here:

- when a job enters SCHEDULED (``follow``), the attempt's training job is created in moto's
  SageMaker backend of the job's account and region, named as in ``latestAttempt``, from the
  payload's members where they are given with the right JSON type, defaults otherwise;
- while the attempt is SCHEDULED, STARTING or RUNNING the training job is ``InProgress``
  (``SecondaryStatus`` Pending, Downloading, Training); when the attempt ends (``close``) it
  is ``Completed``, ``Failed`` with SageMaker's failure reason, or ``Stopped`` (terminated,
  timed out, preempted, stopped in SageMaker). Every attempt's training job stays, except
  that of the job's capacity shortages only the latest one's stays: as AWS Batch does on a
  best-effort basis, the earlier one is deleted when the next shortage fails its own;
- moto's SageMaker has no ``StopTrainingJob``: ``stop_training`` serves it;
- a training job that started (RUNNING) writes its log streams to moto's CloudWatch Logs
  (``training_logs``).

Seeded jobs (``add_service_job``) have no training job. moto's SageMaker is imported at the
first dispatch, never at import or activation.
"""

from __future__ import annotations

import copy
import json
import sys
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from ..rules.statuses import (
    CAPACITY_REASON,
    PREEMPTED_REASON,
    SAGEMAKER_PREFIX,
    STOPPED_REASON,
    TIMEOUT_REASON,
)
from . import training_logs

if TYPE_CHECKING:
    from ..state.models import ServiceJob

SAGEMAKER_MODELS = "moto.sagemaker.models"
CAPACITY_FAILURE = (
    "CapacityError: Unable to provision requested ML compute capacity. "
    "Please retry using a different ML instance type."
)
DEFAULT_IMAGE = "sagemaker-training-image:latest"
SECONDARY = {
    "SCHEDULED": ("Pending", "Preparing the instances for training"),
    "STARTING": ("Downloading", "Downloading the training image and input data"),
    "RUNNING": ("Training", "Training image download completed. Training in progress."),
}
FINAL = {
    "Completed": "Training job completed",
    "Failed": "Training job failed",
    "Stopped": "Training job stopped",
}


def sagemaker_time(training_job: Any, at: int) -> Any:
    """Epoch milliseconds as moto's SageMaker keeps the training job's times: naive UTC
    datetimes, or (moto < 5.1) text it writes out as is."""
    when = datetime.fromtimestamp(at / 1000, timezone.utc)
    if isinstance(training_job.creation_time, str):
        return when.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return when.replace(tzinfo=None)


def arn_of(training_job: Any) -> str:
    """A training job's ARN (moto < 5.1 keeps it as ``training_job_arn``)."""
    arn: str = getattr(training_job, "arn", None) or training_job.training_job_arn
    return arn


def _name(job: ServiceJob) -> str:
    assert job.training_job_arn is not None
    return job.training_job_arn.split("/", 1)[1]


def _where(job: ServiceJob) -> tuple[str, str, str]:
    """(partition, account, region) of a job (an account ID moto was given may hold a colon)."""
    partition, account, region = job.queue.where
    return partition, account, region


def _sagemaker(backends: Any, account: str, region: str) -> Any:
    """moto's SageMaker backend of an account and region; None where moto has no SageMaker
    (a region with Batch and without SageMaker)."""
    try:
        return backends[account][region]
    except KeyError:
        return None


def _loaded_sagemaker(job: ServiceJob) -> Any:
    """moto's SageMaker backend of the job's account and region, if moto's SageMaker is loaded."""
    if SAGEMAKER_MODELS not in sys.modules:
        return None
    _, account, region = _where(job)
    return _sagemaker(sys.modules[SAGEMAKER_MODELS].sagemaker_backends, account, region)


def _training_job(job: ServiceJob) -> Any:
    """The current attempt's training job in moto's SageMaker, if it was created."""
    if job.training_job_arn is None:
        return None
    sagemaker = _loaded_sagemaker(job)
    return None if sagemaker is None else sagemaker.training_jobs.get(_name(job))


def follow(job: ServiceJob, at: int) -> None:
    """The job entered a dispatched status: create its attempt's training job (SCHEDULED) or
    move its secondary status (STARTING, RUNNING)."""
    if job.status == "SCHEDULED":
        _create(job, at)
        return
    training_job = _training_job(job)
    if training_job is None or training_job.training_job_status != "InProgress":
        return
    if job.status == "RUNNING" and training_job.training_start_time is None:
        training_job.training_start_time = sagemaker_time(training_job, at)
        _, account, region = _where(job)
        training_logs.started(training_job, account, region, at)
    _secondary(training_job, job.status, at)


def close(job: ServiceJob, status: str, at: int, reason: str | None) -> None:
    """The job's attempt ends (the job leaves it for ``status`` with ``reason``)."""
    training_job = _training_job(job)
    if training_job is None or training_job.training_job_status != "InProgress":
        return
    final, failure = _ending(job, status, reason)
    training_job.training_job_status = final
    if failure is not None:
        training_job.failure_reason = failure
    training_job.training_end_time = sagemaker_time(training_job, at)
    record_transition(training_job, final, FINAL[final], at)
    _, account, region = _where(job)
    training_logs.ended(training_job, account, region, final, failure, at)
    if failure == CAPACITY_FAILURE:
        _keep_latest_capacity_failure(job)


def _keep_latest_capacity_failure(job: ServiceJob) -> None:
    """The attempt's training job failed for capacity: it is the one AWS Batch keeps, and the
    job's earlier one that failed for capacity is deleted (the retry page: "earlier SageMaker
    Training jobs that failed due to insufficient capacity will be deleted")."""
    earlier, job.capacity_failure = job.capacity_failure, job.training_job_arn
    if earlier is None:
        return
    job.queue.by_training_job.pop(earlier, None)
    sagemaker = _loaded_sagemaker(job)
    if sagemaker is not None:
        sagemaker.training_jobs.pop(earlier.split("/", 1)[1], None)


def _ending(job: ServiceJob, status: str, reason: str | None) -> tuple[str, str | None]:
    """The final TrainingJobStatus of an attempt that ends, and its FailureReason."""
    if status == "SUCCEEDED":
        return "Completed", None
    if reason == CAPACITY_REASON:
        return "Failed", CAPACITY_FAILURE
    stopped = (TIMEOUT_REASON, PREEMPTED_REASON, STOPPED_REASON)
    waiting = status in ("SUBMITTED", "PENDING", "RUNNABLE")  # moved back (or a retry)
    if job.is_terminated or reason in stopped or (waiting and reason is None):
        return "Stopped", None
    if status == "SCHEDULED":  # dispatched anew while an attempt was open
        return "Stopped", None
    if reason is not None and reason.startswith(SAGEMAKER_PREFIX):
        reason = reason[len(SAGEMAKER_PREFIX) :]
    return "Failed", reason


def _secondary(training_job: Any, status: str, at: int) -> None:
    secondary, message = SECONDARY[status]
    if training_job.secondary_status != secondary:
        record_transition(training_job, secondary, message, at)


def record_transition(training_job: Any, secondary: str, message: str, at: int) -> None:
    when = sagemaker_time(training_job, at)
    transitions: list[dict[str, Any]] = training_job.secondary_status_transitions
    if transitions and "EndTime" not in transitions[-1]:
        transitions[-1]["EndTime"] = when
    entry: dict[str, Any] = {"Status": secondary, "StartTime": when, "StatusMessage": message}
    if secondary in FINAL:
        entry["EndTime"] = when
    transitions.append(entry)
    training_job.secondary_status = secondary
    training_job.last_modified_time = when


# -- creating the training job from the payload ---------------------------------------------


def _member(request: dict[str, Any], member: str, kind: type, default: Any = None) -> Any:
    value = request.get(member)
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return copy.deepcopy(value)
    return copy.deepcopy(default)


def _tags(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list):
        return []
    return [
        {"Key": tag["Key"], "Value": tag["Value"]}
        for tag in value
        if isinstance(tag, dict) and isinstance(tag.get("Key"), str)
        if isinstance(tag.get("Value"), str)
    ]


def training_job_request(job: ServiceJob) -> dict[str, Any]:
    """The members of the CreateTrainingJob call AWS Batch makes for the job's attempt."""
    try:
        payload = json.loads(job.service_request_payload)
    except ValueError:
        payload = None
    request: dict[str, Any] = payload if isinstance(payload, dict) else {}
    partition, account, region = _where(job)
    output = _member(request, "OutputDataConfig", dict, {})
    if not isinstance(output.get("S3OutputPath"), str):
        output["S3OutputPath"] = f"s3://sagemaker-{region}-{account}/"
    hyper_parameters = _member(request, "HyperParameters", dict, {})
    return {
        "training_job_name": _name(job),
        "hyper_parameters": {k: v for k, v in hyper_parameters.items() if isinstance(v, str)},
        "algorithm_specification": _member(
            request,
            "AlgorithmSpecification",
            dict,
            {"TrainingImage": DEFAULT_IMAGE, "TrainingInputMode": "File"},
        ),
        "role_arn": _member(
            request,
            "RoleArn",
            str,
            f"arn:{partition}:iam::{account}:role/service-role/SageMakerExecutionRole",
        ),
        "input_data_config": _member(request, "InputDataConfig", list),
        "output_data_config": output,
        "resource_config": _member(
            request,
            "ResourceConfig",
            dict,
            {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
        ),
        "vpc_config": _member(request, "VpcConfig", dict),
        "stopping_condition": _member(
            request, "StoppingCondition", dict, {"MaxRuntimeInSeconds": 86400}
        ),
        "tags": _tags(request.get("Tags")),
        "enable_network_isolation": _member(request, "EnableNetworkIsolation", bool, False),
        "enable_inter_container_traffic_encryption": _member(
            request, "EnableInterContainerTrafficEncryption", bool, False
        ),
        "enable_managed_spot_training": _member(request, "EnableManagedSpotTraining", bool, False),
        "checkpoint_config": _member(request, "CheckpointConfig", dict),
        "debug_hook_config": _member(request, "DebugHookConfig", dict),
        "debug_rule_configurations": _member(request, "DebugRuleConfigurations", list),
        "tensor_board_output_config": _member(request, "TensorBoardOutputConfig", dict),
        "experiment_config": _member(request, "ExperimentConfig", dict),
    }


def _create(job: ServiceJob, at: int) -> None:
    from moto.sagemaker.models import sagemaker_backends

    _, account, region = _where(job)
    sagemaker = _sagemaker(sagemaker_backends, account, region)
    if sagemaker is None:
        return
    request = training_job_request(job)
    algorithm = copy.deepcopy(request["algorithm_specification"])
    training_job: Any = sagemaker.create_training_job(**request)
    # moto writes its own metric definitions into the specification; keep the payload's.
    training_job.algorithm_specification = algorithm
    when = sagemaker_time(training_job, at)
    training_job.creation_time = training_job.last_modified_time = when
    training_job.training_start_time = training_job.training_end_time = None
    training_job.training_job_status = "InProgress"
    training_job.secondary_status = None
    training_job.secondary_status_transitions = []
    training_job.final_metric_data_list = []
    _secondary(training_job, "SCHEDULED", at)
