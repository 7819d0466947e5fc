"""moto's CloudWatch, as far as the service jobs' AWS/Batch metrics go.

moto's CloudWatch asks every subclass of ``CloudWatchMetricProvider`` for the metrics AWS
publishes by itself each time a request reads metric data (``CloudWatchBackend.
aws_metric_data``, read by GetMetricStatistics, GetMetricData and ListMetrics): moto 5.0
passes the account, newer motos the account and the region. ``JobMetricProvider`` answers
with the statistic sets the package's backends hold (``state.metrics``), one
``MetricAggregatedDatum`` each, dated at the start of its minute. It creates no backend
(``dict.get`` on moto's ``BackendDict``), and moto's CloudWatch models are imported only
when moto reads: recording a move costs nothing of moto.

Loaded when the package extends moto's batch (``install``); a failure to read is logged,
never raised into moto's CloudWatch request.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from moto.core.common_models import CloudWatchMetricProvider

from ..backend import service_job_backends
from ..scheduling.job_metrics import DIMENSION, NAMESPACE, UNITS
from ..state.metrics import StatisticSet

CLOUDWATCH_MODELS = "moto.cloudwatch.models"
log = logging.getLogger("moto_batch_service")
_naive: list[bool] = []  # whether moto's CloudWatch dates data in naive UTC (found once)


def naive_utc() -> bool:
    """moto 5.0 dates its metric data in aware UTC datetimes, newer motos in naive ones:
    the default timestamp of moto's own ``MetricDatum`` says which."""
    if not _naive:
        from moto.cloudwatch.models import MetricDatum

        probe: Any = None  # moto 5.0 types the timestamp as required, and defaults it alike
        _naive.append(MetricDatum("", "", 0.0, [], probe).timestamp.tzinfo is None)
    return _naive[0]


def timestamp(epoch_ms: int) -> datetime:
    """An epoch-millisecond time as moto's CloudWatch compares its data's times."""
    moment = datetime.fromtimestamp(epoch_ms / 1000, timezone.utc)
    return moment.replace(tzinfo=None) if naive_utc() else moment


def datum(stat: StatisticSet) -> Any:
    """moto's ``MetricAggregatedDatum`` of one statistic set."""
    from moto.cloudwatch.models import MetricAggregatedDatum

    return MetricAggregatedDatum(
        namespace=NAMESPACE,
        name=stat.metric,
        min_stat=stat.minimum,
        max_stat=stat.maximum,
        sample_count=stat.sample_count,
        sum_stat=stat.sum,
        dimensions=[{"Name": DIMENSION, "Value": stat.queue_name}],
        timestamp=timestamp(stat.minute),
        unit=UNITS[stat.metric],
    )


def statistic_sets(account_id: str, region: str | None) -> list[StatisticSet]:
    """The statistic sets of the account in ``region`` (None: in every region)."""
    # dict.get and dict.values: moto's BackendDict creates a backend on item access.
    regions = dict.get(service_job_backends, account_id)
    if regions is None:
        return []
    if region is None:
        backends = list(dict.values(regions))
    else:
        backend = dict.get(regions, region)
        backends = [] if backend is None else [backend]
    found: list[StatisticSet] = []
    for backend in backends:
        with backend.lock:  # a request may be moving jobs in another thread
            found.extend(backend.store.metrics.statistic_sets())
    return found


class JobMetricProvider(CloudWatchMetricProvider):
    """The AWS/Batch metrics of service jobs, for moto's CloudWatch."""

    @staticmethod
    def get_cloudwatch_metrics(account_id: str, region: str | None = None) -> list[Any]:
        try:
            return [datum(stat) for stat in statistic_sets(account_id, region)]
        except Exception:  # reading metrics never fails moto's CloudWatch request
            log.warning(
                "moto_batch_service: the AWS/Batch metrics of account %s could not be read",
                account_id,
                exc_info=True,
            )
            return []
