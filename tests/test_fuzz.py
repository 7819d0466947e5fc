"""Property-based fuzzing of every operation the package serves, through moto's server app.

Each example builds a fresh store (environments, queues of every kind, jobs in every
status, quota shares, tags, scheduling policies), sends one raw request built from
well-typed but invalid members, random members, wrong JSON types, huge, empty and
unicode strings, long digit strings, integers past 32 and 64 bits, JSON nested past every
limit, forged tokens, non-object bodies or invalid JSON, plain, gzip-encoded (gzip bombs
included) or in an unsupported encoding, under valid and malformed ``batch::service_job``
transitions, and checks:

- no HTTP 5xx;
- a refusal is HTTP 400 ``ClientException`` with a non-empty message, and the store is
  exactly as it was (``tests.store_snapshot``);
- an accepted request answers strict JSON that fits the operation's output shape in the
  installed botocore model (a minimal structure for operations that model lacks), and
  leaves every queue's job index consistent.

Profiles (``HYPOTHESIS_PROFILE``): ``ci`` (default; derandomized) and ``thorough``.
``HYPOTHESIS_PROFILE=thorough python -m pytest tests/test_fuzz.py -q -s`` prints the
examples, accepted and rejected requests per operation at the end of the session.
"""

from __future__ import annotations

import base64
import gzip
import json
import operator
import os
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws
from moto.batch.models import batch_backends
from moto.moto_api import state_manager
from moto.server import create_backend_app

import moto_batch_service as mbs
from moto_batch_service import service_job_backends
from moto_batch_service.rules.operations import PATHS
from tests.conftest import ACCOUNT, PAYLOAD, REGION, START, answer_body
from tests.shape_check import MODEL, check_response
from tests.store_snapshot import index_errors, snapshot

# -- profiles --------------------------------------------------------------------------------

_COMMON: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.large_base_example,
    ],
}
settings.register_profile("ci", max_examples=110, derandomize=True, database=None, **_COMMON)
settings.register_profile("thorough", max_examples=2500, **_COMMON)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
FUZZ = settings.get_profile(PROFILE)

MODEL_NAME = "batch::service_job"
OTHER_REGION = "eu-west-1"
OTHER_ACCOUNT = "111122223333"
ARN = f"arn:aws:batch:{REGION}:{ACCOUNT}"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"

# -- requests --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """A value of the store built for the example (job IDs are random), resolved at send time."""

    kind: str  # "job" | "token" | "forged-token"
    name: str
    form: str = ""


@dataclass(frozen=True)
class Raw:
    """A body sent as these bytes exactly."""

    data: bytes


@dataclass(frozen=True)
class RawJSON:
    """JSON text ``json.dumps`` cannot write (nested past its recursion limit, numbers of
    thousands of digits), placed in a body as it is."""

    text: str


@dataclass(frozen=True)
class Request:
    operation: str
    body: Any  # JSON tree (with Refs and RawJSONs) or Raw; None for no body
    arn: Any = None  # the resource ARN in a tags path
    tag_keys: Any = None  # UntagResource's tagKeys query


def dumps(value: Any) -> str:
    """``json.dumps``, writing each RawJSON's text in its place."""
    fragments: list[str] = []

    def placeholder(item: Any) -> str:
        if not isinstance(item, RawJSON):
            raise TypeError(f"{type(item).__name__} is not JSON")
        fragments.append(item.text)
        return f"\x00raw-json-{len(fragments) - 1}\x00"

    text = json.dumps(value, default=placeholder)
    for i, fragment in enumerate(fragments):
        text = text.replace(json.dumps(f"\x00raw-json-{i}\x00"), fragment, 1)
    return text


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()


def text(min_size: int = 0, max_size: int = 30) -> st.SearchStrategy[str]:
    """Any unicode, lone surrogates included."""
    return st.text(st.characters(exclude_categories=()), min_size=min_size, max_size=max_size)


HUGE = st.builds(
    operator.mul,
    st.sampled_from(["a", "\u00e9", "\U0001f600", "*", "7", "\ud800", "-"]),
    st.integers(129, 100_000),
)
# Integers just past the model's 32-bit Integer, past 64 bits, and floats that are whole.
HUGE_INTEGERS = st.sampled_from([2**31 - 1, 2**31, -(2**31) - 1, 2**63, 10**30, 1e308, -1e308])
# Digit strings: past a 64-bit epoch-ms value, past Python's int-conversion limit (4,300),
# and a small value behind thousands of zeros.
_DIGIT_COUNTS = st.sampled_from([19, 20, 400, 1001, 4301, 6000])
LONG_DIGITS = st.one_of(
    _DIGIT_COUNTS.map(lambda n: "9" * n), _DIGIT_COUNTS.map(lambda n: "0" * n + "1500")
)
# JSON no json.dumps writes: nested past the 64 levels allowed and past Python's recursion
# limit, integers of up to 6,000 digits.
DEEP = st.sampled_from([65, 1000, 3000]).map(lambda depth: RawJSON("[" * depth + "]" * depth))
HUGE_NUMBERS = st.one_of(
    _DIGIT_COUNTS.map(lambda n: RawJSON("9" * n)),
    st.sampled_from([RawJSON("1e999"), RawJSON("-1e999"), RawJSON("1" + "0" * 400 + ".5")]),
)
_PLAIN_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**63),
    HUGE_INTEGERS,
    st.floats(),
    text(),
)
JSON_SCALARS = st.one_of(_PLAIN_SCALARS, LONG_DIGITS, DEEP, HUGE_NUMBERS)


def _json_trees(scalars: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(text(max_size=8), inner, max_size=3)
        ),
        max_leaves=6,
    )


JSON_VALUES = _json_trees(JSON_SCALARS)
PLAIN_JSON_VALUES = _json_trees(_PLAIN_SCALARS)  # what json.dumps and json.loads both take
S = st.SearchStrategy


@dataclass(frozen=True)
class V:
    """How to fuzz one member: ``valid`` values, ``known`` ones (well-typed, valid or not:
    out of range, unknown names, wrong enum values) and ``hostile`` ones (wrong JSON types,
    any unicode, empty and huge strings, random members)."""

    valid: S[Any]
    known: S[Any]
    hostile: S[Any]

    @property
    def any(self) -> S[Any]:
        return st.one_of(self.valid, self.known, self.hostile)


HOSTILE_STRINGS = st.one_of(text(), st.just(""), HUGE, LONG_DIGITS, JSON_VALUES)


def strings(*values: Any, valid: int = 1) -> V:
    """The first ``valid`` of ``values`` are valid."""
    return V(st.sampled_from(values[:valid]), st.sampled_from(values), HOSTILE_STRINGS)


def of(valid: S[Any], known: S[Any] | None = None) -> V:
    return V(valid, valid if known is None else known, JSON_VALUES)


def ints(low: int, high: int, valid: tuple[int, int]) -> V:
    return V(
        st.integers(*valid),
        st.integers(low, high),
        st.one_of(st.integers(), st.floats(), HUGE_INTEGERS, HUGE_NUMBERS, JSON_VALUES),
    )


def lists(item: V, max_size: int, min_size: int = 0) -> V:
    return V(
        st.lists(item.valid, min_size=min_size, max_size=max_size),
        st.lists(st.one_of(item.valid, item.known), min_size=min_size, max_size=max_size),
        st.one_of(st.lists(item.any, max_size=max_size + 1), JSON_VALUES),
    )


def maps(key: V, value: V, max_size: int) -> V:
    """A JSON object: its keys are strings, hostile ones any unicode, empty or huge."""
    keys = st.one_of(key.known, text(), st.just(""), HUGE)
    return V(
        st.dictionaries(key.valid, value.valid, max_size=max_size),
        st.dictionaries(key.known, st.one_of(value.valid, value.known), max_size=max_size),
        st.one_of(st.dictionaries(keys, value.any, max_size=max_size), JSON_VALUES),
    )


def _without_absent(members: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in members.items() if value is not ABSENT}


def _structures(required: dict[str, V], optional: dict[str, V]) -> dict[str, S[Any]]:
    """Structures with these members: ``valid``; ``near`` (valid but for one known value);
    ``mutated`` (valid but for one hostile value, one dropped or one extra member);
    ``wild`` (every member anything, some missing, random extras)."""
    specs = {**required, **optional}
    names = list(specs)
    valid = st.fixed_dictionaries(
        {name: spec.valid for name, spec in required.items()},
        optional={name: spec.valid for name, spec in optional.items()},
    )

    @st.composite
    def near(draw: Any) -> dict[str, Any]:
        body = dict(draw(valid))
        if names:
            name = draw(st.sampled_from(names))
            body[name] = draw(specs[name].known)
        return body

    @st.composite
    def mutated(draw: Any) -> dict[str, Any]:
        body = dict(draw(valid))
        how = draw(st.sampled_from(["replace", "replace", "drop", "extra"]))
        if how == "extra" or not names:
            body[draw(text(max_size=12))] = draw(JSON_VALUES)
        elif how == "drop":
            body.pop(draw(st.sampled_from(names)), None)
        else:
            name = draw(st.sampled_from(names))
            body[name] = draw(specs[name].hostile)
        return body

    wild = st.tuples(
        st.fixed_dictionaries(
            {name: st.one_of(spec.any, st.just(ABSENT)) for name, spec in required.items()},
            optional={name: spec.any for name, spec in optional.items()},
        ).map(_without_absent),
        st.dictionaries(
            st.one_of(text(max_size=12), st.sampled_from(names or [""])), JSON_VALUES, max_size=2
        ),
    ).map(lambda pair: {**pair[0], **pair[1]})
    return {"valid": valid, "near": near(), "mutated": mutated(), "wild": wild}


def obj(required: dict[str, V], optional: dict[str, V] | None = None) -> V:
    kinds = _structures(required, optional or {})
    return V(
        kinds["valid"],
        kinds["near"],
        st.one_of(kinds["mutated"], kinds["mutated"], kinds["wild"], JSON_VALUES),
    )


NON_OBJECT = JSON_VALUES.filter(lambda v: not isinstance(v, dict)).map(
    lambda v: Raw(dumps(v).encode())
)
INVALID_JSON = st.one_of(
    st.binary(max_size=40),
    st.sampled_from(
        [
            b"{",
            b'{"jobQueue": "queue"',
            b"\xff\xfe not utf-8",
            b"{'jobQueue': 'queue'}",
            b"[1,",
            b"nul",
            b'{"a": 1}{"b": 2}',
            b"\x00",
            b"   ",
            b'{"maxResults": 1' + b"0" * 5000 + b"}",
        ]
    ),
).map(Raw)


def bodies(required: dict[str, V], optional: dict[str, V] | None = None) -> S[Any]:
    """A request body: valid, near-valid, mutated, wild, not an object, or not JSON."""
    kinds = _structures(required, optional or {})
    valid, near, mutated = kinds["valid"], kinds["near"], kinds["mutated"]
    return st.one_of(
        valid, valid, valid, near, near, mutated, mutated, kinds["wild"], NON_OBJECT, INVALID_JSON
    )


# -- member values ---------------------------------------------------------------------------

ENV_IDS = strings(
    "env",
    "env-off",
    "quota-env",
    f"{ARN}:service-environment/env",
    "new-env",
    "Env",
    f"arn:aws:batch:{OTHER_REGION}:{ACCOUNT}:service-environment/env",
    f"{ARN}:job-queue/queue",
    valid=4,
)
_QUEUES = (
    "queue",
    "fair",
    "quota",
    f"{ARN}:job-queue/queue",
    "off",
    "new-queue",
    "Queue",
    "env",
    f"arn:aws:batch:{REGION}:{OTHER_ACCOUNT}:job-queue/queue",
    f"{ARN}:service-environment/env",
)
QUEUE_IDS = strings(*_QUEUES, valid=4)
ANY_QUEUE_IDS = strings(*_QUEUES, "container", f"{ARN}:job-queue/container", valid=4)
SHARE_ARNS = strings(
    f"{ARN}:job-queue/quota/quota-share/share",
    f"{ARN}:job-queue/quota/quota-share/share-off",
    f"{ARN}:job-queue/quota/quota-share/nope",
    f"{ARN}:job-queue/queue/quota-share/share",
    f"arn:aws:batch:{OTHER_REGION}:{ACCOUNT}:job-queue/quota/quota-share/share",
    "share",
    valid=2,
)
POLICY_ARNS = strings(
    f"{ARN}:scheduling-policy/quota-policy",
    f"{ARN}:scheduling-policy/fair-policy",
    f"{ARN}:scheduling-policy/nope",
    f"arn:aws:batch:{OTHER_REGION}:{ACCOUNT}:scheduling-policy/quota-policy",
    valid=2,
)
JOBS = (
    "run0",
    "run1",
    "run2",
    "submitted",
    "runnable",
    "scheduled",
    "failed",
    "succeeded",
    "managed",
    "due",
    "big",
    "infinite",
    "stopping",
    "fair-job",
    "fair-managed",
    "quota-job",
    "off-job",
)
_JOB_REFS = st.builds(Ref, st.just("job"), st.sampled_from(JOBS), st.sampled_from(["id", "arn"]))
JOB_IDS = V(
    _JOB_REFS,
    st.one_of(
        st.builds(
            Ref,
            st.just("job"),
            st.sampled_from(JOBS),
            st.sampled_from(["upper", "truncated", "other-region", "other-account", "kind"]),
        ),
        st.sampled_from([UNKNOWN_ID, f"{ARN}:service-job/{UNKNOWN_ID}"]),
    ),
    HOSTILE_STRINGS,
)
TOKEN_NAMES = ("run", "name", "env", "share")


def tokens(*valid: str) -> V:
    """nextToken: a real token of this listing; another listing's, altered or forged ones;
    base64 of random JSON; any string."""
    return V(
        st.builds(Ref, st.just("token"), st.sampled_from(valid), st.just("as-is")),
        st.one_of(
            st.builds(
                Ref,
                st.just("token"),
                st.sampled_from(TOKEN_NAMES),
                st.sampled_from(
                    [
                        "as-is",
                        "truncated",
                        "other-fingerprint",
                        "huge-key",
                        "bool-key",
                        "string-key",
                        "float-key",
                        "zero-key",
                        "padded",
                        "not-base64",
                    ]
                ),
            ),
            st.builds(
                Ref,
                st.just("forged-token"),
                st.sampled_from(TOKEN_NAMES),
                st.lists(PLAIN_JSON_VALUES, max_size=4).map(json.dumps),
            ),
        ),
        st.one_of(
            st.lists(JSON_VALUES, max_size=4).map(
                lambda v: base64.urlsafe_b64encode(dumps(v).encode()).decode()
            ),
            HOSTILE_STRINGS,
        ),
    )


PAGE_SIZES = ints(-1, 102, valid=(1, 100))
STATES = strings("ENABLED", "DISABLED", "enabled", "", valid=2)
JOB_STATUSES = strings(*mbs.ServiceJobStatus.values(), "running", valid=8)
PRIORITIES = ints(-2, 10_001, valid=(0, 9999))
CAPACITY_LIMITS = lists(
    obj(
        {
            "maxCapacity": ints(-2, 12, valid=(1, 12)),
            "capacityUnit": strings("NUM_INSTANCES", "ml.m5.large", "ml.M5.large", "m5.large"),
        }
    ),
    min_size=1,
    max_size=2,
)
TAG_MAPS = maps(
    strings("team", "k", "aws:reserved", "AWS:x", "x" * 129, valid=2),
    strings("a", "", "v" * 257, valid=2),
    3,
)
TAG_MAPS = V(
    TAG_MAPS.valid,
    st.one_of(TAG_MAPS.known, st.just({f"k{i}": "v" for i in range(51)})),
    TAG_MAPS.hostile,
)

NON_EMPTY_TAG_MAPS = st.dictionaries(
    st.sampled_from(["team", "k"]), st.sampled_from(["a", ""]), min_size=1, max_size=2
)


def _payload(**resources: Any) -> str:
    return json.dumps({"TrainingJobName": "t", "ResourceConfig": resources})


PAYLOADS = V(
    st.sampled_from(
        [
            PAYLOAD,
            "{}",
            "not json",
            _payload(InstanceType="ml.m5.large", InstanceCount=3),
            _payload(InstanceType="ml.m5.large", InstanceCount=50),
            _payload(InstanceType="ml.m5.large", InstanceCount=float("inf")),
            _payload(InstanceType="ml.m5.large", InstanceCount=float("nan")),
            _payload(InstanceType="ml.g5.xlarge", InstanceCount=1e308),
            _payload(InstanceType="ml.g5.xlarge", InstanceCount=10**400),
            _payload(InstanceGroups=[{"InstanceType": "ml.m5.large", "InstanceCount": 1e308}] * 2),
            _payload(
                InstanceGroups=[
                    {"InstanceType": "ml.m5.large", "InstanceCount": 1},
                    {"InstanceType": "ml.g5.xlarge", "InstanceCount": 2},
                    "junk",
                ]
            ),
        ]
    ),
    JSON_VALUES.map(dumps),
    HOSTILE_STRINGS,
)
SERVICE_ORDER = lists(
    obj({"order": ints(-1, 3, valid=(1, 1)), "serviceEnvironment": ENV_IDS}),
    min_size=1,
    max_size=1,
)
SERVICE_ORDER = V(
    SERVICE_ORDER.valid,
    st.one_of(
        SERVICE_ORDER.known,
        st.just([]),
        st.just(
            [{"order": 1, "serviceEnvironment": "env"}, {"order": 1, "serviceEnvironment": "env"}]
        ),
        st.just(
            [
                {"order": 2, "serviceEnvironment": "env"},
                {"order": 1, "serviceEnvironment": "env-off"},
            ]
        ),
    ),
    SERVICE_ORDER.hostile,
)
TIME_LIMIT_ACTIONS = lists(
    obj(
        {
            "reason": strings(
                "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
                "MISCONFIGURATION:SERVICE_ENVIRONMENT_MAX_RESOURCE",
                "MISCONFIGURATION:QUOTA_MANAGEMENT_LIMIT_EXCEEDED",
                "OTHER",
                valid=3,
            ),
            "state": strings("RUNNABLE", "SUBMITTED"),
            "maxTimeSeconds": ints(0, 90_000, valid=(600, 86_400)),
            "action": strings("TERMINATE", "CANCEL"),
        }
    ),
    max_size=2,
)
RESOURCE_SHARING = obj(
    {"strategy": strings("LEND_AND_BORROW", "RESERVE", "LEND", "lend", valid=3)},
    {"borrowLimit": ints(-3, 200, valid=(-1, 200))},
)
SHARE_PREEMPTION = obj({"inSharePreemption": strings("ENABLED", "DISABLED", "on", valid=2)})
QUOTA_SHARE_POLICY = obj({"idleResourceAssignmentStrategy": strings("FIFO", "fifo", "LIFO")})
FILTER = obj(
    {
        "name": strings(
            "JOB_NAME",
            "BEFORE_CREATED_AT",
            "AFTER_CREATED_AT",
            "SHARE_IDENTIFIER",
            "QUOTA_SHARE_NAME",
            "JOB_STATUS",
            "job_name",
            "JOB_QUEUE",
            valid=6,
        ),
        "values": lists(
            strings(
                "*",
                "run*",
                "RUN0",
                "1500",
                "1001",
                "blue",
                "share",
                "RUNNING",
                "\u0661\u0662",
                "a*b",
                str(2**63),
                "9" * 4301,
                "0" * 5000 + "1500",
                valid=8,
            ),
            min_size=1,
            max_size=1,
        ),
    }
)
FILTERS = V(
    st.lists(FILTER.valid, max_size=1),
    st.one_of(
        st.lists(st.one_of(FILTER.valid, FILTER.known), max_size=1),
        st.lists(FILTER.valid, min_size=2, max_size=3),
    ),
    st.one_of(st.lists(FILTER.any, max_size=3), JSON_VALUES),
)
SHARE_ATTRIBUTES = obj(
    {"shareIdentifier": strings("blue", "UserA*", "team-a", "a" * 256, "*", "", valid=2)},
    {
        "weightFactor": V(
            st.floats(0.0001, 999.9999),
            st.floats(-10, 2000, allow_nan=False, allow_infinity=False),
            JSON_VALUES,
        )
    },
)
FAIRSHARE = obj(
    {},
    {
        "shareDecaySeconds": ints(-10, 700_000, (0, 604_800)),
        "computeReservation": ints(-1, 200, (0, 99)),
        "shareDistribution": lists(SHARE_ATTRIBUTES, 3),
    },
)
CONTAINER_ORDER = V(st.just([]), st.just([]), st.lists(JSON_VALUES, min_size=1, max_size=2))
TAG_ARNS = st.one_of(
    st.sampled_from(
        [
            f"{ARN}:service-environment/env",
            f"{ARN}:service-environment/quota-env",
            f"{ARN}:service-environment/nope",
            f"arn:aws:batch:{OTHER_REGION}:{ACCOUNT}:service-environment/env",
            f"{ARN}:job-queue/queue",
            f"{ARN}:job-queue/fair",
            f"{ARN}:job-queue/quota",
            f"{ARN}:job-queue/quota/quota-share/share",
            f"{ARN}:job-queue/quota/quota-share/nope",
            f"{ARN}:service-job/{UNKNOWN_ID}",
        ]
    ),
    st.builds(Ref, st.just("job"), st.sampled_from(JOBS), st.just("arn")),
    st.builds(Ref, st.just("job"), st.sampled_from(JOBS), st.just("arn")),
    st.builds(
        "{}:{}/{}".format,
        st.just(ARN),
        st.sampled_from(["service-job", "service-environment"]),
        text(min_size=1),
    ),
).filter(lambda arn: isinstance(arn, Ref) or (all(arn.split("/")) and arn.count("/") <= 3))
TAG_KEYS = st.one_of(
    st.lists(st.sampled_from(["team", "k", "t", "aws:reserved"]), min_size=1, max_size=3),
    st.lists(st.one_of(text(), HUGE), max_size=3),
    st.just([f"k{i}" for i in range(51)]),
    st.none(),
)

_SUBMIT: dict[str, V] = {
    "retryStrategy": obj(
        {"attempts": ints(-1, 12, valid=(1, 10))},
        {
            "evaluateOnExit": lists(
                obj(
                    {"action": strings("RETRY", "exit", "Retry", "STOP", valid=3)},
                    {
                        "onStatusReason": strings(
                            "*", "AlgorithmError*", "x" * 513, "tab\t", valid=2
                        )
                    },
                ),
                max_size=2,
            )
        },
    ),
    "schedulingPriority": PRIORITIES,
    "shareIdentifier": strings("blue", "green", "blue*", valid=3),
    "quotaShareName": strings("share", "share-off", "nope"),
    "preemptionConfiguration": obj(
        {}, {"preemptionRetriesBeforeTermination": ints(-2, 5, valid=(0, 5))}
    ),
    "timeoutConfig": obj({}, {"attemptDurationSeconds": ints(0, 200, valid=(60, 200))}),
    "tags": TAG_MAPS,
    "clientToken": strings("token-2", "token-1", "t" * 65, valid=2),
}


def requests(operation: str, body: S[Any]) -> S[Request]:
    return st.builds(Request, st.just(operation), body)


def bulk_bodies(reasons: tuple[str, ...], *also_known: S[Any]) -> S[Any]:
    """Bodies of a bulk terminate or cancel: 1 to 4 job ids, or a known refusal (no jobs, a
    list past the 50-job limit, ``also_known``), or hostile lists; a reason of ``reasons``."""
    return bodies(
        {
            "jobs": V(
                lists(JOB_IDS, min_size=1, max_size=4).valid,
                st.one_of(
                    lists(JOB_IDS, min_size=1, max_size=4).known,
                    st.just([]),
                    *also_known,
                    st.integers(49, 52).map(lambda n: [UNKNOWN_ID] * n),
                ),
                lists(JOB_IDS, max_size=4).hostile,
            ),
            "reason": strings(*reasons),
        }
    )


def _with(members: dict[str, Any]) -> Callable[[Request], Request]:
    def add(request: Request) -> Request:
        return Request(request.operation, {**members, **request.body})

    return add


def tag_requests(operation: str, body: S[Any], tag_keys: S[Any]) -> S[Request]:
    return st.builds(Request, st.just(operation), body, TAG_ARNS, tag_keys)


def continuing(operation: str, token: str, request: dict[str, V]) -> S[Request]:
    """The next page of the listing the store's ``token`` was issued for."""
    body = st.fixed_dictionaries(
        {"nextToken": st.just(Ref("token", token, "as-is"))},
        optional={name: spec.valid for name, spec in request.items()},
    )
    return st.builds(Request, st.just(operation), body)


def one_page(n: int) -> V:
    return ints(1, 3, valid=(1, n))


CONTINUATIONS: dict[str, S[Request]] = {
    "DescribeServiceEnvironments": continuing(
        "DescribeServiceEnvironments", "env", {"maxResults": one_page(3)}
    ),
    "ListServiceJobs": st.one_of(
        continuing(
            "ListServiceJobs",
            "run",
            {"jobQueue": strings("queue", f"{ARN}:job-queue/queue", valid=2)},
        ).map(_with({"jobStatus": "RUNNING"})),
        continuing("ListServiceJobs", "name", {"maxResults": one_page(3)}).map(
            _with({"jobQueue": "queue", "filters": [{"name": "JOB_NAME", "values": ["run*"]}]})
        ),
    ),
    "ListQuotaShares": continuing("ListQuotaShares", "share", {"maxResults": one_page(2)}).map(
        _with({"jobQueue": "quota"})
    ),
}

REQUESTS: dict[str, S[Request]] = {
    "CreateServiceEnvironment": requests(
        "CreateServiceEnvironment",
        bodies(
            {
                "serviceEnvironmentName": strings("new-env", "env", "bad name", "x" * 129),
                "serviceEnvironmentType": strings("SAGEMAKER_TRAINING", "ECS"),
                "capacityLimits": CAPACITY_LIMITS,
            },
            {"state": STATES, "tags": TAG_MAPS},
        ),
    ),
    "DescribeServiceEnvironments": requests(
        "DescribeServiceEnvironments",
        bodies(
            {},
            {
                "serviceEnvironments": lists(ENV_IDS, max_size=3),
                "maxResults": PAGE_SIZES,
                "nextToken": tokens("env"),
            },
        ),
    ),
    "UpdateServiceEnvironment": requests(
        "UpdateServiceEnvironment",
        bodies(
            {"serviceEnvironment": ENV_IDS}, {"state": STATES, "capacityLimits": CAPACITY_LIMITS}
        ),
    ),
    "DeleteServiceEnvironment": requests(
        "DeleteServiceEnvironment", bodies({"serviceEnvironment": ENV_IDS})
    ),
    "SubmitServiceJob": requests(
        "SubmitServiceJob",
        bodies(
            {
                "jobName": strings("job", "run0", "bad name", "x" * 129, valid=2),
                "jobQueue": ANY_QUEUE_IDS,
                "serviceJobType": strings("SAGEMAKER_TRAINING", "CONTAINER"),
                "serviceRequestPayload": PAYLOADS,
            },
            _SUBMIT,
        ),
    ),
    "DescribeServiceJob": requests("DescribeServiceJob", bodies({"jobId": JOB_IDS})),
    "ListServiceJobs": requests(
        "ListServiceJobs",
        bodies(
            {"jobQueue": ANY_QUEUE_IDS},
            {
                "jobStatus": JOB_STATUSES,
                "filters": FILTERS,
                "maxResults": PAGE_SIZES,
                "nextToken": tokens("run", "name"),
            },
        ),
    ),
    "TerminateServiceJob": requests(
        "TerminateServiceJob", bodies({"jobId": JOB_IDS, "reason": strings("stop", "x" * 1025)})
    ),
    "TerminateServiceJobs": requests("TerminateServiceJobs", bulk_bodies(("stop", "x" * 1025))),
    # moto's container-job operations and their bulk forms (no container job exists here).
    **{
        operation: requests(
            operation, bodies({"jobId": JOB_IDS, "reason": strings("stop", "x" * 1025)})
        )
        for operation in ("TerminateJob", "CancelJob")
    },
    **{
        operation: requests(operation, bulk_bodies(("stop", "", "x" * 1025), st.just([""])))
        for operation in ("TerminateJobs", "CancelJobs")
    },
    "UpdateServiceJob": requests(
        "UpdateServiceJob", bodies({"jobId": JOB_IDS, "schedulingPriority": PRIORITIES})
    ),
    "GetJobQueueSnapshot": requests("GetJobQueueSnapshot", bodies({"jobQueue": ANY_QUEUE_IDS})),
    "CreateQuotaShare": requests(
        "CreateQuotaShare",
        bodies(
            {
                "quotaShareName": strings("new-share", "share", "bad name"),
                "jobQueue": strings("quota", f"{ARN}:job-queue/quota", "queue", "nope", valid=2),
                "capacityLimits": lists(
                    obj(
                        {
                            "maxCapacity": ints(-1, 5, valid=(1, 5)),
                            "capacityUnit": strings(
                                "ml.m5.large", "ml.g5.xlarge", "NUM_INSTANCES", valid=2
                            ),
                        }
                    ),
                    min_size=1,
                    max_size=1,
                ),
                "resourceSharingConfiguration": RESOURCE_SHARING,
                "preemptionConfiguration": SHARE_PREEMPTION,
            },
            {"state": STATES, "tags": TAG_MAPS},
        ),
    ),
    "DescribeQuotaShare": requests("DescribeQuotaShare", bodies({"quotaShareArn": SHARE_ARNS})),
    "ListQuotaShares": requests(
        "ListQuotaShares",
        bodies(
            {"jobQueue": strings("quota", f"{ARN}:job-queue/quota", "queue", "nope", valid=2)},
            {"maxResults": PAGE_SIZES, "nextToken": tokens("share")},
        ),
    ),
    "UpdateQuotaShare": requests(
        "UpdateQuotaShare",
        bodies(
            {"quotaShareArn": SHARE_ARNS},
            {
                "capacityLimits": CAPACITY_LIMITS,
                "resourceSharingConfiguration": RESOURCE_SHARING,
                "preemptionConfiguration": SHARE_PREEMPTION,
                "state": STATES,
            },
        ),
    ),
    "DeleteQuotaShare": requests("DeleteQuotaShare", bodies({"quotaShareArn": SHARE_ARNS})),
    # moto's job-queue, tag and scheduling-policy operations, with SAGEMAKER_TRAINING bodies.
    "CreateJobQueue": requests(
        "CreateJobQueue",
        bodies(
            {
                "jobQueueName": strings("new-queue", "queue", "container", "env", "bad name"),
                "priority": ints(-1, 1001, valid=(0, 1000)),
                "jobQueueType": of(st.just("SAGEMAKER_TRAINING")),
                "serviceEnvironmentOrder": SERVICE_ORDER,
            },
            {
                "state": STATES,
                "schedulingPolicyArn": POLICY_ARNS,
                "jobStateTimeLimitActions": TIME_LIMIT_ACTIONS,
                "computeEnvironmentOrder": CONTAINER_ORDER,
                "tags": TAG_MAPS,
            },
        ),
    ),
    "DescribeJobQueues": requests(
        "DescribeJobQueues", bodies({}, {"jobQueues": lists(ANY_QUEUE_IDS, max_size=3)})
    ),
    "UpdateJobQueue": requests(
        "UpdateJobQueue",
        bodies(
            {"jobQueue": QUEUE_IDS},
            {
                "priority": ints(-1, 1001, valid=(0, 1000)),
                "state": STATES,
                "serviceEnvironmentOrder": SERVICE_ORDER,
                "computeEnvironmentOrder": CONTAINER_ORDER,
                "schedulingPolicyArn": POLICY_ARNS,
                "jobStateTimeLimitActions": TIME_LIMIT_ACTIONS,
            },
        ),
    ),
    "DeleteJobQueue": requests(
        "DeleteJobQueue",
        bodies({"jobQueue": strings("off", f"{ARN}:job-queue/off", *_QUEUES, valid=2)}),
    ),
    "TagResource": tag_requests(
        "TagResource",
        bodies({"tags": V(NON_EMPTY_TAG_MAPS, TAG_MAPS.known, TAG_MAPS.hostile)}),
        st.none(),
    ),
    "UntagResource": tag_requests("UntagResource", st.none(), TAG_KEYS),
    "ListTagsForResource": tag_requests("ListTagsForResource", st.none(), st.none()),
    "CreateSchedulingPolicy": requests(
        "CreateSchedulingPolicy",
        bodies(
            {
                "name": strings("new-policy", "fair-policy", "quota-policy"),
                "quotaSharePolicy": QUOTA_SHARE_POLICY,
            },
            {"tags": TAG_MAPS, "fairsharePolicy": FAIRSHARE},
        ),
    ),
    "DescribeSchedulingPolicies": requests(
        "DescribeSchedulingPolicies", bodies({"arns": lists(POLICY_ARNS, max_size=3)})
    ),
    "UpdateSchedulingPolicy": requests(
        "UpdateSchedulingPolicy",
        bodies(
            {"arn": POLICY_ARNS, "quotaSharePolicy": QUOTA_SHARE_POLICY},
            {"fairsharePolicy": FAIRSHARE},
        ),
    ),
    "DeleteSchedulingPolicy": requests("DeleteSchedulingPolicy", bodies({"arn": POLICY_ARNS})),
}
for _operation, _continuation in CONTINUATIONS.items():
    REQUESTS[_operation] = st.one_of(REQUESTS[_operation], _continuation)
TAG_OPERATIONS = {"TagResource": "POST", "UntagResource": "DELETE", "ListTagsForResource": "GET"}


# -- the store every example starts from -----------------------------------------------------


def _decode(token: str) -> list[Any]:
    return json.loads(base64.urlsafe_b64decode(token.encode()))  # type: ignore[no-any-return]


def _encode(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


class World:
    """Builds the store of the default account and region; resolves ``Ref``s against it."""

    def __init__(self) -> None:
        backend = service_job_backends[ACCOUNT][REGION]
        batch = batch_backends[ACCOUNT][REGION]
        fair = batch.create_scheduling_policy(
            "fair-policy",
            {"shareDistribution": [{"shareIdentifier": "blue", "weightFactor": 1.0}]},
            {},
        )
        quota_policy = batch.create_scheduling_policy("quota-policy", {}, {"k": "v"})
        backend.create_quota_policy(quota_policy.arn, {"idleResourceAssignmentStrategy": "FIFO"})
        role = batch.iam_backend.create_role(
            role_name="batch-role",
            assume_role_policy_document="{}",
            path="/",
            permissions_boundary=None,
            description="",
            tags=[],
            max_session_duration="3600",
        )
        compute = batch.create_compute_environment(
            "container-ce", "UNMANAGED", "ENABLED", None, role.arn
        )
        batch.create_job_queue(
            "container", 1, None, "ENABLED", [{"order": 1, "computeEnvironment": compute.arn}]
        )
        sagemaker = "SAGEMAKER_TRAINING"
        backend.create_service_environment(
            "env",
            sagemaker,
            "ENABLED",
            [{"capacityUnit": "NUM_INSTANCES", "maxCapacity": 10}],
            {"team": "a"},
        )
        backend.create_service_environment(
            "env-off",
            sagemaker,
            "DISABLED",
            [{"capacityUnit": "NUM_INSTANCES", "maxCapacity": 1}],
            None,
        )
        backend.create_service_environment(
            "quota-env",
            sagemaker,
            "ENABLED",
            [
                {"capacityUnit": "ml.m5.large", "maxCapacity": 4},
                {"capacityUnit": "ml.g5.xlarge", "maxCapacity": 2},
            ],
            None,
        )

        def order(env: str) -> list[dict[str, Any]]:
            return [{"order": 1, "serviceEnvironment": env}]

        limit = {
            "reason": "MISCONFIGURATION:SERVICE_ENVIRONMENT_MAX_RESOURCE",
            "state": "RUNNABLE",
            "maxTimeSeconds": 600,
            "action": "TERMINATE",
        }
        backend.create_job_queue(
            "queue", 10, "ENABLED", order("env"), None, None, [limit], {"t": "q"}
        )
        backend.create_job_queue("fair", 5, "ENABLED", order("env"), None, fair.arn, None, None)
        backend.create_job_queue(
            "quota", 1, "ENABLED", order("quota-env"), None, quota_policy.arn, None, None
        )
        backend.create_job_queue("off", 1, "DISABLED", order("env"), None, None, None, None)
        backend.create_quota_share(
            "share",
            "quota",
            [{"capacityUnit": "ml.m5.large", "maxCapacity": 2}],
            {"strategy": "LEND_AND_BORROW", "borrowLimit": 50},
            {"inSharePreemption": "ENABLED"},
            "ENABLED",
            {"k": "v"},
        )
        backend.create_quota_share(
            "share-off",
            "quota",
            [{"capacityUnit": "ml.g5.xlarge", "maxCapacity": 1}],
            {"strategy": "RESERVE"},
            {"inSharePreemption": "DISABLED"},
            "DISABLED",
            None,
        )

        def submit(name: str, queue: str, payload: str = PAYLOAD, **extra: Any) -> Any:
            return backend.submit_service_job(
                job_name=name,
                job_queue=queue,
                service_job_type=sagemaker,
                service_request_payload=payload,
                **extra,
            )

        jobs = {
            f"run{i}": mbs.add_service_job(
                "queue", f"run{i}", status="RUNNING", created_at=START + 1000 + i
            )
            for i in range(3)
        }
        for i, status in enumerate(("SUBMITTED", "RUNNABLE", "SCHEDULED", "FAILED", "SUCCEEDED")):
            jobs[status.lower()] = mbs.add_service_job(
                "queue", status.lower(), status=status, created_at=START + 2000 + i, tags={"t": "j"}
            )
        jobs["stopping"] = mbs.add_service_job(
            "queue", "stopping", status="RUNNING", created_at=START + 3000
        )
        jobs["fair-job"] = mbs.add_service_job(
            "fair", "fair-job", status="RUNNING", share_identifier="blue", created_at=START + 3001
        )
        jobs["off-job"] = mbs.add_service_job(
            "off", "off-job", status="SUBMITTED", created_at=START + 3002
        )
        jobs["managed"] = submit(
            "managed",
            "queue",
            client_token="token-1",
            tags={"team": "a"},
            retry_strategy={"attempts": 2, "evaluateOnExit": [{"action": "RETRY"}]},
        )
        jobs["due"] = submit("due", "queue")
        jobs["big"] = submit("big", "queue", _payload(InstanceType="ml.m5.large", InstanceCount=50))
        jobs["infinite"] = submit(
            "infinite", "queue", _payload(InstanceType="ml.m5.large", InstanceCount=float("inf"))
        )
        jobs["fair-managed"] = submit("fair-managed", "fair", share_identifier="blue")
        jobs["quota-job"] = submit(
            "quota-job",
            "quota",
            _payload(InstanceType="ml.m5.large", InstanceCount=1),
            quota_share_name="share",
        )
        self.tokens = {
            "run": backend.list_service_jobs("queue", "RUNNING", None, 1, None)[1],
            "name": backend.list_service_jobs(
                "queue", None, [{"name": "JOB_NAME", "values": ["run*"]}], 1, None
            )[1],
            "env": backend.describe_service_environments(None, 1, None)[1],
            "share": backend.list_quota_shares("quota", 1, None)[1],
        }
        backend.terminate_service_job(jobs["stopping"].job_id, "stop it")  # FAILED at next read
        backend.describe_service_job(jobs["due"].job_id)  # looked at once: due for a step
        self.jobs = jobs

    def resolve(self, value: Any) -> Any:
        if isinstance(value, Ref):
            return self._ref(value)
        if isinstance(value, dict):
            return {key: self.resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        return value

    def _ref(self, ref: Ref) -> str:
        if ref.kind == "job":
            job = self.jobs[ref.name]
            forms: dict[str, Callable[[], str]] = {
                "id": lambda: job.job_id,
                "arn": lambda: job.job_arn,
                "upper": lambda: job.job_id.upper(),
                "truncated": lambda: job.job_id[:-1],
                "other-region": lambda: job.job_arn.replace(REGION, OTHER_REGION),
                "other-account": lambda: job.job_arn.replace(ACCOUNT, OTHER_ACCOUNT),
                "kind": lambda: job.job_arn.replace(":service-job/", ":service-environment/"),
            }
            return forms[ref.form]()
        token = self.tokens[ref.name]
        assert token is not None, f"the store gave no {ref.name} token"
        created_at, seq, fingerprint, signature = _decode(token)
        if ref.kind == "forged-token":
            return _encode([*json.loads(ref.form), fingerprint])
        other = _decode(self.tokens["name" if ref.name == "run" else "run"])[2]
        forms = {
            "as-is": lambda: token,
            "truncated": lambda: token[: len(token) // 2],
            "other-fingerprint": lambda: _encode([created_at, seq, other, signature]),
            "huge-key": lambda: _encode([10**30, 10**30, fingerprint, signature]),
            "bool-key": lambda: _encode([True, True, fingerprint, signature]),
            "string-key": lambda: _encode([str(created_at), seq, fingerprint, signature]),
            "float-key": lambda: _encode([created_at + 0.5, seq, fingerprint, signature]),
            "zero-key": lambda: _encode([0, 0, fingerprint, signature]),
            "padded": lambda: token + "==",
            "not-base64": lambda: "!" + token,
        }
        return forms[ref.form]()


# -- one exchange ----------------------------------------------------------------------------

COUNTS: dict[str, Counter[str]] = defaultdict(Counter)


# How a body is sent: as it is, gzip-encoded, gzip-encoded and inflating past 1 MiB (padded
# with JSON whitespace), or with an encoding nobody serves. (A body that says gzip but is not
# is left out: moto's server, up to 5.2.1, fails on it before any handler runs.)
ENCODINGS = st.sampled_from([None, None, None, None, "gzip", "gzip-bomb", "br"])
# Malformed transitions next to valid ones (None: the default, manual once).
TRANSITIONS = st.sampled_from(
    [
        None,
        None,
        {"progression": "immediate"},
        {"progression": "time", "seconds": 0},
        {"progression": "time"},
        {"progression": "time", "seconds": "5"},
        {"progression": "time", "seconds": 1e308},
        {"progression": "time", "seconds": float("nan")},
        {"progression": "manual"},
        {"progression": "manual", "times": "x"},
        {"progression": "manual", "times": 0},
        {"progression": "sometimes"},
        "immediate",
    ]
)


def _encoded(data: bytes, encoding: str | None) -> tuple[bytes, dict[str, str]]:
    if encoding is None:
        return data, {}
    if encoding == "gzip":
        return gzip.compress(data), {"Content-Encoding": "gzip"}
    if encoding == "gzip-bomb":
        padded = (data or b"{}") + b" " * (1024 * 1024 + 1)
        return gzip.compress(padded), {"Content-Encoding": "gzip"}
    return data, {"Content-Encoding": encoding}


def send(client: Any, request: Request, world: World, encoding: str | None = None) -> Any:
    operation = request.operation
    data, headers = _encoded(_bytes(request.body, world), encoding)
    if operation in TAG_OPERATIONS:
        path = "/v1/tags/" + _quote(world.resolve(request.arn))
        query = "&".join(f"tagKeys={_quote(key)}" for key in request.tag_keys or [])
        return client.open(
            path,
            method=TAG_OPERATIONS[operation],
            data=data,
            headers=headers,
            query_string=query,
        )
    return client.post(f"/v1/{operation.lower()}", data=data, headers=headers)


def _quote(value: str) -> str:
    return quote(value, safe="", errors="surrogatepass")


def _bytes(body: Any, world: World) -> bytes:
    if body is None:
        return b""
    if isinstance(body, Raw):
        return body.data
    return dumps(world.resolve(body)).encode()


def _reject_constant(name: str) -> Any:
    raise AssertionError(f"response body is not strict JSON: it holds {name}")


# The members of answers to operations an older botocore's model lacks (spec 6, 7).
_SHARE = {"quotaShareName": str, "quotaShareArn": str}
_SHARE_DETAIL = {
    **_SHARE,
    "jobQueueArn": str,
    "capacityLimits": list,
    "resourceSharingConfiguration": dict,
    "preemptionConfiguration": dict,
    "state": str,
    "status": str,
}
MINIMAL: dict[str, tuple[dict[str, type], dict[str, type]]] = {  # (required, optional)
    "UpdateServiceJob": ({"jobArn": str, "jobName": str, "jobId": str}, {}),
    "CreateQuotaShare": (_SHARE, {}),
    "UpdateQuotaShare": (_SHARE, {}),
    "DescribeQuotaShare": ({**_SHARE_DETAIL, "tags": dict}, {}),
    "ListQuotaShares": ({"quotaShares": list}, {"nextToken": str}),
    "DeleteQuotaShare": ({}, {}),
}


def check_minimal(operation: str, body: bytes) -> None:
    """The answer's members and their JSON types, for an operation the model lacks."""
    if operation in ("TerminateServiceJobs", "TerminateJobs", "CancelJobs"):
        check_bulk_terminate(body)
        return
    required, optional = MINIMAL[operation]
    data = json.loads(body or b"{}")
    assert set(required) <= set(data) <= set(required) | set(optional), (operation, data)
    for member, kind in {**required, **optional}.items():
        assert member not in data or isinstance(data[member], kind), (operation, member, data)
    for share in data.get("quotaShares", []):
        assert set(share) == set(_SHARE_DETAIL), share


def check_bulk_terminate(body: bytes) -> None:
    """A bulk answer (TerminateServiceJobs, TerminateJobs, CancelJobs), for a botocore whose
    model lacks the operation (spec 6.6)."""
    data = json.loads(body)
    assert set(data) == {"successful", "errors"}, data
    assert all(isinstance(job, str) for job in data["successful"]), data
    for error in data["errors"]:
        assert set(error) == {"job", "code", "message"}, error
        assert isinstance(error["job"], str), error  # echoes the request, even ""
        assert isinstance(error["code"], str) and error["code"], error
        assert isinstance(error["message"], str) and error["message"].strip(), error


def diff(before: dict[str, Any], after: dict[str, Any]) -> str:
    lines = []
    for section in sorted(set(before) | set(after)):
        old, new = before.get(section), after.get(section)
        if old == new:
            continue
        if isinstance(old, dict) and isinstance(new, dict):
            for key in sorted(set(old) | set(new), key=str):
                if old.get(key) != new.get(key):
                    lines.append(
                        f"{section}[{key!r}]: {old.get(key)!r:.300} -> {new.get(key)!r:.300}"
                    )
        else:
            lines.append(f"{section}: {old!r:.300} -> {new!r:.300}")
    return "\n".join(lines)


def exchange(
    client: Any, request: Request, transition: Any = None, encoding: str | None = None
) -> tuple[int, bytes]:
    """Send ``request`` (``encoding``: see ``ENCODINGS``) to a freshly built store under
    ``transition`` (None: the default) and check the answer (see the module doc)."""
    service_job_backends.reset()  # every moto backend, as mock_aws does between tests
    world = World()
    if transition is not None:
        state_manager.set_transition(MODEL_NAME, transition)
    try:
        before = snapshot()
        response = send(client, request, world, encoding)
        after = snapshot()
    finally:
        state_manager.unset_transition(MODEL_NAME)
    status, body = response.status_code, response.get_data()
    operation = request.operation
    COUNTS[operation]["examples"] += 1
    assert status < 500, f"{operation}: HTTP {status} {body[:500]!r}"
    if encoding == "gzip-bomb":
        assert status == 400, f"{operation} accepted a body inflating past 1 MiB"
    if status >= 400:
        COUNTS[operation]["rejected"] += 1
        assert status == 400, f"{operation}: HTTP {status} {body[:500]!r}"
        error = json.loads(body)
        assert error["__type"] == "ClientException", error
        assert isinstance(error["message"], str) and error["message"].strip(), error
        assert after == before, f"{operation} was refused but changed the store:\n" + diff(
            before, after
        )
        return status, body
    COUNTS[operation]["accepted"] += 1
    assert status == 200, f"{operation}: HTTP {status} {body[:500]!r}"
    json.loads(body or b"{}", parse_constant=_reject_constant)
    if operation in MODEL.operation_names:
        check_response(MODEL.operation_model(operation), status, body)
    if operation in MINIMAL or operation not in MODEL.operation_names:
        check_minimal(operation, body)  # for botocore versions whose model lacks it
    assert index_errors() == []
    return status, body


# -- the tests -------------------------------------------------------------------------------


class _CountReport:
    """Prints COUNTS at the end of the session (visible with -s or in the terminal summary)."""

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not COUNTS:
            return
        write = terminalreporter.write_line
        total: Counter[str] = Counter()
        write(f"fuzzed requests per operation (profile {PROFILE}):")
        write(f"{'operation':<30}{'examples':>10}{'accepted':>10}{'rejected':>10}")
        for operation in sorted(COUNTS):
            counts = COUNTS[operation]
            total.update(counts)
            write(
                f"{operation:<30}{counts['examples']:>10}{counts['accepted']:>10}"
                f"{counts['rejected']:>10}"
            )
        write(f"{'total':<30}{total['examples']:>10}{total['accepted']:>10}{total['rejected']:>10}")


@pytest.fixture(scope="module")
def client(request: pytest.FixtureRequest) -> Any:
    """moto's batch app (service-job routes included) inside one mock_aws for the module."""
    plugins = request.config.pluginmanager
    if not plugins.has_plugin("moto-batch-service-fuzz-counts"):
        plugins.register(_CountReport(), "moto-batch-service-fuzz-counts")
    app = create_backend_app("batch")
    app.config["PROPAGATE_EXCEPTIONS"] = True  # a handler's crash fails with its traceback
    with mock_aws():
        yield app.test_client()
    state_manager.unset_transition(MODEL_NAME)


def served_operations() -> set[str]:
    """The path segment after /v1/ of every operation the package serves or extends."""
    return set(PATHS)


def test_every_served_operation_is_fuzzed():
    fuzzed = {"tags" if op in TAG_OPERATIONS else op.lower() for op in REQUESTS}
    assert fuzzed == served_operations()
    assert set(TAG_OPERATIONS) <= set(REQUESTS)


@pytest.mark.parametrize("operation", sorted(REQUESTS))
@FUZZ
@given(data=st.data())
def test_a_fuzzed_request_is_answered_safely(client, operation, data):
    request = data.draw(REQUESTS[operation], label="request")
    transition = data.draw(TRANSITIONS, label="transition")
    encoding = data.draw(ENCODINGS, label="encoding")
    exchange(client, request, transition, encoding)


# -- regressions: requests the fuzzing found answered with a 500 or with non-JSON -----------

POLICY_NOPE = f"{ARN}:scheduling-policy/nope"
QUOTA_POLICY = {"idleResourceAssignmentStrategy": "FIFO"}


@pytest.mark.parametrize(
    "path, body, message",
    [
        # moto decoded every job-queue, tag and scheduling-policy body as UTF-8
        ("/v1/createjobqueue", b"\x80", "The request body is not valid JSON"),
        ("/v1/describejobqueues", b"\xff", "The request body is not valid JSON"),
        ("/v1/createschedulingpolicy", b"\xff", "The request body is not valid JSON"),
        (
            f"/v1/tags/{quote(ARN + ':job-queue/queue', safe='')}",
            b"\xfe",
            "The request body is not valid JSON",
        ),
        # moto read these members unchecked
        ("/v1/describejobqueues", {"jobQueues": 5}, "jobQueues must be a list, not int (5)"),
        (
            "/v1/createschedulingpolicy",
            {"name": "p", "quotaSharePolicy": QUOTA_POLICY, "tags": True},
            "tags must be an object, not bool (True)",
        ),
        (
            "/v1/createschedulingpolicy",
            {"name": "p", "fairsharePolicy": 5},
            "fairsharePolicy must be an object, not int (5)",
        ),
        ("/v1/createschedulingpolicy", b"", "name must be provided"),
        ("/v1/describeschedulingpolicies", {"arns": 5}, "arns must be a list, not int (5)"),
        # moto raised KeyError
        (
            "/v1/updateschedulingpolicy",
            {"arn": POLICY_NOPE},
            f"Scheduling policy {POLICY_NOPE} does not exist",
        ),
        ("/v1/updateschedulingpolicy", {}, "arn must be provided"),
        ("/v1/deleteschedulingpolicy", {}, "arn must be provided"),
    ],
)
def test_a_request_moto_crashed_on_is_a_client_exception(client, path, body, message):
    service_job_backends.reset()
    if path != "/v1/describejobqueues":  # moto failed there when no SAGEMAKER queue exists
        World()
    before = snapshot()
    data = body if isinstance(body, bytes) else json.dumps(body).encode()

    response = client.post(path, data=data)

    assert (response.status_code, answer_body(response.get_data())) == (
        400,
        {"__type": "ClientException", "message": message},
    )
    assert snapshot() == before


def test_an_empty_describe_scheduling_policies_body_lists_nothing(client):
    service_job_backends.reset()
    World()

    response = client.post("/v1/describeschedulingpolicies", data=b"")

    assert (response.status_code, answer_body(response.get_data())) == (
        200,
        {"schedulingPolicies": []},
    )


@pytest.mark.parametrize(
    "resources",
    [
        {"InstanceType": "ml.m5.large", "InstanceCount": float("inf")},  # answered "Infinity"
        {"InstanceType": "ml.m5.large", "InstanceCount": 10**400},  # float() overflowed: 500
        {"InstanceGroups": [{"InstanceType": "ml.m5.large", "InstanceCount": 1e308}] * 2},
    ],
)
def test_a_payload_with_an_unrepresentable_instance_count_has_no_capacity_usage(client, resources):
    service_job_backends.reset()
    World()
    submitted = client.post(
        "/v1/submitservicejob",
        data=json.dumps(
            {
                "jobName": "huge",
                "jobQueue": "queue",
                "serviceJobType": "SAGEMAKER_TRAINING",
                "serviceRequestPayload": json.dumps({"ResourceConfig": resources}),
            }
        ),
    )
    assert submitted.status_code == 200
    job_id = json.loads(submitted.get_data())["jobId"]

    described = client.post("/v1/describeservicejob", data=json.dumps({"jobId": job_id}))
    listed = client.post(
        "/v1/listservicejobs",
        data=json.dumps(
            {"jobQueue": "queue", "filters": [{"name": "JOB_NAME", "values": ["huge"]}]}
        ),
    )

    for response in (described, listed):
        assert response.status_code == 200
        json.loads(response.get_data(), parse_constant=_reject_constant)
    assert "capacityUsage" not in json.loads(described.get_data())
    assert [
        (job["jobId"], "capacityUsage" in job)
        for job in json.loads(listed.get_data())["jobSummaryList"]
    ] == [(job_id, False)]
