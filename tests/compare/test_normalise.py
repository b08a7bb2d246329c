"""Name similarity bounds: the cheap pre-check never changes the answer."""

from __future__ import annotations

from difflib import SequenceMatcher

from hypothesis import given
from hypothesis import strategies as st

from harness.compare.normalise import may_be_similar, name_similarity

_names = st.text(alphabet="abcd_-XY", max_size=12)


def _plain_may_be_similar(a: str, b: str, minimum: float) -> bool:
    """The bound as first written: a prefix, else difflib's ``quick_ratio``."""
    if minimum > 1.0:
        return a.lower() == b.lower()
    a, b = a.lower().replace("-", "_"), b.lower().replace("-", "_")
    if a.startswith(b) or b.startswith(a):
        return True
    return SequenceMatcher(None, a, b).quick_ratio() >= minimum


@given(_names, _names, st.sampled_from([0.0, 0.3, 0.5, 0.75, 0.8, 0.9, 1.0, 1.1]))
def test_may_be_similar_is_the_plain_bound(a: str, b: str, minimum: float) -> None:
    assert may_be_similar(a, b, minimum) == _plain_may_be_similar(a, b, minimum)


@given(_names, _names, st.sampled_from([0.3, 0.5, 0.75, 0.9, 1.0]))
def test_may_be_similar_never_rules_out_a_similar_name(a: str, b: str, minimum: float) -> None:
    if name_similarity(a, b) >= minimum:
        assert may_be_similar(a, b, minimum)
