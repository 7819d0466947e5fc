"""The one module that changes moto: routes and the default state transition.

``register()`` is idempotent. It refuses to run against a moto whose batch
routes are not what this package was written for, rather than half-working.
"""

from __future__ import annotations

import threading

import moto
import moto.batch.urls as batch_urls
from moto.batch.responses import BatchResponse
from moto.moto_api import state_manager

from .models import SERVICE_JOB_MODEL
from .routes import QUEUE_ROUTES, ROUTES

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
