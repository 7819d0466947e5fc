"""Request bodies before they are parsed: size, gzip encoding, nesting depth, digit count.

Limits (see docs/reliability.md): AWS documents 30 KiB per SubmitServiceJob request and
10 KiB per ``serviceRequestPayload``; every other request this package serves may be at
most 1 MiB, and JSON may nest at most 64 levels deep. A gzip body is inflated piece by
piece and refused as soon as it passes its request's limit.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from typing import Any

from ..exceptions import ClientException, cut, shown

KIB = 1024
MAX_REQUEST = 1024 * KIB
MAX_SUBMIT_REQUEST = 30 * KIB
MAX_PAYLOAD = 10 * KIB
MAX_DEPTH = 64
MAX_DIGITS = 1000  # far past any 64-bit value; Python refuses to convert 4,301 and more

_GZIP = zlib.MAX_WBITS | 16
# A string (one that is not closed runs to the end, so a match never fails and backtracks),
# or a bracket or colon outside strings.
_STRUCTURE = re.compile(r'"(?:[^"\\]|\\[\s\S])*(?:"|\\?\Z)|[\[\]{}:]')


def request_limit(operation: str) -> int:
    """The most bytes a request body of ``operation`` (lower-case, as in the path) may have."""
    return MAX_SUBMIT_REQUEST if operation == "submitservicejob" else MAX_REQUEST


def _size(limit: int) -> str:
    return f"{limit // KIB} KiB"


def inflated_by_server(request: Any) -> bool:
    """Whether moto's server inflated a gzip body before any handler ran (some moto versions,
    5.1.22 and 5.2.1 among them, do in a ``before_request`` hook, without a cap)."""
    return isinstance(getattr(request, "__dict__", {}).get("stream"), gzip.GzipFile)


def decoded(data: bytes, content_encoding: str | None, limit: int) -> bytes:
    """The body as sent, inflated if it is gzip-encoded; refused past ``limit`` bytes."""
    encoding = (content_encoding or "").strip().lower()
    if encoding in ("gzip", "x-gzip"):
        return inflate(data, limit)
    if encoding not in ("", "identity"):
        raise ClientException(
            f"Content-Encoding {shown(content_encoding)} is not supported: send gzip or no encoding"
        )
    if len(data) > limit:
        raise too_large(limit)
    return data


def too_large(limit: int) -> ClientException:
    return ClientException(f"The request body is larger than {_size(limit)}, the most allowed")


def inflate(data: bytes, limit: int) -> bytes:
    """Inflate gzip ``data`` (one member or more) without ever holding more than ``limit + 1``
    bytes of it."""
    out = bytearray()
    rest = data
    while rest.strip(b"\x00"):
        inflater = zlib.decompressobj(_GZIP)
        pending = rest
        try:
            while True:
                chunk = inflater.decompress(pending, limit + 1 - len(out))
                out += chunk
                if len(out) > limit:
                    raise too_large(limit)
                if inflater.eof:
                    break
                pending = inflater.unconsumed_tail
                if not pending and not chunk:
                    raise zlib.error("truncated")
        except zlib.error:
            raise ClientException("The request body is not valid gzip") from None
        rest = inflater.unused_data
    return bytes(out)


def nesting_error(text: str, what: str, limit: int = MAX_DEPTH) -> ClientException | None:
    """A ClientException if the JSON ``text`` nests deeper than ``limit``, naming the top-level
    member that does (``what`` names the text itself: "The request body", a member name)."""
    if text.count("[") + text.count("{") <= limit:  # cannot be deeper (strings counted too)
        return None
    depth = 0
    last = key = None
    for match in _STRUCTURE.finditer(text):
        token = match.group()
        first = token[0]
        if first == '"':
            last = token
        elif first == ":":
            if depth == 1:
                key = last
        elif first in "[{":
            depth += 1
            if depth > limit:
                return ClientException(
                    f"{_member(what, key)} is nested more than {limit} levels deep"
                )
        else:
            depth -= 1
    return None


def _member(what: str, key: str | None) -> str:
    if key is None:
        return what
    try:
        name = json.loads(key)
    except ValueError:
        name = key[1:-1]
    return cut(str(name)) if what == "The request body" else cut(f"{what}.{name}")


def _integer(digits: str) -> int:
    if len(digits) > MAX_DIGITS:
        raise ClientException(
            f"The request body holds a {len(digits)}-digit number; numbers have at most "
            f"{MAX_DIGITS} digits"
        )
    return int(digits)


def parse_json(text: str | bytes, what: str = "The request body") -> Any:
    """``json.loads`` of a request body or member, refusing what nests past ``MAX_DEPTH`` and
    numbers too long to convert. Raises ValueError for text that is not JSON."""
    if isinstance(text, bytes):
        text = text.decode(json.detect_encoding(text), "surrogatepass")
    error = nesting_error(text, what)
    if error is not None:
        raise error
    try:
        return json.loads(text, parse_int=_integer)
    except RecursionError:  # not reached under MAX_DEPTH; kept as a guard
        raise ClientException(f"{what} is nested more than {MAX_DEPTH} levels deep") from None
