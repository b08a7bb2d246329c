"""Blocks of each directory -> ``Module``; modules -> root detection and module-call wiring."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping, Sequence

from harness.terraform.model import (
    Attribute,
    Block,
    Module,
    ModuleCall,
    Output,
    Provider,
    Resource,
    Variable,
)
from harness.vocabulary import Diagnostic, Severity

#: Top-level block kinds and the number of labels each takes.
_LABELS = {
    "resource": 2,
    "data": 2,
    "module": 1,
    "variable": 1,
    "output": 1,
    "provider": 1,
    "locals": 0,
    "terraform": 0,
    "moved": 0,
    "import": 0,
}


def module_dir(path: str) -> str:
    """The module path of a file: its directory relative to the tree root (``""`` at top)."""
    return posixpath.dirname(path)


def _duplicate(kind: str, name: str, block_span: object, first: object) -> Diagnostic:
    return Diagnostic(
        "duplicate_address",
        Severity.ERROR,
        f"{kind} {name} is declared more than once (first at {first})",
        span=block_span,  # type: ignore[arg-type]
        stage="validate",
    )


def assemble(
    path: str, files: Sequence[str], blocks: Iterable[Block]
) -> tuple[Module, list[Diagnostic]]:
    """Sort one directory's top-level blocks into a Module. Duplicates keep the first
    declaration in the maps and are reported (``duplicate_address``)."""
    diagnostics: list[Diagnostic] = []
    resources: list[Resource] = []
    data: list[Resource] = []
    calls: list[ModuleCall] = []
    variables: dict[str, Variable] = {}
    outputs: dict[str, Output] = {}
    local_values: dict[str, Attribute] = {}
    providers: list[Provider] = []
    terraform: list[Block] = []
    moved: list[Block] = []
    imports: list[Block] = []
    others: list[Block] = []
    seen: dict[str, Block] = {}

    def once(key: str, label: str, block: Block) -> bool:
        if key in seen:
            diagnostics.append(_duplicate(label, key, block.span, seen[key].span))
            return False
        seen[key] = block
        return True

    for block in blocks:
        kind, labels = block.kind, block.labels
        expected = _LABELS.get(kind)
        if expected is not None and len(labels) != expected:
            diagnostics.append(
                Diagnostic(
                    "malformed_block",
                    Severity.ERROR,
                    f"{kind} block needs {expected} label(s), found {len(labels)}",
                    span=block.span,
                    stage="validate",
                )
            )
            others.append(block)
            continue
        if kind == "resource":
            if once(f"{labels[0]}.{labels[1]}", "resource", block):
                resources.append(Resource("managed", labels[0], labels[1], block, path))
        elif kind == "data":
            if once(f"data.{labels[0]}.{labels[1]}", "data source", block):
                data.append(Resource("data", labels[0], labels[1], block, path))
        elif kind == "module":
            if once(f"module.{labels[0]}", "module call", block):
                source = block.get("source")
                literal = source.literal_string() if source is not None else None
                calls.append(ModuleCall(labels[0], literal, block))
        elif kind == "variable":
            if once(f"var.{labels[0]}", "variable", block):
                variables[labels[0]] = Variable(labels[0], block)
        elif kind == "output":
            if once(f"output.{labels[0]}", "output", block):
                outputs[labels[0]] = Output(labels[0], block)
        elif kind == "provider":
            provider = Provider(labels[0], block)
            if once(f"provider.{labels[0]}.{provider.alias or ''}", "provider", block):
                providers.append(provider)
        elif kind == "locals":
            for attribute in block.attributes:
                first = local_values.get(attribute.name)
                if first is not None:
                    diagnostics.append(
                        _duplicate("local", f"local.{attribute.name}", attribute.span, first.span)
                    )
                    continue
                local_values[attribute.name] = attribute
        elif kind == "terraform":
            terraform.append(block)
        elif kind == "moved":
            moved.append(block)
        elif kind == "import":
            imports.append(block)
        else:
            others.append(block)
    module = Module(
        path=path,
        files=tuple(files),
        resources=tuple(resources),
        data=tuple(data),
        calls=tuple(calls),
        variables=variables,
        outputs=outputs,
        locals=local_values,
        providers=tuple(providers),
        terraform=tuple(terraform),
        moved=tuple(moved),
        imports=tuple(imports),
        checks=tuple(others),
    )
    return module, diagnostics


def is_local_source(source: str | None) -> bool:
    return source is not None and (source.startswith(("./", "../")) or source in (".", ".."))


def resolve_source(caller: str, source: str) -> str | None:
    """The module path a local source names, relative to the tree root; None when it climbs
    out of the tree."""
    joined = posixpath.normpath(posixpath.join(caller or ".", source.split("//")[0] or "."))
    if joined == ".":
        return ""
    if joined == ".." or joined.startswith("../"):
        return None
    return joined


def depth(path: str) -> int:
    return 0 if not path else path.count("/") + 1


def detect_root(modules: Mapping[str, Module]) -> str:
    """The root module: the shallowest directory with providers, a backend or module calls
    (ties: most of those, then most files, then path order); failing that, the shallowest
    directory no module call points at; ``""`` for an empty tree."""
    if not modules:
        return ""
    called = {c.resolved for m in modules.values() for c in m.calls if c.resolved is not None}

    def weight(m: Module) -> int:
        return len(m.calls) + len(m.providers) + (1 if m.backend is not None else 0)

    candidates = [m for m in modules.values() if weight(m) > 0]
    if candidates:
        uncalled = [m for m in candidates if m.path not in called]
        pool = uncalled or candidates
        return min(pool, key=lambda m: (depth(m.path), -weight(m), -len(m.files), m.path)).path
    uncalled = [m for m in modules.values() if m.path not in called] or list(modules.values())
    best = min(
        uncalled,
        key=lambda m: (depth(m.path), -(len(m.resources) + len(m.data)), -len(m.files), m.path),
    )
    return best.path
