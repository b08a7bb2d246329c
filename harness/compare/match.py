"""Pairing reference items with response items, kind by kind.

Resources and data sources: same type only; an address in mapped modules first, then the
same name anywhere, then the most similar attributes (a response may call the bucket ``main``
where the reference says ``this``, or declare it in the root where the reference has a module).
Greedy, most certain pair first, ties broken by address: deterministic and fast.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from harness.compare.attributes import compare_blocks, leaf_index, similarity
from harness.compare.normalise import jaccard, may_be_similar, name_similarity, strip_prefix
from harness.compare.types import Item, KindComparison, MatchHow, Pair
from harness.compare.values import Canon, Resolver
from harness.extract.types import FileTree
from harness.terraform.model import Block, Configuration, Resource
from harness.vocabulary import Span

#: Candidate resource pairs whose attribute similarity is computed, per comparison.
MAX_SIMILARITY = 20_000
#: Above this many (reference x response) pairs of one type, only equal names are candidates.
MAX_PAIRS_PER_TYPE = 40_000
#: Minimum name similarity to pair variables / outputs / module calls with different names.
NAME_SIMILARITY_MIN = 0.75


@dataclass(frozen=True)
class Side:
    """One side of the comparison: its configuration and module path translation."""

    config: Configuration
    to_reference_module: dict[str, str]  # this side's module path -> reference module path

    def ref_module(self, module: str) -> str:
        return self.to_reference_module.get(module, "?" + module)


def resource_items(resources: Iterable[Resource]) -> list[Resource]:
    return sorted(resources, key=lambda r: (r.module, r.address))


def match_resources(
    ref: Sequence[Resource],
    resp: Sequence[Resource],
    ref_side: Side,
    resp_side: Side,
    loose_ref: Resolver | None = None,
    loose_resp: Resolver | None = None,
) -> list[tuple[Resource, Resource, MatchHow, float]]:
    """Pairs (reference, response, how, attribute similarity), one to one, same type.

    Attribute similarity is computed for at most ``MAX_SIMILARITY`` candidate pairs (a hostile
    response with thousands of resources of one type must not make this quadratic in time);
    past that, candidates are ranked by name and module only. ``loose_ref``: the reference's
    ``loose_resolver``, when one serves many comparisons (``harness.compare.reference``);
    ``loose_resp`` likewise for the response (a new one for each call otherwise)."""
    if loose_ref is None:
        loose_ref = loose_resolver(ref_side)
    if loose_resp is None:
        loose_resp = loose_resolver(resp_side)
    ref_index: dict[int, Mapping[str, list[Canon]]] = {}
    resp_index: dict[int, Mapping[str, list[Canon]]] = {}
    by_type: dict[tuple[str, str], list[tuple[int, Resource]]] = {}
    for j, r in enumerate(resp):
        by_type.setdefault((r.mode, r.type), []).append((j, r))

    ref_counts: dict[tuple[str, str], int] = {}
    for a in ref:
        ref_counts[(a.mode, a.type)] = ref_counts.get((a.mode, a.type), 0) + 1
    big = {k for k, n in ref_counts.items() if n * len(by_type.get(k, ())) > MAX_PAIRS_PER_TYPE}
    budget = MAX_SIMILARITY
    candidates: list[tuple[float, int, int, MatchHow, float]] = []
    resp_tokens = [_tokens(b.name) for b in resp]
    resp_modules = [resp_side.ref_module(b.module) for b in resp]
    for i, a in enumerate(ref):
        group = by_type.get((a.mode, a.type), [])
        if (a.mode, a.type) in big:
            group = [(j, b) for j, b in group if b.name == a.name]  # too many: names only
        a_tokens = _tokens(a.name)
        a_module = ref_side.ref_module(a.module)
        for j, b in group:
            same_module = a_module == resp_modules[j]
            same_name = a.name == b.name
            sim = 0.0
            if budget > 0:
                budget -= 1
                if i not in ref_index:
                    ref_index[i] = leaf_index(a.block, loose_ref, a.module)
                if j not in resp_index:
                    resp_index[j] = leaf_index(b.block, loose_resp, b.module)
                sim = similarity(ref_index[i], resp_index[j])
            score = sim + 0.2 * jaccard(a_tokens, resp_tokens[j])
            how = MatchHow.SIMILARITY
            if same_name:
                score += 2.0
                how = MatchHow.PATH if same_module else MatchHow.NAME
            if same_module:
                score += 0.5
            candidates.append((score, i, j, how, sim))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_ref: set[int] = set()
    used_resp: set[int] = set()
    pairs: list[tuple[Resource, Resource, MatchHow, float]] = []
    for _, i, j, how, sim in candidates:
        if i in used_ref or j in used_resp:
            continue
        used_ref.add(i)
        used_resp.add(j)
        pairs.append((ref[i], resp[j], how, sim))
    if big:
        _pair_leftovers(ref, resp, used_ref, used_resp, big, pairs)
    pairs.sort(key=lambda p: (p[0].module, p[0].address))
    return pairs


def _pair_leftovers(
    ref: Sequence[Resource],
    resp: Sequence[Resource],
    used_ref: set[int],
    used_resp: set[int],
    big: set[tuple[str, str]],
    pairs: list[tuple[Resource, Resource, MatchHow, float]],
) -> None:
    """Types too numerous to compare pairwise: the unpaired rest in address order."""
    free: dict[tuple[str, str], list[int]] = {}
    for j, b in enumerate(resp):
        if j not in used_resp and (b.mode, b.type) in big:
            free.setdefault((b.mode, b.type), []).append(j)
    for i, a in enumerate(ref):
        rest = free.get((a.mode, a.type))
        if i in used_ref or not rest:
            continue
        j = rest.pop(0)
        used_ref.add(i)
        used_resp.add(j)
        pairs.append((a, resp[j], MatchHow.SIMILARITY, 0.0))


def _tokens(name: str) -> frozenset[str]:
    """Words of a resource name (``web_sg`` -> web, sg): a cheap name similarity."""
    return frozenset(t for t in name.lower().replace("-", "_").split("_") if t)


def loose_resolver(side: Side) -> Resolver:
    """The resolver that ranks candidate pairs: resource references by type only."""
    return Resolver(side.config, _loose_key, side.ref_module)


def _loose_key(module: str, address: str, path: tuple[str, ...]) -> Canon:
    """While matching: a resource reference counts by the referenced type only."""
    parts = address.split(".")
    kind = parts[1] if parts[0] == "data" else parts[0]
    return ("res", kind, path)


def resource_comparison(
    kind: str,
    ref: Sequence[Resource],
    resp: Sequence[Resource],
    pairs: list[tuple[Resource, Resource, MatchHow, float]],
    ref_resolver: Resolver,
    resp_resolver: Resolver,
) -> KindComparison:
    """Attribute-compare the matched pairs; list what is missing and extra."""
    out: list[Pair] = []
    for a, b, how, sim in pairs:
        attrs, extra = compare_blocks(
            a.block, b.block, ref_resolver, resp_resolver, a.module, b.module
        )
        out.append(
            Pair(_item(kind, a), _item(kind, b), how, round(sim, 4), tuple(attrs), tuple(extra))
        )
    matched_ref = {id(a) for a, _, _, _ in pairs}
    matched_resp = {id(b) for _, b, _, _ in pairs}
    missing = tuple(_item(kind, r) for r in ref if id(r) not in matched_ref)
    extra_items = tuple(_item(kind, r) for r in resp if id(r) not in matched_resp)
    return KindComparison(kind, tuple(out), missing, extra_items)


def _item(kind: str, r: Resource) -> Item:
    return Item(kind, r.address, r.module, r.span)


def match_named(
    kind: str,
    ref: Sequence[Item],
    resp: Sequence[Item],
    ref_side: Side,
    resp_side: Side,
    value_of: tuple[Callable[[Item], Canon], Callable[[Item], Canon]] | None = None,
    name_min: float = NAME_SIMILARITY_MIN,
) -> KindComparison:
    """Pair named items (variables, outputs, providers, module calls) within mapped modules:
    same name, then (outputs) the same value, then a similar name."""
    pairs: list[Pair] = []
    free_ref = list(ref)
    free_resp = list(resp)

    def take(a: Item, b: Item, how: MatchHow, sim: float = 1.0) -> None:
        pairs.append(Pair(a, b, how, round(sim, 4)))
        free_ref.remove(a)
        free_resp.remove(b)

    def same_module(a: Item, b: Item) -> bool:
        return ref_side.ref_module(a.module) == resp_side.ref_module(b.module)

    for a in list(free_ref):
        for b in free_resp:
            if a.key == b.key and same_module(a, b):
                take(a, b, MatchHow.PATH)
                break
    for a in list(free_ref):
        for b in free_resp:
            if a.key == b.key:
                take(a, b, MatchHow.NAME)
                break
    if value_of is not None:
        ref_value, resp_value = value_of
        for a in list(free_ref):
            value = ref_value(a)
            if value is None:
                continue
            for b in free_resp:
                if same_module(a, b) and resp_value(b) == value:
                    take(a, b, MatchHow.VALUE)
                    break
    scored = sorted(
        (-name_similarity(a.key, b.key), i, j)
        for i, a in enumerate(free_ref)
        for j, b in enumerate(free_resp)
        if same_module(a, b) and may_be_similar(a.key, b.key, name_min)
    )
    chosen: list[tuple[Item, Item, float]] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    for neg, i, j in scored:
        if -neg < name_min:
            break
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        chosen.append((free_ref[i], free_resp[j], -neg))
    for a, b, sim in chosen:
        take(a, b, MatchHow.SIMILARITY, sim)
    pairs.sort(key=lambda p: (p.reference.module, p.reference.key))
    return KindComparison(kind, tuple(pairs), tuple(free_ref), tuple(free_resp))


def module_call_items(config: Configuration) -> list[Item]:
    return [
        Item("module", call.name, path, call.block.span)
        for path in sorted(config.modules)
        for call in config.modules[path].calls
    ]


def match_module_calls(
    ref_side: Side, resp_side: Side, module_map: dict[str, str]
) -> KindComparison:
    """Module calls: both local and resolving to mapped directories, else the same remote
    source, else the same or a similar call name in the mapped caller."""
    ref_items = module_call_items(ref_side.config)
    resp_items = module_call_items(resp_side.config)
    pairs: list[Pair] = []
    free_resp = list(resp_items)
    free_ref: list[Item] = []

    def call_of(side: Side, item: Item) -> tuple[str | None, str | None]:
        call = side.config.modules[item.module].call(item.key)
        if call is None:
            return None, None
        source = (call.source or "").strip().rstrip("/")
        return call.resolved, source.split("?")[0]

    for a in ref_items:
        resolved, source = call_of(ref_side, a)
        found = None
        for b in free_resp:
            b_resolved, b_source = call_of(resp_side, b)
            if resolved and b_resolved and module_map.get(resolved) == b_resolved:
                found = (b, MatchHow.PATH)
                break
            if (
                not resolved
                and source
                and not b_resolved
                and _remote(source)
                and source == b_source
            ):
                found = (b, MatchHow.SOURCE)
                break
        if found is None:
            free_ref.append(a)
            continue
        pairs.append(Pair(a, found[0], found[1]))
        free_resp.remove(found[0])
    rest = match_named("modules", free_ref, free_resp, ref_side, resp_side)
    return KindComparison(
        "modules",
        tuple(sorted((*pairs, *rest.pairs), key=lambda p: (p.reference.module, p.reference.key))),
        rest.missing,
        rest.extra,
    )


def _remote(source: str) -> bool:
    return not source.startswith(("./", "../"))


def file_items(tree: FileTree, config: Configuration, prefix: str) -> list[Item]:
    return [
        Item("file", strip_prefix(f.path, prefix), "", Span(f.path, 1))
        for f in sorted(tree.files, key=lambda f: f.path)
    ]


def match_files(
    ref_tree: FileTree,
    resp_tree: FileTree,
    ref_side: Side,
    resp_side: Side,
    ref_prefix: str,
    resp_prefix: str,
) -> KindComparison:
    """Files by path relative to the tree prefix, where a module file's folder is translated
    through the module map; then by file name within the same folder."""

    def key(item: Item, side: Side, prefix: str) -> str:
        folder, name = posixpath.split(item.span.path if item.span else item.key)
        if folder in side.config.modules:
            return posixpath.join("<" + side.ref_module(folder) + ">", name)
        return item.key

    ref_items = file_items(ref_tree, ref_side.config, ref_prefix)
    resp_items = file_items(resp_tree, resp_side.config, resp_prefix)
    resp_by_key: dict[str, Item] = {}
    for b in resp_items:
        resp_by_key.setdefault(key(b, resp_side, resp_prefix), b)
    pairs: list[Pair] = []
    missing: list[Item] = []
    used: set[int] = set()
    for a in ref_items:
        found = resp_by_key.get(key(a, ref_side, ref_prefix))
        if found is not None and id(found) not in used:
            used.add(id(found))
            pairs.append(Pair(a, found, MatchHow.PATH))
        else:
            missing.append(a)
    extra = [b for b in resp_items if id(b) not in used]
    return KindComparison("files", tuple(pairs), tuple(missing), tuple(extra))


def backend_items(config: Configuration) -> list[tuple[Item, Block]]:
    module = config.root_module
    backend = module.backend
    if backend is None:
        return []
    label = backend.labels[0] if backend.labels else backend.kind
    return [(Item("backend", label, module.path, backend.span), backend)]
