"""Steering service jobs over HTTP, for users of moto's server.

``POST /moto-api/static/batch/service-job-attempts`` with a JSON body::

    {"jobId": "<job ID or ARN>",
     "outcomes": [{"type": "CAPACITY"}, {"type": "FAILED", "reason": "AlgorithmError: oom"},
                  {"type": "SUCCEEDED"}, {"type": "TIMEOUT"}],
     "accountId": "123456789012", "region": "us-east-1"}

plans the job's next attempts like ``plan_service_job_attempts``. ``accountId`` (a
12-digit string) and ``region`` default to the job ARN's, else moto's default account and
us-east-1. Members other than these four, and outcome members other than ``type`` and
(for FAILED) ``reason``, are refused. Answers 201 with ``{}``, or 400 with
``{"__type": "ClientException", "message": ...}``.
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.models import DEFAULT_ACCOUNT_ID

from ..backend import RESET_LOCK
from ..backend.seeding import backend_of, plan_service_job_attempts
from ..exceptions import ClientException, shown
from ..rules.body import MAX_REQUEST, decoded, inflated_by_server, parse_json
from ..rules.outcomes import Outcome, capacity_shortage, fail_attempt, succeed, time_out

OUTCOME_TYPES = ("SUCCEEDED", "FAILED", "CAPACITY", "TIMEOUT")
MEMBERS = ("jobId", "outcomes", "accountId", "region")


def _outcome(raw: Any) -> Outcome:
    if not isinstance(raw, dict) or raw.get("type") not in OUTCOME_TYPES:
        raise ClientException(
            f"Each outcome must be an object whose type is one of {' | '.join(OUTCOME_TYPES)}, "
            f"not {shown(raw)}"
        )
    kind = raw["type"]
    unknown = sorted(set(raw) - ({"type", "reason"} if kind == "FAILED" else {"type"}))
    if unknown:
        raise ClientException(f"A {kind} outcome takes no member {', '.join(unknown)}")
    if kind == "FAILED":
        reason = raw.get("reason")
        if not isinstance(reason, str) or not reason:
            raise ClientException("A FAILED outcome needs a reason, e.g. 'AlgorithmError: oom'")
        return fail_attempt(reason)
    return {"SUCCEEDED": succeed, "CAPACITY": capacity_shortage, "TIMEOUT": time_out}[kind]()


def _raw_body(request: Any) -> bytes:
    """The body as sent, however it came: from a werkzeug request (moto's server, which
    de-chunks a chunked body, and moto's ``mock_aws`` from 5.1 on) or from the ``requests``
    request itself (bytes, a file or an iterable of chunks)."""
    if hasattr(request, "get_data"):
        return bytes(request.get_data())
    raw = getattr(request, "body", None)
    if raw is None:
        return b""
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogatepass")
    if isinstance(raw, (bytes, bytearray)):
        return bytes(raw)
    if hasattr(raw, "read"):
        return bytes(raw.read(MAX_REQUEST + 1))
    chunks = (c.encode("utf-8", "surrogatepass") if isinstance(c, str) else bytes(c) for c in raw)
    return b"".join(chunks)


def _body(request: Any, headers: Any) -> Any:
    encoding = None if inflated_by_server(request) else headers.get("Content-Encoding")
    return parse_json(decoded(_raw_body(request), encoding, MAX_REQUEST) or b"{}")


def plan_attempts(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
    """moto-api handler: plan the outcomes of a service job's next attempts (POST only; any
    other method is answered as moto's own ``/moto-api/reset`` answers one, and changes
    nothing)."""
    if str(getattr(request, "method", "")).upper() != "POST":
        body = json.dumps({"Error": "Need to POST to plan service job attempts"})
        return 400, {"Content-Type": "application/json"}, body
    try:
        try:
            body = _body(request, headers)
        except ValueError:
            raise ClientException("The request body is not valid JSON") from None
        if not isinstance(body, dict):
            raise ClientException("The request body must be a JSON object")
        unknown = sorted(set(body) - set(MEMBERS))
        if unknown:
            raise ClientException(
                f"Unknown member(s) {', '.join(unknown)}: the body takes {', '.join(MEMBERS)}"
            )
        job_id = body.get("jobId")
        outcomes = body.get("outcomes")
        if not isinstance(job_id, str) or not job_id:
            raise ClientException("jobId must be provided")
        if not isinstance(outcomes, list) or not outcomes:
            raise ClientException("outcomes must be a non-empty list")
        account, region = DEFAULT_ACCOUNT_ID, "us-east-1"
        if job_id.startswith("arn:"):
            parts = job_id.split(":")
            if len(parts) >= 6:
                region, account = parts[3], parts[4]
        if body.get("accountId") is not None:
            account = body["accountId"]
        if body.get("region") is not None:
            region = body["region"]
        planned = [_outcome(raw) for raw in outcomes]
        with RESET_LOCK:
            with backend_of(account, region).lock:
                plan_service_job_attempts(job_id, *planned, account_id=account, region_name=region)
    except ClientException as error:
        body = json.dumps({"__type": error.code, "message": error.message})
        return error.status, {"Content-Type": "application/json"}, body
    return 201, {"Content-Type": "application/json"}, "{}"
