"""What a service request payload (a CreateTrainingJob request, as JSON text) asks for.
Pure functions of the payload text."""

from __future__ import annotations

import json
import sys
from typing import Any

MAX_FLOAT = sys.float_info.max


def capacity_usage_of(payload: str) -> list[dict[str, Any]] | None:
    """Instances a CreateTrainingJob payload asks for, per instance type.

    ``ResourceConfig.InstanceCount``/``InstanceType`` or, for heterogeneous
    clusters, the sum over ``ResourceConfig.InstanceGroups``. None when the
    payload names no resources.
    """
    try:
        request = json.loads(payload)
    except (ValueError, RecursionError):  # not JSON, or a seeded one nested too deeply
        return None
    config = request.get("ResourceConfig") if isinstance(request, dict) else None
    if not isinstance(config, dict):
        return None
    groups = config.get("InstanceGroups")
    if not isinstance(groups, list) or not groups:
        groups = [config]
    usage: dict[str, float] = {}
    for group in groups:
        if not isinstance(group, dict):
            continue
        unit, count = group.get("InstanceType"), group.get("InstanceCount")
        # Finite counts only: JSON has no Infinity/NaN, and float() of a huge int overflows.
        if isinstance(unit, str) and isinstance(count, (int, float)) and 0 < count <= MAX_FLOAT:
            usage[unit] = usage.get(unit, 0.0) + float(count)
    return [{"capacityUnit": u, "quantity": q} for u, q in usage.items() if q <= MAX_FLOAT] or None


Capacity = tuple[tuple[str, float], ...]
_CAPACITIES: dict[Capacity, Capacity] = {}  # each distinct demand once (jobs share it)
_MAX_CAPACITIES = 4096


def capacity_of(payload: str) -> Capacity | None:
    """``capacity_usage_of`` as ``((instance type, count), ...)``, interned: jobs asking for
    the same share one tuple."""
    usage = capacity_usage_of(payload)
    if usage is None:
        return None
    capacity: Capacity = tuple((sys.intern(u["capacityUnit"]), u["quantity"]) for u in usage)
    if len(_CAPACITIES) < _MAX_CAPACITIES:
        return _CAPACITIES.setdefault(capacity, capacity)
    return _CAPACITIES.get(capacity, capacity)


def training_job_name_of(payload: str, job_name: str) -> str:
    """The base name of the training jobs AWS Batch creates for a payload."""
    try:
        request = json.loads(payload)
    except (ValueError, RecursionError):
        request = None
    name = request.get("TrainingJobName") if isinstance(request, dict) else None
    return name if isinstance(name, str) and name else job_name
