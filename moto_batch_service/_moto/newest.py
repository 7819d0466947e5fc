"""moto 5.2.6 and newer: the operations are methods of moto's ``BatchResponse``.

From 5.2.6 moto routes every Batch request through one catch-all route (``{0}/.*$`` ->
``BatchResponse.dispatch``), names the operation from the installed botocore model
(``_get_action``), calls the handler method of that name in snake case, and serialises a
raised ``moto.batch.exceptions.ClientException`` itself. The package extends it the same
way: ``ServiceBatchResponse`` is moto's ``BatchResponse`` plus the package's handler methods
(``submit_service_job``, ...), and takes the catch-all route's place. moto's own operations
go through it untouched (moto's body handling, moto's IAM check, moto's errors).

An operation the installed botocore does not know (``TerminateServiceJobs`` before botocore
1.44, sent by a newer AWS CLI or SDK to a server), or a request its model does not match (an
``UntagResource`` without ``tagKeys``), is named from its path (and method) instead.
"""

from __future__ import annotations

from typing import Any

from moto.batch import exceptions as moto_batch_errors
from moto.batch.responses import BatchResponse
from moto.core import exceptions as moto_errors
from moto.utilities.aws_headers import gen_amzn_requestid_long

from ..handlers.base import path_segment
from ..handlers.bulk_jobs import BulkJobOperations
from ..handlers.queues import QueueOperations
from ..handlers.responses import ServiceJobOperations
from ..rules.operations import (
    ADDED,
    EXTENDED,
    OPERATIONS,
    PATHS,
    SERVED,
    TAG_OPERATIONS,
    snake_case,
)
from .direct import DirectAnswer, install_direct_routes

CATCH_ALL = "{0}/.*$"
# Operations moto's botocore may not know: named from the path when it does not.
_BY_PATH = {name.lower(): name for name in (*SERVED, *ADDED)}


class ServiceBatchResponse(
    DirectAnswer, ServiceJobOperations, QueueOperations, BulkJobOperations, BatchResponse
):
    """moto's ``BatchResponse`` with the service-job operations and the job-queue,
    scheduling-policy, tag and bulk container-job operations extended."""

    def guards(self, request: Any) -> bool:
        return path_segment(str(getattr(request, "path", ""))) in PATHS

    def _get_action(self) -> str:
        action: str | None = self.__dict__.get("_action")
        if action is None:
            segment = path_segment(self.uri)
            action = super()._get_action() or (
                TAG_OPERATIONS.get(self.method) if segment == "tags" else _BY_PATH.get(segment)
            )
            self._action = action
        return action  # type: ignore[return-value]

    def answer_directly(self) -> Any:
        """A plain request's answer (``_moto_direct``), or None for moto to answer it: an
        error, so that moto writes it in its own shape (a refused request changed nothing)."""
        self._action = _BY_PATH[path_segment(self.uri)]
        try:
            self.authorize("*")
            body = getattr(self, snake_case(self._action))()
        except moto_batch_errors.ClientException:
            return None
        gen_amzn_requestid_long(self.response_headers)
        return 200, self.response_headers, body

    def moto_operation(self, name: str) -> str:
        answer: str = getattr(BatchResponse, name)(self)
        return answer


def fits(batch_urls: Any) -> str | None:
    """None if moto's freshly loaded ``moto.batch.urls`` is of this generation; else why not."""
    paths = batch_urls.url_paths
    if paths.get(CATCH_ALL) not in (BatchResponse.dispatch, ServiceBatchResponse.dispatch):
        return f"no catch-all batch route {CATCH_ALL!r} to BatchResponse.dispatch"
    service_exception = getattr(moto_errors, "ServiceException", None)  # moto >= 5.1.2
    if service_exception is None or not issubclass(
        moto_batch_errors.ClientException, service_exception
    ):
        return "moto.batch.exceptions.ClientException is not a ServiceException"
    missing = [
        snake_case(name)
        for name in EXTENDED
        if not callable(getattr(BatchResponse, snake_case(name), None))
    ]
    if missing:
        return f"BatchResponse has no {', '.join(missing)}"
    if not callable(getattr(BatchResponse, "_get_action_from_request", None)):
        return "BatchResponse has no _get_action_from_request (botocore-model routing)"
    return None


def install(batch_urls: Any) -> None:
    """Put ``ServiceBatchResponse`` in the catch-all route's place (same pattern, same
    position), so that every Batch request reaches the package's methods; plain service-job
    requests are answered directly (``_moto_direct``)."""
    paths = batch_urls.url_paths
    for pattern, handler in list(paths.items()):
        if handler == BatchResponse.dispatch:
            paths[pattern] = ServiceBatchResponse.dispatch
    direct = frozenset(f"/v1/{operation}" for operation in OPERATIONS)
    install_direct_routes(direct, ServiceBatchResponse.answer)
