"""The HTML report: one static folder per run that works offline from ``file://``.

Layout (relative to the report folder, ``RUN_DIR/report/`` by default)::

  index.html                          run header, charts, leaderboard, heatmap, rubric
  tasks/<task>.html                   the task's responses side by side, criterion by criterion
  r/<task>/<response>/index.html      score card, criteria with evidence, diagnostics, files
  r/<task>/<response>/text.html       the response text, line-anchored (#R<line>), hits marked
  src/<key>.html                      one distinct file content, line-anchored (#L<line>),
                                      shared by every response that has it (content address)
  agreement.html                      with human labels (RUN/labels.json): agreement figures
  assets/report.css, report.js       the stylesheet (with the highlighter's colours), the
                                      script (with the site's packing dictionaries)

Templates autoescape everything; the markup built in Python is the response text's lines,
SVG charts, score bars and the fragments a run repeats most (``fragments``: findings,
evidence, heatmap and task-table cells), all text in them escaped. Files and evidence
snippets ship their raw (escaped) text: ``assets/report.js`` highlights them in the browser
from text nodes, so a file costs its text once per distinct content. The bulky part of every
page is packed (``harness.report.pack``: deflated against a dictionary shared by the pages of
its kind, inflated by report.js). A Content-Security-Policy allows scripts and styles from
the folder only, so even a missed escape could not run a script.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from harness.report import charts
from harness.report.comparison import comparison_view, kind_label
from harness.report.fragments import (
    category_sections,
    compare_cells,
    element_text,
    evidence_block,
    finding_item,
    finding_line,
    heatmap_cells,
    reference_list,
)
from harness.report.highlight import highlight_css
from harness.report.model import (
    STATUS_SYMBOL,
    STATUSES,
    FileRef,
    ReportModel,
    ResponseRow,
    source_page,
)
from harness.report.pack import WINDOW, SitePacker, dictionaries_js
from harness.report.responsetext import response_lines
from harness.report.sourceview import text_view
from harness.report.views import category_views, criterion_anchors
from harness.trust.agree import CLASSES, Agreement, agree
from harness.trust.labels import Label, LabelSet

ASSETS = ("report.css", "report.js")
#: A file page lists at most this many of the responses that contain it (then a count).
MAX_LISTED_APPEARANCES = 50
#: Above this many responses the default site is the index, the task pages and the pages of
#: the responses a reviewer must open (see ``needs_page``); ``full=True`` writes them all.
LARGE_RUN = 1000


#: template -> the kind of page it writes (its packed regions share a dictionary); a
#: template not listed writes a page of its own (packed without one)
PAGE_KINDS = {
    "response.html.j2": "response",
    "text.html.j2": "text",
    "file.html.j2": "file",
    "task.html.j2": "task",
}


def asset_text(name: str, dictionaries: Mapping[str, bytes] | None = None) -> str:
    """The text of ``assets/<name>`` (one of ``ASSETS``): the static file; for the stylesheet
    the score bars' width classes and the highlighter's colours after it (one stylesheet:
    every page links one file); for the script the site's packing dictionaries."""
    text = (resources.files("harness.report") / "static").joinpath(name).read_text("utf-8")
    if name == "report.css":
        return text + charts.bar_css() + highlight_css()
    if name == "report.js" and dictionaries:
        return dictionaries_js(dictionaries) + text  # before the script reads it
    return text


def needs_page(row: ResponseRow) -> bool:
    """Written in a large run's default site: the ideals (every reference link lands on their
    files) and the failing responses: not fully processed, a gate failed or a check errored."""
    result = row.result
    return bool(
        result.is_ideal
        or result.error
        or result.gates_failed
        or result.overall is None
        or row.counts.get("error", 0)
    )


@dataclass(frozen=True)
class _Page:
    """A page to render: where it goes, its template and what the template is given."""

    rel: str
    template: str
    root: str
    context: dict[str, Any]


T = TypeVar("T")


@dataclass(frozen=True)
class TreeEntry:
    """A row of the extracted file tree: a folder (``ref`` None) or a file."""

    depth: int
    name: str
    ref: FileRef | None


def file_tree(files: tuple[FileRef, ...]) -> list[TreeEntry]:
    entries: list[TreeEntry] = []
    shown: set[tuple[str, ...]] = set()
    for ref in sorted(files, key=lambda r: r.file.path.split("/")):
        parts = ref.file.path.split("/")
        for depth in range(len(parts) - 1):
            folder = tuple(parts[: depth + 1])
            if folder not in shown:
                shown.add(folder)
                entries.append(TreeEntry(depth, parts[depth] + "/", None))
        entries.append(TreeEntry(len(parts) - 1, parts[-1], ref))
    return entries


def report_environment() -> Environment:
    """The report's jinja2 environment (autoescaping, its globals and filters)."""
    return _environment()


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("harness.report", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # the templates are package data: no stat of the file at every get_template (a page's
        # template and each of its imports, thousands of times per site)
        auto_reload=False,
    )
    env.globals.update(
        statuses=STATUSES,
        symbol=STATUS_SYMBOL,
        bar=charts.bar,
        band=charts.band,
        badge=charts.badge,
        scorecell=charts.scorecell,
        finding_line=finding_line,
        category_sections=category_sections,
        heatmap_cells=heatmap_cells,
        compare_cells=compare_cells,
        finding_item=finding_item,
        evidence_block=evidence_block,
        reference_list=reference_list,
        kind_label=kind_label,
    )
    env.filters["score"] = _score
    env.filters["text"] = element_text
    return env


def _score(value: float | None, digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


class HtmlBuilder:
    """Renders every page of one run into ``out_dir``."""

    def __init__(
        self,
        model: ReportModel,
        out_dir: Path,
        labels: LabelSet | None = None,
        full: bool | None = None,
        also: Collection[str] = (),
    ) -> None:
        """``full`` None: every page up to ``LARGE_RUN`` responses, the failing ones above;
        ``also``: keys (``TASK_ID/RESPONSE_ID``) of responses whose pages are written anyway."""
        self.model = model
        if full is None:
            full = len(model.rows) <= LARGE_RUN
        self.full = full
        wanted = set(also)
        #: ids of the rows whose pages are written (the others are listed, not linked)
        self._paged = {
            id(row) for row in model.rows if full or needs_page(row) or row.result.key in wanted
        }
        self.out_dir = out_dir
        self.labels = labels
        #: with human labels: the agreement page's figures, and per response key the
        #: criterion -> label shown beside the harness's status
        self.agreement: Agreement | None = agree(model.run, labels) if labels else None
        self.env = _environment()
        self.env.globals["has_page"] = self.has_page
        self.packer = SitePacker()
        self.anchors = criterion_anchors(model)
        self._groups = {g.slug: g for g in model.tasks}
        #: content key -> the responses (and their file) showing it, in report order
        self._appearances: dict[str, list[tuple[ResponseRow, FileRef]]] = {}
        for row in model.rows:
            for ref in row.files:
                self._appearances.setdefault(ref.key, []).append((row, ref))
        self._written_sources: set[str] = set()
        #: pages rendered ahead to prime the packer (rel -> template, markup), written when
        #: their turn comes instead of being rendered twice
        self._rendered: dict[str, tuple[str, str]] = {}
        self._folders: set[Path] = set()  # folders made so far
        #: task slug -> the ideal's file pages (reference evidence links to them)
        self._reference_pages = {
            g.slug: row.file_pages for g in model.tasks for row in g.rows if row.result.is_ideal
        }

    def has_page(self, row: ResponseRow) -> bool:
        """Whether ``row``'s page (and its text page) is part of this site."""
        return id(row) in self._paged

    def _labels_of(self, row: ResponseRow) -> dict[str, Label]:
        if self.labels is None:
            return {}
        return self.labels.for_response(row.result.task_id, row.result.response_id)

    @staticmethod
    def disagrees(label: Label | None, status: str) -> bool:
        """The harness's ``status`` against a human ``label`` (partial reads as fail; an
        error always disagrees)."""
        return label is not None and {"partial": "fail"}.get(status, status) != label.label

    def _write(self, rel: str, template: str, root: str, **context: Any) -> None:
        self._store(rel, template, self._render(template, root, **context))

    def _store(self, rel: str, template: str, html: str) -> None:
        path = self.out_dir / rel
        if path.parent not in self._folders:  # a mkdir per page was a sixtieth of the build
            path.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(path.parent)
        self.packer.write(path, html, PAGE_KINDS.get(template))

    def _render_ahead(self, page: _Page) -> str:
        """``page`` rendered now and kept until ``_write_page`` writes it."""
        html = self._render(page.template, page.root, **page.context)
        self._rendered[page.rel] = (page.template, html)
        return html

    def _write_page(self, rel: str, make: Callable[[], _Page]) -> None:
        """Write the page at ``rel``: as rendered ahead, else ``make`` it and render it."""
        ahead = self._rendered.pop(rel, None)
        if ahead is None:
            page = make()
            ahead = (page.template, self._render(page.template, page.root, **page.context))
        self._store(rel, *ahead)

    def _render(self, template: str, root: str, **context: Any) -> str:
        return self.env.get_template(template).render(
            root=root,
            run=self.model.info,
            rubric=self.model.rubric,
            has_labels=self.agreement is not None,
            disagrees=self.disagrees,
            **context,
        )

    def _prime_dictionaries(self) -> None:
        """Each kind's packing dictionary from a few of its pages spread over the run (the
        first pages of a run are one task's, often in a language the rest do not use);
        rendered ahead and kept until their turn comes."""
        paged = [row for row in self.model.rows if self.has_page(row)]
        refs = {ref.key: ref for row in paged for ref in row.files}  # the site's file pages

        def spread(items: list[T], count: int) -> list[T]:
            return [items[i * len(items) // count] for i in range(min(count, len(items)))]

        # sizes and counts measured on the corpus run: a response page is long (it reaches
        # back to the last part of a dictionary only), text and file pages are short
        self.packer.prime(
            "response",
            [self._render_ahead(self._response_page(row)) for row in spread(paged, 2)],
            16 * 1024,
        )
        self.packer.prime(
            "text",
            [self._render_ahead(self._text_page(row)) for row in spread(paged, 8)],
            24 * 1024,
        )
        self.packer.prime(
            "file",
            [self._render_ahead(self._source_page(ref)) for ref in spread(list(refs.values()), 16)],
            WINDOW,
        )

    def build(self) -> Path:
        self._prime_dictionaries()
        self._index()
        for group in self.model.tasks:
            differ = {
                c.id: len(
                    {
                        (r.criteria_by_id[c.id].status if c.id in r.criteria_by_id else None)
                        for r in group.rows
                    }
                )
                > 1
                for c in self.model.criteria
            }
            self._write(
                group.page,
                "task.html.j2",
                "../",
                group=group,
                model=self.model,
                anchors=self.anchors,
                differ=differ,
                cells=[
                    (r.criteria_by_id, f"../{r.page}" if self.has_page(r) else None)
                    for r in group.rows
                ],
                categories=[(cat, self.model.criteria_of(cat.id)) for cat in self.model.categories],
            )
        for row in self.model.rows:
            if self.has_page(row):
                self._response(row)
        if self.agreement is not None:
            self._write(
                "agreement.html",
                "agreement.html.j2",
                "",
                agreement=self.agreement,
                classes=CLASSES,
                links={row.result.key: row.page for row in self.model.rows if self.has_page(row)},
                anchors=self.anchors,
            )
        self._assets(self.packer.finish())
        return self.out_dir / "index.html"

    def _assets(self, dictionaries: Mapping[str, bytes]) -> None:
        folder = self.out_dir / "assets"
        folder.mkdir(parents=True, exist_ok=True)
        for name in ASSETS:
            (folder / name).write_text(asset_text(name, dictionaries), "utf-8")

    def _index(self) -> None:
        model = self.model
        scored = [r for r in model.rows if r.result.overall is not None]
        # a heatmap row is ~35 cells of markup: above LARGE_RUN responses the index shows the
        # LARGE_RUN lowest-scoring ones (unscored first), or a 10k run's index no longer opens
        heatmap_rows = model.rows
        if len(model.rows) > LARGE_RUN:
            worst_first = sorted(
                model.rows,
                key=lambda r: -1.0 if r.result.overall is None else r.result.overall,
            )
            heatmap_rows = tuple(worst_first[:LARGE_RUN])
        series = {
            cat.id: [s for r in model.rows if (s := r.category_score(cat.id)) is not None]
            for cat in model.categories
        }
        titles = {cat.id: cat.title for cat in model.categories}
        self._write(
            "index.html",
            "index.html.j2",
            "",
            model=model,
            heatmap_rows=heatmap_rows,
            paged=len(self._paged),
            anchors=self.anchors,
            human={row.result.key: self._labels_of(row) for row in model.rows},
            agreement=self.agreement,
            histogram=charts.histogram(
                [r.result.overall for r in scored if not r.result.is_ideal],  # type: ignore[misc]
                [r.result.overall for r in scored if r.result.is_ideal],  # type: ignore[misc]
            ),
            boxplots=charts.boxplots(series, titles),
            stacks=charts.status_stacks(model.status_by_category, titles),
        )

    def _response(self, row: ResponseRow) -> None:
        self._write_page(row.page, partial(self._response_page, row))
        self._write_page(row.text_page, partial(self._text_page, row))
        for ref in row.files:
            if ref.key not in self._written_sources:
                self._written_sources.add(ref.key)
                self._write_page(source_page(ref.key), partial(self._source_page, ref))

    def _response_page(self, row: ResponseRow) -> _Page:
        context = dict(
            row=row,
            group=self._groups[row.task_slug],
            model=self.model,
            anchors=self.anchors,
            categories=category_views(
                self.model,
                row,
                self.anchors,
                self._reference_pages.get(row.task_slug, {}),
            ),
            diagnostics=row.diagnostics,
            file_pages=row.file_pages,
            tree=file_tree(row.files),
            comparison=comparison_view(row.result.comparison),
            human=self._labels_of(row),
        )
        return _Page(row.page, "response.html.j2", "../../../", context)

    def _text_page(self, row: ResponseRow) -> _Page:
        lines = response_lines(row)
        context = dict(
            row=row, group=self._groups[row.task_slug], lines=lines, body=text_view(lines)
        )
        return _Page(row.text_page, "text.html.j2", "../../../", context)

    def _source_page(self, ref: FileRef) -> _Page:
        """The one page of a distinct file content, listing every response that has it; the
        raw text is highlighted and cut into ``#L<n>`` lines in the browser (the line a link
        points at is marked by ``:target``)."""
        appearances = self._appearances.get(ref.key, [])
        context = dict(
            ref=ref,
            paths=sorted({r.file.path for _, r in appearances}),
            appearances=appearances[:MAX_LISTED_APPEARANCES],
            total=len(appearances),
        )
        return _Page(source_page(ref.key), "file.html.j2", "../", context)


def build_html(
    model: ReportModel,
    out_dir: Path,
    labels: LabelSet | None = None,
    full: bool | None = None,
    *,
    also: Collection[str] = (),
) -> Path:
    """Build the site into a sibling temporary folder, then swap it in, so a failed build
    never leaves a half-written report in place of a good one. ``also``: keys
    (``TASK_ID/RESPONSE_ID``) of responses whose pages are written even where a large run's
    site leaves them out."""
    tmp = out_dir.with_name(f".{out_dir.name}.building")
    old = out_dir.with_name(f".{out_dir.name}.old")
    for stale in (tmp, old):
        if stale.exists():
            shutil.rmtree(stale)
    HtmlBuilder(model, tmp, labels, full, also).build()
    if out_dir.exists():
        out_dir.rename(old)
    tmp.rename(out_dir)
    if old.exists():
        shutil.rmtree(old)
    return out_dir / "index.html"
