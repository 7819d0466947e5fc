"""The package's resources in moto's ``/moto-api/data.json`` (and the dashboard built on it).

moto lists the instances of every ``BaseModel`` subclass, filed under the second part of the
class's module name: the package's classes would be filed as ``models`` and ``quota``. They are
filed under ``batch`` instead, beside moto's own Batch resources. moto empties every list on
reset (``mock_aws`` ending, ``/moto-api/reset``).
"""

from __future__ import annotations

from moto.core.model_instances import model_data


def list_under_batch(*classes: type) -> None:
    """File ``classes`` under ``batch`` in moto's model registry (idempotent)."""
    for cls in classes:
        service = cls.__module__.split(".")[1]
        filed = model_data.get(service)
        if filed is not None and filed.get(cls.__name__) is cls:
            del filed[cls.__name__]
            if not filed:
                del model_data[service]
        model_data["batch"][cls.__name__] = cls
