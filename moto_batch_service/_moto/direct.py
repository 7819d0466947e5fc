"""The seam's direct part: plain botocore requests for the service-job operations answered
without moto's per-request dispatch, on every moto generation.

moto's ``BotocoreStubber.process_request`` matches every in-process request against the URL
patterns of all its services and every batch route, rebuilds it as a werkzeug request
(5.2.5 and newer), names its operation from botocore's model (5.2.6 and newer) and scans the
handler class's methods with ``inspect``: most of what a service-job call costs. A request
to one of the package's service-job paths that is plain (signed, not compressed, IAM not
enforced, the recorder off, not passed through or refused by moto's settings) is answered by
the handler class's ``answer``, which sets what moto's ``setup_class`` sets, with moto's own
region and account rules. Everything else goes to moto's ``process_request`` unchanged, and
so does a request the direct answer declines (``answer`` returns None: on moto 5.2.6 and
newer an error, which moto answers in its own shape; the refusal changed nothing).
"""

from __future__ import annotations

import re
from typing import Any, Callable
from urllib.parse import urlsplit

from botocore.awsrequest import AWSPreparedRequest
from moto import settings
from moto.core.config import passthrough_service, passthrough_url
from moto.core.models import botocore_stubber
from moto.core.responses import BaseResponse
from moto.core.utils import utcnow
from moto.iam.models import mark_account_as_visited
from werkzeug.exceptions import HTTPException
from werkzeug.http import http_date

from ..backend import RESET_LOCK
from .common import partition_of, recorder, service_whitelisted

# A botocore request to a service-job operation: ``https://batch.<region>.amazonaws.com/v1/<op>``.
_DIRECT_URL = re.compile(r"https://batch\.[a-z0-9-]+\.amazonaws\.com(/v1/[a-z]+)\Z")
Answer = Callable[[Any, str], Any]


class DirectAnswer(BaseResponse):
    """A handler class that can answer a plain botocore request without moto's dispatch."""

    @classmethod
    def answer(cls, request: Any, url: str) -> Any:
        """Answer a signed botocore request without building moto's request view (or None:
        let moto's dispatch answer it).

        Sets what moto's ``setup_class`` would set and the handlers read: body bytes, URL,
        path, method, headers, region (moto's own rules), account (moto's own rules), the
        IAM visit and the response headers.
        """
        self = cls()
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        self.body = self.raw_body = body
        self.uri = url
        self.path = urlsplit(url).path
        self.method = request.method
        self.headers = request.headers
        self.querystring = {}
        self.region = self.get_region_from_url(request, url)
        self.partition = partition_of(self.region)
        self.response_headers = {"server": "amazon.com", "date": http_date(utcnow())}
        self.access_key = self.get_access_key()
        with RESET_LOCK:
            self.current_account = self.get_current_account()
            mark_account_as_visited(
                account_id=self.current_account,
                access_key=self.access_key,
                service="batch",
                region=self.region,
            )
        return self.answer_directly()

    def answer_directly(self) -> Any:
        """(status, headers, body) for this request, or None for moto's dispatch to answer."""
        raise NotImplementedError  # each generation's handler class says how


class DirectRoutes:
    """moto's ``process_request``, with a plain request to one of ``paths`` answered by
    ``answer`` (see the module's docstring)."""

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
            answer = self.answer(request, url)
        except HTTPException as error:
            return error.code, error.get_headers(), error.get_body()
        return self.original(request) if answer is None else answer

    @staticmethod
    def _plain(headers: Any) -> bool:
        """Signed, uncompressed, IAM not enforced and the recorder off: ``answer`` applies."""
        return (
            "Authorization" in headers
            and "Content-Encoding" not in headers
            and settings.INITIAL_NO_AUTH_ACTION_COUNT == float("inf")
            and not getattr(recorder, "_user_enabled", True)
        )


def install_direct_routes(paths: frozenset[str], answer: Answer) -> None:
    """Put a ``DirectRoutes`` for ``paths`` in front of moto's botocore stubber (once)."""
    if isinstance(botocore_stubber.__dict__.get("process_request"), DirectRoutes):
        return
    botocore_stubber.process_request = DirectRoutes(  # type: ignore[method-assign]
        botocore_stubber.process_request, paths, answer
    )
