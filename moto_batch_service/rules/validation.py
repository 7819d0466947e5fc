"""The rules AWS Batch applies to service-job request members botocore lets through.

Each function checks one member and returns it normalised, or raises
``ClientException`` saying which member is wrong and why.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from ..exceptions import ClientException, invalid_value, missing, not_one_of
from .body import MAX_PAYLOAD, nesting_error
from .params import check_type

NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
INSTANCE_TYPE_PATTERN = re.compile(r"^ml\.[a-z0-9]+\.[a-z0-9]+$")
NUM_INSTANCES = "NUM_INSTANCES"
STATES = ("ENABLED", "DISABLED")
RETRY_ACTIONS = ("RETRY", "EXIT")
BLOCKING_REASONS = (
    "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
    "MISCONFIGURATION:SERVICE_ENVIRONMENT_MAX_RESOURCE",
    "MISCONFIGURATION:QUOTA_MANAGEMENT_LIMIT_EXCEEDED",
)
MAX_TAGS = 50
MAX_INSTANCE_TYPE_LIMITS = 5  # instance-type capacity limits of a service environment


def name(member: str, value: str | None) -> str:
    if not value:
        raise missing(member)
    if not NAME_PATTERN.match(value):
        raise invalid_value(
            member,
            value,
            "it must be 1-128 characters long and contain only letters, numbers, "
            "hyphens (-) and underscores (_)",
        )
    return value


def payload(value: str | None) -> str:
    """serviceRequestPayload: at most 10 KiB (AWS's quota) and, if JSON, at most 64 levels deep."""
    if not value:
        raise missing("serviceRequestPayload")
    size = len(value.encode("utf-8", "surrogatepass"))
    if size > MAX_PAYLOAD:
        raise invalid_value(
            "serviceRequestPayload",
            f"{size} bytes",
            f"it may be at most {MAX_PAYLOAD // 1024} KiB ({MAX_PAYLOAD} bytes)",
        )
    error = nesting_error(value, "serviceRequestPayload")
    if error is not None:
        raise error
    return value


def state(value: str | None, default: str = "ENABLED") -> str:
    if value is None:
        return default
    if value not in STATES:
        raise not_one_of("state", value, STATES)
    return value


def choice(member: str, value: Any, allowed: tuple[str, ...] | list[str]) -> str:
    """A required string member that must be one of ``allowed``."""
    if value is None:
        raise missing(member)
    check_type(member, value, str)
    if value not in allowed:
        raise not_one_of(member, value, allowed)
    return str(value)


def int_range(member: str, value: int | None, low: int, high: int | None = None) -> int | None:
    if value is None:
        return None
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise invalid_value(member, value, f"it must be {bound}")
    return value


def tags(value: dict[str, str] | None) -> dict[str, str]:
    if value is None:
        return {}
    if len(value) > MAX_TAGS:
        raise invalid_value("tags", f"{len(value)} tags", f"at most {MAX_TAGS} tags are allowed")
    for key, tag_value in value.items():
        if not 1 <= len(key) <= 128:
            raise invalid_value("tags", key, "a tag key must be 1-128 characters long")
        if key.lower().startswith("aws:"):
            raise invalid_value("tags", key, "tag keys starting with 'aws:' are reserved")
        check_type(f"tags.{key}", tag_value, str)
        if len(tag_value) > 256:
            raise invalid_value("tags", key, "a tag value must be at most 256 characters long")
    return dict(value)


def capacity_limits(value: list[Any] | None) -> list[dict[str, Any]]:
    """Non-empty; NUM_INSTANCES once, or 1-5 distinct SageMaker instance types;
    maxCapacity >= 1."""
    if not value:
        raise missing("capacityLimits")
    limits: list[dict[str, Any]] = []
    units: set[str] = set()
    for i, raw in enumerate(value):
        member = f"capacityLimits[{i}]"
        check_type(member, raw, dict)
        max_capacity = raw.get("maxCapacity")
        unit = raw.get("capacityUnit")
        if max_capacity is None:
            raise missing(f"{member}.maxCapacity")
        max_capacity = check_type(f"{member}.maxCapacity", max_capacity, int)
        int_range(f"{member}.maxCapacity", max_capacity, 1)
        if not unit:
            raise missing(f"{member}.capacityUnit")
        check_type(f"{member}.capacityUnit", unit, str)
        if unit != NUM_INSTANCES and not INSTANCE_TYPE_PATTERN.match(unit):
            raise invalid_value(
                f"{member}.capacityUnit",
                unit,
                f"it must be {NUM_INSTANCES} or a SageMaker instance type such as ml.m5.large",
            )
        if unit in units:
            raise invalid_value(f"{member}.capacityUnit", unit, "each unit may appear only once")
        units.add(unit)
        limits.append({"maxCapacity": max_capacity, "capacityUnit": unit})
    if NUM_INSTANCES in units and len(units) > 1:
        raise ClientException(
            f"capacityLimits cannot mix {NUM_INSTANCES} with instance-type capacity units"
        )
    if len(units) > MAX_INSTANCE_TYPE_LIMITS:
        raise invalid_value(
            "capacityLimits",
            f"{len(units)} instance types",
            f"a quota management enabled service environment takes at most "
            f"{MAX_INSTANCE_TYPE_LIMITS} instance-type capacity limits",
        )
    return limits


def retry_strategy(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    attempts = value.get("attempts")
    if attempts is None:
        raise missing("retryStrategy.attempts")
    attempts = check_type("retryStrategy.attempts", attempts, int)
    int_range("retryStrategy.attempts", attempts, 1, 10)
    rules = value.get("evaluateOnExit")
    rules = [] if rules is None else check_type("retryStrategy.evaluateOnExit", rules, list)
    if len(rules) > 5:
        raise invalid_value(
            "retryStrategy.evaluateOnExit", f"{len(rules)} entries", "at most 5 are allowed"
        )
    checked = []
    for i, rule in enumerate(rules):
        member = f"retryStrategy.evaluateOnExit[{i}]"
        check_type(member, rule, dict)
        action = rule.get("action")
        if action is None:
            raise missing(f"{member}.action")
        check_type(f"{member}.action", action, str)
        if action.upper() not in RETRY_ACTIONS:
            raise not_one_of(f"{member}.action", action, RETRY_ACTIONS)
        # Matched in any case, echoed in the model's enum form (RETRY | EXIT).
        entry = {"action": action.upper()}
        reason = rule.get("onStatusReason")
        if reason is not None:
            check_type(f"{member}.onStatusReason", reason, str)
            if len(reason) > 512 or not reason.isprintable():
                raise invalid_value(
                    f"{member}.onStatusReason",
                    reason,
                    "it must be at most 512 printable characters",
                )
            entry["onStatusReason"] = reason
        checked.append(entry)
    return {"attempts": attempts, "evaluateOnExit": checked}


def timeout_config(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    seconds = value.get("attemptDurationSeconds")
    if seconds is None:
        return {}
    seconds = check_type("timeoutConfig.attemptDurationSeconds", seconds, int)
    int_range("timeoutConfig.attemptDurationSeconds", seconds, 60)
    return {"attemptDurationSeconds": seconds}


def preemption_configuration(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    retries = value.get("preemptionRetriesBeforeTermination")
    if retries is None:
        return {}
    member = "preemptionConfiguration.preemptionRetriesBeforeTermination"
    retries = check_type(member, retries, int)
    int_range(member, retries, 0)
    return {"preemptionRetriesBeforeTermination": retries}


def time_limit_actions(value: list[Any] | None) -> list[dict[str, Any]]:
    """jobStateTimeLimitActions as SAGEMAKER_TRAINING queues allow them."""
    if value is None:
        return []
    if len(value) > 5:
        raise invalid_value("jobStateTimeLimitActions", f"{len(value)} entries", "at most 5")
    actions = []
    for i, raw in enumerate(value):
        member = f"jobStateTimeLimitActions[{i}]"
        check_type(member, raw, dict)
        for required in ("reason", "state", "maxTimeSeconds", "action"):
            if raw.get(required) is None:
                raise missing(f"{member}.{required}")
        reason = choice(f"{member}.reason", raw["reason"], BLOCKING_REASONS)
        if check_type(f"{member}.state", raw["state"], str) != "RUNNABLE":
            raise not_one_of(f"{member}.state", raw["state"], ("RUNNABLE",))
        if check_type(f"{member}.action", raw["action"], str) != "TERMINATE":
            raise invalid_value(
                f"{member}.action",
                raw["action"],
                "SAGEMAKER_TRAINING job queues only support the TERMINATE action",
            )
        seconds = check_type(f"{member}.maxTimeSeconds", raw["maxTimeSeconds"], int)
        int_range(f"{member}.maxTimeSeconds", seconds, 600, 86400)
        actions.append(
            {
                "reason": reason,
                "state": "RUNNABLE",
                "maxTimeSeconds": seconds,
                "action": "TERMINATE",
            }
        )
    return actions


SHARE_PATTERN = re.compile(r"^[A-Za-z0-9]{0,255}\*?$")
MAX_SHARE_DECAY_SECONDS = 604_800  # a week
MAX_COMPUTE_RESERVATION = 99
WEIGHT_FACTOR = (0.0001, 999.9999)


def fairshare_policy(value: Any) -> dict[str, Any] | None:
    """A ``fairsharePolicy`` (CreateSchedulingPolicy, UpdateSchedulingPolicy) by the model's
    types and the ranges AWS documents: ``shareDecaySeconds`` 0 to 604,800,
    ``computeReservation`` 0 to 99, each ``shareDistribution`` entry an object with a
    ``shareIdentifier`` of at most 255 letters and digits, optionally ending in ``*``, and a
    ``weightFactor`` from 0.0001 to 999.9999; identifiers that overlap (``UserA*`` and
    ``UserA1``) are refused."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ClientException(f"fairsharePolicy must be an object, not {type(value).__name__}")
    member = "fairsharePolicy"
    for key, high in (
        ("shareDecaySeconds", MAX_SHARE_DECAY_SECONDS),
        ("computeReservation", MAX_COMPUTE_RESERVATION),
    ):
        if value.get(key) is not None:
            int_range(f"{member}.{key}", check_type(f"{member}.{key}", value[key], int), 0, high)
    distribution = value.get("shareDistribution")
    if distribution is None:
        return value
    if not isinstance(distribution, list):
        raise ClientException(
            f"{member}.shareDistribution must be a list, not {type(distribution).__name__}"
        )
    identifiers: list[str] = []
    for index, entry in enumerate(distribution):
        at = f"{member}.shareDistribution[{index}]"
        if not isinstance(entry, dict):
            raise ClientException(f"{at} must be an object, not {type(entry).__name__}")
        identifier = entry.get("shareIdentifier")
        if identifier is None or identifier == "":
            raise missing(f"{at}.shareIdentifier")
        identifier = check_type(f"{at}.shareIdentifier", identifier, str)
        if identifier == "*" or not SHARE_PATTERN.match(identifier):
            raise invalid_value(
                f"{at}.shareIdentifier",
                identifier,
                "it must be at most 255 letters and digits, optionally followed by *",
            )
        weight = entry.get("weightFactor")
        if weight is not None:
            if isinstance(weight, bool) or not isinstance(weight, (int, float)):
                raise ClientException(
                    f"{at}.weightFactor must be a number, not {type(weight).__name__}"
                )
            if not WEIGHT_FACTOR[0] <= weight <= WEIGHT_FACTOR[1]:
                raise invalid_value(
                    f"{at}.weightFactor", weight, "it must be between 0.0001 and 999.9999"
                )
        identifiers.append(identifier)
    overlap = _overlap(identifiers)
    if overlap is not None:
        raise ClientException(
            f"The share identifiers {overlap[0]} and {overlap[1]} of "
            f"{member}.shareDistribution overlap"
        )
    return value


def _overlap(identifiers: list[str]) -> tuple[str, str] | None:
    """Two share identifiers (``*`` ends a prefix) that can name the same share, if any: a
    repeated one, or a prefix and another identifier it covers. Sorted once, so a long list
    costs n log n."""
    ordered = sorted(identifiers)
    for first, second in zip(ordered, ordered[1:]):
        if first == second:
            return first, second
    for identifier in identifiers:
        if not identifier.endswith("*"):
            continue
        prefix = identifier[:-1]
        index = bisect.bisect_left(ordered, prefix)
        while index < len(ordered) and ordered[index].startswith(prefix):
            if ordered[index] != identifier:
                return identifier, ordered[index]
            index += 1
    return None
