"""Leaf indexes and block similarity: the written-out forms agree with the plain rules."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from harness.compare.attributes import leaf_index, similarity
from harness.compare.reference import reference_resolver
from harness.compare.values import Canon
from harness.terraform import build
from harness.terraform.model import Reference
from harness.vocabulary import Span
from tests.terraform.helpers import tree_of

_values = st.one_of(st.integers(-3, 3), st.sampled_from(["a", "b", True, None, ("block",)]))
_indexes = st.dictionaries(
    st.sampled_from(["name", "tags", "tags.Name", "rule", "rule.id", "acl"]),
    st.lists(_values, min_size=1, max_size=3),
    max_size=6,
)


def _plain_similarity(ref: dict[str, list[Canon]], resp: dict[str, list[Canon]]) -> float:
    """The rule as stated: Jaccard of the paths, and the share of shared paths where some
    value agrees, half each."""
    if not ref and not resp:
        return 1.0
    shared = set(ref) & set(resp)
    path_score = len(shared) / len(set(ref) | set(resp))
    if not shared:
        return 0.5 * path_score
    equal = sum(1 for p in shared if any(v in resp[p] for v in ref[p]))
    return 0.5 * path_score + 0.5 * equal / len(shared)


@given(_indexes, _indexes)
def test_similarity_is_the_plain_rule(
    ref: dict[str, list[Canon]], resp: dict[str, list[Canon]]
) -> None:
    assert similarity(ref, resp) == _plain_similarity(ref, resp)


def test_leaf_index_lists_every_path_and_is_kept() -> None:
    config = build(
        tree_of(
            {
                "main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  depends_on = []\n'
                '  rule {\n    id = 1\n  }\n  rule {\n    id = "2"\n  }\n}\n'
            }
        )
    )
    block = next(iter(config.resources())).block
    resolver = reference_resolver(config)
    index = leaf_index(block, resolver, "")
    assert index == {"bucket": ["x"], "rule": [("block",), ("block",)], "rule.id": [1, 2]}
    assert leaf_index(block, resolver, "") is index


@given(
    st.lists(st.sampled_from(["data", "aws_s3_bucket", "b", "c", "arn", "var", "x"]), max_size=5)
)
def test_the_attribute_path_after_an_address_is_the_models(parts: list[str]) -> None:
    """``Resolver.reference`` cuts the attribute path after the address itself."""
    ref = Reference(tuple(parts), ".".join(parts), Span("main.tf", 1))
    address = ref.address
    assert ref.parts[address.count(".") + 1 :] == ref.attribute_path
