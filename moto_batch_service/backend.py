"""The service-job store: one ``ServiceJobBackend`` per account and region.

``service_job_backends[account_id][region_name]`` is a moto ``BackendDict`` for
the "batch" service, so ``mock_aws`` and ``/moto-api/reset`` wipe it like every
moto backend. Look the backend up each time; never keep one across tests.

A request holds ``RESET_LOCK`` from before it looks its backend up until it has
answered: moto holds the same lock while a reset wipes every backend, so a request
racing a reset sees the store either as it was before the reset or as after it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import heapq
import hmac
import itertools
import json
import re
import secrets
import threading
from bisect import bisect_left
from datetime import datetime, timedelta
from typing import Any, Callable, cast

from moto.batch.models import batch_backends, datetime2int_milliseconds
from moto.core.base_backend import BackendDict, BaseBackend
from moto.moto_api import state_manager

from . import quota
from . import validation as check
from ._moto import ServiceJobProgress, moto_backend_lock, partition_of, progressed_at, state_now
from .exceptions import ClientException, cut, invalid_value, missing, not_one_of, shown
from .lifecycle import Lifecycle
from .models import (
    DISPATCHED,
    SAGEMAKER_TRAINING,
    SERVICE_JOB_MODEL,
    TERMINAL,
    JobKey,
    ServiceEnvironment,
    ServiceJob,
    ServiceJobStatus,
    ServiceQueue,
    now_ms,
)
from .params import check_type
from .quota import QuotaShare, quota_share_policy
from .quota_dispatch import quota_order, share_fronts

RESET_LOCK = moto_backend_lock

ALREADY_EXISTS = "Object already exists"
DEFAULT_PAGE = 100
STATUSES = ServiceJobStatus.values()
RUNNING = ServiceJobStatus.RUNNING.value
# Filters that select jobs of every status (jobStatus is ignored with them) ...
ANY_STATUS_FILTERS = ("JOB_NAME", "BEFORE_CREATED_AT", "AFTER_CREATED_AT")
# ... and filters that combine with jobStatus.
STATUS_FILTERS = ("SHARE_IDENTIFIER", "QUOTA_SHARE_NAME")
LEGACY_FILTERS = ("JOB_STATUS",)
FILTER_NAMES = ANY_STATUS_FILTERS + STATUS_FILTERS + LEGACY_FILTERS
SCAN_COST = 4  # a Python-level step of the key walk, in C-level steps of a list pass


_DISPATCH_ORDER = (
    ServiceJobStatus.SCHEDULED.value,
    ServiceJobStatus.STARTING.value,
    ServiceJobStatus.RUNNING.value,
)
MAX_BULK_TERMINATE = 50
MAX_ENVIRONMENTS = 50  # service environments per account and region (AWS, fixed)
MAX_ACTIVE_SHARES = 500  # active share identifiers per fair-share job queue (AWS)
ONE_QUOTA_QUEUE = (
    "Quota management enabled service environments can only be connected to a single quota "
    "management enabled job queue"
)
SNAPSHOT_JOBS = 100
SNAPSHOT_TOP_SHARES = 20
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


def _usage_list(usage: dict[str, float]) -> list[dict[str, Any]]:
    return [{"capacityUnit": unit, "quantity": quantity} for unit, quantity in usage.items()]


def _container_snapshot(queue: Any, at: int) -> dict[str, Any]:
    """GetJobQueueSnapshot of one of moto's container job queues, from moto's jobs.

    moto keeps no share identifier or scheduling priority for container jobs: the front is
    the RUNNABLE jobs oldest first, and usage is the vCPUs of the STARTING/RUNNING jobs of
    container job definitions.
    """
    runnable, vcpus = [], 0.0
    for job in queue.jobs:
        status = job.status  # moto's ManagedState: its own progression applies, as in ListJobs
        if status == "RUNNABLE":
            runnable.append(job)
        elif status in ("STARTING", "RUNNING") and job.job_definition.container_properties:
            vcpus += _container_vcpus(job)
    runnable.sort(key=lambda job: job.job_created_at)
    return {
        "frontOfQueue": {
            "jobs": [
                {
                    "jobArn": job.arn,
                    "earliestTimeAtPosition": datetime2int_milliseconds(job.job_created_at),
                }
                for job in runnable[:SNAPSHOT_JOBS]
            ],
            "lastUpdatedAt": at,
        },
        "queueUtilization": {
            "totalCapacityUsage": _usage_list({"VCPU": vcpus} if vcpus else {}),
            "lastUpdatedAt": at,
        },
    }


def _container_vcpus(job: Any) -> float:
    """The vCPUs a moto container job asks for: its overrides, else its job definition
    (``resourceRequirements`` VCPU before the older ``vcpus``); 1 when neither says."""
    for source in (job.container_overrides or {}, job.job_definition.container_properties):
        wanted = [
            r.get("value")
            for r in source.get("resourceRequirements") or []
            if r.get("type") == "VCPU"
        ]
        for value in [*wanted, source.get("vcpus")]:
            if value is not None:
                try:
                    return float(value)
                except (TypeError, ValueError):
                    return 0.0
    return 1.0


def _queue_not_found(identifier: str) -> ClientException:
    return ClientException(f"JobQueue {cut(identifier)} not found.")


def _job_not_found(identifier: str) -> ClientException:
    return ClientException(f"Job {cut(identifier)} not found")


def _environment_not_found(identifier: str) -> ClientException:
    return ClientException(f"Service environment {cut(identifier)} does not exist")


class _JobQuery:
    """What one ListServiceJobs request selects, checked; ``fingerprint`` names it in tokens."""

    def __init__(
        self, queue: ServiceQueue | None, job_status: str | None, filters: list[Any] | None
    ):
        self.status: str | None = job_status
        self.predicate: Callable[[ServiceJob], bool] | None = None
        self.name: tuple[str, bool] | None = None  # JOB_NAME: (lower-cased name, is a prefix)
        self.created_after: int | None = None  # keys with created_at > this
        self.created_before: int | None = None  # keys with created_at < this
        name, value = _one_filter(filters)
        if name is None:
            self.status = job_status or RUNNING
        elif name in ANY_STATUS_FILTERS:
            self.status = None
            if name == "JOB_NAME":
                wanted = str(value).lower()
                self.name = (wanted[:-1], True) if wanted.endswith("*") else (wanted, False)
            elif name == "BEFORE_CREATED_AT":
                self.created_before = _epoch_ms(name, str(value))
            else:
                self.created_after = _epoch_ms(name, str(value))
        elif name == "JOB_STATUS":
            if value not in STATUSES:
                raise not_one_of("filters[0].values", value, STATUSES)
            self.status = value
        else:
            attribute = "share_identifier" if name == "SHARE_IDENTIFIER" else "quota_share_name"
            self.predicate = lambda job: getattr(job, attribute) == value
        self.fingerprint = _fingerprint(queue.arn if queue else None, job_status, name, value)

    def keys(self, queue: ServiceQueue, before: JobKey | None) -> tuple[list[JobKey], int, int]:
        """The key list to walk and the index range ``[lo, hi)`` of candidates."""
        keys = queue.keys(self.status)
        hi = len(keys) if before is None else bisect_left(keys, before)
        if self.created_before is not None:
            hi = min(hi, bisect_left(keys, (self.created_before, 0)))
        lo = 0
        if self.created_after is not None:
            lo = bisect_left(keys, (self.created_after + 1, 0))
        return keys, lo, hi


def _one_filter(filters: list[Any] | None) -> tuple[str | None, str | None]:
    if not filters:
        return None, None
    if len(filters) > 1:
        raise ClientException("Only one filter key-value pair can be specified.")
    entry = filters[0]
    if not isinstance(entry, dict):
        raise ClientException("filters[0] must be an object with a name and values")
    name, values = entry.get("name"), entry.get("values")
    if not isinstance(name, str) or not name:
        raise missing("filters[0].name")
    if name not in FILTER_NAMES:
        raise not_one_of("filters[0].name", name, FILTER_NAMES[:-1])
    if not isinstance(values, list) or not values:
        raise ClientException(f"Filter {name} must have exactly one value.")
    if len(values) > 1:
        raise ClientException("Filter cannot take more than one value.")
    value = values[0]
    if not isinstance(value, str) or not value:
        raise invalid_value(f"filters[0].values ({name})", value, "it must be a non-empty string")
    return name, value


def _name_matcher(name: str, prefix: bool) -> Callable[[ServiceJob], bool]:
    if prefix:
        return lambda job: job.job_name.lower().startswith(name)
    return lambda job: job.job_name.lower() == name


def _epoch_ms(name: str, value: str) -> int:
    """A time filter's value: epoch milliseconds, a decimal ``long`` (at most 2^63 - 1)."""
    digits = value.lstrip("0") if value.isascii() and value.isdigit() else None
    if digits is None or len(digits) > 19 or int(digits or "0") > 2**63 - 1:
        raise invalid_value(
            f"filters[0].values ({name})",
            value,
            "it must be a time in epoch milliseconds",
        )
    return int(digits or "0")


MAX_TRANSITION_SECONDS = 10**10  # about 317 years: later than that is never
VALID_TRANSITIONS = (
    '{"progression": "immediate"}, {"progression": "manual", "times": N} (N a whole number, '
    f'at least 1) or {{"progression": "time", "seconds": S}} (0 <= S <= {MAX_TRANSITION_SECONDS})'
)


def transition_problem(transition: Any) -> str | None:
    """What is wrong with a ``batch::service_job`` transition, or None if nothing is."""
    if not isinstance(transition, dict):
        return "it is not a dict"
    progression = transition.get("progression")
    if progression == "immediate":
        return None
    if progression == "manual":
        times = transition.get("times")
        if "times" not in transition:
            return '"manual" progression needs "times"'
        if not isinstance(times, int) or isinstance(times, bool) or times < 1:
            return f'"times" must be a whole number of at least 1, not {shown(times)}'
        return None
    if progression == "time":
        seconds = transition.get("seconds")
        if "seconds" not in transition:
            return '"time" progression needs "seconds"'
        if (
            not isinstance(seconds, (int, float))
            or isinstance(seconds, bool)
            or not 0 <= seconds <= MAX_TRANSITION_SECONDS
        ):
            return (
                f'"seconds" must be a number from 0 to {MAX_TRANSITION_SECONDS}, '
                f"not {shown(seconds)}"
            )
        return None
    return f'"progression" must be "immediate", "manual" or "time", not {shown(progression)}'


def _fingerprint(*request: Any) -> str:
    """Names a listing request in its tokens (a token is refused for another request)."""
    return hashlib.sha256(json.dumps(request).encode()).hexdigest()[:16]


def _seq_page(
    items: list[Any], limit: int, next_token: str | None, fingerprint: str, request: str
) -> tuple[list[Any], str | None]:
    """A page of ``items`` (in ``seq`` order) after ``next_token``, and the next token."""
    after = _decode_token(next_token, fingerprint, request)[1] if next_token else 0
    items = [item for item in items if item.seq > after]
    if len(items) > limit:
        return items[:limit], _encode_token((0, items[limit - 1].seq), fingerprint)
    return items, None


# Signs the tokens this process hands out: a token is only accepted as issued, by this
# process (a restarted server refuses the old ones), for the request that got it.
_TOKEN_KEY = secrets.token_bytes(32)


def _token_mac(created_at: int, seq: int, fingerprint: str) -> str:
    message = json.dumps([created_at, seq, fingerprint], separators=(",", ":")).encode()
    return hmac.new(_TOKEN_KEY, message, hashlib.sha256).hexdigest()[:32]


def _encode_token(key: JobKey, fingerprint: str) -> str:
    created_at, seq = key
    mac = _token_mac(created_at, seq, fingerprint)
    raw = json.dumps([created_at, seq, fingerprint, mac], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode_token(token: str, fingerprint: str, request: str) -> JobKey:
    """The cursor of a token this process issued; refused if altered, forged or foreign."""
    try:
        created_at, seq, issued_for, mac = json.loads(base64.urlsafe_b64decode(token.encode()))
        if not (
            type(created_at) is int
            and type(seq) is int
            and isinstance(issued_for, str)
            and isinstance(mac, str)
            and hmac.compare_digest(mac, _token_mac(created_at, seq, issued_for))
        ):
            raise ValueError(token)
    except (ValueError, TypeError, binascii.Error, RecursionError):
        raise ClientException(f"Invalid nextToken: {cut(token)}") from None
    if issued_for != fingerprint:
        raise ClientException(
            f"Invalid nextToken: it was issued for a different request ({request})"
        )
    return created_at, seq


class ServiceJobBackend(BaseBackend):
    """Service environments, SAGEMAKER_TRAINING queues and service jobs of one account/region."""

    def __init__(self, region_name: str, account_id: str):
        super().__init__(region_name, account_id)
        self.partition = partition_of(region_name)  # BaseBackend sets it on moto >= 5.0.8
        # Held by every request handler: one request at a time changes this store.
        self.lock = threading.RLock()
        self.environments: dict[str, ServiceEnvironment] = {}
        self.queues: dict[str, ServiceQueue] = {}
        self.jobs: dict[str, ServiceJob] = {}
        self._client_tokens: dict[str, tuple[str, ServiceJob]] = {}
        # Scheduling policies (moto's) that carry a quotaSharePolicy, by ARN.
        self.quota_policies: dict[str, dict[str, Any]] = {}
        self.quota_shares: dict[str, QuotaShare] = {}
        # Managed (submitted, not seeded) jobs that are not finished yet.
        self._active: dict[str, ServiceJob] = {}
        # The active jobs that have a timeoutConfig (the only ones that can time out).
        self._timed: dict[str, ServiceJob] = {}
        # Active jobs advanced since the last settle (enough under manual progression).
        self._ticked: dict[str, ServiceJob] = {}
        # Dispatched jobs whose termination was accepted: FAILED at the next settle.
        self._stopping: dict[str, str] = {}
        # Min-heaps with lazy deletion (an entry is checked against the job when popped):
        # (attempt deadline, seq, job ID) of timed attempts, and (when the job's progress last
        # moved, seq, job ID) of active jobs, for "time" progression.
        self._deadlines: list[tuple[int, int, str]] = []
        self._progressed: list[tuple[datetime, int, str]] = []
        self._seq = itertools.count(1)
        self._lifecycle = Lifecycle(self)

    @property
    def _arn_prefix(self) -> str:
        return f"arn:{self.partition}:batch:{self.region_name}:{self.account_id}:"

    def _container_queue_exists(self, identifier: str) -> bool:
        return (
            batch_backends[self.account_id][self.region_name].get_job_queue(identifier) is not None
        )

    # -- service environments ---------------------------------------------------------
    def get_environment(self, identifier: str) -> ServiceEnvironment:
        """Resolve a service environment by name or ARN."""
        env = self._maybe_environment(identifier)
        if env is None:
            raise _environment_not_found(identifier)
        return env

    def _find(self, store: dict[str, Any], identifier: str, kind: str) -> Any:
        if identifier.startswith("arn:"):
            prefix = self._arn_prefix + kind
            if not identifier.startswith(prefix):
                return None
            identifier = identifier[len(prefix) :]
        return store.get(identifier)

    def create_service_environment(
        self,
        name: str | None,
        service_environment_type: str | None,
        state: str | None,
        capacity_limits: list[Any] | None,
        tags: dict[str, str] | None,
    ) -> ServiceEnvironment:
        name = check.name("serviceEnvironmentName", name)
        if not service_environment_type:
            raise missing("serviceEnvironmentType")
        if service_environment_type != SAGEMAKER_TRAINING:
            raise not_one_of(
                "serviceEnvironmentType", service_environment_type, [SAGEMAKER_TRAINING]
            )
        members = (check.state(state), check.capacity_limits(capacity_limits), check.tags(tags))
        if name in self.environments:
            raise ClientException(ALREADY_EXISTS)
        if len(self.environments) >= MAX_ENVIRONMENTS:
            raise ClientException(
                f"Cannot create service environment {name}: an account can have at most "
                f"{MAX_ENVIRONMENTS} service environments in {self.region_name}"
            )
        # Built only once nothing can refuse it: moto keeps every model object it sees built.
        env = ServiceEnvironment(
            name, self.account_id, self.region_name, self.partition, next(self._seq), *members
        )
        self.environments[name] = env
        return env

    def describe_service_environments(
        self, identifiers: list[str] | None, max_results: int | None, next_token: str | None
    ) -> tuple[list[ServiceEnvironment], str | None]:
        limit = self._page_size(max_results)
        wanted = None
        if identifiers:
            wanted = {env.name for env in map(self._maybe_environment, identifiers) if env}
        # The account and region are part of the request: a token is refused elsewhere.
        fingerprint = _fingerprint(self._arn_prefix, sorted(wanted) if wanted is not None else None)
        envs = [env for env in self.environments.values() if wanted is None or env.name in wanted]
        return _seq_page(
            envs, limit, next_token, fingerprint, "another list of service environments"
        )

    def _maybe_environment(self, identifier: str) -> ServiceEnvironment | None:
        return self._find(self.environments, identifier, "service-environment/")  # type: ignore[no-any-return]

    def update_service_environment(
        self, identifier: str | None, state: str | None, capacity_limits: list[Any] | None
    ) -> ServiceEnvironment:
        if not identifier:
            raise missing("serviceEnvironment")
        env = self.get_environment(identifier)
        new_state = check.state(state, default=env.state)
        new_limits = env.capacity_limits
        if capacity_limits is not None:
            new_limits = check.capacity_limits(capacity_limits)
            for queue in self.queues.values():
                if queue.environment is env:
                    self._check_pairing(queue.name, self.policy_kind(queue), env, new_limits)
        env.state, env.capacity_limits = new_state, new_limits
        return env

    def delete_service_environment(self, identifier: str | None) -> None:
        if not identifier:
            raise missing("serviceEnvironment")
        env = self.get_environment(identifier)
        if env.state != "DISABLED":
            raise ClientException(
                f"Service environment {env.name} must be DISABLED before it can be deleted"
            )
        users = [q.name for q in self.queues.values() if q.environment is env]
        if users:
            raise ClientException(
                f"Service environment {env.name} is still used by job queue(s) {', '.join(users)}; "
                "remove it from their serviceEnvironmentOrder first"
            )
        del self.environments[env.name]

    # -- SAGEMAKER_TRAINING job queues ------------------------------------------------
    def find_queue(self, identifier: str) -> ServiceQueue | None:
        """The SAGEMAKER_TRAINING queue with this name or ARN, if there is one."""
        return self._find(self.queues, identifier, "job-queue/")  # type: ignore[no-any-return]

    def _sagemaker_queue(self, identifier: str, why_not_container: str) -> ServiceQueue:
        """The SAGEMAKER_TRAINING queue by name or ARN; a container queue is refused, saying why."""
        queue = self.find_queue(identifier)
        if queue is None:
            if self._container_queue_exists(identifier):
                raise ClientException(
                    f"Job queue {cut(identifier)} is not of type SAGEMAKER_TRAINING; "
                    f"{why_not_container}"
                )
            raise _queue_not_found(identifier)
        return queue

    def get_queue(self, identifier: str) -> ServiceQueue:
        queue = self.find_queue(identifier)
        if queue is None:
            raise _queue_not_found(identifier)
        return queue

    def _environment_order(self, order: list[Any] | None) -> list[tuple[int, ServiceEnvironment]]:
        if not order:
            raise ClientException(
                "serviceEnvironmentOrder must list at least one service environment "
                "for a SAGEMAKER_TRAINING job queue"
            )
        if len(order) > 1:
            raise ClientException(
                f"serviceEnvironmentOrder lists {len(order)} service environments; a job queue "
                "can have only one service environment"
            )
        resolved: list[tuple[int, ServiceEnvironment]] = []
        for i, entry in enumerate(order):
            member = f"serviceEnvironmentOrder[{i}]"
            if not isinstance(entry, dict):
                raise ClientException(
                    f"{member} must be an object with order and serviceEnvironment"
                )
            position, identifier = entry.get("order"), entry.get("serviceEnvironment")
            if position is None:
                raise missing(f"{member}.order")
            position = check_type(f"{member}.order", position, int)
            if not isinstance(identifier, str) or not identifier:
                raise missing(f"{member}.serviceEnvironment")
            env = self.get_environment(identifier)
            if env.status != "VALID":
                raise ClientException(f"Service environment {env.name} is not VALID")
            resolved.append((position, env))
        return resolved

    def _scheduling_policy(self, arn: str | None) -> str | None:
        if arn is None:
            return None
        policies = batch_backends[self.account_id][self.region_name].describe_scheduling_policies(
            [arn]
        )
        if not policies:
            raise ClientException(f"Scheduling policy {cut(arn)} does not exist")
        return arn

    def _check_pairing(
        self,
        queue_name: str,
        kind: str | None,
        env: ServiceEnvironment,
        limits: list[dict[str, Any]],
    ) -> None:
        """Refuse queue ``queue_name`` of scheduling ``kind`` on ``env`` with ``limits``
        unless AWS's pairing rules allow it: a quota-management queue has its environment
        to itself, with instance-type limits; FIFO and fair-share queues use NUM_INSTANCES."""
        others = [q for q in self.queues.values() if q.name != queue_name and q.environment is env]
        instance_types = all(limit["capacityUnit"] != check.NUM_INSTANCES for limit in limits)
        if kind == "QUOTA":
            if others:
                raise ClientException(
                    f"{ONE_QUOTA_QUEUE}: service environment {env.name} is already connected "
                    f"to job queue {others[0].name}"
                )
            if not instance_types:
                raise ClientException(
                    f"Job queue {queue_name} has a quota-share scheduling policy: its service "
                    f"environment needs instance-type capacity limits (such as ml.m5.large), "
                    f"and service environment {env.name} has {check.NUM_INSTANCES}"
                )
            return
        quota_queues = [q.name for q in others if self.policy_kind(q) == "QUOTA"]
        if quota_queues:
            raise ClientException(
                f"{ONE_QUOTA_QUEUE}: service environment {env.name} is connected to job queue "
                f"{quota_queues[0]}"
            )
        if instance_types:
            what = "a FIFO" if kind is None else "a fair-share"
            raise ClientException(
                f"Job queue {queue_name} is {what} job queue: its service environment needs "
                f"{check.NUM_INSTANCES} capacity limits, and service environment {env.name} has "
                "instance-type capacity limits (quota management only)"
            )

    def create_job_queue(
        self,
        name: str | None,
        priority: int | None,
        state: str | None,
        service_environment_order: list[Any] | None,
        compute_environment_order: list[Any] | None,
        scheduling_policy_arn: str | None,
        time_limit_actions: list[Any] | None,
        tags: dict[str, str] | None,
    ) -> ServiceQueue:
        name = check.name("jobQueueName", name)
        if priority is None:
            raise missing("priority")
        check.int_range("priority", priority, 0, 1000)
        if compute_environment_order:
            raise ClientException(
                "A SAGEMAKER_TRAINING job queue takes serviceEnvironmentOrder, "
                "not computeEnvironmentOrder"
            )
        environment_order = self._environment_order(service_environment_order)
        policy_arn = self._scheduling_policy(scheduling_policy_arn)
        members = (
            check.state(state),
            environment_order,
            policy_arn,
            check.time_limit_actions(time_limit_actions),
            check.tags(tags),
        )
        if name in self.queues or self._container_queue_exists(name):
            raise ClientException(ALREADY_EXISTS)
        env = environment_order[0][1]
        self._check_pairing(name, self._kind_of(policy_arn), env, env.capacity_limits)
        # Built only once nothing can refuse it: moto keeps every model object it sees built.
        queue = ServiceQueue(
            name, self.account_id, self.region_name, self.partition, priority, *members
        )
        self.queues[name] = queue
        return queue

    def describe_job_queues(self, identifiers: list[str] | None) -> list[ServiceQueue]:
        if not identifiers:
            return list(self.queues.values())
        wanted = {q.name for q in map(self.find_queue, identifiers) if q is not None}
        return [q for q in self.queues.values() if q.name in wanted]

    def update_job_queue(
        self,
        identifier: str,
        priority: int | None,
        state: str | None,
        service_environment_order: list[Any] | None,
        compute_environment_order: list[Any] | None,
        scheduling_policy_arn: str | None,
        time_limit_actions: list[Any] | None,
    ) -> ServiceQueue:
        queue = self.get_queue(identifier)
        if compute_environment_order:
            raise ClientException(
                f"Job queue {queue.name} is of type SAGEMAKER_TRAINING and cannot take "
                "computeEnvironmentOrder"
            )
        changes: dict[str, Any] = {"state": check.state(state, default=queue.state)}
        if priority is not None:
            changes["priority"] = check.int_range("priority", priority, 0, 1000)
        if service_environment_order is not None:
            changes["environment_order"] = self._environment_order(service_environment_order)
        if scheduling_policy_arn is not None:
            if queue.scheduling_policy_arn is None:
                raise ClientException(
                    f"Job queue {queue.name} has no scheduling policy; "
                    "a FIFO job queue cannot be given one"
                )
            changes["scheduling_policy_arn"] = self._scheduling_policy(scheduling_policy_arn)
            kind, new_kind = self.policy_kind(queue), self._kind_of(scheduling_policy_arn)
            if new_kind != kind:
                have = "quota-share" if kind == "QUOTA" else "fair-share"
                other = "fair-share" if kind == "QUOTA" else "quota-share"
                raise ClientException(
                    f"Job queue {queue.name} has a {have} scheduling policy: it can be replaced "
                    f"with another {have} scheduling policy, not with a {other} one"
                )
        if time_limit_actions is not None:
            changes["time_limit_actions"] = check.time_limit_actions(time_limit_actions)
        if "environment_order" in changes:
            env = changes["environment_order"][0][1]
            self._check_pairing(queue.name, self.policy_kind(queue), env, env.capacity_limits)
        for attribute, value in changes.items():
            setattr(queue, attribute, value)
        return queue

    def delete_job_queue(self, identifier: str) -> None:
        queue = self.get_queue(identifier)
        if queue.state != "DISABLED":
            raise ClientException(
                f"Job queue {queue.name} must be DISABLED before it can be deleted"
            )
        at = now_ms()
        for job in list(queue.jobs.values()):
            if not job.is_terminal:
                job.is_terminated = True
                self.move(job, ServiceJobStatus.FAILED.value, at, "Job queue deleted")
        for share in self.queue_shares(queue):
            del self.quota_shares[share.arn]
        del self.queues[queue.name]

    # -- service jobs -----------------------------------------------------------------
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
        self._check_shares(queue, share_identifier, quota_share_name)
        request["job_queue"] = queue.arn  # the same queue, by name or ARN, is the same request
        if client_token is not None:
            fingerprint = hashlib.sha256(
                json.dumps(request, sort_keys=True, default=str).encode()
            ).hexdigest()
            known = self._client_tokens.get(client_token)
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
            progress=self._new_progress(ServiceJobStatus.SUBMITTED.value),
            **options,
        )
        if client_token is not None:
            self._client_tokens[client_token] = (fingerprint, job)
        return job

    def _submittable_queue(self, identifier: str) -> ServiceQueue:
        queue = self._sagemaker_queue(
            identifier, "service jobs can only be submitted to SAGEMAKER_TRAINING job queues"
        )
        if queue.state != "ENABLED":
            raise ClientException(f"Job queue {queue.name} is DISABLED and accepts no new jobs")
        return queue

    def policy_kind(self, queue: ServiceQueue) -> str | None:
        """FAIRSHARE or QUOTA after the queue's scheduling policy; None for a FIFO queue."""
        return self._kind_of(queue.scheduling_policy_arn)

    def _kind_of(self, policy_arn: str | None) -> str | None:
        if policy_arn is None:
            return None
        return "QUOTA" if policy_arn in self.quota_policies else "FAIRSHARE"

    def _check_shares(
        self, queue: ServiceQueue, share_identifier: str | None, quota_share_name: str | None
    ) -> None:
        kind = self.policy_kind(queue)
        if kind == "FAIRSHARE" and not share_identifier:
            raise ClientException(
                f"shareIdentifier must be provided: job queue {queue.name} has a fair-share "
                "scheduling policy"
            )
        if share_identifier and kind != "FAIRSHARE":
            raise ClientException(
                f"shareIdentifier cannot be used: job queue {queue.name} has no fair-share "
                "scheduling policy"
            )
        if kind == "QUOTA":
            if not quota_share_name:
                raise ClientException(
                    f"quotaShareName must be provided: job queue {queue.name} has a quota-share "
                    "scheduling policy"
                )
            share = self.quota_shares.get(f"{queue.arn}/quota-share/{quota_share_name}")
            if share is None:
                raise ClientException(
                    f"Quota share {cut(quota_share_name)} does not exist in job queue {queue.name}"
                )
            if share.state != "ENABLED":
                raise ClientException(
                    f"Quota share {quota_share_name} is DISABLED and accepts no new jobs"
                )
        elif quota_share_name:
            raise ClientException(
                f"quotaShareName cannot be used: job queue {queue.name} has no quota-share policy"
            )

    def _check_share_limit(self, queue: ServiceQueue, share_identifier: str) -> None:
        """Refuse a job that would add a 501st active share identifier to a fair-share queue."""
        if share_identifier in queue.share_unfinished:
            return
        active = queue.active_shares(now_ms(), self._share_decay_ms(queue))
        if share_identifier not in active and len(active) >= MAX_ACTIVE_SHARES:
            raise ClientException(
                f"Job queue {queue.name} already has {MAX_ACTIVE_SHARES} active share "
                "identifiers, the most a fair-share job queue can have: a job that adds "
                f"a new share identifier ({share_identifier}) cannot be submitted"
            )

    def _new_progress(self, status: str) -> ServiceJobProgress:
        progress = ServiceJobProgress(SERVICE_JOB_MODEL, ServiceJobStatus.status_transitions())
        progress.status = status
        return progress

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
            account_id=self.account_id,
            region_name=self.region_name,
            partition=self.partition,
            seq=next(self._seq),
            created_at=now_ms() if created_at is None else created_at,
            service_job_type=SAGEMAKER_TRAINING,
            service_request_payload=payload,
            **fields,
        )
        self.jobs[job.job_id] = job
        queue.add_job(job)
        if job.progress is not None and not job.is_terminal:
            self._activate(job)
        return job

    def _activate(self, job: ServiceJob) -> None:
        """File a submitted, unfinished job (with its fresh progress) for settling."""
        assert job.progress is not None
        self._active[job.job_id] = job
        if job.timeout_config:
            self._timed[job.job_id] = job
        self._watch_progress(job)
        if len(self._progressed) > 2 * len(self._active) + 64:  # drop finished jobs' entries
            self._progressed = [e for e in self._progressed if e[2] in self._active]
            heapq.heapify(self._progressed)

    def get_job(self, identifier: str | None) -> ServiceJob:
        """Resolve a service job by ID or by service-job ARN."""
        if not identifier:
            raise missing("jobId")
        job: ServiceJob | None = self._find(self.jobs, identifier, "service-job/")
        if job is None:
            raise _job_not_found(identifier)
        return job

    def terminate_service_job(self, identifier: str | None, reason: str | None) -> ServiceJob:
        """Terminate a job: at once before dispatch, at the next look once dispatched.

        A finished job is left as it is.
        """
        job = self.get_job(identifier)
        reason = _termination_reason(reason)
        if job.is_terminal:
            return job
        job.is_terminated = True
        if job.status in DISPATCHED:
            self._stopping[job.job_id] = reason
        else:
            self.move(job, ServiceJobStatus.FAILED.value, now_ms(), reason)
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
            if not _looks_like_job_id(identifier, self._arn_prefix + "service-job/"):
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
        job = self.get_job(identifier)
        if scheduling_priority is None:
            raise missing("schedulingPriority")
        check.int_range("schedulingPriority", scheduling_priority, 0, 9999)
        if job.is_terminal:
            raise ClientException(
                f"Job {job.job_id} is {job.status}: a finished job cannot be updated"
            )
        job.scheduling_priority = scheduling_priority
        return job

    def describe_service_job(self, identifier: str | None) -> ServiceJob:
        job = self.get_job(identifier)
        self._settle()
        self._tick(job)
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
        limit = self._page_size(max_results)
        if not job_queue:
            raise missing("jobQueue")
        if job_status is not None and job_status not in STATUSES:
            raise not_one_of("jobStatus", job_status, STATUSES)
        queue = self.find_queue(job_queue)
        if queue is None and not self._container_queue_exists(job_queue):
            raise _queue_not_found(job_queue)
        query = _JobQuery(queue, job_status, filters)
        before = (
            _decode_token(next_token, query.fingerprint, "another job queue, status or filter")
            if next_token
            else None
        )
        if queue is None:  # a container queue holds no service jobs
            return [], None
        self._settle()
        page, more = self._page(queue, query, before, limit)
        for job in page:
            self._tick(job)
        token = _encode_token(page[-1].key, query.fingerprint) if more else None
        return page, token

    @staticmethod
    def _page(
        queue: ServiceQueue, query: _JobQuery, before: JobKey | None, limit: int
    ) -> tuple[list[ServiceJob], bool]:
        keys, lo, hi = query.keys(queue, before)
        jobs, predicate = queue.jobs, query.predicate
        if query.name is not None:
            first, last = queue.named(*query.name)
            matches = last - first
            # Walking the keys finds ``limit + 1`` matches after about ``(limit + 1) * span /
            # matches`` steps, each a name check; taking the newest of the matches costs one
            # cheaper pass over all of them. Take whichever is cheaper.
            if matches <= SCAN_COST * (limit + 1) * (hi - lo) / max(matches, 1):
                named = queue.names()[first:last]
                newest = heapq.nlargest(
                    limit + 1, (key for _, key in named if before is None or key < before)
                )
                return [jobs[key] for key in newest[:limit]], len(newest) > limit
            predicate = _name_matcher(*query.name)
        page: list[ServiceJob] = []
        for i in range(hi - 1, lo - 1, -1):
            job = jobs[keys[i]]
            if predicate is None or predicate(job):
                if len(page) == limit:
                    return page, True
                page.append(job)
        return page, False

    @staticmethod
    def _page_size(max_results: int | None) -> int:
        if max_results is None:
            return DEFAULT_PAGE
        check.int_range("maxResults", max_results, 1, 100)
        return max_results

    # -- GetJobQueueSnapshot ------------------------------------------------------------
    def job_queue_snapshot(self, identifier: str | None) -> dict[str, Any]:
        """The front of a SAGEMAKER_TRAINING queue in dispatch order, and what it uses."""
        if not identifier:
            raise missing("jobQueue")
        queue = self.find_queue(identifier)
        if queue is None:
            container_queue = batch_backends[self.account_id][self.region_name].get_job_queue(
                identifier
            )
            if container_queue is None:
                raise _queue_not_found(identifier)
            return _container_snapshot(container_queue, now_ms())
        self._settle()
        at = now_ms()
        quota_managed = self.policy_kind(queue) == "QUOTA"
        order = quota_order(queue) if quota_managed else self._lifecycle.dispatch_order(queue)
        front = list(itertools.islice(order, SNAPSHOT_JOBS))
        total: dict[str, float] = {}
        by_share: dict[str, dict[str, float]] = {}
        by_quota_share: dict[str, dict[str, float]] = {}
        for status in DISPATCHED:
            for key in queue.keys(status):
                job = queue.jobs[key]
                for unit, quantity in job.capacity or ():
                    total[unit] = total.get(unit, 0.0) + quantity
                    if job.share_identifier is not None:
                        share = by_share.setdefault(job.share_identifier, {})
                        share[unit] = share.get(unit, 0.0) + quantity
                    if job.quota_share_name is not None:
                        share = by_quota_share.setdefault(job.quota_share_name, {})
                        share[unit] = share.get(unit, 0.0) + quantity
        utilization: dict[str, Any] = {
            "totalCapacityUsage": _usage_list(total),
            "lastUpdatedAt": at,
        }
        if self.policy_kind(queue) == "FAIRSHARE":
            # Shares "currently utilizing capacity": those with a dispatched job.
            utilizing = {
                queue.jobs[key].share_identifier
                for status in DISPATCHED
                for key in queue.keys(status)
            }
            top = sorted(by_share.items(), key=lambda item: (-sum(item[1].values()), item[0]))
            utilization["fairshareUtilization"] = {
                "activeShareCount": len(utilizing - {None}),
                "topCapacityUtilization": [
                    {"shareIdentifier": share, "capacityUsage": _usage_list(usage)}
                    for share, usage in top[:SNAPSHOT_TOP_SHARES]
                ],
            }
        if quota_managed:
            top = sorted(by_quota_share.items(), key=lambda item: (-sum(item[1].values()), item[0]))
            utilization["quotaShareUtilization"] = {
                "topCapacityUtilization": [
                    {"quotaShareName": share, "capacityUsage": _usage_list(usage)}
                    for share, usage in top[:SNAPSHOT_TOP_SHARES]
                ],
            }

        def position(job: ServiceJob) -> dict[str, Any]:
            return {
                "jobArn": job.job_arn,
                "earliestTimeAtPosition": job.runnable_since or job.created_at,
            }

        snapshot: dict[str, Any] = {
            "frontOfQueue": {"jobs": [position(job) for job in front], "lastUpdatedAt": at},
            "queueUtilization": utilization,
        }
        if quota_managed:
            fronts = share_fronts(queue)
            snapshot["frontOfQuotaShares"] = {
                "quotaShares": {
                    share.name: [position(job) for job in fronts.get(share.name, [])[:1]]
                    for share in self.queue_shares(queue)
                },
                "lastUpdatedAt": at,
            }
        return snapshot

    # -- quota shares --------------------------------------------------------------------
    def queue_shares(self, queue: ServiceQueue) -> list[QuotaShare]:
        return [share for share in self.quota_shares.values() if share.queue_arn == queue.arn]

    def get_quota_share(self, arn: str | None) -> QuotaShare:
        if not arn:
            raise missing("quotaShareArn")
        share = self.quota_shares.get(arn)
        if share is None:
            raise ClientException(f"Quota share {cut(arn)} does not exist")
        return share

    def create_quota_share(
        self,
        name: str | None,
        job_queue: str | None,
        capacity_limits: list[Any] | None,
        resource_sharing: dict[str, Any] | None,
        preemption: dict[str, Any] | None,
        state: str | None,
        tags: dict[str, str] | None,
    ) -> QuotaShare:
        name = check.name("quotaShareName", name)
        if not job_queue:
            raise missing("jobQueue")
        members = (
            quota.capacity_limits(capacity_limits),
            quota.resource_sharing(resource_sharing),
            quota.preemption(preemption),
            check.state(state),
            check.tags(tags),
        )
        queue = self.get_queue(job_queue)
        arn = QuotaShare.arn_of(queue.arn, name)
        if self.policy_kind(queue) != "QUOTA":
            raise ClientException(
                f"Job queue {queue.name} has no quota-share scheduling policy; quota shares "
                "need a queue whose scheduling policy has a quotaSharePolicy"
            )
        if arn in self.quota_shares:
            raise ClientException(ALREADY_EXISTS)
        if len(self.queue_shares(queue)) >= quota.MAX_SHARES_PER_QUEUE:
            raise ClientException(
                f"Job queue {queue.name} already has {quota.MAX_SHARES_PER_QUEUE} quota shares"
            )
        share = QuotaShare(name, queue.arn, next(self._seq), *members)
        self.quota_shares[share.arn] = share
        return share

    def list_quota_shares(
        self, job_queue: str | None, max_results: int | None, next_token: str | None
    ) -> tuple[list[QuotaShare], str | None]:
        limit = self._page_size(max_results)
        if not job_queue:
            raise missing("jobQueue")
        queue = self.get_queue(job_queue)
        return _seq_page(
            self.queue_shares(queue),
            limit,
            next_token,
            _fingerprint(queue.arn),
            "another job queue",
        )

    def update_quota_share(
        self,
        arn: str | None,
        capacity_limits: list[Any] | None,
        resource_sharing: dict[str, Any] | None,
        preemption: dict[str, Any] | None,
        state: str | None,
    ) -> QuotaShare:
        share = self.get_quota_share(arn)
        changes: dict[str, Any] = {"state": check.state(state, default=share.state)}
        if capacity_limits is not None:
            changes["capacity_limits"] = quota.capacity_limits(capacity_limits)
        if resource_sharing is not None:
            changes["resource_sharing"] = quota.resource_sharing(resource_sharing)
        if preemption is not None:
            changes["preemption"] = quota.preemption(preemption)
        for attribute, value in changes.items():
            setattr(share, attribute, value)
        return share

    def delete_quota_share(self, arn: str | None) -> None:
        share = self.get_quota_share(arn)
        if share.state != "DISABLED":
            raise ClientException(
                f"Quota share {share.name} must be DISABLED before it can be deleted"
            )
        queue = self.find_queue(share.queue_arn)
        if queue is not None:
            at = now_ms()
            for job in list(queue.jobs.values()):
                if job.quota_share_name == share.name and not job.is_terminal:
                    job.is_terminated = True
                    self.move(job, ServiceJobStatus.FAILED.value, at, "Quota share deleted")
        del self.quota_shares[share.arn]

    def create_quota_policy(self, arn: str, policy: dict[str, Any] | None) -> None:
        """Remember that moto's scheduling policy ``arn`` is a quota-share policy."""
        self.quota_policies[arn] = quota_share_policy(policy)

    # -- tags ----------------------------------------------------------------------------
    def tagged_resource(self, arn: str) -> ServiceJob | ServiceEnvironment | ServiceQueue | None:
        """The service job, service environment or SAGEMAKER_TRAINING queue an ARN names.

        None when the ARN is not of those kinds (moto's own resources); ClientException
        when it is of those kinds but names nothing that exists.
        """
        prefix = self._arn_prefix
        kinds: tuple[tuple[str, dict[str, Any]], ...] = (
            ("service-job/", self.jobs),
            ("service-environment/", self.environments),
            ("job-queue/", self.queues),
        )
        if "/quota-share/" in arn:
            share = self.quota_shares.get(arn)
            if share is None:
                raise ClientException(f"Resource {cut(arn)} not found")
            return share  # type: ignore[return-value]
        for kind, store in kinds:
            if arn.startswith(prefix + kind):
                resource = store.get(arn[len(prefix + kind) :])
                if resource is None and kind != "job-queue/":
                    raise ClientException(f"Resource {cut(arn)} not found")
                return resource
        if ":service-job/" in arn or ":service-environment/" in arn:
            raise ClientException(f"Resource {cut(arn)} not found")
        return None

    @staticmethod
    def tag_resource(
        resource: ServiceJob | ServiceEnvironment | ServiceQueue, tags: dict[str, str] | None
    ) -> None:
        if not tags:
            raise missing("tags")
        merged = check.tags({**resource.tags, **check.tags(tags)})
        resource.tags = merged

    @staticmethod
    def untag_resource(
        resource: ServiceJob | ServiceEnvironment | ServiceQueue, tag_keys: list[str] | None
    ) -> None:
        if not tag_keys:
            raise missing("tagKeys")
        if len(tag_keys) > check.MAX_TAGS:
            raise invalid_value("tagKeys", f"{len(tag_keys)} keys", f"at most {check.MAX_TAGS}")
        resource.tags = {k: v for k, v in resource.tags.items() if k not in tag_keys}

    # -- status progression -------------------------------------------------------------
    def _tick(self, job: ServiceJob) -> None:
        """Count one look at an active job (manual progression moves after ``times`` looks)."""
        if job.progress is not None and job.job_id in self._active:
            job.progress.advance()
            self._ticked[job.job_id] = job

    def _settle(self) -> None:
        """Bring every job up to date before a request looks at jobs (see ``lifecycle``).

        A malformed ``batch::service_job`` transition refuses the request (before anything
        changes) with a ClientException that names it and says what is wrong.
        """
        transition = state_manager.get_transition(SERVICE_JOB_MODEL)
        problem = transition_problem(transition)
        if problem is not None:
            raise ClientException(
                f"The transition set for {SERVICE_JOB_MODEL} ({shown(transition)}) is invalid: "
                f"{problem}. Unset it, or set {VALID_TRANSITIONS}"
            )
        at = now_ms()
        if self._stopping:
            for job_id, reason in list(self._stopping.items()):
                self.move(self.jobs[job_id], ServiceJobStatus.FAILED.value, at, reason)
            self._stopping.clear()
        if not self._active:
            return
        progression = transition["progression"]
        if progression == "manual":
            candidates = list(self._ticked.values())
        elif progression == "time":
            candidates = self._due_by_time(transition["seconds"])
        else:
            candidates = list(self._active.values())
        due = []
        for job in candidates:
            progress = job.progress
            if progress is not None and not job.is_terminal and progress.status != job.status:
                due.append(job)
        self._lifecycle.settle(due, progression == "immediate", at)
        for job in due:
            if job.progress is not None:
                job.progress.status = job.status
        if progression == "manual":
            self._ticked = {k: j for k, j in self._ticked.items() if k in self._active}
        elif progression == "time":
            for job in candidates:
                if job.job_id in self._active:
                    self._watch_progress(job)

    def active_jobs(self) -> list[ServiceJob]:
        """Submitted jobs that have not finished (seeded jobs never move by themselves)."""
        return list(self._active.values())

    def _fairshare_policy(self, queue: ServiceQueue) -> dict[str, Any] | None:
        """moto's ``fairsharePolicy`` of the queue's scheduling policy; None unless fair-share."""
        if self.policy_kind(queue) != "FAIRSHARE":
            return None
        assert queue.scheduling_policy_arn is not None  # a fair-share queue has a policy
        policies = batch_backends[self.account_id][self.region_name].describe_scheduling_policies(
            [queue.scheduling_policy_arn]
        )
        return cast("dict[str, Any]", policies[0].fairshare_policy) if policies else {}

    def _share_decay_ms(self, queue: ServiceQueue) -> int:
        """``shareDecaySeconds`` of the queue's fair-share policy, in ms (0 if none)."""
        seconds = (self._fairshare_policy(queue) or {}).get("shareDecaySeconds")
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds <= 0:
            return 0
        return int(seconds * 1000)

    def share_weights(self, queue: ServiceQueue) -> Callable[[str], float] | None:
        """Fair-share weight of each share identifier; None unless the queue is fair-share."""
        policy = self._fairshare_policy(queue)
        if policy is None:
            return None
        distribution = cast("list[dict[str, Any]]", policy.get("shareDistribution") or [])

        def weight(share: str) -> float:
            for entry in distribution:
                wanted = entry.get("shareIdentifier", "")
                if share == wanted or (wanted.endswith("*") and share.startswith(wanted[:-1])):
                    return float(entry.get("weightFactor") or 1.0)
            return 1.0

        return weight

    def move(
        self,
        job: ServiceJob,
        status: str,
        at: int,
        reason: str | None = None,
        attempt_reason: str | None = None,
        preempted: bool = False,
    ) -> None:
        """Change a job's status, keeping the queue index and the active set in step."""
        old = job.status
        job.enter(status, at, reason, attempt_reason, preempted)
        job.queue.move_job(job, old)
        if status in TERMINAL:
            self._deactivate(job)
        elif status == ServiceJobStatus.STARTING.value or (
            status == ServiceJobStatus.RUNNING.value and old != ServiceJobStatus.STARTING.value
        ):
            self._arm_timeout(job)
        if job.progress is not None:
            job.progress.status = status

    def _deactivate(self, job: ServiceJob) -> None:
        """Forget a finished job in the settling bookkeeping (a pending termination too)."""
        for bookkeeping in (self._active, self._timed, self._ticked, self._stopping):
            bookkeeping.pop(job.job_id, None)

    # -- timers ---------------------------------------------------------------------------
    def _arm_timeout(self, job: ServiceJob) -> None:
        """Note when a timed job's running attempt times out (its attempt clock has started)."""
        deadline = self._deadline(job)
        if job.job_id in self._timed and deadline is not None:
            heapq.heappush(self._deadlines, (deadline, next(self._seq), job.job_id))
            if len(self._deadlines) > 2 * len(self._timed) + 64:  # drop finished jobs' entries
                self._deadlines = [e for e in self._deadlines if e[2] in self._timed]
                heapq.heapify(self._deadlines)

    @staticmethod
    def _deadline(job: ServiceJob) -> int | None:
        seconds = (job.timeout_config or {}).get("attemptDurationSeconds")
        if not seconds or job.attempt_clock is None:
            return None
        return int(job.attempt_clock + seconds * 1000)

    def timed_out(self, at: int) -> list[ServiceJob]:
        """The jobs whose running attempt reached its ``timeoutConfig`` by ``at``."""
        expired = []
        while self._deadlines and self._deadlines[0][0] <= at:
            deadline, _, job_id = heapq.heappop(self._deadlines)
            job = self._timed.get(job_id)
            if (
                job is not None
                and job.status in (ServiceJobStatus.STARTING.value, ServiceJobStatus.RUNNING.value)
                and self._deadline(job) == deadline
            ):
                expired.append(job)
        return expired

    def _watch_progress(self, job: ServiceJob) -> None:
        assert job.progress is not None
        entry = (progressed_at(job.progress), next(self._seq), job.job_id)
        heapq.heappush(self._progressed, entry)

    def _due_by_time(self, seconds: float) -> list[ServiceJob]:
        """Active jobs whose progress may be due to move under "time" progression.

        A job's progress moves once ``seconds`` have passed since it last moved. Each
        active job has a heap entry no later than its last move, so every job that is due
        (or moved unseen) is popped, and the jobs that are not due are not looked at.
        """
        horizon = state_now() - timedelta(seconds=seconds)
        due: dict[str, ServiceJob] = {}
        while self._progressed and self._progressed[0][0] <= horizon:
            job_id = heapq.heappop(self._progressed)[2]
            job = self._active.get(job_id)
            if job is not None and job.progress is not None:
                # Due, or its progress moved when something else read it (its entry is older
                # than its last move): either way it is looked at now, and filed again after.
                due[job_id] = job
        return list(due.values())

    # -- seeding (see moto_batch_service.seeding) -------------------------------------
    def ensure_queue(self, identifier: str) -> ServiceQueue:
        """The queue by name or ARN; a SAGEMAKER_TRAINING queue with its own environment if new."""
        queue = self.find_queue(identifier)
        if queue is not None:
            return queue
        name = identifier
        if identifier.startswith("arn:"):
            prefix = self._arn_prefix + "job-queue/"
            if not identifier.startswith(prefix):
                raise ClientException(
                    f"{cut(identifier)} is not a job queue ARN of account {self.account_id} "
                    f"in {self.region_name}"
                )
            name = identifier[len(prefix) :]
        if self._container_queue_exists(name):
            raise ClientException(f"Job queue {name} is not of type SAGEMAKER_TRAINING")
        env = self.environments.get(name) or self.create_service_environment(
            name,
            SAGEMAKER_TRAINING,
            "ENABLED",
            [{"capacityUnit": "NUM_INSTANCES", "maxCapacity": 1000}],
            None,
        )
        return self.create_job_queue(
            name,
            1,
            "ENABLED",
            [{"order": 1, "serviceEnvironment": env.arn}],
            None,
            None,
            None,
            None,
        )

    def seed_job(
        self, queue: ServiceQueue, job_name: str, created_at: int, payload: str, **fields: Any
    ) -> ServiceJob:
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
        restart = (
            old in DISPATCHED
            and status in DISPATCHED
            and _DISPATCH_ORDER.index(status) < _DISPATCH_ORDER.index(old)
        )
        if old in DISPATCHED and (restart or status not in DISPATCHED | TERMINAL):
            if job.attempt_started_at is not None:  # it ran: a counted attempt ends
                job.attempts.append(job._attempt_detail(at, reason))
            job.attempt_started_at = job.attempt_clock = None
        if old in TERMINAL and status not in TERMINAL:
            job.stopped_at = None
            job.is_terminated = False
        if status not in DISPATCHED | TERMINAL:  # waiting again: no termination under way
            self._stopping.pop(job.job_id, None)
            job.is_terminated = False
        if status in (ServiceJobStatus.SUBMITTED.value, ServiceJobStatus.PENDING.value):
            job.scheduled_at = job.started_at = job.training_job_arn = None
        if status in DISPATCHED and old not in DISPATCHED:
            job.environment = None  # placed afresh, as a dispatch places it (see ServiceQueue)
        if status in (
            ServiceJobStatus.STARTING.value,
            ServiceJobStatus.RUNNING.value,
            ServiceJobStatus.SUCCEEDED.value,
        ):
            if old not in DISPATCHED or restart:
                job.enter(ServiceJobStatus.SCHEDULED.value, at)
            if (
                status == ServiceJobStatus.SUCCEEDED.value
                and job.status != ServiceJobStatus.RUNNING.value
            ):
                job.enter(ServiceJobStatus.RUNNING.value, at)
        job.enter(status, at, reason)
        job.queue.move_job(job, old)
        if job.progress is not None:
            job.progress = self._new_progress(status)
            self._ticked.pop(job.job_id, None)
            if status in TERMINAL:
                self._deactivate(job)
            else:
                self._activate(job)
                self._arm_timeout(job)


service_job_backends: BackendDict[ServiceJobBackend] = BackendDict(ServiceJobBackend, "batch")
