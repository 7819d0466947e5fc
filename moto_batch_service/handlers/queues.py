"""moto's job-queue, scheduling-policy and tagging operations, extended to this package's
resources.

A request about a SAGEMAKER_TRAINING queue, a service environment, a service job or a quota
share is answered here; every other request goes to moto's own handler method unchanged
(``Handler.moto_operation``). Container queues and SAGEMAKER_TRAINING queues share one name
space.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from ..exceptions import ClientException, cut, missing
from ..rules import validation
from ..rules.statuses import SAGEMAKER_TRAINING
from ..state.quota import quota_share_policy
from ..state.store import ALREADY_EXISTS
from .base import Handler, operation


class QueueOperations(Handler):
    """The job-queue operations for both kinds of job queue, scheduling policies with
    quota-share policies, and tags of the package's resources."""

    @operation
    def create_job_queue(self) -> str:
        p = self.members
        queue_type = p.string("jobQueueType")
        service_order = p.array("serviceEnvironmentOrder")
        if queue_type == SAGEMAKER_TRAINING or (queue_type is None and service_order):
            queue = self.service_backend.create_job_queue(
                name=p.string("jobQueueName"),
                priority=p.integer("priority"),
                state=p.string("state"),
                service_environment_order=service_order,
                compute_environment_order=p.array("computeEnvironmentOrder"),
                scheduling_policy_arn=p.string("schedulingPolicyArn"),
                time_limit_actions=p.array("jobStateTimeLimitActions"),
                tags=p.string_map("tags"),
            )
            return json.dumps({"jobQueueArn": queue.arn, "jobQueueName": queue.name})
        if service_order:
            raise ClientException(
                f"serviceEnvironmentOrder is only valid for {SAGEMAKER_TRAINING} job queues"
            )
        name = p.string("jobQueueName")
        if name and self.service_backend.store.find_queue(name) is not None:
            raise ClientException(ALREADY_EXISTS)
        return self.moto_operation("create_job_queue")

    @operation
    def describe_job_queues(self) -> str:
        backend = self.service_backend
        wanted = self.members.strings("jobQueues")  # checked before moto reads it
        if not backend.queues:
            return self.moto_operation("describe_job_queues")
        body: dict[str, Any] = json.loads(self.moto_operation("describe_job_queues"))
        body["jobQueues"].extend(q.describe() for q in backend.describe_job_queues(wanted))
        return json.dumps(body)

    @operation
    def update_job_queue(self) -> str:
        p = self.members
        identifier = p.string("jobQueue")
        if not identifier or self.service_backend.store.find_queue(identifier) is None:
            if (
                identifier
                and p.array("serviceEnvironmentOrder")
                and self.batch_backend.get_job_queue(identifier) is not None
            ):
                raise ClientException(
                    f"Job queue {cut(identifier)} is not of type {SAGEMAKER_TRAINING} "
                    "and cannot take serviceEnvironmentOrder"
                )
            return self.moto_operation("update_job_queue")
        queue = self.service_backend.update_job_queue(
            identifier,
            priority=p.integer("priority"),
            state=p.string("state"),
            service_environment_order=p.array("serviceEnvironmentOrder"),
            compute_environment_order=p.array("computeEnvironmentOrder"),
            scheduling_policy_arn=p.string("schedulingPolicyArn"),
            time_limit_actions=p.array("jobStateTimeLimitActions"),
        )
        return json.dumps({"jobQueueArn": queue.arn, "jobQueueName": queue.name})

    @operation
    def delete_job_queue(self) -> str:
        identifier = self.members.string("jobQueue")
        if not identifier or self.service_backend.store.find_queue(identifier) is None:
            return self.moto_operation("delete_job_queue")
        self.service_backend.delete_job_queue(identifier)
        return ""

    def _tagged(self) -> Any:
        """The package's resource named by the request's ARN (``/v1/tags/<arn>``), if it is one."""
        arn = unquote(self.path).split("/v1/tags/")[-1].rstrip("/")
        return self.service_backend.tagged_resource(arn)

    @operation
    def list_tags_for_resource(self) -> str:
        resource = self._tagged()
        if resource is None:
            return self.moto_operation("list_tags_for_resource")
        return json.dumps({"tags": dict(resource.tags)})

    @operation
    def tag_resource(self) -> str:
        resource = self._tagged()
        if resource is None:
            return self.moto_operation("tag_resource")
        self.service_backend.tag_resource(resource, self.members.string_map("tags"))
        return "{}"

    @operation
    def untag_resource(self) -> str:
        if not self.querystring.get("tagKeys"):
            raise missing("tagKeys")  # moto's router matches no operation without them
        resource = self._tagged()
        if resource is None:
            return self.moto_operation("untag_resource")
        self.service_backend.untag_resource(resource, self.querystring.get("tagKeys"))
        return "{}"

    # -- scheduling policies: moto keeps fairsharePolicy only; quotaSharePolicy is ours --
    @operation
    def create_scheduling_policy(self) -> str:
        p = self.members
        name = p.string("name")
        if not name:
            raise missing("name")
        p.string_map("tags")  # moto applies name, tags and fairsharePolicy unchecked
        if self._policy_named(name):  # moto would replace it (and the queues using it)
            raise ClientException(ALREADY_EXISTS)
        quota_policy = p.object("quotaSharePolicy")
        if quota_policy is None:
            validation.fairshare_policy(p.object("fairsharePolicy"))
            return self.moto_operation("create_scheduling_policy")
        if p.object("fairsharePolicy") is not None:
            raise ClientException(
                "A scheduling policy has either a fairsharePolicy or a quotaSharePolicy, not both"
            )
        quota_share_policy(quota_policy)  # check before moto stores anything
        body = self.moto_operation("create_scheduling_policy")
        self.service_backend.create_quota_policy(json.loads(body)["arn"], quota_policy)
        return body

    @operation
    def describe_scheduling_policies(self) -> str:
        self.members.strings("arns")  # moto reads it unchecked
        quota_policies = self.service_backend.quota_policies
        body: dict[str, Any] = json.loads(self.moto_operation("describe_scheduling_policies"))
        for policy in body.get("schedulingPolicies", []):
            if policy.get("arn") in quota_policies:
                policy.pop("fairsharePolicy", None)
                policy["quotaSharePolicy"] = dict(quota_policies[policy["arn"]])
        return json.dumps(body)

    @operation
    def update_scheduling_policy(self) -> str:
        p = self.members
        arn = p.string("arn")
        if not arn:
            raise missing("arn")
        fairshare_policy = validation.fairshare_policy(p.object("fairsharePolicy"))
        is_quota = arn in self.service_backend.quota_policies
        if is_quota and fairshare_policy is not None:
            raise ClientException(
                f"Scheduling policy {cut(arn)} is a quota-share policy; "
                "it cannot take a fairsharePolicy"
            )
        quota_policy = p.object("quotaSharePolicy")
        if quota_policy is not None:
            if not is_quota:
                raise ClientException(
                    f"Scheduling policy {cut(arn)} is not a quota-share policy; "
                    "the kind of a scheduling policy cannot change"
                )
            self.service_backend.create_quota_policy(arn, quota_policy)
            return "{}"
        if not self.batch_backend.describe_scheduling_policies([arn]):
            raise ClientException(f"Scheduling policy {cut(arn)} does not exist")  # moto: KeyError
        return self.moto_operation("update_scheduling_policy")

    @operation
    def delete_scheduling_policy(self) -> str:
        arn = self.members.string("arn")
        if not arn:
            raise missing("arn")  # moto: KeyError
        user = self._queue_using(arn)
        if user is not None:
            raise ClientException(
                f"Scheduling policy {cut(arn)} is used by job queue {user}: a scheduling "
                "policy that a job queue uses cannot be deleted"
            )
        body = self.moto_operation("delete_scheduling_policy")
        self.service_backend.quota_policies.pop(arn, None)
        return body

    def _policy_named(self, name: str) -> bool:
        """Whether a scheduling policy of this name exists (names are unique per account and
        region, and a policy's ARN is made of its name)."""
        moto = self.batch_backend
        return any(
            policy.name == name
            for policy in moto.describe_scheduling_policies(moto.list_scheduling_policies())
        )

    def _queue_using(self, policy_arn: str) -> str | None:
        """The name of a job queue (of either kind) whose scheduling policy is ``policy_arn``."""
        for queue in self.service_backend.queues.values():
            if queue.scheduling_policy_arn == policy_arn:
                return queue.name
        for described in self.batch_backend.describe_job_queues():
            if described.get("schedulingPolicyArn") == policy_arn:
                return str(described["jobQueueName"])
        return None
