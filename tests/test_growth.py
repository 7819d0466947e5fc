"""Nothing grows forever: client tokens are forgotten after eight hours, a share identifier
whose jobs finished leaves no entry once its decay window has passed, and a job's plan of
outcomes is bounded."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.core.models import DEFAULT_ACCOUNT_ID

import moto_batch_service as mbs
from moto_batch_service.backend.seeding import MAX_PLANNED
from tests.conftest import REGION, Clock, client_error, make_queue, submit

EIGHT_HOURS = 8 * 3600


def backend() -> Any:
    return mbs.service_job_backends[DEFAULT_ACCOUNT_ID][REGION]


def test_a_client_token_is_forgotten_after_eight_hours(
    batch: Any, queue: str, clock: Clock
) -> None:
    first = submit(batch, queue, "first", clientToken="token")["jobId"]
    clock.advance(EIGHT_HOURS - 1)
    with pytest.raises(ClientError) as refused:
        submit(batch, queue, "other", clientToken="token")
    assert client_error(refused)[0] == "ClientException"
    clock.advance(1)
    second = submit(batch, queue, "other", clientToken="token")["jobId"]
    assert second != first
    assert list(backend().store.client_tokens) == ["token"]


def test_used_client_tokens_do_not_pile_up(batch: Any, queue: str, clock: Clock) -> None:
    for index in range(50):
        submit(batch, queue, f"job-{index}", clientToken=f"token-{index}")
    clock.advance(EIGHT_HOURS)
    submit(batch, queue, "late", clientToken="late")
    assert list(backend().store.client_tokens) == ["late"]


def test_a_finished_share_leaves_no_entry_once_its_decay_window_passed(
    batch: Any, clock: Clock
) -> None:
    arn = batch.create_scheduling_policy(name="fair", fairsharePolicy={"shareDecaySeconds": 60})[
        "arn"
    ]
    make_queue(batch, "fair", schedulingPolicyArn=arn)
    jobs = [
        submit(batch, "fair", f"job-{i}", shareIdentifier=f"share{i}")["jobId"] for i in range(20)
    ]
    for job in jobs:
        mbs.set_service_job_status(job, "SUCCEEDED")
    queue = backend().store.find_queue("fair")
    assert (len(queue.share_finished_at), queue.share_unfinished, queue.share_held) == (20, {}, {})
    clock.advance(60)
    submit(batch, "fair", "next", shareIdentifier="next")
    assert (queue.share_finished_at, queue.share_unfinished) == ({}, {"next": 1})


def test_a_plan_of_outcomes_is_bounded(batch: Any, queue: str) -> None:
    job = submit(batch, queue, "job")["jobId"]
    mbs.plan_service_job_attempts(job, *[mbs.succeed()] * MAX_PLANNED)
    with pytest.raises(mbs.ServiceJobHelperError) as refused:
        mbs.plan_service_job_attempts(job, mbs.succeed())
    assert str(refused.value) == (
        f"Job {job} would have {MAX_PLANNED + 1} planned outcomes; "
        f"at most {MAX_PLANNED} may wait to happen"
    )
    assert len(mbs.get_service_job(job).planned) == MAX_PLANNED
