"""The package's modules import one way: no import cycle, no module too long to read.

Every import counts, wherever it is written: at module level, inside a function, under
``if TYPE_CHECKING:``. The layers are in ``docs/architecture.md``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import moto_batch_service

PACKAGE = Path(moto_batch_service.__file__).parent
NAME = "moto_batch_service"
MAX_LINES = 500


def _modules() -> dict[str, Path]:
    return {path.stem: path for path in sorted(PACKAGE.glob("*.py"))}


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The package's modules that ``path`` imports (``__init__`` for the package itself)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == NAME:
                    found.add(parts[1] if len(parts) > 1 else "__init__")
        elif isinstance(node, ast.ImportFrom):
            if node.level > 1:
                raise AssertionError(f"{path.name}: import from outside the package")
            if node.level == 1:
                base = node.module
            elif node.module and node.module.split(".")[0] == NAME:
                base = node.module.split(".", 1)[1] if "." in node.module else None
            else:
                continue
            if base is not None:
                found.add(base.split(".")[0])
            else:  # ``from . import x``: a module of the package, or a name of __init__
                for alias in node.names:
                    found.add(alias.name if alias.name in modules else "__init__")
    return found


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    names = set(modules)
    return {name: imports_of(path, names) - {name} for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_reader_sees_every_kind_of_import(tmp_path: Path) -> None:
    source = tmp_path / "probe.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from . import models, register\n"
        "from .store import Store\n"
        "import moto_batch_service.listing\n"
        "from moto_batch_service.lifecycle import Lifecycle\n"
        "if TYPE_CHECKING:\n"
        "    from .backend import ServiceJobBackend\n"
        "def later():\n"
        "    from .install import extend\n",
        encoding="utf-8",
    )
    modules = {"models", "store", "listing", "lifecycle", "backend", "install"}
    assert imports_of(source, modules) == modules | {"__init__"}


def test_a_cycle_is_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_no_import_cycle_among_the_package_modules() -> None:
    assert cycles(import_graph()) == []


@pytest.mark.parametrize("name", sorted(_modules()))
def test_each_module_can_be_read_in_one_sitting(name: str) -> None:
    lines = len(_modules()[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name}.py has {lines} lines"


def test_the_architecture_page_lists_every_module() -> None:
    page = (Path(__file__).parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [name for name in _modules() if f"{name}.py" not in page]
    assert missing == []
