"""CloudFormation model: FileTree -> CloudFormationModel (templates in YAML or JSON with their
parameters, mappings, conditions, resources and outputs; references resolved where static;
spans for every node).

Public API::

    from harness.cloudformation import build, resolve
    model = build(tree)                               # never raises on bad input
    for bucket in model.resources("AWS::S3::Bucket"):
        template = model.template_of(bucket)
        name = resolve(template, bucket.get("BucketName"))
"""

from __future__ import annotations

from harness.cloudformation.build import build, is_template
from harness.cloudformation.model import (
    CloudFormationModel,
    Output,
    Parameter,
    Resource,
    Template,
)
from harness.cloudformation.nodes import Intrinsic, Mapping, Node, Scalar, Sequence, walk
from harness.cloudformation.values import (
    PSEUDO_PARAMETERS,
    Reference,
    referenced_ids,
    references,
    resolve,
    resolve_bool,
)
from harness.languages import Language

#: CloudFormation's registration with the language seam (entry point in pyproject.toml).
LANGUAGE = Language(
    "cloudformation",
    claims=is_template,
    build=build,
    display_name="CloudFormation",
    rubric="cloudformation-aws-production",
)

__all__ = [
    "LANGUAGE",
    "PSEUDO_PARAMETERS",
    "CloudFormationModel",
    "Intrinsic",
    "Mapping",
    "Node",
    "Output",
    "Parameter",
    "Reference",
    "Resource",
    "Scalar",
    "Sequence",
    "Template",
    "build",
    "is_template",
    "referenced_ids",
    "references",
    "resolve",
    "resolve_bool",
    "walk",
]
