"""The import graph: data flows ingest → vectorstore → assistant → app/CLI, never upward; the app
and the CLI see only `assistant`; and no two modules of `assistant` import each other in a ring.

Imports are read from the source (module level, `if TYPE_CHECKING:` blocks left out, since they
never run), so the test needs nothing installed and names the offending module and line.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import ROOT

LAYERS = ("ingest", "vectorstore", "assistant")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    modules = {module_name(p): p for layer in LAYERS for p in (ROOT / layer).rglob("*.py")}
    modules["app"] = ROOT / "app.py"
    return modules


MODULES = project_modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported_names(node: ast.AST, package: str) -> list[tuple[str, int]]:
    """Modules named by an import statement; `from a import b` names `a.b` when that is a module."""
    if isinstance(node, ast.Import):
        return [(alias.name, node.lineno) for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join([*anchor, base] if base else anchor)
    names = [(base, node.lineno)]
    names += [(f"{base}.{a.name}", node.lineno) for a in node.names if f"{base}.{a.name}" in MODULES]
    return names


def module_imports(name: str, *, run_time_only: bool) -> list[tuple[str, int]]:
    """(imported module, line) for every import of module `name`, in functions too unless
    `run_time_only` (then only what runs when the module is imported)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int]] = []
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            pending += node.orelse
            continue
        if run_time_only and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        found += _imported_names(node, package)
        pending += list(ast.iter_child_nodes(node))
    return found


def top(module: str) -> str:
    return module.partition(".")[0]


def imports_of(name: str) -> set[str]:
    return {imported for imported, _ in module_imports(name, run_time_only=False)}


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("ingest", {"vectorstore", "assistant", "app"}),
        ("vectorstore", {"assistant", "app"}),
        ("assistant", {"app"}),
    ],
)
def test_no_layer_imports_a_higher_one(layer: str, forbidden: set[str]) -> None:
    upward = [
        f"{name}:{line} imports {imported}"
        for name in MODULES
        if top(name) == layer
        for imported, line in module_imports(name, run_time_only=False)
        if top(imported) in forbidden
    ]
    assert upward == []


@pytest.mark.parametrize("entry_point", ["app", "assistant.cli"])
def test_app_and_cli_import_only_the_assistant_layer(entry_point: str) -> None:
    assert {top(m) for m in imports_of(entry_point)} & {"ingest", "vectorstore"} == set()


def test_assistant_modules_import_no_ring() -> None:
    graph = {
        name: {m for m, _ in module_imports(name, run_time_only=True) if m in MODULES and m != name}
        for name in MODULES
        if top(name) == "assistant"
    }
    rings = [ring for ring in (_ring_from(start, graph) for start in sorted(graph)) if ring]
    assert rings == []


def _ring_from(start: str, graph: dict[str, set[str]]) -> list[str]:
    """A path of imports from `start` back to itself, or [] when there is none."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for nxt in sorted(graph.get(node, ())):
            if nxt == start:
                return [*path, start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return []


def test_the_graph_sees_the_imports_it_checks() -> None:
    """The checks above would pass on an empty graph: make sure the parser finds real edges."""
    assert "assistant.service" in imports_of("app")
    assert "vectorstore.chroma_store" in imports_of("assistant.library.index")
    assert "assistant.quiz.facts" in imports_of("assistant.quiz.builder")


def test_a_ring_of_imports_is_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _ring_from("a", graph) == ["a", "b", "c", "a"]
    assert _ring_from("d", graph) == []


def test_from_assistant_import_casebook_works_and_importing_settings_loads_no_engine() -> None:
    code = (
        "import sys, assistant.settings; assert 'assistant.service' not in sys.modules; "
        "from assistant import Casebook; print(Casebook.__module__)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "assistant.service"
