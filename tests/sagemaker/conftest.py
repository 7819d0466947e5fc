"""The SageMaker Python SDK's tests run where the SDK is installed (tox env ``sagemaker``).

Elsewhere this directory is left out of collection, unless ``MOTO_BATCH_REQUIRE_SAGEMAKER=1``
(set by the tox env): there a missing SDK fails the run at import.
"""

from __future__ import annotations

import os
from importlib.metadata import PackageNotFoundError, version


def _sdk_installed() -> bool:
    try:
        version("sagemaker-train")
    except PackageNotFoundError:
        return False
    return True


if os.environ.get("MOTO_BATCH_REQUIRE_SAGEMAKER") != "1" and not _sdk_installed():
    collect_ignore_glob = ["test_*.py"]
