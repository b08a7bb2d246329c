"""Results of comparing a response with the reference solution, as immutable data.

A ``Comparison`` holds, per kind of thing (files, modules, resources, ...), the matched pairs
with both spans, what the reference has and the response lacks (missing), what the response
adds (extra), and precision / recall / F1. Matched resources carry an attribute-level
comparison. ``summary()`` turns it into a JSON-able dict stored with each graded response.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from harness.extract.types import FileTree
from harness.vocabulary import Span

#: Default weight of a security-relevant attribute relative to any other (1.0).
SECURITY_WEIGHT = 3.0


class MatchHow(StrEnum):
    """Why two items were paired, most certain first."""

    PATH = "path"  # same normalised path / address in mapped modules
    NAME = "name"  # same name (address, call name, variable name) elsewhere
    SOURCE = "source"  # module calls with the same (remote) source
    VALUE = "value"  # outputs whose values refer to the same thing
    SIMILARITY = "similarity"  # same type, closest attributes / name


class AttrStatus(StrEnum):
    AGREE = "agree"  # present in both, values equivalent after normalisation
    DIFFER = "differ"  # present in both, values differ
    MISSING = "missing"  # the reference sets it, the response does not


@dataclass(frozen=True, slots=True)
class Figures:
    """Counts of one kind of item and the derived precision / recall / F1.

    ``None`` where a ratio is undefined (recall when the reference has nothing of that kind)."""

    matched: int
    missing: int
    extra: int

    @property
    def precision(self) -> float | None:
        n = self.matched + self.extra
        return self.matched / n if n else None

    @property
    def recall(self) -> float | None:
        n = self.matched + self.missing
        return self.matched / n if n else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "matched": self.matched,
            "missing": self.missing,
            "extra": self.extra,
            "precision": _round(self.precision),
            "recall": _round(self.recall),
            "f1": _round(self.f1),
        }


@dataclass(frozen=True, slots=True)
class Item:
    """One thing on one side: a file, a module call, a resource, a variable, ...

    ``key`` is its name as the user reads it (``aws_s3_bucket.this``, ``modules/storage``);
    ``module`` the directory of the module that declares it (``""`` for a file)."""

    kind: str
    key: str
    module: str
    span: Span | None

    @property
    def label(self) -> str:
        if self.module and self.kind not in ("file", "module"):
            return f"{self.module}:{self.key}"
        return self.key


@dataclass(frozen=True, slots=True)
class AttributeComparison:
    """One attribute or nested block the reference sets, and what the response does with it.

    ``path`` is dotted through nested blocks (``rule.apply_server_side_encryption_by_default.
    sse_algorithm``); ``block`` is True for a nested block's presence."""

    path: str
    status: AttrStatus
    security: bool
    block: bool
    reference_span: Span | None
    response_span: Span | None
    reference_text: str = ""
    response_text: str = ""

    @property
    def credit(self) -> float:
        """Share of this attribute's weight the response earns: presence is half, an
        equivalent value the other half."""
        if self.status is AttrStatus.AGREE:
            return 1.0
        if self.status is AttrStatus.DIFFER:
            return 0.5
        return 0.0


@dataclass(frozen=True, slots=True)
class Pair:
    """A reference item matched to a response item; ``attributes`` for blocks that have them
    (resources, data sources, the backend), compared from the reference's point of view."""

    reference: Item
    response: Item
    how: MatchHow
    similarity: float = 1.0
    attributes: tuple[AttributeComparison, ...] = ()
    extra_attributes: tuple[str, ...] = ()

    def agreement(self, security_weight: float = SECURITY_WEIGHT) -> float | None:
        """Weighted share of the reference's attributes the response reproduces (None when
        the reference sets none); security-relevant attributes weigh ``security_weight``."""
        return weighted_agreement(self.attributes, security_weight)

    def of_status(self, status: AttrStatus, security_only: bool = False) -> tuple[str, ...]:
        return tuple(
            a.path
            for a in self.attributes
            if a.status is status and (a.security or not security_only)
        )


@dataclass(frozen=True, slots=True)
class KindComparison:
    """All items of one kind: pairs, missing (reference only), extra (response only)."""

    kind: str
    pairs: tuple[Pair, ...]
    missing: tuple[Item, ...]
    extra: tuple[Item, ...]

    @property
    def figures(self) -> Figures:
        return Figures(len(self.pairs), len(self.missing), len(self.extra))

    def pair_for_reference(self, module: str, key: str) -> Pair | None:
        for pair in self.pairs:
            if pair.reference.module == module and pair.reference.key == key:
                return pair
        return None

    def pair_for_response(self, module: str, key: str) -> Pair | None:
        for pair in self.pairs:
            if pair.response.module == module and pair.response.key == key:
                return pair
        return None


@dataclass(frozen=True, slots=True)
class ModuleMapping:
    """A reference module directory and the response directory that plays its part."""

    reference: str
    response: str
    how: MatchHow
    similarity: float = 1.0


KINDS = (
    "files",
    "modules",
    "resources",
    "data_sources",
    "variables",
    "outputs",
    "providers",
    "backend",
)


@dataclass(frozen=True)
class Comparison:
    """Structural comparison of a response with the reference solution."""

    reference_root: str
    response_root: str
    module_map: tuple[ModuleMapping, ...]
    files: KindComparison
    modules: KindComparison
    resources: KindComparison
    data_sources: KindComparison
    variables: KindComparison
    outputs: KindComparison
    providers: KindComparison
    backend: KindComparison
    reference_tree: FileTree | None = None
    response_tree: FileTree | None = None

    def kind(self, name: str) -> KindComparison:
        if name not in KINDS:
            raise KeyError(name)
        result: KindComparison = getattr(self, name)
        return result

    def attribute_pairs(self) -> tuple[Pair, ...]:
        """Matched resources and data sources that carry an attribute comparison."""
        return tuple(p for p in (*self.resources.pairs, *self.data_sources.pairs) if p.attributes)

    def attribute_agreement(
        self, security_weight: float = SECURITY_WEIGHT, security_only: bool = False
    ) -> float | None:
        """Weighted share of reference attributes reproduced over all matched resources."""
        attributes = [
            a
            for pair in self.attribute_pairs()
            for a in pair.attributes
            if a.security or not security_only
        ]
        return weighted_agreement(attributes, security_weight)

    def counterpart(self, span: Span) -> Pair | None:
        """The matched pair whose response block contains ``span`` (a finding's evidence), so
        a report can show what the ideal does at the same place; None when unmatched."""
        best: Pair | None = None
        for pair in (*self.resources.pairs, *self.data_sources.pairs, *self.modules.pairs):
            where = pair.response.span
            if (
                where is not None
                and where.path == span.path
                and where.start_line <= span.start_line <= where.last_line
                and (
                    best is None
                    or best.response.span is None
                    or where.start_line >= best.response.span.start_line
                )
            ):
                best = pair
        return best


def weighted_agreement(
    attributes: Iterable[AttributeComparison], security_weight: float = SECURITY_WEIGHT
) -> float | None:
    """Sum of credit x weight over sum of weights; None for no attributes."""
    total = earned = 0.0
    for a in attributes:
        weight = security_weight if a.security else 1.0
        total += weight
        earned += weight * a.credit
    return earned / total if total else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
