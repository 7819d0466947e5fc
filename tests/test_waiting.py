"""Jobs waiting for capacity: looked at again exactly when something can change their fate.

Under "time" progression a RUNNABLE job that finds no room is parked until something may
have freed room for it: capacity freed, a job ahead of it leaving, a priority, limit or
queue changed. These tests hold each of those to the job being dispatched at its next step
time, as if it had been tried at every step time.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from moto_batch_service import add_service_job, get_service_job, set_service_job_status
from tests.conftest import PAYLOAD, make_queue, submit
from tests.test_quota_shares import create_share, payload, quota_queue

STEP = {"progression": "time", "seconds": 5}


def one_instance(batch: Any, name: str = "small", **queue_args: Any) -> str:
    """A queue on an environment of one instance."""
    batch.create_service_environment(
        serviceEnvironmentName=name,
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=[{"maxCapacity": 1, "capacityUnit": "NUM_INSTANCES"}],
    )
    return make_queue(batch, f"{name}-queue", env=name, **queue_args)


def instances(count: int) -> str:
    request = json.loads(PAYLOAD)
    request["ResourceConfig"]["InstanceCount"] = count
    return json.dumps(request)


def statuses(batch: Any, *job_ids: str) -> list[str]:
    return [batch.describe_service_job(jobId=job_id)["status"] for job_id in job_ids]


def test_a_parked_job_goes_at_its_next_step_time_once_a_seeded_job_frees_its_room(
    batch, progression, state_clock
):
    progression(STEP)
    queue = one_instance(batch)
    busy = add_service_job(queue, "busy", status="RUNNING", service_request_payload=PAYLOAD)
    job = submit(batch, queue)["jobId"]
    created = get_service_job(job).created_at
    state_clock.advance(60)  # RUNNABLE at +5 s, then no room at any step time
    assert statuses(batch, job) == ["RUNNABLE"]

    state_clock.advance(2)  # +62 s
    set_service_job_status(busy.job_id, "SUCCEEDED")
    state_clock.advance(3)  # +65 s: its next step time
    assert statuses(batch, job) == ["SCHEDULED"]
    assert get_service_job(job).scheduled_at - created == 65_000


def test_a_parked_job_goes_once_its_environment_grows(batch, progression, state_clock):
    progression(STEP)
    queue = one_instance(batch)
    add_service_job(queue, "busy", status="RUNNING", service_request_payload=PAYLOAD)
    job = submit(batch, queue)["jobId"]
    state_clock.advance(20)
    assert statuses(batch, job) == ["RUNNABLE"]

    batch.update_service_environment(
        serviceEnvironment="small",
        capacityLimits=[{"maxCapacity": 2, "capacityUnit": "NUM_INSTANCES"}],
    )
    state_clock.advance(5)
    assert statuses(batch, job) == ["SCHEDULED"]


def test_a_parked_job_goes_once_the_job_blocking_the_line_is_terminated(
    batch, progression, state_clock
):
    progression(STEP)
    queue = one_instance(batch)
    too_big = submit(batch, queue, "too-big", serviceRequestPayload=instances(2))["jobId"]
    job = submit(batch, queue)["jobId"]
    state_clock.advance(20)
    assert statuses(batch, too_big, job) == ["RUNNABLE", "RUNNABLE"]  # strict head of line

    batch.terminate_service_job(jobId=too_big, reason="never fits")
    state_clock.advance(5)
    assert statuses(batch, job) == ["SCHEDULED"]


@pytest.mark.requires_operation("UpdateServiceJob")
def test_a_parked_job_goes_first_once_its_priority_is_raised_in_a_fair_share_queue(
    batch, progression, state_clock
):
    progression(STEP)
    policy = batch.create_scheduling_policy(
        name="fair", fairsharePolicy={"shareDistribution": [{"shareIdentifier": "team"}]}
    )["arn"]
    queue = one_instance(batch, schedulingPolicyArn=policy)
    busy = add_service_job(
        queue, "busy", status="RUNNING", service_request_payload=PAYLOAD, share_identifier="team"
    )
    old = submit(batch, queue, "old", shareIdentifier="team")["jobId"]
    new = submit(batch, queue, "new", shareIdentifier="team")["jobId"]
    state_clock.advance(20)
    assert statuses(batch, old, new) == ["RUNNABLE", "RUNNABLE"]

    batch.update_service_job(jobId=new, schedulingPriority=9)
    set_service_job_status(busy.job_id, "SUCCEEDED")
    state_clock.advance(5)
    assert statuses(batch, old, new) == ["RUNNABLE", "SCHEDULED"]


@pytest.mark.requires_operation("UpdateServiceJob")
def test_a_parked_job_goes_first_once_its_priority_is_raised_in_a_quota_share(
    batch, progression, state_clock
):
    progression(STEP)
    queue = quota_queue(batch, capacity=[{"maxCapacity": 1, "capacityUnit": "ml.m5.xlarge"}])
    create_share(batch, queue, "team", capacity=1)
    busy = add_service_job(
        queue, "busy", status="RUNNING", service_request_payload=payload(), quota_share_name="team"
    )
    old = submit(batch, queue, "old", serviceRequestPayload=payload(), quotaShareName="team")
    new = submit(batch, queue, "new", serviceRequestPayload=payload(), quotaShareName="team")
    state_clock.advance(20)
    assert statuses(batch, old["jobId"], new["jobId"]) == ["RUNNABLE", "RUNNABLE"]

    batch.update_service_job(jobId=new["jobId"], schedulingPriority=9)
    set_service_job_status(busy.job_id, "SUCCEEDED")
    state_clock.advance(5)
    assert statuses(batch, old["jobId"], new["jobId"]) == ["RUNNABLE", "SCHEDULED"]


def test_parked_jobs_behind_a_blocked_head_are_woken_in_order_as_room_frees(
    batch, progression, state_clock
):
    progression(STEP)
    queue = one_instance(batch)
    jobs = [submit(batch, queue, f"job-{i}")["jobId"] for i in range(4)]
    created = get_service_job(jobs[0]).created_at
    state_clock.advance(200)  # each runs from +10 s to +25 s after the one before it

    assert statuses(batch, *jobs) == ["SUCCEEDED"] * 4
    assert [get_service_job(job).scheduled_at - created for job in jobs] == [
        10_000,
        25_000,
        40_000,
        55_000,
    ]


def test_a_parked_job_moves_on_after_a_switch_to_manual_progression(
    batch, progression, state_clock
):
    progression(STEP)
    queue = one_instance(batch)
    busy = add_service_job(queue, "busy", status="RUNNING", service_request_payload=PAYLOAD)
    job = submit(batch, queue)["jobId"]
    state_clock.advance(20)
    assert statuses(batch, job) == ["RUNNABLE"]

    progression({"progression": "manual", "times": 1})
    set_service_job_status(busy.job_id, "SUCCEEDED")
    assert statuses(batch, job, job) == ["SCHEDULED", "STARTING"]  # it was looked at
