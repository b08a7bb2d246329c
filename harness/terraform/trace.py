"""Value tracing: which resources, literals and variable defaults flow into an expression.

``trace`` follows references through locals, module inputs (``var.x`` inside a module -> the
argument every caller passes), module outputs (``module.m.out`` -> the output's value inside
``m``), variable defaults and ``.tfvars`` values, and through functions. Sources carry ``via``:
the spans of the definitions crossed (local, variable declaration, caller argument, output),
nearest first, so evidence can say "passed as var.name_suffix from main.tf:44".

Functions are followed into their value arguments (``lookup``'s map, ``substr``'s string,
every argument of ``format``/``join``/``merge``/...); each source records the functions it
went through in ``TraceSource.functions``. Predicates (``length``, ``contains``, ``can``,
comparisons, ``!``) yield no sources: their result carries no part of the input value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.terraform.model import (
    Configuration,
    Expr,
    ExprKind,
    Module,
    ModuleCall,
    Reference,
    Trace,
    TraceSource,
)
from harness.vocabulary import Span

#: Resource types whose result is random (for "does the name carry a random suffix" checks).
RANDOM_TYPES = (
    "random_id",
    "random_string",
    "random_pet",
    "random_password",
    "random_integer",
    "random_uuid",
    "random_shuffle",
    "random_bytes",
)

#: Functions whose result contains (a piece of) their input string or collection unchanged.
PRESERVING_FUNCTIONS = frozenset(
    {
        "format",
        "formatlist",
        "join",
        "lower",
        "upper",
        "title",
        "merge",
        "concat",
        "coalesce",
        "coalescelist",
        "substr",
        "replace",
        "trimspace",
        "trim",
        "trimprefix",
        "trimsuffix",
        "tostring",
        "tolist",
        "toset",
        "tomap",
        "try",
        "lookup",
        "element",
        "flatten",
        "distinct",
        "compact",
        "sort",
        "reverse",
        "slice",
        "values",
        "one",
        "templatefile",
        "jsonencode",
        "yamlencode",
        "split",
        "chomp",
    }
)
#: Functions whose result carries nothing of the value of their arguments.
_PREDICATES = frozenset(
    {
        "length",
        "can",
        "contains",
        "startswith",
        "endswith",
        "fileexists",
        "index",
        "alltrue",
        "anytrue",
        "signum",
        "keys",
        "type",
        "issensitive",
        "strcontains",
    }
)
#: Which arguments hold the value (others are keys, offsets or patterns).
_VALUE_ARGS: dict[str, tuple[int, ...]] = {
    "lookup": (0, 2),
    "element": (0,),
    "substr": (0,),
    "replace": (0, 2),
    "trimprefix": (0,),
    "trimsuffix": (0,),
    "trim": (0,),
    "slice": (0,),
    "split": (1,),
    "regex": (1,),
    "regexall": (1,),
    "templatefile": (1,),
}
#: Functions a narrowing path (``.name`` after the call) passes through.
_NARROW_THROUGH = frozenset({"merge", "try", "coalesce", "tomap", "lookup", "element", "one"})
_BOOLEAN_OPS = frozenset({"==", "!=", "<", ">", "<=", ">=", "&&", "||", "!"})


def callers(config: Configuration, module_path: str) -> list[tuple[Module, ModuleCall]]:
    """Every (calling module, module call) whose local source resolves to ``module_path``."""
    return [
        (module, call)
        for path in sorted(config.modules)
        for module in (config.modules[path],)
        for call in module.calls
        if call.resolved == module_path
    ]


@dataclass
class _Tracer:
    config: Configuration
    max_hops: int
    budget: int
    sources: dict[tuple[object, ...], TraceSource] = field(default_factory=dict)

    def add(self, source: TraceSource) -> None:
        key = (source.kind, source.address, source.module, source.attribute_path, source.span)
        self.sources.setdefault(key, source)

    def unresolved(
        self, what: str, module: str, span: Span, via: tuple[Span, ...], funcs: tuple[str, ...]
    ) -> None:
        self.add(TraceSource("unresolved", what, module, span, (), via, funcs))

    def expr(
        self,
        e: Expr,
        module: str,
        steps: tuple[str, ...],
        via: tuple[Span, ...],
        funcs: tuple[str, ...],
        stack: frozenset[tuple[str, str]],
    ) -> None:
        self.budget -= 1
        if self.budget < 0:
            self.unresolved("(trace budget exhausted)", module, e.span, via, funcs)
            return
        kind = e.kind
        if kind is ExprKind.LITERAL:
            if e.value == "" or (steps and e.value is not None):
                return
            self.add(
                TraceSource(
                    "literal",
                    str(e.value) if e.value is not None else "null",
                    module,
                    e.span,
                    (),
                    via,
                    funcs,
                )
            )
        elif kind in (ExprKind.TEMPLATE, ExprKind.HEREDOC):
            for item in e.items:
                self.expr(item, module, (), via, funcs, stack)
        elif kind is ExprKind.REFERENCE and e.reference is not None:
            self.reference(e.reference, module, steps, via, funcs, stack)
        elif kind is ExprKind.CALL:
            self.call(e, module, steps, via, funcs, stack)
        elif kind is ExprKind.OBJECT:
            if steps:
                value = e.object().get(steps[0])
                if value is not None:
                    self.expr(value, module, steps[1:], via, funcs, stack)
                    return
                if not e.key_items:
                    return
            for item in e.items:
                self.expr(item, module, steps[1:] if steps else (), via, funcs, stack)
        elif kind is ExprKind.TUPLE:
            for item in e.items:
                self.expr(item, module, steps, via, funcs, stack)
        elif kind is ExprKind.CONDITIONAL:
            for item in e.items[1:]:  # both branches, not the condition
                self.expr(item, module, steps, via, funcs, stack)
        elif kind is ExprKind.FOR:
            for item in e.items:
                if (
                    item.kind is not ExprKind.REFERENCE
                    or item.reference is None
                    or item.reference.scope != "iterator"
                ):
                    self.expr(item, module, (), via, (*funcs, "for"), stack)
        elif kind is ExprKind.OPERATION:
            if e.name in _BOOLEAN_OPS:
                return
            for item in e.items:
                self.expr(item, module, (), via, (*funcs, e.name), stack)
        elif kind is ExprKind.INDEX and e.items:
            self.expr(e.items[0], module, (), via, (*funcs, "[]"), stack)
        else:
            self.unresolved(e.text, module, e.span, via, funcs)

    def call(
        self,
        e: Expr,
        module: str,
        steps: tuple[str, ...],
        via: tuple[Span, ...],
        funcs: tuple[str, ...],
        stack: frozenset[tuple[str, str]],
    ) -> None:
        name = e.name
        if name in _PREDICATES:
            return
        positions = _VALUE_ARGS.get(name)
        inner = steps if name in _NARROW_THROUGH else ()
        for i, arg in enumerate(e.items):
            if positions is None or i in positions:
                self.expr(arg, module, inner, via, (*funcs, name), stack)

    def reference(
        self,
        ref: Reference,
        module: str,
        steps: tuple[str, ...],
        via: tuple[Span, ...],
        funcs: tuple[str, ...],
        stack: frozenset[tuple[str, str]],
    ) -> None:
        kind = ref.kind
        if ref.scope == "iterator" or kind == "provider":
            return
        if kind == "builtin":
            self.unresolved(ref.text, module, ref.span, via, funcs)
            return
        path = (*ref.attribute_path, *steps)
        if kind in ("resource", "data"):
            mod = self.config.modules.get(module)
            resource = mod.resource(ref.address) if mod is not None else None
            span = resource.span if resource is not None else ref.span
            self.add(TraceSource(kind, ref.address, module, span, path, via, funcs))
            return
        key = (module, ref.address)
        if key in stack or len(via) >= self.max_hops:
            why = "cycle" if key in stack else "hop limit"
            self.unresolved(f"{ref.text} ({why})", module, ref.span, via, funcs)
            return
        stack = stack | {key}
        mod = self.config.modules.get(module)
        if mod is None:
            self.unresolved(ref.text, module, ref.span, via, funcs)
        elif kind == "local":
            attribute = mod.locals.get(ref.parts[1]) if len(ref.parts) > 1 else None
            if attribute is None:
                self.unresolved(ref.text, module, ref.span, via, funcs)
            else:
                self.expr(attribute.expr, module, path, (*via, attribute.span), funcs, stack)
        elif kind == "variable":
            self.variable(ref, mod, path, via, funcs, stack)
        elif kind == "module":
            call = mod.call(ref.parts[1]) if len(ref.parts) > 1 else None
            callee = (
                self.config.modules.get(call.resolved)
                if call and call.resolved is not None
                else None
            )
            output = (
                callee.outputs.get(ref.parts[2])
                if callee is not None and len(ref.parts) > 2
                else None
            )
            value = output.value if output is not None else None
            if callee is None or output is None or value is None:
                self.unresolved(ref.text, module, ref.span, via, funcs)
            else:
                self.expr(value, callee.path, path[1:], (*via, output.block.span), funcs, stack)

    def variable(
        self,
        ref: Reference,
        mod: Module,
        path: tuple[str, ...],
        via: tuple[Span, ...],
        funcs: tuple[str, ...],
        stack: frozenset[tuple[str, str]],
    ) -> None:
        name = ref.parts[1] if len(ref.parts) > 1 else ""
        declared = mod.variables.get(name)
        if declared is None:
            self.unresolved(ref.text, mod.path, ref.span, via, funcs)
            return
        hop = (*via, declared.block.span)
        default = declared.default
        passed = False
        for caller, call in callers(self.config, mod.path):
            argument = call.arguments.get(name)
            if argument is not None:
                passed = True
                self.expr(argument.expr, caller.path, path, (*hop, argument.span), funcs, stack)
            elif default is not None:
                passed = True
                self.add(
                    TraceSource(
                        "variable_default", f"var.{name}", mod.path, default.span, path, hop, funcs
                    )
                )
        if passed:
            return
        value = mod.tfvars.get(name)
        if value is not None:
            self.expr(value.expr, mod.path, path, (*hop, value.span), funcs, stack)
        if default is not None:
            self.add(
                TraceSource(
                    "variable_default", f"var.{name}", mod.path, default.span, path, hop, funcs
                )
            )
        elif value is None:
            self.unresolved(f"var.{name}", mod.path, declared.block.span, hop, funcs)


def trace(
    config: Configuration,
    expr: Expr,
    module_path: str,
    *,
    max_hops: int = 32,
    budget: int = 5000,
) -> Trace:
    """Sources of ``expr`` evaluated in module ``module_path``. Guarded against reference
    cycles (a local that refers to itself) and blow-up (``max_hops`` definitions deep,
    ``budget`` expression nodes in total); what is cut short becomes an ``unresolved`` source."""
    tracer = _Tracer(config, max_hops, budget)
    tracer.expr(expr, module_path, (), (), (), frozenset())
    return Trace(tuple(tracer.sources.values()))


def value_includes_resource(
    config: Configuration,
    expr: Expr,
    module_path: str,
    types: tuple[str, ...] = RANDOM_TYPES,
) -> TraceSource | None:
    """The first resource of one of ``types`` whose value reaches ``expr`` (through locals,
    module inputs/outputs and functions), or None. ``value_includes_resource(config,
    role.get("name"), role.module)`` answers "does this role name carry a random suffix?"."""
    return trace(config, expr, module_path).reaches_type(*types)
