"""Checks a raw batch response body against botocore's output shape for its operation.

Stricter than botocore's parser, which silently drops what it does not know:
unknown members, wrong JSON types, values outside an enum and missing required
members are all reported. Registered on every boto3 client by ``conftest.py``.
"""

from __future__ import annotations

import json
from typing import Any

import botocore.session
from botocore.model import OperationModel, Shape

MODEL = botocore.session.get_session().get_service_model("batch")

# Operations this package answers (moto's own container answers may carry nulls).
SERVED = {
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
    "CreateJobQueue",
    "DescribeJobQueues",
    "UpdateJobQueue",
    "DeleteJobQueue",
}

# What AWS answers (HTTP 403) when IAM refuses a request: not in the model, common to AWS.
AUTH_ERRORS = ("AccessDeniedException", "UnrecognizedClientException", "InvalidSignatureException")

# Output members the model marks required that AWS itself leaves out until they exist.
MAY_BE_ABSENT = {("DescribeServiceJobResponse", "startedAt")}

# Response members that only newer botocore models define (spec section 1). An older
# botocore's parser drops them, so where the installed model lacks one the checker lets that
# member through unchecked; once the model has it, it is checked like any other. Any other
# member the model does not know is an error on every botocore.
NEWER_MEMBERS = {
    "DescribeServiceJobResponse": {
        "capacityUsage",  # 1.42.39+
        "scheduledAt",  # 1.42.39+
        "quotaShareName",  # 1.42.51+
        "preemptionConfiguration",  # 1.42.51+
        "preemptionSummary",  # 1.42.51+
    },
    "ServiceJobSummary": {
        "capacityUsage",  # 1.42.39+
        "scheduledAt",  # 1.42.39+
        "quotaShareName",  # 1.42.51+
        "isTerminated",  # after 1.43.11
    },
    "GetJobQueueSnapshotResponse": {
        "queueUtilization",  # 1.42.39+
        "frontOfQuotaShares",  # 1.42.51+
    },
    "QueueSnapshotUtilizationDetail": {"quotaShareUtilization"},  # 1.42.51+
    "SchedulingPolicyDetail": {"quotaSharePolicy"},  # 1.42.51+
}

checked: list[str] = []
# (shape, member) pairs let through unchecked because the installed model lacks them.
unchecked: set[tuple[str, str]] = set()


def _unknown_member(shape: Shape, name: str) -> bool:
    """True if ``name`` is not a member of ``shape`` (and not one a newer model adds)."""
    if name in shape.members:
        return False
    if name in NEWER_MEMBERS.get(shape.name, ()):
        unchecked.add((shape.name, name))
        return False
    return True


def shape_errors(value: Any, shape: Shape, path: str, allow_null: bool) -> list[str]:
    if value is None:
        return [] if allow_null else [f"{path}: null"]
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{path}: expected object, got {type(value).__name__}"]
        errors = []
        for name in value:
            if _unknown_member(shape, name):
                errors.append(f"{path}.{name}: not a member of {shape.name}")
        for name in shape.required_members:
            if value.get(name) is None and (shape.name, name) not in MAY_BE_ABSENT:
                errors.append(f"{path}.{name}: required by {shape.name} but missing")
        for name, member in shape.members.items():
            if name in value:
                errors += shape_errors(value[name], member, f"{path}.{name}", allow_null)
        return errors
    if kind == "list":
        if not isinstance(value, list):
            return [f"{path}: expected list, got {type(value).__name__}"]
        errors = []
        for i, item in enumerate(value):
            errors += shape_errors(item, shape.member, f"{path}[{i}]", allow_null)
        return errors
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{path}: expected map, got {type(value).__name__}"]
        errors = []
        for key, item in value.items():
            errors += shape_errors(key, shape.key, f"{path} key", allow_null)
            errors += shape_errors(item, shape.value, f"{path}[{key!r}]", allow_null)
        return errors
    if kind == "string":
        if not isinstance(value, str):
            return [f"{path}: expected string, got {type(value).__name__}"]
        if shape.enum and value not in shape.enum:
            return [f"{path}: {value!r} is not one of {shape.enum}"]
        return []
    if kind in ("integer", "long", "timestamp"):
        if isinstance(value, bool) or not isinstance(value, int):
            return [f"{path}: expected integer, got {value!r}"]
        return []
    if kind in ("double", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return [f"{path}: expected number, got {value!r}"]
        return []
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{path}: expected boolean, got {value!r}"]
    return []


def check_response(operation: OperationModel, status: int, body: bytes) -> None:
    """Raise AssertionError if ``body`` is not what the model says ``operation`` returns."""
    text = body.decode() if body else ""
    if status >= 300:
        assert status in (400, 403), f"{operation.name}: HTTP {status} {text[:300]}"
        error = json.loads(text)
        expected = ("ClientException",) if status == 400 else AUTH_ERRORS
        assert error.get("__type") in expected, f"{operation.name}: {text[:300]}"
        assert isinstance(error.get("message"), str) and error["message"], text[:300]
        return
    data = json.loads(text) if text.strip() else {}
    if operation.name == "DescribeJobQueues":
        # moto's own container-queue entries carry nulls (schedulingPolicyArn) that botocore
        # skips; ours (with a jobQueueType) must not.
        for queue in data.get("jobQueues", []):
            if "jobQueueType" not in queue:
                for member in [m for m, v in queue.items() if v is None]:
                    del queue[member]
    shape = operation.output_shape
    if shape is None:
        assert data == {}, f"{operation.name} returns no members, got {text[:300]}"
        return
    errors = shape_errors(data, shape, shape.name, allow_null=operation.name not in SERVED)
    assert not errors, f"{operation.name} response does not fit the model:\n" + "\n".join(errors)
    checked.append(operation.name)


def on_before_parse(
    operation_model: OperationModel, response_dict: dict[str, Any], **_: Any
) -> None:
    check_response(operation_model, response_dict["status_code"], response_dict["body"])
