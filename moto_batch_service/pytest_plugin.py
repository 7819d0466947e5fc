"""pytest plugin (entry point ``pytest11``): registers the package and offers fixtures.

Fixtures:

- ``service_jobs``: starts ``mock_aws`` for the test and gives the ``ServiceJobBackend``
  of moto's default account in us-east-1.
- ``seed_service_job``: ``add_service_job`` (see ``moto_batch_service.seeding``).
- ``service_job_transition``: call it with a transition (``{"progression": "immediate"}``)
  to steer ``batch::service_job`` for this test only; the default comes back afterwards.
- ``moto_batch_server``: a moto server with service jobs, one per test session (per xdist
  worker), on a free loopback port; gives its endpoint URL. ``moto_batch_endpoint`` gives
  the same URL after resetting the server's state, for a clean slate per test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Callable

import pytest
from moto.core.models import DEFAULT_ACCOUNT_ID

import moto_batch_service
from moto_batch_service import ServiceJobBackend, add_service_job, service_job_backends
from moto_batch_service._moto import SERVICE_JOB_MODEL, server_address

moto_batch_service.register()


@pytest.fixture
def service_jobs() -> Iterator[ServiceJobBackend]:
    """An active ``mock_aws`` and the service-job backend of the default account/region."""
    from moto import mock_aws

    with mock_aws():
        yield service_job_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]


@pytest.fixture
def seed_service_job() -> Callable[..., Any]:
    """``add_service_job``: store a fake service job (use inside an active mock)."""
    return add_service_job


@pytest.fixture
def service_job_transition() -> Iterator[Callable[[dict[str, Any]], None]]:
    """Set the ``batch::service_job`` transition for this test; it is unset afterwards."""
    from moto.moto_api import state_manager

    def set_transition(transition: dict[str, Any]) -> None:
        state_manager.set_transition(SERVICE_JOB_MODEL, transition)

    yield set_transition
    state_manager.unset_transition(SERVICE_JOB_MODEL)


@pytest.fixture(scope="session")
def moto_batch_server() -> Iterator[str]:
    """A moto server with service jobs on a free loopback port; its endpoint URL."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server_address(server)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def moto_batch_endpoint(moto_batch_server: str) -> str:
    """The session's server endpoint, its state reset (all services) for this test."""
    import requests

    requests.post(f"{moto_batch_server}/moto-api/reset", timeout=30).raise_for_status()
    return moto_batch_server
