"""Each started training job writes its log streams to moto's CloudWatch Logs (issue 21,
item 5).

As on AWS, the group is ``/aws/sagemaker/TrainingJobs`` and each instance has a stream
``<training job name>/algo-<n>-<epoch seconds>``; the SageMaker Python SDK's
``logs_for_job`` finds them by the training job's name and prints them. The tests read them
back with the calls that SDK makes and compare whole ``GetLogEvents`` answers.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from botocore.exceptions import ClientError

import moto_batch_service as mbs
from moto_batch_service.scheduling import training_logs
from tests.conftest import ACCOUNT, PAYLOAD, REGION, START, client_of, make_queue
from tests.test_is_terminated import look as look_queue
from tests.test_is_terminated import quota_queue
from tests.test_is_terminated import submit as submit_n
from tests.test_lifecycle import describe, look_until, submit, training_job

GROUP = "/aws/sagemaker/TrainingJobs"
OOM = "AlgorithmError: out of memory"
OTHER_ACCOUNT = "111122223333"
OTHER_REGION = "eu-west-1"


def logs(account: str = ACCOUNT, region: str = REGION, **extra: Any) -> Any:
    return client_of("logs", account, region, **extra)


def batch_of(account: str = ACCOUNT, region: str = REGION) -> Any:
    return client_of("batch", account, region)


def name_of(arn: str) -> str:
    return arn.split("/", 1)[1]


def streams(name: str, client: Any = None) -> list[str]:
    """The streams of a training job, as the SDK finds them (prefix ``<name>/``)."""
    answer = (client or logs()).describe_log_streams(
        logGroupName=GROUP, logStreamNamePrefix=f"{name}/", orderBy="LogStreamName"
    )
    return [stream["logStreamName"] for stream in answer["logStreams"]]


def all_streams(client: Any = None) -> list[str]:
    try:
        answer = (client or logs()).describe_log_streams(logGroupName=GROUP)
    except ClientError as error:
        assert client_error_of(error) == "ResourceNotFoundException"
        return []
    return sorted(stream["logStreamName"] for stream in answer["logStreams"])


def client_error_of(error: ClientError) -> str:
    return error.response["Error"]["Code"]  # type: ignore[no-any-return]


def read(stream: str, client: Any = None) -> dict[str, Any]:
    """GetLogEvents from the head, as the SDK asks (``ingestionTime`` is moto's own clock:
    checked to be there, then left out)."""
    answer = (client or logs()).get_log_events(
        logGroupName=GROUP, logStreamName=stream, startTime=0, startFromHead=True
    )
    answer.pop("ResponseMetadata")
    for event in answer["events"]:
        assert isinstance(event.pop("ingestionTime"), int)
    return answer  # type: ignore[no-any-return]


def written(*lines: tuple[int, str]) -> dict[str, Any]:
    """The whole GetLogEvents answer of a stream holding ``lines`` (time, message)."""
    return {
        "events": [{"timestamp": at, "message": message} for at, message in lines],
        "nextForwardToken": f"f/{len(lines) - 1:056d}",
        "nextBackwardToken": f"b/{0:056d}",
    }


def started(name: str, n: int = 1, of: int = 1, kind: str = "ml.m5.xlarge") -> str:
    return f"Training job {name} started on algo-{n} ({kind}, instance {n} of {of})"


def stream(name: str, started_at: int, n: int = 1) -> str:
    return f"{name}/algo-{n}-{started_at // 1000}"


def payload(instances: int) -> str:
    request = json.loads(PAYLOAD)
    request["ResourceConfig"]["InstanceCount"] = instances
    return json.dumps(request)


def logs_backend_exists(account: str = ACCOUNT, region: str = REGION) -> bool:
    """Whether moto holds a Logs backend there (looked up without creating one)."""
    from moto.logs.models import logs_backends

    regions = dict.get(logs_backends, account)
    return regions is not None and dict.get(regions, region) is not None


# -- what is written, and when ----------------------------------------------------------------


def test_a_job_that_succeeds_writes_one_stream_per_instance_with_its_start_and_end(
    batch, queue, clock
):
    job_id = submit(batch, queue, "job", instances=2)
    name = name_of(training_job(look_until(batch, job_id, "SCHEDULED")))
    clock.advance(10)
    look_until(batch, job_id, "STARTING")
    assert all_streams() == []  # the containers have not started
    clock.advance(10)
    started_at = look_until(batch, job_id, "RUNNING")["startedAt"]
    assert started_at == START + 20_000
    first = stream(name, started_at, 1)
    second = stream(name, started_at, 2)
    assert streams(name) == [first, second]
    assert read(first) == written((started_at, started(name, 1, 2)))
    clock.advance(10)
    stopped_at = look_until(batch, job_id, "SUCCEEDED")["stoppedAt"]

    assert read(first) == written(
        (started_at, started(name, 1, 2)), (stopped_at, f"Training job {name} Completed")
    )
    assert read(second) == written(
        (started_at, started(name, 2, 2)), (stopped_at, f"Training job {name} Completed")
    )
    assert all_streams() == [first, second]


def test_a_heterogeneous_cluster_has_one_stream_per_instance_of_all_its_groups(batch, queue):
    request = json.loads(PAYLOAD)
    request["ResourceConfig"] = {
        "InstanceGroups": [
            {"InstanceGroupName": "a", "InstanceType": "ml.m5.xlarge", "InstanceCount": 2},
            {"InstanceGroupName": "b", "InstanceType": "ml.p3.2xlarge", "InstanceCount": 1},
        ],
        "VolumeSizeInGB": 30,
    }
    job_id = submit(batch, queue, "job", serviceRequestPayload=json.dumps(request))
    job = look_until(batch, job_id, "RUNNING")
    name = name_of(training_job(job))
    assert streams(name) == [stream(name, job["startedAt"], n) for n in (1, 2, 3)]
    assert [read(stream(name, job["startedAt"], n))["events"][0]["message"] for n in (1, 2, 3)] == [
        started(name, 1, 3),
        started(name, 2, 3),
        started(name, 3, 3, "ml.p3.2xlarge"),
    ]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"InstanceType": "ml.g5.xlarge", "InstanceCount": 2}, ["ml.g5.xlarge"] * 2),
        ({"InstanceCount": 10**9}, ["ml.m5.xlarge"] * training_logs.MAX_STREAMS),
        ({"InstanceCount": "2"}, ["ml.m5.xlarge"]),
        (None, ["ml.m5.xlarge"]),
    ],
)
def test_the_hosts_of_a_resource_config(config, expected):
    class TrainingJob:
        resource_config = config

    assert training_logs.hosts(TrainingJob()) == expected


def test_a_failed_attempt_ends_with_the_failure_and_its_retry_writes_its_own_streams(
    batch, queue, clock
):
    job_id = submit(batch, queue, "job", retryStrategy={"attempts": 2})
    mbs.plan_service_job_attempts(job_id, mbs.fail_attempt(OOM))
    clock.advance(10)
    first = look_until(batch, job_id, "RUNNING")
    clock.advance(10)
    look_until(batch, job_id, "RUNNABLE")
    clock.advance(10)
    second = look_until(batch, job_id, "RUNNING")
    clock.advance(10)
    done = look_until(batch, job_id, "SUCCEEDED")
    failed_name, retry_name = name_of(training_job(first)), name_of(training_job(second))
    failed, retried = done["attempts"]  # (a job's own startedAt is its first attempt's)
    assert failed["startedAt"] < failed["stoppedAt"] < retried["startedAt"] < retried["stoppedAt"]

    failed_stream = stream(failed_name, failed["startedAt"])
    retry_stream = stream(retry_name, retried["startedAt"])
    assert all_streams() == sorted([failed_stream, retry_stream])
    assert read(failed_stream) == written(
        (failed["startedAt"], started(failed_name)),
        (failed["stoppedAt"], f"Training job {failed_name} Failed: {OOM}"),
    )
    assert read(retry_stream) == written(
        (retried["startedAt"], started(retry_name)),
        (retried["stoppedAt"], f"Training job {retry_name} Completed"),
    )


def test_a_terminated_running_attempt_ends_stopped(batch, queue, clock):
    job_id = submit(batch, queue, "job")
    job = look_until(batch, job_id, "RUNNING")
    name = name_of(training_job(job))
    batch.terminate_service_job(jobId=job_id, reason="enough")
    clock.advance(5)
    stopped_at = look_until(batch, job_id, "FAILED")["stoppedAt"]
    assert read(stream(name, job["startedAt"])) == written(
        (job["startedAt"], started(name)), (stopped_at, f"Training job {name} Stopped")
    )


def test_a_timed_out_attempt_ends_stopped(batch, queue, clock):
    job_id = submit(batch, queue, "job", timeoutConfig={"attemptDurationSeconds": 60})
    job = look_until(batch, job_id, "RUNNING")
    name = name_of(training_job(job))
    clock.advance(61)
    assert describe(batch, job_id)["status"] == "FAILED"
    assert read(stream(name, job["startedAt"]))["events"][-1] == {
        "timestamp": job["startedAt"] + 61_000,
        "message": f"Training job {name} Stopped",
    }


@pytest.mark.requires_operation("CreateQuotaShare")
def test_a_preempted_attempt_ends_stopped(batch, clock):
    queue = quota_queue(batch)  # "lender" LEND 1 and "borrower" LEND_AND_BORROW 1
    b1 = submit_n(batch, queue, "b1", 2, quotaShareName="borrower")
    look_queue(batch, queue, times=3, pattern="b1")  # SCHEDULED, on the lender's instance too
    look_queue(batch, queue, pattern="b1")  # STARTING, and looked at once more
    look_queue(batch, queue, pattern="nothing")  # RUNNING; not looked at since
    running = mbs.get_service_job(b1)
    assert (running.status, running.started_at) == ("RUNNING", START)
    assert running.training_job_arn is not None
    name = name_of(running.training_job_arn)
    clock.advance(10)
    submit_n(batch, queue, "a1", quotaShareName="lender")
    look_queue(batch, queue, times=3, pattern="a1")  # a1 takes its instance back

    preempted = describe(batch, b1)["preemptionSummary"]["recentPreemptedAttempts"]
    assert [(a["serviceResourceId"]["value"], a["stoppedAt"]) for a in preempted] == [
        (running.training_job_arn, START + 10_000)
    ]
    end = (START + 10_000, f"Training job {name} Stopped")
    assert [read(stream(name, START, n)) for n in (1, 2)] == [
        written((START, started(name, n, 2)), end) for n in (1, 2)
    ]


def test_a_training_job_that_never_started_writes_nothing_and_makes_no_logs_backend(batch, queue):
    job_id = submit(batch, queue, "job")
    mbs.plan_service_job_attempts(job_id, mbs.capacity_shortage())
    short = name_of(training_job(look_until(batch, job_id, "SCHEDULED")))
    look_until(batch, job_id, "RUNNABLE")  # SageMaker found no instances
    look_until(batch, job_id, "STARTING")
    assert not logs_backend_exists()
    batch.terminate_service_job(jobId=job_id, reason="enough")  # stopped before it ran
    assert describe(batch, job_id)["status"] == "FAILED"
    assert not logs_backend_exists()
    other = submit(batch, queue, "other")
    look_until(batch, other, "RUNNING")
    assert logs_backend_exists()
    assert streams(short) == []
    assert [s.split("/", 1)[0] for s in all_streams()] == [
        name_of(training_job(describe(batch, other)))
    ]


def test_seeded_jobs_write_no_logs(batch, queue):
    job = mbs.add_service_job(queue, "seeded", status="RUNNING")
    mbs.set_service_job_status(job.job_id, "SUCCEEDED")
    mbs.add_service_job(queue, "done", status="SUCCEEDED")
    assert not logs_backend_exists()


def test_a_helper_that_puts_a_job_in_running_and_fails_it_writes_both_lines(batch, queue):
    job_id = submit(batch, queue, "job")
    job = mbs.set_service_job_status(job_id, "RUNNING")
    assert job.training_job_arn is not None and job.started_at is not None
    name = name_of(job.training_job_arn)
    mbs.set_service_job_status(
        job_id, "FAILED", status_reason=f"Received status from SageMaker: {OOM}"
    )
    events = read(stream(name, job.started_at))["events"]
    assert [event["message"] for event in events] == [
        started(name),
        f"Training job {name} Failed: {OOM}",
    ]


# -- where ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("account", "region"), [(OTHER_ACCOUNT, REGION), (ACCOUNT, OTHER_REGION)])
def test_the_streams_are_written_in_the_job_s_account_and_region(batch, account, region):
    other = batch_of(account, region)
    make_queue(other, "q", env="env", capacity=1)
    job_id = other.submit_service_job(
        jobName="job",
        jobQueue="q",
        serviceJobType="SAGEMAKER_TRAINING",
        serviceRequestPayload=PAYLOAD,
    )["jobId"]
    job = look_until(other, job_id, "SUCCEEDED")
    name = name_of(training_job(job))
    assert training_job(job).startswith(f"arn:aws:sagemaker:{region}:{account}:")

    # (looked up before any Logs request: moto's Logs answers make a us-east-1 backend)
    assert (logs_backend_exists(ACCOUNT, REGION), logs_backend_exists(account, region)) == (
        False,
        True,
    )
    assert streams(name, logs(account, region)) == [stream(name, job["startedAt"])]


def test_a_log_group_the_test_created_is_written_to(batch, queue):
    client = logs()
    client.create_log_group(logGroupName=GROUP, tags={"team": "ml"})
    client.put_retention_policy(logGroupName=GROUP, retentionInDays=7)
    job_id = submit(batch, queue, "job")
    job = look_until(batch, job_id, "SUCCEEDED")
    name = name_of(training_job(job))
    assert len(read(stream(name, job["startedAt"]))["events"]) == 2
    (group,) = client.describe_log_groups(logGroupNamePrefix=GROUP)["logGroups"]
    assert group["retentionInDays"] == 7


# -- a failure to write never fails the Batch request -----------------------------------------


def test_a_log_group_deleted_while_the_job_runs_leaves_the_job_moving(batch, queue, caplog):
    job_id = submit(batch, queue, "job")
    look_until(batch, job_id, "RUNNING")
    logs().delete_log_group(logGroupName=GROUP)
    with caplog.at_level(logging.WARNING, logger="moto_batch_service"):
        assert look_until(batch, job_id, "SUCCEEDED")["status"] == "SUCCEEDED"
    assert "the end line of training job" in caplog.text


def test_a_failing_write_leaves_the_job_moving(batch, queue, caplog, monkeypatch):
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("moto's Logs changed")

    monkeypatch.setattr(training_logs, "write_events", broken)
    job_id = submit(batch, queue, "job")
    with caplog.at_level(logging.WARNING, logger="moto_batch_service"):
        job = look_until(batch, job_id, "SUCCEEDED")
    assert job["attempts"][0]["statusReason"].endswith("Training job completed")
    messages = [record.getMessage() for record in caplog.records]
    name = name_of(training_job(job))
    assert [m for m in messages if "CloudWatch Logs" in m] == [
        f"moto_batch_service: the {which} line of training job {name} was not written to "
        "moto's CloudWatch Logs"
        for which in ("start", "end")
    ]


# -- read as the SageMaker Python SDK reads them ----------------------------------------------


def sdk_reads(client: Any, name: str, instance_count: int) -> list[tuple[int, str]]:
    """What ``logs_for_job(name, wait=False)`` reads: the streams of ``<name>/`` ordered by
    name (``limit`` the instance count), then each stream from the head, following
    ``nextForwardToken`` until a page comes back empty."""
    found = client.describe_log_streams(
        logGroupName=GROUP,
        logStreamNamePrefix=name + "/",
        orderBy="LogStreamName",
        limit=min(instance_count, 50),
    )
    read_lines: list[tuple[int, str]] = []
    for index, entry in enumerate(found["logStreams"]):
        token: dict[str, str] = {}
        for _ in range(10):
            page = client.get_log_events(
                logGroupName=GROUP,
                logStreamName=entry["logStreamName"],
                startTime=0,
                startFromHead=True,
                **token,
            )
            if not page["events"]:
                break
            read_lines += [(index, event["message"]) for event in page["events"]]
            token = {"nextToken": page["nextForwardToken"]}
        else:
            raise AssertionError("the stream never ran out of events")
    return read_lines


def test_the_sdk_s_calls_find_and_read_a_finished_job_s_streams(batch, queue):
    job_id = submit(batch, queue, "job", instances=2)
    name = name_of(training_job(look_until(batch, job_id, "SUCCEEDED")))
    assert sdk_reads(logs(), name, 2) == [
        (0, started(name, 1, 2)),
        (0, f"Training job {name} Completed"),
        (1, started(name, 2, 2)),
        (1, f"Training job {name} Completed"),
    ]


def test_the_streams_over_the_server(moto_batch_endpoint):
    from tests.conftest import server_client
    from tests.conftest import submit as submit_remote

    keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    batch = server_client(moto_batch_endpoint)
    make_queue(batch, "queue", env="env")
    job_id = submit_remote(batch, "queue")["jobId"]
    name = name_of(training_job(look_until(batch, job_id, "SUCCEEDED")))
    client = logs(endpoint_url=moto_batch_endpoint, **keys)
    assert sdk_reads(client, name, 1) == [
        (0, started(name)),
        (0, f"Training job {name} Completed"),
    ]
