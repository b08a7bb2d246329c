"""FileTree -> CloudFormationModel: every file extraction recognised as a CloudFormation
template, read with its spans; a template that cannot be read is kept (with its error and
line) so that the syntax check can say where, and nothing here raises on bad input."""

from __future__ import annotations

from harness.cloudformation.model import (
    RESOURCE_ATTRIBUTES,
    CloudFormationModel,
    Output,
    Parameter,
    Resource,
    Template,
    names,
)
from harness.cloudformation.nodes import Mapping, Node, Scalar, as_list
from harness.cloudformation.reader import TemplateSyntaxError, read_template
from harness.extract.kinds import CLOUDFORMATION
from harness.extract.types import ExtractedFile, FileTree
from harness.vocabulary import Diagnostic, Severity, Span

STAGE = "parse"


def is_template(file: ExtractedFile) -> bool:
    """Extraction recognised the file as a CloudFormation template (YAML or JSON)."""
    return file.kind == CLOUDFORMATION


def build(tree: FileTree) -> CloudFormationModel:
    """The model of every template in ``tree`` (templates in file order)."""
    templates: list[Template] = []
    diagnostics: list[Diagnostic] = []
    for file in tree.files:
        if is_template(file):
            template = read_file(file, diagnostics)
            templates.append(template)
    return CloudFormationModel(tuple(templates), tuple(diagnostics))


def _broken(
    file: ExtractedFile, message: str, line: int, diagnostics: list[Diagnostic]
) -> Template:
    span = Span(file.path, max(line, 1))
    diagnostics.append(
        Diagnostic(
            "cfn_syntax",
            Severity.ERROR,
            f"{file.path}:{max(line, 1)}: not a readable CloudFormation template: {message}",
            line=file.origin.response_line(line) if line else file.origin.start_line,
            span=span,
            stage=STAGE,
        )
    )
    return Template(file.path, file.language, span, error=message, error_line=max(line, 1))


def read_file(file: ExtractedFile, diagnostics: list[Diagnostic]) -> Template:
    """One template file; problems become diagnostics (and the template's ``error``)."""
    try:
        root = read_template(file.content, file.path)
    except TemplateSyntaxError as error:
        return _broken(file, str(error), error.line, diagnostics)
    if not isinstance(root, Mapping):
        return _broken(file, "the document is not a mapping of sections", 1, diagnostics)
    resources_node = root.get("Resources")
    if not isinstance(resources_node, Mapping):
        line = root.key_span("Resources").start_line if "Resources" in root.entries else 1
        return _broken(file, "no Resources section (a mapping of logical ids)", line, diagnostics)
    problems: list[str] = []
    resources = {}
    for logical_id, body in resources_node.items():
        resource = _resource(file.path, logical_id, body, resources_node.key_span(logical_id))
        if resource is None:
            problems.append(logical_id)
            continue
        resources[logical_id] = resource
    template = Template(
        path=file.path,
        format=file.language,
        span=root.span,
        root=root,
        description=root.text("Description") or "",
        transform=tuple(
            item.text for item in as_list(root.get("Transform")) if isinstance(item, Scalar)
        ),
        parameters=_parameters(root.mapping("Parameters")),
        mappings={
            k: v for k, v in (root.mapping("Mappings") or _EMPTY).items() if isinstance(v, Mapping)
        },
        conditions=dict((root.mapping("Conditions") or _EMPTY).entries),
        resources=resources,
        outputs=_outputs(root.mapping("Outputs")),
    )
    if problems:
        first = resources_node.key_span(problems[0]).start_line
        message = f"resource(s) without a Type: {', '.join(problems[:5])}"
        diagnostics.append(
            Diagnostic(
                "cfn_syntax",
                Severity.ERROR,
                f"{file.path}:{first}: {message}",
                line=file.origin.response_line(first),
                span=Span(file.path, first),
                stage=STAGE,
            )
        )
        return Template(**{**template.__dict__, "error": message, "error_line": first})
    return template


_EMPTY = Mapping({}, Span("", 1))


def _resource(path: str, logical_id: str, body: Node, key_span: Span) -> Resource | None:
    if not isinstance(body, Mapping):
        return None
    type_name = body.text("Type")
    if not type_name:
        return None
    properties = body.get("Properties")
    span = Span(path, key_span.start_line, 1, body.span.last_line)
    return Resource(
        logical_id=logical_id,
        type=type_name,
        span=span,
        template=path,
        properties=properties if isinstance(properties, Mapping) else None,
        depends_on=names(body.get("DependsOn")),
        condition=body.text("Condition"),
        deletion_policy=body.text("DeletionPolicy"),
        update_replace_policy=body.text("UpdateReplacePolicy"),
        body=body,
    )


def _parameters(section: Mapping | None) -> dict[str, Parameter]:
    found = {}
    for name, body in (section or _EMPTY).items():
        if not isinstance(body, Mapping):
            continue
        allowed = tuple(
            item.text for item in as_list(body.get("AllowedValues")) if isinstance(item, Scalar)
        )
        found[name] = Parameter(
            name=name,
            type=body.text("Type") or "String",
            span=Span(
                section.key_span(name).path,
                section.key_span(name).start_line,
                1,
                body.span.last_line,
            )
            if section is not None
            else body.span,
            default=body.get("Default"),
            no_echo=(body.text("NoEcho") or "").lower() == "true",
            allowed_values=allowed,
            description=body.text("Description") or "",
        )
    return found


def _outputs(section: Mapping | None) -> dict[str, Output]:
    found = {}
    for name, body in (section or _EMPTY).items():
        if not isinstance(body, Mapping):
            continue
        export = body.mapping("Export")
        found[name] = Output(
            name=name,
            value=body.get("Value"),
            span=Span(
                body.span.path,
                (section or _EMPTY).key_span(name).start_line,
                1,
                body.span.last_line,
            ),
            export=export.get("Name") if export is not None else None,
            condition=body.text("Condition"),
            description=body.text("Description") or "",
        )
    return found


__all__ = ["RESOURCE_ATTRIBUTES", "build", "is_template", "read_file"]
