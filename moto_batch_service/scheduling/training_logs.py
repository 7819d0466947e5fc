"""The CloudWatch Logs side of service jobs: each started training job's log streams.

On AWS, what a training job's containers write goes to the CloudWatch Logs group
``/aws/sagemaker/TrainingJobs``, one stream per instance, named ``<training job
name>/algo-<n>-<epoch seconds>`` (n from 1 to the instance count). The streams appear once
the containers run: a training job that failed before (a capacity shortage, say) has none.
Here, in moto's Logs backend of the job's account and region:

- when the attempt enters RUNNING (``SecondaryStatus`` Training; ``training_jobs.follow``
  calls ``started``), the group is created if it does not exist, and one stream per
  instance of ``ResourceConfig`` (its ``InstanceGroups`` summed) gets a first line; the
  epoch seconds of the names are the ``TrainingStartTime``;
- when the attempt ends after that (``training_jobs.close`` calls ``ended``), each stream
  gets a last line with the final ``TrainingJobStatus``: ``Completed``, ``Failed`` with the
  ``FailureReason``, ``Stopped``.

The lines carry the times of the moves (the package's clock), whatever moto's clock says.
Free until used: moto's Logs models are already loaded (moto's batch imports them), and a
Logs backend is created only where a training job starts. A failure to write never fails
the Batch request: it is logged, as ``job_events`` does.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Any

from .._moto.logs import write_events

GROUP = "/aws/sagemaker/TrainingJobs"
MAX_STREAMS = 1000  # a payload asking for more instances gets this many streams
DEFAULT_TYPE = "ml.m5.xlarge"  # the default ResourceConfig's (training_jobs)

log = logging.getLogger("moto_batch_service")

_EPOCH = datetime(1970, 1, 1)


def hosts(training_job: Any) -> list[str]:
    """The instance type of each of the training job's hosts, algo-1 first: those of
    ``ResourceConfig`` (``InstanceType`` x ``InstanceCount``), or of its ``InstanceGroups`` in
    order; at least 1 host, at most ``MAX_STREAMS``."""
    config = training_job.resource_config
    config = config if isinstance(config, dict) else {}
    groups = config.get("InstanceGroups")
    if not isinstance(groups, list) or not groups:
        groups = [config]
    found: list[str] = []
    for group in groups:
        if not isinstance(group, dict):
            continue
        kind, count = group.get("InstanceType"), group.get("InstanceCount")
        if isinstance(count, int) and not isinstance(count, bool) and count > 0:
            kind = kind if isinstance(kind, str) else DEFAULT_TYPE
            found += [kind] * min(count, MAX_STREAMS - len(found))
    return found or [DEFAULT_TYPE]


def start_ms(training_job: Any) -> int | None:
    """The training job's ``TrainingStartTime`` in epoch milliseconds (moto keeps a naive UTC
    datetime, or before 5.1 ISO text); None if it never started."""
    value = training_job.training_start_time
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ")
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return (value - _EPOCH) // timedelta(milliseconds=1)  # type: ignore[no-any-return]


def stream_names(training_job: Any, started: int) -> list[str]:
    """``<name>/algo-<n>-<epoch seconds>``, one per host, for a start at ``started``."""
    name = training_job.training_job_name
    seconds = started // 1000
    return [f"{name}/algo-{n}-{seconds}" for n in range(1, len(hosts(training_job)) + 1)]


def start_lines(training_job: Any) -> list[str]:
    """Each host's first line."""
    kinds = hosts(training_job)
    return [
        f"Training job {training_job.training_job_name} started on algo-{n} "
        f"({kind}, instance {n} of {len(kinds)})"
        for n, kind in enumerate(kinds, start=1)
    ]


def end_line(training_job: Any, final: str, failure: str | None) -> str:
    line = f"Training job {training_job.training_job_name} {final}"
    return line if failure is None else f"{line}: {failure}"


def _logs_backend(account: str, region: str) -> Any:
    """moto's Logs backend of an account and region (created at first use); None where moto
    has no CloudWatch Logs."""
    from moto.logs.models import logs_backends

    try:
        return logs_backends[account][region]
    except KeyError:
        return None


def started(training_job: Any, account: str, region: str, at: int) -> None:
    """The training job's containers start at ``at``: its streams, each with a first line."""
    try:
        backend = _logs_backend(account, region)
        if backend is None:
            return
        from moto.logs.exceptions import ResourceAlreadyExistsException

        try:
            backend.create_log_group(GROUP, {})
        except ResourceAlreadyExistsException:
            pass  # made by an earlier training job, or by the test
        for stream, line in zip(stream_names(training_job, at), start_lines(training_job)):
            backend.create_log_stream(GROUP, stream)
            write_events(backend, GROUP, stream, [_event(line, at)])
    except Exception:  # logs never fail the job's own request
        _warn(training_job, "start")


def ended(
    training_job: Any, account: str, region: str, final: str, failure: str | None, at: int
) -> None:
    """The training job ended at ``at`` with ``final`` (and ``failure``, when Failed): if it
    had started, each of its streams gets its last line."""
    started_at = start_ms(training_job)
    if started_at is None:
        return
    line = end_line(training_job, final, failure)
    try:
        backend = _logs_backend(account, region)
        if backend is None:
            return
        for stream in stream_names(training_job, started_at):
            write_events(backend, GROUP, stream, [_event(line, at)])
    except Exception:  # a group or stream deleted by the test, say
        _warn(training_job, "end")


def _event(message: str, at: int) -> dict[str, Any]:
    return {"timestamp": at, "message": message}


def _warn(training_job: Any, which: str) -> None:
    log.warning(
        "moto_batch_service: the %s line of training job %s was not written to moto's "
        "CloudWatch Logs",
        which,
        training_job.training_job_name,
        exc_info=True,
    )
