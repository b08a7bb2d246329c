"""What a prompt asks for: typed requirements, each with the prompt file and line that said it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum


class RequirementKind(StrEnum):
    """The kinds of request the prompt reader recognises (``harness.prompt.reader``)."""

    SERVICE = "service"  # an AWS service -> resource types (the lexicon)
    REGION = "region"  # us-east-1 ...
    MODULE = "module"  # a named Terraform module
    VARIABLE = "variable"  # a named input variable (CloudFormation: a parameter)
    OUTPUT = "output"  # a named output
    INSTANCE_CLASS = "instance_class"  # t3.micro, db.t3.micro, cache.t3.small ...
    MULTI_AZ = "multi_az"  # value "database" (the database itself) or "network"
    ENCRYPTION_AT_REST = "encryption_at_rest"
    TESTS = "tests"  # value "unit", "integration" or "any"
    #: not a request: something the prompt says the response need not, or must not, do
    #: (``PROVIDER_SETUP``, ``RANDOM_NAMES``), so the criteria judging it have nothing to
    #: judge. ``read_prompts`` keeps these apart, in ``PromptRequirements.waived``.
    WAIVED = "waived"


#: ``RequirementKind.WAIVED`` value: the provider configuration (and with it the backend and
#: the provider version pins) lives in a file the task supplies, such as its provider.tf.
PROVIDER_SETUP = "provider_setup"
#: ``RequirementKind.WAIVED`` value: names without random suffixes ("don't use random ids,
#: use the prefix 274802").
RANDOM_NAMES = "random_names"


@dataclass(frozen=True, slots=True)
class PromptPlace:
    """Where the prompt said it: the prompt file's name (``PROMPT.md``), the 1-based line and
    the line's text (stripped, capped)."""

    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class Requirement:
    """One thing the prompt asks for. ``value`` identifies it within its kind (a service id
    from the lexicon, a region, a name, an instance class); ``said`` is the prompt's own words.
    Service requirements carry the resource types that meet them."""

    kind: RequirementKind
    value: str
    title: str
    place: PromptPlace
    said: str
    terraform_types: tuple[str, ...] = ()
    cloudformation_types: tuple[str, ...] = ()
    registry_modules: tuple[str, ...] = ()
    calls_for: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()  # boolean settings that deliver the service when true
    #: said in a report of a problem with code that exists ("Both EC2 instances are failing
    #: to create", a paragraph under "## Error 5: ..."), not as a request: a follow-up turn's
    #: reports ask for nothing (``read_prompts``); the task's first prompt describes the task
    reported: bool = False

    @property
    def key(self) -> str:
        """``kind:value``: stable across runs; a rubric's ``skip`` list names requirements so."""
        return f"{self.kind.value}:{self.value}"

    @property
    def resource_types(self) -> tuple[str, ...]:
        return (*self.terraform_types, *self.cloudformation_types)


@dataclass(frozen=True)
class PromptRequirements:
    """The requirements of the prompts one response answers (in turn order, one per key: the
    first place that said it)."""

    prompts: tuple[str, ...]
    requirements: tuple[Requirement, ...]
    #: What the task's first prompt says the response need not do (``RequirementKind.WAIVED``).
    waived: tuple[Requirement, ...] = ()

    def __iter__(self) -> Iterator[Requirement]:
        return iter(self.requirements)

    def __len__(self) -> int:
        return len(self.requirements)

    def of_kind(self, kind: RequirementKind) -> tuple[Requirement, ...]:
        return tuple(r for r in self.requirements if r.kind is kind)

    def waives(self, value: str) -> Requirement | None:
        """Where the prompt waives ``value`` (``PROVIDER_SETUP``, ``RANDOM_NAMES``), if it does."""
        return next((r for r in self.waived if r.value == value), None)

    def calling_for(self, check_id: str) -> tuple[Requirement, ...]:
        """The requirements that give ``check_id`` something to judge (lexicon ``calls_for``)."""
        return tuple(r for r in self.requirements if check_id in r.calls_for)
