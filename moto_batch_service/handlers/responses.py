"""The service-job operations: JSON body in, backend call, JSON out (moto has none of them).

``ServiceJobOperations`` is a mixin of handler methods named as moto names its own
(``submit_service_job``, ...); each generation's handler class (``_moto_newest``,
``_moto_legacy``) takes it in. Errors are the package's ``ClientException``, which
``Handler.serve`` hands to moto.
"""

from __future__ import annotations

import json
from typing import Any

from .base import Handler, operation

_text = json.encoder.encode_basestring_ascii


def _dump(body: dict[str, Any]) -> str:
    return json.dumps(body, separators=(",", ":"))


class ServiceJobOperations(Handler):
    """The handler methods of the service-job operations."""

    # -- service environments ---------------------------------------------------------
    @operation
    def create_service_environment(self) -> str:
        p = self.members
        env = self.service_backend.create_service_environment(
            name=p.string("serviceEnvironmentName"),
            service_environment_type=p.string("serviceEnvironmentType"),
            state=p.string("state"),
            capacity_limits=p.array("capacityLimits"),
            tags=p.string_map("tags"),
        )
        return _dump({"serviceEnvironmentName": env.name, "serviceEnvironmentArn": env.arn})

    @operation
    def describe_service_environments(self) -> str:
        p = self.members
        envs, token = self.service_backend.describe_service_environments(
            p.strings("serviceEnvironments"), p.integer("maxResults"), p.string("nextToken")
        )
        body: dict[str, Any] = {"serviceEnvironments": [env.describe() for env in envs]}
        if token:
            body["nextToken"] = token
        return _dump(body)

    @operation
    def update_service_environment(self) -> str:
        p = self.members
        env = self.service_backend.update_service_environment(
            p.string("serviceEnvironment"), p.string("state"), p.array("capacityLimits")
        )
        return _dump({"serviceEnvironmentName": env.name, "serviceEnvironmentArn": env.arn})

    @operation
    def delete_service_environment(self) -> str:
        self.service_backend.delete_service_environment(self.members.string("serviceEnvironment"))
        return "{}"

    # -- service jobs -----------------------------------------------------------------
    @operation
    def submit_service_job(self) -> str:
        p = self.members
        job = self.service_backend.submit_service_job(
            job_name=p.string("jobName"),
            job_queue=p.string("jobQueue"),
            service_job_type=p.string("serviceJobType"),
            service_request_payload=p.string("serviceRequestPayload"),
            retry_strategy=p.object("retryStrategy"),
            scheduling_priority=p.integer("schedulingPriority"),
            share_identifier=p.string("shareIdentifier"),
            quota_share_name=p.string("quotaShareName"),
            preemption_configuration=p.object("preemptionConfiguration"),
            timeout_config=p.object("timeoutConfig"),
            tags=p.string_map("tags"),
            client_token=p.string("clientToken"),
        )
        return _dump({"jobArn": job.job_arn, "jobName": job.job_name, "jobId": job.job_id})

    @operation
    def describe_service_job(self) -> str:
        job = self.service_backend.describe_service_job(self.members.string("jobId"))
        return _dump(job.describe())

    @operation
    def list_service_jobs(self) -> str:
        p = self.members
        jobs, token = self.service_backend.list_service_jobs(
            job_queue=p.string("jobQueue"),
            job_status=p.string("jobStatus"),
            filters=p.array("filters"),
            max_results=p.integer("maxResults"),
            next_token=p.string("nextToken"),
        )
        summaries = ",".join([job.summary_json() for job in jobs])
        if token:
            return f'{{"jobSummaryList":[{summaries}],"nextToken":{_text(token)}}}'
        return f'{{"jobSummaryList":[{summaries}]}}'

    @operation
    def terminate_service_job(self) -> str:
        p = self.members
        self.service_backend.terminate_service_job(p.string("jobId"), p.string("reason"))
        return "{}"

    @operation
    def terminate_service_jobs(self) -> str:
        p = self.members
        successful, errors = self.service_backend.terminate_service_jobs(
            p.strings("jobs"), p.string("reason"), denied=self._denied
        )
        return _dump({"successful": successful, "errors": errors})

    @operation
    def update_service_job(self) -> str:
        p = self.members
        job = self.service_backend.update_service_job(
            p.string("jobId"), p.integer("schedulingPriority")
        )
        return _dump({"jobArn": job.job_arn, "jobName": job.job_name, "jobId": job.job_id})

    @operation
    def get_job_queue_snapshot(self) -> str:
        return _dump(self.service_backend.job_queue_snapshot(self.members.string("jobQueue")))

    # -- quota shares -------------------------------------------------------------------
    @operation
    def create_quota_share(self) -> str:
        p = self.members
        share = self.service_backend.create_quota_share(
            name=p.string("quotaShareName"),
            job_queue=p.string("jobQueue"),
            capacity_limits=p.array("capacityLimits"),
            resource_sharing=p.object("resourceSharingConfiguration"),
            preemption=p.object("preemptionConfiguration"),
            state=p.string("state"),
            tags=p.string_map("tags"),
        )
        return _dump({"quotaShareName": share.name, "quotaShareArn": share.arn})

    @operation
    def describe_quota_share(self) -> str:
        return _dump(
            self.service_backend.get_quota_share(self.members.string("quotaShareArn")).describe()
        )

    @operation
    def list_quota_shares(self) -> str:
        p = self.members
        shares, token = self.service_backend.list_quota_shares(
            p.string("jobQueue"), p.integer("maxResults"), p.string("nextToken")
        )
        body: dict[str, Any] = {"quotaShares": [share.detail() for share in shares]}
        if token:
            body["nextToken"] = token
        return _dump(body)

    @operation
    def update_quota_share(self) -> str:
        p = self.members
        share = self.service_backend.update_quota_share(
            p.string("quotaShareArn"),
            capacity_limits=p.array("capacityLimits"),
            resource_sharing=p.object("resourceSharingConfiguration"),
            preemption=p.object("preemptionConfiguration"),
            state=p.string("state"),
        )
        return _dump({"quotaShareName": share.name, "quotaShareArn": share.arn})

    @operation
    def delete_quota_share(self) -> str:
        self.service_backend.delete_quota_share(self.members.string("quotaShareArn"))
        return "{}"
