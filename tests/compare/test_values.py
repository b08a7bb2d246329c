"""Canonical values: the fast forms agree with the rules they replace."""

from __future__ import annotations

import re
import sys
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from harness.compare.values import Canon, _sorted, canon_python, norm_text

_WS = re.compile(r"\s+")


def test_split_and_the_regex_know_the_same_whitespace() -> None:
    """``norm_text`` splits on ``str.split``'s whitespace; the rule it replaces used ``\\s``."""
    differ = [
        hex(c) for c in range(sys.maxunicode + 1) if bool(_WS.fullmatch(chr(c))) != chr(c).isspace()
    ]
    assert differ == []


@given(st.text(alphabet=st.sampled_from(" \t\n\r\x0b\x0c\x1c\x85\xa0\u2003\u3000ab-")))
def test_norm_text_is_the_regex_rule(text: str) -> None:
    assert norm_text(text) == _WS.sub(" ", text).strip()


def _sorted_by_rule(items: list[Canon]) -> tuple[Canon, ...]:
    """The rule: sorted by hash; equal hashes of different values fall back to repr."""
    values = sorted(items, key=hash)
    if any(hash(a) == hash(b) and a != b for a, b in pairwise(values)):
        values.sort(key=lambda v: (hash(v), repr(v)))
    return tuple(values)


_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=3), st.sampled_from([-1, -2])
)
_CANON = st.recursive(
    _SCALARS,
    lambda inner: st.tuples(st.just("list"), st.lists(inner, max_size=4).map(tuple)),
    max_leaves=12,
)


@given(st.lists(_CANON, max_size=8))
def test_sorted_is_the_hash_order_rule(items: list[Canon]) -> None:
    assert _sorted(iter(items)) == _sorted_by_rule(items)


def test_equal_hashes_of_different_values_still_sort_alike() -> None:
    assert hash(-1) == hash(-2)
    rule = _sorted_by_rule([-1, -2, -1])
    assert _sorted(iter([-1, -2, -1])) == _sorted(iter([-2, -1, -1])) == rule
    assert canon_python([-2, -1]) == canon_python([-1, -2])
