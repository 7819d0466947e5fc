"""The service-job operations the package answers, by their AWS names. Data only."""

from __future__ import annotations

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

OPERATIONS = frozenset(name.lower() for name in SERVED)
"""The operations served, as the lower-case path segment after ``/v1/``."""
