"""Each attempt's training job exists in moto's SageMaker and follows the attempt."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

import moto_batch_service as mbs
from tests.conftest import ACCOUNT, PAYLOAD, REGION, client_error, make_queue
from tests.test_activation import run
from tests.test_lifecycle import describe, look_until, submit, training_job

STOPPED = "Received status from SageMaker: Training job stopped"
OOM = "AlgorithmError: out of memory"


def sagemaker(**extra: Any) -> Any:
    return boto3.client("sagemaker", region_name=extra.pop("region_name", REGION), **extra)


def name_of(arn: str) -> str:
    return arn.split("/", 1)[1]


def at(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, timezone.utc)


def training(arn: str, **extra: Any) -> dict[str, Any]:
    response = sagemaker(**extra).describe_training_job(TrainingJobName=name_of(arn))
    response.pop("ResponseMetadata")
    return response  # type: ignore[no-any-return]


def secondary(described: dict[str, Any]) -> list[str]:
    return [entry["Status"] for entry in described["SecondaryStatusTransitions"]]


def test_dispatch_creates_the_attempt_s_training_job_from_the_payload(batch, queue, clock):
    payload = {
        **json.loads(PAYLOAD),
        "HyperParameters": {"epochs": "3"},
        "InputDataConfig": [
            {"ChannelName": "train", "DataSource": {"S3DataSource": {"S3Uri": "s3://in/"}}}
        ],
        "Tags": [{"Key": "team", "Value": "ml"}],
    }
    job_id = submit(batch, queue, "job", serviceRequestPayload=json.dumps(payload))
    arn = training_job(look_until(batch, job_id, "SCHEDULED"))
    # (read from the store: an older botocore drops scheduledAt from the response)
    scheduled = at(mbs.service_job_backends[ACCOUNT][REGION].jobs[job_id].scheduled_at)
    assert training(arn) == {
        "TrainingJobName": name_of(arn),
        "TrainingJobArn": arn,
        "ModelArtifacts": {
            "S3ModelArtifacts": f"s3://bucket/out/{name_of(arn)}/output/model.tar.gz"
        },
        "TrainingJobStatus": "InProgress",
        "SecondaryStatus": "Pending",
        "HyperParameters": {"epochs": "3"},
        "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
        "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/SageMakerRole",
        "InputDataConfig": payload["InputDataConfig"],
        "OutputDataConfig": {"S3OutputPath": "s3://bucket/out"},
        "ResourceConfig": {
            "InstanceType": "ml.m5.xlarge",
            "InstanceCount": 1,
            "VolumeSizeInGB": 30,
        },
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "CreationTime": scheduled,
        "LastModifiedTime": scheduled,
        "SecondaryStatusTransitions": [
            {
                "Status": "Pending",
                "StartTime": scheduled,
                "StatusMessage": "Preparing the instances for training",
            }
        ],
        "FinalMetricDataList": [],
        "EnableNetworkIsolation": False,
        "EnableInterContainerTrafficEncryption": False,
        "EnableManagedSpotTraining": False,
    }
    tags = sagemaker().list_tags(ResourceArn=arn)["Tags"]
    assert tags == [{"Key": "team", "Value": "ml"}]


def test_the_training_job_follows_the_attempt_to_completed(batch, queue, clock):
    job_id = submit(batch, queue, "job")
    arn = training_job(look_until(batch, job_id, "SCHEDULED"))
    clock.advance(10)
    look_until(batch, job_id, "STARTING")
    assert (training(arn)["TrainingJobStatus"], training(arn)["SecondaryStatus"]) == (
        "InProgress",
        "Downloading",
    )
    clock.advance(10)
    running = look_until(batch, job_id, "RUNNING")
    assert training(arn)["TrainingStartTime"] == at(running["startedAt"])
    clock.advance(10)
    done = look_until(batch, job_id, "SUCCEEDED")
    described = training(arn)
    assert (described["TrainingJobStatus"], described["SecondaryStatus"]) == (
        "Completed",
        "Completed",
    )
    assert described["TrainingEndTime"] == at(done["stoppedAt"])
    assert secondary(described) == ["Pending", "Downloading", "Training", "Completed"]
    assert "FailureReason" not in described


def test_a_failed_attempt_fails_its_training_job_and_a_retry_creates_another(batch, queue):
    job_id = submit(batch, queue, "job", retryStrategy={"attempts": 2})
    mbs.plan_service_job_attempts(job_id, mbs.fail_attempt(OOM))
    first = training_job(look_until(batch, job_id, "SCHEDULED"))
    job = look_until(batch, job_id, "SUCCEEDED")
    second = training_job(job)
    assert first != second
    assert (training(first)["TrainingJobStatus"], training(first)["FailureReason"]) == (
        "Failed",
        OOM,
    )
    assert training(second)["TrainingJobStatus"] == "Completed"
    listed = sagemaker().list_training_jobs()["TrainingJobSummaries"]
    assert sorted((s["TrainingJobArn"], s["TrainingJobStatus"]) for s in listed) == sorted(
        [(first, "Failed"), (second, "Completed")]
    )
    assert [a["serviceResourceId"]["value"] for a in job["attempts"]] == [first, second]


def test_a_capacity_shortage_fails_the_training_job_with_a_capacity_error(batch, queue):
    job_id = submit(batch, queue, "job")
    mbs.plan_service_job_attempts(job_id, mbs.capacity_shortage())
    first = training_job(look_until(batch, job_id, "SCHEDULED"))
    look_until(batch, job_id, "RUNNABLE")
    described = training(first)
    assert described["TrainingJobStatus"] == "Failed"
    assert described["FailureReason"].startswith("CapacityError: ")
    again = training_job(look_until(batch, job_id, "SCHEDULED"))
    assert again != first and training(again)["TrainingJobStatus"] == "InProgress"


def training_jobs_listed() -> list[tuple[str, str]]:
    listed = sagemaker().list_training_jobs()["TrainingJobSummaries"]
    return sorted((s["TrainingJobArn"], s["TrainingJobStatus"]) for s in listed)


def dispatches(batch: Any, job_id: str, times: int) -> list[str]:
    """The training job of each of the job's next ``times`` dispatches, in order."""
    seen = []
    for _ in range(times):
        seen.append(training_job(look_until(batch, job_id, "SCHEDULED")))
        describe(batch, job_id)  # moves on: back to RUNNABLE, or STARTING
    return seen


def test_only_the_latest_training_job_failed_for_capacity_is_kept(batch, queue):
    job_id = submit(batch, queue, "job")
    shortage = mbs.capacity_shortage()
    mbs.plan_service_job_attempts(job_id, shortage, shortage, shortage)

    first, second, third, running = dispatches(batch, job_id, 4)
    assert training_jobs_listed() == sorted([(third, "Failed"), (running, "InProgress")])
    with pytest.raises(ClientError):
        training(first)
    with pytest.raises(ClientError):
        training(second)
    assert training(third)["FailureReason"].startswith("CapacityError: ")
    done = look_until(batch, job_id, "SUCCEEDED")
    assert [a["serviceResourceId"]["value"] for a in done["attempts"]] == [running]


def test_attempts_that_failed_after_starting_keep_their_training_jobs(batch, queue):
    job_id = submit(batch, queue, "job", retryStrategy={"attempts": 3})
    shortage = mbs.capacity_shortage()
    mbs.plan_service_job_attempts(
        job_id, shortage, mbs.fail_attempt(OOM), shortage, mbs.fail_attempt(OOM), shortage
    )

    short1, failed1 = dispatches(batch, job_id, 2)
    short2, failed2 = dispatches(batch, job_id, 2)
    short3, last = dispatches(batch, job_id, 2)
    done = look_until(batch, job_id, "SUCCEEDED")

    assert training_jobs_listed() == sorted(
        [(failed1, "Failed"), (failed2, "Failed"), (short3, "Failed"), (last, "Completed")]
    )
    assert [a["serviceResourceId"]["value"] for a in done["attempts"]] == [failed1, failed2, last]
    assert short1 != short2 != short3


def test_terminating_a_running_job_stops_its_training_job(batch, queue):
    job_id = submit(batch, queue, "job")
    arn = training_job(look_until(batch, job_id, "RUNNING"))
    batch.terminate_service_job(jobId=job_id, reason="enough")
    assert training(arn)["TrainingJobStatus"] == "InProgress"  # Batch stops it at the next look
    assert describe(batch, job_id)["status"] == "FAILED"
    described = training(arn)
    assert (described["TrainingJobStatus"], described["SecondaryStatus"]) == ("Stopped", "Stopped")
    assert "FailureReason" not in described


def test_deleting_the_queue_of_a_running_job_stops_its_training_job(batch, queue):
    job_id = submit(batch, queue, "job")
    arn = training_job(look_until(batch, job_id, "RUNNING"))
    batch.update_job_queue(jobQueue=queue, state="DISABLED")
    batch.delete_job_queue(jobQueue=queue)
    assert describe(batch, job_id)["statusReason"] == "Job queue deleted"
    assert training(arn)["TrainingJobStatus"] == "Stopped"


def test_a_timed_out_attempt_stops_its_training_job(batch, queue, clock):
    job_id = submit(batch, queue, "job", timeoutConfig={"attemptDurationSeconds": 60})
    arn = training_job(look_until(batch, job_id, "RUNNING"))
    clock.advance(61)
    assert describe(batch, job_id)["status"] == "FAILED"
    assert training(arn)["TrainingJobStatus"] == "Stopped"


def test_stop_training_job_ends_the_attempt_and_fails_the_service_job(batch, queue):
    job_id = submit(batch, queue, "job", retryStrategy={"attempts": 3})
    arn = training_job(look_until(batch, job_id, "RUNNING"))
    response = sagemaker().stop_training_job(TrainingJobName=name_of(arn))
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    job = describe(batch, job_id)
    assert (job["status"], job["statusReason"], job["isTerminated"]) == ("FAILED", STOPPED, False)
    assert [(a["serviceResourceId"]["value"], a["statusReason"]) for a in job["attempts"]] == [
        (arn, STOPPED)
    ]
    assert secondary(training(arn))[-1] == "Stopped"
    assert training(arn)["TrainingJobStatus"] == "Stopped"


def test_stop_training_job_refuses_unknown_and_finished_training_jobs(batch, queue):
    with pytest.raises(ClientError) as unknown:
        sagemaker().stop_training_job(TrainingJobName="nope")
    assert client_error(unknown)[0] == "ResourceNotFound"
    job_id = submit(batch, queue, "job")
    arn = training_job(look_until(batch, job_id, "SUCCEEDED"))
    with pytest.raises(ClientError) as finished:
        sagemaker().stop_training_job(TrainingJobName=name_of(arn))
    assert client_error(finished) == (
        "ValidationException",
        "The request was rejected because the training job is in status Completed.",
        400,
    )


@pytest.mark.parametrize("payload", ["{}", "not json", '["a list"]', '{"RoleArn": 7}'])
def test_a_minimal_or_unreadable_payload_gets_default_members(batch, queue, payload):
    job_id = submit(batch, queue, "job", serviceRequestPayload=payload)
    arn = training_job(look_until(batch, job_id, "SCHEDULED"))
    described = training(arn)
    assert name_of(arn).startswith("AWSBatchjob")
    assert {member: described[member] for member in ("RoleArn", "ResourceConfig")} == {
        "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/service-role/SageMakerExecutionRole",
        "ResourceConfig": {
            "InstanceType": "ml.m5.xlarge",
            "InstanceCount": 1,
            "VolumeSizeInGB": 30,
        },
    }
    assert described["OutputDataConfig"] == {"S3OutputPath": f"s3://sagemaker-{REGION}-{ACCOUNT}/"}
    assert described["StoppingCondition"] == {"MaxRuntimeInSeconds": 86400}


def test_a_helper_that_puts_a_job_in_running_creates_its_training_job(batch, queue):
    job_id = submit(batch, queue, "job")
    job = mbs.set_service_job_status(job_id, "RUNNING")
    assert job.training_job_arn is not None
    described = training(job.training_job_arn)
    assert (described["TrainingJobStatus"], described["SecondaryStatus"]) == (
        "InProgress",
        "Training",
    )
    assert described["TrainingStartTime"] == at(job.started_at)
    mbs.set_service_job_status(
        job_id, "FAILED", status_reason=f"Received status from SageMaker: {OOM}"
    )
    described = training(job.training_job_arn)
    assert (described["TrainingJobStatus"], described["FailureReason"]) == ("Failed", OOM)


@pytest.mark.parametrize("back_to", ["SUBMITTED", "PENDING", "RUNNABLE"])
def test_a_helper_moving_a_job_back_stops_its_training_job(batch, queue, back_to):
    job_id = submit(batch, queue, "job")
    arn = mbs.set_service_job_status(job_id, "RUNNING").training_job_arn
    assert arn is not None
    moved = mbs.set_service_job_status(job_id, back_to)
    described = training(arn)
    assert (described["TrainingJobStatus"], described["SecondaryStatus"]) == ("Stopped", "Stopped")
    assert moved.training_job_arn is (arn if back_to == "RUNNABLE" else None)


def test_seeded_jobs_have_no_training_job(batch, queue):
    job = mbs.add_service_job(queue, "seeded", status="RUNNING")
    assert job.training_job_arn is not None
    with pytest.raises(ClientError) as missing:
        training(job.training_job_arn)
    assert client_error(missing)[0] == "ValidationException"


def test_the_training_job_is_created_in_the_job_s_account_and_region(batch):
    from moto import settings

    other = boto3.client("batch", region_name="eu-west-1")
    make_queue(other, "q", env="env", capacity=1)
    job_id = submit(other, "q", "job")
    arn = training_job(look_until(other, job_id, "SCHEDULED"))
    assert arn.startswith(f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:training-job/")
    assert training(arn, region_name="eu-west-1")["TrainingJobArn"] == arn
    assert sagemaker().list_training_jobs()["TrainingJobSummaries"] == []
    assert settings.TEST_SERVER_MODE is False


def test_moto_s_sagemaker_is_loaded_at_the_first_dispatch_only():
    lines = run(
        """
        import moto_batch_service
        from moto import mock_aws

        def sagemaker_loaded():
            return any(name.startswith("moto.sagemaker") for name in sys.modules)

        with mock_aws():
            batch = client()
            queue(batch)
            job_id = batch.submit_service_job(
                jobName="a", jobQueue="q", serviceJobType="SAGEMAKER_TRAINING",
                serviceRequestPayload="{}",
            )["jobId"]
            print(sagemaker_loaded(), batch.describe_service_job(jobId=job_id)["status"])
            print(sagemaker_loaded(), batch.describe_service_job(jobId=job_id)["status"])
            print(sagemaker_loaded(), batch.describe_service_job(jobId=job_id)["status"])
            print(sagemaker_loaded())
        """
    )
    assert lines == ["False SUBMITTED", "False RUNNABLE", "False SCHEDULED", "True"]


# -- over the server -----------------------------------------------------------------------


def test_the_training_job_and_stop_training_job_over_the_server(moto_batch_endpoint):
    from tests.conftest import make_queue, server_client
    from tests.conftest import submit as submit_remote

    keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    batch = server_client(moto_batch_endpoint)
    remote_sagemaker = sagemaker(endpoint_url=moto_batch_endpoint, **keys)
    make_queue(batch, "queue", env="env")
    job_id = submit_remote(batch, "queue")["jobId"]
    arn = training_job(look_until(batch, job_id, "RUNNING"))
    assert (
        remote_sagemaker.describe_training_job(TrainingJobName=name_of(arn))["SecondaryStatus"]
        == "Training"
    )
    remote_sagemaker.stop_training_job(TrainingJobName=name_of(arn))
    assert (describe(batch, job_id)["status"], describe(batch, job_id)["statusReason"]) == (
        "FAILED",
        STOPPED,
    )
    summaries = remote_sagemaker.list_training_jobs()["TrainingJobSummaries"]
    assert [(s["TrainingJobArn"], s["TrainingJobStatus"]) for s in summaries] == [(arn, "Stopped")]


def test_a_region_without_sagemaker_dispatches_without_a_training_job():
    from moto import mock_aws
    from moto.batch.models import batch_backends

    try:
        batch_backends[ACCOUNT]["us-iso-west-1"]
    except KeyError:
        pytest.skip("this moto has no Batch in us-iso-west-1 (moto < 5.0.x enables ISO regions)")
    with mock_aws():
        batch = boto3.client("batch", region_name="us-iso-west-1")
        make_queue(batch, "q", env="env", capacity=1)
        job_id = submit(batch, "q", "job")
        assert look_until(batch, job_id, "SUCCEEDED")["attempts"][0]["serviceResourceId"]
