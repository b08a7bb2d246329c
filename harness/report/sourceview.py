"""The line-anchored response text rendered straight to HTML: thousands of lines per page
are too many for a template loop on a whole-corpus run. Every piece of text is escaped here
(``esc``) or arrives escaped (``TextLine.html``). File views are built in the browser."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from harness.report.highlight import esc
from harness.report.responsetext import CodeRun, Gap, TextLine


def _code_run(run: CodeRun) -> str:
    """A fenced file's lines folded into one row: the file view shows them highlighted. The
    row names its range (``data-from``/``data-to``); a link to ``#R<n>`` inside it is brought
    to this row by report.js (an empty anchor per line was two thirds of a text page)."""
    first, last, page = run.first, run.last, run.page
    count = last - first + 1
    where = f'<a class="to-file" href="{esc(page)}#L1">open the file ↗</a>' if page else ""
    return (
        f'<div class="line k-code folded" id="R{first}" data-from="{first}" data-to="{last}">'
        f'<a class="ln" href="#R{first}">{first}–{last}</a><span class="code muted">{count} '
        f"line{'s' if count != 1 else ''} of code, highlighted in the file view</span>{where}"
        "</div>\n"
    )


def text_view(lines: Sequence[TextLine | Gap | CodeRun]) -> Markup:
    """The response text: ``<div id="R<n>">`` per kept line, gaps for lines not kept; a fenced
    file's unmarked lines fold into one row linking to its file view."""
    return Markup(
        "".join(
            _code_run(line) if isinstance(line, CodeRun) else _text_line(line) for line in lines
        )
    )


def _text_line(line: TextLine | Gap) -> str:
    if isinstance(line, Gap):
        span = f"{line.start}" if line.end == line.start else f"{line.start}–{line.end}"
        return f'<div class="gap">lines {span} not kept</div>\n'
    cls = f"line k-{line.kind}"
    if line.marks:
        cls += " marked" + (" tone" if any(m.tone for m in line.marks) else "")
    link = ""
    if line.file_link and line.kind == "fence":
        link = f'<a class="to-file" href="{esc(line.file_link)}">open file ↗</a>'
    marks = ""
    if line.marks:
        marks = (
            '<span class="marks">'
            + "".join(
                f'<span class="mark-note" title="{esc(m.message)}"><code>{esc(m.criterion_id)}'
                f"</code> {esc(m.message)}</span>"
                for m in line.marks
            )
            + "</span>"
        )
    n = line.number
    return (
        f'<div class="{cls}" id="R{n}"><a class="ln" href="#R{n}">{n}</a>'
        f'<span class="code">{line.html}</span>{link}{marks}</div>\n'
    )
