"""Terraform model: FileTree -> Configuration (tree-sitter blocks and expressions with spans,
HashiCorp syntax verdicts, module wiring, value tracing, static validation).

Public API::

    from harness.terraform import build, trace, BuildLimits
    config = build(tree)                                  # never raises on bad input
    for role in config.resources("aws_iam_role"):
        name = role.get("name")
        if name is not None:
            hit = trace(config, name, role.module).reaches_type("random_id", "random_string")
"""

from __future__ import annotations

from harness.extract.types import ExtractedFile
from harness.languages import Language
from harness.terraform.build import build, is_terraform_file, is_tfvars_file
from harness.terraform.limits import BuildLimits
from harness.terraform.model import (
    BUILTIN_ROOTS,
    Attribute,
    Block,
    Configuration,
    Expr,
    ExprKind,
    Module,
    ModuleCall,
    Output,
    Provider,
    Reference,
    Resource,
    SourceFile,
    Trace,
    TraceSource,
    Variable,
)
from harness.terraform.trace import (
    PRESERVING_FUNCTIONS,
    RANDOM_TYPES,
    callers,
    trace,
    value_includes_resource,
)
from harness.terraform.validate import block_references, module_references


def _claims(file: ExtractedFile) -> bool:
    """Terraform configuration and variable files (not other HCL such as tests)."""
    return is_terraform_file(file) or is_tfvars_file(file)


#: Terraform's registration with the language seam (entry point in pyproject.toml).
LANGUAGE = Language(
    "terraform",
    claims=_claims,
    build=build,
    fallback=True,
    display_name="Terraform",
    rubric="terraform-aws-production",
)

__all__ = [
    "BUILTIN_ROOTS",
    "LANGUAGE",
    "PRESERVING_FUNCTIONS",
    "RANDOM_TYPES",
    "Attribute",
    "Block",
    "BuildLimits",
    "Configuration",
    "Expr",
    "ExprKind",
    "Module",
    "ModuleCall",
    "Output",
    "Provider",
    "Reference",
    "Resource",
    "SourceFile",
    "Trace",
    "TraceSource",
    "Variable",
    "block_references",
    "build",
    "callers",
    "is_terraform_file",
    "is_tfvars_file",
    "module_references",
    "trace",
    "value_includes_resource",
]
