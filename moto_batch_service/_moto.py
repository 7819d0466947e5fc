"""The one module that reaches into moto: private imports, routes, the default transition.

Private moto names the package uses are imported here and only here.
``register()`` is idempotent. It refuses to run against a moto whose batch
routes are not what this package was written for, rather than half-working.
"""

from __future__ import annotations

import threading

import moto
import moto.batch.urls as batch_urls
from moto.batch.responses import BatchResponse
from moto.moto_api import state_manager
from moto.moto_api._internal import mock_random
from moto.moto_api._internal.managed_state_model import ManagedState

__all__ = ["ManagedState", "mock_random", "register"]

SERVICE_JOB_MODEL = "batch::service_job"

DEFAULT_TRANSITION = {"progression": "manual", "times": 1}
_lock = threading.Lock()
_registered = False


class IncompatibleMotoError(RuntimeError):
    """moto's batch service is not laid out the way this package expects."""


def register() -> None:
    """Add the service-job routes to moto's batch service (once)."""
    global _registered
    with _lock:
        if _registered:
            return
        from .routes import QUEUE_ROUTES, ROUTES

        paths = batch_urls.url_paths
        for pattern, handler in QUEUE_ROUTES.items():
            current = paths.get(pattern)
            if current != BatchResponse.dispatch and current != handler:
                raise IncompatibleMotoError(
                    f"moto {moto.__version__}: expected batch route {pattern!r} to be "
                    f"BatchResponse.dispatch, found {current!r}"
                )
        for pattern, handler in ROUTES.items():
            current = paths.get(pattern)
            if current is not None and current != handler:
                raise IncompatibleMotoError(
                    f"moto {moto.__version__} already serves {pattern!r} with {current!r}"
                )
        paths.update(QUEUE_ROUTES)
        paths.update(ROUTES)
        state_manager.register_default_transition(SERVICE_JOB_MODEL, transition=DEFAULT_TRANSITION)
        _registered = True
