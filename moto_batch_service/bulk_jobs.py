"""``TerminateJobs`` and ``CancelJobs``: the bulk forms of moto's container-job operations.

Each job gets what moto's own ``TerminateJob``/``CancelJob`` does to it; the answer reports
every job in ``successful`` or ``errors`` (HTTP 200 either way). A job that does not exist is
successful, as on AWS. moto routes ``/v1/terminatejob`` and ``/v1/canceljob`` by prefix, so
under ``mock_aws`` the bulk paths reach the handler of the singular ones: both are served here,
the singular ones by moto's ``BatchResponse``, once their members have been checked (moto
would answer a member of the wrong JSON type with a 500).
"""

from __future__ import annotations

import json
from typing import Callable

from .exceptions import ClientException, invalid_value, missing
from .handlers import GuardedBatchResponse
from .params import Params

MAX_JOBS = 50
MAX_REASON = 1024
# The IAM action each bulk operation is authorised as (AWS has no separate bulk actions).
IAM_ACTIONS = {"terminatejobs": "terminatejob", "canceljobs": "canceljob"}


class BulkJobResponse(GuardedBatchResponse):
    """moto's ``BatchResponse`` plus ``terminatejobs`` and ``canceljobs``, its body guarded as
    the job-queue routes' are."""

    _authorising = False

    def _get_action(self) -> str:
        action = super()._get_action()
        return IAM_ACTIONS.get(action, action) if self._authorising else action

    def _authenticate_and_authorize_normal_action(self, resource: str = "*") -> None:
        self._authorising = True
        try:
            super()._authenticate_and_authorize_normal_action(resource)
        finally:
            self._authorising = False

    def terminatejob(self) -> str:
        self._single()
        return super().terminatejob()

    def canceljob(self) -> str:
        self._single()
        return super().canceljob()

    def _single(self) -> None:
        p = Params(self.body)
        for member in ("jobId", "reason"):
            if p.string(member) is None:
                raise missing(member)

    def terminatejobs(self) -> str:
        return self._bulk(self.batch_backend.terminate_job)

    def canceljobs(self) -> str:
        return self._bulk(self.batch_backend.cancel_job)

    def _bulk(self, apply: Callable[[str, str], None]) -> str:
        p = Params(self.body)
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
            try:
                apply(job, reason)
            except ClientException as error:
                errors.append({"job": job, "code": "ClientException", "message": error.message})
                continue
            successful.append(job)
        return json.dumps({"successful": successful, "errors": errors}, separators=(",", ":"))
