"""Page names come from untrusted ids: always safe, never colliding."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from harness.report.naming import Slugger, slug

SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*$")


def test_safe_ids_are_kept() -> None:
    for text in ("tf-348798", "MODEL_RESPONSE2+overlay", "IDEAL_RESPONSE", "a.b"):
        assert slug(text) == text


def test_hostile_ids_become_safe_names() -> None:
    for text in (
        "../../etc/passwd",
        "",
        ".",
        "..",
        "<script>x</script>",
        "a/b\\c",
        "CON",
        "nul.txt",
    ):
        name = slug(text)
        assert SAFE.match(name), name
        assert ".." not in name.split("-")[0] or name != text
        assert name not in (".", "..")
    assert slug("CON") != "CON"


@given(st.text(max_size=80))
def test_any_text_gives_a_safe_bounded_name(text: str) -> None:
    name = slug(text)
    assert SAFE.match(name)
    assert len(name) <= 70


@given(st.lists(st.text(max_size=20), min_size=2, max_size=12, unique=True))
def test_slugger_never_gives_two_ids_one_name(texts: list[str]) -> None:
    slugger = Slugger()
    names = [slugger(t) for t in texts]
    assert len({n.lower() for n in names}) == len(texts)
    assert [slugger(t) for t in texts] == names  # stable for repeated ids


def test_case_only_differences_do_not_collide() -> None:
    slugger = Slugger()
    assert slugger("Task").lower() != slugger("task").lower()
