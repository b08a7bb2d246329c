"""Modules per directory, root detection, module wiring, verdicts, immutability, pickling."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from harness.terraform import BuildLimits, build
from tests.terraform.helpers import fixture_tree, tree_of


def test_module_contents_and_lookups() -> None:
    config = build(fixture_tree("validation"))
    root = config.root_module
    assert root.path == ""
    assert [c.name for c in root.calls] == ["db", "gone", "empty", "vpc"]
    assert root.call("db") is not None and root.call("db").resolved == "modules/db"  # type: ignore[union-attr]
    assert root.call("vpc").resolved is None  # type: ignore[union-attr]
    assert root.backend is not None and root.backend.labels == ("s3",)
    assert [p.alias for p in root.providers] == ["west"]
    assert root.resource("aws_instance.web") is not None
    assert [r.address for r in root.of_type("aws_instance")] == ["aws_instance.web"]
    db = config.modules["modules/db"]
    assert db.variables["password"].sensitive
    assert db.variables["port"].default is not None and not db.variables["port"].required
    assert db.variables["engine"].type_text == "string"
    assert db.outputs["endpoint"].value is not None
    assert config.call_graph == {"": ("modules/db",), "modules/db": ()}


def test_two_level_call_graph() -> None:
    config = build(fixture_tree("two_levels"))
    assert config.root == ""
    assert config.call_graph[""] == ("modules/app",)
    assert config.call_graph["modules/app"] == ("modules/app/modules/role",)
    assert [d for d in config.diagnostics] == []


@pytest.mark.parametrize(
    ("files", "root"),
    [
        # lib/ prefix from the corpus: everything lives under lib/
        (
            {
                "lib/provider.tf": 'provider "aws" {}\n',
                "lib/main.tf": 'resource "a" "b" {}\n',
                "lib/modules/x/main.tf": 'resource "a" "c" {}\n',
            },
            "lib",
        ),
        # shallowest directory with providers/module calls wins over deeper ones
        (
            {
                "main.tf": 'module "x" {\n  source = "./modules/x"\n}\n',
                "modules/x/main.tf": 'provider "aws" {}\n',
                "envs/prod/main.tf": 'provider "aws" {}\n',
            },
            "",
        ),
        # no providers anywhere: the shallowest directory no call points at
        (
            {
                "stack/main.tf": 'module "net" {\n  source = "../net"\n}\n',
                "net/main.tf": 'resource "aws_vpc" "v" {}\n',
            },
            "stack",
        ),
        ({"modules/a/main.tf": 'resource "a" "b" {}\n'}, "modules/a"),
        ({"README.md": "no terraform"}, ""),
    ],
)
def test_root_detection(files: dict[str, str], root: str) -> None:
    assert build(tree_of(files)).root == root


def test_parent_relative_sources_resolve() -> None:
    config = build(
        tree_of(
            {
                "envs/prod/main.tf": (
                    'provider "aws" {}\nmodule "vpc" {\n  source = "../../modules/vpc"\n}\n'
                ),
                "modules/vpc/main.tf": 'resource "aws_vpc" "this" {}\n',
            }
        )
    )
    assert config.root == "envs/prod"
    assert config.root_module.call("vpc").resolved == "modules/vpc"  # type: ignore[union-attr]


def test_tfvars_are_read_but_are_not_configuration() -> None:
    config = build(
        tree_of(
            {
                "main.tf": 'variable "env" {}\n',
                "terraform.tfvars": 'env = "prod"\nregion = "us-east-1"\n',
            }
        )
    )
    assert config.files["terraform.tfvars"].language == "tfvars"
    assert config.root_module.files == ("main.tf",)
    assert config.root_module.tfvars["env"].expr.value == "prod"


def test_syntax_verdicts_per_file() -> None:
    config = build(tree_of({"ok.tf": "locals {\n  a = 1\n}\n", "bad.tf": "locals {\n  a = \n}\n"}))
    assert config.files["ok.tf"].valid
    bad = config.files["bad.tf"]
    assert not bad.valid
    assert (
        bad.error_line == 2 and bad.error is not None and bad.error.startswith("Invalid expression")
    )
    assert bad.module == ""


def test_duplicate_attributes_are_invalid_hcl_but_modelled() -> None:
    config = build(tree_of({"main.tf": 'resource "a" "b" {\n  x = 1\n  x = 2\n}\n'}))
    assert not config.files["main.tf"].valid
    resource = config.root_module.resource("a.b")
    assert resource is not None and [a.name for a in resource.block.attributes] == ["x", "x"]


def test_non_terraform_files_are_ignored() -> None:
    config = build(tree_of({"main.tf": 'resource "a" "b" {}\n', "script.sh": "echo hi\n"}))
    assert list(config.files) == ["main.tf"]


def test_model_is_immutable_and_pickles() -> None:
    config = build(fixture_tree("validation"))
    clone = pickle.loads(pickle.dumps(config))
    assert clone == config
    resource = config.root_module.resources[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        resource.block.attributes[0].expr.text = "x"  # type: ignore[misc]


def test_verdict_can_be_turned_off() -> None:
    tree = tree_of({"main.tf": 'resource "a" "b" {\n  x = 1\n}\n'})
    fast = build(tree, limits=BuildLimits(syntax_verdict=False, placeholders=False))
    assert fast.files["main.tf"].valid
    assert fast.root_module.resources == build(tree).root_module.resources


def test_diagnostics_carry_the_response_line() -> None:
    tree = tree_of({"main.tf": "locals {\n  a = var.missing\n}\n"})
    config = build(tree)
    diagnostic = next(d for d in config.diagnostics if d.code == "undeclared_variable")
    origin = tree.files[0].origin
    assert diagnostic.line == origin.response_line(2) == origin.start_line + 2


def test_recovery_limit_is_reported() -> None:
    text = "".join(f'resource "a" "r{i}" {{\n  x = [\n}}\n' for i in range(5))
    config = build(tree_of({"main.tf": text}), limits=BuildLimits(max_recoveries=2))
    assert "limit_recoveries" in {d.code for d in config.diagnostics}
    full = build(tree_of({"main.tf": text}))
    assert "limit_recoveries" not in {d.code for d in full.diagnostics}
    assert len(full.root_module.resources) == 5


def test_fast_constructors_make_ordinary_objects() -> None:
    from harness.terraform import fast
    from harness.terraform.fast import leaf_expr, make_span
    from harness.terraform.model import Attribute, Block, Expr, ExprKind, Reference
    from harness.vocabulary import Span

    # the shadow-class constructors are in use (a model change would make them fall back)
    for made, cls in (
        (fast.make_span, Span),
        (fast.make_expr, Expr),
        (fast.make_reference, Reference),
        (fast.make_attribute, Attribute),
        (fast.make_block, Block),
    ):
        assert made is not cls, f"{cls.__name__}: fast constructor fell back"

    span = make_span("a.tf", 1, 2, 3, 4)
    assert type(span) is Span
    assert span == Span("a.tf", 1, 2, 3, 4) and hash(span) == hash(Span("a.tf", 1, 2, 3, 4))
    ref = fast.make_reference(("var", "x"), "var.x", span, "iterator")
    assert ref == Reference(("var", "x"), "var.x", span, "iterator") and type(ref) is Reference
    fast_leaf = leaf_expr(ExprKind.REFERENCE, "var.x", span, keys=("var", "x"), reference=ref)
    slow = Expr(ExprKind.REFERENCE, "var.x", span, keys=("var", "x"), reference=ref)
    assert fast_leaf == slow and pickle.loads(pickle.dumps(fast_leaf)) == slow
    assert leaf_expr(ExprKind.LITERAL, '"s"', span, "s") == Expr(ExprKind.LITERAL, '"s"', span, "s")
    every = {
        "value": 1,
        "name": "f",
        "items": (slow,),
        "keys": ("k",),
        "reference": ref,
        "key_items": (slow,),
    }
    full = fast.make_expr(ExprKind.CALL, "f(1)", span, **every)
    assert full == Expr(ExprKind.CALL, "f(1)", span, **every)  # type: ignore[arg-type]
    assert fast.make_expr(ExprKind.UNKNOWN, "?", span) == Expr(ExprKind.UNKNOWN, "?", span)
    attribute = fast.make_attribute("a", full, span)
    assert attribute == Attribute("a", full, span) and type(attribute) is Attribute
    block = fast.make_block("resource", ("t", "n"), (attribute,), (), span)
    assert block == Block("resource", ("t", "n"), (attribute,), (), span)
    assert pickle.loads(pickle.dumps(block)) == block and hash(span) == hash(block.span)
    try:
        span.path = "b.tf"  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        pass
    else:
        raise AssertionError("fast-built objects must stay frozen")
