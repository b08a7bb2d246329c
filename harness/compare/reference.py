"""The reference side of comparisons, prepared once per reference configuration.

Every response of a task is compared with the same reference, and what the reference side
computes does not depend on the response: its module paths map to themselves, a resource
reference becomes its own address (or, while matching, its type), and the canonical values and
leaf indexes of its blocks follow. ``reference_side(config)`` keeps the resolvers that hold
them for the last few reference configurations, so the second and later responses of a task
reuse the reference's canonical values instead of recomputing them.

Sharing is exact only where a resolver's values do not depend on the order of its calls
(``Resolver.never_truncates``); a reference where references are followed down to the depth
limit, or round a cycle, gets new resolvers for every comparison, as before.

A kept side also serves as the *response* side when the response is the reference itself (a
task's ideal is scored like any response) and its resolvers would key every reference exactly
as the reference's do (``resolves_as_reference``): the comparison then reads the values the
reference side holds instead of computing the same ones a second time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

from harness.compare.match import Side, loose_resolver
from harness.compare.values import Canon, Resolver, ResourceKey
from harness.terraform.model import Configuration, Expr

#: Reference configurations whose sides are kept (a batch scores one task after another; a
#: worker keeps a few tasks' references alive, see ``harness.run.units.WorkerState``).
KEPT_REFERENCES = 8


@dataclass(frozen=True)
class ReferenceSide:
    """One reference configuration, ready to be compared with: its side (module paths to
    themselves), the loose resolver that ranks candidate pairs and the exact one that
    compares attributes."""

    side: Side
    loose: Resolver
    exact: Resolver
    #: kept for many comparisons: its values do not depend on the order they are asked in
    shared: bool = field(default=False)

    @cached_property
    def key_queries(self) -> KeyQueries:
        """What a resolver of this configuration may ask its key functions
        (``key_queries``), worked out once when first needed."""
        return key_queries(self.side.config)

    @cached_property
    def declared(self) -> frozenset[tuple[str, str]]:
        """The resources and data sources the configuration declares."""
        return declared_addresses(self.side.config)

    @cached_property
    def declared_variables(self) -> frozenset[tuple[str, str]]:
        """The variables the configuration declares."""
        return declared_variables(self.side.config)

    def resolves_as_reference(
        self,
        response: Side,
        addresses: Mapping[tuple[str, str], tuple[str, str]],
        variable_names: Mapping[tuple[str, str], str],
    ) -> bool:
        """Whether the response's resolvers (``harness.compare.compare``) give every value
        the kept ones give, so the kept ones may stand in for them: the response is this
        configuration, modules map alike, and every resource reference and variable name the
        configuration holds maps to itself or to nothing it declares (``addresses``:
        response resource -> paired reference resource; ``variable_names``: response variable
        -> paired name). Needs a shared side: two roles of one resolver must not depend on the
        order of its calls."""
        if not self.shared or response.config is not self.side.config:
            return False
        if response.to_reference_module != self.side.to_reference_module:
            return False
        queries, declared = self.key_queries, self.declared
        return all(addresses.get(k) == k or k not in declared for k in queries.resources) and all(
            variable_names.get(k) == k[1] or k not in self.declared_variables
            for k in queries.variables
        )

    def loose_as_reference(self, response: Side) -> bool:
        """``resolves_as_reference`` for the loose resolvers, which key resources by type
        alone and variables by name on both sides: the same configuration and module map."""
        return (
            self.shared
            and response.config is self.side.config
            and response.to_reference_module == self.side.to_reference_module
        )


@dataclass(frozen=True)
class KeyQueries:
    """Every (module, address) of a resource or data source reference and every (module,
    name) of a variable reference in a configuration, by the module it is evaluated in."""

    resources: frozenset[tuple[str, str]]
    variables: frozenset[tuple[str, str]]


def reachable_expressions(config: Configuration) -> list[tuple[Expr, str]]:
    """Every expression a resolver can reach, with its module path: the attributes of every
    block, nested blocks included (module call arguments, variable defaults and output values
    among them, where ``Resolver.follow`` goes), and locals."""
    roots: list[tuple[Expr, str]] = [
        (attribute.expr, module.path)
        for module, top in config.blocks()
        for block in top.walk()
        for attribute in block.attributes
    ]
    roots += [
        (local.expr, module.path)
        for module in config.modules.values()
        for local in module.locals.values()
    ]
    return roots


def key_queries(config: Configuration) -> KeyQueries:
    """What ``Resolver.reference`` may pass to ``resource_key`` and ``variable_key``, or a
    superset: the references of every expression a resolver can reach
    (``reachable_expressions``)."""
    roots = reachable_expressions(config)
    resources: set[tuple[str, str]] = set()
    variables: set[tuple[str, str]] = set()
    for expr, module_path in roots:
        for sub in expr.walk():
            ref = sub.reference
            if ref is None:
                continue
            kind = ref.kind
            if kind in ("resource", "data"):
                resources.add((module_path, ref.address))
            elif kind == "variable" and len(ref.parts) > 1:
                variables.add((module_path, ref.parts[1]))
    return KeyQueries(frozenset(resources), frozenset(variables))


def declared_addresses(config: Configuration) -> frozenset[tuple[str, str]]:
    """(module, address) of every resource and data source ``config`` declares."""
    return frozenset((r.module, r.address) for r in (*config.resources(), *config.data_sources()))


def undeclared_key(module: str, address: str, path: tuple[str, ...]) -> Canon:
    """A reference to a resource its own side does not declare (a block the text elides or
    leaves out), by the reference's module path: the same address written on both sides
    agrees, and never with a resource either side declares."""
    return ("undeclared", module, address, path)


def reference_key(declared: frozenset[tuple[str, str]]) -> ResourceKey:
    """On the reference side a resource reference is its own address (``undeclared_key``
    when ``declared``, the configuration's resources, does not hold it)."""

    def key(module: str, address: str, path: tuple[str, ...]) -> Canon:
        if (module, address) in declared:
            return ("res", module, address, path)
        return undeclared_key(module, address, path)

    return key


def declared_variables(config: Configuration) -> frozenset[tuple[str, str]]:
    """(module, name) of every variable ``config`` declares."""
    return frozenset(
        (module.path, name) for module in config.modules.values() for name in module.variables
    )


def undeclared_variable(name: str) -> str:
    """The key of a variable its own side does not declare: the same name written on both
    sides agrees, and never with a variable either side declares."""
    return "!" + name


def reference_variable_key(declared: frozenset[tuple[str, str]]) -> Callable[[str, str], str]:
    """On the reference side a variable is its own name (``undeclared_variable`` when
    ``declared``, the configuration's variables, does not hold it)."""

    def key(module: str, name: str) -> str:
        return name if (module, name) in declared else undeclared_variable(name)

    return key


def reference_resolver(config: Configuration) -> Resolver:
    """The exact resolver of a reference configuration: resources by their own address,
    variables by their own name (what ``config`` does not declare, as undeclared)."""
    return Resolver(
        config,
        reference_key(declared_addresses(config)),
        variable_key=reference_variable_key(declared_variables(config)),
    )


def new_reference_side(config: Configuration) -> ReferenceSide:
    side = Side(config, {p: p for p in (*config.modules, config.root)})
    return ReferenceSide(side, loose_resolver(side), reference_resolver(config))


_kept: OrderedDict[int, tuple[Configuration, ReferenceSide | None]] = OrderedDict()
_lock = threading.Lock()


def reference_side(config: Configuration) -> ReferenceSide:
    """The reference side of ``config``: the kept one when its values can be shared
    (``Resolver.never_truncates``), else a new one."""
    key = id(config)
    with _lock:
        found = _kept.get(key)
        if found is not None and found[0] is config:
            _kept.move_to_end(key)
            shared = found[1]
            return shared if shared is not None else new_reference_side(config)
    prepared = new_reference_side(config)
    shareable = prepared.exact.never_truncates()
    if shareable:
        prepared = replace(prepared, shared=True)
    with _lock:
        _kept[key] = (config, prepared if shareable else None)
        _kept.move_to_end(key)
        while len(_kept) > KEPT_REFERENCES:
            _kept.popitem(last=False)
    return prepared
