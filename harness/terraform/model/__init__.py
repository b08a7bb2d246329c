"""The parsed Terraform model: blocks, expressions and references with source spans.

This module is the contract between the parser (``harness.terraform.build``) and everything
downstream (checks, comparison, derivation). It holds data and small pure helpers only; the
builder fills it from tree-sitter. Everything here is immutable and picklable.
"""

from harness.terraform.model.blocks import (
    Attribute,
    Block,
    ModuleCall,
    Output,
    Provider,
    Resource,
    SourceFile,
    Variable,
)
from harness.terraform.model.config import Configuration, Module, Trace, TraceSource
from harness.terraform.model.expr import BUILTIN_ROOTS, Expr, ExprKind, Reference

__all__ = [
    "BUILTIN_ROOTS",
    "Attribute",
    "Block",
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
]
