"""What every handler of the package shares: the request body read with its guards, moto's
error answer, and moto's ``BatchResponse`` with those guards (``GuardedBatchResponse``).
"""

from __future__ import annotations

from typing import Any

from moto.batch.responses import BatchResponse
from moto.core.responses import BaseResponse
from werkzeug.exceptions import HTTPException

from .backend import RESET_LOCK, ServiceJobBackend, service_job_backends
from .body import decoded, inflated_by_server, request_limit
from .exceptions import ClientException
from .params import Params


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


def refusal(handler: BaseResponse, error: HTTPException) -> Any:
    """The error answer moto's ``call_action`` gives for ``error``."""
    error_headers: dict[str, Any] = dict(error.get_headers() or [])
    error_headers["status"] = error.code
    response = error.description, error_headers
    status, headers, body = handler._transform_response(handler.response_headers, response)
    headers, body = handler._enrich_response(headers, body)
    return status, headers, body


class GuardedSetup(BaseResponse):
    """moto's ``setup_class`` with the package's guards, for every handler of the package."""

    def setup_class(
        self,
        request: Any,
        full_url: str | None = None,
        headers: Any = None,
        use_raw_body: bool | None = False,
    ) -> None:
        # Keep the body as bytes: moto's UTF-8 decoding would turn a body that is not UTF-8
        # into a 500; ``Params`` refuses it as a ClientException instead. A gzip body is
        # inflated by ``read_body``, with a cap, not by moto. moto reads its IAM store here
        # (the account of the access key): not while a reset wipes it.
        self.allow_request_decompression = False
        with RESET_LOCK:
            super().setup_class(request, full_url, headers, use_raw_body=True)
        self.inflated = inflated_by_server(request)


class GuardedBatchResponse(GuardedSetup, BatchResponse):
    """moto's ``BatchResponse`` with the package's request guards: the body read as bytes and
    checked (``read_body``, ``Params``), and the request served before or after a reset,
    never during one, under its service-job backend's lock."""

    _service_backend: ServiceJobBackend | None = None

    @property
    def service_backend(self) -> ServiceJobBackend:
        """The service-job backend of this request, looked up once (by ``call_action``)."""
        if self._service_backend is None:
            self._service_backend = service_job_backends[self.current_account][self.region]
        return self._service_backend

    def call_action(self) -> Any:
        try:
            # An empty body reads as ``{}`` (moto's scheduling-policy handlers ``json.loads``
            # it unchecked); one moto would choke on (too deep, too long a number) is refused.
            self.body = read_body(self, "") or b"{}"
            Params(self.body)
        except ClientException as error:
            return refusal(self, error)
        with RESET_LOCK:  # before or after a reset, never during one
            self._service_backend = service_job_backends[self.current_account][self.region]
            with self._service_backend.lock:
                return super().call_action()
