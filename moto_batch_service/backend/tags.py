"""TagResource, UntagResource and ListTagsForResource for the package's resources: service
jobs, service environments, SAGEMAKER_TRAINING queues and quota shares."""

from __future__ import annotations

from typing import Any

from ..exceptions import ClientException, cut, invalid_value, missing
from ..rules import validation as check
from ..state.models import ServiceEnvironment, ServiceJob, ServiceQueue
from ..state.store import Store


class TagBackend:
    """Tags of the package's resources. A mixin of ``ServiceJobBackend`` (its ``store``)."""

    store: Store

    def tagged_resource(self, arn: str) -> ServiceJob | ServiceEnvironment | ServiceQueue | None:
        """The service job, service environment or SAGEMAKER_TRAINING queue an ARN names.

        None when the ARN is not of those kinds (moto's own resources); ClientException
        when it is of those kinds but names nothing that exists.
        """
        store = self.store
        prefix = store.arn_prefix
        kinds: tuple[tuple[str, dict[str, Any]], ...] = (
            ("service-job/", store.jobs),
            ("service-environment/", store.environments),
            ("job-queue/", store.queues),
        )
        if "/quota-share/" in arn:
            share = store.quota_shares.get(arn)
            if share is None:
                raise ClientException(f"Resource {cut(arn)} not found")
            return share  # type: ignore[return-value]
        for kind, resources in kinds:
            if arn.startswith(prefix + kind):
                resource = resources.get(arn[len(prefix + kind) :])
                if resource is None and kind != "job-queue/":
                    raise ClientException(f"Resource {cut(arn)} not found")
                return resource
        if ":service-job/" in arn or ":service-environment/" in arn:
            raise ClientException(f"Resource {cut(arn)} not found")
        return None

    def tag_resource(
        self, resource: ServiceJob | ServiceEnvironment | ServiceQueue, tags: dict[str, str] | None
    ) -> None:
        """Add or replace tags (at most 50 on the resource, AWS's tag rules)."""
        if not tags:
            raise missing("tags")
        merged = check.tags({**resource.tags, **check.tags(tags)})
        resource.tags = merged

    def untag_resource(
        self, resource: ServiceJob | ServiceEnvironment | ServiceQueue, tag_keys: list[str] | None
    ) -> None:
        """Remove the tags with these keys (keys the resource does not have are ignored)."""
        if not tag_keys:
            raise missing("tagKeys")
        if len(tag_keys) > check.MAX_TAGS:
            raise invalid_value("tagKeys", f"{len(tag_keys)} keys", f"at most {check.MAX_TAGS}")
        resource.tags = {k: v for k, v in resource.tags.items() if k not in tag_keys}
