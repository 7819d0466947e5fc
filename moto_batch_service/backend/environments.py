"""Service environments and SAGEMAKER_TRAINING job queues: their operations and AWS's rules.

A SAGEMAKER_TRAINING queue has one service environment. Its scheduling policy decides the
pairing: a quota-management queue has its environment to itself, with instance-type
capacity limits; FIFO and fair-share queues use NUM_INSTANCES environments. Container
queues (moto's) and SAGEMAKER_TRAINING queues share one name space.
"""

from __future__ import annotations

from typing import Any

from ..exceptions import ClientException, cut, missing, not_one_of
from ..rules import validation as check
from ..rules.params import check_type
from ..rules.statuses import FAILED, SAGEMAKER_TRAINING
from ..scheduling.tracking import Tracker
from ..state import clock
from ..state.listing import page_size, request_fingerprint, seq_page
from ..state.models import ServiceEnvironment, ServiceQueue
from ..state.store import ALREADY_EXISTS, Store

MAX_ENVIRONMENTS = 50  # service environments per account and region (AWS, fixed)
ONE_QUOTA_QUEUE = (
    "Quota management enabled service environments can only be connected to a single quota "
    "management enabled job queue"
)


class EnvironmentBackend:
    """CreateServiceEnvironment ... DeleteJobQueue for SAGEMAKER_TRAINING resources.

    A mixin of ``ServiceJobBackend``: it works on the backend's ``store`` and ``tracker``.
    """

    store: Store
    tracker: Tracker

    # -- service environments -----------------------------------------------------------
    def create_service_environment(
        self,
        name: str | None,
        service_environment_type: str | None,
        state: str | None,
        capacity_limits: list[Any] | None,
        tags: dict[str, str] | None,
    ) -> ServiceEnvironment:
        """CreateServiceEnvironment: a SAGEMAKER_TRAINING service environment with its capacity
        limits."""
        name = check.name("serviceEnvironmentName", name)
        if not service_environment_type:
            raise missing("serviceEnvironmentType")
        if service_environment_type != SAGEMAKER_TRAINING:
            raise not_one_of(
                "serviceEnvironmentType", service_environment_type, [SAGEMAKER_TRAINING]
            )
        members = (check.state(state), check.capacity_limits(capacity_limits), check.tags(tags))
        if name in self.store.environments:
            raise ClientException(ALREADY_EXISTS)
        if len(self.store.environments) >= MAX_ENVIRONMENTS:
            raise ClientException(
                f"Cannot create service environment {name}: an account can have at most "
                f"{MAX_ENVIRONMENTS} service environments in {self.store.region_name}"
            )
        # Built only once nothing can refuse it: moto keeps every model object it sees built.
        env = ServiceEnvironment(
            name,
            self.store.account_id,
            self.store.region_name,
            self.store.partition,
            next(self.store.seq),
            *members,
        )
        self.store.environments[name] = env
        return env

    def describe_service_environments(
        self, identifiers: list[str] | None, max_results: int | None, next_token: str | None
    ) -> tuple[list[ServiceEnvironment], str | None]:
        """DescribeServiceEnvironments: the environments named (all when none), a page at a time."""
        limit = page_size(max_results)
        wanted = None
        if identifiers:
            wanted = {env.name for env in map(self.store.maybe_environment, identifiers) if env}
        # The account and region are part of the request: a token is refused elsewhere.
        fingerprint = request_fingerprint(
            self.store.arn_prefix, sorted(wanted) if wanted is not None else None
        )
        envs = [
            env for env in self.store.environments.values() if wanted is None or env.name in wanted
        ]
        return seq_page(
            envs, limit, next_token, fingerprint, "another list of service environments"
        )

    def update_service_environment(
        self, identifier: str | None, state: str | None, capacity_limits: list[Any] | None
    ) -> ServiceEnvironment:
        """UpdateServiceEnvironment: its state and capacity limits."""
        if not identifier:
            raise missing("serviceEnvironment")
        env = self.store.get_environment(identifier)
        new_state = check.state(state, default=env.state)
        new_limits = env.capacity_limits
        if capacity_limits is not None:
            new_limits = check.capacity_limits(capacity_limits)
            for queue in self.store.queues.values():
                if queue.environment is env:
                    self._check_pairing(queue.name, self.store.policy_kind(queue), env, new_limits)
        env.state, env.capacity_limits = new_state, new_limits
        return env

    def delete_service_environment(self, identifier: str | None) -> None:
        """DeleteServiceEnvironment: only a DISABLED environment no job queue uses."""
        if not identifier:
            raise missing("serviceEnvironment")
        env = self.store.get_environment(identifier)
        if env.state != "DISABLED":
            raise ClientException(
                f"Service environment {env.name} must be DISABLED before it can be deleted"
            )
        users = [q.name for q in self.store.queues.values() if q.environment is env]
        if users:
            raise ClientException(
                f"Service environment {env.name} is still used by job queue(s) {', '.join(users)}; "
                "remove it from their serviceEnvironmentOrder first"
            )
        del self.store.environments[env.name]

    # -- SAGEMAKER_TRAINING job queues ---------------------------------------------------
    def _environment_order(self, order: list[Any] | None) -> list[tuple[int, ServiceEnvironment]]:
        if not order:
            raise ClientException(
                "serviceEnvironmentOrder must list at least one service environment "
                "for a SAGEMAKER_TRAINING job queue"
            )
        if len(order) > 1:
            raise ClientException(
                f"serviceEnvironmentOrder lists {len(order)} service environments; a job queue "
                "can have only one service environment"
            )
        resolved: list[tuple[int, ServiceEnvironment]] = []
        for i, entry in enumerate(order):
            member = f"serviceEnvironmentOrder[{i}]"
            if not isinstance(entry, dict):
                raise ClientException(
                    f"{member} must be an object with order and serviceEnvironment"
                )
            position, identifier = entry.get("order"), entry.get("serviceEnvironment")
            if position is None:
                raise missing(f"{member}.order")
            position = check_type(f"{member}.order", position, int)
            if not isinstance(identifier, str) or not identifier:
                raise missing(f"{member}.serviceEnvironment")
            env = self.store.get_environment(identifier)
            if env.status != "VALID":
                raise ClientException(f"Service environment {env.name} is not VALID")
            resolved.append((position, env))
        return resolved

    def _scheduling_policy(self, arn: str | None) -> str | None:
        if arn is None:
            return None
        policies = self.store.moto_batch.describe_scheduling_policies([arn])
        if not policies:
            raise ClientException(f"Scheduling policy {cut(arn)} does not exist")
        return arn

    def _check_pairing(
        self,
        queue_name: str,
        kind: str | None,
        env: ServiceEnvironment,
        limits: list[dict[str, Any]],
    ) -> None:
        """Refuse queue ``queue_name`` of scheduling ``kind`` on ``env`` with ``limits``
        unless AWS's pairing rules allow it: a quota-management queue has its environment
        to itself, with instance-type limits; FIFO and fair-share queues use NUM_INSTANCES."""
        others = [
            q for q in self.store.queues.values() if q.name != queue_name and q.environment is env
        ]
        instance_types = all(limit["capacityUnit"] != check.NUM_INSTANCES for limit in limits)
        if kind == "QUOTA":
            if others:
                raise ClientException(
                    f"{ONE_QUOTA_QUEUE}: service environment {env.name} is already connected "
                    f"to job queue {others[0].name}"
                )
            if not instance_types:
                raise ClientException(
                    f"Job queue {queue_name} has a quota-share scheduling policy: its service "
                    f"environment needs instance-type capacity limits (such as ml.m5.large), "
                    f"and service environment {env.name} has {check.NUM_INSTANCES}"
                )
            return
        quota_queues = [q.name for q in others if self.store.policy_kind(q) == "QUOTA"]
        if quota_queues:
            raise ClientException(
                f"{ONE_QUOTA_QUEUE}: service environment {env.name} is connected to job queue "
                f"{quota_queues[0]}"
            )
        if instance_types:
            what = "a FIFO" if kind is None else "a fair-share"
            raise ClientException(
                f"Job queue {queue_name} is {what} job queue: its service environment needs "
                f"{check.NUM_INSTANCES} capacity limits, and service environment {env.name} has "
                "instance-type capacity limits (quota management only)"
            )

    def create_job_queue(
        self,
        name: str | None,
        priority: int | None,
        state: str | None,
        service_environment_order: list[Any] | None,
        compute_environment_order: list[Any] | None,
        scheduling_policy_arn: str | None,
        time_limit_actions: list[Any] | None,
        tags: dict[str, str] | None,
    ) -> ServiceQueue:
        """CreateJobQueue for a SAGEMAKER_TRAINING queue and its service environment order."""
        name = check.name("jobQueueName", name)
        if priority is None:
            raise missing("priority")
        check.int_range("priority", priority, 0, 1000)
        if compute_environment_order:
            raise ClientException(
                "A SAGEMAKER_TRAINING job queue takes serviceEnvironmentOrder, "
                "not computeEnvironmentOrder"
            )
        environment_order = self._environment_order(service_environment_order)
        policy_arn = self._scheduling_policy(scheduling_policy_arn)
        members = (
            check.state(state),
            environment_order,
            policy_arn,
            check.time_limit_actions(time_limit_actions),
            check.tags(tags),
        )
        if name in self.store.queues or self.store.container_queue_exists(name):
            raise ClientException(ALREADY_EXISTS)
        env = environment_order[0][1]
        self._check_pairing(name, self.store.kind_of(policy_arn), env, env.capacity_limits)
        # Built only once nothing can refuse it: moto keeps every model object it sees built.
        queue = ServiceQueue(
            name,
            self.store.account_id,
            self.store.region_name,
            self.store.partition,
            priority,
            *members,
        )
        self.store.queues[name] = queue
        return queue

    def describe_job_queues(self, identifiers: list[str] | None) -> list[ServiceQueue]:
        """DescribeJobQueues: the SAGEMAKER_TRAINING queues among those named."""
        if not identifiers:
            return list(self.store.queues.values())
        wanted = {q.name for q in map(self.store.find_queue, identifiers) if q is not None}
        return [q for q in self.store.queues.values() if q.name in wanted]

    def update_job_queue(
        self,
        identifier: str,
        priority: int | None,
        state: str | None,
        service_environment_order: list[Any] | None,
        compute_environment_order: list[Any] | None,
        scheduling_policy_arn: str | None,
        time_limit_actions: list[Any] | None,
    ) -> ServiceQueue:
        """UpdateJobQueue of a SAGEMAKER_TRAINING queue: state, priority, policy, environments."""
        queue = self.store.get_queue(identifier)
        if compute_environment_order:
            raise ClientException(
                f"Job queue {queue.name} is of type SAGEMAKER_TRAINING and cannot take "
                "computeEnvironmentOrder"
            )
        changes: dict[str, Any] = {"state": check.state(state, default=queue.state)}
        if priority is not None:
            changes["priority"] = check.int_range("priority", priority, 0, 1000)
        if service_environment_order is not None:
            changes["environment_order"] = self._environment_order(service_environment_order)
        if scheduling_policy_arn is not None:
            if queue.scheduling_policy_arn is None:
                raise ClientException(
                    f"Job queue {queue.name} has no scheduling policy; "
                    "a FIFO job queue cannot be given one"
                )
            changes["scheduling_policy_arn"] = self._scheduling_policy(scheduling_policy_arn)
            kind, new_kind = (
                self.store.policy_kind(queue),
                self.store.kind_of(scheduling_policy_arn),
            )
            if new_kind != kind:
                have = "quota-share" if kind == "QUOTA" else "fair-share"
                other = "fair-share" if kind == "QUOTA" else "quota-share"
                raise ClientException(
                    f"Job queue {queue.name} has a {have} scheduling policy: it can be replaced "
                    f"with another {have} scheduling policy, not with a {other} one"
                )
        if time_limit_actions is not None:
            changes["time_limit_actions"] = check.time_limit_actions(time_limit_actions)
        if "environment_order" in changes:
            env = changes["environment_order"][0][1]
            self._check_pairing(queue.name, self.store.policy_kind(queue), env, env.capacity_limits)
        for attribute, value in changes.items():
            setattr(queue, attribute, value)
        return queue

    def delete_job_queue(self, identifier: str) -> None:
        """DeleteJobQueue of a DISABLED SAGEMAKER_TRAINING queue whose jobs have all finished."""
        queue = self.store.get_queue(identifier)
        if queue.state != "DISABLED":
            raise ClientException(
                f"Job queue {queue.name} must be DISABLED before it can be deleted"
            )
        at = clock.now_ms()
        for job in list(queue.jobs.values()):
            if not job.is_terminal:
                job.is_terminated = True
                self.tracker.move(job, FAILED, at, "Job queue deleted")
        for share in self.store.queue_shares(queue):
            del self.store.quota_shares[share.arn]
        del self.store.queues[queue.name]

    # -- seeding (see ``seeding``) ----------------------------------------------------
    def ensure_queue(self, identifier: str, fair_share: bool = False) -> ServiceQueue:
        """The queue by name or ARN; a SAGEMAKER_TRAINING queue with its own environment if
        new: FIFO, or with the fair-share scheduling policy ``<name>-fair-share`` (made if
        missing, with moto's defaults) when ``fair_share``."""
        queue = self.store.find_queue(identifier)
        if queue is not None:
            return queue
        name = new_queue_name(self.store, identifier)
        policy_arn = fair_share_policy_arn(self.store, name) if fair_share else None
        if policy_arn is not None and not self.store.moto_batch.describe_scheduling_policies(
            [policy_arn]
        ):
            self.store.moto_batch.create_scheduling_policy(f"{name}-fair-share", {}, {})
        env = self.store.environments.get(name) or self.create_service_environment(
            name,
            SAGEMAKER_TRAINING,
            "ENABLED",
            [{"capacityUnit": "NUM_INSTANCES", "maxCapacity": 1000}],
            None,
        )
        return self.create_job_queue(
            name,
            1,
            "ENABLED",
            [{"order": 1, "serviceEnvironment": env.arn}],
            None,
            policy_arn,
            None,
            None,
        )


def new_queue_name(store: Store, identifier: str) -> str:
    """The name ``ensure_queue`` gives the queue it creates for ``identifier`` (a name or an
    ARN of the store's account and region, not a container queue's), creating nothing."""
    name = identifier
    if identifier.startswith("arn:"):
        prefix = store.arn_prefix + "job-queue/"
        if not identifier.startswith(prefix):
            raise ClientException(
                f"{cut(identifier)} is not a job queue ARN of account {store.account_id} "
                f"in {store.region_name}"
            )
        name = identifier[len(prefix) :]
    if store.container_queue_exists(name):
        raise ClientException(f"Job queue {name} is not of type SAGEMAKER_TRAINING")
    return name


def fair_share_policy_arn(store: Store, queue_name: str) -> str:
    """The ARN of the fair-share scheduling policy ``ensure_queue`` gives a new queue
    ``queue_name``; refused if a quota-share policy already has its name."""
    arn = f"{store.arn_prefix}scheduling-policy/{queue_name}-fair-share"
    if arn in store.quota_policies:
        raise ClientException(
            f"Scheduling policy {queue_name}-fair-share is a quota-share policy: a new job "
            f"queue {queue_name} cannot take it as its fair-share scheduling policy"
        )
    return arn
