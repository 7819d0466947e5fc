"""AWS Batch service jobs for moto.

Importing this package costs next to nothing and imports nothing of moto: the service-job
operations come into being when moto loads its batch service (the first Batch request under
``mock_aws`` or on a moto server), or at the first use of a name below (a helper, a
backend, a model class), whichever comes first. ``register()`` does it at once.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ._moto.activation import MotoBatchServiceWarning, activate, install
from .exceptions import (
    ClientException,
    IncompatibleMotoError,
    ServiceJobError,
    ServiceJobHelperError,
)

if TYPE_CHECKING:
    from .backend import ServiceJobBackend, service_job_backends
    from .backend.seeding import (
        add_service_job,
        get_service_job,
        plan_service_job_attempts,
        set_service_job_status,
    )
    from .rules.outcomes import Outcome, capacity_shortage, fail_attempt, succeed, time_out
    from .rules.statuses import ServiceJobStatus
    from .state.models import ServiceEnvironment, ServiceJob, ServiceQueue
    from .state.views import ServiceJobView

__version__ = "0.1.0"

# name -> the module that defines it, imported (and the package activated) at first use
_LAZY = {
    "ServiceJobBackend": "backend",
    "service_job_backends": "backend",
    "Outcome": "rules.outcomes",
    "capacity_shortage": "rules.outcomes",
    "fail_attempt": "rules.outcomes",
    "succeed": "rules.outcomes",
    "time_out": "rules.outcomes",
    "ServiceEnvironment": "state.models",
    "ServiceJob": "state.models",
    "ServiceJobStatus": "rules.statuses",
    "ServiceQueue": "state.models",
    "ServiceJobView": "state.views",
    "add_service_job": "backend.seeding",
    "get_service_job": "backend.seeding",
    "plan_service_job_attempts": "backend.seeding",
    "set_service_job_status": "backend.seeding",
}

__all__ = [
    "ClientException",
    "IncompatibleMotoError",
    "MotoBatchServiceWarning",
    "Outcome",
    "ServiceEnvironment",
    "ServiceJob",
    "ServiceJobBackend",
    "ServiceJobError",
    "ServiceJobHelperError",
    "ServiceJobStatus",
    "ServiceJobView",
    "ServiceQueue",
    "__version__",
    "add_service_job",
    "capacity_shortage",
    "fail_attempt",
    "get_service_job",
    "plan_service_job_attempts",
    "register",
    "service_job_backends",
    "set_service_job_status",
    "succeed",
    "time_out",
]


def register() -> None:
    """Install the service-job API into moto now (idempotent). Never needed: it happens by
    itself when moto loads its batch service or a name of this package is first used."""
    activate()


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    activate()
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


def _extend(name: str, module: ModuleType, *, refresh_servers: bool) -> None:
    """Extend one of moto's watched modules (``_activation`` calls it as moto loads one)."""
    from ._moto.install import extend

    extend(name, module, refresh_servers=refresh_servers)


install(_extend)
