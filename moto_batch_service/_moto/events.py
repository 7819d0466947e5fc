"""moto's EventBridge, as far as service-job events read it: the backend of an account and
region whose default bus has a rule, found without creating a backend or importing a module.

Everything else the events use is moto's public ``EventsBackend.put_events``.
"""

from __future__ import annotations

import sys
from typing import Any

EVENTS_MODELS = "moto.events.models"


def default_bus_backend(account: str, region: str) -> Any:
    """moto's EventBridge backend of an account and region if it exists and its default bus
    has a rule; None otherwise. Creates nothing and imports nothing: when no test used
    EventBridge in this process, moto's events module is not even loaded."""
    module = sys.modules.get(EVENTS_MODELS)
    if module is None:
        return None
    backends = getattr(module, "events_backends", None)
    # dict.get: moto's BackendDict creates a backend on item access; reading must not.
    regions = None if backends is None else dict.get(backends, account)
    backend = None if regions is None else dict.get(regions, region)
    if backend is None:
        return None
    bus = backend.event_buses.get("default")
    return backend if bus is not None and bus.rules else None
