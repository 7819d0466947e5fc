"""ListServiceJobs writes each job summary as JSON text directly; it must be ``summary()``.

``ServiceJob.summary_json`` exists for speed (see benchmarks/). Whatever a job holds (any
status, any reason text, share names, a payload with odd names and fractional counts, a
terminated flag), its text is exactly what ``json.dumps`` writes for ``summary()``.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from moto import mock_aws

import moto_batch_service as mbs
from moto_batch_service.rules.statuses import STATUSES
from tests.conftest import ACCOUNT, REGION

EXAMPLES = settings(max_examples=150, derandomize=True, database=None, deadline=None)


def payload(training_name: str, groups: list[tuple[str, float]]) -> str:
    return json.dumps(
        {
            "TrainingJobName": training_name,
            "ResourceConfig": {
                "InstanceGroups": [
                    {"InstanceType": unit, "InstanceCount": count, "InstanceGroupName": str(i)}
                    for i, (unit, count) in enumerate(groups)
                ]
            },
        }
    )


def dumps(view: dict[str, Any]) -> str:
    return json.dumps(view, separators=(",", ":"))


@EXAMPLES
@given(
    status=st.sampled_from(sorted(STATUSES)),
    reason=st.none() | st.text(),
    share=st.none() | st.text(min_size=1, max_size=20),
    quota_share=st.none() | st.text(min_size=1, max_size=20),
    training_name=st.text(min_size=1, max_size=30),
    groups=st.lists(
        st.tuples(
            st.text(min_size=1, max_size=12),
            st.integers(1, 10**6) | st.floats(0.001, 1e6, allow_nan=False),
        ),
        max_size=3,
    ),
    terminated=st.booleans(),
)
def test_summary_text_is_json_of_the_summary(
    status: str,
    reason: str | None,
    share: str | None,
    quota_share: str | None,
    training_name: str,
    groups: list[tuple[str, float]],
    terminated: bool,
) -> None:
    with mock_aws():
        seeded = mbs.add_service_job(
            "text",
            "job",
            status=status,
            status_reason=reason,
            service_request_payload=payload(training_name, groups),
            region_name=REGION,
        )
        job = mbs.service_job_backends[ACCOUNT][REGION].store.get_job(seeded.job_id)
        # Any text, whatever the queue's rules: the summary's JSON is what is under test.
        job.share_identifier, job.quota_share_name = share, quota_share
        job.is_terminated = terminated
        assert job.summary_json() == dumps(job.summary())


def test_listing_body_is_the_summaries_and_token(batch: Any, queue: str) -> None:
    for i in range(3):
        mbs.add_service_job(queue, f"job-{i}", status="RUNNING", created_at=1_700_000_000_000 + i)
    bodies: list[bytes] = []
    batch.meta.events.register(
        "before-parse.batch.ListServiceJobs",
        lambda response_dict, **_: bodies.append(response_dict["body"]),
    )
    token = batch.list_service_jobs(jobQueue=queue, maxResults=2)["nextToken"]
    backend = mbs.service_job_backends["123456789012"][REGION]
    jobs = sorted(backend.jobs.values(), key=lambda job: job.created_at, reverse=True)
    expected = {"jobSummaryList": [job.summary() for job in jobs[:2]], "nextToken": token}
    assert bodies[0].decode() == dumps(expected)
