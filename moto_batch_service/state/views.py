"""``ServiceJobView``: a stored service job as the seeding helpers hand it out, read-only."""

from __future__ import annotations

import copy
from typing import Any

from .models import ServiceJob

_READ_METHODS = frozenset({"describe", "summary", "summary_json"})
# The objects a job points at; through them a caller could change the store behind its rules.
_INTERNAL = frozenset({"queue", "environment", "progress", "key"})


class ServiceJobView:
    """A live, read-only view of one stored service job.

    Every attribute of the job reads through and shows the job as it is now (``.job_id``,
    ``.job_arn``, ``.status``, ``.status_reason``, ``.created_at`` ... ``.stopped_at``,
    ``.attempts``, ``.tags``, ``.planned``, ``.training_job_arn``, ...); lists and dicts come
    as copies. ``.describe()`` and ``.summary()`` give the job as DescribeServiceJob and
    ListServiceJobs would, without moving it. Nothing can be assigned: change a job through
    the API or ``set_service_job_status``.
    """

    __slots__ = ("_job",)

    def __init__(self, job: ServiceJob) -> None:
        object.__setattr__(self, "_job", job)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in _INTERNAL:
            raise AttributeError(f"{name!r} is not part of a service job's read-only view")
        value = getattr(self._job, name)
        if callable(value) and name not in _READ_METHODS:
            raise AttributeError(f"{name}() would change the stored job; the view is read-only")
        return copy.deepcopy(value) if isinstance(value, (dict, list, set)) else value

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(
            f"a service job's view is read-only (setting {name!r}); change the job through "
            "the API or set_service_job_status"
        )

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a service job's view is read-only (deleting {name!r})")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ServiceJobView):
            return self._job is other._job
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._job.job_id)

    def __dir__(self) -> list[str]:
        names = {n for n in dir(type(self._job)) if not n.startswith("_")}
        names |= {n for n in ServiceJob.__slots__ if not n.startswith("_")}
        return sorted((names - _INTERNAL) | _READ_METHODS)

    def __repr__(self) -> str:
        job = self._job
        return f"<ServiceJobView {job.job_name!r} {job.job_id} {job.status}>"
