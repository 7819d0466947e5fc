"""moto's and botocore's private names the package uses, and their shims across versions.

The bottom layer next to ``statuses``: imported by anyone, imports nothing of the package's
own logic. Importing it loads nothing of moto that ``import moto`` does not load (moto's
batch service is only imported by moto itself, see ``_activation``); it registers the
default ``batch::service_job`` transition, before any service job can exist.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

import botocore
import botocore.session
from moto.moto_api import recorder, state_manager
from moto.moto_api._internal import managed_state_model, mock_random
from moto.moto_api._internal.managed_state_model import ManagedState

from .statuses import SERVICE_JOB_MODEL

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
    "check_botocore",
    "mock_random",
    "moto_backend_lock",
    "partition_of",
    "progressed_at",
    "recorder",
    "server_address",
    "service_whitelisted",
    "state_now",
]


def progressed_at(state: ManagedState) -> datetime:
    """When a ManagedState last moved (its "time" progression counts from there)."""
    moved: datetime = state._time_progressed
    return moved


def state_now() -> datetime:
    """Now, by the clock moto's ManagedState reads (a test may have replaced it)."""
    now: datetime = vars(managed_state_model)["datetime"].now()
    return now


class ServiceJobProgress(ManagedState):
    """moto's ManagedState, except that "time" progression steps once ``seconds`` *have*
    passed: moto's steps only after more than ``seconds`` (a clock ticked by exactly
    ``seconds`` would move it every other tick)."""

    @property
    def status(self) -> str | None:
        config = state_manager.get_transition(self.model_name)
        if config["progression"] != "time":
            return super().status
        now = state_now()
        if now >= self._time_progressed + timedelta(seconds=config["seconds"]):
            self._status = self._get_next_status(previous=self._status)
            self._time_progressed = now
        return self._status

    @status.setter
    def status(self, value: str) -> None:
        self._status = value


MIN_BOTOCORE = "1.39.16"


def check_botocore(model: Any = None) -> None:
    """Raise ImportError unless botocore's batch model (default: the installed one) has the
    service-job operations. Checked by the model, not by the version string."""
    if model is None:
        model = botocore.session.get_session().get_service_model("batch")
    if "ListServiceJobs" not in model.operation_names:
        raise ImportError(
            f"moto-batch-service needs botocore >= {MIN_BOTOCORE}: the AWS Batch model of the "
            f"installed botocore {botocore.__version__} has no service-job operations "
            "(ListServiceJobs, SubmitServiceJob, ...). "
            f"Upgrade with: pip install 'boto3>={MIN_BOTOCORE}' 'botocore>={MIN_BOTOCORE}'"
        )


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
