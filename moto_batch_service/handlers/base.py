"""What every request handler of the package shares, on every moto: the request body read
with its guards, the backend and its locks, the IAM check with AWS's names, and the package's
errors handed to moto as moto's own.

A handler method of the package is marked ``@operation``: moto's ``call_action`` (or, on the
older motos, the package's) calls it like any of moto's, and ``Handler.serve`` runs it.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Callable, TypeVar
from urllib.parse import urlsplit

from moto.batch import exceptions as moto_batch_errors
from moto.core.responses import BaseResponse

from .._moto.iam import AccessDeniedException, IamCheck
from ..backend import RESET_LOCK, ServiceJobBackend, service_job_backends
from ..exceptions import ClientException
from ..rules.body import decoded, inflated_by_server, request_limit
from ..rules.params import Params
from .iam import BatchIAMRequest

if TYPE_CHECKING:
    from moto.batch.models import BatchBackend

Method = TypeVar("Method", bound=Callable[..., Any])
BULK = frozenset(("terminateservicejobs", "terminatejobs", "canceljobs"))
"""The bulk operations, which AWS refuses job by job (each job in ``errors``, HTTP 200)."""


def read_body(handler: BaseResponse, operation: str) -> bytes:
    """The handler's request body as bytes: inflated if gzip-encoded, within the request
    limit of ``operation`` (see ``body``)."""
    data = handler.body
    if data is None:
        return b""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    encoding = (
        None if getattr(handler, "inflated", False) else handler.headers.get("Content-Encoding")
    )
    return decoded(data, encoding, request_limit(operation))


def path_segment(uri: str) -> str:
    """The lower-case segment after ``/v1/`` of a Batch request's URL (``""`` if none)."""
    parts = urlsplit(uri).path.strip("/").split("/")
    return parts[1].lower() if len(parts) > 1 and parts[0] == "v1" else ""


def as_moto_error(error: ClientException) -> Exception:
    """The package's ``ClientException`` as moto's batch ``ClientException``, which moto
    answers itself (HTTP 400, ``{"__type": "ClientException", "message": ...}``) on every
    generation."""
    return moto_batch_errors.ClientException(error.message)


def operation(method: Method) -> Method:
    """Mark a handler method as one of the package's operations: ``Handler.serve`` runs it
    (body guards, locks, errors)."""

    @functools.wraps(method)
    def serve(self: Handler) -> Any:
        return self.serve(method.__name__, lambda: method(self))

    return serve  # type: ignore[return-value]


class Handler(IamCheck):
    """moto's ``BaseResponse`` with the package's guards, for every handler of the package.

    - ``setup_class`` keeps the body of the package's requests as bytes (moto's UTF-8
      decoding would turn a body that is not UTF-8 into a 500; ``Params`` refuses it), and
      leaves a gzip body to ``read_body``, which inflates it with a cap.
    - ``serve`` runs an operation: body read within its limit and checked, served before or
      after a reset (never during one) under its backend's lock, the package's
      ``ClientException`` handed to moto as moto's own.
    - The IAM check uses AWS's action names; a bulk operation is refused job by job.
    """

    members: Params
    ours = True  # set by ``setup_class``: a request the package serves
    _service_backend: ServiceJobBackend | None = None
    _denied: str | None = None  # a bulk operation: why each job is refused, if it is

    if TYPE_CHECKING:  # moto's ``BatchResponse`` gives it to each generation's handler class

        @property
        def batch_backend(self) -> BatchBackend: ...

    def guards(self, request: Any) -> bool:
        """Whether this request is one of the package's (its body kept as bytes)."""
        return True

    def setup_class(
        self,
        request: Any,
        full_url: str | None = None,
        headers: Any = None,
        use_raw_body: bool | None = None,
    ) -> None:
        self.ours = self.guards(request)
        if not self.ours:
            super().setup_class(request, full_url, headers, use_raw_body=use_raw_body)
            return
        # moto reads its IAM store here (the account of the access key): not while a reset
        # wipes it.
        self.allow_request_decompression = False
        with RESET_LOCK:
            super().setup_class(request, full_url, headers, use_raw_body=True)
        self.inflated = inflated_by_server(request)

    @property
    def service_backend(self) -> ServiceJobBackend:
        """The service-job backend of this request, looked up once."""
        if self._service_backend is None:
            self._service_backend = service_job_backends[self.current_account][self.region]
        return self._service_backend

    def serve(self, name: str, run: Callable[[], Any]) -> Any:
        """Run the operation ``name`` (moto's method name) of this request."""
        try:
            # An empty body reads as ``{}``; one moto would choke on (too deep, too long a
            # number, not UTF-8) is refused before anything reads it.
            self.body = read_body(self, name.replace("_", "")) or b"{}"
            self.members = Params(self.body)
            with RESET_LOCK:  # before or after a reset, never during one
                self._service_backend = service_job_backends[self.current_account][self.region]
                with self._service_backend.lock:
                    return run()
        except ClientException as error:
            raise as_moto_error(error) from None

    def authorize(self, resource: str) -> None:
        if not self.ours:  # moto's own operation: moto's own check
            super().authorize(resource)
            return
        try:
            self.authorize_as(BatchIAMRequest, resource)
        except AccessDeniedException as denied:
            if path_segment(self.uri) not in BULK:  # refused job by job
                raise
            self._denied = denied.message

    def moto_operation(self, name: str) -> str:
        """Answer this request with moto's own handler method ``name`` (snake case)."""
        raise NotImplementedError  # each generation's handler class says how
