"""Load a rubric: read YAML safely, resolve ``extends``, merge by id, validate early.

Every error is a ``RubricError`` whose message is one line starting with ``file:line`` of the
offending key: an unknown check id, params a check does not take or of the wrong type,
duplicate ids, an unknown category, a bad ``extends``, invalid YAML.
"""

from __future__ import annotations

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
#: Where rubric ids are looked up: the package data (the checkout's rubrics/ links there).
SEARCH_DIRS: tuple[Path, ...] = (rubric_dir(),)


class RubricError(ValueError):
    """A rubric cannot be used; ``str()`` is one line starting with ``file:line``."""


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
    chain = _read_chain(path.resolve(), search_dirs)
    return _resolve(chain, load_checks())


# -- reading files and the extends chain ------------------------------------------------------


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


def _validation_message(doc: YamlDoc, exc: ValidationError, prefix: PathKey = ()) -> str:
    error = exc.errors()[0]
    loc = tuple(error["loc"])
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    elif error["type"] == "missing":
        message = "required"
    else:
        message = error["msg"]
    key = (*prefix, *loc)
    return f"{doc.where(key)}: {_describe(doc, key)}: {message}"


def _read_one(path: Path) -> tuple[YamlDoc, RubricFile]:
    try:
        doc = load_yaml(path)
    except YamlDocError as exc:
        raise RubricError(str(exc)) from None
    if not isinstance(doc.data, dict):
        raise RubricError(f"{doc.where()}: a rubric must be a mapping (id, categories, criteria)")
    try:
        spec = RubricFile.model_validate(doc.data)
    except ValidationError as exc:
        raise RubricError(_validation_message(doc, exc)) from None
    return doc, spec


def _read_chain(path: Path, search_dirs: tuple[Path, ...]) -> list[tuple[YamlDoc, RubricFile]]:
    """The files of the extends chain, base first."""
    chain: list[tuple[YamlDoc, RubricFile]] = []
    seen: list[Path] = []
    current: Path | None = path
    while current is not None:
        if current in seen:
            cycle = " -> ".join(p.name for p in (*seen, current))
            doc = chain[-1][0]
            raise RubricError(f"{doc.where(('extends',))}: extends: cycle {cycle}")
        if len(seen) > MAX_EXTENDS_DEPTH:
            doc = chain[-1][0]
            raise RubricError(
                f"{doc.where(('extends',))}: extends: deeper than {MAX_EXTENDS_DEPTH} levels"
            )
        seen.append(current)
        doc, spec = _read_one(current)
        chain.append((doc, spec))
        current = None
        if spec.extends:
            current = _extends_target(doc, spec.extends, search_dirs)
    chain.reverse()
    return chain


def _extends_target(doc: YamlDoc, ref: str, search_dirs: tuple[Path, ...]) -> Path:
    relative = (doc.path.parent / ref).resolve()
    if relative.is_file():
        return relative
    by_id = find_rubric(ref, search_dirs)
    if by_id is not None:
        return by_id.resolve()
    known = ", ".join(available_rubrics(search_dirs)) or "none"
    raise RubricError(
        f"{doc.where(('extends',))}: extends: {ref!r} is neither a file next to "
        f"{doc.path.name} nor a shipped rubric id (shipped: {known})"
    )


# -- merging and validation ---------------------------------------------------------------


_CRITERION_FIELDS = ("title", "category", "check", "weight", "severity", "gate", "why", "disabled")


def _merge(
    chain: list[tuple[YamlDoc, RubricFile]],
) -> tuple[dict[str, _MergedCategory], dict[str, _MergedCriterion], dict[str, Any]]:
    categories: dict[str, _MergedCategory] = {}
    criteria: dict[str, _MergedCriterion] = {}
    top: dict[str, Any] = {"gate_cap": DEFAULT_GATE_CAP}
    for doc, spec in chain:
        for key in ("version", "title", "description"):
            if getattr(spec, key) is not None:
                top[key] = getattr(spec, key)
        if spec.scoring.gate_cap is not None:
            top["gate_cap"] = spec.scoring.gate_cap
        seen: set[str] = set()
        for index, category in enumerate(spec.categories):
            place = _Place(doc, ("categories", index))
            if category.id in seen:
                raise RubricError(f"{place}: duplicate category id {category.id!r}")
            seen.add(category.id)
            merged_category = categories.setdefault(category.id, _MergedCategory(category.id))
            merged_category.place = merged_category.place or place
            if category.title is not None:
                merged_category.title = category.title
            if category.weight is not None:
                merged_category.weight = category.weight
        seen = set()
        for index, criterion in enumerate(spec.criteria):
            _merge_criterion(criteria, doc, index, criterion, seen)
    return categories, criteria, top


def _merge_criterion(
    criteria: dict[str, _MergedCriterion],
    doc: YamlDoc,
    index: int,
    criterion: CriterionSpec,
    seen: set[str],
) -> None:
    base = ("criteria", index)
    if criterion.id in seen:
        raise RubricError(f"{doc.where((*base, 'id'))}: duplicate criterion id {criterion.id!r}")
    seen.add(criterion.id)
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


def _params_error(
    merged: _MergedCriterion, check: CheckSpec, exc: ValidationError, fallback: _Place
) -> RubricError:
    error = exc.errors()[0]
    key = str(error["loc"][0]) if error["loc"] else ""
    place = merged.places.get(f"params.{key}", fallback)
    accepted = ", ".join(
        f"{name}: {type_name(info.annotation)}" for name, info in check.params.model_fields.items()
    )
    takes = f"takes {accepted}" if accepted else "takes no params"
    if error["type"] == "extra_forbidden":
        problem = f"check {check.id} does not take param {key!r} ({takes})"
    elif error["type"] == "missing":
        problem = f"check {check.id} needs param {key!r} ({takes})"
    else:
        problem = f"param {key!r} of check {check.id}: {error['msg']} ({takes})"
    return RubricError(f"{place}: criterion {merged.id!r}: {problem}")


def type_name(annotation: Any) -> str:
    """``list[str]``, ``int``, ``dict[str, int]`` for a params field annotation."""
    if get_origin(annotation) is None and isinstance(annotation, type):
        return annotation.__name__
    return str(annotation).replace("typing.", "")


def _resolve(chain: list[tuple[YamlDoc, RubricFile]], registry: dict[str, CheckSpec]) -> Rubric:
    top_doc, top_spec = chain[-1]
    merged_categories, merged_criteria, top = _merge(chain)
    if "version" not in top:
        raise RubricError(f"{top_doc.where(('id',))}: version: required")
    categories = []
    for merged_category in merged_categories.values():
        if merged_category.title is None:
            raise RubricError(
                f"{merged_category.place}: category {merged_category.id!r}: title: required"
            )
        weight = 1.0 if merged_category.weight is None else merged_category.weight
        categories.append(Category(merged_category.id, merged_category.title, weight))
    category_ids = {c.id for c in categories}
    criteria: list[Criterion] = []
    disabled: list[str] = []
    for merged in merged_criteria.values():
        values = merged.values
        if values.get("disabled"):
            disabled.append(merged.id)
            continue
        id_place = merged.places["id"]
        for required in ("title", "category"):
            if required not in values:
                raise RubricError(f"{id_place}: criterion {merged.id!r}: {required}: required")
        if values["category"] not in category_ids:
            place = merged.places["category"]
            known = ", ".join(sorted(category_ids)) or "none"
            raise RubricError(
                f"{place}: criterion {merged.id!r}: unknown category {values['category']!r} "
                f"(categories: {known})"
            )
        check_id = values.get("check", merged.id)
        check = registry.get(check_id)
        if check is None:
            place = merged.places.get("check", id_place)
            raise RubricError(f"{place}: criterion {merged.id!r}: unknown check id {check_id!r}")
        try:
            params = check.parse_params(merged.params)
        except ValidationError as exc:
            fallback = merged.places.get("params", id_place)
            raise _params_error(merged, check, exc, fallback) from None
        criteria.append(
            Criterion(
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
        )
    if not criteria:
        raise RubricError(f"{top_doc.where(('criteria',))}: criteria: no enabled criterion")
    return Rubric(
        id=top_spec.id,
        version=str(top["version"]),
        title=top.get("title") or top_spec.id,
        gate_cap=float(top["gate_cap"]),
        categories=tuple(categories),
        criteria=tuple(criteria),
        source=top_doc.path,
        sources=tuple(doc.path for doc, _ in chain),
        disabled=tuple(disabled),
        description=top.get("description") or "",
    )
