"""What every report format needs from a run, computed once: ranks, status counts, the
rubric's criteria in order, and safe page names. Pure functions of ``RunData``."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property

from harness.checks.types import Evidence
from harness.extract.types import ExtractedFile
from harness.grading.audit import IdealShortfall, ideal_shortfalls
from harness.report.naming import Slugger
from harness.results import (
    CategoryInfo,
    CriterionInfo,
    CriterionResult,
    CriterionStatus,
    ResponseResult,
    RunData,
)
from harness.vocabulary import Diagnostic

STATUSES: tuple[str, ...] = tuple(s.value for s in CriterionStatus)
#: A text symbol per status so no view relies on colour alone.
STATUS_SYMBOL = {"pass": "✓", "partial": "◐", "fail": "✗", "na": "–", "error": "!"}
#: Statuses that a reader must look at (SARIF results, "failed" filters).
PROBLEM_STATUSES = frozenset({"fail", "partial", "error"})


@dataclass(frozen=True)
class FileRef:
    """An extracted file of one response and the page that shows it."""

    index: int
    file: ExtractedFile
    page: str  # relative to the response folder, e.g. "files/03-main.tf.html"


@dataclass(frozen=True)
class ResponseRow:
    """One response with everything the reports derive from it."""

    result: ResponseResult
    task_slug: str
    slug: str
    rank: int | None  # 1 = best overall in its task; ties share a rank; None when unscored
    task_size: int
    counts: dict[str, int]

    @property
    def folder(self) -> str:
        """The response's folder, relative to the report root."""
        return f"r/{self.task_slug}/{self.slug}"

    @property
    def page(self) -> str:
        return f"{self.folder}/index.html"

    @property
    def task_page(self) -> str:
        return f"tasks/{self.task_slug}.html"

    @property
    def text_page(self) -> str:
        return f"{self.folder}/text.html"

    def category_score(self, category_id: str) -> float | None:
        """Category score 0-100 (None when every criterion was na)."""
        for cat in self.result.categories:
            if cat.id == category_id:
                return None if cat.score is None else 100.0 * cat.score
        return None

    @cached_property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """The response's diagnostics and its tree's, each once."""
        out = list(self.result.diagnostics)
        if self.result.tree is not None:
            seen = set(out)
            out += [d for d in self.result.tree.diagnostics if d not in seen]
        return tuple(out)

    @cached_property
    def criteria_by_id(self) -> dict[str, CriterionResult]:
        return {c.criterion_id: c for c in self.result.criteria}

    @cached_property
    def files(self) -> tuple[FileRef, ...]:
        tree = self.result.tree
        if tree is None:
            return ()
        slugger = Slugger()
        width = len(str(len(tree.files)))
        return tuple(
            FileRef(i, f, f"files/{i:0{width}d}-{slugger(f.path.rsplit('/', 1)[-1])}.html")
            for i, f in enumerate(tree.files, start=1)
        )

    @cached_property
    def file_pages(self) -> dict[str, str]:
        """Extracted path -> its page (relative to the response folder)."""
        return {ref.file.path: ref.page for ref in self.files}

    def evidence_link(self, evidence: Evidence) -> str | None:
        """Link (relative to the response folder) to the evidence's line in its file view."""
        if evidence.source != "response" or evidence.path is None:
            return None
        page = self.file_pages.get(evidence.path)
        if page is None:
            return None
        return f"{page}#L{evidence.start_line}" if evidence.start_line else page


@dataclass(frozen=True)
class TaskGroup:
    task_id: str
    slug: str
    rows: tuple[ResponseRow, ...]

    @property
    def page(self) -> str:
        return f"tasks/{self.slug}.html"


def _ranks(results: list[ResponseResult]) -> list[int | None]:
    """Competition ranking by overall score (1, 2, 2, 4); unscored responses get None."""
    scores = [r.overall for r in results]
    ranks: list[int | None] = []
    for score in scores:
        if score is None:
            ranks.append(None)
        else:
            ranks.append(1 + sum(1 for s in scores if s is not None and s > score))
    return ranks


def status_counts(result: ResponseResult) -> dict[str, int]:
    counter = Counter(c.status.value for c in result.criteria)
    return {s: counter.get(s, 0) for s in STATUSES}


class ReportModel:
    """The run, arranged for reporting: tasks in id order, responses ranked within a task."""

    def __init__(self, run: RunData) -> None:
        self.run = run
        self.info = run.info
        self.rubric = run.info.rubric
        by_task: dict[str, list[ResponseResult]] = defaultdict(list)
        for result in run.responses:
            by_task[result.task_id].append(result)
        task_slugs = Slugger()
        groups = []
        for task_id in sorted(by_task):
            results = by_task[task_id]
            task_slug = task_slugs(task_id)
            response_slugs = Slugger()
            rows = [
                ResponseRow(
                    r,
                    task_slug,
                    response_slugs(r.response_id),
                    rank,
                    len(results),
                    status_counts(r),
                )
                for r, rank in zip(results, _ranks(results), strict=True)
            ]
            rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.result.response_id))
            groups.append(TaskGroup(task_id, task_slug, tuple(rows)))
        self.tasks: tuple[TaskGroup, ...] = tuple(groups)
        self.rows: tuple[ResponseRow, ...] = tuple(row for g in groups for row in g.rows)
        self.categories = self._categories()
        self.criteria = self._criteria()

    def _categories(self) -> tuple[CategoryInfo, ...]:
        known = list(self.rubric.categories)
        ids = {c.id for c in known}
        for row in self.rows:
            for crit in row.result.criteria:
                if crit.category not in ids:
                    ids.add(crit.category)
                    known.append(CategoryInfo(crit.category, crit.category, 0.0))
        return tuple(known)

    def _criteria(self) -> tuple[CriterionInfo, ...]:
        """The rubric's criteria, plus any result criterion the rubric does not list
        (a hand-edited run folder), so nothing a check said is ever dropped."""
        known = list(self.rubric.criteria)
        ids = {c.id for c in known}
        for row in self.rows:
            for crit in row.result.criteria:
                if crit.criterion_id not in ids:
                    ids.add(crit.criterion_id)
                    known.append(
                        CriterionInfo(
                            crit.criterion_id,
                            crit.criterion_id,
                            crit.category,
                            crit.check_id,
                            crit.severity,
                            crit.weight,
                            crit.gate,
                            "",
                        )
                    )
        order = {c.id: i for i, c in enumerate(self.categories)}
        return tuple(sorted(known, key=lambda c: order.get(c.category, len(order))))

    @cached_property
    def ideal_shortfalls(self) -> tuple[IdealShortfall, ...]:
        """Per task, the criteria where the ideal scores below a response."""
        return ideal_shortfalls(self.run.responses)

    @cached_property
    def task_slugs(self) -> dict[str, str]:
        return {group.task_id: group.slug for group in self.tasks}

    @cached_property
    def criterion_info(self) -> dict[str, CriterionInfo]:
        return {c.id: c for c in self.criteria}

    @cached_property
    def category_info(self) -> dict[str, CategoryInfo]:
        return {c.id: c for c in self.categories}

    def criteria_of(self, category_id: str) -> tuple[CriterionInfo, ...]:
        return tuple(c for c in self.criteria if c.category == category_id)

    @cached_property
    def status_totals(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for row in self.rows:
            total.update(row.counts)
        return {s: total.get(s, 0) for s in STATUSES}

    @cached_property
    def status_by_category(self) -> dict[str, dict[str, int]]:
        """category id -> status -> how many (response, criterion) pairs had it."""
        table: dict[str, Counter[str]] = {c.id: Counter() for c in self.categories}
        for row in self.rows:
            for crit in row.result.criteria:
                table.setdefault(crit.category, Counter())[crit.status.value] += 1
        return {cat: {s: counts.get(s, 0) for s in STATUSES} for cat, counts in table.items()}
