"""AWS's IAM action names for the requests the package serves.

moto checks a request against the caller's policies (once IAM enforcement is on, e.g. with
``set_initial_no_auth_action_count``) by the action ``<service>:<action>``; moto before 5.2.6
names a batch action by its lower-case path segment (``batch:describeservicejob``) and matches
policy actions case-sensitively, so a policy allowing ``batch:DescribeServiceJob`` (AWS's
spelling) would not apply. For the package's requests the action is AWS's name on every moto
(TerminateServiceJobs needs ``batch:TerminateServiceJob``, as on AWS; TerminateJobs and
CancelJobs need ``batch:TerminateJob`` and ``batch:CancelJob``), and the refusals are AWS's
JSON errors (``_moto_iam.JsonIAMRequest``). moto's own operations keep moto's own check.
"""

from __future__ import annotations

from .._moto.iam import JsonIAMRequest
from ..rules.operations import AWS_NAMES, TAG_OPERATIONS

# The IAM actions whose names are not the operation's (AWS has no batch:TerminateServiceJobs).
_ACTION_OF_OPERATION = {
    "TerminateServiceJobs": "TerminateServiceJob",
    "TerminateJobs": "TerminateJob",
    "CancelJobs": "CancelJob",
}


def action_name(segment: str, method: str) -> str:
    """The IAM action (without ``batch:``) of a request to ``/v1/<segment>``."""
    if segment == "tags":
        return TAG_OPERATIONS.get(method.upper(), "TagResource")
    operation = AWS_NAMES.get(segment.lower(), segment)
    return _ACTION_OF_OPERATION.get(operation, operation)


class BatchIAMRequest(JsonIAMRequest):
    """moto's IAM check of a request the package serves, by AWS's action name."""

    @staticmethod
    def action_of(path: str, method: str) -> str:
        segment = path.split("?")[0].strip("/").split("/")
        return action_name(segment[1] if len(segment) > 1 else "", method)
