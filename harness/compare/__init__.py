"""Structural comparison of a response with the reference solution.

``compare(response_tree, response_config, reference_tree, reference_config)`` normalises both
trees (root module and tree prefix, module directories mapped by path, call name and
similarity), then pairs files, module calls, resources, data sources, variables, outputs,
providers and the backend, and compares matched resources attribute by attribute. The result
is a ``Comparison``; ``summarise(comparison)`` is its JSON-able form stored with each graded
response.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from harness.compare.attributes import SECURITY_NAMES, compare_blocks, is_security
from harness.compare.match import (
    Side,
    backend_items,
    match_files,
    match_module_calls,
    match_named,
    match_resources,
    resource_comparison,
)
from harness.compare.normalise import map_modules, tree_prefix
from harness.compare.reference import (
    declared_addresses,
    declared_variables,
    reference_side,
    undeclared_key,
    undeclared_variable,
)
from harness.compare.summary import summarise
from harness.compare.types import (
    KINDS,
    SECURITY_WEIGHT,
    AttributeComparison,
    AttrStatus,
    Comparison,
    Figures,
    Item,
    KindComparison,
    MatchHow,
    ModuleMapping,
    Pair,
    weighted_agreement,
)
from harness.compare.values import Canon, Resolver
from harness.extract.types import FileTree
from harness.terraform.model import Configuration, Resource


def compare(
    response_tree: FileTree,
    response_config: Configuration,
    reference_tree: FileTree,
    reference_config: Configuration,
) -> Comparison:
    """Compare a response with the reference; pure, deterministic."""
    mappings = map_modules(reference_config, response_config)
    prepared = reference_side(reference_config)
    ref_side = prepared.side
    resp_side = Side(response_config, {m.response: m.reference for m in mappings})

    variables = match_named(
        "variables", _variables(reference_config), _variables(response_config), ref_side, resp_side
    )
    var_names = {(p.response.module, p.response.key): p.reference.key for p in variables.pairs}

    ref_resources = _sorted(reference_config.resources())
    resp_resources = _sorted(response_config.resources())
    ref_data = _sorted(reference_config.data_sources())
    resp_data = _sorted(response_config.data_sources())
    # the response is the reference (its ideal scored as a response): read the kept values
    loose_resp = prepared.loose if prepared.loose_as_reference(resp_side) else None
    managed = match_resources(
        ref_resources,
        resp_resources,
        ref_side,
        resp_side,
        prepared.loose,
        loose_resp,
    )
    data = match_resources(
        ref_data,
        resp_data,
        ref_side,
        resp_side,
        prepared.loose,
        loose_resp,
    )
    addresses = {(b.module, b.address): (a.module, a.address) for a, b, _, _ in (*managed, *data)}

    resp_declared = declared_addresses(response_config)
    resp_variables = declared_variables(response_config)

    def response_variable_key(module: str, name: str) -> str:
        """The paired reference variable's name; "?name" for a variable no reference variable
        pairs with; ``undeclared_variable`` for one the response does not declare."""
        paired = var_names.get((module, name))
        if paired is not None:
            return paired
        return "?" + name if (module, name) in resp_variables else undeclared_variable(name)

    def resp_key(module: str, address: str, path: tuple[str, ...]) -> Canon:
        found = addresses.get((module, address))
        if found is not None:
            return ("res", found[0], found[1], path)
        if (module, address) not in resp_declared:
            return undeclared_key(resp_side.ref_module(module), address, path)
        return ("response-only", module, address, path)

    ref_resolver = prepared.exact
    resp_resolver = (
        prepared.exact
        if prepared.resolves_as_reference(resp_side, addresses, var_names)
        else Resolver(
            response_config,
            resp_key,
            resp_side.ref_module,
            response_variable_key,
        )
    )
    resources = resource_comparison(
        "resources",
        ref_resources,
        resp_resources,
        managed,
        ref_resolver,
        resp_resolver,
    )
    data_sources = resource_comparison(
        "data_sources",
        ref_data,
        resp_data,
        data,
        ref_resolver,
        resp_resolver,
    )

    def output_value(config: Configuration, resolver: Resolver) -> Callable[[Item], Canon]:
        def value(item: Item) -> Canon:
            output = config.modules[item.module].outputs.get(item.key)
            if output is None or output.value is None:
                return None
            return resolver.canon(output.value, item.module)

        return value

    outputs = match_named(
        "outputs",
        _outputs(reference_config),
        _outputs(response_config),
        ref_side,
        resp_side,
        value_of=(
            output_value(reference_config, ref_resolver),
            output_value(response_config, resp_resolver),
        ),
    )
    providers = match_named(
        "providers",
        _providers(reference_config),
        _providers(response_config),
        ref_side,
        resp_side,
        name_min=1.1,
    )
    modules = match_module_calls(ref_side, resp_side, {m.reference: m.response for m in mappings})
    backend = _backend(reference_config, response_config, ref_resolver, resp_resolver)
    files = match_files(
        reference_tree,
        response_tree,
        ref_side,
        resp_side,
        tree_prefix(reference_config),
        tree_prefix(response_config),
    )
    return Comparison(
        reference_root=reference_config.root,
        response_root=response_config.root,
        module_map=mappings,
        files=files,
        modules=modules,
        resources=resources,
        data_sources=data_sources,
        variables=variables,
        outputs=outputs,
        providers=providers,
        backend=backend,
        reference_tree=reference_tree,
        response_tree=response_tree,
    )


def _sorted(resources: Iterable[Resource]) -> list[Resource]:
    return sorted(resources, key=lambda r: (r.module, r.address))


def _variables(config: Configuration) -> list[Item]:
    return [
        Item("variable", name, path, v.block.span)
        for path in sorted(config.modules)
        for name, v in sorted(config.modules[path].variables.items())
    ]


def _outputs(config: Configuration) -> list[Item]:
    return [
        Item("output", name, path, o.block.span)
        for path in sorted(config.modules)
        for name, o in sorted(config.modules[path].outputs.items())
    ]


def _providers(config: Configuration) -> list[Item]:
    items = []
    for path in sorted(config.modules):
        for p in config.modules[path].providers:
            key = f"{p.name}.{p.alias}" if p.alias else p.name
            items.append(Item("provider", key, path, p.block.span))
    return items


def _backend(
    reference: Configuration, response: Configuration, ref_r: Resolver, resp_r: Resolver
) -> KindComparison:
    ref_items = backend_items(reference)
    resp_items = backend_items(response)
    if ref_items and resp_items and ref_items[0][0].key == resp_items[0][0].key:
        (a, a_block), (b, b_block) = ref_items[0], resp_items[0]
        attrs, extra = compare_blocks(a_block, b_block, ref_r, resp_r, a.module, b.module)
        pair = Pair(a, b, MatchHow.PATH, 1.0, tuple(attrs), tuple(extra))
        return KindComparison("backend", (pair,), (), ())
    return KindComparison(
        "backend", (), tuple(i for i, _ in ref_items), tuple(i for i, _ in resp_items)
    )


__all__ = [
    "KINDS",
    "SECURITY_NAMES",
    "SECURITY_WEIGHT",
    "AttrStatus",
    "AttributeComparison",
    "Comparison",
    "Figures",
    "Item",
    "KindComparison",
    "MatchHow",
    "ModuleMapping",
    "Pair",
    "compare",
    "is_security",
    "summarise",
    "weighted_agreement",
]
