"""How submitted service jobs move, driven by moto's state manager ("batch::service_job")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.moto_api import state_manager

from moto_batch_service import get_service_job, service_job_backends, set_service_job_status
from tests.conftest import ACCOUNT, REGION, client_error, describe, make_queue, submit

MODEL = "batch::service_job"
DEFAULT = {"progression": "manual", "times": 1}
PATH = ["SUBMITTED", "RUNNABLE", "SCHEDULED", "STARTING", "RUNNING", "SUCCEEDED"]
COMPLETED = "Received status from SageMaker: Training job completed"
TRAINING_JOB_ARN = re.compile(
    rf"arn:aws:sagemaker:{REGION}:{ACCOUNT}:training-job/AWSBatchmy-training[0-9a-f]{{32}}"
)


@contextmanager
def transition(config: dict[str, Any]) -> Iterator[None]:
    """``config`` is the service-job transition inside the block, and never after it."""
    state_manager.set_transition(MODEL, config)
    try:
        yield
    finally:
        state_manager.unset_transition(MODEL)


def status(batch: Any, job_id: str) -> str:
    return describe(batch, job_id)["status"]  # type: ignore[no-any-return]


def describe_at(batch: Any, job_id: str, wanted: str) -> dict[str, Any]:
    """Look at a job (default progression: one step per look) until it shows ``wanted``."""
    for _ in range(len(PATH)):
        job = describe(batch, job_id)
        if job["status"] == wanted:
            return job
    raise AssertionError(f"job {job_id} never showed {wanted}")


def listed(batch: Any, queue: str, **query: Any) -> dict[str, str]:
    """jobId -> status of one ListServiceJobs page."""
    page = batch.list_service_jobs(jobQueue=queue, **query)["jobSummaryList"]
    return {job["jobId"]: job["status"] for job in page}


def by_name(pattern: str) -> dict[str, Any]:
    return {"filters": [{"name": "JOB_NAME", "values": [pattern]}]}


# -- the default: manual, one look per step -------------------------------------------------


def test_default_transition_is_manual_one_look_per_step():
    assert state_manager.get_transition(MODEL) == DEFAULT


def test_job_moves_one_step_per_describe(batch, queue):
    job = submit(batch, queue)

    assert [status(batch, job["jobId"]) for _ in range(7)] == [*PATH, "SUCCEEDED"]


def test_job_never_shows_pending(batch, queue):
    job = submit(batch, queue)

    seen = []
    for _ in range(len(PATH)):
        assert listed(batch, queue, jobStatus="PENDING") == {}
        seen.append(status(batch, job["jobId"]))
    assert "PENDING" not in seen


def test_submitted_and_runnable_jobs_have_no_training_job(batch, queue):
    job = submit(batch, queue)

    for wanted in ("SUBMITTED", "RUNNABLE"):
        described = describe(batch, job["jobId"])
        assert described["status"] == wanted
        assert described["attempts"] == []
        for member in ("latestAttempt", "scheduledAt", "startedAt", "stoppedAt", "statusReason"):
            assert member not in described


@pytest.mark.requires_botocore_member("DescribeServiceJobResponse", "scheduledAt")
def test_scheduled_job_has_scheduled_at_and_a_training_job(batch, queue):
    job = submit(batch, queue)

    described = describe_at(batch, job["jobId"], "SCHEDULED")

    assert described["scheduledAt"] >= described["createdAt"]
    assert TRAINING_JOB_ARN.fullmatch(described["latestAttempt"]["serviceResourceId"]["value"])
    assert described["latestAttempt"]["serviceResourceId"]["name"] == "TrainingJobArn"
    assert described["attempts"] == []
    for member in ("startedAt", "stoppedAt", "statusReason"):
        assert member not in described


@pytest.mark.requires_botocore_member("DescribeServiceJobResponse", "scheduledAt")
def test_starting_job_keeps_its_training_job_and_has_not_started(batch, queue):
    job = submit(batch, queue)
    scheduled = describe_at(batch, job["jobId"], "SCHEDULED")

    starting = describe(batch, job["jobId"])

    assert starting["status"] == "STARTING"
    assert starting["latestAttempt"] == scheduled["latestAttempt"]
    assert starting["scheduledAt"] == scheduled["scheduledAt"]
    assert "startedAt" not in starting
    assert starting["attempts"] == []


@pytest.mark.requires_botocore_member("DescribeServiceJobResponse", "scheduledAt")
def test_running_job_has_started(batch, queue):
    job = submit(batch, queue)
    scheduled = describe_at(batch, job["jobId"], "SCHEDULED")

    running = describe_at(batch, job["jobId"], "RUNNING")

    assert running["startedAt"] >= running["scheduledAt"]
    assert running["scheduledAt"] == scheduled["scheduledAt"]
    assert running["latestAttempt"] == scheduled["latestAttempt"]
    assert running["attempts"] == []
    assert "stoppedAt" not in running
    assert "statusReason" not in running


def test_succeeded_job_has_stopped_with_one_attempt(batch, queue):
    job = submit(batch, queue)
    running = describe_at(batch, job["jobId"], "RUNNING")

    done = describe(batch, job["jobId"])

    assert done["status"] == "SUCCEEDED"
    assert done["statusReason"] == COMPLETED
    assert done["stoppedAt"] >= running["startedAt"]
    assert done["startedAt"] == running["startedAt"]
    assert done["latestAttempt"] == running["latestAttempt"]
    assert done["attempts"] == [
        {
            "serviceResourceId": running["latestAttempt"]["serviceResourceId"],
            "startedAt": running["startedAt"],
            "stoppedAt": done["stoppedAt"],
            "statusReason": COMPLETED,
        }
    ]
    assert done["isTerminated"] is False


def test_finished_job_no_longer_changes(batch, queue):
    job = submit(batch, queue)
    done = describe_at(batch, job["jobId"], "SUCCEEDED")

    assert [describe(batch, job["jobId"]) for _ in range(3)] == [done] * 3


def test_looking_at_one_job_does_not_move_another(batch, queue):
    first = submit(batch, queue, "first")
    second = submit(batch, queue, "second")

    describe_at(batch, first["jobId"], "RUNNING")

    assert status(batch, second["jobId"]) == "SUBMITTED"


def test_list_moves_the_jobs_it_returns(batch, queue):
    job = submit(batch, queue)

    seen = [listed(batch, queue, **by_name("*"))[job["jobId"]] for _ in range(7)]

    assert seen == [*PATH, "SUCCEEDED"]


def test_list_does_not_move_jobs_it_does_not_return(batch, queue):
    shown = submit(batch, queue, "shown")
    hidden = submit(batch, queue, "hidden")

    for _ in range(3):
        assert list(listed(batch, queue, **by_name("shown"))) == [shown["jobId"]]

    assert status(batch, hidden["jobId"]) == "SUBMITTED"
    assert status(batch, shown["jobId"]) == "STARTING"


def test_a_listed_job_leaves_the_status_it_was_listed_under(batch, queue):
    job = submit(batch, queue)

    assert listed(batch, queue, jobStatus="SUBMITTED") == {job["jobId"]: "SUBMITTED"}
    assert listed(batch, queue, jobStatus="SUBMITTED") == {}
    assert listed(batch, queue, jobStatus="RUNNABLE") == {job["jobId"]: "RUNNABLE"}


def test_describe_and_list_both_count_as_looks(batch, queue):
    job = submit(batch, queue)

    assert status(batch, job["jobId"]) == "SUBMITTED"
    assert listed(batch, queue, **by_name("*")) == {job["jobId"]: "RUNNABLE"}
    assert status(batch, job["jobId"]) == "SCHEDULED"


def test_listing_with_status_runs_the_usual_path(batch, queue):
    job = submit(batch, queue)
    for _ in range(5):
        status(batch, job["jobId"])

    assert listed(batch, queue, jobStatus="SUCCEEDED") == {job["jobId"]: "SUCCEEDED"}
    assert listed(batch, queue) == {}


# -- other transitions ----------------------------------------------------------------------


def test_manual_three_needs_three_looks_per_step(batch, queue, progression):
    progression({"progression": "manual", "times": 3})
    job = submit(batch, queue)

    seen = [status(batch, job["jobId"]) for _ in range(3 * len(PATH))]

    assert seen == [step for step in PATH for _ in range(3)]


def test_manual_three_counts_list_looks_too(batch, queue, progression):
    progression({"progression": "manual", "times": 3})
    job = submit(batch, queue)

    assert status(batch, job["jobId"]) == "SUBMITTED"
    assert listed(batch, queue, **by_name("*")) == {job["jobId"]: "SUBMITTED"}
    assert status(batch, job["jobId"]) == "SUBMITTED"
    assert status(batch, job["jobId"]) == "RUNNABLE"


@pytest.mark.requires_botocore_member("DescribeServiceJobResponse", "scheduledAt")
def test_immediate_jumps_to_succeeded_with_every_timestamp(batch, queue, progression):
    progression({"progression": "immediate"})
    job = submit(batch, queue)

    done = describe(batch, job["jobId"])

    assert done["status"] == "SUCCEEDED"
    assert done["statusReason"] == COMPLETED
    assert done["createdAt"] <= done["scheduledAt"] <= done["startedAt"] <= done["stoppedAt"]
    arn = done["latestAttempt"]["serviceResourceId"]["value"]
    assert TRAINING_JOB_ARN.fullmatch(arn)
    assert done["attempts"] == [
        {
            "serviceResourceId": {"name": "TrainingJobArn", "value": arn},
            "startedAt": done["startedAt"],
            "stoppedAt": done["stoppedAt"],
            "statusReason": COMPLETED,
        }
    ]


def test_immediate_finishes_jobs_before_they_are_listed(batch, queue, progression):
    progression({"progression": "immediate"})
    first = submit(batch, queue, "first")
    second = submit(batch, queue, "second")

    assert listed(batch, queue, jobStatus="SUBMITTED") == {}
    assert listed(batch, queue, jobStatus="SUCCEEDED") == {
        first["jobId"]: "SUCCEEDED",
        second["jobId"]: "SUCCEEDED",
    }


def test_time_progression_moves_one_step_once_the_delay_has_passed(
    batch, queue, progression, state_clock
):
    progression({"progression": "time", "seconds": 5})
    job = submit(batch, queue)

    seen = [status(batch, job["jobId"])]
    for _ in range(len(PATH)):
        state_clock.advance(6)
        seen.append(status(batch, job["jobId"]))

    assert seen == [*PATH, "SUCCEEDED"]


def test_time_progression_does_not_move_before_the_delay(batch, queue, progression, state_clock):
    progression({"progression": "time", "seconds": 5})
    job = submit(batch, queue)

    state_clock.advance(4)
    assert [status(batch, job["jobId"]) for _ in range(5)] == ["SUBMITTED"] * 5
    state_clock.advance(2)
    assert [status(batch, job["jobId"]) for _ in range(3)] == ["RUNNABLE"] * 3


def test_time_progression_steps_once_exactly_the_delay_has_passed(
    batch, queue, progression, state_clock
):
    progression({"progression": "time", "seconds": 5})
    job = submit(batch, queue)

    seen = [status(batch, job["jobId"])]
    for _ in range(len(PATH)):
        state_clock.advance(4.999)
        assert status(batch, job["jobId"]) == seen[-1]
        state_clock.advance(0.001)
        seen.append(status(batch, job["jobId"]))

    assert seen == [*PATH, "SUCCEEDED"]


def test_time_progression_moves_jobs_that_nobody_looked_at(batch, queue, progression, state_clock):
    progression({"progression": "time", "seconds": 5})
    watched = submit(batch, queue, "watched")
    unwatched = submit(batch, queue, "unwatched")

    for _ in range(3):
        state_clock.advance(6)
        status(batch, watched["jobId"])

    assert status(batch, unwatched["jobId"]) == "STARTING"


def test_time_progression_catches_up_on_every_step_whose_time_has_come(
    batch, queue, progression, state_clock
):
    progression({"progression": "time", "seconds": 5})
    job = submit(batch, queue)
    created = batch.describe_service_job(jobId=job["jobId"])["createdAt"]

    state_clock.advance(4 * 5 + 2)  # nobody reads the job for four steps' time
    described = batch.describe_service_job(jobId=job["jobId"])

    # RUNNABLE at +5 s, SCHEDULED at +10 s, STARTING at +15 s, RUNNING at +20 s: each step
    # stamped with the time it was due.
    assert described["status"] == "RUNNING"
    scheduled = get_service_job(job["jobId"]).scheduled_at  # (botocore < 1.42.39 drops it)
    assert (scheduled - created, described["startedAt"] - created) == (10_000, 20_000)
    state_clock.advance(100)  # and capped at the end of the lifecycle
    described = batch.describe_service_job(jobId=job["jobId"])
    assert (described["status"], described["stoppedAt"] - created) == ("SUCCEEDED", 25_000)


def test_time_progression_dispatches_a_waiting_job_when_room_frees(batch, progression, state_clock):
    progression({"progression": "time", "seconds": 5})
    make_queue(batch, "one", env="small", capacity=1)
    first = submit(batch, "one", "first")["jobId"]
    second = submit(batch, "one", "second")["jobId"]
    created = batch.describe_service_job(jobId=second)["createdAt"]

    state_clock.advance(60)
    described = [batch.describe_service_job(jobId=job) for job in (first, second)]

    # first: SCHEDULED at +10 s ... SUCCEEDED at +25 s; second waits for the room, which
    # frees at +25 s: it is dispatched at its first step time from then, +25 s.
    assert [job["status"] for job in described] == ["SUCCEEDED", "SUCCEEDED"]
    assert described[0]["stoppedAt"] - created == 25_000
    assert get_service_job(second).scheduled_at - created == 25_000


def test_jobs_submitted_under_manual_progression_move_by_time_after_a_switch(
    batch, queue, progression, state_clock
):
    early = submit(batch, queue, "early")
    state_clock.advance(3)
    late = submit(batch, queue, "late")
    progression({"progression": "time", "seconds": 5})

    state_clock.advance(2.5)  # early: 5.5 s since submitted, late: 2.5 s
    assert [status(batch, job["jobId"]) for job in (early, late)] == ["RUNNABLE", "SUBMITTED"]
    state_clock.advance(3)  # early: 3 s since it moved, late: 5.5 s
    assert [status(batch, job["jobId"]) for job in (early, late)] == ["RUNNABLE", "RUNNABLE"]


def test_a_job_put_back_by_a_test_moves_by_time_from_then(batch, queue, progression, state_clock):
    progression({"progression": "time", "seconds": 5})
    job = submit(batch, queue)
    state_clock.advance(4)
    set_service_job_status(job["jobId"], "SUBMITTED")

    state_clock.advance(4)  # 8 s since submitted, 4 s since put back
    assert status(batch, job["jobId"]) == "SUBMITTED"
    state_clock.advance(2)
    assert status(batch, job["jobId"]) == "RUNNABLE"


def test_a_progress_moved_by_another_reader_is_still_settled(
    batch, queue, progression, state_clock
):
    progression({"progression": "time", "seconds": 5})
    job = submit(batch, queue)
    state_clock.advance(6)
    stored = service_job_backends[ACCOUNT][REGION].store.get_job(job["jobId"])
    assert stored.progress.status == "RUNNABLE"  # moves moto's state, not the stored job

    state_clock.advance(1)
    assert status(batch, job["jobId"]) == "RUNNABLE"


# -- the transition is restored ------------------------------------------------------------


def test_transition_block_restores_the_default_even_when_it_fails():
    with pytest.raises(RuntimeError), transition({"progression": "immediate"}):
        assert state_manager.get_transition(MODEL) == {"progression": "immediate"}
        raise RuntimeError("test failed inside")

    assert state_manager.get_transition(MODEL) == DEFAULT


def test_a_changed_transition_can_be_used_in_a_block(batch, queue):
    job = submit(batch, queue)
    with transition({"progression": "immediate"}):
        assert status(batch, job["jobId"]) == "SUCCEEDED"

    second = submit(batch, queue, "second")
    assert [status(batch, second["jobId"]) for _ in range(2)] == ["SUBMITTED", "RUNNABLE"]


def test_default_is_back_after_tests_that_changed_it(batch, queue):
    # Runs after the tests above that set "manual/3", "immediate" and "time".
    assert state_manager.get_transition(MODEL) == DEFAULT
    job = submit(batch, queue)

    assert [status(batch, job["jobId"]) for _ in range(3)] == PATH[:3]


# -- state does not outlive mock_aws ------------------------------------------------------


def test_jobs_do_not_outlive_mock_aws():
    with mock_aws():
        batch = boto3.client("batch", region_name=REGION)
        make_queue(batch, "queue")
        job = submit(batch, "queue")
        assert status(batch, job["jobId"]) == "SUBMITTED"

    with mock_aws():
        batch = boto3.client("batch", region_name=REGION)
        with pytest.raises(ClientError) as exc:
            batch.describe_service_job(jobId=job["jobId"])
        assert client_error(exc) == ("ClientException", f"Job {job['jobId']} not found", 400)
        assert batch.describe_job_queues()["jobQueues"] == []
        assert batch.describe_service_environments()["serviceEnvironments"] == []
        assert service_job_backends[ACCOUNT][REGION].jobs == {}


def test_a_new_mock_aws_starts_the_same_names_afresh():
    for _ in range(2):
        with mock_aws():
            batch = boto3.client("batch", region_name=REGION)
            make_queue(batch, "queue")
            job = submit(batch, "queue")
            assert listed(batch, "queue", **by_name("*")) == {job["jobId"]: "SUBMITTED"}
