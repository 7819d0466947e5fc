"""``StopTrainingJob`` in moto's SageMaker, which has none: served for every training job.

On the running attempt's training job it ends the attempt: the service job FAILS, as after a
stop in SageMaker (no retry). ``install`` adds it to moto's ``SageMakerResponse``.
"""

from __future__ import annotations

from typing import Any

from .._moto.activation import refusal
from ..rules.statuses import DISPATCHED, STOPPED_REASON
from ..scheduling.training_jobs import FINAL, arn_of, record_transition, sagemaker_time
from ..state import clock


def stop_training_job(self: Any) -> str:
    """``StopTrainingJob``: an InProgress training job is stopped; the service job whose
    running attempt it is FAILS at once (its attempt closed, no retry)."""
    if refusal() is not None:  # the package stands aside: as moto without it
        raise NotImplementedError("The stop_training_job action has not been implemented")
    from moto.sagemaker.exceptions import ResourceNotFound, ValidationError

    from ..backend import service_job_backends  # loads moto's batch models

    name = self._get_param("TrainingJobName")
    if not isinstance(name, str) or not name:
        raise ValidationError(message="TrainingJobName must be provided")
    sagemaker = self.sagemaker_backend
    training_job = sagemaker.training_jobs.get(name)
    if training_job is None:
        raise ResourceNotFound(f"Requested resource not found: training job {name}")
    if training_job.training_job_status != "InProgress":
        raise ValidationError(
            message=f"The request was rejected because the training job is in status "
            f"{training_job.training_job_status}."
        )
    batch = service_job_backends[sagemaker.account_id][sagemaker.region_name]
    with batch.lock:
        arn = arn_of(training_job)
        owner = None
        for queue in batch.queues.values():  # the job whose running attempt it is, if any
            job = queue.by_training_job.get(arn)
            if job is not None and job.training_job_arn == arn and job.status in DISPATCHED:
                owner = job
                break
        at = clock.now_ms()
        if owner is not None:
            batch.tracker.move(owner, "FAILED", at, STOPPED_REASON)  # closes the training job
        else:
            training_job.training_job_status = "Stopped"
            training_job.training_end_time = sagemaker_time(training_job, at)
            record_transition(training_job, "Stopped", FINAL["Stopped"], at)
    return "{}"
