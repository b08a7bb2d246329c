"""Put both trees on the same footing before comparing: strip the tree prefix (a ``lib/`` or
``terraform/`` folder around the root module in one tree and not the other), and map each
reference module directory to the response directory that plays its part (by relative path,
by the name of the call that uses it, then by name and content similarity)."""

from __future__ import annotations

import posixpath
from difflib import SequenceMatcher

from harness.compare.types import MatchHow, ModuleMapping
from harness.terraform.model import Configuration

#: Minimum similarity for pairing two module directories that share neither path nor call name.
MODULE_SIMILARITY_MIN = 0.45


def tree_prefix(config: Configuration) -> str:
    """The folder every module lives under, anchored on the root module: the root's path when
    all modules sit below it (``lib``), else the longest common folder of all modules."""
    root = config.root
    paths = list(config.modules) or [root]
    if all(_under(p, root) for p in paths):
        return root
    common = posixpath.commonpath(paths) if all(paths) else ""
    return common if all(_under(p, common) for p in paths) else ""


def strip_prefix(path: str, prefix: str) -> str:
    """``path`` relative to ``prefix`` when under it (``lib/modules/db`` -> ``modules/db``)."""
    if not prefix:
        return path
    if path == prefix:
        return ""
    if path.startswith(prefix + "/"):
        return path[len(prefix) + 1 :]
    return path


def name_similarity(a: str, b: str) -> float:
    """Similarity of two names in [0, 1]; a prefix (``db`` / ``database``) counts as close."""
    a, b = a.lower().replace("-", "_"), b.lower().replace("-", "_")
    if a == b:
        return 1.0
    ratio = SequenceMatcher(None, a, b).ratio()
    if a and b and (a.startswith(b) or b.startswith(a)):
        ratio = max(ratio, 0.8)
    return ratio


def may_be_similar(a: str, b: str, minimum: float) -> bool:
    """Cheap upper bound of ``name_similarity`` >= minimum (skips difflib's full ratio)."""
    if minimum > 1.0:
        return a.lower() == b.lower()
    a, b = a.lower().replace("-", "_"), b.lower().replace("-", "_")
    if a.startswith(b) or b.startswith(a):
        return True
    # difflib's ``real_quick_ratio`` (twice the shorter length over both), an upper bound of
    # ``quick_ratio`` computed the same way, spares building a matcher for most pairs
    if 2.0 * min(len(a), len(b)) / (len(a) + len(b)) < minimum:
        return False
    return SequenceMatcher(None, a, b).quick_ratio() >= minimum


def jaccard(a: set[str] | frozenset[str], b: set[str] | frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def map_modules(reference: Configuration, response: Configuration) -> tuple[ModuleMapping, ...]:
    """Pair reference module directories with response ones (one to one), root with root."""
    ref_prefix, resp_prefix = tree_prefix(reference), tree_prefix(response)
    mapping: dict[str, ModuleMapping] = {
        reference.root: ModuleMapping(reference.root, response.root, MatchHow.PATH)
    }
    taken = {response.root}

    def add(ref: str, resp: str, how: MatchHow, similarity: float = 1.0) -> None:
        mapping[ref] = ModuleMapping(ref, resp, how, round(similarity, 4))
        taken.add(resp)

    resp_by_key = {strip_prefix(p, resp_prefix): p for p in sorted(response.modules)}
    for ref in sorted(reference.modules):
        if ref in mapping:
            continue
        resp = resp_by_key.get(strip_prefix(ref, ref_prefix))
        if resp is not None and resp not in taken:
            add(ref, resp, MatchHow.PATH)

    # Follow calls: module "database" in mapped callers resolves to directories that match.
    changed = True
    while changed:
        changed = False
        for ref_caller, m in sorted(mapping.items()):
            ref_module = reference.modules.get(ref_caller)
            resp_module = response.modules.get(m.response)
            if ref_module is None or resp_module is None:
                continue
            for call in ref_module.calls:
                other = resp_module.call(call.name)
                if (
                    call.resolved
                    and call.resolved not in mapping
                    and other is not None
                    and other.resolved
                    and other.resolved not in taken
                ):
                    add(call.resolved, other.resolved, MatchHow.NAME)
                    changed = True

    # Whatever is left: by directory name and by the resource types each declares.
    candidates: list[tuple[float, str, str]] = []
    for ref in sorted(set(reference.modules) - set(mapping)):
        for resp in sorted(set(response.modules) - taken):
            score = 0.4 * name_similarity(posixpath.basename(ref), posixpath.basename(resp))
            score += 0.6 * jaccard(_types(reference, ref), _types(response, resp))
            if score >= MODULE_SIMILARITY_MIN:
                candidates.append((score, ref, resp))
    for score, ref, resp in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if ref not in mapping and resp not in taken:
            add(ref, resp, MatchHow.SIMILARITY, score)
    return tuple(mapping[k] for k in sorted(mapping))


def _types(config: Configuration, path: str) -> set[str]:
    module = config.modules[path]
    return {r.type for r in (*module.resources, *module.data)}


def _under(path: str, folder: str) -> bool:
    return not folder or path == folder or path.startswith(folder + "/")
