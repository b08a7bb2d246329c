"""What every validation rule shares: the collector (one diagnostic per module, code and
name, with its number of uses), what a syntax error left unread, and a module's references
walked once for the rules that read them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from harness.terraform.model import Block, Configuration, Expr, ExprKind, Module, Reference
from harness.vocabulary import Diagnostic, Severity, Span

SKIP_KINDS = frozenset({"moved", "removed"})  # their addresses may name things now gone


def block_references(block: Block) -> Iterator[Reference]:
    """Every reference in a block and its nested blocks, except ``lifecycle.ignore_changes``
    (a list of the resource's own attribute paths, not references)."""
    for attribute in block.attributes:
        if block.kind == "lifecycle" and attribute.name == "ignore_changes":
            continue
        yield from attribute.expr.references()
    for child in block.blocks:
        yield from block_references(child)


def module_references(module: Module) -> Iterator[Reference]:
    """References in every top-level block of a module (locals included)."""
    blocks: list[Block] = [r.block for r in (*module.resources, *module.data)]
    blocks += [c.block for c in module.calls]
    blocks += [v.block for v in module.variables.values()]
    blocks += [o.block for o in module.outputs.values()]
    blocks += [p.block for p in module.providers]
    blocks += [*module.imports, *(b for b in module.checks if b.kind not in SKIP_KINDS)]
    for block in blocks:
        yield from block_references(block)
    for attribute in module.locals.values():
        yield from attribute.expr.references()


class Collector:
    def __init__(self) -> None:
        self.first: dict[tuple[str, str, str], tuple[Severity, str, Span | None]] = {}
        self.count: dict[tuple[str, str, str], int] = {}

    def add(
        self, module: str, code: str, name: str, severity: Severity, message: str, span: Span | None
    ) -> None:
        key = (module, code, name)
        if key not in self.first:
            self.first[key] = (severity, message, span)
        self.count[key] = self.count.get(key, 0) + 1

    def diagnostics(self) -> list[Diagnostic]:
        out = []
        for key, (severity, message, span) in self.first.items():
            n = self.count[key]
            suffix = f" ({n} uses)" if n > 1 else ""
            out.append(Diagnostic(key[1], severity, message + suffix, span=span, stage="validate"))
        return out


class Unread:
    """What each module's files hold that the model lacks (lines lost to syntax errors), as
    the names on those lines: a declaration can only hide there under its own name."""

    def __init__(self, config: Configuration) -> None:
        names: dict[str, set[str] | None] = {}
        for source in config.files.values():  # a file over a limit is in no module's files
            if source.language != "hcl":
                continue
            held = names.setdefault(source.module, set())
            if held is not None:
                names[source.module] = (
                    None if source.unread_names is None else held | source.unread_names
                )
        self._names = {path: None if n is None else frozenset(n) for path, n in names.items()}

    def may_hide(self, module: str, name: str) -> bool:
        """Whether ``name`` may be declared (or set) in a part of ``module`` left unread."""
        names = self._names.get(module, frozenset())
        return names is None or name in names


def severity_for(ok: bool) -> Severity:
    return Severity.ERROR if ok else Severity.WARNING


def hedge(ok: bool) -> str:
    return "" if ok else "; the module has syntax errors, so it may be in the unread part"


def is_judged(expr: Expr) -> bool:
    """Not an expression the reader gave up on (error recovery, the depth limit)."""
    return expr.kind is not ExprKind.UNKNOWN


def brief(expr: Expr, limit: int = 60) -> str:
    text = " ".join(expr.text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def repeatable_blocks(module: Module) -> list[tuple[str, Block]]:
    """(address, block) of the blocks that may set ``count`` or ``for_each``: resources,
    data sources and module calls (``module.vpc``)."""
    blocks = [(r.address, r.block) for r in (*module.resources, *module.data)]
    return blocks + [(f"module.{c.name}", c.block) for c in module.calls]


def owned_expressions(module: Module) -> Iterator[tuple[str, Block | None, Expr]]:
    """(owner, its top-level block, expression) of every attribute value in the module's
    top-level blocks and locals, lifecycle blocks aside (``ignore_changes`` and
    ``replace_triggered_by`` name the resource's own attributes and whole resources). The
    owner is how messages name the block (``aws_eip.nat``, ``module.vpc``, ``output.ip``,
    ``local.ids``); a local has no block."""
    owners = repeatable_blocks(module)
    owners += [(f"output.{name}", o.block) for name, o in module.outputs.items()]
    owners += [(f"provider.{p.name}", p.block) for p in module.providers]
    for owner, top in owners:
        for block in top.walk():
            if block.kind == "lifecycle":
                continue
            for attribute in block.attributes:
                yield owner, top, attribute.expr
    for name, attribute in module.locals.items():
        yield f"local.{name}", None, attribute.expr


class Use(NamedTuple):
    """One reference (of two parts or more) in a module's owned expressions."""

    owner: str
    top: Block | None
    expr: Expr  # the reference expression itself
    ref: Reference
    kind: str  # ``ref.kind``, worked out once
    bound: frozenset[str]  # the for-iterator names of the attribute value it is in


def owned_references(module: Module) -> list[Use]:
    """Every reference of ``owned_expressions``, in source order, each expression walked
    once for all the rules that read them (validation runs inside every model build)."""
    uses = []
    for owner, top, expr in owned_expressions(module):
        subs = list(expr.walk())
        # a for expression may name its iterator ``each``: such names are its own
        bound = frozenset(name for sub in subs if sub.kind is ExprKind.FOR for name in sub.keys)
        for sub in subs:
            ref = sub.reference
            if ref is not None and len(ref.parts) >= 2:
                uses.append(Use(owner, top, sub, ref, ref.kind, bound))
    return uses


#: How many locals deep a value is followed (a list for ``for_each``, a sensitive value), as
#: ``trace``'s hops.
MAX_LOCAL_HOPS = 32
