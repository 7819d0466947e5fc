"""moto's four job-queue operations, extended to SAGEMAKER_TRAINING queues.

A request about a SAGEMAKER_TRAINING queue is answered here; every other
request goes to moto's own ``BatchResponse`` unchanged. Container queues and
SAGEMAKER_TRAINING queues share one name space.
"""

from __future__ import annotations

import json
from typing import Any

from moto.batch.responses import BatchResponse

from .backend import ALREADY_EXISTS, ServiceJobBackend, service_job_backends
from .exceptions import ClientException
from .models import SAGEMAKER_TRAINING
from .params import Params


class QueueResponse(BatchResponse):
    """create/describe/update/deletejobqueue for both kinds of job queue."""

    @property
    def service_backend(self) -> ServiceJobBackend:
        return service_job_backends[self.current_account][self.region]

    def createjobqueue(self) -> str:
        p = Params(self.body)
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
        if name and self.service_backend.find_queue(name) is not None:
            raise ClientException(ALREADY_EXISTS)
        return super().createjobqueue()

    def describejobqueues(self) -> str:
        backend = self.service_backend
        if not backend.queues:
            return super().describejobqueues()
        wanted = Params(self.body).strings("jobQueues")
        body: dict[str, Any] = json.loads(super().describejobqueues())
        body["jobQueues"].extend(q.describe() for q in backend.describe_job_queues(wanted))
        return json.dumps(body)

    def updatejobqueue(self) -> str:
        p = Params(self.body)
        identifier = p.string("jobQueue")
        if not identifier or self.service_backend.find_queue(identifier) is None:
            return super().updatejobqueue()
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

    def deletejobqueue(self) -> str:
        identifier = Params(self.body).string("jobQueue")
        if not identifier or self.service_backend.find_queue(identifier) is None:
            return super().deletejobqueue()
        self.service_backend.delete_job_queue(identifier)
        return ""
