"""Service jobs' AWS/Batch metrics in moto's CloudWatch (issue 21, item 2).

Each test drives jobs through their lives with the package's clock and reads the metrics back
as a team would, with CloudWatch's GetMetricStatistics, GetMetricData, ListMetrics and a
metric alarm, comparing them with what the user guide's "Using CloudWatch Metrics with AWS
Batch" says of each metric.
"""

from __future__ import annotations

import inspect
import logging
from datetime import datetime, timezone
from typing import Any

import pytest
from moto.core.common_models import CloudWatchMetricProvider

import moto_batch_service as mbs
from moto_batch_service import service_job_backends
from moto_batch_service._moto import metrics as provider
from moto_batch_service.scheduling.job_metrics import COUNTS, DURATIONS, UNITS
from tests.conftest import ACCOUNT, REGION, client_of, make_queue, submit
from tests.test_is_terminated import look as look_queue
from tests.test_is_terminated import quota_queue
from tests.test_is_terminated import submit as submit_n

MINUTE = 60_000
T0 = 1_900_000_020_000  # a minute's start, 20 s after the fake clock's first reading
STATISTICS = ["SampleCount", "Sum", "Average", "Minimum", "Maximum"]
OTHER_ACCOUNT = "111122223333"
OTHER_REGION = "eu-west-1"
FAILURE = "AlgorithmError: out of memory"
# moto 5.0 hands its metric providers the account only; newer motos the account and region.
REGION_PASSED = (
    "region" in inspect.signature(CloudWatchMetricProvider.get_cloudwatch_metrics).parameters
)


def moment(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, timezone.utc)


def cloudwatch(account: str = ACCOUNT, region: str = REGION) -> Any:
    return client_of("cloudwatch", account, region)


def statistics(metric: str, queue: str = "training", client: Any = None) -> dict[str, Any]:
    """GetMetricStatistics of ``metric`` for the queue, per minute, around T0 (without the
    response metadata, and without the empty ExtendedStatistics moto 5.0 writes)."""
    answer = (client or cloudwatch()).get_metric_statistics(
        Namespace="AWS/Batch",
        MetricName=metric,
        Dimensions=[{"Name": "JobQueueName", "Value": queue}],
        StartTime=moment(T0 - 10 * MINUTE),
        EndTime=moment(T0 + 10 * MINUTE),
        Period=60,
        Statistics=STATISTICS,
    )
    points = [
        {k: v for k, v in point.items() if (k, v) != ("ExtendedStatistics", {})}
        for point in answer["Datapoints"]
    ]
    return {"Label": answer["Label"], "Datapoints": sorted(points, key=lambda p: p["Timestamp"])}


def counts(queue: str = "training", client: Any = None) -> dict[str, float]:
    """Each count metric with data for the queue -> its Sum around T0."""
    found = {}
    for metric in COUNTS:
        points = statistics(metric, queue, client)["Datapoints"]
        if points:
            found[metric] = sum(point["Sum"] for point in points)
    return found


def durations(queue: str = "training") -> dict[str, tuple[float, float, float, float]]:
    """Each duration metric with data for the queue -> (SampleCount, Sum, Minimum, Maximum),
    all in one minute."""
    found = {}
    for metric in DURATIONS:
        points = statistics(metric, queue)["Datapoints"]
        if points:
            (point,) = points
            found[metric] = (point["SampleCount"], point["Sum"], point["Minimum"], point["Maximum"])
    return found


def walk(batch: Any, job_id: str, clock: Any, steps: list[float]) -> None:
    """Move the job one status after each step of seconds: a look counts, and the next one
    (after the step) moves the job."""
    batch.describe_service_job(jobId=job_id)
    for seconds in steps:
        clock.advance(seconds)
        batch.describe_service_job(jobId=job_id)


def point(at: int, n: float, total: float, low: float, high: float, unit: str) -> dict[str, Any]:
    """A GetMetricStatistics datapoint of the minute starting at ``at``."""
    return {
        "Timestamp": moment(at),
        "SampleCount": n,
        "Sum": total,
        "Average": total / n,
        "Minimum": low,
        "Maximum": high,
        "Unit": unit,
    }


@pytest.fixture
def queue(batch: Any, clock: Any) -> str:
    """The queue "training"; the clock is at T0."""
    clock.ms = T0
    return make_queue(batch, "training")


def test_a_job_that_succeeds_counts_once_in_each_status_it_enters(batch, clock, queue):
    job_id = submit(batch, queue)["jobId"]
    walk(batch, job_id, clock, [5, 5, 5, 5, 5])  # RUNNABLE ... SUCCEEDED

    assert counts() == {
        "JobsSubmitted": 1,
        "JobsMovedToRunnable": 1,
        "JobsMovedToScheduled": 1,
        "JobsMovedToStarting": 1,
        "JobsMovedToRunning": 1,
        "JobsMovedToSucceeded": 1,
    }


def test_a_job_that_succeeds_measures_each_stretch_of_its_life(batch, clock, queue):
    job_id = submit(batch, queue)["jobId"]
    # RUNNABLE at 1 s, SCHEDULED at 3 s, STARTING at 6 s, RUNNING at 10 s, SUCCEEDED at 15 s
    walk(batch, job_id, clock, [1, 2, 3, 4, 5])

    assert durations() == {
        "JobSubmittedToRunnableDuration": (1, 1000, 1000, 1000),
        "JobSubmittedToFirstScheduledDuration": (1, 3000, 3000, 3000),
        "JobAttemptRunnableToScheduledDuration": (1, 2000, 2000, 2000),
        "JobAttemptScheduledToStartingDuration": (1, 3000, 3000, 3000),
        "JobAttemptStartingToRunningDuration": (1, 4000, 4000, 4000),
        "JobAttemptExecutionDuration": (1, 5000, 5000, 5000),
        "JobAttemptDuration": (1, 9000, 9000, 9000),
    }


def test_get_metric_statistics_answers_a_minute_as_a_statistic_set(batch, clock, queue):
    for name, steps in (("short", [1, 1, 1, 1, 2]), ("long", [1, 1, 1, 1, 8])):
        job_id = submit(batch, queue, name)["jobId"]
        walk(batch, job_id, clock, steps)

    assert statistics("JobAttemptExecutionDuration") == {
        "Label": "JobAttemptExecutionDuration",
        "Datapoints": [point(T0, 2, 10_000, 2000, 8000, "Milliseconds")],
    }


def test_a_failed_attempt_that_is_retried_counts_as_retried_and_both_attempts_are_measured(
    batch, clock, queue
):
    job_id = submit(batch, queue, retryStrategy={"attempts": 2})["jobId"]
    mbs.plan_service_job_attempts(job_id, mbs.fail_attempt(FAILURE), mbs.fail_attempt(FAILURE))
    # RUNNABLE 5, SCHEDULED 10, STARTING 15, RUNNING 20, RUNNABLE (retry) 30,
    # SCHEDULED 32, STARTING 34, RUNNING 36, FAILED 44
    walk(batch, job_id, clock, [5, 5, 5, 5, 10, 2, 2, 2, 8])

    assert counts() == {
        "JobsSubmitted": 1,
        "JobsMovedToRunnable": 2,
        "JobsMovedToScheduled": 2,
        "JobsMovedToStarting": 2,
        "JobsMovedToRunning": 2,
        "JobsMovedToFailed": 1,
        "JobsRetried": 1,
    }
    assert durations() == {
        "JobSubmittedToRunnableDuration": (1, 5000, 5000, 5000),
        "JobSubmittedToFirstScheduledDuration": (1, 10_000, 10_000, 10_000),
        "JobAttemptRunnableToScheduledDuration": (2, 7000, 2000, 5000),
        "JobAttemptScheduledToStartingDuration": (2, 7000, 2000, 5000),
        "JobAttemptStartingToRunningDuration": (2, 7000, 2000, 5000),
        "JobAttemptExecutionDuration": (2, 18_000, 8000, 10_000),
        "JobAttemptDuration": (2, 25_000, 10_000, 15_000),
    }


def test_an_attempt_back_from_a_capacity_shortage_is_measured_from_its_first_schedule(
    batch, clock, queue
):
    job_id = submit(batch, queue)["jobId"]
    mbs.plan_service_job_attempts(job_id, mbs.capacity_shortage())
    # RUNNABLE 1, SCHEDULED 2, RUNNABLE (shortage) 4, SCHEDULED 8, STARTING 9
    walk(batch, job_id, clock, [1, 1, 2, 4, 1])

    assert counts()["JobsMovedToScheduled"] == 2
    assert durations()["JobAttemptScheduledToStartingDuration"] == (1, 7000, 7000, 7000)


@pytest.mark.requires_operation("CreateQuotaShare")
def test_a_preempted_job_counts_as_preempted_and_its_attempt_ends(batch, clock):
    clock.ms = T0
    queue = quota_queue(batch)  # "q": "lender" LEND 1 and "borrower" LEND_AND_BORROW 1
    submit_n(batch, queue, "b1", 2, quotaShareName="borrower")
    look_queue(batch, queue, times=4)  # b1 RUNNABLE, SCHEDULED, STARTING, borrowing
    clock.advance(10)
    submit_n(batch, queue, "a1", quotaShareName="lender")
    look_queue(batch, queue, times=3, pattern="a1")  # b1 RUNNING; a1 takes its instance back

    assert counts("q") == {
        "JobsSubmitted": 2,
        "JobsMovedToRunnable": 3,  # b1, a1, b1 again (preempted)
        "JobsMovedToScheduled": 2,
        "JobsMovedToStarting": 1,
        "JobsMovedToRunning": 1,
        "JobsPreempted": 1,
    }
    assert statistics("JobAttemptDuration", "q")["Datapoints"] == [
        point(T0, 1, 10_000, 10_000, 10_000, "Milliseconds")
    ]


@pytest.mark.requires_operation("CreateQuotaShare")
def test_a_job_preempted_past_its_preemption_retries_counts_as_preempted_and_terminated(
    batch, clock
):
    clock.ms = T0
    queue = quota_queue(batch)
    retries = {"preemptionRetriesBeforeTermination": 0}
    submit_n(batch, queue, "b1", 2, quotaShareName="borrower", preemptionConfiguration=retries)
    look_queue(batch, queue, times=3)  # b1 SCHEDULED, borrowing the lender's instance
    submit_n(batch, queue, "a1", quotaShareName="lender")
    look_queue(batch, queue, times=3, pattern="a1")  # a1 is dispatched: b1 FAILED

    assert counts("q") == {
        "JobsSubmitted": 2,
        "JobsMovedToRunnable": 2,
        "JobsMovedToScheduled": 2,
        "JobsMovedToStarting": 1,
        "JobsMovedToFailed": 1,
        "JobsTerminated": 1,
        "JobsPreempted": 1,
    }


def test_a_job_terminated_before_dispatch_counts_as_failed_and_terminated(batch, clock, queue):
    job_id = submit(batch, queue)["jobId"]
    walk(batch, job_id, clock, [5])  # RUNNABLE
    batch.terminate_service_job(jobId=job_id, reason="not needed")

    assert counts() == {
        "JobsSubmitted": 1,
        "JobsMovedToRunnable": 1,
        "JobsMovedToFailed": 1,
        "JobsTerminated": 1,
    }


def test_a_running_job_terminated_ends_its_attempt_when_the_stop_completes(batch, clock, queue):
    job_id = submit(batch, queue)["jobId"]
    walk(batch, job_id, clock, [1, 1, 1, 1])  # RUNNING at 4 s, STARTING at 3 s
    batch.terminate_service_job(jobId=job_id, reason="not needed")
    clock.advance(6)
    batch.describe_service_job(jobId=job_id)  # the stop completes: FAILED at 10 s

    assert (counts()["JobsTerminated"], counts()["JobsMovedToFailed"]) == (1, 1)
    assert durations()["JobAttemptDuration"] == (1, 7000, 7000, 7000)
    assert durations()["JobAttemptExecutionDuration"] == (1, 6000, 6000, 6000)


def test_get_metric_data_reads_the_counts_minute_by_minute(batch, clock, queue):
    for name in ("first", "second"):
        submit(batch, queue, name)
    clock.advance(90)
    submit(batch, queue, "third")

    answer = cloudwatch().get_metric_data(
        MetricDataQueries=[
            {
                "Id": "submitted",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/Batch",
                        "MetricName": "JobsSubmitted",
                        "Dimensions": [{"Name": "JobQueueName", "Value": "training"}],
                    },
                    "Period": 60,
                    "Stat": "Sum",
                },
            }
        ],
        StartTime=moment(T0),
        EndTime=moment(T0 + 5 * MINUTE),
        ScanBy="TimestampAscending",
    )

    (result,) = answer["MetricDataResults"]
    assert (result["Timestamps"], result["Values"]) == (
        [moment(T0), moment(T0 + MINUTE)],
        [2.0, 1.0],
    )


def test_each_queue_has_its_own_metrics_under_its_name(batch, clock, queue):
    make_queue(batch, "other")
    submit(batch, queue)
    submit(batch, "other")
    submit(batch, "other")

    assert (counts("training"), counts("other")) == (
        {"JobsSubmitted": 1},
        {"JobsSubmitted": 2},
    )


def test_list_metrics_names_each_metric_with_data_and_its_queue(batch, clock, queue):
    submit(batch, queue)

    listed = cloudwatch().list_metrics(Namespace="AWS/Batch")["Metrics"]

    assert listed == [
        {
            "Namespace": "AWS/Batch",
            "MetricName": "JobsSubmitted",
            "Dimensions": [{"Name": "JobQueueName", "Value": "training"}],
        }
    ]


def test_a_seeded_job_adds_nothing(batch, clock, queue):
    job = mbs.add_service_job(queue, "seeded", status="RUNNING")
    batch.describe_service_job(jobId=job.job_id)

    assert cloudwatch().list_metrics(Namespace="AWS/Batch")["Metrics"] == []


def test_set_service_job_status_counts_each_status_the_job_enters(batch, clock, queue):
    job = mbs.add_service_job(queue, "seeded")  # SUBMITTED, no JobsSubmitted
    mbs.set_service_job_status(job.job_id, "RUNNING")  # by way of SCHEDULED

    assert counts() == {"JobsMovedToScheduled": 1, "JobsMovedToRunning": 1}


def test_another_account_reads_none_of_the_metrics(batch, clock, queue):
    submit(batch, queue)

    assert counts(client=cloudwatch(OTHER_ACCOUNT)) == {}


@pytest.mark.skipif(not REGION_PASSED, reason="moto 5.0 asks for an account's metrics only")
def test_another_region_reads_none_of_the_metrics(batch, clock, queue):
    submit(batch, queue)

    assert counts(client=cloudwatch(region=OTHER_REGION)) == {}


@pytest.mark.skipif(REGION_PASSED, reason="newer motos ask for a region's metrics")
def test_on_moto_5_0_every_region_of_the_account_reads_the_metrics(batch, clock, queue):
    submit(batch, queue)

    assert counts(client=cloudwatch(region=OTHER_REGION)) == {"JobsSubmitted": 1}


def test_many_jobs_in_a_minute_are_one_statistic_set_per_metric(batch, clock, queue):
    for index in range(30):
        submit(batch, queue, f"job-{index}")

    held = service_job_backends[ACCOUNT][REGION].store.metrics
    assert (list(held.minutes), held.minutes[("JobsSubmitted", queue, T0 // MINUTE)]) == (
        [("JobsSubmitted", queue, T0 // MINUTE)],
        [30, 30, 1, 1],
    )


def test_a_metric_alarm_on_failed_jobs_reads_the_failures_of_its_queue(batch, clock, queue):
    watch = cloudwatch()
    watch.put_metric_alarm(
        AlarmName="training-failures",
        Namespace="AWS/Batch",
        MetricName="JobsMovedToFailed",
        Dimensions=[{"Name": "JobQueueName", "Value": "training"}],
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        TreatMissingData="notBreaching",
    )
    job_id = submit(batch, queue)["jobId"]
    mbs.plan_service_job_attempts(job_id, mbs.fail_attempt(FAILURE))
    walk(batch, job_id, clock, [5, 5, 5, 5, 5])  # ... FAILED

    (alarm,) = watch.describe_alarms(AlarmNames=["training-failures"])["MetricAlarms"]
    read = watch.get_metric_statistics(
        Namespace=alarm["Namespace"],
        MetricName=alarm["MetricName"],
        Dimensions=alarm["Dimensions"],
        StartTime=moment(T0),
        EndTime=moment(T0 + alarm["Period"] * 1000),
        Period=alarm["Period"],
        Statistics=[alarm["Statistic"]],
    )
    assert [p["Sum"] for p in read["Datapoints"]] == [1.0]
    assert read["Datapoints"][0]["Sum"] >= alarm["Threshold"]  # the alarm's condition holds


def test_every_metric_has_its_documented_unit():
    assert {metric: unit for metric, unit in UNITS.items() if unit == "Count"} == {
        metric: "Count"
        for metric in (
            "JobsSubmitted",
            "JobsMovedToRunnable",
            "JobsMovedToScheduled",
            "JobsMovedToStarting",
            "JobsMovedToRunning",
            "JobsMovedToSucceeded",
            "JobsMovedToFailed",
            "JobsTerminated",
            "JobsRetried",
            "JobsPreempted",
        )
    }
    assert all(UNITS[metric] == "Milliseconds" for metric in DURATIONS)


def test_a_failure_to_read_the_metrics_leaves_cloudwatch_answering(
    batch, clock, queue, monkeypatch, caplog
):
    submit(batch, queue)

    def broken(account_id: str, region: str | None) -> list[Any]:
        raise RuntimeError("broken")

    monkeypatch.setattr(provider, "statistic_sets", broken)
    with caplog.at_level(logging.WARNING, logger="moto_batch_service"):
        answer = statistics("JobsSubmitted")

    assert answer == {"Label": "JobsSubmitted", "Datapoints": []}
    assert "AWS/Batch metrics of account 123456789012 could not be read" in caplog.text
