"""moto 5.0.0 to 5.2.5: explicit ``/v1/<operation>`` routes. Delete this module the day the
supported floor moves to moto 5.2.6 (and its name from ``install.ADAPTERS``).

These motos route Batch requests by path (``moto.batch.urls.url_paths``, first match wins),
name the operation from the path (``BatchResponse._get_action``: ``/v1/createjobqueue`` ->
``createjobqueue``), and answer errors raised as ``HTTPException`` (moto's batch
``ClientException`` is one). Here the package:

- adds a route per service-job operation (``ServiceJobResponse``) and the bulk container-job
  operations, and puts ``LegacyBatchResponse`` on moto's job-queue, scheduling-policy, tag and
  singular job routes (the same handler methods as on the newest moto, by their old names);
- answers a plain botocore request to a service-job path directly (``_moto_direct``), as
  moto would through its route scan;
"""

from __future__ import annotations

import re
import sys
from typing import Any, Callable

import moto.backend_index as backend_index
from moto.batch.responses import BatchResponse
from moto.utilities.aws_headers import gen_amzn_requestid_long
from werkzeug.exceptions import HTTPException

from ..handlers.base import path_segment
from ..handlers.bulk_jobs import BulkJobOperations
from ..handlers.queues import QueueOperations
from ..handlers.responses import ServiceJobOperations
from ..rules.operations import OPERATIONS, SERVED, TAG_OPERATIONS, snake_case
from .activation import BATCH_URLS
from .direct import DirectAnswer, DirectRoutes, install_direct_routes

_SNAKE = {name.lower(): snake_case(name) for name in SERVED}
_TAGS_BY_METHOD = {method: snake_case(name) for method, name in TAG_OPERATIONS.items()}


def refusal(handler: Any, error: HTTPException) -> Any:
    """The error answer moto's ``call_action`` gives for ``error``."""
    error_headers: dict[str, Any] = dict(error.get_headers() or [])
    error_headers["status"] = error.code
    response = error.description, error_headers
    status, headers, body = handler._transform_response(handler.response_headers, response)
    headers, body = handler._enrich_response(headers, body)
    return status, headers, body


class ServiceJobResponse(DirectAnswer, ServiceJobOperations):
    """``POST /v1/<operation>`` for every service-job operation.

    The action is the path segment after ``/v1/`` (as in these motos' ``BatchResponse``),
    so the server answers operations its own botocore may not know yet.
    """

    def __init__(self) -> None:
        super().__init__(service_name="batch")
        # A gzip body is inflated by ``read_body``, with a cap, not by moto.
        self.allow_request_decompression = False
        self.inflated = False

    def call_action(self) -> Any:
        """moto's ``call_action`` for our operations, minus its per-request class scan.

        IAM checks, error answers and the request-id header are moto's own; the success
        body is returned as built (moto's XML ``RequestId`` rewrite has nothing to do on JSON).
        """
        action = self._get_action()
        if action not in OPERATIONS:
            return super().call_action()
        headers = self.response_headers
        try:
            self.authorize("*")
            body = getattr(self, _SNAKE[action])()
        except HTTPException as error:
            return refusal(self, error)
        gen_amzn_requestid_long(headers)
        return 200, headers, body

    def _get_action(self) -> str:
        return path_segment(self.uri)

    def answer_directly(self) -> Any:
        return self.call_action()


class LegacyBatchResponse(QueueOperations, BulkJobOperations, BatchResponse):
    """moto's ``BatchResponse`` with the job-queue, scheduling-policy, tag and job operations
    extended, under the names these motos call (``createjobqueue``, ``tags``, ...)."""

    createjobqueue = QueueOperations.create_job_queue
    describejobqueues = QueueOperations.describe_job_queues
    updatejobqueue = QueueOperations.update_job_queue
    deletejobqueue = QueueOperations.delete_job_queue
    createschedulingpolicy = QueueOperations.create_scheduling_policy
    describeschedulingpolicies = QueueOperations.describe_scheduling_policies
    updateschedulingpolicy = QueueOperations.update_scheduling_policy
    deleteschedulingpolicy = QueueOperations.delete_scheduling_policy
    terminatejob = BulkJobOperations.terminate_job
    canceljob = BulkJobOperations.cancel_job
    terminatejobs = BulkJobOperations.terminate_jobs
    canceljobs = BulkJobOperations.cancel_jobs

    def moto_operation(self, name: str) -> str:
        legacy = "tags" if name in _TAGS_BY_METHOD.values() else name.replace("_", "")
        answer: str = getattr(BatchResponse, legacy)(self)
        return answer

    def tags(self) -> str:
        handler = getattr(self, _TAGS_BY_METHOD.get(self.method, "tag_resource"))
        answer: str = handler()
        return answer


# New paths, added to moto's batch url_paths.
ROUTES: dict[str, Callable[..., Any]] = {
    **{f"{{0}}/v1/{operation}$": ServiceJobResponse.dispatch for operation in sorted(OPERATIONS)},
    # ARNs with more slashes than moto's tag routes take, once a server decodes the path:
    # quota shares (job-queue/<queue>/quota-share/<name>), and malformed ARNs (a 400, not 404).
    "{0}/v1/tags/(?P<arn_part_1>[^/]+)/(?P<arn_part_2>[^/]+)/(?P<arn_part_3>[^/]+)/?$": (
        LegacyBatchResponse.dispatch
    ),
    "{0}/v1/tags/(?P<arn_part_1>[^/]+)/(?P<arn_part_2>[^/]+)/(?P<arn_part_3>[^/]+)"
    "/(?P<arn_part_4>[^/]+)/?$": LegacyBatchResponse.dispatch,
    # The bulk container-job operations (a server routes whole paths).
    "{0}/v1/terminatejobs$": LegacyBatchResponse.dispatch,
    "{0}/v1/canceljobs$": LegacyBatchResponse.dispatch,
}

# moto's own job-queue, scheduling-policy, tag and job paths, whose handler is replaced.
QUEUE_ROUTES: dict[str, Callable[..., Any]] = {
    **{
        f"{{0}}/v1/{operation}": LegacyBatchResponse.dispatch
        for operation in (
            "createjobqueue",
            "describejobqueues",
            "updatejobqueue",
            "deletejobqueue",
            "createschedulingpolicy",
            "describeschedulingpolicies",
            "updateschedulingpolicy",
            "deleteschedulingpolicy",
            # moto matches these as prefixes: under mock_aws the bulk paths reach them.
            "terminatejob",
            "canceljob",
        )
    },
    "{0}/v1/tags/(?P<arn_part_1>[^/]+)/(?P<arn_part_2>[^/]+)/?$": LegacyBatchResponse.dispatch,
    "{0}/v1/tags/(?P<arn>[^/]+)/?$": LegacyBatchResponse.dispatch,
}


def fits(batch_urls: Any) -> str | None:
    """None if moto's freshly loaded ``moto.batch.urls`` is of this generation; else why not."""
    paths = batch_urls.url_paths
    for pattern, handler in QUEUE_ROUTES.items():
        current = paths.get(pattern)
        if current != BatchResponse.dispatch and current != handler:
            return (
                f"expected batch route {pattern!r} to be BatchResponse.dispatch, found {current!r}"
            )
    for pattern, handler in ROUTES.items():
        current = paths.get(pattern)
        if current is not None and current != handler:
            return f"moto already serves {pattern!r} with {current!r}"
    return None


def install(batch_urls: Any) -> None:
    """Add the service-job routes, replace moto's job-queue, tag and job routes' handler, and
    put ``DirectRoutes`` in front of moto's botocore stubber."""
    paths = batch_urls.url_paths
    paths.update(QUEUE_ROUTES)
    paths.update(ROUTES)
    install_direct_routes(_direct_paths(), ServiceJobResponse.answer)


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


def _direct_paths() -> frozenset[str]:
    """The service-job paths moto itself routes to ``ServiceJobResponse``."""
    return frozenset(
        f"/v1/{operation}"
        for operation in OPERATIONS
        if _moto_route(f"https://batch.us-east-1.amazonaws.com/v1/{operation}")
        == ServiceJobResponse.dispatch
    )


__all__ = ["DirectRoutes", "LegacyBatchResponse", "ServiceJobResponse", "fits", "install"]
