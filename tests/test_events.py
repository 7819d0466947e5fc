"""Service-job status changes as EventBridge events on moto's default bus (issue 21, item 1).

Each test wires a rule on the default bus to an SQS queue, as a team would to alert on a
failed training job, drives jobs through their lives and compares the whole events received,
in order, with the ones AWS's user guide describes ("Service job state change events").
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
from datetime import datetime, timezone
from typing import Any
from unittest.mock import ANY

import boto3
import pytest

import moto_batch_service as mbs
from moto_batch_service._moto.events import default_bus_backend
from moto_batch_service.rules.statuses import CAPACITY_REASON, TIMEOUT_REASON
from moto_batch_service.scheduling import job_events
from tests.conftest import ACCOUNT, REGION, START, make_queue, submit
from tests.test_is_terminated import MAX_RESOURCE, fifo_queue, quota_queue
from tests.test_is_terminated import look as look_queue
from tests.test_is_terminated import submit as submit_n

ALL = {"source": ["aws.batch"], "detail-type": ["Batch Service Job State Change"]}
COMPLETED = "Received status from SageMaker: Training job completed"
FAILURE = "Received status from SageMaker: AlgorithmError: x"
USAGE = [{"capacityUnit": "ml.m5.xlarge", "quantity": 1.0}]


class Inbox:
    """An SQS queue that a rule on the default bus delivers to."""

    def __init__(
        self, name: str = "batch-events", pattern: dict[str, Any] | None = None, **client: Any
    ):
        self.sqs = boto3.client("sqs", region_name=REGION, **client)
        self.url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])
        events = boto3.client("events", region_name=REGION, **client)
        events.put_rule(Name=f"{name}-rule", EventPattern=json.dumps(pattern or ALL))
        events.put_targets(
            Rule=f"{name}-rule",
            Targets=[{"Id": "sqs", "Arn": arn["Attributes"]["QueueArn"]}],
        )

    def received(self) -> list[dict[str, Any]]:
        """The events delivered since the last call, oldest first (they are taken off)."""
        bodies: list[dict[str, Any]] = []
        while True:
            messages = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10)
            if not messages.get("Messages"):
                return bodies
            for message in messages["Messages"]:
                body = json.loads(message["Body"])
                # moto 5.0 delivers the event's account to SQS; later motos leave it out.
                assert body.pop("account", ACCOUNT) == ACCOUNT
                bodies.append(body)
                self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])


@pytest.fixture
def inbox(batch: Any) -> Inbox:
    return Inbox()


def job_arn(job_id: str) -> str:
    return f"arn:aws:batch:{REGION}:{ACCOUNT}:service-job/{job_id}"


def queue_arn(name: str) -> str:
    return f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/{name}"


def event_time(at: int) -> str:
    """An event's ``time`` as moto writes it to SQS: the move's time, to the second."""
    return datetime.fromtimestamp(at / 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def event(job_id: str, at: int, detail: dict[str, Any]) -> dict[str, Any]:
    """The whole event AWS sends for a service job's move (the user guide's example)."""
    return {
        "version": "0",
        "id": ANY,
        "detail-type": "Batch Service Job State Change",
        "source": "aws.batch",
        "time": event_time(at),
        "region": REGION,
        "resources": [job_arn(job_id)],
        "detail": detail,
    }


def resource(training_job: str) -> dict[str, Any]:
    return {"serviceResourceId": {"name": "TrainingJobArn", "value": training_job}}


def look(batch: Any, job_id: str, times: int = 1, step: float = 10, clock: Any = None) -> None:
    """Describe the job ``times`` times, ``step`` seconds apart (one move each by default)."""
    for _ in range(times):
        if clock is not None:
            clock.advance(step)
        batch.describe_service_job(jobId=job_id)


def strip(described: dict[str, Any]) -> dict[str, Any]:
    """DescribeServiceJob's answer as an event's detail carries it."""
    return {k: v for k, v in described.items() if k not in ("tags", "serviceRequestPayload")}


def detail_of(job_id: str, **members: Any) -> dict[str, Any]:
    """The event detail of a job named "job" submitted at START to the queue "training"
    (before its dispatch), with ``members`` added or replaced."""
    return {
        "jobId": job_id,
        "jobName": "job",
        "jobArn": job_arn(job_id),
        "jobQueue": queue_arn("training"),
        "serviceJobType": "SAGEMAKER_TRAINING",
        "createdAt": START,
        "capacityUsage": USAGE,
        "isTerminated": False,
        "attempts": [],
        **members,
    }


def stored(job_id: str) -> mbs.ServiceJobView:
    return mbs.get_service_job(job_id)


# -- a job's life ------------------------------------------------------------------------


def test_a_job_that_succeeds_sends_one_event_per_status_after_submission(batch, inbox, clock):
    make_queue(batch, "training")
    job_id = submit(batch, "training", tags={"k": "v"})["jobId"]
    look(batch, job_id)  # looked at: due at the next look
    look(batch, job_id, times=5, clock=clock)
    training_job = stored(job_id).training_job_arn

    base = detail_of(job_id)
    dispatched = {**base, "scheduledAt": START + 20_000, "latestAttempt": resource(training_job)}
    started = {**dispatched, "startedAt": START + 40_000}
    assert inbox.received() == [
        event(job_id, START + 10_000, {**base, "status": "RUNNABLE"}),
        event(job_id, START + 20_000, {**dispatched, "status": "SCHEDULED"}),
        event(job_id, START + 30_000, {**dispatched, "status": "STARTING"}),
        event(job_id, START + 40_000, {**started, "status": "RUNNING"}),
        event(
            job_id,
            START + 50_000,
            {
                **started,
                "status": "SUCCEEDED",
                "statusReason": COMPLETED,
                "stoppedAt": START + 50_000,
                "attempts": [
                    {
                        **resource(training_job),
                        "startedAt": START + 40_000,
                        "stoppedAt": START + 50_000,
                        "statusReason": COMPLETED,
                    }
                ],
            },
        ),
    ]


def test_a_failed_attempt_that_is_retried_sends_the_retry_and_the_second_attempt(
    batch, inbox, clock
):
    make_queue(batch, "training")
    strategy = {"attempts": 2, "evaluateOnExit": []}
    job_id = submit(batch, "training", retryStrategy=strategy)["jobId"]
    mbs.plan_service_job_attempts(job_id, mbs.fail_attempt("AlgorithmError: x"), mbs.succeed())
    look(batch, job_id)
    look(batch, job_id, times=9, clock=clock)
    first, second = (a["serviceResourceId"]["value"] for a in stored(job_id).attempts)

    base = detail_of(job_id, retryStrategy=strategy)
    once = {**base, "scheduledAt": START + 20_000, "latestAttempt": resource(first)}
    ran = {**once, "startedAt": START + 40_000}
    failed_attempt = {
        **resource(first),
        "startedAt": START + 40_000,
        "stoppedAt": START + 50_000,
        "statusReason": FAILURE,
    }
    retried = {**ran, "attempts": [failed_attempt]}
    again = {**retried, "scheduledAt": START + 60_000, "latestAttempt": resource(second)}
    assert inbox.received() == [
        event(job_id, START + 10_000, {**base, "status": "RUNNABLE"}),
        event(job_id, START + 20_000, {**once, "status": "SCHEDULED"}),
        event(job_id, START + 30_000, {**once, "status": "STARTING"}),
        event(job_id, START + 40_000, {**ran, "status": "RUNNING"}),
        event(job_id, START + 50_000, {**retried, "status": "RUNNABLE", "statusReason": FAILURE}),
        event(job_id, START + 60_000, {**again, "status": "SCHEDULED"}),
        event(job_id, START + 70_000, {**again, "status": "STARTING"}),
        event(job_id, START + 80_000, {**again, "status": "RUNNING"}),
        event(
            job_id,
            START + 90_000,
            {
                **again,
                "status": "SUCCEEDED",
                "statusReason": COMPLETED,
                "stoppedAt": START + 90_000,
                "attempts": [
                    failed_attempt,
                    {
                        **resource(second),
                        "startedAt": START + 80_000,
                        "stoppedAt": START + 90_000,
                        "statusReason": COMPLETED,
                    },
                ],
            },
        ),
    ]


@pytest.mark.requires_operation("CreateQuotaShare")
def test_a_preempted_job_sends_its_return_to_runnable_with_its_preemption_summary(
    batch, inbox, clock
):
    queue = quota_queue(batch)  # "lender" LEND 1 and "borrower" LEND_AND_BORROW 1
    b1 = submit_n(batch, queue, "b1", 2, quotaShareName="borrower")
    look_queue(batch, queue, times=3)  # b1 SCHEDULED, borrowing the lender's instance
    clock.advance(10)
    a1 = submit_n(batch, queue, "a1", quotaShareName="lender")
    look_queue(batch, queue, times=3, pattern="a1")  # a1 takes its instance back
    preempted = stored(b1).describe()["preemptionSummary"]["recentPreemptedAttempts"][0]
    training_job = preempted["serviceResourceId"]["value"]

    received = inbox.received()

    assert [(e["detail"]["jobName"], e["detail"]["status"]) for e in received] == [
        ("b1", "RUNNABLE"),
        ("b1", "SCHEDULED"),
        ("b1", "STARTING"),
        ("a1", "RUNNABLE"),
        ("b1", "RUNNABLE"),  # preempted
        ("a1", "SCHEDULED"),
    ]
    assert received[4] == event(
        b1,
        START + 10_000,
        {
            "jobId": b1,
            "jobName": "b1",
            "jobArn": job_arn(b1),
            "jobQueue": queue_arn("q"),
            "serviceJobType": "SAGEMAKER_TRAINING",
            "status": "RUNNABLE",
            "createdAt": START,
            "scheduledAt": START,
            "quotaShareName": "borrower",
            "latestAttempt": resource(training_job),
            "capacityUsage": [{"capacityUnit": "ml.m5.xlarge", "quantity": 2.0}],
            "isTerminated": False,
            "attempts": [],
            "preemptionSummary": {
                "preemptedAttemptCount": 1,
                "recentPreemptedAttempts": [
                    {
                        **resource(training_job),
                        "stoppedAt": START + 10_000,
                        "statusReason": "Preempted by AWS Batch quota management",
                    }
                ],
            },
        },
    )
    assert received[5]["resources"] == [job_arn(a1)]


def test_a_job_terminated_before_dispatch_sends_failed_at_once(batch, inbox, clock):
    make_queue(batch, "training")
    job_id = submit(batch, "training")["jobId"]
    look(batch, job_id, times=2)  # RUNNABLE
    clock.advance(10)

    batch.terminate_service_job(jobId=job_id, reason="not needed")

    base = detail_of(job_id)
    assert inbox.received() == [
        event(job_id, START, {**base, "status": "RUNNABLE"}),
        event(
            job_id,
            START + 10_000,
            {
                **base,
                "status": "FAILED",
                "statusReason": "not needed",
                "stoppedAt": START + 10_000,
                "isTerminated": True,
            },
        ),
    ]


def test_a_running_job_terminated_sends_failed_when_the_stop_completes(batch, inbox, clock):
    make_queue(batch, "training")
    job_id = submit(batch, "training")["jobId"]
    look(batch, job_id, times=5)  # RUNNING
    inbox.received()
    training_job = stored(job_id).training_job_arn

    batch.terminate_service_job(jobId=job_id, reason="not needed")
    assert inbox.received() == []  # isTerminated is no status change
    clock.advance(10)
    look(batch, job_id)

    assert inbox.received() == [
        event(
            job_id,
            START + 10_000,
            detail_of(
                job_id,
                status="FAILED",
                statusReason="not needed",
                scheduledAt=START,
                startedAt=START,
                stoppedAt=START + 10_000,
                latestAttempt=resource(training_job),
                isTerminated=True,
                attempts=[
                    {
                        **resource(training_job),
                        "startedAt": START,
                        "stoppedAt": START + 10_000,
                        "statusReason": "not needed",
                    }
                ],
            ),
        )
    ]


def test_a_time_limit_action_sends_the_termination(batch, inbox, clock):
    action = {"reason": MAX_RESOURCE, "state": "RUNNABLE", "maxTimeSeconds": 600}
    queue = fifo_queue(batch, jobStateTimeLimitActions=[{**action, "action": "TERMINATE"}])
    job_id = submit_n(batch, queue, count=5)
    look_queue(batch, queue, times=3)  # blocked: larger than the environment
    clock.advance(600)
    look_queue(batch, queue)

    received = inbox.received()

    assert [(e["detail"]["status"], e["detail"].get("statusReason")) for e in received] == [
        ("RUNNABLE", None),
        ("FAILED", f"Terminated by JobStateTimeLimit action due to reason: {MAX_RESOURCE}"),
    ]
    assert received[-1] == event(job_id, START + 600_000, strip(stored(job_id).describe()))
    assert received[-1]["detail"]["isTerminated"] is True


def statuses_received(inbox: Inbox) -> list[tuple[str, str | None, bool]]:
    return [
        (e["detail"]["status"], e["detail"].get("statusReason"), e["detail"]["isTerminated"])
        for e in inbox.received()
    ]


def test_a_capacity_shortage_sends_the_return_to_runnable_and_the_next_dispatch(batch, inbox):
    make_queue(batch, "training")
    job_id = submit(batch, "training")["jobId"]
    mbs.plan_service_job_attempts(job_id, mbs.capacity_shortage())

    look(batch, job_id, times=7)

    assert statuses_received(inbox) == [
        ("RUNNABLE", None, False),
        ("SCHEDULED", None, False),
        ("RUNNABLE", CAPACITY_REASON, False),
        ("SCHEDULED", None, False),
        ("STARTING", None, False),
        ("RUNNING", None, False),
    ]


def test_an_attempt_past_its_timeout_sends_failed(batch, inbox):
    make_queue(batch, "training")
    job_id = submit(batch, "training", timeoutConfig={"attemptDurationSeconds": 60})["jobId"]
    mbs.plan_service_job_attempts(job_id, mbs.time_out())

    look(batch, job_id, times=6)

    assert statuses_received(inbox)[-1] == ("FAILED", TIMEOUT_REASON, False)


def test_deleting_a_queue_sends_the_failure_of_its_unfinished_jobs(batch, inbox):
    make_queue(batch, "training")
    job_id = submit(batch, "training")["jobId"]
    look(batch, job_id, times=2)  # RUNNABLE
    inbox.received()

    batch.update_job_queue(jobQueue="training", state="DISABLED")
    batch.delete_job_queue(jobQueue="training")

    assert statuses_received(inbox) == [("FAILED", "Job queue deleted", True)]


# -- the seeding helpers -------------------------------------------------------------------


def test_set_service_job_status_sends_each_status_it_passes_through(batch, inbox, clock):
    make_queue(batch, "training")
    job_id = submit(batch, "training")["jobId"]

    mbs.set_service_job_status(job_id, "RUNNING")
    clock.advance(10)
    mbs.set_service_job_status(job_id, "FAILED", status_reason="broken")

    received = inbox.received()
    assert [(e["detail"]["status"], e["time"]) for e in received] == [
        ("SCHEDULED", event_time(START)),  # dispatched on the way, as the helper documents
        ("RUNNING", event_time(START)),
        ("FAILED", event_time(START + 10_000)),
    ]
    assert received[-1] == event(job_id, START + 10_000, strip(stored(job_id).describe()))


def test_a_seeded_job_sends_nothing_until_a_helper_moves_it(batch, inbox, clock):
    make_queue(batch, "training")
    seeded = mbs.add_service_job("training", "seeded", status="RUNNING", tags={"k": "v"})
    assert inbox.received() == []

    clock.advance(10)
    mbs.set_service_job_status(seeded.job_id, "SUCCEEDED")

    assert inbox.received() == [
        event(seeded.job_id, START + 10_000, strip(stored(seeded.job_id).describe()))
    ]


def test_setting_the_status_a_job_already_has_sends_nothing(batch, inbox):
    make_queue(batch, "training")
    job_id = submit(batch, "training")["jobId"]

    mbs.set_service_job_status(job_id, "SUBMITTED")

    assert inbox.received() == []


# -- rules -----------------------------------------------------------------------------------


def test_a_rule_on_the_failed_status_receives_only_the_failure(batch, inbox):
    make_queue(batch, "training")
    failures = Inbox(
        "failures", {**ALL, "detail": {"status": ["FAILED"], "jobQueue": [queue_arn("training")]}}
    )
    job_id = submit(batch, "training")["jobId"]
    mbs.plan_service_job_attempts(job_id, mbs.fail_attempt("AlgorithmError: x"))
    look(batch, job_id, times=6)

    assert [e["detail"]["status"] for e in failures.received()] == ["FAILED"]
    assert len(inbox.received()) == 5  # the catch-all rule got every move


def test_a_rule_on_another_queue_receives_nothing(batch):
    make_queue(batch, "training")
    make_queue(batch, "other")
    other = Inbox("other", {**ALL, "detail": {"jobQueue": [queue_arn("other")]}})
    job_id = submit(batch, "training")["jobId"]

    look(batch, job_id, times=6)

    assert other.received() == []


def test_rules_on_another_bus_or_region_receive_nothing(batch):
    make_queue(batch, "training")
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="elsewhere")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    target = [{"Id": "sqs", "Arn": arn["Attributes"]["QueueArn"]}]
    events = boto3.client("events", region_name=REGION)
    events.create_event_bus(Name="custom")
    events.put_rule(Name="custom", EventBusName="custom", EventPattern=json.dumps(ALL))
    events.put_targets(Rule="custom", EventBusName="custom", Targets=target)
    west = boto3.client("events", region_name="us-west-2")
    west.put_rule(Name="west", EventPattern=json.dumps(ALL))
    west.put_targets(Rule="west", Targets=target)
    job_id = submit(batch, "training")["jobId"]

    look(batch, job_id, times=6)

    assert "Messages" not in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)


def test_an_undeliverable_event_leaves_the_job_moving(batch, inbox, caplog):
    make_queue(batch, "training")
    job_id = submit(batch, "training")["jobId"]
    inbox.sqs.delete_queue(QueueUrl=inbox.url)

    with caplog.at_level(logging.WARNING, logger="moto_batch_service"):
        look(batch, job_id, times=6)

    assert stored(job_id).status == "SUCCEEDED"
    assert "state-change event of service job" in caplog.text


# -- free until used -------------------------------------------------------------------------


def unused_run(hook: str) -> list[str]:
    """A job's whole life under mock_aws, EventBridge never used, with the package's event hook
    ``on`` or ``off``: the job's status, the moto modules loaded, the EventBridge backends."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(UNUSED), hook],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.splitlines()


def test_events_load_no_module_and_make_no_backend_when_no_test_uses_eventbridge():
    on, off = unused_run("on"), unused_run("off")

    assert on == off  # the same moto modules: the hook imports nothing
    assert on[0] == "SUCCEEDED"
    assert on[2] == "[]"  # and makes no EventBridge backend


UNUSED = """
    import sys
    import boto3
    from moto import mock_aws
    import moto_batch_service  # noqa: F401
    from moto_batch_service.scheduling import job_events

    if sys.argv[1] == "off":
        job_events.moved = lambda job, at: None

    PAYLOAD = '{"ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1}}'
    with mock_aws():
        batch = boto3.client("batch", region_name="us-east-1")
        batch.create_service_environment(
            serviceEnvironmentName="env", serviceEnvironmentType="SAGEMAKER_TRAINING",
            capacityLimits=[{"maxCapacity": 1, "capacityUnit": "NUM_INSTANCES"}],
        )
        batch.create_job_queue(
            jobQueueName="q", priority=1, jobQueueType="SAGEMAKER_TRAINING",
            serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "env"}],
        )
        job_id = batch.submit_service_job(
            jobName="job", jobQueue="q", serviceJobType="SAGEMAKER_TRAINING",
            serviceRequestPayload=PAYLOAD,
        )["jobId"]
        for _ in range(6):
            status = batch.describe_service_job(jobId=job_id)["status"]
        print(status)
        print(sorted(m for m in sys.modules if m == "moto" or m.startswith("moto.")))
        events = sys.modules.get("moto.events.models")
        print([] if events is None else list(dict.keys(events.events_backends)))
"""


def test_an_eventbridge_without_rules_gets_no_event_and_no_backend_elsewhere(batch):
    from moto.events.models import events_backends

    make_queue(batch, "training")
    boto3.client("events", region_name=REGION).list_rules()  # the backend exists, no rule
    job_id = submit(batch, "training")["jobId"]
    backend = events_backends[ACCOUNT][REGION]
    put = []
    backend.put_events = put.append  # type: ignore[method-assign]

    look(batch, job_id, times=6)

    assert put == []
    assert list(dict.keys(events_backends[ACCOUNT])) == [REGION]


# -- on moto's server ------------------------------------------------------------------------


def test_events_reach_sqs_through_moto_s_server(moto_batch_endpoint):
    endpoint = {"endpoint_url": moto_batch_endpoint}
    keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    batch = boto3.client("batch", region_name=REGION, **endpoint, **keys)
    inbox = Inbox(**endpoint, **keys)
    make_queue(batch, "training")
    job_id = submit(batch, "training")["jobId"]

    look(batch, job_id, times=6)

    assert [e["detail"]["status"] for e in inbox.received()] == [
        "RUNNABLE",
        "SCHEDULED",
        "STARTING",
        "RUNNING",
        "SUCCEEDED",
    ]


# -- the seam's look-up against moto's EventBridge (tests/test_seam.py holds its names) ------


def test_the_default_bus_backend_is_found_only_once_a_rule_listens(batch):
    from moto.events.models import events_backends

    assert default_bus_backend(ACCOUNT, REGION) is None
    assert dict.get(events_backends, ACCOUNT) is None  # looking made no backend
    backend = events_backends[ACCOUNT][REGION]
    assert default_bus_backend(ACCOUNT, REGION) is None  # a backend, no rule yet
    boto3.client("events", region_name=REGION).put_rule(Name="any", EventPattern=json.dumps(ALL))
    assert default_bus_backend(ACCOUNT, REGION) is backend
    job_id = mbs.add_service_job("training", "j").job_id
    entry = job_events.entry(mbs.service_job_backends[ACCOUNT][REGION].store.jobs[job_id], START)
    assert [set(e) for e in backend.put_events([entry])] == [{"EventId"}]
