"""pytest plugin (entry point ``pytest11``): offers fixtures; costs a pytest run nothing.

Loading the plugin imports nothing of moto: the package comes into being when a test first
uses Batch or one of these fixtures.

Fixtures:

- ``service_job_backend``: starts ``mock_aws`` for the test and gives the
  ``ServiceJobBackend`` of the account and region moto answers for by default
  (``MOTO_ACCOUNT_ID`` or 123456789012; ``AWS_DEFAULT_REGION`` or us-east-1).
- ``batch_client``: a boto3 Batch client inside that ``mock_aws``, in that region.
- ``seed_service_job``: ``add_service_job`` (see ``moto_batch_service.backend.seeding``).
- ``service_job_transition``: call it with a transition (``{"progression": "immediate"}``)
  to steer ``batch::service_job`` for this test only; the transition in force before comes
  back afterwards.
- ``moto_batch_server_url``: a moto server with service jobs, one per test session (per xdist
  worker), on a free loopback port; gives its endpoint URL. ``moto_batch_endpoint`` gives
  the same URL after resetting the server's state, for a clean slate per test; transitions
  the test sets (over HTTP too) are undone afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Callable

import pytest

import moto_batch_service

if TYPE_CHECKING:
    from . import ServiceJobBackend


@pytest.fixture
def service_job_backend(request: pytest.FixtureRequest) -> Iterator[ServiceJobBackend]:
    """An active ``mock_aws`` and the service-job backend of the default account/region
    (``MOTO_ACCOUNT_ID`` or moto's 123456789012; ``AWS_DEFAULT_REGION`` or us-east-1)."""
    from moto import mock_aws

    from .backend.seeding import backend_of

    if "moto_batch_endpoint" in request.fixturenames:
        # Its reset would orphan the backend given here: let it reset first.
        request.getfixturevalue("moto_batch_endpoint")
    with mock_aws():
        yield backend_of()


@pytest.fixture
def batch_client(service_job_backend: ServiceJobBackend) -> Any:
    """A boto3 Batch client inside the test's ``mock_aws``, in ``service_job_backend``'s
    region: what it submits, that backend holds."""
    import boto3

    return boto3.client("batch", region_name=service_job_backend.region_name)


@pytest.fixture
def seed_service_job() -> Callable[..., Any]:
    """``add_service_job``: store a fake service job (use inside an active mock)."""
    return moto_batch_service.add_service_job


def _transitions() -> dict[str, dict[str, Any]]:
    """The transition in force for every model moto's state manager knows (copies)."""
    import copy

    from moto.moto_api import state_manager

    return {
        model: copy.deepcopy(state_manager.get_transition(model))
        for model in state_manager.get_registered_models()
    }


def _restore_transitions(before: dict[str, dict[str, Any]]) -> None:
    """Put back the transitions of ``_transitions()`` that have changed since."""
    from moto.moto_api import state_manager

    for model, transition in before.items():
        if state_manager.get_transition(model) == transition:
            continue
        state_manager.unset_transition(model)  # the default, if that is what was in force
        if state_manager.get_transition(model) != transition:
            state_manager.set_transition(model, transition)


@pytest.fixture
def service_job_transition() -> Iterator[Callable[[dict[str, Any]], None]]:
    """Set the ``batch::service_job`` transition for this test; the one in force before
    comes back afterwards."""
    from moto.moto_api import state_manager

    from ._moto.common import SERVICE_JOB_MODEL

    moto_batch_service.register()

    def set_transition(transition: dict[str, Any]) -> None:
        state_manager.set_transition(SERVICE_JOB_MODEL, transition)

    before = _transitions()
    yield set_transition
    _restore_transitions(before)


@pytest.fixture(scope="session")
def moto_batch_server_url() -> Iterator[str]:
    """A moto server with service jobs on a free loopback port; its endpoint URL."""
    from moto.server import ThreadedMotoServer

    from ._moto.common import server_address

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server_address(server)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def moto_batch_endpoint(moto_batch_server_url: str) -> Iterator[str]:
    """The session's server endpoint, its state reset (all services) for this test.

    The server runs in this process: transitions a test sets on it over HTTP
    (``/moto-api/state-manager/set-transition``) are undone afterwards, like the others.
    """
    import urllib.request

    reset = urllib.request.Request(f"{moto_batch_server_url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(reset, timeout=30):  # raises on an answer other than 2xx
        pass
    before = _transitions()
    yield moto_batch_server_url
    _restore_transitions(before)
