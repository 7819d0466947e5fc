"""The seam's IAM part: moto's IAM check internals, on every moto generation.

moto checks a request in ``call_action`` through its private
``_authenticate_and_authorize_normal_action`` and ``_authenticate_and_authorize_action``, with
an ``IAMRequest`` whose private ``_raise_*`` hooks refuse (in XML). ``IamCheck`` turns the
first into a hook of the package's (``authorize``); ``JsonIAMRequest`` refuses in AWS's JSON.
Kept apart from ``_moto`` because it loads moto's IAM service.
"""

from __future__ import annotations

from typing import Any

from moto.core.exceptions import (
    AccessDeniedError,
    InvalidClientTokenIdError,
    JsonRESTError,
    SignatureDoesNotMatchError,
)
from moto.core.responses import BaseResponse
from moto.iam.access_control import IAMRequest


class AccessDeniedException(JsonRESTError):
    """AWS's refusal of an action the caller's policies do not allow (HTTP 403, JSON)."""

    code = 403

    def __init__(self, message: str) -> None:
        super().__init__("AccessDeniedException", message)


class _AuthenticationError(JsonRESTError):
    code = 403


class JsonIAMRequest(IAMRequest):
    """moto's ``IAMRequest``, checking the action ``action_of(path, method)`` gives and
    refusing in AWS's JSON (moto refuses in XML). Its ``_raise_*`` hooks are moto's."""

    @staticmethod
    def action_of(path: str, method: str) -> str:
        """The IAM action (without the service) of a request (a subclass says)."""
        raise NotImplementedError

    def __init__(self, **request: Any) -> None:
        name = self.action_of(str(request.get("path") or ""), str(request.get("method")))
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


class IamCheck(BaseResponse):
    """moto's ``BaseResponse`` whose IAM check (moto's private
    ``_authenticate_and_authorize_normal_action``, called by ``call_action``) goes through
    ``authorize``, which a handler class may override."""

    def _authenticate_and_authorize_normal_action(self, resource: str = "*") -> None:
        self.authorize(resource)

    def authorize(self, resource: str) -> None:
        """moto's own IAM check of this request."""
        super()._authenticate_and_authorize_normal_action(resource)

    def authorize_as(self, iam_request: type[IAMRequest], resource: str) -> None:
        """moto's IAM check of this request, by ``iam_request``'s rules."""
        self._authenticate_and_authorize_action(iam_request, resource)
