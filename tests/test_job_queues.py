"""Job queues of type SAGEMAKER_TRAINING next to moto's container job queues (spec section 5)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from moto_batch_service import add_service_job
from tests.conftest import ACCOUNT, REGION, invalid, refused, submit, without_metadata

TYPE = "SAGEMAKER_TRAINING"
BATCH_ARN = f"arn:aws:batch:{REGION}:{ACCOUNT}:"
ALREADY_EXISTS = "Object already exists"
NO_SERVICE_ORDER = (
    "serviceEnvironmentOrder must list at least one service environment "
    "for a SAGEMAKER_TRAINING job queue"
)
TWO_ENVIRONMENTS = (
    "serviceEnvironmentOrder lists 2 service environments; a job queue can have only one "
    "service environment"
)
COMPUTE_ORDER_REFUSED = (
    "A SAGEMAKER_TRAINING job queue takes serviceEnvironmentOrder, not computeEnvironmentOrder"
)
BAD_NAME = (
    "it must be 1-128 characters long and contain only letters, numbers, "
    "hyphens (-) and underscores (_)"
)
BLOCKING_REASONS = (
    "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY | MISCONFIGURATION:SERVICE_ENVIRONMENT_MAX_RESOURCE"
    " | MISCONFIGURATION:QUOTA_MANAGEMENT_LIMIT_EXCEEDED"
)


def queue_arn(name: str) -> str:
    return f"{BATCH_ARN}job-queue/{name}"


def env_arn(name: str) -> str:
    return f"{BATCH_ARN}service-environment/{name}"


def make_env(batch: Any, name: str, **extra: Any) -> str:
    batch.create_service_environment(
        serviceEnvironmentName=name,
        serviceEnvironmentType=TYPE,
        capacityLimits=[{"maxCapacity": 10, "capacityUnit": "NUM_INSTANCES"}],
        **extra,
    )
    return name


def order(*envs: str) -> list[dict[str, Any]]:
    return [{"order": i, "serviceEnvironment": env} for i, env in enumerate(envs, start=1)]


def create_queue(batch: Any, name: str, *envs: str, **extra: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "jobQueueName": name,
        "priority": 1,
        "jobQueueType": TYPE,
        "serviceEnvironmentOrder": order(*envs),
    }
    request.update(extra)
    return batch.create_job_queue(**request)  # type: ignore[no-any-return]


def queue_entry(
    name: str,
    *envs: str,
    state: str = "ENABLED",
    priority: int = 1,
    tags: dict[str, str] | None = None,
    actions: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The DescribeJobQueues entry expected for a SAGEMAKER_TRAINING queue."""
    return {
        "jobQueueName": name,
        "jobQueueArn": queue_arn(name),
        "state": state,
        "status": "VALID",
        "statusReason": "JobQueue Healthy",
        "priority": priority,
        "computeEnvironmentOrder": [],
        "serviceEnvironmentOrder": [
            {"order": i, "serviceEnvironment": env_arn(env)} for i, env in enumerate(envs, start=1)
        ],
        "jobQueueType": TYPE,
        "tags": {} if tags is None else tags,
        "jobStateTimeLimitActions": [] if actions is None else actions,
    }


def make_compute_env(batch: Any, name: str = "compute-env") -> str:
    iam = boto3.client("iam", region_name=REGION)
    try:
        role = iam.get_role(RoleName="batch-service-role")["Role"]["Arn"]
    except ClientError:
        role = iam.create_role(RoleName="batch-service-role", AssumeRolePolicyDocument="{}")[
            "Role"
        ]["Arn"]
    response = batch.create_compute_environment(
        computeEnvironmentName=name, type="UNMANAGED", state="ENABLED", serviceRole=role
    )
    return response["computeEnvironmentArn"]  # type: ignore[no-any-return]


def make_container_queue(batch: Any, name: str, compute_env: str | None = None) -> str:
    compute_env = compute_env or make_compute_env(batch)
    response = batch.create_job_queue(
        jobQueueName=name,
        priority=5,
        state="ENABLED",
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": compute_env}],
    )
    return response["jobQueueArn"]  # type: ignore[no-any-return]


def container_entry(name: str, compute_env: str) -> dict[str, Any]:
    """A container queue as moto describes it (and botocore parses it)."""
    return {
        "jobQueueName": name,
        "jobQueueArn": queue_arn(name),
        "state": "ENABLED",
        "status": "VALID",
        "priority": 5,
        "computeEnvironmentOrder": [{"order": 1, "computeEnvironment": compute_env}],
        "tags": {},
    }


def queues(batch: Any, *identifiers: str) -> list[dict[str, Any]]:
    if identifiers:
        return batch.describe_job_queues(jobQueues=list(identifiers))["jobQueues"]  # type: ignore[no-any-return]
    return batch.describe_job_queues()["jobQueues"]  # type: ignore[no-any-return]


def by_name(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["jobQueueName"]: e for e in entries}


def time_limit(**change: Any) -> dict[str, Any]:
    action: dict[str, Any] = {
        "reason": "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
        "state": "RUNNABLE",
        "maxTimeSeconds": 600,
        "action": "TERMINATE",
    }
    action.update(change)
    return action


# -- CreateJobQueue of type SAGEMAKER_TRAINING -------------------------------------------


def test_create_returns_the_queue_name_and_arn(batch):
    make_env(batch, "env-1")
    response = create_queue(batch, "queue-1", "env-1")
    assert without_metadata(response) == {
        "jobQueueName": "queue-1",
        "jobQueueArn": queue_arn("queue-1"),
    }


def test_create_with_the_environment_name_describes_it_by_arn(batch):
    make_env(batch, "env-1")
    create_queue(batch, "queue-1", "env-1")
    assert queues(batch) == [queue_entry("queue-1", "env-1")]


def test_create_with_the_environment_arn(batch):
    make_env(batch, "env-1")
    create_queue(batch, "queue-1", env_arn("env-1"))
    assert queues(batch) == [queue_entry("queue-1", "env-1")]


def test_create_infers_the_type_from_the_service_environment_order(batch):
    make_env(batch, "env-1")
    batch.create_job_queue(
        jobQueueName="queue-1", priority=1, serviceEnvironmentOrder=order("env-1")
    )
    assert queues(batch) == [queue_entry("queue-1", "env-1")]


def test_create_accepts_an_empty_compute_environment_order(batch):
    make_env(batch, "env-1")
    create_queue(batch, "queue-1", "env-1", computeEnvironmentOrder=[])
    assert queues(batch) == [queue_entry("queue-1", "env-1")]


def test_create_accepts_an_empty_compute_environment_order_without_a_type(batch):
    make_env(batch, "env-1")
    batch.create_job_queue(
        jobQueueName="queue-1",
        priority=1,
        computeEnvironmentOrder=[],
        serviceEnvironmentOrder=order("env-1"),
    )
    assert queues(batch) == [queue_entry("queue-1", "env-1")]


def test_create_stores_every_member_as_given(batch):
    make_env(batch, "env-2", state="DISABLED")
    actions = [
        time_limit(maxTimeSeconds=600),
        time_limit(
            reason="MISCONFIGURATION:SERVICE_ENVIRONMENT_MAX_RESOURCE", maxTimeSeconds=86400
        ),
        time_limit(reason="MISCONFIGURATION:QUOTA_MANAGEMENT_LIMIT_EXCEEDED", maxTimeSeconds=3600),
    ]
    create_queue(
        batch,
        "queue-1",
        env_arn("env-2"),
        priority=1000,
        state="DISABLED",
        tags={"team": "ml"},
        jobStateTimeLimitActions=actions,
    )
    assert queues(batch) == [
        queue_entry(
            "queue-1",
            "env-2",
            state="DISABLED",
            priority=1000,
            tags={"team": "ml"},
            actions=actions,
        )
    ]


def test_create_accepts_priority_zero(batch):
    make_env(batch, "env-1")
    create_queue(batch, "queue-1", "env-1", priority=0)
    assert queues(batch) == [queue_entry("queue-1", "env-1", priority=0)]


def test_several_queues_may_share_an_environment(batch):
    make_env(batch, "env-1")
    create_queue(batch, "queue-1", "env-1")
    create_queue(batch, "queue-2", "env-1", priority=7)
    assert queues(batch) == [
        queue_entry("queue-1", "env-1"),
        queue_entry("queue-2", "env-1", priority=7),
    ]


def test_create_with_a_used_sagemaker_queue_name_is_refused(batch):
    make_env(batch, "env-1")
    create_queue(batch, "queue-1", "env-1")
    with pytest.raises(ClientError) as exc_info:
        create_queue(batch, "queue-1", "env-1", priority=9)
    refused(exc_info, ALREADY_EXISTS)
    assert queues(batch) == [queue_entry("queue-1", "env-1")]


# -- one name space for both kinds of queue ----------------------------------------------


def test_a_container_queue_name_cannot_be_used_for_a_sagemaker_queue(batch):
    compute_env = make_compute_env(batch)
    make_container_queue(batch, "shared", compute_env)
    make_env(batch, "env-1")
    with pytest.raises(ClientError) as exc_info:
        create_queue(batch, "shared", "env-1")
    refused(exc_info, ALREADY_EXISTS)
    assert queues(batch) == [container_entry("shared", compute_env)]


def test_a_sagemaker_queue_name_cannot_be_used_for_a_container_queue(batch):
    make_env(batch, "env-1")
    create_queue(batch, "shared", "env-1")
    compute_env = make_compute_env(batch)
    with pytest.raises(ClientError) as exc_info:
        make_container_queue(batch, "shared", compute_env)
    refused(exc_info, ALREADY_EXISTS)
    assert queues(batch) == [queue_entry("shared", "env-1")]


def test_an_inferred_sagemaker_queue_cannot_take_a_container_queue_name(batch):
    compute_env = make_compute_env(batch)
    make_container_queue(batch, "shared", compute_env)
    make_env(batch, "env-1")
    with pytest.raises(ClientError) as exc_info:
        batch.create_job_queue(
            jobQueueName="shared", priority=1, serviceEnvironmentOrder=order("env-1")
        )
    refused(exc_info, ALREADY_EXISTS)
    assert queues(batch) == [container_entry("shared", compute_env)]


def test_a_sagemaker_queue_name_is_free_again_after_its_deletion_for_a_container_queue(batch):
    make_env(batch, "env-1")
    create_queue(batch, "shared", "env-1", state="DISABLED")
    batch.delete_job_queue(jobQueue="shared")
    compute_env = make_compute_env(batch)
    make_container_queue(batch, "shared", compute_env)
    assert queues(batch) == [container_entry("shared", compute_env)]


@pytest.mark.parametrize("identifier", ["container-1", queue_arn("container-1")])
def test_a_container_queue_cannot_take_a_service_environment_order(batch, identifier):
    compute_env = make_compute_env(batch)
    make_container_queue(batch, "container-1", compute_env)
    make_env(batch, "env-1")
    with pytest.raises(ClientError) as exc_info:
        batch.update_job_queue(
            jobQueue=identifier, priority=9, serviceEnvironmentOrder=order("env-1")
        )
    refused(
        exc_info,
        f"Job queue {identifier} is not of type SAGEMAKER_TRAINING "
        "and cannot take serviceEnvironmentOrder",
    )
    assert queues(batch) == [container_entry("container-1", compute_env)]


def test_update_of_an_unknown_queue_with_a_service_environment_order_is_refused(batch):
    make_env(batch, "env-1")
    with pytest.raises(ClientError) as exc_info:
        batch.update_job_queue(jobQueue="missing", serviceEnvironmentOrder=order("env-1"))
    refused(exc_info, "Job queue missing does not exist")


def test_a_container_queue_may_be_updated_with_an_empty_service_environment_order(batch):
    compute_env = make_compute_env(batch)
    make_container_queue(batch, "container-1", compute_env)
    batch.update_job_queue(jobQueue="container-1", state="DISABLED", serviceEnvironmentOrder=[])
    assert queues(batch) == [dict(container_entry("container-1", compute_env), state="DISABLED")]


# -- DescribeJobQueues across both kinds -------------------------------------------------


def test_describe_lists_container_and_sagemaker_queues(batch):
    compute_env = make_compute_env(batch)
    make_container_queue(batch, "container-1", compute_env)
    make_env(batch, "env-1")
    create_queue(batch, "sagemaker-1", "env-1")
    make_container_queue(batch, "container-2", compute_env)
    assert by_name(queues(batch)) == {
        "container-1": container_entry("container-1", compute_env),
        "container-2": container_entry("container-2", compute_env),
        "sagemaker-1": queue_entry("sagemaker-1", "env-1"),
    }


def test_describe_filters_both_kinds_by_name_and_arn(batch):
    compute_env = make_compute_env(batch)
    make_container_queue(batch, "container-1", compute_env)
    make_container_queue(batch, "container-2", compute_env)
    make_env(batch, "env-1")
    create_queue(batch, "sagemaker-1", "env-1")
    create_queue(batch, "sagemaker-2", "env-1")
    found = queues(batch, "container-2", queue_arn("sagemaker-1"), "missing", queue_arn("nope"))
    assert by_name(found) == {
        "container-2": container_entry("container-2", compute_env),
        "sagemaker-1": queue_entry("sagemaker-1", "env-1"),
    }
    assert len(found) == 2


def test_describe_by_the_arn_of_a_container_queue_and_the_name_of_a_sagemaker_queue(batch):
    compute_env = make_compute_env(batch)
    make_container_queue(batch, "container-1", compute_env)
    make_env(batch, "env-1")
    create_queue(batch, "sagemaker-1", "env-1")
    create_queue(batch, "sagemaker-2", "env-1")
    found = queues(batch, queue_arn("container-1"), "sagemaker-2")
    assert by_name(found) == {
        "container-1": container_entry("container-1", compute_env),
        "sagemaker-2": queue_entry("sagemaker-2", "env-1"),
    }
    assert len(found) == 2


def test_describe_of_only_sagemaker_queues_leaves_out_container_queues(batch):
    make_container_queue(batch, "container-1")
    make_env(batch, "env-1")
    create_queue(batch, "sagemaker-1", "env-1")
    assert queues(batch, "sagemaker-1") == [queue_entry("sagemaker-1", "env-1")]


def test_describe_of_only_container_queues_leaves_out_sagemaker_queues(batch):
    compute_env = make_compute_env(batch)
    make_container_queue(batch, "container-1", compute_env)
    make_env(batch, "env-1")
    create_queue(batch, "sagemaker-1", "env-1")
    assert queues(batch, "container-1") == [container_entry("container-1", compute_env)]


def test_describe_of_unknown_queues_is_empty(batch):
    make_container_queue(batch, "container-1")
    make_env(batch, "env-1")
    create_queue(batch, "sagemaker-1", "env-1")
    assert queues(batch, "missing", queue_arn("gone")) == []


def test_describe_lists_a_queue_named_by_name_and_arn_once(batch):
    make_env(batch, "env-1")
    create_queue(batch, "sagemaker-1", "env-1")
    assert queues(batch, "sagemaker-1", queue_arn("sagemaker-1")) == [
        queue_entry("sagemaker-1", "env-1")
    ]


def test_describe_lists_sagemaker_queues_in_creation_order(batch):
    make_env(batch, "env-1")
    for name in ("charlie", "alpha", "bravo"):
        create_queue(batch, name, "env-1")
    assert [q["jobQueueName"] for q in queues(batch)] == ["charlie", "alpha", "bravo"]


# -- CreateJobQueue validation ------------------------------------------------------------

INVALID_CREATES = [
    pytest.param(
        {"serviceEnvironmentOrder": order("missing")},
        "Service environment missing does not exist",
        id="unknown-environment",
    ),
    pytest.param(
        {"serviceEnvironmentOrder": order(env_arn("missing"))},
        f"Service environment {env_arn('missing')} does not exist",
        id="unknown-environment-arn",
    ),
    pytest.param(
        {"serviceEnvironmentOrder": order("env-1", "env-2")},
        TWO_ENVIRONMENTS,
        id="two-environments",
    ),
    pytest.param(
        {"serviceEnvironmentOrder": order("env-1", "missing")},
        TWO_ENVIRONMENTS,
        id="second-environment-unknown",
    ),
    pytest.param(
        {"serviceEnvironmentOrder": order("env-1", env_arn("env-1"))},
        TWO_ENVIRONMENTS,
        id="environment-listed-twice",
    ),
    pytest.param(
        {"computeEnvironmentOrder": [{"order": 1, "computeEnvironment": "compute-env"}]},
        COMPUTE_ORDER_REFUSED,
        id="non-empty-compute-environment-order",
    ),
    pytest.param(
        {"serviceEnvironmentOrder": None},
        NO_SERVICE_ORDER,
        id="no-service-environment-order",
    ),
    pytest.param(
        {"serviceEnvironmentOrder": []},
        NO_SERVICE_ORDER,
        id="empty-service-environment-order",
    ),
    pytest.param(
        {"serviceEnvironmentOrder": None, "computeEnvironmentOrder": []},
        NO_SERVICE_ORDER,
        id="only-empty-compute-environment-order",
    ),
    pytest.param(
        {"jobQueueType": "ECS"},
        "serviceEnvironmentOrder is only valid for SAGEMAKER_TRAINING job queues",
        id="service-environment-order-on-ecs-queue",
    ),
    pytest.param(
        {"priority": -1},
        invalid("priority", -1, "it must be between 0 and 1000"),
        id="priority-negative",
    ),
    pytest.param(
        {"priority": 1001},
        invalid("priority", 1001, "it must be between 0 and 1000"),
        id="priority-too-high",
    ),
    pytest.param(
        {"state": "PAUSED"},
        "state PAUSED must be one of ENABLED | DISABLED",
        id="bad-state",
    ),
    pytest.param(
        {"jobQueueName": "my queue"},
        invalid("jobQueueName", "my queue", BAD_NAME),
        id="bad-name",
    ),
    pytest.param(
        {"jobQueueName": "q" * 129},
        f"Invalid value for jobQueueName ('{'q' * 98}\u2026): {BAD_NAME}",
        id="name-too-long",
    ),
    pytest.param(
        {"tags": {"aws:team": "ml"}},
        invalid("tags", "aws:team", "tag keys starting with 'aws:' are reserved"),
        id="tag-key-aws-prefix",
    ),
    pytest.param(
        {"jobStateTimeLimitActions": [time_limit(action="CANCEL")]},
        invalid(
            "jobStateTimeLimitActions[0].action",
            "CANCEL",
            "SAGEMAKER_TRAINING job queues only support the TERMINATE action",
        ),
        id="time-limit-action-cancel",
    ),
    pytest.param(
        {"jobStateTimeLimitActions": [time_limit(), time_limit(maxTimeSeconds=599)]},
        invalid(
            "jobStateTimeLimitActions[1].maxTimeSeconds", 599, "it must be between 600 and 86400"
        ),
        id="time-limit-below-600",
    ),
    pytest.param(
        {"jobStateTimeLimitActions": [time_limit(maxTimeSeconds=86401)]},
        invalid(
            "jobStateTimeLimitActions[0].maxTimeSeconds", 86401, "it must be between 600 and 86400"
        ),
        id="time-limit-above-86400",
    ),
    pytest.param(
        {
            "jobStateTimeLimitActions": [
                time_limit(reason="MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE")
            ]
        },
        "jobStateTimeLimitActions[0].reason MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE "
        f"must be one of {BLOCKING_REASONS}",
        id="time-limit-unknown-reason",
    ),
    pytest.param(
        {"jobStateTimeLimitActions": [time_limit(state="SUBMITTED")]},
        "jobStateTimeLimitActions[0].state SUBMITTED must be one of RUNNABLE",
        id="time-limit-state-not-runnable",
    ),
]


@pytest.mark.parametrize(("change", "message"), INVALID_CREATES)
def test_create_with_an_invalid_member_is_refused_and_stores_nothing(batch, change, message):
    make_env(batch, "env-1")
    make_env(batch, "env-2")
    request: dict[str, Any] = {
        "jobQueueName": "queue-1",
        "priority": 1,
        "jobQueueType": TYPE,
        "serviceEnvironmentOrder": order("env-1"),
    }
    request.update(change)
    request = {k: v for k, v in request.items() if v is not None}
    with pytest.raises(ClientError) as exc_info:
        batch.create_job_queue(**request)
    refused(exc_info, message)
    assert queues(batch) == []


def test_a_refused_create_does_not_take_the_name(batch):
    make_env(batch, "env-1")
    with pytest.raises(ClientError):
        create_queue(batch, "queue-1", "missing")
    create_queue(batch, "queue-1", "env-1")
    assert queues(batch) == [queue_entry("queue-1", "env-1")]


# -- UpdateJobQueue on a SAGEMAKER_TRAINING queue ---------------------------------------


@pytest.fixture
def sagemaker_queue(batch: Any) -> str:
    make_env(batch, "env-1")
    make_env(batch, "env-2")
    create_queue(batch, "queue-1", "env-1", priority=10, tags={"k": "v"})
    return "queue-1"


def test_update_returns_the_queue_name_and_arn(batch, sagemaker_queue):
    response = batch.update_job_queue(jobQueue=sagemaker_queue, state="DISABLED")
    assert without_metadata(response) == {
        "jobQueueName": "queue-1",
        "jobQueueArn": queue_arn("queue-1"),
    }


def test_update_state(batch, sagemaker_queue):
    batch.update_job_queue(jobQueue=sagemaker_queue, state="DISABLED")
    assert queues(batch) == [
        queue_entry("queue-1", "env-1", state="DISABLED", priority=10, tags={"k": "v"})
    ]
    batch.update_job_queue(jobQueue=sagemaker_queue, state="ENABLED")
    assert queues(batch) == [queue_entry("queue-1", "env-1", priority=10, tags={"k": "v"})]


def test_update_priority(batch, sagemaker_queue):
    batch.update_job_queue(jobQueue=sagemaker_queue, priority=0)
    assert queues(batch) == [queue_entry("queue-1", "env-1", priority=0, tags={"k": "v"})]


def test_update_by_arn(batch, sagemaker_queue):
    response = batch.update_job_queue(jobQueue=queue_arn(sagemaker_queue), priority=1000)
    assert response["jobQueueName"] == "queue-1"
    assert queues(batch) == [queue_entry("queue-1", "env-1", priority=1000, tags={"k": "v"})]


def test_update_service_environment_order_replaces_it(batch, sagemaker_queue):
    make_env(batch, "env-3")
    batch.update_job_queue(
        jobQueue=sagemaker_queue, serviceEnvironmentOrder=order(env_arn("env-3"))
    )
    assert queues(batch) == [queue_entry("queue-1", "env-3", priority=10, tags={"k": "v"})]


def test_update_time_limit_actions_sets_and_clears_them(batch, sagemaker_queue):
    actions = [time_limit(maxTimeSeconds=1200)]
    batch.update_job_queue(jobQueue=sagemaker_queue, jobStateTimeLimitActions=actions)
    assert queues(batch) == [
        queue_entry("queue-1", "env-1", priority=10, tags={"k": "v"}, actions=actions)
    ]
    batch.update_job_queue(jobQueue=sagemaker_queue, jobStateTimeLimitActions=[])
    assert queues(batch) == [queue_entry("queue-1", "env-1", priority=10, tags={"k": "v"})]


def test_update_of_several_members_at_once(batch, sagemaker_queue):
    actions = [time_limit(reason="MISCONFIGURATION:SERVICE_ENVIRONMENT_MAX_RESOURCE")]
    batch.update_job_queue(
        jobQueue=sagemaker_queue,
        state="DISABLED",
        priority=3,
        serviceEnvironmentOrder=order("env-2"),
        jobStateTimeLimitActions=actions,
    )
    assert queues(batch) == [
        queue_entry(
            "queue-1", "env-2", state="DISABLED", priority=3, tags={"k": "v"}, actions=actions
        )
    ]


def test_update_with_an_empty_compute_environment_order_changes_nothing_else(
    batch, sagemaker_queue
):
    batch.update_job_queue(jobQueue=sagemaker_queue, computeEnvironmentOrder=[], priority=4)
    assert queues(batch) == [queue_entry("queue-1", "env-1", priority=4, tags={"k": "v"})]


def test_update_with_a_compute_environment_order_is_refused(batch, sagemaker_queue):
    compute_env = make_compute_env(batch)
    with pytest.raises(ClientError) as exc_info:
        batch.update_job_queue(
            jobQueue=sagemaker_queue,
            priority=99,
            computeEnvironmentOrder=[{"order": 1, "computeEnvironment": compute_env}],
        )
    refused(
        exc_info,
        "Job queue queue-1 is of type SAGEMAKER_TRAINING and cannot take computeEnvironmentOrder",
    )
    assert queues(batch) == [queue_entry("queue-1", "env-1", priority=10, tags={"k": "v"})]


INVALID_UPDATES = [
    pytest.param(
        {"state": "DISABLED", "priority": 1001},
        invalid("priority", 1001, "it must be between 0 and 1000"),
        id="priority-too-high",
    ),
    pytest.param(
        {"priority": 2, "state": "PAUSED"},
        "state PAUSED must be one of ENABLED | DISABLED",
        id="bad-state",
    ),
    pytest.param(
        {"state": "DISABLED", "serviceEnvironmentOrder": order("missing")},
        "Service environment missing does not exist",
        id="unknown-environment",
    ),
    pytest.param(
        {"priority": 2, "serviceEnvironmentOrder": []},
        NO_SERVICE_ORDER,
        id="empty-service-environment-order",
    ),
    pytest.param(
        {"priority": 2, "serviceEnvironmentOrder": order("env-1", "env-2")},
        TWO_ENVIRONMENTS,
        id="second-environment",
    ),
    pytest.param(
        {"state": "DISABLED", "jobStateTimeLimitActions": [time_limit(action="CANCEL")]},
        invalid(
            "jobStateTimeLimitActions[0].action",
            "CANCEL",
            "SAGEMAKER_TRAINING job queues only support the TERMINATE action",
        ),
        id="time-limit-action-cancel",
    ),
    pytest.param(
        {"priority": 2, "jobStateTimeLimitActions": [time_limit(maxTimeSeconds=100000)]},
        invalid(
            "jobStateTimeLimitActions[0].maxTimeSeconds",
            100000,
            "it must be between 600 and 86400",
        ),
        id="time-limit-too-long",
    ),
    pytest.param(
        {"priority": 2, "schedulingPolicyArn": f"{BATCH_ARN}scheduling-policy/fair"},
        "Job queue queue-1 has no scheduling policy; a FIFO job queue cannot be given one",
        id="scheduling-policy-on-fifo-queue",
    ),
]


@pytest.mark.parametrize(("change", "message"), INVALID_UPDATES)
def test_a_refused_update_changes_nothing(batch, sagemaker_queue, change, message):
    with pytest.raises(ClientError) as exc_info:
        batch.update_job_queue(jobQueue=sagemaker_queue, **change)
    refused(exc_info, message)
    assert queues(batch) == [queue_entry("queue-1", "env-1", priority=10, tags={"k": "v"})]


# -- DeleteJobQueue of a SAGEMAKER_TRAINING queue ---------------------------------------


def test_delete_of_an_enabled_queue_is_refused(batch, sagemaker_queue):
    with pytest.raises(ClientError) as exc_info:
        batch.delete_job_queue(jobQueue=sagemaker_queue)
    refused(exc_info, "Job queue queue-1 must be DISABLED before it can be deleted")
    assert queues(batch) == [queue_entry("queue-1", "env-1", priority=10, tags={"k": "v"})]


def test_delete_of_a_disabled_queue_removes_it(batch, sagemaker_queue):
    create_queue(batch, "queue-2", "env-2")
    batch.update_job_queue(jobQueue=sagemaker_queue, state="DISABLED")
    response = batch.delete_job_queue(jobQueue=sagemaker_queue)
    assert without_metadata(response) == {}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert queues(batch) == [queue_entry("queue-2", "env-2")]


def test_delete_by_arn(batch, sagemaker_queue):
    batch.update_job_queue(jobQueue=sagemaker_queue, state="DISABLED")
    batch.delete_job_queue(jobQueue=queue_arn(sagemaker_queue))
    assert queues(batch) == []


def test_delete_keeps_a_container_queue(batch, sagemaker_queue):
    compute_env = make_compute_env(batch)
    make_container_queue(batch, "container-1", compute_env)
    batch.update_job_queue(jobQueue=sagemaker_queue, state="DISABLED")
    batch.delete_job_queue(jobQueue=sagemaker_queue)
    assert queues(batch) == [container_entry("container-1", compute_env)]


def test_delete_fails_the_jobs_that_have_not_finished(batch, sagemaker_queue):
    submitted = submit(batch, sagemaker_queue, "submitted")["jobId"]
    running = add_service_job(sagemaker_queue, "running", status="RUNNING").job_id
    runnable = add_service_job(sagemaker_queue, "runnable", status="RUNNABLE").job_id
    batch.update_job_queue(jobQueue=sagemaker_queue, state="DISABLED")
    batch.delete_job_queue(jobQueue=sagemaker_queue)
    for job_id in (submitted, running, runnable):
        job = batch.describe_service_job(jobId=job_id)
        assert (job["status"], job["statusReason"]) == ("FAILED", "Job queue deleted")
        assert job["stoppedAt"] >= job["createdAt"]


def test_delete_keeps_finished_jobs_as_they_were(batch, sagemaker_queue):
    succeeded = add_service_job(sagemaker_queue, "done", status="SUCCEEDED")
    failed = add_service_job(sagemaker_queue, "broken", status="FAILED", status_reason="boom")
    before = {
        job.job_id: without_metadata(batch.describe_service_job(jobId=job.job_id))
        for job in (succeeded, failed)
    }
    batch.update_job_queue(jobQueue=sagemaker_queue, state="DISABLED")
    batch.delete_job_queue(jobQueue=sagemaker_queue)
    after = {
        job_id: without_metadata(batch.describe_service_job(jobId=job_id)) for job_id in before
    }
    assert after == before
    assert [after[failed.job_id]["status"], after[failed.job_id]["statusReason"]] == [
        "FAILED",
        "boom",
    ]


def test_delete_closes_the_attempt_of_a_dispatched_job(batch, sagemaker_queue):
    job = add_service_job(sagemaker_queue, "running", status="RUNNING")
    batch.update_job_queue(jobQueue=sagemaker_queue, state="DISABLED")
    batch.delete_job_queue(jobQueue=sagemaker_queue)
    described = batch.describe_service_job(jobId=job.job_arn)
    training_job = described["latestAttempt"]["serviceResourceId"]
    assert described["attempts"] == [
        {
            "serviceResourceId": training_job,
            "startedAt": described["startedAt"],
            "stoppedAt": described["stoppedAt"],
            "statusReason": "Job queue deleted",
        }
    ]


def test_jobs_of_a_deleted_queue_can_still_be_described(batch, sagemaker_queue):
    job_id = submit(batch, sagemaker_queue, "orphan")["jobId"]
    batch.update_job_queue(jobQueue=sagemaker_queue, state="DISABLED")
    batch.delete_job_queue(jobQueue=sagemaker_queue)
    job = batch.describe_service_job(jobId=job_id)
    assert (job["jobId"], job["jobName"], job["jobQueue"]) == (
        job_id,
        "orphan",
        queue_arn(sagemaker_queue),
    )
    assert batch.describe_service_job(jobId=job_id)["status"] == "FAILED"


def test_a_deleted_queue_is_unknown_to_list_service_jobs(batch, sagemaker_queue):
    batch.update_job_queue(jobQueue=sagemaker_queue, state="DISABLED")
    batch.delete_job_queue(jobQueue=sagemaker_queue)
    with pytest.raises(ClientError) as exc_info:
        batch.list_service_jobs(jobQueue=sagemaker_queue)
    refused(exc_info, "JobQueue queue-1 not found.")


def test_a_deleted_queue_name_can_be_used_again(batch, sagemaker_queue):
    batch.update_job_queue(jobQueue=sagemaker_queue, state="DISABLED")
    batch.delete_job_queue(jobQueue=sagemaker_queue)
    response = create_queue(batch, "queue-1", "env-2", priority=2)
    assert response["jobQueueArn"] == queue_arn("queue-1")
    assert queues(batch) == [queue_entry("queue-1", "env-2", priority=2)]


def test_a_deleted_queue_no_longer_holds_its_environment(batch, sagemaker_queue):
    batch.update_job_queue(jobQueue=sagemaker_queue, state="DISABLED")
    batch.delete_job_queue(jobQueue=sagemaker_queue)
    batch.update_service_environment(serviceEnvironment="env-1", state="DISABLED")
    batch.delete_service_environment(serviceEnvironment="env-1")
    names = [
        e["serviceEnvironmentName"]
        for e in batch.describe_service_environments()["serviceEnvironments"]
    ]
    assert names == ["env-2"]


# -- SubmitServiceJob and queue state ----------------------------------------------------


def test_submit_to_a_disabled_queue_is_refused(batch, sagemaker_queue):
    batch.update_job_queue(jobQueue=sagemaker_queue, state="DISABLED")
    with pytest.raises(ClientError) as exc_info:
        submit(batch, sagemaker_queue, "late")
    refused(exc_info, "Job queue queue-1 is DISABLED and accepts no new jobs")
    listed = batch.list_service_jobs(
        jobQueue=sagemaker_queue, filters=[{"name": "JOB_NAME", "values": ["late"]}]
    )
    assert listed["jobSummaryList"] == []


def test_submit_to_a_queue_created_disabled_is_refused(batch):
    make_env(batch, "env-1")
    create_queue(batch, "queue-1", "env-1", state="DISABLED")
    with pytest.raises(ClientError) as exc_info:
        submit(batch, queue_arn("queue-1"), "late")
    refused(exc_info, "Job queue queue-1 is DISABLED and accepts no new jobs")


def test_submit_is_accepted_again_after_re_enabling(batch, sagemaker_queue):
    batch.update_job_queue(jobQueue=sagemaker_queue, state="DISABLED")
    batch.update_job_queue(jobQueue=sagemaker_queue, state="ENABLED")
    job_id = submit(batch, sagemaker_queue, "again")["jobId"]
    assert batch.describe_service_job(jobId=job_id)["status"] == "SUBMITTED"


def test_disabling_a_queue_keeps_its_queued_jobs(batch, sagemaker_queue):
    job_id = submit(batch, sagemaker_queue, "queued")["jobId"]
    batch.update_job_queue(jobQueue=sagemaker_queue, state="DISABLED")
    job = batch.describe_service_job(jobId=job_id)
    assert (job["status"], "statusReason" in job) == ("SUBMITTED", False)


# -- moto's use_docker=False mode ---------------------------------------------------------


@pytest.fixture
def simple_batch() -> Any:
    """A batch client under moto's Docker-free batch backend."""
    with mock_aws(config={"batch": {"use_docker": False}}):
        client = boto3.client("batch", region_name=REGION)
        yield client


def test_sagemaker_queues_work_without_docker(simple_batch):
    batch = simple_batch
    make_env(batch, "env-1")
    create_queue(batch, "queue-1", "env-1")
    assert queues(batch) == [queue_entry("queue-1", "env-1")]
    job_id = submit(batch, "queue-1", "job-1")["jobId"]
    job = batch.describe_service_job(jobId=job_id)
    assert (job["status"], job["jobQueue"]) == ("SUBMITTED", queue_arn("queue-1"))
    batch.update_job_queue(jobQueue="queue-1", state="DISABLED", priority=3)
    assert queues(batch) == [queue_entry("queue-1", "env-1", state="DISABLED", priority=3)]
    batch.delete_job_queue(jobQueue="queue-1")
    assert queues(batch) == []


def test_container_queues_work_without_docker(simple_batch):
    batch = simple_batch
    compute_env = make_compute_env(batch)
    make_container_queue(batch, "container-1", compute_env)
    assert queues(batch) == [container_entry("container-1", compute_env)]
    batch.register_job_definition(
        jobDefinitionName="def-1",
        type="container",
        containerProperties={"image": "busybox", "vcpus": 1, "memory": 128, "command": ["true"]},
    )
    job_id = batch.submit_job(jobName="job-1", jobQueue="container-1", jobDefinition="def-1")[
        "jobId"
    ]
    jobs = batch.list_jobs(jobQueue="container-1", jobStatus="SUCCEEDED")["jobSummaryList"]
    assert [j["jobId"] for j in jobs] == [job_id]
    batch.update_job_queue(jobQueue="container-1", state="DISABLED")
    batch.delete_job_queue(jobQueue="container-1")
    assert queues(batch) == []


def test_the_name_space_is_shared_without_docker(simple_batch):
    batch = simple_batch
    compute_env = make_compute_env(batch)
    make_container_queue(batch, "shared", compute_env)
    make_env(batch, "env-1")
    with pytest.raises(ClientError) as exc_info:
        create_queue(batch, "shared", "env-1")
    refused(exc_info, ALREADY_EXISTS)
    create_queue(batch, "mine", "env-1")
    with pytest.raises(ClientError) as exc_info:
        make_container_queue(batch, "mine", compute_env)
    refused(exc_info, ALREADY_EXISTS)


# -- container queues are unchanged with the package installed ---------------------------

CONTAINER_SCRIPT = textwrap.dedent(
    """
    import datetime
    import json
    import re
    import sys

    if sys.argv[1] == "with":
        import moto_batch_service  # noqa: F401

    import boto3
    from botocore.exceptions import ClientError
    from moto import mock_aws

    QUEUES = "arn:aws:batch:us-east-1:123456789012:job-queue/"
    UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
    results = []


    def normalise(value):
        if isinstance(value, dict):
            return {k: normalise(v) for k, v in value.items() if k != "ResponseMetadata"}
        if isinstance(value, list):
            return [normalise(v) for v in value]
        if isinstance(value, datetime.datetime):
            return "<time>"
        if isinstance(value, str):
            return UUID.sub("<uuid>", value)
        return value


    def call(client, operation, **request):
        try:
            response = getattr(client, operation)(**request)
            outcome = {
                "status": response["ResponseMetadata"]["HTTPStatusCode"],
                "body": normalise(response),
            }
        except ClientError as error:
            outcome = {
                "status": error.response["ResponseMetadata"]["HTTPStatusCode"],
                "error": normalise(error.response["Error"]),
            }
        results.append([operation, outcome])
        return outcome


    with mock_aws():
        iam = boto3.client("iam", region_name="us-east-1")
        role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        batch = boto3.client("batch", region_name="us-east-1")
        ce = call(
            batch, "create_compute_environment",
            computeEnvironmentName="ce-1", type="UNMANAGED", state="ENABLED", serviceRole=role,
        )["body"]["computeEnvironmentArn"]
        call(batch, "describe_compute_environments")
        ce_order = [{"order": 1, "computeEnvironment": ce}]
        call(batch, "create_job_queue", jobQueueName="jq-1", priority=1, state="ENABLED",
             computeEnvironmentOrder=ce_order, tags={"a": "b"})
        call(batch, "create_job_queue", jobQueueName="jq-2", priority=2, state="DISABLED",
             computeEnvironmentOrder=ce_order, jobQueueType="ECS")
        call(batch, "create_job_queue", jobQueueName="jq-3", priority=3, state="ENABLED",
             computeEnvironmentOrder=ce_order)
        call(batch, "create_job_queue", jobQueueName="jq-1", priority=1, state="ENABLED",
             computeEnvironmentOrder=ce_order)
        call(batch, "create_job_queue", jobQueueName="jq-x", priority=1, state="ENABLED")
        call(batch, "create_job_queue", jobQueueName="jq-x", priority=1, state="ENABLED",
             computeEnvironmentOrder=[])
        call(batch, "create_job_queue", jobQueueName="jq-x", priority=1,
             computeEnvironmentOrder=ce_order)
        call(batch, "create_job_queue", jobQueueName="jq-x", priority=1, state="PAUSED",
             computeEnvironmentOrder=ce_order)
        call(batch, "create_job_queue", jobQueueName="jq-x", priority=1, state="ENABLED",
             computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "missing"}])
        call(batch, "describe_job_queues")
        call(batch, "describe_job_queues", jobQueues=["jq-2", QUEUES + "jq-1", "missing"])
        call(batch, "describe_job_queues", jobQueues=["missing"])
        call(batch, "update_job_queue", jobQueue="jq-1", priority=9, state="DISABLED")
        call(batch, "update_job_queue", jobQueue="jq-1", computeEnvironmentOrder=[])
        call(batch, "update_job_queue", jobQueue="jq-1",
             computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "missing"}])
        call(batch, "update_job_queue", jobQueue="jq-1", state="PAUSED")
        call(batch, "update_job_queue", jobQueue="missing", priority=1)
        call(batch, "update_job_queue", jobQueue=QUEUES + "jq-2", state="ENABLED")
        call(batch, "describe_job_queues")
        call(batch, "delete_job_queue", jobQueue="jq-1")
        call(batch, "delete_job_queue", jobQueue=QUEUES + "jq-3")
        call(batch, "delete_job_queue", jobQueue="missing")
        call(batch, "describe_job_queues")
        call(batch, "create_job_queue", jobQueueName="jq-1", priority=4, state="ENABLED",
             computeEnvironmentOrder=ce_order)
        call(batch, "describe_job_queues", jobQueues=["jq-1"])

    print(json.dumps({"package_loaded": "moto_batch_service" in sys.modules, "calls": results},
                     indent=1, sort_keys=True))
    """
)


def run_container_script(tmp_path: Any, mode: str) -> dict[str, Any]:
    script = tmp_path / "container_queues.py"
    script.write_text(CONTAINER_SCRIPT)
    env = dict(os.environ)
    env.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION,
        }
    )
    done = subprocess.run(
        [sys.executable, str(script), mode],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_container_queues_are_unchanged_with_the_package_installed(tmp_path):
    plain = run_container_script(tmp_path, "without")
    extended = run_container_script(tmp_path, "with")
    assert (plain["package_loaded"], extended["package_loaded"]) == (False, True)
    assert extended["calls"] == plain["calls"]
    outcomes = [
        (operation, outcome["status"], outcome.get("error", {}).get("Message"))
        for operation, outcome in plain["calls"]
    ]
    assert outcomes == [
        ("create_compute_environment", 200, None),
        ("describe_compute_environments", 200, None),
        ("create_job_queue", 200, None),
        ("create_job_queue", 200, None),
        ("create_job_queue", 200, None),
        ("create_job_queue", 400, "Job queue jq-1 already exists"),
        ("create_job_queue", 400, "computeEnvironmentOrder must be provided"),
        ("create_job_queue", 400, "At least 1 compute environment must be provided"),
        ("create_job_queue", 400, "state must be provided"),
        ("create_job_queue", 400, "state PAUSED must be one of ENABLED | DISABLED"),
        ("create_job_queue", 400, "computeEnvironmentOrder is malformed"),
        ("describe_job_queues", 200, None),
        ("describe_job_queues", 200, None),
        ("describe_job_queues", 200, None),
        ("update_job_queue", 200, None),
        ("update_job_queue", 400, "At least 1 compute environment must be provided"),
        ("update_job_queue", 400, "computeEnvironmentOrder is malformed"),
        ("update_job_queue", 400, "state PAUSED must be one of ENABLED | DISABLED"),
        ("update_job_queue", 400, "Job queue missing does not exist"),
        ("update_job_queue", 200, None),
        ("describe_job_queues", 200, None),
        ("delete_job_queue", 200, None),
        ("delete_job_queue", 200, None),
        ("delete_job_queue", 200, None),
        ("describe_job_queues", 200, None),
        ("create_job_queue", 200, None),
        ("describe_job_queues", 200, None),
    ]
    described = [o["body"]["jobQueues"] for op, o in plain["calls"] if op == "describe_job_queues"]
    assert [[q["jobQueueName"] for q in page] for page in described] == [
        ["jq-1", "jq-2", "jq-3"],
        ["jq-1", "jq-2"],
        [],
        ["jq-1", "jq-2", "jq-3"],
        ["jq-2"],
        ["jq-1"],
    ]
