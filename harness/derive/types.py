"""What ``derive`` produces: one decision per criterion of the drafted rubric."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness.derive.facts import NewCriterion


@dataclass(frozen=True)
class Decision:
    """One criterion entry of the derived rubric (an override, a new criterion, or disabled)."""

    id: str
    comment: tuple[str, ...]
    params: dict[str, Any] | None = None  # overrides; None: inherit the base's
    disabled: bool = False
    new: NewCriterion | None = None
    keep: bool = False  # an entry with only a comment (nothing overridden)


@dataclass(frozen=True)
class DerivedRubric:
    id: str
    base: str
    task_id: str
    source: str
    decisions: tuple[Decision, ...]
    add_reference_category: bool
    facts: tuple[str, ...] = field(default=())

    @property
    def disabled(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.decisions if d.disabled)
