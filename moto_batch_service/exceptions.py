"""Errors raised by the service-job backend and the test helpers.

Every caller error is moto's batch ``ClientException`` (HTTP 400,
``{"__type": "ClientException", "message": ...}``), the only client error the
botocore model lists for these operations. The test helpers raise its subclass
``ServiceJobHelperError``, whose ``str()`` is the plain message.
"""

from __future__ import annotations

from collections.abc import Iterable

from moto.batch.exceptions import ClientException

__all__ = [
    "ClientException",
    "ServiceJobHelperError",
    "invalid_value",
    "missing",
    "not_one_of",
]


class ServiceJobHelperError(ClientException):
    """A test helper (``add_service_job``, ...) refused its arguments.

    A ``ClientException`` (``.message``, ``.code`` 400) whose ``str()`` is the sentence
    itself rather than werkzeug's ``400 Bad Request: {"__type": ...}``.
    """

    def __str__(self) -> str:
        return str(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


def missing(member: str) -> ClientException:
    """A required request member is absent or empty."""
    return ClientException(f"{member} must be provided")


def invalid_value(member: str, value: object, why: str) -> ClientException:
    """A request member has a value outside its documented range or form."""
    return ClientException(f"Invalid value for {member} ({value!r}): {why}")


def not_one_of(member: str, value: object, allowed: Iterable[str]) -> ClientException:
    """A request member is not one of its enumerated values."""
    return ClientException(f"{member} {value} must be one of {' | '.join(allowed)}")
