"""The operations the package answers, by their AWS names. Data only."""

from __future__ import annotations

import re

SERVED = (
    "CreateServiceEnvironment",
    "DescribeServiceEnvironments",
    "UpdateServiceEnvironment",
    "DeleteServiceEnvironment",
    "SubmitServiceJob",
    "DescribeServiceJob",
    "ListServiceJobs",
    "TerminateServiceJob",
    "TerminateServiceJobs",
    "UpdateServiceJob",
    "GetJobQueueSnapshot",
    "CreateQuotaShare",
    "DescribeQuotaShare",
    "ListQuotaShares",
    "UpdateQuotaShare",
    "DeleteQuotaShare",
)
"""The service-job operations: moto has none of them."""

EXTENDED = (
    "CreateJobQueue",
    "DescribeJobQueues",
    "UpdateJobQueue",
    "DeleteJobQueue",
    "CreateSchedulingPolicy",
    "DescribeSchedulingPolicies",
    "UpdateSchedulingPolicy",
    "DeleteSchedulingPolicy",
    "TagResource",
    "ListTagsForResource",
    "UntagResource",
    "TerminateJob",
    "CancelJob",
)
"""moto's own operations that the package extends to its resources (or guards)."""

ADDED = ("TerminateJobs", "CancelJobs")
"""Container-job operations moto lacks, which the package adds."""

OPERATIONS = frozenset(name.lower() for name in SERVED)
"""The service-job operations, as the lower-case path segment after ``/v1/``."""

AWS_NAMES = {name.lower(): name for name in (*SERVED, *EXTENDED, *ADDED)}
"""Every operation the package answers, by its name in lower case."""

TAG_OPERATIONS = {"GET": "ListTagsForResource", "POST": "TagResource", "DELETE": "UntagResource"}
"""The tag operations, all at ``/v1/tags/<arn>``, by HTTP method."""

PATHS = frozenset((*AWS_NAMES.keys() - {name.lower() for name in TAG_OPERATIONS.values()}, "tags"))
"""Every path segment after ``/v1/`` whose requests a handler of the package serves."""


def snake_case(name: str) -> str:
    """An AWS operation name as moto names its handler method (``SubmitServiceJob`` ->
    ``submit_service_job``)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
