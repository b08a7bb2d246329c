"""The reference side kept across comparisons gives what a new one gives."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.compare import compare, summarise
from harness.compare import values as values_module
from harness.compare.match import Side
from harness.compare.reference import (
    ReferenceSide,
    key_queries,
    new_reference_side,
    reachable_expressions,
    reference_resolver,
    reference_side,
)
from harness.compare.values import Canon
from harness.extract import tree_from_directory
from harness.terraform import build
from harness.terraform.model import Configuration
from tests.compare.test_compare import FIXTURES
from tests.terraform.helpers import tree_of

CASES = ("renamed", "prefix", "values")


def _chain(n: int) -> dict[str, str]:
    """A bucket whose name goes through ``n`` locals, the last one a literal."""
    locals_ = "".join(f"  l{i} = local.l{i + 1}\n" for i in range(1, n))
    return {
        "main.tf": f'locals {{\n{locals_}  l{n} = "bucket"\n}}\n'
        'resource "aws_s3_bucket" "b" {\n  bucket = local.l1\n}\n'
    }


def _modules(n: int) -> dict[str, str]:
    """A root output that goes through ``n`` nested modules (output -> module output -> ...),
    each passing a variable down, the innermost returning it."""
    files = {"main.tf": 'module "m1" {\n  source = "./m1"\n  name = "x"\n}\n'}
    files["main.tf"] += 'output "name" {\n  value = module.m1.name\n}\n'
    for i in range(1, n + 1):
        inner = (
            f'module "m{i + 1}" {{\n  source = "./m{i + 1}"\n  name = var.name\n}}\n'
            f'output "name" {{\n  value = module.m{i + 1}.name\n}}\n'
            if i < n
            else 'output "name" {\n  value = var.name\n}\n'
        )
        path = "/".join(f"m{k}" for k in range(1, i + 1))
        files[f"{path}/main.tf"] = 'variable "name" {}\n' + inner
    return files


def _truncates(config: Configuration, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Whether canonicalising some expression of ``config`` on its own reaches the depth limit:
    its value then differs from the one computed without a limit."""

    def all_values() -> list[Canon]:
        out = []
        for expr, module in reachable_expressions(config):
            resolver = reference_resolver(config)  # a new one: nothing cached before
            out.append(resolver.canon(expr, module))
        return out

    limited = all_values()
    with monkeypatch.context() as patch:
        patch.setattr(values_module, "MAX_DEPTH", 10_000)
        unlimited = all_values()
    return limited != unlimited


@pytest.mark.parametrize("n", range(3, 13))
@pytest.mark.parametrize("shape", [_chain, _modules])
def test_never_truncates_agrees_with_canon_at_the_depth_limit(
    shape: Callable[[int], dict[str, str]], n: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = build(tree_of(shape(n)))
    resolver = reference_resolver(config)
    assert resolver.never_truncates() is not _truncates(config, monkeypatch)


def test_chains_around_the_limit_are_told_apart() -> None:
    """A bucket name through 8 locals is canonicalised in full (depth 8); through 9 the
    ninth is cut to its text."""
    assert reference_resolver(build(tree_of(_chain(8)))).never_truncates()
    assert not reference_resolver(build(tree_of(_chain(9)))).never_truncates()


def test_a_cycle_is_never_shared() -> None:
    config = build(tree_of({"main.tf": 'locals {\n  a = local.b\n  b = "${local.a}-x"\n}\n'}))
    assert not reference_resolver(config).never_truncates()
    assert reference_side(config) is not reference_side(config)


def test_a_safe_reference_is_kept() -> None:
    config = build(tree_from_directory(FIXTURES / "renamed" / "reference"))
    assert reference_side(config) is reference_side(config)
    assert new_reference_side(config) is not reference_side(config)


@pytest.mark.parametrize("case", CASES)
def test_kept_reference_side_compares_as_a_new_one(case: str) -> None:
    """Each response compared with a reference already used for the other responses (in
    both orders) gives what it gives with a reference never used before."""
    ref_tree = tree_from_directory(FIXTURES / case / "reference")
    responses = [tree_from_directory(FIXTURES / c / "response") for c in CASES]
    models = [build(tree) for tree in responses]
    kept = build(ref_tree)
    for order in (models, list(reversed(models))):
        for model in order:
            tree = responses[models.index(model)]
            fresh = build(ref_tree)  # a new object: its reference side is new too
            expected = compare(tree, model, ref_tree, fresh)
            got = compare(tree, model, ref_tree, kept)
            assert got == expected
            assert summarise(got) == summarise(expected)


def test_a_copied_reference_is_not_confused_with_the_original() -> None:
    config = build(tree_from_directory(FIXTURES / "values" / "reference"))
    twin = copy.deepcopy(config)
    assert reference_side(twin) is not reference_side(config)
    assert reference_side(twin).side.config is twin


# --- the response that is the reference reads the kept side's values ----------------------

_TYPES = ("aws_s3_bucket", "aws_iam_role")
_NAMES = ("a", "b", "c")
_VARIABLES = ("x", "y", "z")


def _expressions() -> st.SearchStrategy[str]:
    """HCL expressions that mix literals with every kind of reference a resolver keys or
    follows: declared and undeclared resources, data sources, variables and locals."""
    leaf = st.one_of(
        st.sampled_from(['"literal"', "5432", "true", '"5432"']),
        st.sampled_from(_VARIABLES).map(lambda v: f"var.{v}"),
        st.sampled_from(("l1", "l2", "nope")).map(lambda n: f"local.{n}"),
        st.tuples(st.sampled_from(_TYPES), st.sampled_from(_NAMES)).map(
            lambda tn: f"{tn[0]}.{tn[1]}.arn"
        ),
        st.just("data.aws_caller_identity.current.account_id"),
    )
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
            st.lists(inner, min_size=1, max_size=3).map(
                lambda xs: "{ " + " ".join(f"k{i} = {x}" for i, x in enumerate(xs)) + " }"
            ),
            inner.map(lambda x: f'"${{{x}}}-suffix"'),
        ),
        max_leaves=4,
    )


@st.composite
def _configurations(draw: st.DrawFn) -> dict[str, str]:
    expr = _expressions()
    text = ""
    for variable in draw(st.lists(st.sampled_from(_VARIABLES), unique=True)):
        default = draw(st.one_of(st.none(), expr))
        text += f'variable "{variable}" {{\n' + (f"  default = {default}\n" if default else "")
        text += "}\n"
    text += f"locals {{\n  l1 = {draw(expr)}\n  l2 = local.l1\n}}\n"
    if draw(st.booleans()):
        text += 'data "aws_caller_identity" "current" {}\n'
    declared = draw(
        st.lists(st.tuples(st.sampled_from(_TYPES), st.sampled_from(_NAMES)), unique=True)
    )
    for kind, name in declared:
        body = "".join(f"  {k} = {draw(expr)}\n" for k in ("name", "policy"))
        if draw(st.booleans()):
            body += f"  tags {{\n    Name = {draw(expr)}\n  }}\n"
        text += f'resource "{kind}" "{name}" {{\n{body}}}\n'
    text += f'output "o" {{\n  value = {draw(expr)}\n}}\n'
    return {"main.tf": text}


def _compare_self(files: dict[str, str], kept: bool) -> tuple[object, object]:
    """A configuration compared with itself, with the kept side standing in for the
    response where it may (``kept``) or never."""
    tree = tree_of(files)
    config = build(tree)  # new: its reference side is new too
    with pytest.MonkeyPatch.context() as patch:
        if not kept:
            patch.setattr(ReferenceSide, "loose_as_reference", lambda self, response: False)
            patch.setattr(ReferenceSide, "resolves_as_reference", lambda self, *args: False)
        comparison = compare(tree, config, tree, config)
    return comparison, summarise(comparison)


@settings(max_examples=150, deadline=None)
@given(_configurations())
def test_the_reference_as_its_own_response_compares_as_with_new_resolvers(
    files: dict[str, str],
) -> None:
    """Reading the kept side's values for the response changes no result."""
    assert _compare_self(files, kept=True) == _compare_self(files, kept=False)


@pytest.mark.parametrize("case", CASES)
def test_the_kept_side_stands_in_for_the_response_that_is_the_reference(case: str) -> None:
    tree = tree_from_directory(FIXTURES / case / "reference")
    config = build(tree)
    prepared = reference_side(config)
    assert prepared.shared
    assert prepared.loose_as_reference(prepared.side)
    renamed = {p: "?" + p for p in prepared.side.to_reference_module}
    assert not prepared.loose_as_reference(Side(config, renamed))
    other = build(tree)  # equal, but another object: its resolvers are its own
    assert not prepared.loose_as_reference(Side(other, prepared.side.to_reference_module))


def test_a_self_contained_reference_stands_in_for_both_response_resolvers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every variable and resource it refers to is declared: each maps to itself."""
    answers: list[bool] = []
    stands_in = ReferenceSide.resolves_as_reference

    def spy(self: ReferenceSide, *args: Any) -> bool:
        answers.append(stands_in(self, *args))
        return answers[-1]

    monkeypatch.setattr(ReferenceSide, "resolves_as_reference", spy)
    files = {
        "main.tf": (
            'variable "name" {\n  default = "n"\n}\n'
            'resource "aws_iam_role" "r" {\n  name = var.name\n}\n'
            'resource "aws_s3_bucket" "b" {\n  bucket = "${var.name}-${aws_iam_role.r.id}"\n}\n'
        )
    }
    assert _compare_self(files, kept=True) == _compare_self(files, kept=False)
    assert answers == [True]


def test_what_the_configuration_does_not_declare_keys_alike_on_both_sides() -> None:
    """``var.m`` and ``random_password.p`` are declared nowhere: both sides key them as
    undeclared, so the kept resolver stands in for the response's; a declared variable that
    pairs with another name does not let it."""
    files = {
        "main.tf": (
            'variable "d" {}\n'
            'resource "aws_s3_bucket" "b" {\n  bucket = "${var.m}-${var.d}"\n'
            "  tags = { p = random_password.p.result }\n}\n"
        )
    }
    config = build(tree_of(files))
    prepared = reference_side(config)
    queries = prepared.key_queries
    assert queries.variables == frozenset({("", "m"), ("", "d")})
    assert queries.resources == frozenset({("", "random_password.p")})
    assert prepared.resolves_as_reference(prepared.side, {}, {("", "d"): "d"})
    assert not prepared.resolves_as_reference(prepared.side, {}, {("", "d"): "?d"})
    assert not prepared.resolves_as_reference(prepared.side, {}, {})
    comparison, _ = _compare_self(files, kept=False)
    assert comparison.attribute_agreement() == 1.0


def test_key_queries_find_references_in_every_reachable_expression() -> None:
    files = {
        "main.tf": (
            "locals {\n  l = aws_vpc.v.id\n}\n"
            'variable "a" {\n  default = var.b\n}\n'
            'module "m" {\n  source = "./m"\n  n = data.aws_region.r.name\n}\n'
            'resource "aws_subnet" "s" {\n  tags {\n    Name = aws_vpc.w.id\n  }\n}\n'
        ),
        "m/main.tf": 'variable "n" {}\noutput "o" {\n  value = aws_iam_role.r.arn\n}\n',
    }
    queries = key_queries(build(tree_of(files)))
    assert queries.resources == {
        ("", "aws_vpc.v"),
        ("", "aws_vpc.w"),
        ("", "data.aws_region.r"),
        ("m", "aws_iam_role.r"),
    }
    assert queries.variables == {("", "b")}
