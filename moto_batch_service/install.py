"""The one module that changes moto: it wires the package into moto's modules as moto loads
them (see ``_activation``, which calls ``extend``).

- ``moto.batch.urls``: the service-job routes and the queue and tag route wrappers
  (``routes``), checked against moto's own first, and ``DirectRoutes`` in front of moto's
  botocore stubber. It refuses a moto whose batch routes are not what this package was
  written for (``IncompatibleMotoError``), rather than half-working.
- ``moto.moto_api._internal.urls``: the steering route (``steering``).
- ``moto.sagemaker.responses``: ``StopTrainingJob`` (``stop_training``).
- ``moto.moto_server.werkzeug_app``: its batch apps leave gzip bodies to the handlers.

The top layer: it imports the handlers (when moto loads its batch service: they load moto's
batch models); nothing of the package imports it but ``__init__``.
"""

from __future__ import annotations

import gc
import logging
import re
import sys
from types import ModuleType
from typing import Any, Callable

import moto
import moto.backend_index as backend_index
from botocore.awsrequest import AWSPreparedRequest
from moto import settings
from moto.core.config import passthrough_service, passthrough_url
from moto.core.models import botocore_stubber
from werkzeug.exceptions import HTTPException

from ._activation import (
    BATCH_URLS,
    MOTO_API_URLS,
    SAGEMAKER_RESPONSES,
    SERVER_APP,
    IncompatibleMotoError,
    activate,
)
from ._moto import check_botocore, recorder, service_whitelisted
from .operations import OPERATIONS
from .stop_training import stop_training_job

STEERING_PATH = "/moto-api/static/batch/service-job-attempts"
log = logging.getLogger("moto_batch_service")


def extend(name: str, module: ModuleType, *, refresh_servers: bool) -> None:
    """Extend moto's module ``name``, which moto has just executed (or had loaded before the
    package was imported: then ``refresh_servers``, running servers rebuild their apps)."""
    if name == BATCH_URLS:
        install_batch(module, refresh_servers=refresh_servers)
    elif name == MOTO_API_URLS:
        install_moto_api(module, refresh_servers=refresh_servers)
    elif name == SAGEMAKER_RESPONSES:
        install_stop(module)
    elif name == SERVER_APP:
        install_server(module)


def install_stop(responses: Any) -> None:
    """Serve StopTrainingJob in moto's freshly loaded ``moto.sagemaker.responses`` (moto has
    none; a moto that has one keeps its own)."""
    cls = responses.SageMakerResponse
    if not hasattr(cls, "stop_training_job"):
        cls.stop_training_job = stop_training_job


def install_batch(batch_urls: Any, *, refresh_servers: bool) -> None:
    """Extend moto's freshly loaded batch route table (``moto.batch.urls``): the service-job
    routes, the queue and tag route wrappers, the direct routes.

    ``refresh_servers``: a moto server may have built its batch app before (the package was
    imported after the batch service was loaded); make it rebuild it.
    """
    check_botocore()
    from moto.batch.responses import BatchResponse

    from .routes import QUEUE_ROUTES, ROUTES  # the handlers load moto's batch models

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
    install_direct_routes()
    if refresh_servers:
        _refresh_running_servers("batch")


def install_moto_api(moto_api_urls: Any, *, refresh_servers: bool) -> None:
    """Add the steering route to moto's freshly loaded ``/moto-api/`` route table."""
    moto_api_urls.url_paths.setdefault("{0}" + STEERING_PATH + "$", steer)
    if refresh_servers:
        _refresh_running_servers("moto_api")


def install_server(werkzeug_app: Any) -> None:
    """Keep moto's server from inflating gzip bodies sent to batch.

    Some moto servers (5.1.22 and 5.2.1 among them) inflate every gzip body in a
    ``before_request`` hook, with no cap and a 500 for a body that is not gzip. For the batch
    app the package's handlers inflate it with a cap, and moto's own batch handlers through
    ``setup_class`` as on a moto without the hook. A moto without the hook is left alone.
    """
    original = getattr(werkzeug_app, "decompress_request_body", None)
    if original is None or getattr(original, "leaves_batch_alone", False):
        return

    def decompress_request_body() -> Any:
        from flask import current_app

        if getattr(current_app, "service", None) == "batch":
            return None
        return original()

    decompress_request_body.leaves_batch_alone = True  # type: ignore[attr-defined]
    werkzeug_app.decompress_request_body = decompress_request_body


def steer(request: Any, full_url: str, headers: Any) -> Any:
    """The steering route's handler: loads the package's backend at its first use."""
    activate()
    from .steering import plan_attempts

    return plan_attempts(request, full_url, headers)


def _refresh_running_servers(service: str) -> None:
    """Make moto servers that already built their app of ``service`` rebuild it with our routes.

    moto's server builds one Flask app per service on its first request and keeps it; a
    server that served batch before this package was imported would answer 404 to every
    service-job operation. Dropping its cached app makes the next request build it anew.
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


# A botocore request to a service-job operation: ``https://batch.<region>.amazonaws.com/v1/<op>``.
_DIRECT_URL = re.compile(r"https://batch\.[a-z0-9-]+\.amazonaws\.com(/v1/[a-z]+)\Z")
_Handler = Callable[[Any, str, Any], Any]


def _moto_route(url: str) -> _Handler | None:
    """The handler moto's own ``process_request`` picks for ``url`` (first match wins)."""
    batch_urls = sys.modules[BATCH_URLS]
    for service, pattern in backend_index.backend_url_patterns:
        if pattern.match(url):
            if service != "batch":
                return None
            paths: dict[str, _Handler] = batch_urls.url_paths
            for base in batch_urls.url_bases:
                for path, handler in paths.items():
                    if re.match(path.format(base), url):
                        return handler
            return None
    return None


class DirectRoutes:
    """Answer plain botocore requests for the service-job operations without moto's dispatch.

    moto's ``BotocoreStubber.process_request`` matches every request against the URL
    patterns of all its services, then against every batch route (and, from moto 5.2.5,
    rebuilds it as a werkzeug request) on every call. A request to one of ``paths``
    (checked at install time to be routed by moto itself to ``ServiceJobResponse``) that
    is plain (see ``_plain``) and not passed through or refused by moto's settings is
    answered by ``answer`` directly. Everything else (other services and paths, custom
    endpoints, ``requests`` callers, unsigned requests, IAM checks, recording) goes to
    moto's own ``process_request`` unchanged.
    """

    def __init__(
        self,
        original: Callable[[Any], Any],
        paths: frozenset[str],
        answer: Callable[[Any, str], Any],
    ) -> None:
        self.original = original
        self.paths = paths
        self.answer = answer

    def __call__(self, request: Any) -> Any:
        url = request.url
        match = _DIRECT_URL.match(url)
        if (
            match is None
            or match.group(1) not in self.paths
            or not isinstance(request, AWSPreparedRequest)
            or not self._plain(request.headers)
            or passthrough_url(url)
            or passthrough_service("batch")
            or not service_whitelisted("batch")
        ):
            return self.original(request)
        headers = request.headers
        for header, value in headers.items():
            if isinstance(value, bytes):
                headers[header] = value.decode("utf-8")
        try:
            return self.answer(request, url)
        except HTTPException as error:
            return error.code, error.get_headers(), error.get_body()

    @staticmethod
    def _plain(headers: Any) -> bool:
        """Signed, uncompressed, IAM not enforced and the recorder off: ``answer`` applies."""
        return (
            "Authorization" in headers
            and "Content-Encoding" not in headers
            and settings.INITIAL_NO_AUTH_ACTION_COUNT == float("inf")
            and not getattr(recorder, "_user_enabled", True)
        )


def install_direct_routes() -> None:
    """Put a ``DirectRoutes`` in front of moto's botocore stubber (once)."""
    if isinstance(botocore_stubber.__dict__.get("process_request"), DirectRoutes):
        return
    from .responses import ServiceJobResponse

    paths = frozenset(
        f"/v1/{operation}"
        for operation in OPERATIONS
        if _moto_route(f"https://batch.us-east-1.amazonaws.com/v1/{operation}")
        == ServiceJobResponse.dispatch
    )
    botocore_stubber.process_request = DirectRoutes(  # type: ignore[method-assign]
        botocore_stubber.process_request, paths, ServiceJobResponse.answer
    )
