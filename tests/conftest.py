from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any, Callable

import boto3
import botocore
import botocore.session
import pytest
from botocore.handlers import BUILTIN_HANDLERS
from moto import mock_aws
from moto.moto_api import state_manager
from moto.moto_api._internal import managed_state_model

import moto_batch_service.state.clock as clock_module
from tests.shape_check import MODEL, on_before_parse

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")


def _share_botocore_loader() -> None:
    """Let every botocore session of the test run share one data loader.

    mock_aws gives each ``boto3.client`` call a fresh default session, and each fresh session
    parses the service models again (about 0.15 s a client). The models are read-only data.
    """
    create = botocore.session.create_loader
    loaders: dict[Any, Any] = {}

    def shared_loader(search_path_string: Any = None) -> Any:
        if search_path_string not in loaders:
            loaders[search_path_string] = create(search_path_string)
        return loaders[search_path_string]

    botocore.session.create_loader = shared_loader


_share_botocore_loader()

REGION = "us-east-1"
TRANSITION_MODEL = "batch::service_job"
START = 1_900_000_000_000  # the fake clock's first reading, epoch ms
ACCOUNT = "123456789012"
PAYLOAD = json.dumps(
    {
        "TrainingJobName": "my-training",
        "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/SageMakerRole",
        "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
        "ResourceConfig": {
            "InstanceType": "ml.m5.xlarge",
            "InstanceCount": 1,
            "VolumeSizeInGB": 30,
        },
        "OutputDataConfig": {"S3OutputPath": "s3://bucket/out"},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
    }
)


# Markers for tests that need what only a newer botocore's batch model has (an older client
# cannot call an operation it lacks, refuses a request member it lacks, and drops a response
# member it lacks). Decided by the installed model, not by version strings:
#   @pytest.mark.requires_operation("UpdateServiceJob")
#   @pytest.mark.requires_botocore_member("ServiceJobSummary", "scheduledAt")
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "requires_operation(name): skip unless the installed botocore's batch model has it",
    )
    config.addinivalue_line(
        "markers",
        "requires_botocore_member(shape, member): skip unless the installed botocore's batch "
        "model has that member",
    )


def missing_from_botocore(item: pytest.Item) -> str | None:
    """Why ``item`` cannot run on the installed botocore, or None if it can."""
    for mark in item.iter_markers("requires_operation"):
        (operation,) = mark.args
        if operation not in MODEL.operation_names:
            return f"botocore {botocore.__version__} has no batch operation {operation}"
    for mark in item.iter_markers("requires_botocore_member"):
        shape, member = mark.args
        if shape not in MODEL.shape_names or member not in MODEL.shape_for(shape).members:
            return f"botocore {botocore.__version__} has no batch member {shape}.{member}"
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        reason = missing_from_botocore(item)
        if reason is not None:
            item.add_marker(pytest.mark.skip(reason=f"{reason} (needs a newer botocore)"))


@pytest.fixture(autouse=True, scope="session")
def _check_every_batch_response() -> Iterator[None]:
    """Every batch response any botocore client receives is checked against the model.

    Registered as a botocore built-in handler, so it reaches every session, including the
    fresh default session ``mock_aws`` gives each ``boto3.client`` call.
    """
    handler = ("before-parse.batch", on_before_parse)
    BUILTIN_HANDLERS.append(handler)
    yield
    BUILTIN_HANDLERS.remove(handler)


@pytest.fixture
def batch() -> Iterator[Any]:
    """A batch client inside an active mock_aws; the store's indexes are checked at the end."""
    from tests.store_snapshot import index_errors

    with mock_aws():
        yield boto3.client("batch", region_name=REGION)
        assert index_errors() == []


@pytest.fixture
def queue(batch: Any) -> str:
    """The name of a fresh SAGEMAKER_TRAINING queue on a fresh service environment."""
    return make_queue(batch, "queue")


@pytest.fixture
def fair_queue(batch: Any) -> str:
    """A SAGEMAKER_TRAINING queue "fair" with a fair-share scheduling policy."""
    policy = batch.create_scheduling_policy(name="fair", fairsharePolicy={})["arn"]
    return make_queue(batch, "fair", schedulingPolicyArn=policy)


@pytest.fixture
def container_queue(batch: Any) -> str:
    """The name of a moto container (ECS) job queue."""
    iam = boto3.client("iam", region_name=REGION)
    role = iam.create_role(RoleName="batch-service", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    env = batch.create_compute_environment(
        computeEnvironmentName="container-env", type="UNMANAGED", state="ENABLED", serviceRole=role
    )["computeEnvironmentArn"]
    batch.create_job_queue(
        jobQueueName="container-queue",
        priority=1,
        state="ENABLED",
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": env}],
    )
    return "container-queue"


def client_of(
    service: str, account: str = ACCOUNT, region: str = REGION, **client_args: Any
) -> Any:
    """A boto3 client of ``service`` whose requests name ``account`` in moto's
    ``x-moto-account-id`` header (moto's default account needs none)."""
    client = boto3.client(service, region_name=region, **client_args)
    if account != ACCOUNT:

        def name_account(request: Any, **_: Any) -> None:
            request.headers["x-moto-account-id"] = account

        client.meta.events.register("before-sign", name_account)
    return client


def make_queue(
    batch: Any, name: str, *, env: str | None = None, capacity: int = 10, **queue_args: Any
) -> str:
    """A SAGEMAKER_TRAINING queue ``name`` on the service environment ``env`` (default
    ``<name>-env``), which is created with ``capacity`` instances unless it exists."""
    env = env or f"{name}-env"
    existing = batch.describe_service_environments(serviceEnvironments=[env])["serviceEnvironments"]
    if not existing:
        batch.create_service_environment(
            serviceEnvironmentName=env,
            serviceEnvironmentType="SAGEMAKER_TRAINING",
            capacityLimits=[{"maxCapacity": capacity, "capacityUnit": "NUM_INSTANCES"}],
        )
    batch.create_job_queue(
        jobQueueName=name,
        priority=queue_args.pop("priority", 1),
        jobQueueType="SAGEMAKER_TRAINING",
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": env}],
        **queue_args,
    )
    return name


# moto's server picks the service from the SigV4 credential scope of the request.
SIGNED_FOR_BATCH = {
    "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/batch/aws4_request, "
    "SignedHeaders=host, Signature=0"
}


def make_quota_queue(batch: Any, max_capacity: int, shares: dict[str, str]) -> str:
    """A quota-management queue "quota" on the environment "quota-env" (``max_capacity`` of
    ml.m5.xlarge), with the RESERVE quota shares ``shares`` (name -> state), each limited to
    the whole environment."""
    limit = [{"maxCapacity": max_capacity, "capacityUnit": "ml.m5.xlarge"}]
    batch.create_service_environment(
        serviceEnvironmentName="quota-env",
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=limit,
    )
    policy = batch.create_scheduling_policy(
        name="quota", quotaSharePolicy={"idleResourceAssignmentStrategy": "FIFO"}
    )["arn"]
    make_queue(batch, "quota", env="quota-env", schedulingPolicyArn=policy)
    for share, state in shares.items():
        batch.create_quota_share(
            quotaShareName=share,
            jobQueue="quota",
            capacityLimits=limit,
            resourceSharingConfiguration={"strategy": "RESERVE"},
            preemptionConfiguration={"inSharePreemption": "DISABLED"},
            state=state,
        )
    return "quota"


def server_client(endpoint: str) -> Any:
    """A boto3 Batch client of the moto server at ``endpoint``."""
    return boto3.client(
        "batch",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def submit(batch: Any, queue: str, name: str = "job", **extra: Any) -> dict[str, Any]:
    return batch.submit_service_job(  # type: ignore[no-any-return]
        jobName=name,
        jobQueue=queue,
        serviceJobType="SAGEMAKER_TRAINING",
        serviceRequestPayload=extra.pop("serviceRequestPayload", PAYLOAD),
        **extra,
    )


def fresh_job_members(
    job: dict[str, Any], name: str, queue_arn: str, **more: Any
) -> dict[str, Any]:
    """Members DescribeServiceJob shows for ``job`` (a SubmitServiceJob answer) just submitted
    as ``name`` with PAYLOAD to the queue ``queue_arn``; ``more`` adds members."""
    return {
        "jobId": job["jobId"],
        "jobArn": job["jobArn"],
        "jobName": name,
        "jobQueue": queue_arn,
        "serviceJobType": "SAGEMAKER_TRAINING",
        "status": "SUBMITTED",
        "serviceRequestPayload": PAYLOAD,
        **more,
    }


def only(response: dict[str, Any], wanted: dict[str, Any]) -> dict[str, Any]:
    """The members of ``response`` that ``wanted`` names (KeyError if one is missing)."""
    return {key: response[key] for key in wanted}


def time_limit_reason(reason: str) -> str:
    """The statusReason of a job a queue's jobStateTimeLimitActions terminated for ``reason``."""
    return f"Terminated by JobStateTimeLimit action due to reason: {reason}"


def answer_body(data: Any) -> Any:
    """A JSON answer (bytes, text or parsed) as AWS writes it. moto 5.2.6 and newer also write
    an error's message as ``Message`` (botocore reads either): that copy must equal
    ``message`` and is left out."""
    body = json.loads(data or b"{}") if isinstance(data, (bytes, str)) else data
    if isinstance(body, dict) and "Message" in body and "message" in body:
        body = dict(body)
        assert body.pop("Message") == body["message"], body
    return body


def describe(batch: Any, job_id: str) -> dict[str, Any]:
    """DescribeServiceJob of ``job_id``, without its ResponseMetadata."""
    response = batch.describe_service_job(jobId=job_id)
    response.pop("ResponseMetadata")
    return response  # type: ignore[no-any-return]


def without_metadata(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def client_error(exc_info: Any) -> tuple[str, str, int]:
    """(code, message, HTTP status) of a botocore ClientError."""
    response = exc_info.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def refused(exc_info: Any, message: str) -> None:
    """The request of ``exc_info`` was refused with a ClientException saying ``message``."""
    assert client_error(exc_info) == ("ClientException", message, 400)


def invalid(member: str, value: object, why: str) -> str:
    """The message of a refused value: ``Invalid value for <member> (<value>): <why>``."""
    return f"Invalid value for {member} ({value!r}): {why}"


# -- steering time and progression in tests ---------------------------------------------


class Clock:
    """Stands in for the package's clock (``clock.now_ms``): time moves only when told."""

    def __init__(self) -> None:
        self.ms = START

    def __call__(self) -> int:
        return self.ms

    def advance(self, seconds: float) -> None:
        self.ms += round(seconds * 1000)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(clock_module, "now_ms", fake)
    return fake


class StateClock:
    """Stands in for ``datetime`` in moto's managed_state_model (the "time" progression)."""

    def __init__(self) -> None:
        self.at = datetime(2030, 1, 1)

    def now(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


@pytest.fixture
def state_clock(monkeypatch: pytest.MonkeyPatch) -> StateClock:
    fake = StateClock()
    monkeypatch.setattr(managed_state_model, "datetime", fake)
    return fake


@pytest.fixture
def progression() -> Iterator[Callable[[dict[str, Any]], None]]:
    """Set the service-job transition for one test; it is unset on teardown, pass or fail."""
    yield lambda config: state_manager.set_transition(TRANSITION_MODEL, config)
    state_manager.unset_transition(TRANSITION_MODEL)
