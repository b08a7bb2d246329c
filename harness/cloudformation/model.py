"""The CloudFormation model: templates with their parameters, mappings, conditions, resources
and outputs, every part with its span (file:line). It satisfies ``harness.languages.ParsedModel``
(resources by type, with addresses and spans; diagnostics)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from harness.cloudformation.nodes import Mapping, Node, Scalar, as_list
from harness.vocabulary import Diagnostic, Span

#: Attributes a resource may carry beside Type and Properties.
RESOURCE_ATTRIBUTES = frozenset(
    {
        "Type",
        "Properties",
        "DependsOn",
        "Condition",
        "DeletionPolicy",
        "UpdateReplacePolicy",
        "UpdatePolicy",
        "CreationPolicy",
        "Metadata",
    }
)


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    span: Span
    default: Node | None = None
    no_echo: bool = False
    allowed_values: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Resource:
    """One resource: its logical id (``address``), type and properties."""

    logical_id: str
    type: str
    span: Span
    template: str  # the path of the template file that declares it
    properties: Mapping | None = None
    depends_on: tuple[str, ...] = ()
    condition: str | None = None
    deletion_policy: str | None = None
    update_replace_policy: str | None = None
    body: Mapping | None = None

    @property
    def address(self) -> str:
        return self.logical_id

    def get(self, *path: str) -> Node | None:
        """The property at ``path`` (``get("BucketEncryption", "ServerSideEncryption...")``)."""
        node: Node | None = self.properties
        for key in path:
            if not isinstance(node, Mapping):
                return None
            node = node.get(key)
        return node

    def property_span(self, *path: str) -> Span:
        """Where the property at ``path`` is written, else the resource itself."""
        node = self.get(*path)
        return node.span if node is not None else self.span


@dataclass(frozen=True)
class Output:
    name: str
    value: Node | None
    span: Span
    export: Node | None = None
    condition: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Template:
    """One template file. ``error`` is set when it could not be read as a template."""

    path: str
    format: str  # "yaml" or "json"
    span: Span
    root: Mapping | None = None
    description: str = ""
    transform: tuple[str, ...] = ()
    parameters: dict[str, Parameter] = field(default_factory=dict)
    mappings: dict[str, Mapping] = field(default_factory=dict)
    conditions: dict[str, Node] = field(default_factory=dict)
    resources: dict[str, Resource] = field(default_factory=dict)
    outputs: dict[str, Output] = field(default_factory=dict)
    error: str = ""
    error_line: int = 0

    @property
    def valid(self) -> bool:
        return not self.error


@dataclass(frozen=True)
class CloudFormationModel:
    templates: tuple[Template, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()

    def resources(self, resource_type: str | None = None) -> Iterator[Resource]:
        for template in self.templates:
            for resource in template.resources.values():
                if resource_type is None or resource.type == resource_type:
                    yield resource

    def of_types(self, *types: str) -> Iterator[Resource]:
        wanted = set(types)
        return (r for r in self.resources() if r.type in wanted)

    def template_of(self, resource: Resource | Output | Parameter) -> Template:
        for template in self.templates:
            if template.path == resource.span.path:
                return template
        raise KeyError(resource.span.path)

    def outputs(self) -> Iterator[Output]:
        for template in self.templates:
            yield from template.outputs.values()

    def parameters(self) -> Iterator[Parameter]:
        for template in self.templates:
            yield from template.parameters.values()


def names(node: Node | None) -> tuple[str, ...]:
    """Literal strings of a scalar or a list (``DependsOn: A`` and ``DependsOn: [A, B]``)."""
    return tuple(item.text for item in as_list(node) if isinstance(item, Scalar))


__all__ = [
    "RESOURCE_ATTRIBUTES",
    "CloudFormationModel",
    "Output",
    "Parameter",
    "Resource",
    "Template",
    "names",
]
