"""``TerminateJobs`` and ``CancelJobs``: the bulk forms of moto's container-job operations.

Each job gets what moto's own ``TerminateJob``/``CancelJob`` does to it; the answer reports
every job in ``successful`` or ``errors`` (HTTP 200 either way). A job that does not exist is
successful, as on AWS. The singular ones are moto's own, served once their members have been
checked (moto would answer a member of the wrong JSON type with a 500). IAM authorises the
bulk ones as ``batch:TerminateJob`` and ``batch:CancelJob`` (``iam``).
"""

from __future__ import annotations

import json
from typing import Callable

from moto.batch import exceptions as moto_batch_errors

from ..exceptions import invalid_value, missing
from .base import Handler, operation

MAX_JOBS = 50
MAX_REASON = 1024


class BulkJobOperations(Handler):
    """``terminate_jobs`` and ``cancel_jobs``, and moto's singular ones with checked members."""

    @operation
    def terminate_job(self) -> str:
        self._single()
        return self.moto_operation("terminate_job")

    @operation
    def cancel_job(self) -> str:
        self._single()
        return self.moto_operation("cancel_job")

    def _single(self) -> None:
        p = self.members
        for member in ("jobId", "reason"):
            if p.string(member) is None:
                raise missing(member)

    @operation
    def terminate_jobs(self) -> str:
        return self._bulk(self.batch_backend.terminate_job)

    @operation
    def cancel_jobs(self) -> str:
        return self._bulk(self.batch_backend.cancel_job)

    def _bulk(self, apply: Callable[[str, str], None]) -> str:
        p = self.members
        jobs = p.strings("jobs")
        reason = p.string("reason")
        if not jobs:
            raise missing("jobs")
        if len(jobs) > MAX_JOBS:
            raise invalid_value("jobs", f"{len(jobs)} jobs", f"at most {MAX_JOBS} are allowed")
        if not reason:
            raise missing("reason")
        if len(reason) > MAX_REASON:
            raise invalid_value("reason", f"{len(reason)} characters", f"at most {MAX_REASON}")
        successful: list[str] = []
        errors: list[dict[str, str]] = []
        for job in jobs:
            if not job:
                errors.append(
                    {"job": job, "code": "ValidationException", "message": "A job ID is empty"}
                )
                continue
            if self._denied is not None:  # IAM refused the action: each job, as AWS reports it
                errors.append({"job": job, "code": "AccessDenied", "message": self._denied})
                continue
            try:
                apply(job, reason)
            except moto_batch_errors.ClientException as error:
                errors.append(
                    {"job": job, "code": "ClientException", "message": str(error.message)}
                )
                continue
            successful.append(job)
        return json.dumps({"successful": successful, "errors": errors}, separators=(",", ":"))
