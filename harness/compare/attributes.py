"""Attribute-level comparison of two matched blocks (resources, data sources, the backend).

Seen from the reference: every attribute and nested block it sets is present or missing in the
response, and every present attribute's value agrees or differs after normalisation
(``values.Resolver``). Repeated nested blocks (``ingress``, ``rule``) are paired by content,
not by position. Security-relevant attributes are flagged so agreement can weigh them higher.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache

from harness.compare.types import AttributeComparison, AttrStatus
from harness.compare.values import Canon, Resolver
from harness.facts import security_names
from harness.terraform.model import Block

#: Path components that make an attribute security-relevant: encryption, public access,
#: versioning, network exposure, identity policies, secrets handling. The security arguments of
#: the setting-facts table (``harness.facts``) are always included; the names below cover the
#: arguments the table has no row for.
SECURITY_NAMES = security_names() | frozenset(
    {
        # encryption at rest and in transit
        "server_side_encryption_configuration",
        "apply_server_side_encryption_by_default",
        "sse_algorithm",
        "kms_master_key_id",
        "kms_key_id",
        "kms_key_arn",
        "bucket_key_enabled",
        "storage_encrypted",
        "encrypted",
        "encryption",
        "encryption_configuration",
        "encrypt",
        "enable_key_rotation",
        "at_rest_encryption_enabled",
        "transit_encryption_enabled",
        # public exposure
        "block_public_acls",
        "block_public_policy",
        "ignore_public_acls",
        "restrict_public_buckets",
        "publicly_accessible",
        "map_public_ip_on_launch",
        "associate_public_ip_address",
        "acl",
        "cidr_blocks",
        "ipv6_cidr_blocks",
        "cidr_ipv4",
        "cidr_ipv6",
        # data protection
        "versioning_configuration",
        "versioning",
        "deletion_protection",
        "overwrite",
        # identity and access
        "policy",
        "assume_role_policy",
        "inline_policy",
        "iam_database_authentication_enabled",
        "manage_master_user_password",
        "http_tokens",
    }
)

#: Resource arguments that say how Terraform handles the block, not what it builds.
IGNORED_ARGUMENTS = frozenset({"depends_on", "provider", "provisioner", "connection"})


@lru_cache(maxsize=4096)
def is_security(path: str) -> bool:
    """Whether a dotted attribute path passes through a security-relevant name (kept by path:
    the same few hundred paths recur in every comparison)."""
    return any(part.split("[")[0] in SECURITY_NAMES for part in path.split("."))


def _kind_of(block: Block) -> str:
    """``dynamic "ingress"`` counts as an ``ingress`` block."""
    if block.kind == "dynamic" and block.labels:
        return block.labels[0]
    return block.kind


def similarity(ref: Mapping[str, list[Canon]], resp: Mapping[str, list[Canon]]) -> float:
    """How alike two blocks are, in [0, 1]: shared paths (Jaccard) and, on shared paths,
    the share of equal values."""
    if not ref and not resp:
        return 1.0
    shared = ref.keys() & resp.keys()
    path_score = len(shared) / (len(ref) + len(resp) - len(shared))  # over the union
    if not shared:
        return 0.5 * path_score
    equal = 0
    for path in shared:
        values = resp[path]
        if any(v in values for v in ref[path]):
            equal += 1
    return 0.5 * path_score + 0.5 * equal / len(shared)


def leaf_index(block: Block, resolver: Resolver, module: str) -> Mapping[str, list[Canon]]:
    """Dotted path -> its canonical values, for every attribute under a block; nested blocks
    as ``kind`` (value ``("block",)``) and their attributes as ``kind.attr`` (no indices:
    used for similarity, where position must not matter). Computed once per block and
    resolver (the resolver keeps it: its values never change, and a block is indexed again
    for every candidate pairing). Read only: the index is shared."""
    key = (id(block), module)
    known = resolver.leaf_indexes.get(key)
    if known is not None and known[0] is block:
        return known[1]
    index: dict[str, list[Canon]] = {}
    _add_leaves(index, block, resolver, module, "")
    resolver.leaf_indexes[key] = (block, index)
    return index


def _add_leaves(
    index: dict[str, list[Canon]], block: Block, resolver: Resolver, module: str, prefix: str
) -> None:
    for attribute in block.attributes:
        if not prefix and attribute.name in IGNORED_ARGUMENTS:
            continue
        index.setdefault(prefix + attribute.name, []).append(resolver.canon(attribute.expr, module))
    for child in block.blocks:
        kind = _kind_of(child)
        index.setdefault(prefix + kind, []).append(_BLOCK)
        _add_leaves(index, child, resolver, module, f"{prefix}{kind}.")


#: The value of a nested block's own path in a leaf index.
_BLOCK: Canon = ("block",)


def compare_blocks(
    ref: Block,
    resp: Block,
    ref_resolver: Resolver,
    resp_resolver: Resolver,
    ref_module: str,
    resp_module: str,
    prefix: str = "",
) -> tuple[list[AttributeComparison], list[str]]:
    """Compare ``resp`` with ``ref``; returns the per-attribute comparisons and the names of
    attributes/blocks only the response sets (top level of this block)."""
    out: list[AttributeComparison] = []
    for attribute in ref.attributes:
        if not prefix and attribute.name in IGNORED_ARGUMENTS:
            continue
        path = prefix + attribute.name
        other = resp.attr(attribute.name)
        if other is None:
            out.append(
                AttributeComparison(
                    path,
                    AttrStatus.MISSING,
                    is_security(path),
                    False,
                    attribute.span,
                    None,
                    attribute.expr.text,
                )
            )
            continue
        same = ref_resolver.canon(attribute.expr, ref_module) == resp_resolver.canon(
            other.expr, resp_module
        )
        out.append(
            AttributeComparison(
                path,
                AttrStatus.AGREE if same else AttrStatus.DIFFER,
                is_security(path),
                False,
                attribute.span,
                other.span,
                attribute.expr.text,
                other.expr.text,
            )
        )

    ref_kinds = _group(ref.blocks)
    resp_kinds = _group(resp.blocks)
    for kind, ref_children in ref_kinds.items():
        pairs = _pair_children(
            ref_children,
            resp_kinds.get(kind, []),
            ref_resolver,
            resp_resolver,
            ref_module,
            resp_module,
        )
        for i, (ref_child, resp_child) in enumerate(pairs):
            path = prefix + kind + (f"[{i}]" if len(ref_children) > 1 else "")
            if resp_child is None:
                out.append(
                    AttributeComparison(
                        path, AttrStatus.MISSING, is_security(path), True, ref_child.span, None
                    )
                )
                out.extend(_all_missing(ref_child, path + "."))
                continue
            out.append(
                AttributeComparison(
                    path, AttrStatus.AGREE, is_security(path), True, ref_child.span, resp_child.span
                )
            )
            inner, _ = compare_blocks(
                ref_child,
                resp_child,
                ref_resolver,
                resp_resolver,
                ref_module,
                resp_module,
                path + ".",
            )
            out.extend(inner)

    ref_names = {a.name for a in ref.attributes} | set(ref_kinds)
    extra = [a.name for a in resp.attributes if a.name not in ref_names]
    extra += [k for k in resp_kinds if k not in ref_names]
    if not prefix:
        extra = [e for e in extra if e not in IGNORED_ARGUMENTS]
    return out, extra


def _group(blocks: tuple[Block, ...]) -> dict[str, list[Block]]:
    grouped: dict[str, list[Block]] = {}
    for block in blocks:
        grouped.setdefault(_kind_of(block), []).append(block)
    return grouped


def _pair_children(
    ref_children: list[Block],
    resp_children: list[Block],
    ref_resolver: Resolver,
    resp_resolver: Resolver,
    ref_module: str,
    resp_module: str,
) -> list[tuple[Block, Block | None]]:
    """Pair repeated nested blocks by content (greedy, most similar first); order kept."""
    if len(ref_children) == 1 and len(resp_children) == 1:
        return [(ref_children[0], resp_children[0])]
    ref_idx = [leaf_index(b, ref_resolver, ref_module) for b in ref_children]
    resp_idx = [leaf_index(b, resp_resolver, resp_module) for b in resp_children]
    scored = sorted(
        ((-similarity(r, s), i, j) for i, r in enumerate(ref_idx) for j, s in enumerate(resp_idx)),
    )
    chosen: dict[int, int] = {}
    used: set[int] = set()
    for _, i, j in scored:
        if i not in chosen and j not in used:
            chosen[i] = j
            used.add(j)
    return [
        (child, resp_children[chosen[i]] if i in chosen else None)
        for i, child in enumerate(ref_children)
    ]


def _all_missing(block: Block, prefix: str) -> Iterator[AttributeComparison]:
    for attribute in block.attributes:
        path = prefix + attribute.name
        yield AttributeComparison(
            path,
            AttrStatus.MISSING,
            is_security(path),
            False,
            attribute.span,
            None,
            attribute.expr.text,
        )
    groups = _group(block.blocks)
    for kind, children in groups.items():
        for i, child in enumerate(children):
            path = prefix + kind + (f"[{i}]" if len(children) > 1 else "")
            yield AttributeComparison(
                path, AttrStatus.MISSING, is_security(path), True, child.span, None
            )
            yield from _all_missing(child, path + ".")
