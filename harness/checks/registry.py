"""The check registry: checks are pure functions registered with an id, a category, typed
params and a documented docstring. The engine looks checks up here by id; a missing id is an
error, never a silent no-op.

Adding a check never touches the engine: write a function and decorate it with
``@check(...)`` in the module its id names. The rule, which a test enforces:

- a check ``P.name`` lives in the subpackage ``harness/checks/P/``, whose ``__init__.py``
  states the prefix's category once (``CATEGORY = "completeness"`` for ``complete``), and every
  ``@check`` in it passes that ``CATEGORY``;
- inside it, in ``M.py`` where ``M`` is the longest leading run of ``name``'s ``_``-separated
  words that names a module there (``security.s3_versioning`` -> ``security/s3.py``,
  ``security.no_hardcoded_secrets`` -> ``security/no_hardcoded_secrets.py``), else in
  ``checks.py`` (``tone.professional`` -> ``tone/checks.py``);
- helpers shared between checks live in ``harness/checks/common/`` (``common.files``,
  ``common.suites``, ...); a check subpackage never imports another (a test walks the imports).
- the same id may be implemented once per IaC language (``languages=``): the first
  implementation follows the rule above; another language's implementation of a ``P.*`` id
  lives in ``harness/checks/P/<language>.py`` (``security.s3_encryption`` for CloudFormation ->
  ``security/cloudformation.py``), takes the same params and states the same category. The
  engine runs every implementation whose language the response or its reference holds and
  joins their findings (``implementations_for``); a criterion none of whose implementations
  reads a language present is ``na`` with a message saying so.

Modules are discovered by walking the subpackages (``check_modules``), and a test asserts
every module registers something.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from harness.checks.types import CheckContext, Finding, Status, not_applicable
from harness.languages import NOT_GRADED, get_language

DOC_SECTIONS = ("What it checks", "Why it matters", "Example")
_NOT_CHECK_MODULES = frozenset({"registry", "types", "engine", "common"})  # top-level names


class Params(BaseModel):
    """Base of every check's parameters: unknown keys and wrong types are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class NoParams(Params):
    """For checks that take no parameters."""


P = TypeVar("P", bound=Params)
CheckFunc = Callable[[CheckContext, Any], Iterable[Finding]]


@dataclass(frozen=True)
class CheckSpec:
    id: str
    category: str
    func: CheckFunc
    params: type[Params]
    doc: str
    #: The IaC languages the check reads (``harness.languages`` names); None: it reads only
    #: the extracted files and the prose, so it applies to any response.
    languages: tuple[str, ...] | None = ("terraform",)
    #: True: the check judges what the task calls for (a database, alarms, tags), so a
    #: response with nothing to judge where its reference has something fails (see
    #: ``harness.grading.applicability``). False: it judges the response's own text (its
    #: truncation, syntax, promises, prose), and na stays na.
    judges_task: bool = True
    #: What a prompt may waive (``harness.prompt.PROVIDER_SETUP``, ``RANDOM_NAMES``) that this
    #: check judges: where the prompt does, the check's na stands, even when the reference
    #: has it (the task's provider.tf; the response was told not to write it).
    waivable: str = ""
    #: True: the check reads the reference (``ctx.reference``, ``ctx.comparison``), so its
    #: result on the ideal graded as a response (compared with itself) differs from the one
    #: on the reference alone; False: the ideal's result is the reference's, made once per
    #: task (``harness.grading.engine.evaluate``'s ``known``). tests/checks/test_registry.py
    #: holds every check module that reads the reference to it.
    reads_reference: bool = False

    def applies_to(self, present: frozenset[str]) -> bool:
        """Whether the check has something to read among the languages ``present``."""
        return self.languages is None or any(name in present for name in self.languages)

    @property
    def language_key(self) -> str:
        """The languages this implementation reads, as one key ("*" for any language)."""
        return "*" if self.languages is None else "+".join(self.languages)

    @property
    def title(self) -> str:
        return self.doc.strip().splitlines()[0].strip() if self.doc.strip() else self.id

    def section(self, name: str) -> str:
        """The text of one docstring section ("What it checks", "Why it matters", "Example")."""
        pattern = rf"^{re.escape(name)}:?\s*$(.*?)(?=^(?:{'|'.join(DOC_SECTIONS)}):?\s*$|\Z)"
        match = re.search(pattern, self.doc, flags=re.MULTILINE | re.DOTALL)
        return inspect.cleandoc(match.group(1)) if match else ""

    def parse_params(self, raw: dict[str, Any] | None) -> Params:
        """Validate rubric params; raises ``ValidationError`` with the offending key."""
        return self.params.model_validate(raw or {})


class UnknownCheckError(KeyError):
    def __str__(self) -> str:
        return f"unknown check id {self.args[0]!r}"


#: id -> its first (primary) implementation: what rubrics, docs and derive look up.
_REGISTRY: dict[str, CheckSpec] = {}
#: id -> language key -> implementation (the primary one included).
_IMPLEMENTATIONS: dict[str, dict[str, CheckSpec]] = {}


#: ``languages=ANY_LANGUAGE``: the check reads only files and prose, whatever the IaC language.
ANY_LANGUAGE = None
_DEFAULT_LANGUAGES: tuple[tuple[str, ...] | None, ...] = (("terraform",), ANY_LANGUAGE)


def check(
    id: str,
    category: str,
    params: type[Params] = NoParams,
    *,
    languages: tuple[str, ...] | None = ("terraform",),
    judges_task: bool = True,
    waivable: str = "",
    reads_reference: bool = False,
) -> Callable[[Callable[[CheckContext, Any], Iterable[Finding]]], CheckFunc]:
    """Register a check function under ``id``. Registering an id twice for the same
    languages is a programming error; another language's implementation of an id must take
    the same params and category (a rubric criterion names the id, not the language).

    ``languages``: the IaC languages whose model the check reads (Terraform by default);
    ``ANY_LANGUAGE`` for checks of files and prose (tone, tests, truncation).
    ``judges_task=False`` for checks of the response's own text (truncation, syntax, promised
    files, tone) and for those whose nothing-to-judge is the safe state (no administration
    port open): their na is never turned into a failure by the task's reference.
    ``waivable``: what a prompt may waive (``PROVIDER_SETUP``, ``RANDOM_NAMES``), which keeps
    the check's na when it does. ``reads_reference``: the check reads ``ctx.reference`` or
    ``ctx.comparison`` (the reference checks)."""

    def register(func: Callable[[CheckContext, Any], Iterable[Finding]]) -> CheckFunc:
        doc = inspect.cleandoc(func.__doc__ or "")
        spec = CheckSpec(
            id, category, func, params, doc, languages, judges_task, waivable, reads_reference
        )
        implementations = _IMPLEMENTATIONS.setdefault(id, {})
        taken = implementations.get(spec.language_key)
        if taken is not None and taken.func is not func:
            raise ValueError(f"check id {id!r} registered twice")
        primary = _REGISTRY.get(id)
        if primary is not None and primary.func is not func:
            if primary.language_key == "*" or spec.language_key == "*":
                raise ValueError(f"check id {id!r} registered twice (one reads any language)")
            if primary.params is not params or primary.category != category:
                raise ValueError(
                    f"check id {id!r}: the {spec.language_key} implementation must take the "
                    f"params ({primary.params.__name__}) and category ({primary.category}) of "
                    "the first one"
                )
        # the primary is the implementation in the module the id names (default languages),
        # whichever module was imported first
        if primary is None or (
            primary.languages not in _DEFAULT_LANGUAGES and languages in _DEFAULT_LANGUAGES
        ):
            _REGISTRY[id] = spec
        implementations[spec.language_key] = spec
        return func

    return register


def check_modules() -> list[str]:
    """Names of the modules that hold checks: every module of the subpackages of
    ``harness.checks`` (``harness.checks.security.s3``), ``common`` and private names aside."""
    import harness.checks as package

    return sorted(
        m.name
        for m in pkgutil.walk_packages(package.__path__, "harness.checks.")
        if not m.ispkg
        and m.name.count(".") == 3
        and m.name.split(".")[2] not in _NOT_CHECK_MODULES
        and not any(part.startswith("_") for part in m.name.split(".")[2:])
    )


_LOADED: list[bool] = []


def _import_checks() -> None:
    """Import every check module, once."""
    if not _LOADED:
        for name in check_modules():
            importlib.import_module(name)
        _LOADED.append(True)


def load_checks() -> dict[str, CheckSpec]:
    """Import every check module once and return the registry (id -> spec)."""
    _import_checks()
    return dict(_REGISTRY)


def get_check(check_id: str) -> CheckSpec:
    """The primary implementation of ``check_id`` (its docs, params and category)."""
    _import_checks()  # the engine asks once per criterion: no copy of the registry
    spec = _REGISTRY.get(check_id)
    if spec is None:
        raise UnknownCheckError(check_id)
    return spec


def implementations(check_id: str) -> tuple[CheckSpec, ...]:
    """Every implementation of ``check_id``, the primary one first."""
    get_check(check_id)
    found = _IMPLEMENTATIONS.get(check_id, {})
    primary = _REGISTRY[check_id]
    return (primary, *(spec for spec in found.values() if spec is not primary))


def all_implementations() -> tuple[CheckSpec, ...]:
    """Every implementation of every check (for docs and the id -> module rule)."""
    load_checks()
    return tuple(spec for check_id in sorted(_REGISTRY) for spec in implementations(check_id))


def implementations_for(check_id: str, present: frozenset[str]) -> tuple[CheckSpec, ...]:
    """The implementations of ``check_id`` that read one of the languages ``present``."""
    return tuple(spec for spec in implementations(check_id) if spec.applies_to(present))


def run_check(spec: CheckSpec, ctx: CheckContext, params: Params) -> tuple[Finding, ...]:
    """Run one check; an exception becomes a single ``error`` finding so the run goes on."""
    try:
        return tuple(spec.func(ctx, params))
    except Exception as exc:  # a broken check or a pathological response must not stop a run
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return (
            Finding(
                Status.ERROR,
                f"check {spec.id} raised {type(exc).__name__}: {exc} "
                f"({where.filename.rsplit('/', 1)[-1]}:{where.lineno})",
            ),
        )


def _titles(names: Iterable[str]) -> str:
    return " or ".join(sorted(get_language(name).title for name in names))


def run_criterion_checks(check_id: str, ctx: CheckContext, params: Params) -> tuple[Finding, ...]:
    """The joined findings of every implementation of ``check_id`` that reads a language the
    response or its reference holds; one ``na`` finding saying why when none does (the check
    has no meaning in the languages present, or their code is recognised but not graded)."""
    present = ctx.languages
    if not ctx.graded:
        return (not_applicable(f"{_titles(present)} code {NOT_GRADED}"),)
    chosen = implementations_for(check_id, present)
    if not chosen:
        read = {name for spec in implementations(check_id) for name in spec.languages or ()}
        return (
            not_applicable(
                f"no {' or '.join(sorted(read))} code in the response or its reference; "
                f"{check_id} has no {_titles(present)} meaning"
            ),
        )
    if len(chosen) == 1:
        return run_check(chosen[0], ctx, params)
    return tuple(finding for spec in chosen for finding in run_check(spec, ctx, params))


__all__ = [
    "ANY_LANGUAGE",
    "CheckSpec",
    "NoParams",
    "Params",
    "UnknownCheckError",
    "ValidationError",
    "all_implementations",
    "check",
    "get_check",
    "implementations",
    "implementations_for",
    "load_checks",
    "run_check",
    "run_criterion_checks",
]
