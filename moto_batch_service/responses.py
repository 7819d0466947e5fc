"""HTTP handlers of the service-job operations: JSON body in, backend call, JSON out."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from moto.core.utils import utcnow
from moto.iam.models import mark_account_as_visited
from moto.utilities.aws_headers import gen_amzn_requestid_long
from werkzeug.exceptions import HTTPException
from werkzeug.http import http_date

from ._moto import partition_of
from .backend import RESET_LOCK, ServiceJobBackend, service_job_backends
from .handlers import GuardedSetup, read_body, refusal
from .iam import AccessDeniedException, AwsActionNames
from .operations import OPERATIONS
from .params import Params

_text = json.encoder.encode_basestring_ascii


def _dump(body: dict[str, Any]) -> str:
    return json.dumps(body, separators=(",", ":"))


class ServiceJobResponse(AwsActionNames, GuardedSetup):
    """``POST /v1/<operation>`` for every service-job operation.

    The action is the path segment after ``/v1/`` (as in moto's ``BatchResponse``),
    so the server answers operations its own botocore may not know yet.
    """

    _backend: ServiceJobBackend | None = None
    _denied: str | None = None  # TerminateServiceJobs: why each job is refused, if it is

    def __init__(self) -> None:
        super().__init__(service_name="batch")
        # A gzip body is inflated by ``read_body``, with a cap, not by moto.
        self.allow_request_decompression = False
        self.inflated = False

    @classmethod
    def answer(cls, request: Any, url: str) -> Any:
        """Answer a signed botocore request without building moto's request view.

        For ``DirectRoutes``' plain requests (signed, not compressed, IAM not enforced,
        nothing recorded) this sets what moto's ``setup_class`` would set and the handlers
        read: body bytes, URL, method, headers, region (moto's own rules), account (moto's
        own rules), the IAM visit and the response headers.
        """
        self = cls()
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        self.body = self.raw_body = body
        self.uri = url
        self.method = request.method
        self.headers = request.headers
        self.querystring = {}
        self.region = self.get_region_from_url(request, url)
        self.partition = partition_of(self.region)
        self.response_headers = {"server": "amazon.com", "date": http_date(utcnow())}
        self.access_key = self.get_access_key()
        with RESET_LOCK:
            self.current_account = self.get_current_account()
            mark_account_as_visited(
                account_id=self.current_account,
                access_key=self.access_key,
                service="batch",
                region=self.region,
            )
        return self.call_action()

    @property
    def backend(self) -> ServiceJobBackend:
        """The backend of this request, looked up once (by ``call_action``)."""
        if self._backend is None:
            self._backend = service_job_backends[self.current_account][self.region]
        return self._backend

    def call_action(self) -> Any:
        """moto's ``call_action`` for our operations, minus its per-request class scan.

        IAM checks, error answers and the request-id header are moto's own; the success
        body is returned as built (moto's XML ``RequestId`` rewrite has nothing to do on JSON).
        """
        action = self._get_action()
        if action not in OPERATIONS:
            return super().call_action()
        with RESET_LOCK:  # before or after a reset, never during one
            self._backend = service_job_backends[self.current_account][self.region]
            return self._call(action)

    def _call(self, action: str) -> Any:
        headers = self.response_headers
        try:
            self._authenticate_and_authorize_normal_action("*")
        except AccessDeniedException as denied:
            if action != "terminateservicejobs":  # which AWS refuses job by job
                return refusal(self, denied)
            self._denied = denied.message
        except HTTPException as error:
            return refusal(self, error)
        try:
            self.body = read_body(self, action)
            with self.backend.lock:
                body = getattr(self, action)()
        except HTTPException as error:
            return refusal(self, error)
        gen_amzn_requestid_long(headers)
        return 200, headers, body

    def _get_action(self) -> str:
        return urlsplit(self.uri).path.lstrip("/").split("/")[1]

    def _members(self) -> Params:
        return Params(self.body)

    # -- service environments ---------------------------------------------------------
    def createserviceenvironment(self) -> str:
        p = self._members()
        env = self.backend.create_service_environment(
            name=p.string("serviceEnvironmentName"),
            service_environment_type=p.string("serviceEnvironmentType"),
            state=p.string("state"),
            capacity_limits=p.array("capacityLimits"),
            tags=p.string_map("tags"),
        )
        return _dump({"serviceEnvironmentName": env.name, "serviceEnvironmentArn": env.arn})

    def describeserviceenvironments(self) -> str:
        p = self._members()
        envs, token = self.backend.describe_service_environments(
            p.strings("serviceEnvironments"), p.integer("maxResults"), p.string("nextToken")
        )
        body: dict[str, Any] = {"serviceEnvironments": [env.describe() for env in envs]}
        if token:
            body["nextToken"] = token
        return _dump(body)

    def updateserviceenvironment(self) -> str:
        p = self._members()
        env = self.backend.update_service_environment(
            p.string("serviceEnvironment"), p.string("state"), p.array("capacityLimits")
        )
        return _dump({"serviceEnvironmentName": env.name, "serviceEnvironmentArn": env.arn})

    def deleteserviceenvironment(self) -> str:
        self.backend.delete_service_environment(self._members().string("serviceEnvironment"))
        return "{}"

    # -- service jobs -----------------------------------------------------------------
    def submitservicejob(self) -> str:
        p = self._members()
        job = self.backend.submit_service_job(
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

    def describeservicejob(self) -> str:
        job = self.backend.describe_service_job(self._members().string("jobId"))
        return _dump(job.describe())

    def listservicejobs(self) -> str:
        p = self._members()
        jobs, token = self.backend.list_service_jobs(
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

    def terminateservicejob(self) -> str:
        p = self._members()
        self.backend.terminate_service_job(p.string("jobId"), p.string("reason"))
        return "{}"

    def terminateservicejobs(self) -> str:
        p = self._members()
        successful, errors = self.backend.terminate_service_jobs(
            p.strings("jobs"), p.string("reason"), denied=self._denied
        )
        return _dump({"successful": successful, "errors": errors})

    def updateservicejob(self) -> str:
        p = self._members()
        job = self.backend.update_service_job(p.string("jobId"), p.integer("schedulingPriority"))
        return _dump({"jobArn": job.job_arn, "jobName": job.job_name, "jobId": job.job_id})

    def getjobqueuesnapshot(self) -> str:
        return _dump(self.backend.job_queue_snapshot(self._members().string("jobQueue")))

    # -- quota shares -------------------------------------------------------------------
    def createquotashare(self) -> str:
        p = self._members()
        share = self.backend.create_quota_share(
            name=p.string("quotaShareName"),
            job_queue=p.string("jobQueue"),
            capacity_limits=p.array("capacityLimits"),
            resource_sharing=p.object("resourceSharingConfiguration"),
            preemption=p.object("preemptionConfiguration"),
            state=p.string("state"),
            tags=p.string_map("tags"),
        )
        return _dump({"quotaShareName": share.name, "quotaShareArn": share.arn})

    def describequotashare(self) -> str:
        return _dump(
            self.backend.get_quota_share(self._members().string("quotaShareArn")).describe()
        )

    def listquotashares(self) -> str:
        p = self._members()
        shares, token = self.backend.list_quota_shares(
            p.string("jobQueue"), p.integer("maxResults"), p.string("nextToken")
        )
        body: dict[str, Any] = {"quotaShares": [share.detail() for share in shares]}
        if token:
            body["nextToken"] = token
        return _dump(body)

    def updatequotashare(self) -> str:
        p = self._members()
        share = self.backend.update_quota_share(
            p.string("quotaShareArn"),
            capacity_limits=p.array("capacityLimits"),
            resource_sharing=p.object("resourceSharingConfiguration"),
            preemption=p.object("preemptionConfiguration"),
            state=p.string("state"),
        )
        return _dump({"quotaShareName": share.name, "quotaShareArn": share.arn})

    def deletequotashare(self) -> str:
        self.backend.delete_quota_share(self._members().string("quotaShareArn"))
        return "{}"
