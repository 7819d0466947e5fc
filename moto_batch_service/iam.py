"""moto's IAM check for the routes this package serves, with AWS's action names and errors.

moto checks a request against the caller's policies (once IAM enforcement is on, e.g. with
``set_initial_no_auth_action_count``) by the action ``<service>:<action>``, where the
action is what the response class's ``_get_action`` gives: for batch, the lower-case path
segment (``batch:describeservicejob``). moto matches policy actions case-sensitively, so a
policy allowing ``batch:DescribeServiceJob`` (AWS's spelling) would not apply. Here the
action is AWS's name (TerminateServiceJobs needs ``batch:TerminateServiceJob``, as on AWS),
and the refusals are AWS's JSON errors instead of moto's XML ones.
"""

from __future__ import annotations

import functools
from typing import Any

import botocore.session
from moto.core.exceptions import (
    AccessDeniedError,
    InvalidClientTokenIdError,
    JsonRESTError,
    SignatureDoesNotMatchError,
)
from moto.iam.access_control import IAMRequest

from .operations import SERVED

# The IAM actions whose names are not the operation's (AWS has no batch:TerminateServiceJobs).
_ACTION_OF_OPERATION = {"TerminateServiceJobs": "TerminateServiceJob"}
_TAG_ACTIONS = {"GET": "ListTagsForResource", "POST": "TagResource", "DELETE": "UntagResource"}


@functools.cache
def _operations() -> dict[str, str]:
    """Operation name by lower-case path segment: the installed model's, and ours."""
    model = botocore.session.get_session().get_service_model("batch")
    names = {name.lower(): name for name in (*model.operation_names, *SERVED)}
    return names


def action_name(segment: str, method: str) -> str:
    """The IAM action (without ``batch:``) of a request to ``/v1/<segment>``."""
    if segment == "tags":
        return _TAG_ACTIONS.get(method.upper(), "TagResource")
    operation = _operations().get(segment.lower(), segment)
    return _ACTION_OF_OPERATION.get(operation, operation)


class AccessDeniedException(JsonRESTError):
    """AWS's refusal of an action the caller's policies do not allow (HTTP 403)."""

    code = 403

    def __init__(self, message: str) -> None:
        super().__init__("AccessDeniedException", message)


class _AuthenticationError(JsonRESTError):
    code = 403


class BatchIAMRequest(IAMRequest):
    """moto's ``IAMRequest`` checking AWS's action name and refusing in AWS's JSON."""

    def __init__(self, **request: Any) -> None:
        path = str(request.get("path") or "")
        segment = path.split("?")[0].strip("/").split("/")
        name = action_name(segment[1] if len(segment) > 1 else "", str(request.get("method")))
        if "action" in request:
            request["action"] = name
        else:  # a moto that reads the action from the request's Action member
            request["data"] = {**(request.get("data") or {}), "Action": name}
        super().__init__(**request)
        self._action = f"{self._service}:{name}"

    def _raise_access_denied(self) -> None:
        moto_error = AccessDeniedError(user_arn=self._access_key.arn, action=self._action)
        raise AccessDeniedException(moto_error.message)

    def _raise_signature_does_not_match(self) -> None:
        message = SignatureDoesNotMatchError().message
        raise _AuthenticationError("InvalidSignatureException", message)

    def _raise_invalid_access_key(self, reason: str) -> None:
        message = InvalidClientTokenIdError().message
        raise _AuthenticationError("UnrecognizedClientException", message)


class AwsActionNames:
    """Mixin for a ``BaseResponse``: authorize with ``BatchIAMRequest``."""

    def _authenticate_and_authorize_normal_action(self, resource: str = "*") -> None:
        self._authenticate_and_authorize_action(BatchIAMRequest, resource)  # type: ignore[attr-defined]
