"""The seam's common part: moto's and botocore's private names that the package uses on every
moto generation, and their shims across versions (``_moto_newest`` and ``_moto_legacy`` hold
what only one generation needs; docs/architecture.md lists every name, and
tests/test_seam.py holds each to its contract).

The bottom layer next to ``statuses``: imported by anyone, imports nothing of the package's
own logic. Importing it loads nothing of moto that ``import moto`` does not load (moto's
batch service is only imported by moto itself, see ``_activation``); it registers the
default ``batch::service_job`` transition, before any service job can exist.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
from datetime import datetime, timedelta
from typing import Any, NamedTuple

import botocore
import botocore.loaders
from moto.moto_api import recorder, state_manager
from moto.moto_api._internal import managed_state_model, mock_random
from moto.moto_api._internal.managed_state_model import ManagedState

from ..rules.statuses import SERVICE_JOB_MODEL
from .activation import refusal

try:
    from moto.core.config import service_whitelisted
except ImportError:  # moto < 5.1: no service whitelist, every service is mocked

    def service_whitelisted(service: str) -> bool:
        """Every service is mocked (moto before ``core.service_whitelist``)."""
        return True


try:  # held by moto while a reset (mock_aws, /moto-api/reset) wipes every backend
    from moto.core.base_backend import backend_lock as moto_backend_lock
except ImportError:  # a moto without it: requests at least never overlap each other
    moto_backend_lock = threading.RLock()

try:
    from moto.utilities.utils import get_partition as partition_of
except ImportError:  # moto < 5.0.8: no partitions yet (backends have no ``partition``)
    _PARTITIONS = {"cn-": "aws-cn", "us-gov-": "aws-us-gov", "us-isob-": "aws-iso-b"}

    def partition_of(region: str) -> str:
        """The ARN partition of ``region``, as moto >= 5.0.8 computes it."""
        for prefix, partition in _PARTITIONS.items():
            if region.startswith(prefix):
                return partition
        return "aws-iso" if region.startswith("us-iso-") else "aws"


__all__ = [
    "SERVICE_JOB_MODEL",
    "ManagedState",
    "ServiceJobProgress",
    "drop_server_apps",
    "has_service_job_model",
    "held_status",
    "leave_batch_bodies_to_handlers",
    "mock_random",
    "moto_backend_lock",
    "partition_of",
    "progressed_at",
    "recorder",
    "server_address",
    "service_whitelisted",
    "set_progress",
    "state_now",
]


def progressed_at(state: ManagedState) -> datetime:
    """When a ManagedState last moved (its "time" progression counts from there)."""
    moved: datetime = state._time_progressed
    return moved


def held_status(state: ManagedState) -> str | None:
    """The status a ManagedState holds, without letting it move (reading ``status`` may)."""
    status: str | None = state._status
    return status


def set_progress(state: ManagedState, status: str, at: datetime) -> None:
    """Make a ManagedState hold ``status``, as moved at ``at`` ("time" counts from there)."""
    state._status = status
    state._time_progressed = at


def state_now() -> datetime:
    """Now, by the clock moto's ManagedState reads (a test may have replaced it)."""
    now: datetime = vars(managed_state_model)["datetime"].now()
    return now


class ServiceJobProgress(ManagedState):
    """moto's ManagedState, except that "time" progression steps once ``seconds`` *have*
    passed (moto's steps only after more than ``seconds``: a clock ticked by exactly
    ``seconds`` would move it every other tick), and counts the next step from when this one
    was due, not from when it was read (time passes whether or not a job is read)."""

    @property
    def status(self) -> str | None:
        config = state_manager.get_transition(self.model_name)
        if config["progression"] != "time":
            return super().status
        due = self._time_progressed + timedelta(seconds=config["seconds"])
        if state_now() >= due:  # one step, as of when it was due
            self._status = self._get_next_status(previous=self._status)
            self._time_progressed = due
        return self._status

    @status.setter
    def status(self, value: str) -> None:
        self._status = value


MIN_BOTOCORE = "1.39.16"
"""The first botocore whose batch model has the service-job operations."""


def has_service_job_model(operations: Any = None) -> bool:
    """Whether botocore's batch model (default: the installed one's operation names) has the
    service-job operations. Checked by the model, not by the version string; read with
    botocore's loader alone (a botocore session would cost ten times as much)."""
    if operations is None:
        operations = botocore.loaders.create_loader().load_service_model("batch", "service-2")[
            "operations"
        ]
    return "ListServiceJobs" in operations


DEFAULT_TRANSITION = {"progression": "manual", "times": 1}

# Before any service job's ManagedState exists (the models import this module).
state_manager.register_default_transition(SERVICE_JOB_MODEL, transition=DEFAULT_TRANSITION)


def server_address(server: Any) -> tuple[str, int]:
    """(host, port) of a started ``ThreadedMotoServer`` (moto >= 5.0.13: ``get_host_and_port``)."""
    if hasattr(server, "get_host_and_port"):
        host, port = server.get_host_and_port()
    else:
        host, port = server._server.server_address
    return str(host), int(port)


log = logging.getLogger("moto_batch_service")


def drop_server_apps(service: str) -> None:
    """Make moto servers that already built their app of ``service`` rebuild it.

    moto's server builds one Flask app per service on its first request and keeps it
    (``DomainDispatcherApplication.app_instances``, under its ``lock``); a server that served
    batch before the package extended moto would answer without the service-job operations.
    Dropping its cached app makes the next request build it anew.
    """
    module = sys.modules.get("moto.moto_server.werkzeug_app")
    if module is None:  # no server has been created in this process
        return
    dispatcher = module.DomainDispatcherApplication
    for app in gc.get_referrers(dispatcher):
        if not isinstance(app, dispatcher):
            continue
        with app.lock:
            stale = app.app_instances.pop(service, None) is not None
        if stale and service == "batch":
            log.warning(
                "moto_batch_service was imported after a running moto server had served batch "
                "requests; its batch routes have been rebuilt to serve service jobs. Import "
                "moto_batch_service before starting the server to avoid this."
            )


def leave_batch_bodies_to_handlers(werkzeug_app: Any) -> None:
    """Keep moto's server from inflating gzip bodies sent to batch.

    Some moto servers (5.1.22 and 5.2.1 among them) inflate every gzip body in a
    ``before_request`` hook, with no cap and a 500 for a body that is not gzip. For the batch
    app the package's handlers inflate it with a cap, and moto's own batch handlers through
    ``setup_class`` as on a moto without the hook. A moto without the hook is left alone, and
    so is every request while the package stands aside.
    """
    original = getattr(werkzeug_app, "decompress_request_body", None)
    if original is None or getattr(original, "leaves_batch_alone", False):
        return

    def decompress_request_body() -> Any:
        from flask import current_app

        if getattr(current_app, "service", None) == "batch" and refusal() is None:
            return None
        return original()

    decompress_request_body.leaves_batch_alone = True  # type: ignore[attr-defined]
    werkzeug_app.decompress_request_body = decompress_request_body


class PrivateName(NamedTuple):
    """One private name of moto's that the seam uses: where it lives, what for, and on which
    generation (``"every"``, ``"newest"`` for moto >= 5.2.6, ``"legacy"`` for 5.0.0-5.2.5)."""

    module: str
    attribute: str  # a dotted path below the module; ``Class().name`` for an instance's
    used_for: str
    seam: str  # the seam module that uses it
    generation: str = "every"

    @property
    def name(self) -> str:
        """The full dotted name, as docs/architecture.md lists it."""
        return f"{self.module}.{self.attribute}"


_BASE = "moto.core.responses"
_STATE = "moto.moto_api._internal.managed_state_model"
_CLOUDWATCH = "moto.cloudwatch.models"
PRIVATE_NAMES = (
    PrivateName(_STATE, "ManagedState", "service jobs' status progression", "common"),
    PrivateName(_STATE, "ManagedState()._status", "the status a job's progress holds", "common"),
    PrivateName(
        _STATE,
        "ManagedState()._time_progressed",
        '"time" progression counted from the last move',
        "common",
    ),
    PrivateName(
        _STATE, "ManagedState._get_next_status", "the next status of a progression", "common"
    ),
    PrivateName(_STATE, "datetime", "the clock ManagedState reads (tests replace it)", "common"),
    PrivateName(
        "moto.moto_api._internal", "mock_random", "IDs reproducible under /moto-api/seed", "common"
    ),
    PrivateName(
        "moto.moto_server.werkzeug_app",
        "DomainDispatcherApplication().app_instances",
        "a running server rebuilds its batch app once the package extends moto",
        "common",
    ),
    PrivateName(
        "moto.moto_server.werkzeug_app",
        "DomainDispatcherApplication().lock",
        "the lock around that app cache",
        "common",
    ),
    PrivateName(
        _BASE,
        "BaseResponse._authenticate_and_authorize_normal_action",
        "the IAM check of the package's requests, by AWS's action names",
        "iam",
    ),
    PrivateName(
        _BASE,
        "BaseResponse._authenticate_and_authorize_action",
        "moto's IAM check with the package's IAMRequest",
        "iam",
    ),
    PrivateName(
        "moto.iam.access_control",
        "IAMRequest._raise_access_denied",
        "AccessDeniedException in AWS's JSON",
        "iam",
    ),
    PrivateName(
        "moto.iam.access_control",
        "IAMRequest._raise_signature_does_not_match",
        "InvalidSignatureException in AWS's JSON",
        "iam",
    ),
    PrivateName(
        "moto.iam.access_control",
        "IAMRequest._raise_invalid_access_key",
        "UnrecognizedClientException in AWS's JSON",
        "iam",
    ),
    PrivateName(
        _BASE,
        "BaseResponse._get_action",
        "the operation of a request botocore's model does not match, named from its path",
        "newest",
        "newest",
    ),
    PrivateName(
        _BASE,
        "BaseResponse._get_action_from_request",
        "moto names the operation from botocore's model",
        "newest",
        "newest",
    ),
    PrivateName(
        _BASE,
        "BaseResponse._transform_response",
        "an error answered as moto's call_action answers it",
        "legacy",
        "legacy",
    ),
    PrivateName(
        _BASE,
        "BaseResponse._enrich_response",
        "the request id of that answer",
        "legacy",
        "legacy",
    ),
    PrivateName(
        "moto.core.models",
        "botocore_stubber.process_request",
        "DirectRoutes in front of moto's in-process dispatch",
        "direct",
    ),
    PrivateName(
        "moto.backend_index",
        "backend_url_patterns",
        "the route moto itself picks for a service-job path",
        "legacy",
        "legacy",
    ),
    PrivateName(
        "moto.events.models",
        "events_backends",
        "the EventBridge backends service-job events look up without creating one",
        "events",
    ),
    PrivateName(
        "moto.events.models",
        "EventsBackend().event_buses",
        "the default bus of an account and region",
        "events",
    ),
    PrivateName(
        "moto.events.models",
        "EventBus().rules",
        "whether anyone listens on that bus",
        "events",
    ),
    PrivateName(
        "moto.logs.models",
        "LogsBackend().groups",
        "the log group training-job logs write to",
        "logs",
    ),
    PrivateName(
        "moto.logs.models",
        "LogGroup.put_log_events",
        "training-job log lines stored at the package clock's times",
        "logs",
    ),
    PrivateName(
        "moto.moto_api",
        "recorder._user_enabled",
        "DirectRoutes leave recorded requests to moto",
        "direct",
    ),
    PrivateName(
        "moto.core.common_models",
        "CloudWatchMetricProvider",
        "the AWS/Batch metrics of service jobs, as metrics AWS publishes by itself",
        "metrics",
    ),
    PrivateName(
        "moto.core.common_models",
        "CloudWatchMetricProvider.get_cloudwatch_metrics",
        "what the provider answers: the account's data (and the region's, after moto 5.0)",
        "metrics",
    ),
    PrivateName(
        _CLOUDWATCH,
        "CloudWatchBackend().aws_metric_data",
        "moto's CloudWatch asks every provider when a request reads metric data",
        "metrics",
    ),
    PrivateName(
        _CLOUDWATCH,
        "MetricAggregatedDatum",
        "one statistic set (metric, queue, minute) as moto's CloudWatch reads it",
        "metrics",
    ),
    PrivateName(
        _CLOUDWATCH,
        "MetricDatum",
        "its default timestamp says whether moto dates metric data in naive or aware UTC",
        "metrics",
    ),
)
"""Every private name of moto's the package uses (tests/test_seam.py holds each to it)."""
