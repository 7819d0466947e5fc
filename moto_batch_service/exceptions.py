"""The package's errors and the message builders of its refusals.

The package's errors derive from its own base, ``ServiceJobError``, never from a moto class
(moto changed its exception classes in 5.2.6): what a caller catches and reads is the same on
every moto.

- ``ClientException``: a caller error, AWS's ``ClientException`` (HTTP 400), the only client
  error the botocore model lists for these operations. The backend raises it; the request
  handlers hand it to moto as moto's own batch ``ClientException``, which moto serialises
  (``{"__type": "ClientException", "message": ...}``).
- ``ServiceJobHelperError``: a test helper (``add_service_job``, ...) refused its arguments.
- ``IncompatibleMotoError``: the installed moto is one the package cannot extend.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterable

__all__ = [
    "ClientException",
    "IncompatibleMotoError",
    "ServiceJobError",
    "ServiceJobHelperError",
    "cut",
    "invalid_value",
    "missing",
    "not_one_of",
    "shown",
]


class ServiceJobError(Exception):
    """The base of every error the package raises. ``str()`` is the sentence itself."""


class ClientException(ServiceJobError):
    """AWS's ``ClientException``: the request (or a helper's arguments) is wrong.

    ``.message`` is the sentence, ``.code`` AWS's error code (``"ClientException"``, as
    botocore reads it in ``error.response["Error"]["Code"]``), ``.status`` the HTTP status.
    """

    code = "ClientException"
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class ServiceJobHelperError(ClientException):
    """A test helper (``add_service_job``, ...) refused its arguments (a ``ClientException``:
    ``.message`` and ``str()`` are the sentence, ``.code`` is ``"ClientException"``)."""


class IncompatibleMotoError(ServiceJobError, RuntimeError):
    """The installed moto (or botocore) is one the package cannot extend: moto is left as it
    is, and the service-job API is not there. The sentence names the installed moto, the
    newest moto the package was tested with, and what to do."""


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
