"""Value tracing through locals, module inputs and outputs, defaults and functions."""

from __future__ import annotations

from harness.terraform import Expr, build, trace, value_includes_resource
from harness.terraform.model import ExprKind
from tests.terraform.helpers import fixture_tree, tree_of


def test_random_suffix_reaches_a_role_two_module_levels_down() -> None:
    config = build(fixture_tree("two_levels"))
    role = next(config.resources("aws_iam_role"))
    assert role.module == "modules/app/modules/role"
    name = role.get("name")
    assert name is not None
    hit = value_includes_resource(config, name, role.module)
    assert hit is not None
    assert (hit.address, hit.module, hit.attribute_path) == ("random_id.suffix", "", ("hex",))
    assert str(hit.span) == "main.tf:5-7"
    assert [str(s) for s in hit.via] == [
        "modules/app/modules/role/main.tf:1-3",  # variable "role_name"
        "modules/app/main.tf:11",  # role_name = "${var.project}-app-${var.name_suffix}"
        "modules/app/main.tf:1-3",  # variable "name_suffix"
        "main.tf:15",  # name_suffix = local.suffix
        "main.tf:10",  # local suffix = random_id.suffix.hex
    ]
    assert hit.functions == ("lower",)
    sources = {(s.kind, s.address) for s in trace(config, name, role.module).sources}
    assert sources == {
        ("resource", "random_id.suffix"),
        ("literal", "-app-"),
        ("variable_default", "var.project"),
    }


def test_a_name_without_random_is_not_reported() -> None:
    config = build(fixture_tree("two_levels"))
    bucket = next(config.resources("aws_s3_bucket"))
    name = bucket.get("bucket")
    assert name is not None
    assert value_includes_resource(config, name, bucket.module) is None


def test_module_outputs_are_followed_into_the_module() -> None:
    config = build(fixture_tree("two_levels"))
    value = config.root_module.outputs["role_arn"].value
    assert value is not None
    sources = trace(config, value, "").sources
    assert [(s.kind, s.address, s.module, s.attribute_path) for s in sources] == [
        ("resource", "aws_iam_role.this", "modules/app/modules/role", ("arn",))
    ]
    assert len(sources[0].via) == 2  # output "role_arn" in app, output "arn" in role


def test_object_paths_narrow_locals_and_merge() -> None:
    config = build(
        tree_of(
            {
                "main.tf": """
resource "random_pet" "p" {}
locals {
  names = { role = "r-${random_pet.p.id}", bucket = "static" }
  merged = merge(local.names, { extra = "x" })
}
resource "aws_iam_role" "r" { name = local.merged.role }
resource "aws_s3_bucket" "b" { bucket = local.names.bucket }
"""
            }
        )
    )
    role, bucket = config.root_module.resources[1:]
    assert value_includes_resource(config, role.get("name"), "") is not None  # type: ignore[arg-type]
    assert value_includes_resource(config, bucket.get("bucket"), "") is None  # type: ignore[arg-type]


def test_cycles_and_unknowns_terminate() -> None:
    config = build(
        tree_of(
            {
                "main.tf": """
locals {
  a = "${local.b}-x"
  b = local.a
}
resource "aws_iam_role" "r" { name = "${local.a}-${var.missing}-${each.key}" }
"""
            }
        )
    )
    name = config.root_module.resources[0].get("name")
    assert name is not None
    sources = trace(config, name, "").sources
    unresolved = sorted(s.address for s in sources if s.kind == "unresolved")
    assert unresolved == ["each.key", "local.a (cycle)", "var.missing"]


def test_budget_bounds_a_blow_up() -> None:
    # each local doubles the paths to the literal: 2**30 paths without a budget
    lines = ["locals {", '  l0 = "x"']
    lines += [f'  l{i} = "${{local.l{i - 1}}}${{local.l{i - 1}}}"' for i in range(1, 31)]
    lines.append("}")
    config = build(tree_of({"main.tf": "\n".join(lines) + "\n"}))
    top: Expr = config.root_module.locals["l30"].expr
    result = trace(config, top, "", budget=500)
    assert any(s.address == "(trace budget exhausted)" for s in result.sources)


def test_predicates_and_comparisons_carry_no_value() -> None:
    config = build(
        tree_of(
            {
                "main.tf": """
resource "random_id" "s" { byte_length = 2 }
locals {
  flag = length(random_id.s.hex) > 0 ? "yes" : "no"
}
"""
            }
        )
    )
    expr = config.root_module.locals["flag"].expr
    assert expr.kind is ExprKind.CONDITIONAL
    assert value_includes_resource(config, expr, "") is None
    assert {s.address for s in trace(config, expr, "").sources} == {"yes", "no"}


def test_variables_of_the_root_use_tfvars_and_defaults() -> None:
    config = build(
        tree_of(
            {
                "main.tf": 'variable "env" {\n  default = "dev"\n}\nlocals {\n  n = var.env\n}\n',
                "terraform.tfvars": 'env = "prod"\n',
            }
        )
    )
    sources = trace(config, config.root_module.locals["n"].expr, "").sources
    assert [(s.kind, s.address) for s in sources] == [
        ("literal", "prod"),
        ("variable_default", "var.env"),
    ]
