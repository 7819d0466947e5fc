"""The service-job operations: SubmitServiceJob and the operations on submitted jobs, and
the seeding helpers' way in (``seed_job``, ``set_status``).

A request that looks at jobs (DescribeServiceJob, ListServiceJobs) first settles the store
(``lifecycle``), then counts a look at each job it shows (``tracking``). Terminating a
dispatched job takes effect at the next settle, as on AWS.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from .._moto.common import mock_random
from ..exceptions import ClientException, cut, invalid_value, missing, not_one_of
from ..rules import validation as check
from ..rules.statuses import (
    DISPATCH_ORDER,
    DISPATCHED,
    FAILED,
    PENDING,
    RUNNING,
    SAGEMAKER_TRAINING,
    SCHEDULED,
    STARTING,
    STATUSES,
    SUBMITTED,
    SUCCEEDED,
    TERMINAL,
)
from ..scheduling import job_metrics
from ..scheduling.lifecycle import Lifecycle
from ..scheduling.tracking import Tracker, enter, new_progress
from ..state import clock
from ..state.listing import JobQuery, decode_token, encode_token, job_page, page_size
from ..state.models import ServiceJob, ServiceQueue
from ..state.store import Store, queue_not_found

MAX_BULK_TERMINATE = 50
MAX_ACTIVE_SHARES = 500  # active share identifiers per fair-share job queue (AWS)
MAX_REASON = 1024
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _termination_reason(reason: str | None) -> str:
    if not reason:
        raise missing("reason")
    if len(reason) > MAX_REASON:
        raise invalid_value("reason", f"{len(reason)} characters", f"at most {MAX_REASON}")
    return reason


def _looks_like_job_id(identifier: str, arn_prefix: str) -> bool:
    if identifier.startswith("arn:"):
        identifier = identifier[len(arn_prefix) :] if identifier.startswith(arn_prefix) else ""
    return bool(_UUID.match(identifier))


SUBMIT_SENTENCES = {
    "share_missing": "shareIdentifier must be provided: job queue {queue} has a fair-share "
    "scheduling policy",
    "share_forbidden": "shareIdentifier cannot be used: job queue {queue} has no fair-share "
    "scheduling policy",
    "quota_missing": "quotaShareName must be provided: job queue {queue} has a quota-share "
    "scheduling policy",
    "quota_unknown": "Quota share {share} does not exist in job queue {queue}",
    "quota_disabled": "Quota share {share} is DISABLED and accepts no new jobs",
    "quota_forbidden": "quotaShareName cannot be used: job queue {queue} has no quota-share policy",
}
"""SubmitServiceJob's sentences for the rules of ``check_shares``."""


def check_shares(
    store: Store,
    queue: ServiceQueue | None,
    queue_name: str,
    share_identifier: str | None,
    quota_share_name: str | None,
    sentences: Mapping[str, str] = SUBMIT_SENTENCES,
    new_kind: str | None = None,
) -> None:
    """Refuse a job's share identifier and quota share that its queue's scheduling policy
    rules out: a fair-share queue needs a share identifier, no other queue takes one; a
    quota-management queue needs an ENABLED quota share of its own, no other queue takes one.
    ``queue`` is None for a queue not created yet, whose policy will be ``new_kind`` (None:
    FIFO, or FAIRSHARE); ``sentences`` words each refusal."""
    kind = new_kind if queue is None else store.policy_kind(queue)

    def refused(rule: str, share: str = "") -> ClientException:
        return ClientException(sentences[rule].format(queue=queue_name, share=share))

    if kind == "FAIRSHARE" and not share_identifier:
        raise refused("share_missing")
    if share_identifier and kind != "FAIRSHARE":
        raise refused("share_forbidden")
    if kind == "QUOTA":
        assert queue is not None  # only a stored queue has a scheduling policy
        if not quota_share_name:
            raise refused("quota_missing")
        share = store.quota_shares.get(f"{queue.arn}/quota-share/{quota_share_name}")
        if share is None:
            raise refused("quota_unknown", cut(quota_share_name))
        if share.state != "ENABLED":
            raise refused("quota_disabled", quota_share_name)
    elif quota_share_name:
        raise refused("quota_forbidden")


CLIENT_TOKEN_MS = 8 * 3600 * 1000
"""How long a clientToken is remembered (AWS documents none; about eight hours)."""


class JobBackend:
    """Submit, describe, list, terminate and update service jobs of one store.

    A mixin of ``ServiceJobBackend``: it works on the backend's ``store``, ``tracker`` and
    ``lifecycle``.
    """

    store: Store
    tracker: Tracker
    lifecycle: Lifecycle

    # -- SubmitServiceJob -------------------------------------------------------------
    def submit_service_job(
        self,
        *,
        job_name: str | None,
        job_queue: str | None,
        service_job_type: str | None,
        service_request_payload: str | None,
        retry_strategy: dict[str, Any] | None = None,
        scheduling_priority: int | None = None,
        share_identifier: str | None = None,
        quota_share_name: str | None = None,
        preemption_configuration: dict[str, Any] | None = None,
        timeout_config: dict[str, Any] | None = None,
        tags: dict[str, str] | None = None,
        client_token: str | None = None,
    ) -> ServiceJob:
        """SubmitServiceJob: check everything, then store the job SUBMITTED (or the job a
        repeated clientToken names)."""
        request = dict(locals())
        del request["self"], request["client_token"]
        job_name = check.name("jobName", job_name)
        if not job_queue:
            raise missing("jobQueue")
        if not service_job_type:
            raise missing("serviceJobType")
        if service_job_type != SAGEMAKER_TRAINING:
            raise not_one_of("serviceJobType", service_job_type, [SAGEMAKER_TRAINING])
        service_request_payload = check.payload(service_request_payload)
        if client_token is not None and not 1 <= len(client_token) <= 64:
            raise invalid_value("clientToken", client_token, "it must be 1-64 characters long")
        options: dict[str, Any] = {
            "retry_strategy": check.retry_strategy(retry_strategy),
            "scheduling_priority": check.int_range(
                "schedulingPriority", scheduling_priority, 0, 9999
            ),
            "preemption_configuration": check.preemption_configuration(preemption_configuration),
            "timeout_config": check.timeout_config(timeout_config),
            "tags": check.tags(tags),
        }
        queue = self._submittable_queue(job_queue)
        check_shares(self.store, queue, queue.name, share_identifier, quota_share_name)
        request["job_queue"] = queue.arn  # the same queue, by name or ARN, is the same request
        if client_token is not None:
            fingerprint = hashlib.sha256(
                json.dumps(request, sort_keys=True, default=str).encode()
            ).hexdigest()
            at = clock.now_ms()
            self._forget_client_tokens(at)
            known = self.store.client_tokens.get(client_token)
            if known is not None:
                if known[0] != fingerprint:
                    raise ClientException(
                        f"clientToken {client_token} was already used for a different request"
                    )
                return known[1]
        if share_identifier is not None:
            self._check_share_limit(queue, share_identifier)
        job = self._store_job(
            queue,
            job_name,
            service_request_payload,
            share_identifier=share_identifier,
            quota_share_name=quota_share_name,
            progress=new_progress(SUBMITTED),
            **options,
        )
        job_metrics.submitted(self.store.metrics, job, job.created_at)
        if client_token is not None:
            self.store.client_tokens[client_token] = (fingerprint, job, at)
        return job

    def _forget_client_tokens(self, at: int) -> None:
        """Forget the client tokens used ``CLIENT_TOKEN_MS`` or longer before ``at``, oldest
        first (they are kept in the order they were used), so tokens never pile up."""
        tokens = self.store.client_tokens
        while tokens:
            oldest = next(iter(tokens))
            if at - tokens[oldest][2] < CLIENT_TOKEN_MS:
                return
            del tokens[oldest]

    def _submittable_queue(self, identifier: str) -> ServiceQueue:
        queue = self.store.sagemaker_queue(
            identifier, "service jobs can only be submitted to SAGEMAKER_TRAINING job queues"
        )
        if queue.state != "ENABLED":
            raise ClientException(f"Job queue {queue.name} is DISABLED and accepts no new jobs")
        return queue

    def _check_share_limit(self, queue: ServiceQueue, share_identifier: str) -> None:
        """Refuse a job that would add a 501st active share identifier to a fair-share queue."""
        if share_identifier in queue.share_unfinished:
            return
        active = queue.active_shares(clock.now_ms(), self.store.share_decay_ms(queue))
        if share_identifier not in active and len(active) >= MAX_ACTIVE_SHARES:
            raise ClientException(
                f"Job queue {queue.name} already has {MAX_ACTIVE_SHARES} active share "
                "identifiers, the most a fair-share job queue can have: a job that adds "
                f"a new share identifier ({share_identifier}) cannot be submitted"
            )

    def _store_job(
        self,
        queue: ServiceQueue,
        job_name: str,
        payload: str,
        created_at: int | None = None,
        **fields: Any,
    ) -> ServiceJob:
        job = ServiceJob(
            job_name=job_name,
            queue=queue,
            account_id=self.store.account_id,
            region_name=self.store.region_name,
            partition=self.store.partition,
            seq=next(self.store.seq),
            created_at=clock.now_ms() if created_at is None else created_at,
            service_job_type=SAGEMAKER_TRAINING,
            service_request_payload=payload,
            **fields,
        )
        while job.job_id in self.store.jobs:  # a reseeded random drew a stored ID: draw again
            job.job_id = str(mock_random.uuid4())
        self.tracker.add(job)
        return job

    # -- the other service-job operations ---------------------------------------------
    def terminate_service_job(self, identifier: str | None, reason: str | None) -> ServiceJob:
        """Terminate a job: at once before dispatch, at the next look once dispatched.

        A finished job is left as it is.
        """
        job = self.store.get_job(identifier)
        reason = _termination_reason(reason)
        if job.is_terminal:
            return job
        job.is_terminated = True
        if job.status in DISPATCHED:
            self.tracker.stopping[job.job_id] = reason
        else:
            self.tracker.move(job, FAILED, clock.now_ms(), reason)
        return job

    def terminate_service_jobs(
        self, identifiers: list[str] | None, reason: str | None, denied: str | None = None
    ) -> tuple[list[str], list[dict[str, str]]]:
        """The bulk TerminateServiceJobs: per-job outcome, unknown IDs count as successful.

        ``denied``: the caller may not terminate jobs (IAM), why: each job is refused so.
        """
        if not identifiers:
            raise missing("jobs")
        if len(identifiers) > MAX_BULK_TERMINATE:
            raise invalid_value(
                "jobs", f"{len(identifiers)} jobs", f"at most {MAX_BULK_TERMINATE} are allowed"
            )
        reason = _termination_reason(reason)
        successful: list[str] = []
        errors: list[dict[str, str]] = []
        for identifier in identifiers:
            if not _looks_like_job_id(identifier, self.store.arn_prefix + "service-job/"):
                errors.append(
                    {
                        "job": identifier,
                        "code": "ValidationException",
                        "message": f"{cut(identifier)} is not a service job ID or ARN",
                    }
                )
                continue
            if denied is not None:
                errors.append({"job": identifier, "code": "AccessDenied", "message": denied})
                continue
            try:
                self.terminate_service_job(identifier, reason)
            except ClientException:
                pass  # an unknown job is reported as successful, as AWS does
            successful.append(identifier)
        return successful, errors

    def update_service_job(
        self, identifier: str | None, scheduling_priority: int | None
    ) -> ServiceJob:
        """UpdateServiceJob: the scheduling priority of a job that has not finished."""
        job = self.store.get_job(identifier)
        if scheduling_priority is None:
            raise missing("schedulingPriority")
        check.int_range("schedulingPriority", scheduling_priority, 0, 9999)
        if job.is_terminal:
            raise ClientException(
                f"Job {job.job_id} is {job.status}: a finished job cannot be updated"
            )
        job.queue.set_priority(job, scheduling_priority)
        self.tracker.changed(job.queue.environment)  # its place in line may have changed
        return job

    def describe_service_job(self, identifier: str | None) -> ServiceJob:
        """DescribeServiceJob: the job by ID or ARN, after the lifecycle settles (a look)."""
        job = self.store.get_job(identifier)
        self.lifecycle.settle()
        self.tracker.tick(job)
        return job

    def list_service_jobs(
        self,
        job_queue: str | None,
        job_status: str | None,
        filters: list[Any] | None,
        max_results: int | None,
        next_token: str | None,
    ) -> tuple[list[ServiceJob], str | None]:
        """One page of a queue's jobs, newest first, and the token of the next page."""
        limit = page_size(max_results)
        if not job_queue:
            raise missing("jobQueue")
        if job_status is not None and job_status not in STATUSES:
            raise not_one_of("jobStatus", job_status, STATUSES)
        queue = self.store.find_queue(job_queue)
        if queue is None and not self.store.container_queue_exists(job_queue):
            raise queue_not_found(job_queue)
        query = JobQuery(queue, job_status, filters)
        before = (
            decode_token(next_token, query.fingerprint, "another job queue, status or filter")
            if next_token
            else None
        )
        if queue is None:  # a container queue holds no service jobs
            return [], None
        self.lifecycle.settle()
        page, more = job_page(queue, query, before, limit)
        for job in page:
            self.tracker.tick(job)
        token = encode_token(page[-1].key, query.fingerprint) if more else None
        return page, token

    # -- seeding (see ``seeding``) ----------------------------------------------------
    def seed_job(
        self, queue: ServiceQueue, job_name: str, created_at: int, payload: str, **fields: Any
    ) -> ServiceJob:
        """Store a job as the seeding helpers describe it; it never moves by itself."""
        return self._store_job(queue, job_name, payload, created_at=created_at, **fields)

    def set_status(self, job: ServiceJob, status: str, reason: str | None, at: int) -> None:
        """Put a job in ``status`` now, as a test says, with the fields AWS shows for it.

        A job put in STARTING, RUNNING or SUCCEEDED without a training job is first
        dispatched (``scheduledAt``, ``latestAttempt``); SUCCEEDED also gets ``startedAt``.
        Moving backwards undoes what the later statuses set: the open attempt ends (into
        ``attempts`` if it ran); SUBMITTED and PENDING drop ``scheduledAt``, ``startedAt`` and
        ``latestAttempt``; leaving a final status drops ``stoppedAt``; a waiting job has no
        termination under way; going back to an earlier dispatched status opens a new attempt.
        """
        if status not in STATUSES:
            raise not_one_of("status", status, STATUSES)
        old = job.status
        self.tracker.changed(job.queue.environment, job.environment)  # room may free
        restart = (
            old in DISPATCHED
            and status in DISPATCHED
            and DISPATCH_ORDER.index(status) < DISPATCH_ORDER.index(old)
        )
        if old in DISPATCHED and (restart or status not in DISPATCHED | TERMINAL):
            if job.attempt_started_at is not None:  # it ran: a counted attempt ends
                job.attempts.append(job._attempt_detail(at, reason))
            job.attempt_started_at = job.attempt_clock = None
        if old in TERMINAL and status not in TERMINAL:
            job.stopped_at = None
            job.is_terminated = False
        if status not in DISPATCHED | TERMINAL:  # waiting again: no termination under way
            self.tracker.stopping.pop(job.job_id, None)
            job.is_terminated = False
        if status in (SUBMITTED, PENDING):
            job.scheduled_at = job.started_at = None
        if status in DISPATCHED and old not in DISPATCHED:
            job.environment = None  # placed afresh, as a dispatch places it (see JobIndex)
        if status in (
            STARTING,
            RUNNING,
            SUCCEEDED,
        ):
            if old not in DISPATCHED or restart:
                enter(self.store.metrics, job, SCHEDULED, at)
            if status == SUCCEEDED and job.status != RUNNING:
                enter(self.store.metrics, job, RUNNING, at)
        # ends the open attempt's training job, if any
        enter(self.store.metrics, job, status, at, reason)
        if status in (SUBMITTED, PENDING):
            job.training_job_arn = None
        job.queue.move_job(job, old)
        if job.progress is not None:
            job.progress = new_progress(status)
            self.tracker.ticked.pop(job.job_id, None)
            if status in TERMINAL:
                self.tracker.deactivate(job)
            else:
                self.tracker.activate(job)
                self.tracker.arm_timeout(job)
