"""The resolved rubric: what a run grades with, after ``extends`` is merged and every
criterion's check and params are validated."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.checks.registry import Params
from harness.results import CategoryInfo, CriterionInfo, RubricInfo


@dataclass(frozen=True)
class Category:
    id: str
    title: str
    weight: float


@dataclass(frozen=True)
class Criterion:
    """One enabled criterion. ``params`` is the check's validated Params model (defaults
    filled in); ``raw_params`` is what the rubric files stated."""

    id: str
    title: str
    category: str
    check: str
    params: Params
    weight: float
    severity: str
    gate: bool
    why: str
    raw_params: dict[str, Any] = field(default_factory=dict)

    def info(self) -> CriterionInfo:
        return CriterionInfo(
            id=self.id,
            title=self.title,
            category=self.category,
            check=self.check,
            severity=self.severity,
            weight=self.weight,
            gate=self.gate,
            why=self.why,
            params=self.params.model_dump(mode="json"),
        )


@dataclass(frozen=True)
class Rubric:
    """A resolved rubric. ``sources`` lists the files merged, base first; ``disabled`` the
    criterion ids an extending rubric switched off."""

    id: str
    version: str
    title: str
    gate_cap: float
    categories: tuple[Category, ...]
    criteria: tuple[Criterion, ...]
    source: Path
    sources: tuple[Path, ...] = ()
    disabled: tuple[str, ...] = ()
    description: str = ""
    #: the share of the overall earned only on the covered part of the task, and the
    #: criterion whose score is that coverage (``harness.grading.score``)
    coverage_share: float = 0.0
    coverage_criterion: str = ""

    @property
    def category_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.categories)

    def category(self, category_id: str) -> Category:
        for category in self.categories:
            if category.id == category_id:
                return category
        raise KeyError(category_id)

    def criterion(self, criterion_id: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)

    def resolved(self) -> dict[str, Any]:
        """The resolved rubric as plain data (what ``sha256`` is computed over)."""
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "scoring": {
                "gate_cap": self.gate_cap,
                "coverage_share": self.coverage_share,
                "coverage_criterion": self.coverage_criterion,
            },
            "categories": [
                {"id": c.id, "title": c.title, "weight": c.weight} for c in self.categories
            ],
            "criteria": [
                {
                    "id": c.id,
                    "title": c.title,
                    "category": c.category,
                    "check": c.check,
                    "params": c.params.model_dump(mode="json"),
                    "weight": c.weight,
                    "severity": c.severity,
                    "gate": c.gate,
                    "why": c.why,
                }
                for c in self.criteria
            ],
        }

    @property
    def sha256(self) -> str:
        canonical = json.dumps(self.resolved(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def info(self) -> RubricInfo:
        return RubricInfo(
            id=self.id,
            version=self.version,
            title=self.title,
            sha256=self.sha256,
            source=str(self.source),
            gate_cap=self.gate_cap,
            coverage_share=self.coverage_share,
            coverage_criterion=self.coverage_criterion,
            categories=tuple(CategoryInfo(c.id, c.title, c.weight) for c in self.categories),
            criteria=tuple(c.info() for c in self.criteria),
        )
