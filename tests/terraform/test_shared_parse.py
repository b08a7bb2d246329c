"""A tree shared between the model and the overlay split gives what a fresh parse gives.

``reader.read_hcl`` and ``hcl_blocks.top_level_blocks`` offer the tree of a whole file when
done and take one for exactly the same bytes instead of parsing again; property tests over
HCL-like texts (clean, broken, non-ASCII) keep both results equal to a fresh parse's, in both
orders (the model first is the corpus run's order: a turn's files are read before a later
turn's overlay splits them).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.extract import hcl_blocks
from harness.extract.hcl_blocks import _HandOff, take_tree
from harness.terraform.cst import file_tree, parse_bytes
from harness.terraform.reader import read_hcl

_PIECES = [
    'resource "aws_s3_bucket" "b" {\n',
    'variable "v" {\n  default = "é"\n}\n',
    "locals {\n  a = [1, 2]\n  b = { x = var.v }\n}\n",
    '  tags = { Name = "${var.v}-x" }\n',
    "  count = var.n > 0 ? 1 : 0\n",
    "}\n",
    "{\n",
    '"unclosed\n',
    "x = \n",
    "# comment ...\n",
    "  policy = <<EOF\n{}\nEOF\n",
]
_TEXTS = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)


def _read(data: bytes) -> object:
    return read_hcl("main.tf", data, max_depth=120, max_recoveries=200)


def _split(text: str) -> object:
    return hcl_blocks.top_level_blocks.__wrapped__(text)  # past its own lru cache


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_the_split_reads_the_models_tree_as_a_fresh_parse(text: str) -> None:
    data = text.encode("utf-8")
    while take_tree(data) is not None:  # nothing held from an earlier example
        pass
    fresh = _split(text)  # parses, then offers its tree
    assert take_tree(data) is not None  # held until taken, once
    assert take_tree(data) is None
    _read(data)  # parses, then offers its tree
    assert _split(text) == fresh  # from the model's tree


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_the_model_reads_the_splits_tree_as_a_fresh_parse(text: str) -> None:
    data = text.encode("utf-8")
    while take_tree(data) is not None:
        pass
    fresh = _read(data)
    assert take_tree(data) is not None and take_tree(data) is None
    _split(text)  # parses, then offers its tree
    assert _read(data) == fresh  # from the split's tree
    assert take_tree(data) is not None  # offered back after the read


def test_the_hand_off_gives_a_tree_once_and_stays_bounded() -> None:
    store = _HandOff(max_entries=2, max_bytes=10)
    a, b, c = b"a = 1\n", b"b = 2\n", b"c = 3\n"
    tree = parse_bytes(a)
    store.put(a, tree)
    assert store.take(a) is tree and store.take(a) is None
    store.put(a, parse_bytes(a))
    store.put(b, parse_bytes(b))  # 12 bytes > 10: the oldest (a) goes
    assert store.take(a) is None and store.take(b) is not None
    by_count = _HandOff(max_entries=2, max_bytes=100)
    for data in (a, b, c):
        by_count.put(data, parse_bytes(data))  # 3 entries > 2: the oldest goes
    assert by_count.take(a) is None
    assert by_count.take(b) is not None and by_count.take(c) is not None
    store.put(b"x" * 11, parse_bytes(b"x"))  # larger than the whole budget: not kept
    assert store.take(b"x" * 11) is None


def test_file_tree_parses_what_is_not_held_and_offers_it_back() -> None:
    data = b'variable "never_seen" {}\n'
    assert take_tree(data) is None
    with file_tree(data) as tree:
        assert str(tree.root_node) == str(parse_bytes(data).root_node)
        assert take_tree(data) is None  # in use: not held
    assert take_tree(data) is tree
