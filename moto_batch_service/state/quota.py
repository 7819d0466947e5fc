"""Quota shares of SAGEMAKER_TRAINING queues with a quota-share scheduling policy.

A share guarantees its jobs capacity per SageMaker instance type (``capacityLimits``);
``resourceSharingConfiguration`` says whether it lends idle capacity (``LEND``), lends and
borrows (``LEND_AND_BORROW``, borrowing at most ``borrowLimit`` percent more than its own
limits; -1 = no limit) or keeps to itself (``RESERVE``).
"""

from __future__ import annotations

from typing import Any

from moto.core.common_models import BaseModel

from ..exceptions import invalid_value, missing
from ..rules import validation as check
from ..rules.params import check_type
from .dashboard import list_under_batch

STRATEGIES = ("RESERVE", "LEND", "LEND_AND_BORROW")
PREEMPTION_STATES = ("ENABLED", "DISABLED")
MAX_SHARES_PER_QUEUE = 20
MAX_LIMITS = 5
RECENT_PREEMPTIONS = 5


class QuotaShare(BaseModel):
    """One quota share of a queue."""

    def __init__(
        self,
        name: str,
        queue_arn: str,
        seq: int,
        capacity_limits: list[dict[str, Any]],
        resource_sharing: dict[str, Any],
        preemption: dict[str, Any],
        state: str,
        tags: dict[str, str],
    ):
        self.name = name
        self.queue_arn = queue_arn
        self.arn = self.arn_of(queue_arn, name)
        self.seq = seq
        self.capacity_limits = capacity_limits
        self.resource_sharing = resource_sharing
        self.preemption = preemption
        self.state = state
        self.status = "VALID"
        self.tags = tags

    @staticmethod
    def arn_of(queue_arn: str, name: str) -> str:
        return f"{queue_arn}/quota-share/{name}"

    @property
    def limits(self) -> dict[str, int]:
        return {limit["capacityUnit"]: limit["maxCapacity"] for limit in self.capacity_limits}

    @property
    def strategy(self) -> str:
        return str(self.resource_sharing["strategy"])

    @property
    def borrow_limit(self) -> int:
        return int(self.resource_sharing.get("borrowLimit", -1))

    @property
    def in_share_preemption(self) -> bool:
        return bool(self.preemption["inSharePreemption"] == "ENABLED")

    def detail(self) -> dict[str, Any]:
        """``QuotaShareDetail`` (ListQuotaShares)."""
        return {
            "quotaShareName": self.name,
            "quotaShareArn": self.arn,
            "jobQueueArn": self.queue_arn,
            "capacityLimits": [dict(limit) for limit in self.capacity_limits],
            "resourceSharingConfiguration": dict(self.resource_sharing),
            "preemptionConfiguration": dict(self.preemption),
            "state": self.state,
            "status": self.status,
        }

    def describe(self) -> dict[str, Any]:
        """The DescribeQuotaShare response."""
        return {**self.detail(), "tags": dict(self.tags)}


list_under_batch(QuotaShare)


def capacity_limits(value: list[Any] | None) -> list[dict[str, Any]]:
    """1-5 limits, each a distinct SageMaker instance type with maxCapacity >= 1."""
    if not value:
        raise missing("capacityLimits")
    if len(value) > MAX_LIMITS:
        raise invalid_value("capacityLimits", f"{len(value)} entries", f"at most {MAX_LIMITS}")
    limits = check.capacity_limits(value)
    for i, limit in enumerate(limits):
        if limit["capacityUnit"] == check.NUM_INSTANCES:
            raise invalid_value(
                f"capacityLimits[{i}].capacityUnit",
                check.NUM_INSTANCES,
                "a quota share limits SageMaker instance types such as ml.m5.large",
            )
    return limits


def resource_sharing(value: dict[str, Any] | None) -> dict[str, Any]:
    if value is None:
        raise missing("resourceSharingConfiguration")
    strategy = check.choice(
        "resourceSharingConfiguration.strategy", value.get("strategy"), STRATEGIES
    )
    sharing: dict[str, Any] = {"strategy": strategy}
    borrow = value.get("borrowLimit")
    if borrow is not None:
        borrow = check_type("resourceSharingConfiguration.borrowLimit", borrow, int)
        if strategy != "LEND_AND_BORROW":
            raise invalid_value(
                "resourceSharingConfiguration.borrowLimit",
                borrow,
                "a borrow limit is only allowed with the LEND_AND_BORROW strategy",
            )
        if borrow < -1:
            raise invalid_value(
                "resourceSharingConfiguration.borrowLimit",
                borrow,
                "it must be a percentage (0 or more), or -1 for no limit",
            )
        sharing["borrowLimit"] = borrow
    elif strategy == "LEND_AND_BORROW":
        sharing["borrowLimit"] = -1
    return sharing


def preemption(value: dict[str, Any] | None) -> dict[str, Any]:
    if value is None:
        raise missing("preemptionConfiguration")
    state = check.choice(
        "preemptionConfiguration.inSharePreemption",
        value.get("inSharePreemption"),
        PREEMPTION_STATES,
    )
    return {"inSharePreemption": state}


def quota_share_policy(value: dict[str, Any] | None) -> dict[str, Any]:
    """A scheduling policy's ``quotaSharePolicy``."""
    if value is None:
        raise missing("quotaSharePolicy")
    member = "quotaSharePolicy.idleResourceAssignmentStrategy"
    strategy = check.choice(member, value.get("idleResourceAssignmentStrategy"), ["FIFO"])
    return {"idleResourceAssignmentStrategy": strategy}
