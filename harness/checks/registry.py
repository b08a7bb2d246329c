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

from harness.checks.types import CheckContext, Finding, Status

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

    def applies_to(self, present: frozenset[str]) -> bool:
        """Whether the check has something to read among the languages ``present``."""
        return self.languages is None or any(name in present for name in self.languages)

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


_REGISTRY: dict[str, CheckSpec] = {}


#: ``languages=ANY_LANGUAGE``: the check reads only files and prose, whatever the IaC language.
ANY_LANGUAGE = None


def check(
    id: str,
    category: str,
    params: type[Params] = NoParams,
    *,
    languages: tuple[str, ...] | None = ("terraform",),
    judges_task: bool = True,
) -> Callable[[Callable[[CheckContext, Any], Iterable[Finding]]], CheckFunc]:
    """Register a check function under ``id``. Duplicate ids are a programming error.

    ``languages``: the IaC languages whose model the check reads (Terraform by default);
    ``ANY_LANGUAGE`` for checks of files and prose (tone, tests, truncation).
    ``judges_task=False`` for checks of the response's own text (truncation, syntax, promised
    files, tone): their na is never turned into a failure by the task's reference."""

    def register(func: Callable[[CheckContext, Any], Iterable[Finding]]) -> CheckFunc:
        if id in _REGISTRY and _REGISTRY[id].func is not func:
            raise ValueError(f"check id {id!r} registered twice")
        doc = inspect.cleandoc(func.__doc__ or "")
        _REGISTRY[id] = CheckSpec(id, category, func, params, doc, languages, judges_task)
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


def load_checks() -> dict[str, CheckSpec]:
    """Import every check module once and return the registry (id -> spec)."""
    if not _LOADED:
        for name in check_modules():
            importlib.import_module(name)
        _LOADED.append(True)
    return dict(_REGISTRY)


def get_check(check_id: str) -> CheckSpec:
    registry = load_checks()
    if check_id not in registry:
        raise UnknownCheckError(check_id)
    return registry[check_id]


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


__all__ = [
    "ANY_LANGUAGE",
    "CheckSpec",
    "NoParams",
    "Params",
    "UnknownCheckError",
    "ValidationError",
    "check",
    "get_check",
    "load_checks",
    "run_check",
]
