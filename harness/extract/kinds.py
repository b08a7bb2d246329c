"""What kind of IaC a file holds beyond its syntax language: a CloudFormation template (YAML or
JSON), or an AWS CDK, CDKTF or Pulumi program (TypeScript, JavaScript or Python).

The kind is read from the content alone (a fence says ``yaml``, never ``cloudformation``), so a
named file and an unnamed block are recognised alike; it is recorded on every extracted file
(``ExtractedFile.kind``, ``extraction.json``) and the language seam decides what is graded.
Unnamed blocks of a recognised kind get the file name the kind's own tooling expects
(``template.yaml``, ``lib/stack.ts``, ``__main__.py``) instead of being dropped.
"""

from __future__ import annotations

import re

CLOUDFORMATION = "cloudformation"
CDK = "cdk"
CDKTF = "cdktf"
PULUMI = "pulumi"

#: Kinds recognised and extracted but not graded, with how a person names them.
PROGRAM_TITLES: dict[str, str] = {CDK: "AWS CDK", CDKTF: "CDK for Terraform", PULUMI: "Pulumi"}
_PROGRAM_LANGUAGES = frozenset({"typescript", "javascript", "python"})

# Line-bound whitespace ([ \t], never \s) after ``^``: a run of blank lines must not be
# crossed again from every line start (quadratic on hostile input; tests/hostile).
_CFN_YAML_VERSION = re.compile(r"^AWSTemplateFormatVersion[ \t]*:", re.MULTILINE)
_CFN_YAML_RESOURCES = re.compile(r"^Resources[ \t]*:[ \t]*(#.*)?$", re.MULTILINE)
_CFN_YAML_TYPE = re.compile(r"^[ \t]+Type[ \t]*:[ \t]*['\"]?(AWS|Custom|Alexa)::\w", re.MULTILINE)
_CFN_JSON_VERSION = re.compile(r"\"AWSTemplateFormatVersion\"\s*:")
_CFN_JSON_RESOURCES = re.compile(r"\"Resources\"\s*:\s*\{")
_CFN_JSON_TYPE = re.compile(r"\"Type\"\s*:\s*\"(AWS|Custom|Alexa)::\w")

# Imports that identify a framework (checked in this order: CDKTF programs also import
# ``constructs``, and Pulumi programs never import CDK), each with a word every match of its
# pattern contains (the patterns ignore no case): most code blocks hold none of the three, and
# a substring test says so without scanning the block once per pattern.
_PROGRAM_IMPORTS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (
        CDKTF,
        "cdktf",
        re.compile(
            r"""(from\s+['"](cdktf|@cdktf/[\w./-]+)['"]|require\(\s*['"](cdktf|@cdktf/)"""
            r"""|^[ \t]*(from\s+cdktf(_cdktf_provider_\w+)?\b|import\s+cdktf\b))""",
            re.MULTILINE,
        ),
    ),
    (
        CDK,
        "cdk",
        re.compile(
            r"""(from\s+['"](aws-cdk-lib|@aws-cdk/[\w./-]+)['"]"""
            r"""|require\(\s*['"](aws-cdk-lib|@aws-cdk/)"""
            r"""|^[ \t]*(from\s+aws_cdk\b|import\s+aws_cdk\b))""",
            re.MULTILINE,
        ),
    ),
    (
        PULUMI,
        "pulumi",
        re.compile(
            r"""(from\s+['"]@pulumi/[\w./-]+['"]|require\(\s*['"]@pulumi/"""
            r"""|^[ \t]*(from\s+pulumi(_\w+)?\b|import\s+pulumi(_\w+)?\b)"""
            r"""|\bpulumi\.(export|Config|ResourceOptions|ComponentResource|StackReference)\b)""",
            re.MULTILINE,
        ),
    ),
)


def is_cloudformation(language: str, content: str) -> bool:
    """A CloudFormation template: a YAML or JSON document with ``AWSTemplateFormatVersion`` at
    its top level, or a top-level ``Resources`` section whose resources have ``AWS::`` types."""
    if language == "yaml":
        return bool(
            _CFN_YAML_VERSION.search(content)
            or (_CFN_YAML_RESOURCES.search(content) and _CFN_YAML_TYPE.search(content))
        )
    if language == "json":
        return bool(
            _CFN_JSON_VERSION.search(content)
            or (_CFN_JSON_RESOURCES.search(content) and _CFN_JSON_TYPE.search(content))
        )
    return False


def program_kind(language: str, content: str) -> str:
    """``cdk``, ``cdktf`` or ``pulumi`` for a program that imports the framework, else ""."""
    if language not in _PROGRAM_LANGUAGES:
        return ""
    for kind, word, imports in _PROGRAM_IMPORTS:
        if word in content and imports.search(content):
            return kind
    return ""


def detect_kind(language: str, content: str) -> str:
    """The IaC kind of a file in ``language`` (see the module docstring), or "" for none."""
    if is_cloudformation(language, content):
        return CLOUDFORMATION
    return program_kind(language, content)


_STACK_CLASS = re.compile(r"class\s+\w+\s*(extends\s+[\w.]*Stack\b|\(\s*[\w.]*Stack\s*\))")
_EXTENSION = {"typescript": ".ts", "javascript": ".js", "python": ".py"}


def inferred_name(kind: str, language: str, content: str) -> tuple[str, str] | None:
    """(file name, reason) for an unnamed block of a recognised kind: the name its tooling
    expects (``cdk init`` lays out ``bin/app.ts`` and ``lib/<name>-stack.ts``, ``cdktf init``
    writes ``main.ts``/``main.py``, ``pulumi new`` writes ``index.ts``/``__main__.py``)."""
    if kind == CLOUDFORMATION:
        name = "template.json" if language == "json" else "template.yaml"
        return name, "a CloudFormation template"
    if kind not in PROGRAM_TITLES or language not in _EXTENSION:
        return None
    extension = _EXTENSION[language]
    title = PROGRAM_TITLES[kind]
    if kind == CDK:
        defines_stack = bool(_STACK_CLASS.search(content))
        if extension == ".py":
            name = "stack.py" if defines_stack else "app.py"
        else:
            name = f"lib/stack{extension}" if defines_stack else f"bin/app{extension}"
        return name, f"an {title} {'stack' if defines_stack else 'app'}"
    if kind == CDKTF:
        return f"main{extension}", f"a {title} program"
    return ("__main__.py" if extension == ".py" else f"index{extension}"), f"a {title} program"


__all__ = [
    "CDK",
    "CDKTF",
    "CLOUDFORMATION",
    "PROGRAM_TITLES",
    "PULUMI",
    "detect_kind",
    "inferred_name",
    "is_cloudformation",
    "program_kind",
]
