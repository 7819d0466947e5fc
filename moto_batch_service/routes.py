"""The route table: URL pattern (anchored with ``$``) -> handler. Data only."""

from __future__ import annotations

from typing import Any, Callable

from .bulk_jobs import BulkJobResponse
from .operations import OPERATIONS
from .queue_routes import QueueResponse
from .responses import ServiceJobResponse

# New paths, added to moto's batch url_paths.
ROUTES: dict[str, Callable[..., Any]] = {
    **{f"{{0}}/v1/{operation}$": ServiceJobResponse.dispatch for operation in sorted(OPERATIONS)},
    # ARNs with more slashes than moto's tag routes take, once a server decodes the path:
    # quota shares (job-queue/<queue>/quota-share/<name>), and malformed ARNs (a 400, not 404).
    "{0}/v1/tags/(?P<arn_part_1>[^/]+)/(?P<arn_part_2>[^/]+)/(?P<arn_part_3>[^/]+)/?$": (
        QueueResponse.dispatch
    ),
    "{0}/v1/tags/(?P<arn_part_1>[^/]+)/(?P<arn_part_2>[^/]+)/(?P<arn_part_3>[^/]+)"
    "/(?P<arn_part_4>[^/]+)/?$": QueueResponse.dispatch,
    # The bulk container-job operations (a server routes whole paths).
    "{0}/v1/terminatejobs$": BulkJobResponse.dispatch,
    "{0}/v1/canceljobs$": BulkJobResponse.dispatch,
}

# moto's own job-queue and tag paths, whose handler is replaced (the keys are moto's).
QUEUE_ROUTES: dict[str, Callable[..., Any]] = {
    **{
        f"{{0}}/v1/{operation}": QueueResponse.dispatch
        for operation in ("createjobqueue", "describejobqueues", "updatejobqueue", "deletejobqueue")
    },
    "{0}/v1/tags/(?P<arn_part_1>[^/]+)/(?P<arn_part_2>[^/]+)/?$": QueueResponse.dispatch,
    "{0}/v1/tags/(?P<arn>[^/]+)/?$": QueueResponse.dispatch,
    **{
        f"{{0}}/v1/{operation}": QueueResponse.dispatch
        for operation in (
            "createschedulingpolicy",
            "describeschedulingpolicies",
            "updateschedulingpolicy",
            "deleteschedulingpolicy",
        )
    },
    # moto matches these as prefixes: under mock_aws the bulk paths reach them.
    "{0}/v1/terminatejob": BulkJobResponse.dispatch,
    "{0}/v1/canceljob": BulkJobResponse.dispatch,
}
