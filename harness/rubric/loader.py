"""Load a rubric: read YAML safely, resolve ``extends``, merge by id, validate early.

Every problem is one line starting with ``file:line`` of the offending key: an unknown check
id, params a check does not take or of the wrong type, duplicate ids, an unknown category, an
override of a criterion the base does not have, a bad ``extends``, invalid YAML. A file with
several problems raises one ``RubricError`` listing all of them (so an author fixes a file in
one pass, not one error per run); only unusable YAML or a broken ``extends`` chain stops early.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_origin

from pydantic import ValidationError

from harness.checks.registry import CheckSpec, load_checks
from harness.rubric.model import Category, Criterion, Rubric
from harness.rubric.schema import (
    DEFAULT_GATE_CAP,
    ID_PATTERN,
    CriterionSpec,
    RubricFile,
)
from harness.rubric.yamldoc import PathKey, YamlDoc, YamlDocError, load_yaml
from harness.shipped import rubric_dir

MAX_EXTENDS_DEPTH = 8
#: How many problems ``str(RubricError)`` lists before ``(+N more)``.
MAX_REPORTED_ERRORS = 20
#: Where rubric ids are looked up: the package data (the checkout's rubrics/ links there).
SEARCH_DIRS: tuple[Path, ...] = (rubric_dir(),)


class RubricError(ValueError):
    """A rubric cannot be used.

    ``problems`` holds every problem found, each one line starting with ``file:line``;
    ``str()`` lists them one per line, at most ``MAX_REPORTED_ERRORS`` and then ``(+N more)``,
    so a file with many mistakes still gives a readable CLI message.
    """

    def __init__(self, *problems: str) -> None:
        super().__init__(*problems)
        self.problems: tuple[str, ...] = problems

    def __str__(self) -> str:
        shown = list(self.problems[:MAX_REPORTED_ERRORS])
        hidden = len(self.problems) - len(shown)
        if hidden > 0:
            shown.append(f"(+{hidden} more)")
        return "\n".join(shown)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean a, b?)`` for close matches of a mistyped id, else ``""``."""
    close = difflib.get_close_matches(word, list(candidates), n=3)
    return f" (did you mean {', '.join(close)}?)" if close else ""


class _Problems:
    """Problems collected while loading, reported together sorted by file then line."""

    def __init__(self) -> None:
        self._items: dict[str, tuple[int, int]] = {}  # message -> (file order, line)
        self._files: dict[Path, int] = {}

    def __bool__(self) -> bool:
        return bool(self._items)

    def add(self, doc: YamlDoc, key: PathKey, text: str) -> None:
        line = doc.line(key)
        order = self._files.setdefault(doc.path, len(self._files))
        self._items.setdefault(f"{doc.path}:{line}: {text}", (order, line))

    def at(self, place: _Place, text: str) -> None:
        self.add(place.doc, place.key, text)

    def error(self) -> RubricError:
        ordered = sorted(self._items, key=lambda message: self._items[message])
        return RubricError(*ordered)

    def raise_if_any(self) -> None:
        if self._items:
            raise self.error()


@dataclass(frozen=True)
class _Place:
    doc: YamlDoc
    key: PathKey

    def __str__(self) -> str:
        return self.doc.where(self.key)


@dataclass
class _MergedCriterion:
    id: str
    values: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    places: dict[str, _Place] = field(default_factory=dict)  # field or "params.<key>" -> place


@dataclass
class _MergedCategory:
    id: str
    title: str | None = None
    weight: float | None = None
    place: _Place | None = None


def find_rubric(ref: str, search_dirs: tuple[Path, ...] = SEARCH_DIRS) -> Path | None:
    """The file of a rubric id (``<dir>/<id>.yaml`` in one of ``search_dirs``), or None."""
    if not ID_PATTERN.match(ref):
        return None
    for folder in search_dirs:
        for suffix in (".yaml", ".yml"):
            candidate = folder / f"{ref}{suffix}"
            if candidate.is_file():
                return candidate
    return None


def available_rubrics(search_dirs: tuple[Path, ...] = SEARCH_DIRS) -> list[str]:
    """Ids of the rubrics shipped in ``search_dirs`` (by file name)."""
    found = {p.stem for folder in search_dirs if folder.is_dir() for p in folder.glob("*.y*ml")}
    return sorted(found)


def load_rubric(path_or_id: str | Path, *, search_dirs: tuple[Path, ...] = SEARCH_DIRS) -> Rubric:
    """Load, merge and validate a rubric given as a file path or a shipped rubric id."""
    path = Path(path_or_id)
    if not path.is_file():
        found = find_rubric(str(path_or_id), search_dirs)
        if found is None:
            known = ", ".join(available_rubrics(search_dirs)) or "none"
            raise RubricError(
                f"{path_or_id}: no such rubric file or rubric id (shipped rubrics: {known})"
            )
        path = found
    problems = _Problems()
    chain = _read_chain(path.resolve(), search_dirs, problems)
    return _resolve(chain, load_checks(), problems)


# -- reading files and the extends chain ------------------------------------------------------


@dataclass(frozen=True)
class _File:
    """One file of the chain. When entries were dropped for schema errors, ``positions`` maps
    each kept entry to its index in the file (for ``file:line``) and ``broken_categories``
    names the dropped categories, so criteria naming them are not also "unknown category"."""

    doc: YamlDoc
    spec: RubricFile
    positions: dict[str, tuple[int, ...]] = field(default_factory=dict)
    broken_categories: frozenset[str] = frozenset()

    def key(self, section: str, index: int) -> PathKey:
        """The key path in the file of the ``index``-th kept entry of ``section``."""
        kept = self.positions.get(section)
        return (section, kept[index] if kept is not None else index)


def _describe(doc: YamlDoc, loc: tuple[Any, ...]) -> str:
    """A readable name for a pydantic error location: ``criterion 'x': weight``."""
    if len(loc) >= 2 and loc[0] in ("criteria", "categories") and isinstance(loc[1], int):
        items = doc.data.get(loc[0]) if isinstance(doc.data, dict) else None
        item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
        name = item.get("id") if isinstance(item, dict) else None
        kind = "criterion" if loc[0] == "criteria" else "category"
        label = f"{kind} {name!r}" if isinstance(name, str) else f"{loc[0]}[{loc[1]}]"
        rest = ".".join(str(part) for part in loc[2:])
        return f"{label}: {rest}" if rest else label
    return ".".join(str(part) for part in loc) or "rubric"


def _add_validation_errors(doc: YamlDoc, exc: ValidationError, problems: _Problems) -> None:
    for error in exc.errors():
        loc = tuple(error["loc"])
        if error["type"] == "extra_forbidden":
            message = "unknown key"
        elif error["type"] == "missing":
            message = "required"
        else:
            message = error["msg"]
        problems.add(doc, loc, f"{_describe(doc, loc)}: {message}")


def _item_index(loc: tuple[Any, ...]) -> tuple[str, int] | None:
    """``("criteria", 3)`` when a pydantic error is inside one list entry, else None."""
    if len(loc) >= 2 and loc[0] in ("criteria", "categories") and isinstance(loc[1], int):
        return str(loc[0]), loc[1]
    return None


def _salvage(doc: YamlDoc, exc: ValidationError) -> _File | None:
    """The file without its invalid list entries, so the rest can still be checked (and its
    problems reported in the same run); None when a top-level key itself is invalid."""
    bad = [_item_index(tuple(error["loc"])) for error in exc.errors()]
    drop = {item for item in bad if item is not None}
    if None in bad:  # a top-level key is wrong: nothing sensible to merge
        return None
    data = dict(doc.data)
    positions: dict[str, tuple[int, ...]] = {}
    broken: set[str] = set()
    for section in ("criteria", "categories"):
        entries = data.get(section)
        if not isinstance(entries, list):
            continue
        positions[section] = tuple(i for i in range(len(entries)) if (section, i) not in drop)
        data[section] = [entries[i] for i in positions[section]]
        if section == "categories":
            for index, entry in enumerate(entries):
                name = entry.get("id") if isinstance(entry, dict) else None
                if (section, index) in drop and isinstance(name, str):
                    broken.add(name)
    try:
        spec = RubricFile.model_validate(data)
    except ValidationError:
        return None
    return _File(doc, spec, positions, frozenset(broken))


def _read_one(path: Path, problems: _Problems) -> _File:
    """Read and validate one file; unusable YAML or schema raise with everything so far."""
    try:
        doc = load_yaml(path)
    except YamlDocError as exc:
        raise RubricError(*problems.error().problems, str(exc)) from None
    if not isinstance(doc.data, dict):
        problems.add(doc, (), "a rubric must be a mapping (id, categories, criteria)")
        raise problems.error()
    try:
        return _File(doc, RubricFile.model_validate(doc.data))
    except ValidationError as exc:
        _add_validation_errors(doc, exc, problems)
        salvaged = _salvage(doc, exc)
    if salvaged is None:
        raise problems.error()
    return salvaged


def _read_chain(path: Path, search_dirs: tuple[Path, ...], problems: _Problems) -> list[_File]:
    """The files of the extends chain, base first."""
    chain: list[_File] = []
    seen: list[Path] = []
    current: Path | None = path
    while current is not None:
        if current in seen:
            cycle = " -> ".join(p.name for p in (*seen, current))
            problems.add(chain[-1].doc, ("extends",), f"extends: cycle {cycle}")
            raise problems.error()
        if len(seen) > MAX_EXTENDS_DEPTH:
            text = f"extends: deeper than {MAX_EXTENDS_DEPTH} levels"
            problems.add(chain[-1].doc, ("extends",), text)
            raise problems.error()
        seen.append(current)
        file = _read_one(current, problems)
        chain.append(file)
        current = None
        if file.spec.extends:
            current = _extends_target(file.doc, file.spec.extends, search_dirs, problems)
    chain.reverse()
    return chain


def _extends_target(
    doc: YamlDoc, ref: str, search_dirs: tuple[Path, ...], problems: _Problems
) -> Path:
    relative = (doc.path.parent / ref).resolve()
    if relative.is_file():
        return relative
    by_id = find_rubric(ref, search_dirs)
    if by_id is not None:
        return by_id.resolve()
    known = ", ".join(available_rubrics(search_dirs)) or "none"
    problems.add(
        doc,
        ("extends",),
        f"extends: {ref!r} is neither a file next to {doc.path.name} nor a shipped rubric id "
        f"(shipped: {known})",
    )
    raise problems.error()


# -- merging and validation ---------------------------------------------------------------


_CRITERION_FIELDS = ("title", "category", "check", "weight", "severity", "gate", "why", "disabled")


def _merge(
    chain: list[_File], problems: _Problems
) -> tuple[dict[str, _MergedCategory], dict[str, _MergedCriterion], dict[str, Any]]:
    categories: dict[str, _MergedCategory] = {}
    criteria: dict[str, _MergedCriterion] = {}
    top: dict[str, Any] = {"gate_cap": DEFAULT_GATE_CAP}
    base_id: str | None = None  # the rubric the current file extends
    for file in chain:
        doc, spec = file.doc, file.spec
        for key in ("version", "title", "description"):
            if getattr(spec, key) is not None:
                top[key] = getattr(spec, key)
        if spec.scoring.gate_cap is not None:
            top["gate_cap"] = spec.scoring.gate_cap
        seen: set[str] = set()
        for index, category in enumerate(spec.categories):
            place = _Place(doc, file.key("categories", index))
            if category.id in seen:
                problems.at(place, f"duplicate category id {category.id!r}")
                continue
            seen.add(category.id)
            if base_id is not None and category.id not in categories and category.title is None:
                hint = did_you_mean(category.id, categories)
                problems.at(
                    place,
                    f"category {category.id!r}: unknown category id in base rubric {base_id!r}"
                    f"{hint}; a new category must state its title",
                )
                continue
            merged_category = categories.setdefault(category.id, _MergedCategory(category.id))
            merged_category.place = merged_category.place or place
            if category.title is not None:
                merged_category.title = category.title
            if category.weight is not None:
                merged_category.weight = category.weight
        seen = set()
        base_ids = frozenset(criteria)
        for index, criterion in enumerate(spec.criteria):
            entry = file.key("criteria", index)
            if criterion.id in seen:
                problems.add(doc, (*entry, "id"), f"duplicate criterion id {criterion.id!r}")
                continue
            seen.add(criterion.id)
            if base_id is not None and criterion.id not in base_ids:
                problem = _unknown_override(criterion, base_id, base_ids)
                if problem is not None:
                    problems.add(doc, (*entry, "id"), problem)
                    continue
            _merge_criterion(criteria, doc, entry, criterion)
        base_id = spec.id
    return categories, criteria, top


def _unknown_override(
    criterion: CriterionSpec, base_id: str, base_ids: frozenset[str]
) -> str | None:
    """Why an entry whose id the base lacks is not a valid new criterion, or None if it is.

    An entry that only disables or leaves out title/category is meant to override a base
    criterion; its id is most likely mistyped, and "title: required" would hide that.
    """
    if criterion.disabled:
        action = "nothing to disable"
    elif criterion.title is None or criterion.category is None:
        action = "a new criterion must state its title and category"
    else:
        return None
    hint = did_you_mean(criterion.id, base_ids)
    return (
        f"criterion {criterion.id!r}: unknown criterion id in base rubric {base_id!r}{hint}; "
        f"{action}"
    )


def _merge_criterion(
    criteria: dict[str, _MergedCriterion], doc: YamlDoc, base: PathKey, criterion: CriterionSpec
) -> None:
    merged = criteria.get(criterion.id)
    if merged is None:
        merged = criteria[criterion.id] = _MergedCriterion(criterion.id)
        merged.places["id"] = _Place(doc, (*base, "id"))
    for name in _CRITERION_FIELDS:
        value = getattr(criterion, name)
        if value is not None:
            merged.values[name] = value
            merged.places[name] = _Place(doc, (*base, name))
    for key, value in (criterion.params or {}).items():
        merged.params[key] = value
        merged.places[f"params.{key}"] = _Place(doc, (*base, "params", key))
    if criterion.params is not None and not criterion.params:
        merged.places.setdefault("params", _Place(doc, (*base, "params")))


def _params_errors(
    merged: _MergedCriterion,
    check: CheckSpec,
    exc: ValidationError,
    fallback: _Place,
    problems: _Problems,
) -> None:
    accepted = ", ".join(
        f"{name}: {type_name(info.annotation)}" for name, info in check.params.model_fields.items()
    )
    takes = f"takes {accepted}" if accepted else "takes no params"
    for error in exc.errors():
        key = str(error["loc"][0]) if error["loc"] else ""
        place = merged.places.get(f"params.{key}", fallback)
        if error["type"] == "extra_forbidden":
            problem = f"check {check.id} does not take param {key!r} ({takes})"
        elif error["type"] == "missing":
            problem = f"check {check.id} needs param {key!r} ({takes})"
        else:
            problem = f"param {key!r} of check {check.id}: {error['msg']} ({takes})"
        problems.at(place, f"criterion {merged.id!r}: {problem}")


def type_name(annotation: Any) -> str:
    """``list[str]``, ``int``, ``dict[str, int]`` for a params field annotation."""
    if get_origin(annotation) is None and isinstance(annotation, type):
        return annotation.__name__
    return str(annotation).replace("typing.", "")


def _resolve(chain: list[_File], registry: dict[str, CheckSpec], problems: _Problems) -> Rubric:
    top_file = chain[-1]
    top_doc, top_spec = top_file.doc, top_file.spec
    merged_categories, merged_criteria, top = _merge(chain, problems)
    if "version" not in top:
        problems.add(top_doc, ("id",), "version: required")
    categories = []
    for merged_category in merged_categories.values():
        if merged_category.title is None:
            assert merged_category.place is not None
            problems.at(merged_category.place, f"category {merged_category.id!r}: title: required")
            continue
        weight = 1.0 if merged_category.weight is None else merged_category.weight
        categories.append(Category(merged_category.id, merged_category.title, weight))
    # a category that is there but broken is reported once, not again by each criterion
    category_ids = set(merged_categories)
    known_categories = category_ids.union(*(file.broken_categories for file in chain))
    criteria: list[Criterion] = []
    disabled: list[str] = []
    for merged in merged_criteria.values():
        if merged.values.get("disabled"):
            disabled.append(merged.id)
            continue
        criterion = _resolve_criterion(merged, registry, category_ids, known_categories, problems)
        if criterion is not None:
            criteria.append(criterion)
    if not criteria and not problems:
        problems.add(top_doc, ("criteria",), "criteria: no enabled criterion")
    problems.raise_if_any()
    return Rubric(
        id=top_spec.id,
        version=str(top["version"]),
        title=top.get("title") or top_spec.id,
        gate_cap=float(top["gate_cap"]),
        categories=tuple(categories),
        criteria=tuple(criteria),
        source=top_doc.path,
        sources=tuple(file.doc.path for file in chain),
        disabled=tuple(disabled),
        description=top.get("description") or "",
    )


def _resolve_criterion(
    merged: _MergedCriterion,
    registry: dict[str, CheckSpec],
    category_ids: set[str],
    known_categories: set[str],
    problems: _Problems,
) -> Criterion | None:
    """The enabled criterion, or None after adding each of its problems to ``problems``."""
    values = merged.values
    id_place = merged.places["id"]
    ok = True
    for required in ("title", "category"):
        if required not in values:
            problems.at(id_place, f"criterion {merged.id!r}: {required}: required")
            ok = False
    category = values.get("category")
    if category is not None and category not in known_categories:
        known = ", ".join(sorted(category_ids)) or "none"
        problems.at(
            merged.places["category"],
            f"criterion {merged.id!r}: unknown category {category!r}"
            f"{did_you_mean(category, category_ids)}; categories: {known}",
        )
        ok = False
    check_id = values.get("check", merged.id)
    check = registry.get(check_id)
    if check is None:
        problems.at(
            merged.places.get("check", id_place),
            f"criterion {merged.id!r}: unknown check id {check_id!r}"
            f"{did_you_mean(check_id, registry)}; see `iac-harness checks list`",
        )
        return None
    try:
        params = check.parse_params(merged.params)
    except ValidationError as exc:
        _params_errors(merged, check, exc, merged.places.get("params", id_place), problems)
        return None
    if not ok:
        return None
    return Criterion(
        id=merged.id,
        title=values["title"],
        category=values["category"],
        check=check_id,
        params=params,
        weight=float(values.get("weight", 1.0)),
        severity=str(values.get("severity", "medium")),
        gate=bool(values.get("gate", False)),
        why=values.get("why", ""),
        raw_params=dict(merged.params),
    )
