"""The package's modules import one way: downward through the layers, no cycle, none too long.

Every import counts, wherever it is written: at module level, inside a function, under
``if TYPE_CHECKING:``. The layers are in ``docs/architecture.md``; ``LAYERS`` below is the
same list, bottom first.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import moto_batch_service

PACKAGE = Path(moto_batch_service.__file__).parent
NAME = "moto_batch_service"
MAX_LINES = 500

# Bottom first. A module may import its own layer and the layers below it, never above.
# An entry ending in "." is every module of that subpackage.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("facts", ("exceptions", "_moto", "_moto.activation")),
    ("AWS rules", ("rules", "rules.")),
    ("moto's names", ("_moto.common", "_moto.iam", "_moto.events", "_moto.logs")),
    ("stored state", ("state", "state.")),
    ("scheduling", ("scheduling", "scheduling.")),
    ("operations", ("backend", "backend.")),
    ("requests", ("handlers", "handlers.")),
    (
        "wiring into moto",
        ("_moto.direct", "_moto.newest", "_moto.legacy", "_moto.metrics", "_moto.install"),
    ),
    ("entry points", ("__init__", "__main__", "server", "pytest_plugin")),
)


def module_name(path: Path, root: Path = PACKAGE) -> str:
    """``rules/statuses.py`` -> ``rules.statuses``; ``backend/__init__.py`` -> ``backend``."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def _modules(root: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(path, root): path for path in sorted(root.rglob("*.py"))}


def _package_of(name: str, path: Path) -> list[str]:
    """The package a module's relative imports start from, as parts below the root."""
    parts = [] if name == "__init__" else name.split(".")
    return parts if path.name == "__init__.py" else parts[:-1]


def _known(dotted: str, modules: set[str]) -> str:
    """The longest module of the package that ``dotted`` (below the root) names or is in."""
    parts = dotted.split(".") if dotted else []
    while parts:
        if ".".join(parts) in modules:
            return ".".join(parts)
        parts.pop()
    return "__init__"


def imports_of(path: Path, modules: set[str], name: str | None = None) -> set[str]:
    """The package's modules that ``path`` imports (``__init__`` for the package itself)."""
    name = name if name is not None else module_name(path)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == NAME:
                    found.add(_known(alias.name.partition(".")[2], modules))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _package_of(name, path)
                if node.level - 1 > len(base):
                    raise AssertionError(f"{name}: import from outside the package")
                base = base[: len(base) - (node.level - 1)]
                if node.module:
                    base = [*base, *node.module.split(".")]
            elif node.module and node.module.split(".")[0] == NAME:
                base = node.module.split(".")[1:]
            else:
                continue
            for alias in node.names:  # ``from .x import y``: y may be a module of x
                candidate = ".".join([*base, alias.name])
                found.add(candidate if candidate in modules else _known(".".join(base), modules))
    return found


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    names = set(modules)
    return {name: imports_of(path, names, name) - {name} for name, path in modules.items()}


def layer_of(name: str) -> int:
    for index, (_, members) in enumerate(LAYERS):
        for member in members:
            if name == member or (member.endswith(".") and name.startswith(member)):
                return index
    raise AssertionError(f"{name} is in no layer: add it to LAYERS and docs/architecture.md")


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Each import from a lower layer to a higher one, as ``a (layer) -> b (layer)``."""
    found = []
    for name, targets in sorted(graph.items()):
        for target in sorted(targets):
            if layer_of(target) > layer_of(name):
                low, high = LAYERS[layer_of(name)][0], LAYERS[layer_of(target)][0]
                found.append(f"{name} ({low}) -> {target} ({high})")
    return found


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
    (tmp_path / "state").mkdir()
    source = tmp_path / "state" / "probe.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from . import models\n"
        "from .. import register\n"
        "from .store import Store\n"
        "import moto_batch_service.scheduling.listing\n"
        "from moto_batch_service.scheduling.lifecycle import Lifecycle\n"
        "from ..rules import statuses as s\n"
        "if TYPE_CHECKING:\n"
        "    from ..backend import ServiceJobBackend\n"
        "def later():\n"
        "    from .._moto.install import extend\n",
        encoding="utf-8",
    )
    modules = {
        "state.models",
        "state.store",
        "scheduling.listing",
        "scheduling.lifecycle",
        "rules.statuses",
        "backend",
        "_moto.install",
    }
    assert imports_of(source, modules, "state.probe") == modules | {"__init__"}


def test_a_cycle_is_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_an_upward_import_is_found() -> None:
    graph = {"state.models": {"rules.statuses", "backend.tags"}, "rules.statuses": set()}
    assert upward_imports(graph) == ["state.models (stored state) -> backend.tags (operations)"]


def test_no_import_cycle_among_the_package_modules() -> None:
    assert cycles(import_graph()) == []


def test_no_module_imports_a_higher_layer() -> None:
    assert upward_imports(import_graph()) == []


@pytest.mark.parametrize("name", sorted(_modules()))
def test_each_module_can_be_read_in_one_sitting(name: str) -> None:
    lines = len(_modules()[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines"


def test_the_architecture_page_lists_every_module() -> None:
    page = (Path(__file__).parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    listed = {str(path.relative_to(PACKAGE)) for path in _modules().values()}
    missing = sorted(path for path in listed if path not in page)
    assert missing == []
