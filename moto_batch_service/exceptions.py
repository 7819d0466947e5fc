"""Errors raised by the service-job backend and the test helpers.

Every caller error is moto's batch ``ClientException`` (HTTP 400,
``{"__type": "ClientException", "message": ...}``), the only client error the
botocore model lists for these operations. The test helpers raise its subclass
``ServiceJobHelperError``, whose ``str()`` is the plain message.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterable

from moto.batch.exceptions import ClientException

__all__ = [
    "ClientException",
    "ServiceJobHelperError",
    "cut",
    "invalid_value",
    "missing",
    "not_one_of",
    "shown",
]

SHOWN = 100
"""The most characters of a request value an error message echoes."""

_repr = reprlib.Repr()
_repr.maxlevel = 3
_repr.maxstring = _repr.maxother = _repr.maxlong = SHOWN
_repr.maxlist = _repr.maxdict = _repr.maxtuple = _repr.maxset = 6


def cut(text: str, limit: int = SHOWN) -> str:
    """``text``, cut to ``limit`` characters with an ellipsis if it is longer."""
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def shown(value: object) -> str:
    """``repr(value)`` for an error message: at most ``SHOWN`` characters, however long or
    deeply nested the value is."""
    if isinstance(value, str):
        return cut(repr(value[: SHOWN + 1]))
    try:
        if isinstance(value, int):
            return cut(repr(value))
        return cut(_repr.repr(value))
    except ValueError:  # an int too long for Python to write out
        return f"<a {type(value).__name__} too long to show>"


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
    return ClientException(f"Invalid value for {cut(member)} ({shown(value)}): {why}")


def not_one_of(member: str, value: object, allowed: Iterable[str]) -> ClientException:
    """A request member is not one of its enumerated values."""
    text = value if isinstance(value, str) else shown(value)
    return ClientException(f"{cut(member)} {cut(text)} must be one of {' | '.join(allowed)}")
