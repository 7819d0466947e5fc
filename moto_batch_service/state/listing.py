"""The ListServiceJobs query, its keyset pages and the tokens between them.

A page is a walk backwards (newest first) over the queue's sorted job keys (``job_index``),
from the key before the token's cursor; a JOB_NAME filter walks the name index instead when
that is cheaper. A token is signed (HMAC) for the request that got it: refused if altered,
forged, foreign, or from another server process. Pure rules: nothing here changes a job.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import heapq
import hmac
import json
import secrets
from bisect import bisect_left
from typing import Any, Callable

from ..exceptions import ClientException, cut, invalid_value, missing, not_one_of
from ..rules import validation as check
from ..rules.statuses import RUNNING, STATUSES
from .job_index import JobKey
from .models import ServiceJob, ServiceQueue

DEFAULT_PAGE = 100
# Filters that select jobs of every status (jobStatus is ignored with them) ...
ANY_STATUS_FILTERS = ("JOB_NAME", "BEFORE_CREATED_AT", "AFTER_CREATED_AT")
# ... and filters that combine with jobStatus.
STATUS_FILTERS = ("SHARE_IDENTIFIER", "QUOTA_SHARE_NAME")
LEGACY_FILTERS = ("JOB_STATUS",)
FILTER_NAMES = ANY_STATUS_FILTERS + STATUS_FILTERS + LEGACY_FILTERS
SCAN_COST = 4  # a Python-level step of the key walk, in C-level steps of a list pass


class JobQuery:
    """What one ListServiceJobs request selects, checked; ``fingerprint`` names it in tokens."""

    def __init__(
        self, queue: ServiceQueue | None, job_status: str | None, filters: list[Any] | None
    ):
        self.status: str | None = job_status
        self.predicate: Callable[[ServiceJob], bool] | None = None
        self.name: tuple[str, bool] | None = None  # JOB_NAME: (lower-cased name, is a prefix)
        self.created_after: int | None = None  # keys with created_at > this
        self.created_before: int | None = None  # keys with created_at < this
        name, value = one_filter(filters)
        if name is None:
            self.status = job_status or RUNNING
        elif name in ANY_STATUS_FILTERS:
            self.status = None
            if name == "JOB_NAME":
                wanted = str(value).lower()
                self.name = (wanted[:-1], True) if wanted.endswith("*") else (wanted, False)
            elif name == "BEFORE_CREATED_AT":
                self.created_before = epoch_ms(name, str(value))
            else:
                self.created_after = epoch_ms(name, str(value))
        elif name == "JOB_STATUS":
            if value not in STATUSES:
                raise not_one_of("filters[0].values", value, STATUSES)
            self.status = value
        else:
            attribute = "share_identifier" if name == "SHARE_IDENTIFIER" else "quota_share_name"
            self.predicate = lambda job: getattr(job, attribute) == value
        self.fingerprint = request_fingerprint(
            queue.arn if queue else None, job_status, name, value
        )

    def keys(self, queue: ServiceQueue, before: JobKey | None) -> tuple[list[JobKey], int, int]:
        """The key list to walk and the index range ``[lo, hi)`` of candidates."""
        keys = queue.keys(self.status)
        hi = len(keys) if before is None else bisect_left(keys, before)
        if self.created_before is not None:
            hi = min(hi, bisect_left(keys, (self.created_before, 0)))
        lo = 0
        if self.created_after is not None:
            lo = bisect_left(keys, (self.created_after + 1, 0))
        return keys, lo, hi


def one_filter(filters: list[Any] | None) -> tuple[str | None, str | None]:
    if not filters:
        return None, None
    if len(filters) > 1:
        raise ClientException("Only one filter key-value pair can be specified.")
    entry = filters[0]
    if not isinstance(entry, dict):
        raise ClientException("filters[0] must be an object with a name and values")
    name, values = entry.get("name"), entry.get("values")
    if not isinstance(name, str) or not name:
        raise missing("filters[0].name")
    if name not in FILTER_NAMES:
        raise not_one_of("filters[0].name", name, FILTER_NAMES)
    if not isinstance(values, list) or not values:
        raise ClientException(f"Filter {name} must have exactly one value.")
    if len(values) > 1:
        raise ClientException("Filter cannot take more than one value.")
    value = values[0]
    if not isinstance(value, str) or not value:
        raise invalid_value(f"filters[0].values ({name})", value, "it must be a non-empty string")
    return name, value


def name_matcher(name: str, prefix: bool) -> Callable[[ServiceJob], bool]:
    if prefix:
        return lambda job: job.job_name.lower().startswith(name)
    return lambda job: job.job_name.lower() == name


def epoch_ms(name: str, value: str) -> int:
    """A time filter's value: epoch milliseconds, a decimal ``long`` (at most 2^63 - 1)."""
    digits = value.lstrip("0") if value.isascii() and value.isdigit() else None
    if digits is None or len(digits) > 19 or int(digits or "0") > 2**63 - 1:
        raise invalid_value(
            f"filters[0].values ({name})",
            value,
            "it must be a time in epoch milliseconds",
        )
    return int(digits or "0")


def request_fingerprint(*request: Any) -> str:
    """Names a listing request in its tokens (a token is refused for another request)."""
    return hashlib.sha256(json.dumps(request).encode()).hexdigest()[:16]


def seq_page(
    items: list[Any], limit: int, next_token: str | None, fingerprint: str, request: str
) -> tuple[list[Any], str | None]:
    """A page of ``items`` (in ``seq`` order) after ``next_token``, and the next token."""
    after = decode_token(next_token, fingerprint, request)[1] if next_token else 0
    items = [item for item in items if item.seq > after]
    if len(items) > limit:
        return items[:limit], encode_token((0, items[limit - 1].seq), fingerprint)
    return items, None


# Signs the tokens this process hands out: a token is only accepted as issued, by this
# process (a restarted server refuses the old ones), for the request that got it.
_TOKEN_KEY = secrets.token_bytes(32)


def _token_mac(created_at: int, seq: int, fingerprint: str) -> str:
    message = json.dumps([created_at, seq, fingerprint], separators=(",", ":")).encode()
    return hmac.new(_TOKEN_KEY, message, hashlib.sha256).hexdigest()[:32]


def encode_token(key: JobKey, fingerprint: str) -> str:
    created_at, seq = key
    mac = _token_mac(created_at, seq, fingerprint)
    raw = json.dumps([created_at, seq, fingerprint, mac], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_token(token: str, fingerprint: str, request: str) -> JobKey:
    """The cursor of a token this process issued; refused if altered, forged or foreign."""
    try:
        created_at, seq, issued_for, mac = json.loads(base64.urlsafe_b64decode(token.encode()))
        if not (
            type(created_at) is int
            and type(seq) is int
            and isinstance(issued_for, str)
            and isinstance(mac, str)
            and hmac.compare_digest(mac, _token_mac(created_at, seq, issued_for))
        ):
            raise ValueError(token)
    except (ValueError, TypeError, binascii.Error, RecursionError):
        raise ClientException(f"Invalid nextToken: {cut(token)}") from None
    if issued_for != fingerprint:
        raise ClientException(
            f"Invalid nextToken: it was issued for a different request ({request})"
        )
    return created_at, seq


def job_page(
    queue: ServiceQueue, query: JobQuery, before: JobKey | None, limit: int
) -> tuple[list[ServiceJob], bool]:
    """Up to ``limit`` of the queue's jobs the query selects, newest first, older than
    ``before``; and whether there are more."""
    keys, lo, hi = query.keys(queue, before)
    jobs, predicate = queue.jobs, query.predicate
    if query.name is not None:
        first, last = queue.named(*query.name)
        matches = last - first
        # Walking the keys finds ``limit + 1`` matches after about ``(limit + 1) * span /
        # matches`` steps, each a name check; taking the newest of the matches costs one
        # cheaper pass over all of them. Take whichever is cheaper.
        if matches <= SCAN_COST * (limit + 1) * (hi - lo) / max(matches, 1):
            named = queue.name_keys()[first:last]
            newest = heapq.nlargest(
                limit + 1, (key for key in named if before is None or key < before)
            )
            return [jobs[key] for key in newest[:limit]], len(newest) > limit
        predicate = name_matcher(*query.name)
    page: list[ServiceJob] = []
    for i in range(hi - 1, lo - 1, -1):
        job = jobs[keys[i]]
        if predicate is None or predicate(job):
            if len(page) == limit:
                return page, True
            page.append(job)
    return page, False


def page_size(max_results: int | None) -> int:
    """``maxResults`` checked (1-100), or the default page size."""
    if max_results is None:
        return DEFAULT_PAGE
    check.int_range("maxResults", max_results, 1, 100)
    return max_results
