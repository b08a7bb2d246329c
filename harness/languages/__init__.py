"""The language seam: what a parsed IaC configuration offers, and which languages exist.

A language is a package beside ``harness/terraform`` that builds a model from a ``FileTree``
and registers a ``Language`` (name, which files it claims, its builder) through the Python
entry-point group ``iac_harness.languages`` in ``pyproject.toml``::

    [project.entry-points."iac_harness.languages"]
    terraform = "harness.terraform:LANGUAGE"

Nothing here names a language: adding one is a new package plus that registration (a test
may also call ``register_language``). Checks declare the languages they read
(``@check(..., languages=("terraform",))``); where neither the response nor its reference
holds one of them, the engine marks the criterion ``na`` instead of running it. A tree in no
registered language is read in the fallback language (Terraform), as it always was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Protocol

from harness.extract.types import ExtractedFile, FileTree
from harness.vocabulary import Diagnostic, Span

ENTRY_POINT_GROUP = "iac_harness.languages"
#: How messages say that code is recognised but not graded (``Language.graded`` False).
NOT_GRADED = "detected, not graded"


class ParsedResource(Protocol):
    """One declared cloud resource, in any language: its type, its name in the
    configuration (Terraform address, CloudFormation logical id) and where it is."""

    @property
    def type(self) -> str: ...

    @property
    def address(self) -> str: ...

    @property
    def span(self) -> Span: ...


class ParsedModel(Protocol):
    """What checks and compare may ask of any parsed configuration."""

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]: ...

    def resources(self, resource_type: str | None = None) -> Iterator[ParsedResource]: ...


@dataclass(frozen=True)
class Language:
    """A registered IaC language: ``claims`` says whether an extracted file is written in
    it; ``build`` parses a whole tree (never raising on bad input)."""

    name: str
    claims: Callable[[ExtractedFile], bool]
    build: Callable[[FileTree], ParsedModel]
    #: The language a tree that holds no registered language is read in (prose only, or a
    #: language not yet supported): its checks then judge what is missing, as a reviewer
    #: would, instead of calling everything not applicable.
    fallback: bool = False
    #: How reports and messages name the language ("CloudFormation"); the name when empty.
    display_name: str = ""
    #: False for code the harness recognises but does not grade (AWS CDK, Pulumi, ...): a
    #: response holding only such code has every criterion ``na`` ("detected, not graded").
    graded: bool = True
    #: The shipped rubric written for this language (its criteria worded in its terms):
    #: what ``derive`` extends for a reference in it. "": none of its own.
    rubric: str = ""

    @property
    def title(self) -> str:
        return self.display_name or self.name

    def holds(self, tree: FileTree) -> bool:
        """Whether the tree has at least one file in this language."""
        return any(self.claims(file) for file in tree.files)


class UnknownLanguageError(LookupError):
    """A language name nothing registered."""


_REGISTERED: dict[str, Language] = {}
_LOADED: list[bool] = []


def register_language(language: Language) -> None:
    """Add (or replace) a language; entry points call this through ``languages()``."""
    _REGISTERED[language.name] = language


def unregister_language(name: str) -> None:
    """Remove a language (for tests that plug in a toy one)."""
    _REGISTERED.pop(name, None)


def languages() -> tuple[Language, ...]:
    """Every registered language, entry points loaded once, in name order."""
    if not _LOADED:
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            loaded = entry.load()
            if not isinstance(loaded, Language):
                raise TypeError(f"{entry.value}: not a harness.languages.Language")
            _REGISTERED.setdefault(loaded.name, loaded)
        _LOADED.append(True)
    return tuple(_REGISTERED[name] for name in sorted(_REGISTERED))


def get_language(name: str) -> Language:
    for language in languages():
        if language.name == name:
            return language
    raise UnknownLanguageError(name)


def languages_of(*trees: FileTree | None) -> frozenset[str]:
    """The names of the languages any of ``trees`` holds a file in; the fallback language
    when they hold none."""
    present: Iterable[FileTree] = [t for t in trees if t is not None]
    held = frozenset(lang.name for lang in languages() if any(lang.holds(t) for t in present))
    return held or frozenset(lang.name for lang in languages() if lang.fallback)


def rubric_for(tree: FileTree, default: str) -> str:
    """The shipped rubric written for the graded language ``tree`` holds (``Language.rubric``);
    ``default`` when it holds none with a rubric of its own, or several with different ones."""
    found = {
        lang.rubric for lang in languages() if lang.graded and lang.rubric and lang.holds(tree)
    }
    return found.pop() if len(found) == 1 else default


def build_models(tree: FileTree, names: Iterable[str]) -> dict[str, ParsedModel]:
    """The model of ``tree`` in each named language (the builder decides what it reads)."""
    return {name: get_language(name).build(tree) for name in sorted(set(names))}


__all__ = [
    "ENTRY_POINT_GROUP",
    "NOT_GRADED",
    "Language",
    "ParsedModel",
    "ParsedResource",
    "UnknownLanguageError",
    "build_models",
    "get_language",
    "languages",
    "languages_of",
    "register_language",
    "unregister_language",
]
