"""The AWS/Batch CloudWatch metrics of one account and region, added up per minute.

``JobMetrics`` (held by the ``Store``) keeps one statistic set (sample count, sum, minimum,
maximum) per metric, queue name and minute: ``scheduling.job_metrics`` adds a data point to
it as a job moves, and moto's CloudWatch reads the sets (``_moto.metrics``) only when a
request asks for metric data. Its size follows the minutes in which jobs moved, the queues
and the metrics, never the number of jobs; adding a data point is a few dict operations.
"""

from __future__ import annotations

from typing import NamedTuple

MINUTE_MS = 60_000


class StatisticSet(NamedTuple):
    """The data points of one metric of one queue in one minute."""

    metric: str
    queue_name: str
    minute: int  # the minute's start, epoch milliseconds
    sample_count: int
    sum: float
    minimum: float
    maximum: float


class JobMetrics:
    """The AWS/Batch data points of one account and region, per (metric, queue, minute)."""

    __slots__ = ("attempt_scheduled", "minutes")

    def __init__(self) -> None:
        # (metric, queue name, minute number) -> [sample count, sum, minimum, maximum]
        self.minutes: dict[tuple[str, str, int], list[float]] = {}
        # Job ID -> when its current attempt first moved to SCHEDULED (until it starts).
        self.attempt_scheduled: dict[str, int] = {}

    def add(self, metric: str, queue_name: str, at: int, value: float) -> None:
        """One data point of ``metric`` for the queue, at ``at`` (epoch milliseconds)."""
        key = (metric, queue_name, at // MINUTE_MS)
        stat = self.minutes.get(key)
        if stat is None:
            self.minutes[key] = [1, value, value, value]
            return
        stat[0] += 1
        stat[1] += value
        if value < stat[2]:
            stat[2] = value
        elif value > stat[3]:
            stat[3] = value

    def statistic_sets(self) -> list[StatisticSet]:
        """Every statistic set held, oldest minute first."""
        return [
            StatisticSet(metric, queue_name, minute * MINUTE_MS, int(n), total, low, high)
            for (metric, queue_name, minute), (n, total, low, high) in sorted(
                self.minutes.items(), key=lambda item: item[0][2]
            )
        ]
