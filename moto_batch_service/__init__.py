"""AWS Batch service jobs for moto.

Importing this package registers the service-job operations with moto's batch
service, so ``@mock_aws`` and moto's server answer them.
"""

from __future__ import annotations

from ._moto import IncompatibleMotoError, register
from .backend import ServiceJobBackend, service_job_backends
from .exceptions import ServiceJobHelperError
from .lifecycle import Outcome, capacity_shortage, fail, succeed, time_out
from .models import ServiceEnvironment, ServiceJob, ServiceJobStatus, ServiceQueue
from .seeding import add_service_job, plan_service_job_attempts, set_service_job_status

__version__ = "0.1.0"

__all__ = [
    "IncompatibleMotoError",
    "Outcome",
    "ServiceEnvironment",
    "ServiceJob",
    "ServiceJobBackend",
    "ServiceJobHelperError",
    "ServiceJobStatus",
    "ServiceQueue",
    "__version__",
    "add_service_job",
    "capacity_shortage",
    "fail",
    "plan_service_job_attempts",
    "register",
    "service_job_backends",
    "set_service_job_status",
    "succeed",
    "time_out",
]

register()
