"""The reference side kept across comparisons gives what a new one gives."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest

from harness.compare import compare, summarise
from harness.compare import values as values_module
from harness.compare.reference import new_reference_side, reference_key, reference_side
from harness.compare.values import Canon, Resolver
from harness.extract import tree_from_directory
from harness.terraform import build
from harness.terraform.model import Configuration, Expr
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


def _roots(config: Configuration) -> list[tuple[Expr, str]]:
    found: list[tuple[Expr, str]] = [
        (attribute.expr, module.path)
        for module, top in config.blocks()
        for block in top.walk()
        for attribute in block.attributes
    ]
    found += [
        (local.expr, module.path)
        for module in config.modules.values()
        for local in module.locals.values()
    ]
    return found


def _truncates(config: Configuration, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Whether canonicalising some expression of ``config`` on its own reaches the depth limit:
    its value then differs from the one computed without a limit."""

    def all_values() -> list[Canon]:
        out = []
        for expr, module in _roots(config):
            resolver = Resolver(config, reference_key)  # a new one: nothing cached before
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
    resolver = Resolver(config, reference_key)
    assert resolver.never_truncates() is not _truncates(config, monkeypatch)


def test_chains_around_the_limit_are_told_apart() -> None:
    """A bucket name through 8 locals is canonicalised in full (depth 8); through 9 the
    ninth is cut to its text."""
    assert Resolver(build(tree_of(_chain(8))), reference_key).never_truncates()
    assert not Resolver(build(tree_of(_chain(9))), reference_key).never_truncates()


def test_a_cycle_is_never_shared() -> None:
    config = build(tree_of({"main.tf": 'locals {\n  a = local.b\n  b = "${local.a}-x"\n}\n'}))
    assert not Resolver(config, reference_key).never_truncates()
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
