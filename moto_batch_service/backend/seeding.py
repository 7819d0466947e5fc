"""Helpers that put fake service jobs straight into the store, for tests.

A seeded job keeps the status it is given: moto's state manager only moves
jobs that came in through SubmitServiceJob. ``set_service_job_status`` moves
any job, seeded or submitted.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Union

from moto.core.models import DEFAULT_ACCOUNT_ID

from .._moto.activation import activate
from ..exceptions import ClientException, ServiceJobHelperError, invalid_value, not_one_of
from ..rules import validation as check
from ..rules.outcomes import Outcome
from ..rules.statuses import COMPLETED_REASON, DISPATCHED, STATUSES, TERMINAL, ServiceJobStatus
from ..state import clock
from ..state.views import ServiceJobView
from . import ServiceJobBackend, service_job_backends
from .environments import fair_share_policy_arn, new_queue_name
from .service_jobs import check_shares

Timestamp = Union[int, float, datetime]
_ATTEMPT_MEMBERS = {"serviceResourceId", "startedAt", "stoppedAt", "statusReason"}


def to_epoch_ms(value: Timestamp) -> int:
    """Epoch milliseconds from milliseconds or a ``datetime`` (naive ones are UTC)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return int(value.timestamp() * 1000)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"a time must be epoch milliseconds or a datetime, not {value!r}")
    return int(value)


EARLIEST_MS = 946_684_800_000
"""2000-01-01T00:00:00Z in epoch milliseconds: no service job is older."""


def _time(argument: str, value: Timestamp) -> int:
    """A seeded time in epoch milliseconds: not negative, not before 2000-01-01."""
    ms = to_epoch_ms(value)
    if ms < 0:
        raise invalid_value(argument, value, "a time cannot be negative")
    if ms < EARLIEST_MS:
        raise invalid_value(
            argument, value, "it is before 2000-01-01: give epoch milliseconds, not seconds"
        )
    return ms


def _in_order(times: list[tuple[str, int | None]]) -> None:
    """Refuse a time before one that comes earlier in a job's life (``times`` in that order)."""
    given: list[tuple[str, int]] = [(argument, ms) for argument, ms in times if ms is not None]
    for at, (argument, ms) in enumerate(given):
        for earlier, earlier_ms in given[:at]:
            if ms < earlier_ms:
                raise invalid_value(argument, ms, f"it is before {earlier} ({earlier_ms})")


def _payload(value: Any, job_name: str) -> str:
    """The payload to store: a JSON object given as a string or a dict (stored as JSON);
    by default ``{"TrainingJobName": job_name}``."""
    if value is None:
        return json.dumps({"TrainingJobName": job_name})
    if isinstance(value, dict):
        try:
            text = json.dumps(value, allow_nan=False)
        except (TypeError, ValueError, RecursionError) as error:
            raise invalid_value(
                "service_request_payload", value, f"the dict cannot be written as JSON ({error})"
            ) from None
    elif isinstance(value, str):
        check.payload(value)  # its size and nesting first: json would recurse as deep
        try:
            decoded = json.loads(value)
        except ValueError:
            decoded = None
        if not isinstance(decoded, dict):
            raise invalid_value(
                "service_request_payload", value, "it must be a JSON object, as a string or a dict"
            )
        text = value
    else:
        raise invalid_value(
            "service_request_payload", value, "it must be a JSON object, as a string or a dict"
        )
    return check.payload(text)


SEED_SENTENCES = {
    "share_missing": "share_identifier must be given: job queue {queue} has a fair-share "
    "scheduling policy",
    "share_forbidden": "share_identifier cannot be used: job queue {queue} has no fair-share "
    "scheduling policy",
    "quota_missing": "quota_share_name must be given: job queue {queue} has a quota-share "
    "scheduling policy",
    "quota_unknown": "quota_share_name {share} names no quota share of job queue {queue}",
    "quota_disabled": "quota_share_name {share} names a DISABLED quota share of job queue "
    "{queue}, which accepts no new jobs",
    "quota_forbidden": "quota_share_name cannot be used: job queue {queue} has no quota-share "
    "scheduling policy",
}
"""``add_service_job``'s sentences for the share rules SubmitServiceJob applies."""


ACCOUNT_ID = re.compile(r"[0-9]{12}")


def default_account_id() -> str:
    """The account moto answers for when none is given: ``MOTO_ACCOUNT_ID``, else moto's."""
    return os.environ.get("MOTO_ACCOUNT_ID") or DEFAULT_ACCOUNT_ID


def default_region() -> str:
    """The region a ``boto3.client("batch")`` made without one would use
    (``AWS_DEFAULT_REGION``, else the AWS config file's), else us-east-1."""
    region = os.environ.get("AWS_DEFAULT_REGION")
    if region:
        return region
    return _configured_region(os.environ.get("AWS_CONFIG_FILE"), os.environ.get("AWS_PROFILE"))


@functools.lru_cache(maxsize=8)
def _configured_region(config_file: str | None, profile: str | None) -> str:
    import botocore.session

    region = botocore.session.Session().get_config_variable("region")
    return region if isinstance(region, str) and region else "us-east-1"


def backend_of(account_id: Any = None, region_name: Any = None) -> ServiceJobBackend:
    """The backend of an account (a 12-digit string) and a region moto knows; by default
    ``default_account_id()`` and ``default_region()``."""
    activate()
    account_id = default_account_id() if account_id is None else account_id
    region_name = default_region() if region_name is None else region_name
    if not isinstance(account_id, str) or not ACCOUNT_ID.fullmatch(account_id):
        raise invalid_value("accountId", account_id, "it must be a 12-digit AWS account ID")
    if not isinstance(region_name, str) or not region_name:
        raise invalid_value("region", region_name, "it must be a region name such as us-east-1")
    try:
        return service_job_backends[account_id][region_name]
    except KeyError:
        raise ClientException(f"Unknown region {region_name}") from None


@contextmanager
def _helper_errors() -> Iterator[None]:
    """Raise a refusal as ``ServiceJobHelperError``: its ``str()`` is the plain sentence."""
    try:
        yield
    except ServiceJobHelperError:
        raise
    except ClientException as error:
        raise ServiceJobHelperError(error.message) from None


def add_service_job(
    job_queue: str,
    job_name: str,
    *,
    status: str = "SUBMITTED",
    created_at: Timestamp | None = None,
    started_at: Timestamp | None = None,
    stopped_at: Timestamp | None = None,
    scheduled_at: Timestamp | None = None,
    status_reason: str | None = None,
    share_identifier: str | None = None,
    quota_share_name: str | None = None,
    scheduling_priority: int | None = None,
    tags: dict[str, str] | None = None,
    service_request_payload: str | dict[str, Any] | None = None,
    attempts: list[dict[str, Any]] | None = None,
    account_id: str | None = None,
    region_name: str | None = None,
) -> ServiceJobView:
    """Store a service job in ``job_queue`` (name or ARN) exactly as described.

    A queue that does not exist yet is created as a SAGEMAKER_TRAINING queue
    with a service environment of the same name: a FIFO queue, or, when the job has a
    ``share_identifier``, one with the fair-share scheduling policy ``<name>-fair-share``.
    Times left out are derived from ``created_at`` (default: now) the way AWS would have
    set them for a job in ``status``. Returns the stored job (``.job_id``, ``.job_arn``, ...).

    Only what AWS can produce is stored: the queue's scheduling policy decides
    ``share_identifier`` and ``quota_share_name`` as SubmitServiceJob does; times are
    epoch milliseconds (or ``datetime``) from 2000-01-01 on, none before ``created_at``
    and in the order of a job's life; ``service_request_payload`` is a JSON object, as a
    string or a dict (stored as JSON). Refused arguments raise ``ServiceJobHelperError``
    and store nothing.
    """
    with _helper_errors():
        if status not in STATUSES:
            raise not_one_of("status", status, STATUSES)
        backend = backend_of(account_id, region_name)
        check.name("jobName", job_name)
        check.int_range("schedulingPriority", scheduling_priority, 0, 9999)
        job_tags = check.tags(tags)
        created = clock.now_ms() if created_at is None else _time("created_at", created_at)
        scheduled, started, stopped = (
            None if value is None else _time(argument, value)
            for argument, value in (
                ("scheduled_at", scheduled_at),
                ("started_at", started_at),
                ("stopped_at", stopped_at),
            )
        )
        _in_order(
            [
                ("created_at", created),
                ("scheduled_at", scheduled),
                ("started_at", started),
                ("stopped_at", stopped),
            ]
        )
        seeded_attempts = [_attempt(a, i) for i, a in enumerate(attempts or [])]
        payload = _payload(service_request_payload, job_name)
        queue = backend.store.find_queue(job_queue)
        fair_share = queue is None and bool(share_identifier)  # a new queue that fits the job
        if queue is None:
            queue_name = new_queue_name(backend.store, job_queue)
            if fair_share:
                fair_share_policy_arn(backend.store, queue_name)
        else:
            queue_name = queue.name
        check_shares(
            backend.store,
            queue,
            queue_name,
            share_identifier,
            quota_share_name,
            SEED_SENTENCES,
            "FAIRSHARE" if fair_share else None,
        )
        dispatched = (
            status in DISPATCHED
            or status == ServiceJobStatus.SUCCEEDED.value
            or (
                status == ServiceJobStatus.FAILED.value
                and (scheduled or started or seeded_attempts)
            )
        )
        # Everything is checked: from here on nothing refuses, so nothing is half made.
        job = backend.seed_job(
            queue if queue is not None else backend.ensure_queue(job_queue, fair_share),
            job_name,
            created,
            payload,
            status=status,
            share_identifier=share_identifier,
            quota_share_name=quota_share_name,
            scheduling_priority=scheduling_priority,
            tags=job_tags,
        )
        if dispatched:
            job.scheduled_at = scheduled if scheduled is not None else created
            job.new_training_job()
            if status in (ServiceJobStatus.RUNNING.value, ServiceJobStatus.SUCCEEDED.value):
                job.started_at = started if started is not None else job.scheduled_at
            else:
                job.started_at = started
            job.attempt_started_at = job.started_at
        if status in TERMINAL:
            job.stopped_at = (
                stopped
                if stopped is not None
                else max(t for t in (created, job.scheduled_at, job.started_at) if t is not None)
            )
        job.status_reason = status_reason
        if status_reason is None and status == ServiceJobStatus.SUCCEEDED.value:
            job.status_reason = COMPLETED_REASON
        if attempts is not None:
            job.attempts = seeded_attempts
        elif status in TERMINAL and job.training_job_arn is not None:
            job.attempts = [job._attempt_detail(job.stopped_at or created, job.status_reason)]
        return ServiceJobView(job)


def _attempt(raw: dict[str, Any], index: int) -> dict[str, Any]:
    unknown = set(raw) - _ATTEMPT_MEMBERS
    if unknown:
        raise invalid_value(f"attempts[{index}]", sorted(unknown), "unknown members")
    attempt = dict(raw)
    for member in ("startedAt", "stoppedAt"):
        if member in attempt:
            attempt[member] = _time(f"attempts[{index}].{member}", attempt[member])
    return attempt


def set_service_job_status(
    job_id_or_arn: str,
    status: str,
    *,
    status_reason: str | None = None,
    account_id: str | None = None,
    region_name: str | None = None,
) -> ServiceJobView:
    """Put a job (seeded or submitted) in ``status`` now, setting the times AWS would set.

    Entering SCHEDULED sets ``scheduledAt`` and a new ``latestAttempt``; RUNNING
    sets ``startedAt`` (first time only); SUCCEEDED/FAILED set ``stoppedAt`` and
    close the attempt. Moving backwards undoes what the later statuses set (see
    ``ServiceJobBackend.set_status``). A submitted job continues its progression from here.
    """
    with _helper_errors():
        backend = backend_of(account_id, region_name)
        job = backend.store.get_job(job_id_or_arn)
        backend.set_status(job, status, status_reason, clock.now_ms())
        return ServiceJobView(job)


def get_service_job(
    job_id_or_arn: str,
    *,
    account_id: str | None = None,
    region_name: str | None = None,
) -> ServiceJobView:
    """The stored job, as the last request left it: reading it moves nothing.

    Unlike DescribeServiceJob and ListServiceJobs, this is not a look: it neither settles
    the store nor counts towards the job's next step. ``.status``, ``.status_reason``,
    ``.attempts``, ``.describe()`` and ``.summary()`` read the stored state.
    """
    with _helper_errors():
        return ServiceJobView(backend_of(account_id, region_name).store.get_job(job_id_or_arn))


MAX_PLANNED = 200
"""The most planned outcomes a job may have waiting (each may become a training job)."""


def plan_service_job_attempts(
    job_id_or_arn: str,
    *outcomes: Outcome,
    account_id: str | None = None,
    region_name: str | None = None,
) -> ServiceJobView:
    """Decide what happens to a job's next attempts, in order.

    ``capacity_shortage()`` applies the next time the job is SCHEDULED (it goes back to
    RUNNABLE without using an attempt); ``succeed()``, ``fail_attempt(reason)`` and ``time_out()``
    end the next RUNNING attempt. Attempts with nothing planned succeed. Planning while
    the job runs decides the running attempt. A seeded job (``add_service_job``) never
    runs by itself: planning its attempts is refused.
    """
    for outcome in outcomes:
        if not isinstance(outcome, Outcome):
            raise TypeError(
                f"expected an outcome such as succeed() or fail_attempt('AlgorithmError: ...'), "
                f"not {outcome!r}"
            )
    with _helper_errors():
        job = backend_of(account_id, region_name).store.get_job(job_id_or_arn)
        if job.progress is None:
            raise ClientException(
                f"Job {job.job_id} was stored by add_service_job and never moves by itself, "
                "so planned attempts would never happen; plan the attempts of a job submitted "
                "with SubmitServiceJob, or move this one with set_service_job_status"
            )
        if len(job.planned) + len(outcomes) > MAX_PLANNED:
            raise ClientException(
                f"Job {job.job_id} would have {len(job.planned) + len(outcomes)} planned "
                f"outcomes; at most {MAX_PLANNED} may wait to happen"
            )
        job.planned.extend(outcomes)
        return ServiceJobView(job)
