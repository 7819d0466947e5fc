"""The seam's contract with the installed moto.

Every private name of moto's that the package uses is declared in ``_moto.PRIVATE_NAMES``
and used only in the seam (``_moto*.py``). Each test here fails with a sentence that names
the moto change, not with a traceback deep in a request.
"""

from __future__ import annotations

import ast
import importlib
import json
from pathlib import Path
from typing import Any, Callable

import boto3
import moto
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

import moto_batch_service
from moto_batch_service._moto import newest as _moto_newest
from moto_batch_service._moto.common import PRIVATE_NAMES, PrivateName
from tests.conftest import REGION, client_error

moto_batch_service.register()
BATCH_URLS = importlib.import_module("moto.batch.urls")
GENERATION = "newest" if _moto_newest.fits(BATCH_URLS) is None else "legacy"
PACKAGE = Path(moto_batch_service.__file__).parent
ARCHITECTURE = PACKAGE.parent / "docs" / "architecture.md"

# How to make the instance whose attribute a ``Class().name`` entry names.
INSTANCES: dict[str, Callable[[Any], Any]] = {
    "ManagedState": lambda module: module.ManagedState("batch::service_job", [("A", "B")]),
    "DomainDispatcherApplication": lambda module: module.DomainDispatcherApplication(
        module.create_backend_app
    ),
    "EventsBackend": lambda module: module.EventsBackend(REGION, "123456789012"),
    "EventBus": lambda module: module.EventBus("123456789012", REGION, "default"),
    "CloudWatchBackend": lambda module: module.CloudWatchBackend(REGION, "123456789012"),
    "LogsBackend": lambda module: module.LogsBackend(REGION, "123456789012"),
}


def resolve(name: PrivateName) -> Any:
    """The object ``name`` names in the installed moto (AttributeError/ImportError if none)."""
    value: Any = importlib.import_module(name.module)
    module = value
    for part in name.attribute.split("."):
        if part.endswith("()"):
            value = INSTANCES[part[:-2]](module)
        else:
            value = getattr(value, part)
    return value


def applies(name: PrivateName) -> bool:
    return name.generation in ("every", GENERATION)


@pytest.mark.parametrize("name", PRIVATE_NAMES, ids=lambda name: name.name)
def test_each_private_name_is_where_the_seam_expects_it(name: PrivateName) -> None:
    if not applies(name):
        pytest.skip(f"used on the {name.generation} generation only")
    try:
        resolve(name)
    except (AttributeError, ImportError) as error:
        pytest.fail(
            f"moto {moto.__version__} no longer has {name.name}, used for {name.used_for} "
            f"({name.seam}.py): {error}"
        )


def test_each_private_name_is_listed_in_the_architecture_page() -> None:
    page = ARCHITECTURE.read_text(encoding="utf-8")
    assert [name.name for name in PRIVATE_NAMES if f"`{name.name}`" not in page] == []


def code_names(path: Path) -> set[str]:
    """The names a module's code uses: attributes, names, imported modules and string
    constants (docstrings and comments left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                names.add(node.value)
    return names


SEAM = PACKAGE / "_moto"


def test_no_module_outside_the_seam_uses_a_private_name_of_moto() -> None:
    finals = {name.attribute.split(".")[-1] for name in PRIVATE_NAMES}
    private = {final for final in finals if final.startswith("_")}
    private |= {"backend_url_patterns", "app_instances", "botocore_stubber"}
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if SEAM in path.parents:
            continue
        used = code_names(path)
        hits = sorted(used & private) + sorted(n for n in used if "._internal" in n)
        if hits:
            found[str(path.relative_to(PACKAGE))] = hits
    assert found == {}


def test_the_installed_moto_is_extended_by_one_adapter() -> None:
    handlers = set(BATCH_URLS.url_paths.values())
    if GENERATION == "newest":
        assert handlers == {_moto_newest.ServiceBatchResponse.dispatch}, (
            f"moto {moto.__version__} no longer routes Batch through one catch-all route "
            "to BatchResponse.dispatch (replaced by ServiceBatchResponse)"
        )
    else:
        from moto_batch_service._moto import legacy as _moto_legacy

        assert _moto_legacy.fits(BATCH_URLS) is None


@mock_aws
def test_moto_answers_a_raised_batch_client_exception_as_aws_json() -> None:
    batch = boto3.client("batch", region_name=REGION)
    with pytest.raises(ClientError) as refused:
        batch.describe_service_job(jobId="missing")
    assert client_error(refused) == ("ClientException", "Job missing not found", 400), (
        f"moto {moto.__version__} no longer answers a raised moto.batch.exceptions."
        "ClientException as HTTP 400 ClientException with its message"
    )


@mock_aws
def test_moto_calls_the_handler_method_named_after_the_operation() -> None:
    from moto.core.models import DEFAULT_ACCOUNT_ID

    calls: list[str] = []
    backend = moto_batch_service.service_job_backends[DEFAULT_ACCOUNT_ID][REGION]
    original = backend.describe_service_environments

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append("describe_service_environments")
        return original(*args, **kwargs)

    backend.describe_service_environments = spy  # type: ignore[method-assign]
    answer = boto3.client("batch", region_name=REGION).describe_service_environments()
    assert (answer["serviceEnvironments"], calls) == ([], ["describe_service_environments"]), (
        f"moto {moto.__version__} no longer calls describe_service_environments for "
        "DescribeServiceEnvironments"
    )


def test_a_body_that_is_not_json_reaches_the_package_as_bytes() -> None:
    # setup_class keeps the body of the package's requests as bytes (moto decodes it)
    from moto.server import create_backend_app

    with mock_aws():
        client = create_backend_app("batch").test_client()
        answer = client.post("/v1/listservicejobs", data=b"\xff\xfe")
    assert answer.status_code == 400, (
        f"moto {moto.__version__}: a body that is not UTF-8 is no longer left to the "
        f"package's handler (HTTP {answer.status_code})"
    )
    assert json.loads(answer.get_data())["message"] == "The request body is not valid JSON"


def test_moto_cloudwatch_reads_the_metric_provider_when_a_request_reads_metric_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from datetime import datetime, timedelta, timezone

    from moto.core.models import DEFAULT_ACCOUNT_ID

    from moto_batch_service._moto import metrics
    from moto_batch_service.state.metrics import StatisticSet

    minute = datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc)
    asked: list[tuple[str, str | None]] = []

    def statistic_sets(account_id: str, region: str | None) -> list[StatisticSet]:
        asked.append((account_id, region))
        at = int(minute.timestamp() * 1000)
        return [StatisticSet("JobAttemptDuration", "training", at, 4, 100.0, 10.0, 40.0)]

    monkeypatch.setattr(metrics, "statistic_sets", statistic_sets)
    with mock_aws():
        answer = boto3.client("cloudwatch", region_name=REGION).get_metric_statistics(
            Namespace="AWS/Batch",
            MetricName="JobAttemptDuration",
            Dimensions=[{"Name": "JobQueueName", "Value": "training"}],
            StartTime=minute - timedelta(minutes=5),
            EndTime=minute + timedelta(minutes=5),
            Period=60,
            Statistics=["SampleCount", "Sum", "Average", "Minimum", "Maximum"],
        )
    points = [
        {k: v for k, v in p.items() if k != "ExtendedStatistics"} for p in answer["Datapoints"]
    ]
    assert points == [
        {
            "Timestamp": minute,
            "SampleCount": 4.0,
            "Sum": 100.0,
            "Average": 25.0,
            "Minimum": 10.0,
            "Maximum": 40.0,
            "Unit": "Milliseconds",
        }
    ], (
        f"moto {moto.__version__} no longer reads a CloudWatchMetricProvider's "
        "MetricAggregatedDatum as a statistic set when GetMetricStatistics reads metric data"
    )
    assert asked and {account for account, _ in asked} == {DEFAULT_ACCOUNT_ID}, (
        f"moto {moto.__version__} no longer asks each CloudWatchMetricProvider for the "
        "reading account's metrics"
    )


@mock_aws
def test_moto_s_log_group_stores_events_at_any_time_and_get_log_events_returns_them() -> None:
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.logs.models import logs_backends

    from moto_batch_service._moto.logs import write_events

    backend = logs_backends[DEFAULT_ACCOUNT_ID][REGION]
    backend.create_log_group("group", {})
    backend.create_log_stream("group", "stream")
    far = [{"timestamp": 1_900_000_000_000, "message": "a"}, {"timestamp": 1_000, "message": "b"}]
    write_events(backend, "group", "stream", far)
    answer = boto3.client("logs", region_name=REGION).get_log_events(
        logGroupName="group", logStreamName="stream", startFromHead=True
    )
    assert [(e["timestamp"], e["message"]) for e in answer["events"]] == [
        (1_000, "b"),
        (1_900_000_000_000, "a"),
    ], (
        f"moto {moto.__version__}: a log group's put_log_events no longer stores events "
        "outside moto's 14-day window as given (training-job logs, _moto/logs.py)"
    )
