"""The SageMaker Python SDK's AWS Batch support against this package's server.

``sagemaker.train.aws_batch`` (package ``sagemaker-train``): ``TrainingQueue`` builds the
training request from a ``ModelTrainer`` and calls SubmitServiceJob; its ``list_jobs`` calls
ListServiceJobs (by status, or by a JOB_NAME filter, following ``nextToken``);
``TrainingQueuedJob`` calls DescribeServiceJob, TerminateServiceJob and UpdateServiceJob with the
job ARN as ``jobId``; its ``get_model_trainer`` reads the latest attempt's training job with
SageMaker's DescribeTrainingJob (the training job the package creates in moto's SageMaker).
sagemaker-core's ``logs_for_job`` (``session_helper._logs_for_job``) and ``TrainingJob.wait(
logs=True)`` print the training job's streams in moto's CloudWatch Logs.
The SDK makes its clients with ``boto3.client(...)`` and no endpoint: ``AWS_ENDPOINT_URL``
points them (and the SageMaker session the ``ModelTrainer`` makes) at the server. Run by the
tox env ``sagemaker`` (see requirements/sagemaker*.txt).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError
from sagemaker.train.aws_batch.exception import NoTrainingJob
from sagemaker.train.aws_batch.training_queue import TrainingQueue
from sagemaker.train.aws_batch.training_queued_job import TrainingQueuedJob
from sagemaker.train.configs import Compute, InputData, OutputDataConfig
from sagemaker.train.model_trainer import ModelTrainer

REGION = "us-east-1"
ACCOUNT = "123456789012"
MODEL = "batch::service_job"
QUEUE = "training"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/resnet:latest"
JOB_ARN_PREFIX = f"arn:aws:batch:{REGION}:{ACCOUNT}:service-job/"
# The SDK's defaults for every submit (sagemaker.train.aws_batch.constants).
SDK_RETRY_STRATEGY = {
    "attempts": 1,
    "evaluateOnExit": [
        {
            "action": "RETRY",
            "onStatusReason": "Received status from SageMaker:InternalServerError: "
            "We encountered an internal error. Please try again.",
        },
        {"action": "EXIT", "onStatusReason": "*"},
    ],
}
SDK_TIMEOUT = {"attemptDurationSeconds": 86400}


@pytest.fixture
def endpoint(moto_batch_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """Every boto3 client the SDK makes talks to the freshly reset server, offline."""
    empty_config = tmp_path / "config.yaml"
    empty_config.write_text("")
    for name, value in {
        "AWS_ENDPOINT_URL": moto_batch_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": str(tmp_path / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "aws-credentials"),
        # IAM role validation calls an IAM operation moto does not implement.
        "SAGEMAKER_VALIDATE_ROLE": "false",
        # No SageMaker defaults file from the machine (and no second per submit).
        "SAGEMAKER_ADMIN_CONFIG_OVERRIDE": str(empty_config),
        "SAGEMAKER_USER_CONFIG_OVERRIDE": str(empty_config),
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_BATCH"):
        monkeypatch.delenv(name, raising=False)
    # The SDK's boto3.client() calls use boto3's default session: a fresh one per test.
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    return moto_batch_endpoint


@pytest.fixture
def role(endpoint: str) -> str:
    """The execution role, created in moto's IAM."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sagemaker.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    iam = boto3.client("iam")
    created = iam.create_role(RoleName="SageMakerRole", AssumeRolePolicyDocument=json.dumps(trust))
    return created["Role"]["Arn"]  # type: ignore[no-any-return]


@pytest.fixture
def batch(endpoint: str) -> Any:
    """A batch client of the server, with the SAGEMAKER_TRAINING queue ``training``."""
    client = boto3.client("batch")
    client.create_service_environment(
        serviceEnvironmentName="training-env",
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=[{"maxCapacity": 4, "capacityUnit": "NUM_INSTANCES"}],
    )
    client.create_job_queue(
        jobQueueName=QUEUE,
        priority=1,
        jobQueueType="SAGEMAKER_TRAINING",
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "training-env"}],
    )
    return client


@pytest.fixture
def trainer(role: str) -> ModelTrainer:
    return ModelTrainer(
        training_image=IMAGE,
        role=role,
        base_job_name="resnet",
        compute=Compute(instance_type="ml.m5.xlarge", instance_count=1),
        output_data_config=OutputDataConfig(s3_output_path="s3://bucket/output"),
        hyperparameters={"epochs": 2},
        tags=[{"key": "team", "value": "vision"}],
    )


@pytest.fixture
def queue(batch: Any) -> TrainingQueue:
    return TrainingQueue(QUEUE)


def inputs(name: str = "train") -> list[InputData]:
    return [InputData(channel_name=name, data_source=f"s3://bucket/{name}")]


def set_transition(endpoint: str, transition: dict[str, Any]) -> None:
    response = requests.post(
        f"{endpoint}/moto-api/state-manager/set-transition",
        json={"model_name": MODEL, "transition": transition},
        timeout=30,
    )
    assert response.status_code == 201


@pytest.fixture
def transition(endpoint: str) -> Iterator[Any]:
    """Set ``batch::service_job``'s transition over HTTP; unset after the test."""
    yield lambda transition: set_transition(endpoint, transition)
    requests.post(
        f"{endpoint}/moto-api/state-manager/unset-transition",
        json={"model_name": MODEL},
        timeout=30,
    ).raise_for_status()


def plan(endpoint: str, job: TrainingQueuedJob, *outcomes: dict[str, str]) -> None:
    response = requests.post(
        f"{endpoint}/moto-api/static/batch/service-job-attempts",
        json={"jobId": job.job_arn, "outcomes": list(outcomes)},
        timeout=30,
    )
    assert response.status_code == 201


def names(jobs: list[TrainingQueuedJob]) -> list[str]:
    return [job.job_name for job in jobs]


# -- submit and describe -------------------------------------------------------------------


def test_submit_returns_a_queued_job_that_describes_what_the_sdk_sent(queue, trainer, role):
    job = queue.submit(trainer, inputs(), job_name="resnet-a", tags={"project": "imagenet"})

    assert isinstance(job, TrainingQueuedJob)
    assert job.job_name == "resnet-a"
    assert job.job_arn.startswith(JOB_ARN_PREFIX)
    described = job.describe()
    assert (described["jobArn"], described["jobName"], described["status"]) == (
        job.job_arn,
        "resnet-a",
        "SUBMITTED",
    )
    assert described["jobId"] == job.job_arn.rsplit("/", 1)[1]
    assert described["jobQueue"] == f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/{QUEUE}"
    assert described["serviceJobType"] == "SAGEMAKER_TRAINING"
    assert described["retryStrategy"] == SDK_RETRY_STRATEGY
    assert described["timeoutConfig"] == SDK_TIMEOUT
    # The training request's tags are moved out of the payload into the job's tags.
    assert described["tags"] == {"project": "imagenet", "team": "vision"}
    assert (described["isTerminated"], described["attempts"]) == (False, [])
    payload = json.loads(described["serviceRequestPayload"])
    assert payload["TrainingJobName"].startswith("resnet-")
    assert "Tags" not in payload
    assert payload["RoleArn"] == role
    assert payload["AlgorithmSpecification"]["TrainingImage"] == IMAGE
    assert payload["HyperParameters"] == {"epochs": "2"}
    assert payload["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"] == (
        "s3://bucket/train"
    )
    assert payload["ResourceConfig"]["InstanceType"] == "ml.m5.xlarge"
    assert described["capacityUsage"] == [{"capacityUnit": "ml.m5.xlarge", "quantity": 1}]


def test_submit_without_a_job_name_names_the_job_after_the_training_job(queue, trainer):
    job = queue.submit(trainer, inputs())

    payload = json.loads(job.describe()["serviceRequestPayload"])
    assert job.job_name == payload["TrainingJobName"]
    assert job.job_name.startswith("resnet-")


def test_submit_with_the_sdk_options_is_stored_as_sent(queue, trainer):
    job = queue.submit(
        trainer,
        inputs(),
        job_name="tuned",
        retry_config={"attempts": 3, "evaluateOnExit": [{"action": "EXIT", "onStatusReason": "*"}]},
        priority=5,
        timeout={"attemptDurationSeconds": 3600},
    )

    described = job.describe()
    assert described["retryStrategy"] == {
        "attempts": 3,
        "evaluateOnExit": [{"action": "EXIT", "onStatusReason": "*"}],
    }
    assert described["schedulingPriority"] == 5
    assert described["timeoutConfig"] == {"attemptDurationSeconds": 3600}


def test_submit_to_an_unknown_queue_is_refused(endpoint, trainer):
    with pytest.raises(ClientError) as raised:
        TrainingQueue("no-such-queue").submit(trainer, inputs(), job_name="lost")

    assert raised.value.response["Error"]["Code"] == "ClientException"


# -- list ----------------------------------------------------------------------------------


def test_list_jobs_by_status_and_by_name(queue, trainer, transition):
    # Steps only when the test says so: each job needs 100 looks before its next step.
    transition({"progression": "manual", "times": 100})
    first = queue.submit(trainer, inputs(), job_name="resnet-a")
    second = queue.submit(trainer, inputs(), job_name="resnet-b")
    queue.submit(trainer, inputs(), job_name="bert-c")

    assert names(queue.list_jobs(status="SUBMITTED")) == ["bert-c", "resnet-b", "resnet-a"]
    assert queue.list_jobs() == []  # the SDK's default status is RUNNING
    assert queue.list_jobs(status="RUNNABLE") == []
    by_prefix = queue.list_jobs(job_name="resnet*")
    assert [(job.job_name, job.job_arn) for job in by_prefix] == [
        ("resnet-b", second.job_arn),
        ("resnet-a", first.job_arn),
    ]
    assert names(queue.list_jobs(job_name="RESNET-A")) == ["resnet-a"]
    assert queue.get_job("resnet-a").job_arn == first.job_arn
    with pytest.raises(ValueError, match="Cannot find job: gpt"):
        queue.get_job("gpt")


def test_list_jobs_follows_next_token_past_the_default_page_of_100(queue, trainer, transition):
    transition({"progression": "manual", "times": 100})
    submitted = queue.map(trainer, [inputs()] * 103, job_names=[f"job-{i}" for i in range(103)])

    listed = queue.list_jobs(status="SUBMITTED")

    assert len(submitted) == 103
    assert sorted(job.job_arn for job in listed) == sorted(job.job_arn for job in submitted)
    assert names(listed)[:2] == ["job-102", "job-101"]
    assert len(queue.list_jobs(job_name="job-1*")) == 14  # job-1, job-10..19, job-100..102


def test_list_jobs_by_share_identifier(batch, trainer, transition):
    transition({"progression": "manual", "times": 100})
    policy = batch.create_scheduling_policy(
        name="fair", fairsharePolicy={"shareDistribution": [{"shareIdentifier": "teamA"}]}
    )
    batch.create_job_queue(
        jobQueueName="shared",
        priority=1,
        jobQueueType="SAGEMAKER_TRAINING",
        schedulingPolicyArn=policy["arn"],
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "training-env"}],
    )
    shared = TrainingQueue("shared")
    shared.submit(trainer, inputs(), job_name="a1", share_identifier="teamA")
    shared.submit(trainer, inputs(), job_name="b1", share_identifier="teamB")

    jobs = shared.list_jobs_by_share(status="SUBMITTED", share_identifier="teamA")

    assert [(job.job_name, job.share_identifier) for job in jobs] == [("a1", "teamA")]
    assert shared.list_jobs_by_share(status="RUNNING", share_identifier="teamA") == []


# -- wait, result, terminate, update ---------------------------------------------------------


def test_wait_and_result_under_the_immediate_transition(queue, trainer, transition):
    job = queue.submit(trainer, inputs(), job_name="resnet-a")
    assert job.describe()["status"] == "SUBMITTED"
    with pytest.raises(NoTrainingJob):
        job.get_model_trainer()  # still queued: no training job yet

    transition({"progression": "immediate"})
    finished = job.wait(timeout=60)

    assert finished["status"] == "SUCCEEDED"
    assert finished["statusReason"] == "Received status from SageMaker: Training job completed"
    assert finished["latestAttempt"]["serviceResourceId"]["name"] == "TrainingJobArn"
    training_job_arn = finished["latestAttempt"]["serviceResourceId"]["value"]
    assert training_job_arn.startswith(f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:training-job/")
    assert [attempt["serviceResourceId"]["value"] for attempt in finished["attempts"]] == [
        training_job_arn
    ]
    assert finished["startedAt"] <= finished["stoppedAt"]
    assert job.result(timeout=60)["status"] == "SUCCEEDED"
    assert names(queue.list_jobs(status="SUCCEEDED")) == ["resnet-a"]


def test_wait_under_manual_steps_sees_each_status(queue, trainer, transition):
    transition({"progression": "manual", "times": 1})
    job = queue.submit(trainer, inputs(), job_name="stepwise")

    seen = [job.describe()["status"] for _ in range(6)]

    assert seen == ["SUBMITTED", "RUNNABLE", "SCHEDULED", "STARTING", "RUNNING", "SUCCEEDED"]
    assert job.wait(timeout=60)["status"] == "SUCCEEDED"


def test_result_raises_the_failure_reason_and_the_sdk_retry_rule_exits(
    endpoint, queue, trainer, transition
):
    job = queue.submit(trainer, inputs(), job_name="oom")
    plan(endpoint, job, {"type": "FAILED", "reason": "AlgorithmError: out of memory"})
    transition({"progression": "immediate"})

    with pytest.raises(RuntimeError) as raised:
        job.result(timeout=60)

    assert str(raised.value) == "Received status from SageMaker: AlgorithmError: out of memory"
    described = job.describe()
    assert (described["status"], len(described["attempts"])) == ("FAILED", 1)
    assert queue.list_jobs(status="FAILED")[0].job_arn == job.job_arn


def test_terminate_a_queued_job_and_a_running_one(queue, trainer, transition):
    transition({"progression": "manual", "times": 100})
    queued = queue.submit(trainer, inputs(), job_name="queued")
    running = queue.submit(trainer, inputs(), job_name="running")
    transition({"progression": "manual", "times": 1})  # one step per look
    statuses = [running.describe()["status"] for _ in range(5)]
    assert statuses == ["SUBMITTED", "RUNNABLE", "SCHEDULED", "STARTING", "RUNNING"]

    running.terminate()  # the SDK's default reason
    queued.terminate(reason="not needed")  # never looked at: still SUBMITTED

    described = queued.describe()
    assert (described["status"], described["statusReason"], described["isTerminated"]) == (
        "FAILED",
        "not needed",
        True,
    )
    described = running.describe()
    assert (described["status"], described["statusReason"], described["isTerminated"]) == (
        "FAILED",
        "Default terminate reason",
        True,
    )
    assert len(described["attempts"]) == 1
    assert names(queue.list_jobs(status="FAILED")) == ["running", "queued"]


def test_update_changes_the_scheduling_priority(queue, trainer):
    job = queue.submit(trainer, inputs(), job_name="urgent", priority=1)

    updated = job.update(scheduling_priority=99)

    assert (updated["jobArn"], updated["jobName"]) == (job.job_arn, "urgent")
    assert job.describe()["schedulingPriority"] == 99


# -- the training job behind a dispatched job ------------------------------------------------


def training_job_name(job: TrainingQueuedJob) -> str:
    arn = job.describe()["latestAttempt"]["serviceResourceId"]["value"]
    return arn.split("/", 1)[1]  # type: ignore[no-any-return]


def test_get_model_trainer_of_a_dispatched_job_returns_a_model_trainer_for_it(
    queue, trainer, role, transition
):
    transition({"progression": "manual", "times": 1})  # one step per look
    job = queue.submit(trainer, inputs(), job_name="resnet-a")
    statuses = [job.describe()["status"] for _ in range(3)]
    assert statuses == ["SUBMITTED", "RUNNABLE", "SCHEDULED"]
    name = training_job_name(job)

    model_trainer = job.get_model_trainer()

    assert isinstance(model_trainer, ModelTrainer)
    training_job = model_trainer._latest_training_job
    assert (training_job.training_job_name, training_job.training_job_status) == (
        name,
        "InProgress",
    )
    assert (model_trainer.training_image, model_trainer.role) == (IMAGE, role)
    assert (model_trainer.compute.instance_type, model_trainer.compute.instance_count) == (
        "ml.m5.xlarge",
        1,
    )
    assert model_trainer.hyperparameters == {"epochs": "2"}
    assert model_trainer.output_data_config.s3_output_path == "s3://bucket/output"
    assert training_job.input_data_config[0].channel_name == "train"


def test_get_model_trainer_follows_the_job_to_its_completed_training_job(
    queue, trainer, transition
):
    job = queue.submit(trainer, inputs(), job_name="resnet-b")
    transition({"progression": "immediate"})
    assert job.wait(timeout=60)["status"] == "SUCCEEDED"

    training_job = job.get_model_trainer()._latest_training_job

    assert training_job.training_job_name == training_job_name(job)
    assert (training_job.training_job_status, training_job.secondary_status) == (
        "Completed",
        "Completed",
    )
    described = job.describe()
    assert training_job.training_end_time.timestamp() * 1000 == described["stoppedAt"]


def test_a_retried_job_s_model_trainer_is_its_latest_attempt(endpoint, queue, trainer, transition):
    job = queue.submit(
        trainer, inputs(), job_name="flaky", retry_config={"attempts": 2, "evaluateOnExit": []}
    )
    plan(endpoint, job, {"type": "FAILED", "reason": "AlgorithmError: flaky"})
    transition({"progression": "immediate"})
    finished = job.wait(timeout=60)
    assert finished["status"] == "SUCCEEDED"
    first, second = (a["serviceResourceId"]["value"] for a in finished["attempts"])

    training_job = job.get_model_trainer()._latest_training_job

    assert training_job.training_job_arn == second
    sagemaker = boto3.client("sagemaker")
    earlier = sagemaker.describe_training_job(TrainingJobName=first.split("/", 1)[1])
    assert (earlier["TrainingJobStatus"], earlier["FailureReason"]) == (
        "Failed",
        "AlgorithmError: flaky",
    )


# -- the training job's logs -----------------------------------------------------------------


def log_lines(job: TrainingQueuedJob) -> tuple[str, list[str]]:
    """The training job of a finished job and the lines its one stream holds (start, end)."""
    name = training_job_name(job)
    final = boto3.client("sagemaker").describe_training_job(TrainingJobName=name)
    status = final["TrainingJobStatus"]
    ending = f"{status}: {final['FailureReason']}" if status == "Failed" else status
    return name, [
        f"Training job {name} started on algo-1 (ml.m5.xlarge, instance 1 of 1)",
        f"Training job {name} {ending}",
    ]


def printed_lines(out: str, name: str) -> list[str]:
    """The log lines in what logs_for_job printed (the first follows the training job's status
    message, printed without a line end)."""
    start = f"Training job {name} "
    return [line[line.index(start) :] for line in out.splitlines() if start in line]


@pytest.mark.parametrize("wait", [False, True])
def test_logs_for_job_prints_the_stream_of_a_finished_training_job(
    queue, trainer, transition, monkeypatch, capsys, wait
):
    # The function behind Session.logs_for_job: it reads /aws/sagemaker/TrainingJobs with
    # DescribeLogStreams (prefix "<name>/") and GetLogEvents from the head, once (wait=False)
    # or until the training job has finished (wait=True, here at once).
    from sagemaker.core.helper import session_helper

    job = queue.submit(trainer, inputs(), job_name="resnet-logs")
    transition({"progression": "immediate"})
    assert job.wait(timeout=60)["status"] == "SUCCEEDED"
    name, lines = log_lines(job)
    # (it waits 5 s before its first DescribeTrainingJob, in case the job is being created)
    monkeypatch.setattr(session_helper, "_wait_until", lambda describe, poll=5: describe())
    capsys.readouterr()

    described = session_helper._logs_for_job(session_helper.Session(), name, wait=wait)

    assert described["TrainingJobStatus"] == "Completed"
    assert printed_lines(capsys.readouterr().out, name) == lines


def test_logs_for_job_prints_the_failure_of_a_failed_training_job(
    endpoint, queue, trainer, transition, monkeypatch, capsys
):
    from sagemaker.core.helper import session_helper

    job = queue.submit(trainer, inputs(), job_name="oom-logs")
    plan(endpoint, job, {"type": "FAILED", "reason": "AlgorithmError: out of memory"})
    transition({"progression": "immediate"})
    assert job.wait(timeout=60)["status"] == "FAILED"
    name, lines = log_lines(job)
    assert lines[-1].endswith(" Failed: AlgorithmError: out of memory")
    monkeypatch.setattr(session_helper, "_wait_until", lambda describe, poll=5: describe())
    capsys.readouterr()

    session_helper._logs_for_job(session_helper.Session(), name, wait=False)

    assert printed_lines(capsys.readouterr().out, name) == lines


def test_training_job_wait_with_logs_reads_the_stream(queue, trainer, transition, caplog):
    # sagemaker-core's TrainingJob.wait(logs=True) finds the streams by the same prefix.
    from sagemaker.core.resources import TrainingJob

    job = queue.submit(trainer, inputs(), job_name="resnet-wait")
    transition({"progression": "immediate"})
    assert job.wait(timeout=60)["status"] == "SUCCEEDED"
    name, lines = log_lines(job)

    with caplog.at_level(logging.INFO):
        TrainingJob.get(name).wait(poll=1, timeout=30, logs=True)

    stream = f"{name}/algo-1-"
    logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith(stream)]
    assert [message.split("\n", 1)[1] for message in logged] == lines
