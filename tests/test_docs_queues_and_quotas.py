"""The Python snippets of docs/queues-and-quotas.md run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parent.parent / "docs" / "queues-and-quotas.md"
SNIPPET = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def snippets() -> list[str]:
    """Each snippet, after as many blank lines as precede it (tracebacks name doc lines)."""
    if not DOC.exists():
        return []
    text = DOC.read_text(encoding="utf-8")
    return ["\n" * text.count("\n", 0, m.start(1)) + m.group(1) for m in SNIPPET.finditer(text)]


@pytest.mark.skipif(not DOC.exists(), reason="the docs are not part of this copy")
def test_the_doc_has_its_two_examples():
    assert len(snippets()) == 2


# What each snippet needs of botocore's batch model (older clients lack it).
NEEDS = [
    pytest.mark.requires_botocore_member("GetJobQueueSnapshotResponse", "queueUtilization"),
    pytest.mark.requires_operation("CreateQuotaShare"),
]


@pytest.mark.parametrize(
    "code",
    [
        pytest.param(code, marks=need, id=name)
        for code, need, name in zip(snippets(), NEEDS, ["fair-share", "quota-management"])
    ],
)
def test_snippet_runs(code):
    namespace: dict[str, object] = {"__name__": "snippet"}
    exec(compile(code, str(DOC), "exec"), namespace)
    tests = [f for name, f in namespace.items() if name.startswith("test_") and callable(f)]
    assert tests
    for test in tests:
        test()
