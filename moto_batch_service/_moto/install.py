"""The one module that decides how the package extends moto, as moto loads its modules (see
``_activation``, which calls ``extend``).

- ``moto.batch.urls``: the first adapter in ``ADAPTERS`` that fits the installed moto
  extends it (``_moto_newest`` for moto 5.2.6 and newer, ``_moto_legacy`` for 5.0.0 to
  5.2.5), and moto's CloudWatch gets the service jobs' AWS/Batch metrics (``metrics``).
  When none fits, nothing of moto is changed: ``IncompatibleMotoError`` says why, and
  ``_activation`` steps aside with it.
- ``moto.moto_api._internal.urls``: the steering route (``steering``).
- ``moto.sagemaker.responses``: ``StopTrainingJob`` (``stop_training``).
- ``moto.moto_server.werkzeug_app``: the gzip hook of some older motos (``_moto``).

The top layer: it imports the adapters (when moto loads its batch service: they load moto's
batch models); nothing of the package imports it but ``__init__``.
"""

from __future__ import annotations

import importlib
import logging
from types import ModuleType
from typing import Any

import moto

from ..exceptions import IncompatibleMotoError
from .activation import BATCH_URLS, MOTO_API_URLS, SAGEMAKER_RESPONSES, SERVER_APP, activate

STEERING_PATH = "/moto-api/static/batch/service-job-attempts"
NEWEST_TESTED_MOTO = "5.2.6"
"""The newest moto this release of the package was tested with."""
ADAPTERS = ("newest", "legacy")
"""The modules that extend one generation of moto each, newest first."""
log = logging.getLogger("moto_batch_service")


def incompatible(why: str) -> IncompatibleMotoError:
    """The error (and warning) for a moto the package cannot extend: what, and what to do."""
    return IncompatibleMotoError(
        f"moto-batch-service cannot extend the installed moto {moto.__version__} ({why}); "
        "moto is left as it is and the AWS Batch service-job API is not available. "
        f"The newest moto this release was tested with is {NEWEST_TESTED_MOTO}: pin it "
        f"(pip install 'moto=={NEWEST_TESTED_MOTO}') or upgrade moto-batch-service."
    )


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
        from .common import leave_batch_bodies_to_handlers  # loads nothing of moto's services

        leave_batch_bodies_to_handlers(module)


def install_batch(batch_urls: Any, *, refresh_servers: bool) -> None:
    """Extend moto's freshly loaded batch route table (``moto.batch.urls``) with the adapter
    that fits it; raise ``IncompatibleMotoError``, moto unchanged, if none does.

    ``refresh_servers``: a moto server may have built its batch app before (the package was
    imported after the batch service was loaded); make it rebuild it.
    """
    from .common import MIN_BOTOCORE, drop_server_apps, has_service_job_model

    if not has_service_job_model():
        raise incompatible(
            "the AWS Batch model of the installed botocore has no service-job operations: "
            f"upgrade with pip install 'boto3>={MIN_BOTOCORE}' 'botocore>={MIN_BOTOCORE}'"
        )
    reasons = []
    for name in ADAPTERS:
        try:
            adapter: Any = importlib.import_module(f"{__package__}.{name}")
        except ImportError as error:  # an adapter written for names this moto lacks
            reasons.append(f"{name}: {error}")
            continue
        why = adapter.fits(batch_urls)
        if why is None:
            adapter.install(batch_urls)
            break
        reasons.append(why)
    else:
        raise incompatible("; ".join(reasons))
    install_metrics()
    if refresh_servers:
        drop_server_apps("batch")


def install_metrics() -> None:
    """Hand the service jobs' AWS/Batch metrics to moto's CloudWatch (``metrics``: defining
    its provider class is all it takes). Without them the service-job API still works: a
    failure is logged, not raised."""
    try:
        importlib.import_module(f"{__package__}.metrics")
    except Exception:
        log.warning(
            "moto_batch_service: the AWS/Batch metrics of service jobs are not available in "
            "moto's CloudWatch",
            exc_info=True,
        )


def install_moto_api(moto_api_urls: Any, *, refresh_servers: bool) -> None:
    """Add the steering route to moto's freshly loaded ``/moto-api/`` route table."""
    moto_api_urls.url_paths.setdefault("{0}" + STEERING_PATH + "$", steer)
    if refresh_servers:
        from .common import drop_server_apps

        drop_server_apps("moto_api")


def install_stop(responses: Any) -> None:
    """Serve StopTrainingJob in moto's freshly loaded ``moto.sagemaker.responses`` (moto has
    none; a moto that has one keeps its own)."""
    from ..handlers.stop_training import stop_training_job

    cls = responses.SageMakerResponse
    if not hasattr(cls, "stop_training_job"):
        cls.stop_training_job = stop_training_job


def steer(request: Any, full_url: str, headers: Any) -> Any:
    """The steering route's handler: loads the package's backend at its first use."""
    try:
        activate()
    except IncompatibleMotoError as error:
        return 501, {"Content-Type": "text/plain"}, str(error)
    from ..handlers.steering import plan_attempts

    return plan_attempts(request, full_url, headers)
