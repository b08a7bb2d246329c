"""The HTML report: one static folder per run that works offline from ``file://``.

Layout (relative to the report folder, ``RUN_DIR/report/`` by default)::

  index.html                          run header, charts, leaderboard, heatmap, rubric
  tasks/<task>.html                   the task's responses side by side, criterion by criterion
  r/<task>/<response>/index.html      score card, criteria with evidence, diagnostics, files
  r/<task>/<response>/text.html       the response text, line-anchored (#R<line>), hits marked
  r/<task>/<response>/files/<n>-<name>.html   one extracted file, line-anchored (#L<line>)
  agreement.html                      with human labels (RUN/labels.json): agreement figures
  assets/report.css, report.js, pygments.css

Templates autoescape everything; the only markup built in Python is pygments token spans,
SVG charts and bars (all text inside them escaped). A Content-Security-Policy allows scripts
and styles from the folder only, so even a missed escape could not run a script.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from harness.report import charts
from harness.report.comparison import comparison_view, kind_label
from harness.report.highlight import highlight_css, highlight_lines
from harness.report.model import STATUS_SYMBOL, STATUSES, FileRef, ReportModel, ResponseRow
from harness.report.responsetext import response_lines
from harness.report.sourceview import file_view, text_view
from harness.report.views import category_views, criterion_anchors
from harness.trust.agree import CLASSES, Agreement, agree
from harness.trust.labels import Label, LabelSet

ASSETS = ("report.css", "report.js")


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
    )
    env.globals.update(
        statuses=STATUSES,
        symbol=STATUS_SYMBOL,
        bar=charts.bar,
        band=charts.band,
        kind_label=kind_label,
    )
    env.filters["score"] = _score
    return env


def _score(value: float | None, digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


class HtmlBuilder:
    """Renders every page of one run into ``out_dir``."""

    def __init__(self, model: ReportModel, out_dir: Path, labels: LabelSet | None = None) -> None:
        self.model = model
        self.out_dir = out_dir
        self.labels = labels
        #: with human labels: the agreement page's figures, and per response key the
        #: criterion -> label shown beside the harness's status
        self.agreement: Agreement | None = agree(model.run, labels) if labels else None
        self.env = _environment()
        self.anchors = criterion_anchors(model)
        self._groups = {g.slug: g for g in model.tasks}
        self._highlighted: dict[tuple[str, bytes], list[Markup]] = {}

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
        path = self.out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        html = self.env.get_template(template).render(
            root=root,
            run=self.model.info,
            rubric=self.model.rubric,
            has_labels=self.agreement is not None,
            disagrees=self.disagrees,
            **context,
        )
        path.write_text(html, encoding="utf-8")

    def build(self) -> Path:
        self._assets()
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
                categories=[(cat, self.model.criteria_of(cat.id)) for cat in self.model.categories],
            )
        for row in self.model.rows:
            self._response(row)
        if self.agreement is not None:
            self._write(
                "agreement.html",
                "agreement.html.j2",
                "",
                agreement=self.agreement,
                classes=CLASSES,
                links={row.result.key: row.page for row in self.model.rows},
                anchors=self.anchors,
            )
        return self.out_dir / "index.html"

    def _assets(self) -> None:
        folder = self.out_dir / "assets"
        folder.mkdir(parents=True, exist_ok=True)
        static = resources.files("harness.report") / "static"
        for name in ASSETS:
            (folder / name).write_text(static.joinpath(name).read_text("utf-8"), "utf-8")
        (folder / "pygments.css").write_text(highlight_css(), encoding="utf-8")

    def _index(self) -> None:
        model = self.model
        scored = [r for r in model.rows if r.result.overall is not None]
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
        root = "../../../"
        group = self._groups[row.task_slug]
        diagnostics = row.diagnostics
        # each file is highlighted once: for its own page and for every evidence snippet in it
        highlighted = {ref.file.path: self._highlight(ref) for ref in row.files}
        self._write(
            row.page,
            "response.html.j2",
            root,
            row=row,
            group=group,
            model=self.model,
            anchors=self.anchors,
            categories=category_views(self.model, row, self.anchors, highlighted),
            diagnostics=diagnostics,
            file_pages=row.file_pages,
            tree=file_tree(row.files),
            comparison=comparison_view(row.result.comparison),
            human=self._labels_of(row),
        )
        lines = response_lines(row)
        self._write(
            row.text_page,
            "text.html.j2",
            root,
            row=row,
            group=group,
            lines=lines,
            body=text_view(lines),
        )
        for ref in row.files:
            self._file(row, group, ref, highlighted[ref.file.path])

    def _highlight(self, ref: FileRef) -> list[Markup]:
        """Highlighted lines, shared between identical files (an overlay carries the earlier
        turn's files unchanged, so a multi-turn task repeats most of its files)."""
        digest = hashlib.sha256(ref.file.content.encode("utf-8", "replace")).digest()
        key = (ref.file.language, digest)
        lines = self._highlighted.get(key)
        if lines is None:
            lines = self._highlighted[key] = highlight_lines(ref.file.content, ref.file.language)
        return lines

    def _file(self, row: ResponseRow, group: Any, ref: FileRef, lines: list[Markup]) -> None:
        if len(lines) > 1 and ref.file.content.endswith("\n"):
            lines = lines[:-1]
        flagged = dict(self._evidence_lines(row, ref.file.path))
        self._write(
            f"{row.folder}/{ref.page}",
            "file.html.j2",
            "../../../../",
            row=row,
            group=group,
            ref=ref,
            body=file_view(lines, flagged, self.anchors),
        )

    @staticmethod
    def _evidence_lines(row: ResponseRow, path: str) -> Iterator[tuple[int, list[str]]]:
        """Line -> criteria with a failed finding there (shown in the file view's margin)."""
        lines: dict[int, list[str]] = {}
        for crit in row.result.criteria:
            for finding in crit.findings:
                if finding.status.value != "fail":
                    continue
                for ev in finding.evidence:
                    if ev.path == path and ev.source == "response" and ev.start_line:
                        names = lines.setdefault(ev.start_line, [])
                        if crit.criterion_id not in names:
                            names.append(crit.criterion_id)
        yield from lines.items()


def build_html(model: ReportModel, out_dir: Path, labels: LabelSet | None = None) -> Path:
    """Build the site into a sibling temporary folder, then swap it in, so a failed build
    never leaves a half-written report in place of a good one."""
    tmp = out_dir.with_name(f".{out_dir.name}.building")
    old = out_dir.with_name(f".{out_dir.name}.old")
    for stale in (tmp, old):
        if stale.exists():
            shutil.rmtree(stale)
    HtmlBuilder(model, tmp, labels).build()
    if out_dir.exists():
        out_dir.rename(old)
    tmp.rename(out_dir)
    if old.exists():
        shutil.rmtree(old)
    return out_dir / "index.html"
