"""The EventBridge side of service jobs: each status change as an event on the default bus.

On AWS, every status change of a service job after its submission is an event on the
default event bus of the job's account and region: source ``aws.batch``, detail-type
``Batch Service Job State Change``, ``resources`` the job's ARN, ``detail`` the job as
DescribeServiceJob shows it without ``tags`` and ``serviceRequestPayload`` (the user guide's
"Service job state change events"). There is none for the submission itself.

``tracking.enter`` calls ``moved`` after each change, so the lifecycle's moves, retries,
preemptions, terminations, time-limit actions and ``set_service_job_status`` all emit, in
the order they happen, with the move's time as the event's. The event goes through moto's
own ``PutEvents`` (``EventsBackend.put_events``): moto matches it against the bus's rules
and delivers it to their targets (SQS, CloudWatch Logs, archives, other buses) as it does
any event.

Free until used: nothing is done unless moto's EventBridge models are imported (moto's
batch imports them itself, through its Logs and S3), already hold a backend for the job's
account and region, and that backend's default bus has a rule. The look-up
(``_moto.events``) creates no backend, so a test that never touches EventBridge
loads no module for it and pays a few dictionary look-ups per move. A failed delivery (a
target queue deleted, say) never fails the Batch request, as on AWS: it is logged.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from .._moto.events import default_bus_backend

if TYPE_CHECKING:
    from ..state.models import ServiceJob

SOURCE = "aws.batch"
DETAIL_TYPE = "Batch Service Job State Change"
LEFT_OUT = ("tags", "serviceRequestPayload")

log = logging.getLogger("moto_batch_service")


def detail(job: ServiceJob) -> dict[str, Any]:
    """The event's ``detail``: DescribeServiceJob's answer without tags and payload."""
    view = job.describe()
    for member in LEFT_OUT:
        view.pop(member, None)
    return view


def entry(job: ServiceJob, at: int) -> dict[str, Any]:
    """The PutEvents entry of the job's current status, as of ``at`` (epoch milliseconds)."""
    return {
        "Source": SOURCE,
        "DetailType": DETAIL_TYPE,
        "Detail": json.dumps(detail(job)),
        "Resources": [job.job_arn],
        "Time": at / 1000,
        "EventBusName": "default",
    }


def moved(job: ServiceJob, at: int) -> None:
    """The job changed status at ``at``: put the event on its default bus, if anyone listens."""
    _, account, region = job.queue.where
    backend = default_bus_backend(account, region)
    if backend is None:
        return
    try:
        backend.put_events([entry(job, at)])
    except Exception:  # delivery never fails the job's own request, as on AWS
        log.warning(
            "moto_batch_service: the state-change event of service job %s (%s) was not "
            "delivered by moto's EventBridge",
            job.job_id,
            job.status,
            exc_info=True,
        )
