"""Canonical values: two expressions agree when their canonical forms are equal.

Normalisation ignores what does not change meaning: quoting (``"5432"`` vs ``5432``), spacing,
equivalent booleans (``"true"`` vs ``true``), key and set order, ``jsonencode({...})`` vs the
same JSON in a heredoc. References are compared by what they refer to: locals are inlined,
module variables are replaced by the argument the caller passes, module outputs by their value,
and a resource reference becomes the *reference's* address of the matched resource, so
``aws_s3_bucket.main.id`` in the response agrees with ``aws_s3_bucket.this.id`` in the reference
once the two buckets are paired. A resource or variable its own side does not declare (a text
that elides the block: ``random_password.db.result`` with no ``random_password`` written) is
keyed as undeclared on either side (``harness.compare.reference``): the same name agrees with
itself, never with one that is declared.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from itertools import pairwise
from operator import itemgetter
from typing import Any

from harness.terraform.model import Block, Configuration, Expr, ExprKind, Reference

#: How deep references are followed (locals of locals, module outputs of module outputs).
MAX_DEPTH = 8

Canon = Any  # nested tuples of str / int / float / bool / None: hashable and comparable

_MISSING = object()
_HASH = itemgetter(0)
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def norm_text(text: str) -> str:
    """Runs of whitespace as one space, none at the ends (``str.split`` and the regex ``\\s``
    know the same whitespace characters: ``tests/compare/test_values.py`` checks all)."""
    return " ".join(text.split())


def canon_scalar(value: Any) -> Canon:
    """Strings that mean a bool or a number become that bool or number."""
    if isinstance(value, str):
        text = norm_text(value)
        low = text.lower()
        if low in ("true", "false"):
            return low == "true"
        if _NUMBER.fullmatch(text):
            number = float(text)
            return int(number) if number.is_integer() else number
        return text
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def canon_python(value: Any) -> Canon:
    """Canonical form of a decoded JSON value (a policy in a heredoc or jsonencode)."""
    if isinstance(value, dict):
        return ("obj", _sorted((str(k), canon_python(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("list", _sorted(canon_python(v) for v in value))
    return canon_scalar(value)


def _sorted(items: Any) -> tuple[Canon, ...]:
    """Order-insensitive tuple: Terraform sets and policy lists rarely mean their order.
    Sorted by hash (cheap, and consistent within a process, which is all equality needs);
    equal hashes of different values (``hash(-1) == hash(-2)``) fall back to repr."""
    hashed = [(hash(v), v) for v in items]
    if len(hashed) < 2:
        return tuple(v for _, v in hashed)
    hashed.sort(key=_HASH)  # stable, by hash alone: as ``sorted(items, key=hash)``
    values = [v for _, v in hashed]
    if len({h for h, _ in hashed}) < len(hashed) and any(
        h == g and a != b for (h, a), (g, b) in pairwise(hashed)
    ):
        values.sort(key=lambda v: (hash(v), repr(v)))
    return tuple(values)


ResourceKey = Callable[[str, str, tuple[str, ...]], Canon]


class Resolver:
    """Canonicalises expressions of one side's configuration.

    ``resource_key(module, address, attribute_path)`` decides what a resource reference
    becomes; the matcher swaps it as pairs become known (by type only while matching, by the
    paired reference address afterwards). ``module_key`` maps a module path to the reference's
    module path and ``variable_key`` a root variable name to the reference's name. With
    ``defaults`` a variable no caller sets resolves to its default (for reading a setting's
    effective value; a comparison keeps root inputs as inputs).

    Each ``canon(expr, module)`` is computed once and kept (``leaf_indexes`` keeps the leaf
    indexes of blocks, ``harness.compare.attributes.leaf_index``): a resolver gives the same
    value for an expression however often it is asked."""

    def __init__(
        self,
        config: Configuration,
        resource_key: ResourceKey,
        module_key: Callable[[str], str] = lambda m: m,
        variable_key: Callable[[str, str], str] = lambda m, v: v,
        defaults: bool = False,
    ) -> None:
        self.config = config
        self.resource_key = resource_key
        self.module_key = module_key
        self.variable_key = variable_key
        self.defaults = defaults
        self._callers = _callers(config)
        self._cache: dict[tuple[int, str], Canon] = {}
        #: (id of a block, module) -> (the block, its leaf index): ``attributes.leaf_index``.
        self.leaf_indexes: dict[tuple[int, str], tuple[Block, dict[str, list[Canon]]]] = {}

    def canon(self, expr: Expr | None, module: str, depth: int = 0) -> Canon:
        if expr is None:
            return None
        key = (id(expr), module)
        found = self._cache.get(key, _MISSING)
        if found is not _MISSING:
            return found
        value = self._canon(expr, module, depth)
        self._cache[key] = value
        return value

    def never_truncates(self) -> bool:
        """Whether canonicalising any expression of the configuration (an attribute of any
        block, nested blocks included, or a local) follows at most ``MAX_DEPTH`` references
        deep and through no cycle.

        Why it matters: the cache is keyed by expression, not by the depth it was first met
        at. Where the depth limit is reached, a value cut to its text at the limit is kept, and
        what a later call returns depends on which expressions were canonicalised before it.
        Where the limit is never reached, every value is the expression's full canonical form
        whatever the order of calls, so one resolver may serve any number of comparisons and
        give each what a new resolver would. Following every reference of every
        sub-expression (a superset of what ``canon`` follows) keeps the answer safe: it may
        say False where ``canon`` would not truncate, never True where it would."""
        heights: dict[tuple[int, str], int] = {}  # references followed below, when known
        open_keys: set[tuple[int, str]] = set()  # being measured: met again means a cycle

        def fits(expr: Expr, module: str, depth: int) -> bool:
            key = (id(expr), module)
            known = heights.get(key)
            if known is not None:
                return depth + known <= MAX_DEPTH
            if depth > MAX_DEPTH or key in open_keys:
                return False
            open_keys.add(key)
            height = 0
            for sub in expr.walk():
                if sub.reference is None:
                    continue
                target = self.follow(sub.reference, module)
                if target is None:
                    continue
                if not fits(target[0], target[1], depth + 1):
                    return False
                height = max(height, 1 + heights[(id(target[0]), target[1])])
            open_keys.discard(key)
            heights[key] = height
            return True

        roots = [
            (attribute.expr, module.path)
            for module, top in self.config.blocks()
            for block in top.walk()
            for attribute in block.attributes
        ]
        roots += [
            (local.expr, module.path)
            for module in self.config.modules.values()
            for local in module.locals.values()
        ]
        return all(fits(expr, path, 0) for expr, path in roots)

    def _canon(self, expr: Expr, module: str, depth: int) -> Canon:
        kind = expr.kind
        if depth > MAX_DEPTH:
            return ("text", norm_text(expr.text))
        if kind is ExprKind.LITERAL:
            return canon_scalar(expr.value)
        if kind is ExprKind.REFERENCE and expr.reference is not None:
            return self.reference(expr.reference, module, depth)
        if kind is ExprKind.TEMPLATE:
            if isinstance(expr.value, str) and not expr.items:
                return canon_scalar(expr.value)
            return self._template(expr, module, depth)
        if kind is ExprKind.HEREDOC:
            if isinstance(expr.value, str):
                return _string_or_json(expr.value)
            return self._template(expr, module, depth)
        if kind is ExprKind.OBJECT:
            pairs = zip(expr.keys, expr.items, strict=False)
            return ("obj", _sorted((_key(k), self.canon(v, module, depth)) for k, v in pairs))
        if kind is ExprKind.TUPLE:
            return ("list", _sorted(self.canon(i, module, depth) for i in expr.items))
        if kind is ExprKind.CALL:
            args = tuple(self.canon(i, module, depth) for i in expr.items)
            if expr.name == "jsonencode" and len(args) == 1:
                return args[0]
            if expr.name in ("tostring", "tonumber", "tobool") and len(args) == 1:
                return args[0]
            if expr.name == "jsondecode" and len(args) == 1 and isinstance(args[0], str):
                return _string_or_json(args[0])
            return ("call", expr.name, args)
        if kind in (ExprKind.CONDITIONAL, ExprKind.OPERATION, ExprKind.INDEX):
            return (kind.value, expr.name, tuple(self.canon(i, module, depth) for i in expr.items))
        if kind is ExprKind.FOR:
            # what it iterates over compares by what it refers to (``[for s in
            # aws_subnet.private : s.id]`` agrees across a renamed, paired subnet); the
            # iterator names as written
            items = tuple(self.canon(i, module, depth) for i in expr.items)
            return ("for", expr.name, expr.keys, items)
        return ("text", norm_text(expr.text))

    def _template(self, expr: Expr, module: str, depth: int) -> Canon:
        parts: list[Canon] = []
        values: list[Canon] = []
        for item in expr.items:
            if item.kind is ExprKind.LITERAL and isinstance(item.value, str):
                values.append(item.value)  # literal template text is not a number or bool
                continue
            value = self.canon(item, module, depth)
            if isinstance(value, tuple) and value[:1] == ("tmpl",):
                values.extend(value[1])  # an inlined local that is itself a template
            elif isinstance(value, bool):
                values.append("true" if value else "false")
            elif isinstance(value, int | float):
                values.append(str(value))
            else:
                values.append(value)
        for value in values:
            if isinstance(value, str) and parts and isinstance(parts[-1], str):
                parts[-1] = parts[-1] + value
            else:
                parts.append(value)
        if len(parts) == 1:
            part = parts[0]
            return canon_scalar(part) if isinstance(part, str) else part
        if not parts:
            return ""
        return ("tmpl", tuple(norm_text(p) if isinstance(p, str) else p for p in parts))

    def reference(self, ref: Reference, module: str, depth: int) -> Canon:
        kind = ref.kind
        if kind in ("resource", "data"):
            return self.resource_key(module, *ref.address_and_path())
        target = self._follow(ref, kind, module)
        if target is not None:
            expr, where, rest = target
            return _suffix(self.canon(expr, where, depth + 1), rest)
        if kind == "variable" and len(ref.parts) > 1:
            name = ref.parts[1]
            return ("var", self.module_key(module), self.variable_key(module, name), ref.parts[2:])
        if kind == "module" and module in self.config.modules and len(ref.parts) > 2:
            return ("module", self.module_key(module), ref.parts[1], ref.parts[2:])
        return ("ref", norm_text(ref.text))

    def follow(self, ref: Reference, module: str) -> tuple[Expr, str, tuple[str, ...]] | None:
        """Where ``reference`` goes one level deeper (``depth + 1``): (the expression, its
        module, the steps left after it) for a local, a module variable set by its one caller
        (or its default), a local module's output; None when it stays a reference. The one
        rule ``reference`` and ``never_truncates`` both follow."""
        return self._follow(ref, ref.kind, module)

    def _follow(
        self, ref: Reference, kind: str, module: str
    ) -> tuple[Expr, str, tuple[str, ...]] | None:
        """``follow`` of a reference whose ``kind`` the caller knows."""
        parts = ref.parts
        mod = self.config.modules.get(module)
        if kind == "local" and mod is not None and len(parts) > 1:
            local = mod.locals.get(parts[1])
            if local is not None:
                return local.expr, module, parts[2:]
        elif kind == "variable" and len(parts) > 1:
            name = parts[1]
            callers = self._callers.get(module, ())
            if len(callers) == 1:
                caller, call_name = callers[0]
                call = self.config.modules[caller].call(call_name)
                argument = call.arguments.get(name) if call is not None else None
                if argument is not None:
                    return argument.expr, caller, parts[2:]
            if len(callers) == 1 or (self.defaults and not callers):
                variable = mod.variables.get(name) if mod is not None else None
                if variable is not None and variable.default is not None:
                    return variable.default, module, parts[2:]
        elif kind == "module" and mod is not None and len(parts) > 2:
            call = mod.call(parts[1])
            if call is not None and call.resolved in self.config.modules:
                child = self.config.modules[call.resolved]
                output = child.outputs.get(parts[2])
                if output is not None and output.value is not None:
                    return output.value, child.path, parts[3:]
        return None


def _callers(config: Configuration) -> dict[str, tuple[tuple[str, str], ...]]:
    """Module path -> (caller module path, call name) for every local call that resolves."""
    found: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(config.modules):
        for call in config.modules[path].calls:
            if call.resolved:
                found.setdefault(call.resolved, []).append((path, call.name))
    return {k: tuple(v) for k, v in found.items()}


def _suffix(value: Canon, rest: tuple[str, ...]) -> Canon:
    """A reference that goes further into an inlined value (``local.tags.Name``)."""
    if not rest:
        return value
    if isinstance(value, tuple) and value and value[0] == "obj":
        for key, item in value[1]:
            if key == rest[0]:
                return _suffix(item, rest[1:])
    return ("get", value, rest)


def _string_or_json(text: str) -> Canon:
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            return canon_python(json.loads(stripped))
        except (ValueError, RecursionError):
            pass
    return canon_scalar(text)


def _key(key: str) -> str:
    """Object keys compare without quotes: ``"Name"`` and ``Name`` are the same key."""
    return norm_text(key).strip('"')
