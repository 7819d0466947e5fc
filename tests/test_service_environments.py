"""CreateServiceEnvironment, DescribeServiceEnvironments, UpdateServiceEnvironment and
DeleteServiceEnvironment (spec section 4)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import ACCOUNT, REGION, invalid, refused, without_metadata

TYPE = "SAGEMAKER_TRAINING"
ARN_PREFIX = f"arn:aws:batch:{REGION}:{ACCOUNT}:service-environment/"
LIMITS = [{"maxCapacity": 10, "capacityUnit": "NUM_INSTANCES"}]
ALREADY_EXISTS = "Object already exists"
BAD_NAME = (
    "it must be 1-128 characters long and contain only letters, numbers, "
    "hyphens (-) and underscores (_)"
)
BAD_UNIT = "it must be NUM_INSTANCES or a SageMaker instance type such as ml.m5.large"
MIXED_UNITS = "capacityLimits cannot mix NUM_INSTANCES with instance-type capacity units"
OTHER_REQUEST_TOKEN = (
    "Invalid nextToken: it was issued for a different request "
    "(another list of service environments)"
)


def arn(name: str) -> str:
    return ARN_PREFIX + name


def create(batch: Any, name: str, **extra: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "serviceEnvironmentName": name,
        "serviceEnvironmentType": TYPE,
        "capacityLimits": LIMITS,
    }
    request.update(extra)
    return batch.create_service_environment(**request)  # type: ignore[no-any-return]


def entry(
    name: str,
    *,
    state: str = "ENABLED",
    limits: list[dict[str, Any]] | None = None,
    tags: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The DescribeServiceEnvironments entry expected for an environment."""
    return {
        "serviceEnvironmentName": name,
        "serviceEnvironmentArn": arn(name),
        "serviceEnvironmentType": TYPE,
        "state": state,
        "status": "VALID",
        "capacityLimits": LIMITS if limits is None else limits,
        "tags": {} if tags is None else tags,
    }


def described(batch: Any, *identifiers: str) -> list[dict[str, Any]]:
    if identifiers:
        response = batch.describe_service_environments(serviceEnvironments=list(identifiers))
    else:
        response = batch.describe_service_environments()
    assert "nextToken" not in response
    return response["serviceEnvironments"]  # type: ignore[no-any-return]


def names(environments: list[dict[str, Any]]) -> list[str]:
    return [env["serviceEnvironmentName"] for env in environments]


# -- CreateServiceEnvironment ------------------------------------------------------------


def test_create_returns_the_name_and_the_arn(batch):
    response = create(batch, "env-1")
    assert without_metadata(response) == {
        "serviceEnvironmentName": "env-1",
        "serviceEnvironmentArn": arn("env-1"),
    }
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_create_defaults_to_enabled_valid_and_no_tags(batch):
    create(batch, "env-1")
    assert described(batch) == [entry("env-1")]


def test_create_stores_state_limits_and_tags_as_given(batch):
    limits = [
        {"maxCapacity": 4, "capacityUnit": "ml.m5.large"},
        {"maxCapacity": 2, "capacityUnit": "ml.p4d.24xlarge"},
    ]
    tags = {"team": "ml", "cost-centre": "42"}
    create(batch, "env-1", state="DISABLED", capacityLimits=limits, tags=tags)
    assert described(batch) == [entry("env-1", state="DISABLED", limits=limits, tags=tags)]


def test_create_accepts_explicit_enabled_state(batch):
    create(batch, "env-1", state="ENABLED")
    assert described(batch) == [entry("env-1")]


def test_create_accepts_the_largest_allowed_values(batch):
    name = "n" * 128
    tags = {f"key-{i}": "v" for i in range(49)}
    tags["k" * 128] = "v" * 256
    limits = [{"maxCapacity": 1, "capacityUnit": "NUM_INSTANCES"}]
    create(batch, name, capacityLimits=limits, tags=tags)
    assert described(batch) == [entry(name, limits=limits, tags=tags)]


def test_create_with_a_used_name_is_refused_and_keeps_the_first(batch):
    create(batch, "env-1")
    with pytest.raises(ClientError) as exc_info:
        create(
            batch,
            "env-1",
            state="DISABLED",
            capacityLimits=[{"maxCapacity": 99, "capacityUnit": "NUM_INSTANCES"}],
            tags={"second": "yes"},
        )
    refused(exc_info, ALREADY_EXISTS)
    assert described(batch) == [entry("env-1")]


def _limits(*pairs: tuple[Any, Any]) -> list[dict[str, Any]]:
    return [{"maxCapacity": m, "capacityUnit": u} for m, u in pairs]


INVALID_CREATES = [
    pytest.param(
        {"serviceEnvironmentName": "my env"},
        invalid("serviceEnvironmentName", "my env", BAD_NAME),
        id="name-with-space",
    ),
    pytest.param(
        {"serviceEnvironmentName": "env.1"},
        invalid("serviceEnvironmentName", "env.1", BAD_NAME),
        id="name-with-dot",
    ),
    pytest.param(
        {"serviceEnvironmentName": "n" * 129},
        f"Invalid value for serviceEnvironmentName ('{'n' * 98}\u2026): {BAD_NAME}",
        id="name-too-long",
    ),
    pytest.param(
        {"serviceEnvironmentName": ""},
        "serviceEnvironmentName must be provided",
        id="name-empty",
    ),
    pytest.param(
        {"serviceEnvironmentType": "ECS"},
        "serviceEnvironmentType ECS must be one of SAGEMAKER_TRAINING",
        id="wrong-type",
    ),
    pytest.param(
        {"serviceEnvironmentType": "sagemaker_training"},
        "serviceEnvironmentType sagemaker_training must be one of SAGEMAKER_TRAINING",
        id="type-in-lower-case",
    ),
    pytest.param(
        {"state": "PAUSED"},
        "state PAUSED must be one of ENABLED | DISABLED",
        id="bad-state",
    ),
    pytest.param(
        {"capacityLimits": []},
        "capacityLimits must be provided",
        id="empty-capacity-limits",
    ),
    pytest.param(
        {"capacityLimits": _limits((0, "NUM_INSTANCES"))},
        invalid("capacityLimits[0].maxCapacity", 0, "it must be at least 1"),
        id="max-capacity-zero",
    ),
    pytest.param(
        {"capacityLimits": _limits((5, "ml.m5.large"), (-3, "ml.g5.xlarge"))},
        invalid("capacityLimits[1].maxCapacity", -3, "it must be at least 1"),
        id="max-capacity-negative",
    ),
    pytest.param(
        {"capacityLimits": [{"capacityUnit": "NUM_INSTANCES"}]},
        "capacityLimits[0].maxCapacity must be provided",
        id="max-capacity-missing",
    ),
    pytest.param(
        {"capacityLimits": [{"maxCapacity": 5}]},
        "capacityLimits[0].capacityUnit must be provided",
        id="capacity-unit-missing",
    ),
    pytest.param(
        {"capacityLimits": _limits((5, ""))},
        "capacityLimits[0].capacityUnit must be provided",
        id="capacity-unit-empty",
    ),
    pytest.param(
        {"capacityLimits": _limits((5, "GPUS"))},
        invalid("capacityLimits[0].capacityUnit", "GPUS", BAD_UNIT),
        id="capacity-unit-unknown",
    ),
    pytest.param(
        {"capacityLimits": _limits((5, "num_instances"))},
        invalid("capacityLimits[0].capacityUnit", "num_instances", BAD_UNIT),
        id="capacity-unit-lower-case-num-instances",
    ),
    pytest.param(
        {"capacityLimits": _limits((5, "m5.large"))},
        invalid("capacityLimits[0].capacityUnit", "m5.large", BAD_UNIT),
        id="instance-type-without-ml-prefix",
    ),
    pytest.param(
        {"capacityLimits": _limits((5, "ml.M5.large"))},
        invalid("capacityLimits[0].capacityUnit", "ml.M5.large", BAD_UNIT),
        id="instance-type-upper-case",
    ),
    pytest.param(
        {"capacityLimits": _limits((5, "NUM_INSTANCES"), (6, "NUM_INSTANCES"))},
        invalid(
            "capacityLimits[1].capacityUnit", "NUM_INSTANCES", "each unit may appear only once"
        ),
        id="num-instances-twice",
    ),
    pytest.param(
        {"capacityLimits": _limits((5, "ml.m5.large"), (6, "ml.g5.xlarge"), (7, "ml.m5.large"))},
        invalid("capacityLimits[2].capacityUnit", "ml.m5.large", "each unit may appear only once"),
        id="instance-type-twice",
    ),
    pytest.param(
        {"capacityLimits": _limits((5, "NUM_INSTANCES"), (6, "ml.m5.large"))},
        MIXED_UNITS,
        id="num-instances-then-instance-type",
    ),
    pytest.param(
        {"capacityLimits": _limits((6, "ml.m5.large"), (5, "NUM_INSTANCES"))},
        MIXED_UNITS,
        id="instance-type-then-num-instances",
    ),
    pytest.param(
        {"tags": {"aws:owner": "me"}},
        invalid("tags", "aws:owner", "tag keys starting with 'aws:' are reserved"),
        id="tag-key-aws-prefix",
    ),
    pytest.param(
        {"tags": {"fine": "1", "AWS:Owner": "me"}},
        invalid("tags", "AWS:Owner", "tag keys starting with 'aws:' are reserved"),
        id="tag-key-aws-prefix-upper-case",
    ),
    pytest.param(
        {"tags": {f"key-{i}": "v" for i in range(51)}},
        invalid("tags", "51 tags", "at most 50 tags are allowed"),
        id="more-than-50-tags",
    ),
    pytest.param(
        {"tags": {"k" * 129: "v"}},
        f"Invalid value for tags ('{'k' * 98}\u2026): a tag key must be 1-128 characters long",
        id="tag-key-too-long",
    ),
    pytest.param(
        {"tags": {"k": "v" * 257}},
        invalid("tags", "k", "a tag value must be at most 256 characters long"),
        id="tag-value-too-long",
    ),
]


@pytest.mark.parametrize(("change", "message"), INVALID_CREATES)
def test_create_with_an_invalid_member_is_refused_and_stores_nothing(batch, change, message):
    request = {
        "serviceEnvironmentName": "env-1",
        "serviceEnvironmentType": TYPE,
        "capacityLimits": LIMITS,
    }
    request.update(change)
    with pytest.raises(ClientError) as exc_info:
        batch.create_service_environment(**request)
    refused(exc_info, message)
    assert described(batch) == []


def test_a_refused_create_does_not_take_the_name(batch):
    with pytest.raises(ClientError):
        create(batch, "env-1", state="PAUSED")
    create(batch, "env-1")
    assert described(batch) == [entry("env-1")]


# -- DescribeServiceEnvironments ---------------------------------------------------------


def test_describe_without_filter_lists_every_environment_in_creation_order(batch):
    for name in ("charlie", "alpha", "bravo"):
        create(batch, name)
    assert described(batch) == [entry("charlie"), entry("alpha"), entry("bravo")]


def test_describe_with_no_environments_is_empty(batch):
    response = batch.describe_service_environments()
    assert without_metadata(response) == {"serviceEnvironments": []}


def test_describe_by_name(batch):
    create(batch, "env-1")
    create(batch, "env-2", state="DISABLED")
    assert described(batch, "env-2") == [entry("env-2", state="DISABLED")]


def test_describe_by_arn(batch):
    create(batch, "env-1")
    create(batch, "env-2")
    assert described(batch, arn("env-1")) == [entry("env-1")]


def test_describe_by_names_and_arns_keeps_creation_order(batch):
    for name in ("charlie", "alpha", "bravo"):
        create(batch, name)
    assert names(described(batch, "bravo", arn("charlie"))) == ["charlie", "bravo"]


def test_describe_lists_an_environment_named_twice_once(batch):
    create(batch, "env-1")
    assert described(batch, "env-1", arn("env-1"), "env-1") == [entry("env-1")]


def test_describe_omits_unknown_names_and_arns(batch):
    create(batch, "env-1")
    found = described(batch, "missing", "env-1", arn("also-missing"))
    assert found == [entry("env-1")]


def test_describe_of_only_unknown_environments_is_empty(batch):
    create(batch, "env-1")
    assert described(batch, "missing", arn("also-missing")) == []


def test_describe_ignores_an_arn_of_another_region(batch):
    create(batch, "env-1")
    other = f"arn:aws:batch:eu-west-1:{ACCOUNT}:service-environment/env-1"
    assert described(batch, other) == []


def test_describe_ignores_an_arn_of_another_resource_kind(batch):
    create(batch, "env-1")
    assert described(batch, f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/env-1") == []


def test_describe_pages_with_max_results_and_next_token(batch):
    for i in range(5):
        create(batch, f"env-{i}")
    first = batch.describe_service_environments(maxResults=2)
    assert names(first["serviceEnvironments"]) == ["env-0", "env-1"]
    second = batch.describe_service_environments(maxResults=2, nextToken=first["nextToken"])
    assert names(second["serviceEnvironments"]) == ["env-2", "env-3"]
    third = batch.describe_service_environments(maxResults=2, nextToken=second["nextToken"])
    assert third["serviceEnvironments"] == [entry("env-4")]
    assert "nextToken" not in third


def test_describe_gives_no_token_when_the_page_holds_the_rest_exactly(batch):
    for i in range(4):
        create(batch, f"env-{i}")
    first = batch.describe_service_environments(maxResults=2)
    second = batch.describe_service_environments(maxResults=2, nextToken=first["nextToken"])
    assert names(second["serviceEnvironments"]) == ["env-2", "env-3"]
    assert "nextToken" not in second


def test_describe_without_max_results_returns_all_50_environments_on_one_page(batch):
    # 50 is the most an account has in a region; the default page holds up to 100.
    for i in range(50):
        create(batch, f"env-{i:03}")
    first = batch.describe_service_environments()
    assert names(first["serviceEnvironments"]) == [f"env-{i:03}" for i in range(50)]
    assert "nextToken" not in first


def test_describe_pages_through_a_filtered_list(batch):
    for i in range(6):
        create(batch, f"env-{i}")
    wanted = ["env-5", "env-1", arn("env-3"), "missing"]
    first = batch.describe_service_environments(serviceEnvironments=wanted, maxResults=2)
    assert names(first["serviceEnvironments"]) == ["env-1", "env-3"]
    rest = batch.describe_service_environments(
        serviceEnvironments=wanted, maxResults=2, nextToken=first["nextToken"]
    )
    assert names(rest["serviceEnvironments"]) == ["env-5"]
    assert "nextToken" not in rest


def test_describe_paginator_walks_every_page(batch):
    for i in range(5):
        create(batch, f"env-{i}")
    pages = list(
        batch.get_paginator("describe_service_environments").paginate(
            PaginationConfig={"PageSize": 2}
        )
    )
    assert [names(page["serviceEnvironments"]) for page in pages] == [
        ["env-0", "env-1"],
        ["env-2", "env-3"],
        ["env-4"],
    ]


def test_describe_paginator_build_full_result(batch):
    for i in range(3):
        create(batch, f"env-{i}")
    result = (
        batch.get_paginator("describe_service_environments")
        .paginate(PaginationConfig={"PageSize": 1})
        .build_full_result()
    )
    assert result == {"serviceEnvironments": [entry(f"env-{i}") for i in range(3)]}


@pytest.mark.parametrize("max_results", [0, -1, 101])
def test_describe_with_max_results_out_of_range_is_refused(batch, max_results):
    create(batch, "env-1")
    with pytest.raises(ClientError) as exc_info:
        batch.describe_service_environments(maxResults=max_results)
    refused(exc_info, invalid("maxResults", max_results, "it must be between 1 and 100"))


@pytest.mark.parametrize("max_results", [1, 100])
def test_describe_accepts_max_results_at_the_bounds(batch, max_results):
    create(batch, "env-1")
    assert batch.describe_service_environments(maxResults=max_results)["serviceEnvironments"] == [
        entry("env-1")
    ]


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        base64.urlsafe_b64encode(b'{"not": "a list"}').decode(),
        base64.urlsafe_b64encode(b'["1", "2", "x"]').decode(),
    ],
    ids=["not-base64-json", "json-object", "wrong-member-types"],
)
def test_describe_with_a_forged_token_is_refused(batch, token):
    create(batch, "env-1")
    with pytest.raises(ClientError) as exc_info:
        batch.describe_service_environments(nextToken=token)
    refused(exc_info, f"Invalid nextToken: {token}")


def test_describe_with_a_token_of_another_filter_is_refused(batch):
    for i in range(3):
        create(batch, f"env-{i}")
    token = batch.describe_service_environments(maxResults=1)["nextToken"]
    with pytest.raises(ClientError) as exc_info:
        batch.describe_service_environments(serviceEnvironments=["env-1", "env-2"], nextToken=token)
    refused(exc_info, OTHER_REQUEST_TOKEN)


def test_describe_with_a_token_rewritten_for_another_filter_is_refused(batch):
    for i in range(3):
        create(batch, f"env-{i}")
    token = batch.describe_service_environments(maxResults=1)["nextToken"]
    created_at, seq, _, signature = json.loads(base64.urlsafe_b64decode(token))
    forged = base64.urlsafe_b64encode(
        json.dumps([created_at, seq, "0" * 16, signature], separators=(",", ":")).encode()
    ).decode()
    with pytest.raises(ClientError) as exc_info:
        batch.describe_service_environments(nextToken=forged)
    refused(exc_info, f"Invalid nextToken: {forged}")


# -- UpdateServiceEnvironment ------------------------------------------------------------


def test_update_returns_the_name_and_the_arn(batch):
    create(batch, "env-1")
    response = batch.update_service_environment(serviceEnvironment="env-1", state="DISABLED")
    assert without_metadata(response) == {
        "serviceEnvironmentName": "env-1",
        "serviceEnvironmentArn": arn("env-1"),
    }


def test_update_state_disables_and_enables(batch):
    create(batch, "env-1")
    batch.update_service_environment(serviceEnvironment="env-1", state="DISABLED")
    assert described(batch) == [entry("env-1", state="DISABLED")]
    batch.update_service_environment(serviceEnvironment="env-1", state="ENABLED")
    assert described(batch) == [entry("env-1")]


def test_update_by_arn(batch):
    create(batch, "env-1")
    response = batch.update_service_environment(serviceEnvironment=arn("env-1"), state="DISABLED")
    assert response["serviceEnvironmentName"] == "env-1"
    assert described(batch) == [entry("env-1", state="DISABLED")]


def test_update_capacity_limits_replaces_the_whole_list(batch):
    create(
        batch,
        "env-1",
        capacityLimits=_limits((4, "ml.m5.large"), (2, "ml.g5.xlarge"), (1, "ml.p3.2xlarge")),
    )
    batch.update_service_environment(
        serviceEnvironment="env-1", capacityLimits=_limits((8, "ml.g5.xlarge"))
    )
    assert described(batch) == [entry("env-1", limits=_limits((8, "ml.g5.xlarge")))]


def test_update_capacity_limits_may_switch_to_num_instances(batch):
    create(batch, "env-1", capacityLimits=_limits((4, "ml.m5.large")))
    batch.update_service_environment(
        serviceEnvironment="env-1", capacityLimits=_limits((20, "NUM_INSTANCES"))
    )
    assert described(batch) == [entry("env-1", limits=_limits((20, "NUM_INSTANCES")))]


def test_update_of_state_keeps_the_capacity_limits_and_tags(batch):
    limits = _limits((3, "ml.m5.large"))
    create(batch, "env-1", capacityLimits=limits, tags={"a": "b"})
    batch.update_service_environment(serviceEnvironment="env-1", state="DISABLED")
    assert described(batch) == [entry("env-1", state="DISABLED", limits=limits, tags={"a": "b"})]


def test_update_of_capacity_limits_keeps_the_state(batch):
    create(batch, "env-1", state="DISABLED")
    batch.update_service_environment(
        serviceEnvironment="env-1", capacityLimits=_limits((2, "NUM_INSTANCES"))
    )
    assert described(batch) == [
        entry("env-1", state="DISABLED", limits=_limits((2, "NUM_INSTANCES")))
    ]


def test_update_of_both_members_at_once(batch):
    create(batch, "env-1")
    batch.update_service_environment(
        serviceEnvironment="env-1", state="DISABLED", capacityLimits=_limits((7, "ml.m5.large"))
    )
    assert described(batch) == [
        entry("env-1", state="DISABLED", limits=_limits((7, "ml.m5.large")))
    ]


def test_update_with_nothing_to_change_changes_nothing(batch):
    create(batch, "env-1")
    response = batch.update_service_environment(serviceEnvironment="env-1")
    assert response["serviceEnvironmentArn"] == arn("env-1")
    assert described(batch) == [entry("env-1")]


def test_update_changes_only_the_named_environment(batch):
    create(batch, "env-1")
    create(batch, "env-2")
    batch.update_service_environment(serviceEnvironment="env-2", state="DISABLED")
    assert described(batch) == [entry("env-1"), entry("env-2", state="DISABLED")]


@pytest.mark.parametrize("identifier", ["missing", arn("missing")])
def test_update_of_an_unknown_environment_is_refused(batch, identifier):
    create(batch, "env-1")
    with pytest.raises(ClientError) as exc_info:
        batch.update_service_environment(serviceEnvironment=identifier, state="DISABLED")
    refused(exc_info, f"Service environment {identifier} does not exist")
    assert described(batch) == [entry("env-1")]


INVALID_UPDATES = [
    pytest.param(
        {"state": "PAUSED", "capacityLimits": _limits((9, "NUM_INSTANCES"))},
        "state PAUSED must be one of ENABLED | DISABLED",
        id="bad-state-with-good-limits",
    ),
    pytest.param(
        {"state": "DISABLED", "capacityLimits": []},
        "capacityLimits must be provided",
        id="good-state-with-empty-limits",
    ),
    pytest.param(
        {"state": "DISABLED", "capacityLimits": _limits((0, "NUM_INSTANCES"))},
        invalid("capacityLimits[0].maxCapacity", 0, "it must be at least 1"),
        id="good-state-with-zero-capacity",
    ),
    pytest.param(
        {"capacityLimits": _limits((9, "ml.m5.large"), (3, "NUM_INSTANCES"))},
        MIXED_UNITS,
        id="mixed-units",
    ),
    pytest.param(
        {"capacityLimits": _limits((9, "ml.m5.large"), (3, "ml.m5.large"))},
        invalid("capacityLimits[1].capacityUnit", "ml.m5.large", "each unit may appear only once"),
        id="duplicate-unit",
    ),
    pytest.param(
        {"state": "DISABLED", "capacityLimits": _limits((9, "cores"))},
        invalid("capacityLimits[0].capacityUnit", "cores", BAD_UNIT),
        id="bad-unit",
    ),
]


@pytest.mark.parametrize(("change", "message"), INVALID_UPDATES)
def test_a_refused_update_changes_nothing(batch, change, message):
    limits = _limits((4, "ml.m5.large"))
    create(batch, "env-1", capacityLimits=limits, tags={"k": "v"})
    with pytest.raises(ClientError) as exc_info:
        batch.update_service_environment(serviceEnvironment="env-1", **change)
    refused(exc_info, message)
    assert described(batch) == [entry("env-1", limits=limits, tags={"k": "v"})]


# -- DeleteServiceEnvironment ------------------------------------------------------------


def make_queue_on(batch: Any, queue: str, env: str) -> None:
    batch.create_job_queue(
        jobQueueName=queue,
        priority=1,
        jobQueueType=TYPE,
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": env}],
    )


def test_delete_of_a_disabled_environment_removes_it(batch):
    create(batch, "env-1")
    create(batch, "env-2", state="DISABLED")
    response = batch.delete_service_environment(serviceEnvironment="env-2")
    assert without_metadata(response) == {}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert described(batch) == [entry("env-1")]


def test_delete_by_arn(batch):
    create(batch, "env-1", state="DISABLED")
    batch.delete_service_environment(serviceEnvironment=arn("env-1"))
    assert described(batch) == []


def test_delete_of_an_enabled_environment_is_refused(batch):
    create(batch, "env-1")
    with pytest.raises(ClientError) as exc_info:
        batch.delete_service_environment(serviceEnvironment="env-1")
    refused(exc_info, "Service environment env-1 must be DISABLED before it can be deleted")
    assert described(batch) == [entry("env-1")]


def test_delete_after_disabling_succeeds(batch):
    create(batch, "env-1")
    batch.update_service_environment(serviceEnvironment="env-1", state="DISABLED")
    batch.delete_service_environment(serviceEnvironment="env-1")
    assert described(batch) == []


def test_delete_of_an_environment_used_by_a_queue_is_refused(batch):
    create(batch, "env-1")
    make_queue_on(batch, "queue-1", "env-1")
    batch.update_service_environment(serviceEnvironment="env-1", state="DISABLED")
    with pytest.raises(ClientError) as exc_info:
        batch.delete_service_environment(serviceEnvironment="env-1")
    refused(
        exc_info,
        "Service environment env-1 is still used by job queue(s) queue-1; "
        "remove it from their serviceEnvironmentOrder first",
    )
    assert described(batch) == [entry("env-1", state="DISABLED")]


def test_delete_refusal_names_every_queue_using_the_environment(batch):
    create(batch, "env-1")
    make_queue_on(batch, "queue-1", "env-1")
    make_queue_on(batch, "queue-2", arn("env-1"))
    batch.update_job_queue(jobQueue="queue-2", state="DISABLED")
    batch.update_service_environment(serviceEnvironment="env-1", state="DISABLED")
    with pytest.raises(ClientError) as exc_info:
        batch.delete_service_environment(serviceEnvironment=arn("env-1"))
    refused(
        exc_info,
        "Service environment env-1 is still used by job queue(s) queue-1, queue-2; "
        "remove it from their serviceEnvironmentOrder first",
    )


def test_delete_succeeds_once_the_queue_no_longer_uses_the_environment(batch):
    create(batch, "env-1")
    create(batch, "env-2")
    make_queue_on(batch, "queue-1", "env-1")
    batch.update_job_queue(
        jobQueue="queue-1", serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "env-2"}]
    )
    batch.update_service_environment(serviceEnvironment="env-1", state="DISABLED")
    batch.delete_service_environment(serviceEnvironment="env-1")
    assert described(batch) == [entry("env-2")]


def test_delete_succeeds_once_the_queue_using_it_is_deleted(batch):
    create(batch, "env-1")
    make_queue_on(batch, "queue-1", "env-1")
    batch.update_job_queue(jobQueue="queue-1", state="DISABLED")
    batch.delete_job_queue(jobQueue="queue-1")
    batch.update_service_environment(serviceEnvironment="env-1", state="DISABLED")
    batch.delete_service_environment(serviceEnvironment="env-1")
    assert described(batch) == []


@pytest.mark.parametrize("identifier", ["missing", arn("missing")])
def test_delete_of_an_unknown_environment_is_refused(batch, identifier):
    create(batch, "env-1", state="DISABLED")
    with pytest.raises(ClientError) as exc_info:
        batch.delete_service_environment(serviceEnvironment=identifier)
    refused(exc_info, f"Service environment {identifier} does not exist")
    assert described(batch) == [entry("env-1", state="DISABLED")]


def test_delete_twice_is_refused_the_second_time(batch):
    create(batch, "env-1", state="DISABLED")
    batch.delete_service_environment(serviceEnvironment="env-1")
    with pytest.raises(ClientError) as exc_info:
        batch.delete_service_environment(serviceEnvironment="env-1")
    refused(exc_info, "Service environment env-1 does not exist")


def test_a_deleted_name_can_be_used_again(batch):
    create(batch, "env-1", state="DISABLED", tags={"old": "yes"})
    create(batch, "env-2")
    batch.delete_service_environment(serviceEnvironment="env-1")
    limits = _limits((3, "ml.m5.large"))
    response = create(batch, "env-1", capacityLimits=limits)
    assert response["serviceEnvironmentArn"] == arn("env-1")
    assert described(batch) == [entry("env-2"), entry("env-1", limits=limits)]


def test_a_deleted_environment_cannot_be_updated(batch):
    create(batch, "env-1", state="DISABLED")
    batch.delete_service_environment(serviceEnvironment="env-1")
    with pytest.raises(ClientError) as exc_info:
        batch.update_service_environment(serviceEnvironment="env-1", state="ENABLED")
    refused(exc_info, "Service environment env-1 does not exist")
