"""What a check sees (``CheckContext``) and what it returns (``Finding`` with ``Evidence``).

The verdict types live in ``harness.vocabulary`` (shared by every stage); they are named here
too so a check module needs one import for everything it uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from harness.compare import Comparison, compare
from harness.extract.types import FileTree
from harness.languages import Language, ParsedModel, build_models, get_language, languages_of
from harness.languages import languages as registered_languages
from harness.prompt import PromptRequirements
from harness.terraform.model import Configuration
from harness.vocabulary import (
    Evidence,
    Finding,
    Span,
    Status,
    failed,
    not_applicable,
    passed,
)


def _held(tree: FileTree, registered: tuple[Language, ...]) -> frozenset[str]:
    """The names of the ``registered`` languages ``tree`` holds a file in (``languages_of``
    of several trees is the union of these, or the fallback language when it is empty)."""
    return frozenset(language.name for language in registered if language.holds(tree))


@dataclass(frozen=True)
class ReferenceContext:
    """The ideal implementation, parsed, for checks that compare against it. ``comparison``
    is the response's comparison with it when the pipeline built one."""

    tree: FileTree
    config: Configuration
    comparison: Comparison | None = None
    #: Models of the reference in other languages, built on first use and shared by the
    #: copies ``dataclasses.replace`` makes for each response of the task.
    built: dict[str, ParsedModel] = field(default_factory=dict, compare=False, repr=False)
    #: The languages the reference holds, shared the same way (see ``held_languages``).
    held: dict[str, tuple[FileTree, tuple[Language, ...], frozenset[str]]] = field(
        default_factory=dict, compare=False, repr=False
    )
    #: Evidence already made from the reference, shared the same way (see ``evidence``).
    shown: dict[tuple[Span, str], tuple[FileTree, Evidence]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def model(self, language: str) -> ParsedModel:
        """The reference's model in ``language`` (Terraform's is ``config``)."""
        if language == "terraform":
            return self.config
        if language not in self.built:
            self.built.update(build_models(self.tree, (language,)))
        return self.built[language]

    def held_languages(self) -> frozenset[str]:
        """The registered languages the reference holds a file in (no fallback), found once
        per task: every response's context asks (``CheckContext.languages``). Kept with the
        tree and the registered languages it was found for."""
        registered = registered_languages()
        found = self.held.get("")
        if found is not None and found[0] is self.tree and found[1] == registered:
            return found[2]
        names = _held(self.tree, registered)
        self.held[""] = (self.tree, registered, names)
        return names

    def evidence(self, span: Span, note: str = "") -> Evidence:
        """Evidence of what the ideal does (``source`` "reference"). Every response of a task
        shows the same reference spans, so each is made once per task: evidence is
        immutable, and the memo is keyed by span and note, and kept only for this tree."""
        key = (span, note)
        found = self.shown.get(key)
        if found is not None and found[0] is self.tree:
            return found[1]
        made = Evidence.from_span(span, self.tree, note=note, source="reference")
        self.shown[key] = (self.tree, made)
        return made


@dataclass(frozen=True)
class CheckContext:
    """Everything a check may look at for one response. Checks must not mutate it."""

    task_id: str
    response_id: str
    tree: FileTree
    config: Configuration
    reference: ReferenceContext | None = None
    #: What the prompts this response answers ask for (None: no prompt known, e.g. a lone
    #: response file); read by ``complete.prompt_requirements``.
    prompt: PromptRequirements | None = None

    def evidence(self, span: Span, note: str = "") -> Evidence:
        """Evidence for a span of the response. Checks ask for the same spans again and
        again (a resource's block for each criterion about it): each is made once per
        context, keyed by span and note; evidence is immutable, so sharing it is safe."""
        key = (span, note)
        made = self._evidence.get(key)
        if made is None:
            made = self._evidence[key] = Evidence.from_span(span, self.tree, note)
        return made

    @cached_property
    def _evidence(self) -> dict[tuple[Span, str], Evidence]:
        return {}

    @cached_property
    def languages(self) -> frozenset[str]:
        """The IaC languages the response or its reference holds files in: a check of
        another language has nothing to judge here."""
        if self.reference is None:
            return languages_of(self.tree)
        held = _held(self.tree, registered_languages()) | self.reference.held_languages()
        return held or languages_of()  # none held: the fallback language, as languages_of

    @cached_property
    def graded(self) -> bool:
        """Whether the response can be graded: no IaC language is present, or one of those
        present is graded (not only recognised, as AWS CDK or Pulumi programs are). Asked
        once per criterion, so kept with the context."""
        present = self.languages
        return not present or any(get_language(name).graded for name in present)

    @cached_property
    def models(self) -> Mapping[str, ParsedModel]:
        """The response's model in every language present (Terraform's is ``config``)."""
        others = build_models(self.tree, self.languages - {"terraform"})
        return {"terraform": self.config, **others}

    @cached_property
    def comparison(self) -> Comparison | None:
        """The response's comparison with the reference (None without one): the pipeline's,
        or built once for this context when a caller (derive, a test) did not supply it."""
        ref = self.reference
        if ref is None:
            return None
        if ref.comparison is not None:
            return ref.comparison
        return compare(self.tree, self.config, ref.tree, ref.config)


__all__ = [
    "CheckContext",
    "Evidence",
    "Finding",
    "ReferenceContext",
    "Status",
    "failed",
    "not_applicable",
    "passed",
]
