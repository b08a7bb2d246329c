"""The house reads one way: every harness import follows the order written in ARCHITECTURE.md,
and no two modules import each other in a circle. Imports inside functions count too."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "harness"
TOP = {"__init__", "__main__"}  # the library API and the entry point sit above every layer


def layer_order() -> list[str]:
    """The layers, bottom first, from the ```layers block of ARCHITECTURE.md."""
    text = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    block = re.search(r"```layers\n(.*?)```", text, re.DOTALL)
    assert block, "ARCHITECTURE.md has no ```layers block"
    return [line.split()[0] for line in block.group(1).splitlines() if line.strip()]


def modules() -> dict[str, Path]:
    """Every harness module by dotted name (package data excluded)."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(REPO).with_suffix("")
        if "data" in relative.parts:
            continue
        parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
        found[".".join(parts)] = path
    return found


def imported(name: str, path: Path, known: set[str]) -> Iterator[tuple[str, int]]:
    """The harness modules ``name`` imports (absolute or relative), with their lines."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "harness":
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base.split(".")[0] != "harness":
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield (candidate if candidate in known else base), node.lineno


def layer_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_the_written_order_names_every_package() -> None:
    order = layer_order()
    layers = {layer_of(m) for m in modules()} - TOP
    assert sorted(layers - set(order)) == [], "packages missing from ARCHITECTURE.md's layers"
    assert sorted(set(order) - layers) == [], "layers in ARCHITECTURE.md that do not exist"


def test_imports_follow_the_written_order() -> None:
    order = {layer: rank for rank, layer in enumerate(layer_order())}
    known = set(modules())
    wrong = []
    for name, path in modules().items():
        here = layer_of(name)
        if here in TOP:
            continue
        for target, line in imported(name, path, known):
            there = layer_of(target)
            if there in TOP:
                wrong.append(f"{path.relative_to(REPO)}:{line}: imports the package facade")
            elif order[there] > order[here]:
                wrong.append(f"{path.relative_to(REPO)}:{line}: {here} imports {there}")
    assert wrong == []


def test_no_import_circles_between_modules() -> None:
    known = set(modules())
    graph = {
        name: {t for t, _ in imported(name, path, known) if t in known and t != name}
        for name, path in modules().items()
    }
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                circles.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target, [*stack, target])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert circles == []


def test_the_check_ignores_nothing_it_should_see() -> None:
    """The walker sees imports inside functions (batch imports the executors where it runs
    them) and relative imports (a guard on the test)."""
    found = dict(imported("harness.run.batch", PACKAGE / "run" / "batch.py", set(modules())))
    assert "harness.run.executors" in found
    assert "harness.store" in found
