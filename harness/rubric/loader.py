"""Load a rubric: read YAML safely, resolve ``extends``, merge by id, validate early.

Every problem is one line starting with ``file:line`` of the offending key: an unknown check
id, params a check does not take or of the wrong type, duplicate ids, an unknown category, an
override of a criterion the base does not have, a bad ``extends``, invalid YAML. A file with
several problems raises one ``RubricError`` listing all of them (so an author fixes a file in
one pass, not one error per run); only unusable YAML or a broken ``extends`` chain stops early.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_origin

from pydantic import ValidationError

from harness.checks.registry import CheckSpec, load_checks
from harness.rubric.errors import (
    Place,
    Problems,
    RubricError,
    did_you_mean,
)
from harness.rubric.model import Category, Criterion, Rubric
from harness.rubric.reading import (
    SEARCH_DIRS,
    ParsedFile,
    available_rubrics,
    find_rubric,
    read_chain,
)
from harness.rubric.schema import (
    DEFAULT_COVERAGE_CRITERION,
    DEFAULT_COVERAGE_SHARE,
    DEFAULT_GATE_CAP,
    CriterionSpec,
)
from harness.rubric.yamldoc import PathKey, YamlDoc


@dataclass
class _MergedCriterion:
    id: str
    values: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)  # field or "params.<key>" -> place


@dataclass
class _MergedCategory:
    id: str
    title: str | None = None
    weight: float | None = None
    place: Place | None = None


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
    problems = Problems()
    chain = read_chain(path.resolve(), search_dirs, problems)
    return _resolve(chain, load_checks(), problems)


# -- reading files and the extends chain ------------------------------------------------------


_CRITERION_FIELDS = ("title", "category", "check", "weight", "severity", "gate", "why", "disabled")


def _merge(
    chain: list[ParsedFile], problems: Problems
) -> tuple[dict[str, _MergedCategory], dict[str, _MergedCriterion], dict[str, Any]]:
    categories: dict[str, _MergedCategory] = {}
    criteria: dict[str, _MergedCriterion] = {}
    top: dict[str, Any] = {
        "gate_cap": DEFAULT_GATE_CAP,
        "coverage_share": DEFAULT_COVERAGE_SHARE,
        "coverage_criterion": DEFAULT_COVERAGE_CRITERION,
    }
    base_id: str | None = None  # the rubric the current file extends
    for file in chain:
        doc, spec = file.doc, file.spec
        for key in ("version", "title", "description"):
            if getattr(spec, key) is not None:
                top[key] = getattr(spec, key)
        for key in ("gate_cap", "coverage_share", "coverage_criterion"):
            if getattr(spec.scoring, key) is not None:
                top[key] = getattr(spec.scoring, key)
        seen: set[str] = set()
        for index, category in enumerate(spec.categories):
            place = Place(doc, file.key("categories", index))
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
        merged.places["id"] = Place(doc, (*base, "id"))
    for name in _CRITERION_FIELDS:
        value = getattr(criterion, name)
        if value is not None:
            merged.values[name] = value
            merged.places[name] = Place(doc, (*base, name))
    for key, value in (criterion.params or {}).items():
        merged.params[key] = value
        merged.places[f"params.{key}"] = Place(doc, (*base, "params", key))
    if criterion.params is not None and not criterion.params:
        merged.places.setdefault("params", Place(doc, (*base, "params")))


def _params_errors(
    merged: _MergedCriterion,
    check: CheckSpec,
    exc: ValidationError,
    fallback: Place,
    problems: Problems,
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


def _resolve(chain: list[ParsedFile], registry: dict[str, CheckSpec], problems: Problems) -> Rubric:
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
        coverage_share=float(top["coverage_share"]),
        coverage_criterion=str(top["coverage_criterion"]),
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
    problems: Problems,
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
