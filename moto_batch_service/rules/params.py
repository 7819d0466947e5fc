"""Typed access to a JSON request body.

botocore checks member types before it sends, but the AWS CLI with
``--cli-input-json``, other SDKs and raw HTTP callers need not: a member of the
wrong JSON type is a ``ClientException`` that names it, never a 500.
"""

from __future__ import annotations

from typing import Any, cast

from ..exceptions import ClientException, cut, shown
from .body import parse_json

INT32 = (-(2**31), 2**31 - 1)
"""The range of the model's ``Integer`` members (every integer member of a request)."""

_TYPE_NAMES = {
    str: "a string",
    int: "an integer",
    bool: "a boolean",
    list: "a list",
    dict: "an object",
}


def _type_error(member: str, expected: type, value: Any) -> ClientException:
    return ClientException(
        f"{cut(member)} must be {_TYPE_NAMES[expected]}, not {type(value).__name__} "
        f"({shown(value)})"
    )


class Params:
    """The members of one JSON request body, read with the type the model gives them."""

    def __init__(self, body: str | bytes | None):
        if not body:
            self._data: dict[str, Any] = {}
            return
        try:
            data = parse_json(body)
        except ValueError:
            raise ClientException("The request body is not valid JSON") from None
        if not isinstance(data, dict):
            raise ClientException("The request body must be a JSON object")
        self._data = data

    def _get(self, member: str, expected: type) -> Any:
        value = self._data.get(member)
        if value is None:
            return None
        return check_type(member, value, expected)

    def string(self, member: str) -> str | None:
        return self._get(member, str)  # type: ignore[no-any-return]

    def integer(self, member: str) -> int | None:
        return self._get(member, int)  # type: ignore[no-any-return]

    def array(self, member: str) -> list[Any] | None:
        return self._get(member, list)  # type: ignore[no-any-return]

    def object(self, member: str) -> dict[str, Any] | None:
        return self._get(member, dict)  # type: ignore[no-any-return]

    def strings(self, member: str) -> list[str] | None:
        values = self.array(member)
        if values is not None:
            for i, value in enumerate(values):
                check_type(f"{member}[{i}]", value, str)
        return values

    def string_map(self, member: str) -> dict[str, str] | None:
        mapping = self.object(member)
        if mapping is not None:
            for key, value in mapping.items():
                check_type(f"{member}.{key}", value, str)
        return mapping


def check_type(member: str, value: Any, expected: type) -> Any:
    """Return ``value`` if it has JSON type ``expected``: integers are 32-bit (the model's
    ``Integer``), a float with no fraction counts as one, a bool does not."""
    if expected is int and isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise _type_error(member, expected, value)
    if expected is int and not INT32[0] <= cast(int, value) <= INT32[1]:
        raise ClientException(
            f"{cut(member)} must be a 32-bit integer ({INT32[0]} to {INT32[1]}), not {shown(value)}"
        )
    return value
