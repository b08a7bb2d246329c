"""View data for the HTML pages: criteria grouped by category, findings with evidence ready
to render (snippet text and its language, links), so templates only lay things out. Code
snippets stay raw text: the browser highlights them (``assets/report.js``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup, escape

from harness.checks.types import Evidence, Finding, Status
from harness.report.model import ReportModel, ResponseRow
from harness.report.naming import Slugger
from harness.report.responsetext import mark_in_line, prose_lines
from harness.results import CategoryInfo, CriterionInfo, CriterionResult
from harness.vocabulary import PROMPT_SOURCE, CriterionStatus

# file extension -> extraction language, for snippets whose file is not in this tree
# (reference evidence)
_EXT_LANGUAGE = {
    "tf": "hcl",
    "tfvars": "hcl",
    "hcl": "hcl",
    "py": "python",
    "go": "go",
    "ts": "typescript",
    "js": "javascript",
    "yaml": "yaml",
    "yml": "yaml",
    "json": "json",
    "sh": "bash",
}
_FINDING_ORDER = {Status.ERROR: 0, Status.FAIL: 1, Status.PASS: 2, Status.NA: 3}
#: finding statuses shown in full (with snippets); the others are one line each
_FAILING = (Status.FAIL, Status.ERROR)
#: A snippet on a response page shows at most this many lines; the rest is one click away in
#: the file view (a whole 90-line resource per finding made pages of half a megabyte).
MAX_SNIPPET_LINES = 12
#: Snippets shown for one criterion; later evidence keeps its link only (seventeen resources
#: missing the same setting read as well from a list of places).
MAX_SNIPPETS_PER_CRITERION = 4
_PROBLEMS = frozenset({"fail", "partial", "error"})
#: criterion statuses that show the reference's evidence beside the response's
_BESIDE_REFERENCE = frozenset({CriterionStatus.FAIL, CriterionStatus.PARTIAL})
#: Failing findings of one criterion shown in full (message, evidence, snippets); the rest
#: are one line each (message and location links), folded: a module declaring 150 resources
#: twice fails 150 times, and a reviewer reads the pattern from the first few.
MAX_FULL_PROBLEMS = 8
#: Passing and na findings listed for one criterion (then a count): they confirm, and a
#: reviewer opens them rarely; report.xlsx and results.jsonl keep every one.
MAX_OTHER_FINDINGS = 10


#: The views below are built per page and only read by the fragments: plain slotted
#: dataclasses, not frozen ones (a frozen one sets each field through object.__setattr__, six
#: times slower to build, and a corpus site builds some 50,000 of them).
@dataclass(slots=True)
class EvidenceView:
    location: str
    link: str | None  # relative to the response folder
    response_line: int | None
    response_link: str | None
    #: prose evidence: the response line(s) with the hit marked (escaped here)
    lines: tuple[tuple[int | None, Markup], ...]
    note: str
    reference: bool
    prose: bool = False  # evidence in the response text (wrapped), not in a code file
    more_lines: int = 0  # snippet lines not shown (the link opens them in the file view)
    #: code evidence: the snippet's raw text (the template escapes it), its language and the
    #: file line it starts at
    code: str = ""
    language: str = "text"
    first_line: int | None = None

    @property
    def has_snippet(self) -> bool:
        return bool(self.lines or self.code)


@dataclass(slots=True)
class FindingView:
    status: str
    message: str
    subject: str
    evidence: tuple[EvidenceView, ...]

    @property
    def response_evidence(self) -> tuple[EvidenceView, ...]:
        return tuple(e for e in self.evidence if not e.reference)

    @property
    def reference_evidence(self) -> tuple[EvidenceView, ...]:
        return tuple(e for e in self.evidence if e.reference)


@dataclass(slots=True)
class CriterionView:
    info: CriterionInfo
    result: CriterionResult
    anchor: str
    problems: tuple[FindingView, ...]  # error and fail findings
    #: the first ``MAX_OTHER_FINDINGS`` pass and na findings (the rest are counted, and only
    #: their reference evidence is kept: a view per finding nobody sees was a third of them)
    listed_others: tuple[FindingView, ...]
    unlisted_others: int = 0
    #: the statuses of every pass and na finding, in order of first appearance
    other_statuses: str = ""
    #: the reference's evidence, every finding's, shown beside the response's when the
    #: criterion failed or is partial (empty otherwise)
    reference: tuple[EvidenceView, ...] = ()

    @property
    def status(self) -> str:
        return self.result.status.value

    @property
    def is_problem(self) -> bool:
        """fail, partial or error: shown open and first; the rest is collapsed."""
        return self.status in _PROBLEMS

    @property
    def full_problems(self) -> tuple[FindingView, ...]:
        return self.problems[:MAX_FULL_PROBLEMS]

    @property
    def more_problems(self) -> tuple[FindingView, ...]:
        """Failing findings past ``MAX_FULL_PROBLEMS``, shown one line each."""
        return self.problems[MAX_FULL_PROBLEMS:]

    @property
    def other_count(self) -> int:
        """Pass and na findings, listed or not."""
        return len(self.listed_others) + self.unlisted_others


@dataclass(frozen=True)
class CategoryView:
    info: CategoryInfo
    score: float | None
    criteria: tuple[CriterionView, ...]
    anchor: str


def criterion_anchors(model: ReportModel) -> dict[str, str]:
    """Criterion id -> fragment id on response pages (ids may come from a hostile rubric)."""
    slugger = Slugger()
    return {c.id: f"c-{slugger(c.id)}" for c in model.criteria}


def _language(row: ResponseRow, path: str | None) -> str:
    if path is not None:
        file = row.result.tree.get(path) if row.result.tree is not None else None
        if file is not None:
            return file.language
        return _EXT_LANGUAGE.get(path.rsplit(".", 1)[-1].lower(), "text")
    return "text"


def _is_reference(ev: Evidence) -> bool:
    # the ideal's evidence is marked "reference"; the prompt's names its file (PROMPT.md:3)
    return ev.source not in ("response", PROMPT_SOURCE)


def evidence_view(
    row: ResponseRow,
    ev: Evidence,
    prose: Mapping[int, str],
    *,
    with_snippet: bool = True,
    reference_pages: Mapping[str, str] | None = None,
    message: str = "",
) -> EvidenceView:
    """One piece of evidence ready to render. ``with_snippet`` False (passing findings) keeps
    the location only; a snippet is cut at ``MAX_SNIPPET_LINES``. Reference evidence links to
    the ideal's file view through ``reference_pages`` (its path -> page). A note that the
    finding's ``message`` already says is not repeated."""
    reference = _is_reference(ev)
    snippet = ev.snippet.rstrip("\n")
    lines: tuple[tuple[int | None, Markup], ...] = ()
    code = ""
    more = 0
    if not with_snippet:
        lines = ()
    elif ev.path is None:  # prose: the response line itself, with the hit marked
        line = ev.response_line
        if line is not None and line in prose and not reference:
            lines = ((line, mark_in_line(prose[line], (snippet,))),)
        else:
            head = snippet.split("\n", 1)[0]
            marked = line is not None and head.strip() and not reference
            lines = ((line, mark_in_line(head, (head,)) if marked else escape(head)),)
    else:
        cut = snippet.split("\n")
        more = max(0, len(cut) - MAX_SNIPPET_LINES)
        code = "\n".join(cut[:MAX_SNIPPET_LINES])
    response_link = (
        f"text.html#R{ev.response_line}"
        if ev.response_line is not None and not reference and row.result.tree is not None
        else None
    )
    link = row.evidence_link(ev)
    if reference:
        page = (reference_pages or {}).get(ev.path or "")
        link = None if page is None else (f"{page}#L{ev.start_line}" if ev.start_line else page)
    return EvidenceView(
        location=ev.location(),
        link=link,
        response_line=None if reference else ev.response_line,
        response_link=response_link,
        lines=lines,
        note="" if ev.note and ev.note in message else ev.note,
        reference=reference,
        prose=ev.path is None,
        more_lines=more,
        code=code,
        language=_language(row, ev.path),
        first_line=ev.start_line,
    )


def finding_view(
    row: ResponseRow,
    finding: Finding,
    prose: Mapping[int, str],
    reference_pages: Mapping[str, str] | None = None,
    max_snippets: int = MAX_SNIPPETS_PER_CRITERION,
) -> FindingView:
    """Snippets for the first ``max_snippets`` pieces of evidence of a failed or errored
    finding; a passing finding keeps its links only."""
    if finding.status not in _FAILING:
        max_snippets = 0
    return FindingView(
        status=finding.status.value,
        message=finding.message,
        subject=finding.subject,
        evidence=tuple(
            evidence_view(
                row,
                ev,
                prose,
                with_snippet=i < max_snippets,
                reference_pages=reference_pages,
                message=finding.message,
            )
            for i, ev in enumerate(finding.evidence)
        ),
    )


def _criterion_view(
    row: ResponseRow,
    info: CriterionInfo,
    result: CriterionResult,
    anchor: str,
    prose: Mapping[int, str],
    reference_pages: Mapping[str, str] | None,
) -> CriterionView:
    """A criterion's findings in view order (errors, failures, then the rest); failing ones
    share ``MAX_SNIPPETS_PER_CRITERION`` snippets, the others keep their links only."""
    ordered = sorted(result.findings, key=lambda f: _FINDING_ORDER.get(f.status, 9))
    others = [f for f in ordered if f.status not in _FAILING]
    problems = []
    budget = MAX_SNIPPETS_PER_CRITERION
    for finding in (f for f in ordered if f.status in _FAILING):
        view = finding_view(row, finding, prose, reference_pages, budget)
        budget -= sum(1 for e in view.evidence if e.has_snippet)
        problems.append(view)
    listed = tuple(
        finding_view(row, f, prose, reference_pages) for f in others[:MAX_OTHER_FINDINGS]
    )
    reference: tuple[EvidenceView, ...] = ()
    if result.status in _BESIDE_REFERENCE:
        unlisted = (
            evidence_view(
                row,
                ev,
                prose,
                with_snippet=False,
                reference_pages=reference_pages,
                message=f.message,
            )
            for f in others[MAX_OTHER_FINDINGS:]
            for ev in f.evidence
            if _is_reference(ev)
        )
        shown = (e for f in (*problems, *listed) for e in f.evidence if e.reference)
        reference = (*shown, *unlisted)
    return CriterionView(
        info=info,
        result=result,
        anchor=anchor,
        problems=tuple(problems),
        listed_others=listed,
        unlisted_others=max(0, len(others) - MAX_OTHER_FINDINGS),
        other_statuses=", ".join(dict.fromkeys(f.status.value for f in others)),
        reference=reference,
    )


def category_views(
    model: ReportModel,
    row: ResponseRow,
    anchors: dict[str, str],
    reference_pages: Mapping[str, str] | None = None,
) -> tuple[CategoryView, ...]:
    """The response's criteria by category; in a category the problems (fail, partial,
    error) come first, each group in rubric order."""
    out = []
    prose = prose_lines(row)
    for index, category in enumerate(model.categories, start=1):
        views = []
        for info in model.criteria_of(category.id):
            result = row.criteria_by_id.get(info.id)
            if result is None:
                continue
            views.append(
                _criterion_view(row, info, result, anchors[info.id], prose, reference_pages)
            )
        views.sort(key=lambda v: not v.is_problem)
        if views:
            score = row.category_score(category.id)
            out.append(CategoryView(category, score, tuple(views), f"cat-{index}"))
    return tuple(out)
