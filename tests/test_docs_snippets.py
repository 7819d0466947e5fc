"""Every Python snippet of the README and of docs/ runs as written (with the newest model).

docs/queues-and-quotas.md has its own test; docs/sagemaker-sdk.md needs the SageMaker SDK and
a server (tests/sagemaker runs the same calls).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {"queues-and-quotas.md", "sagemaker-sdk.md"}
SNIPPET = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def snippets() -> list[tuple[str, str]]:
    """(name, code) of each snippet; the code keeps its line numbers in the file."""
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    found = []
    for path in files:
        if not path.exists() or path.name in SKIPPED:
            continue
        text = path.read_text(encoding="utf-8")
        for index, match in enumerate(SNIPPET.finditer(text)):
            code = "\n" * text.count("\n", 0, match.start(1)) + match.group(1)
            found.append((f"{path.name}-{index}", code))
    return found


def test_the_readme_has_its_snippets():
    assert sum(name.startswith("README.md") for name, _ in snippets()) >= 3


@pytest.mark.requires_operation("TerminateServiceJobs")
@pytest.mark.parametrize("name, code", snippets(), ids=[name for name, _ in snippets()])
def test_the_snippet_runs(name, code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # what a snippet writes (moto's recording) stays out of the tree
    namespace: dict = {"__name__": "snippet"}
    exec(compile(code, name, "exec"), namespace)
    for key, value in list(namespace.items()):
        if key.startswith("test_") and callable(value):
            value()
