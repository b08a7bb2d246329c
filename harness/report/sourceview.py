"""The line-anchored response text rendered straight to HTML: thousands of lines per page
are too many for a template loop on a whole-corpus run. Every piece of text is escaped here
(``esc``) or arrives escaped (``TextLine.html``). File views are built in the browser."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from harness.report.highlight import esc
from harness.report.responsetext import Gap, TextLine


def _code_run(run: Sequence[TextLine]) -> str:
    """A fenced file's lines folded into one row: the file view shows them highlighted. The
    row names its range (``data-from``/``data-to``); a link to ``#R<n>`` inside it is brought
    to this row by report.js (an empty anchor per line was two thirds of a text page)."""
    first, last = run[0].number, run[-1].number
    page = (run[0].file_link or "").split("#", 1)[0]
    count = len(run)
    where = f'<a class="to-file" href="{esc(page)}#L1">open the file ↗</a>' if page else ""
    return (
        f'<div class="line k-code folded" id="R{first}" data-from="{first}" data-to="{last}">'
        f'<a class="ln" href="#R{first}">{first}–{last}</a><span class="code muted">{count} '
        f"line{'s' if count != 1 else ''} of code, highlighted in the file view</span>{where}"
        "</div>\n"
    )


def text_view(lines: Sequence[TextLine | Gap]) -> Markup:
    """The response text: ``<div id="R<n>">`` per kept line, gaps for lines not kept; a fenced
    file's unmarked lines fold into one row linking to its file view."""
    out: list[str] = []
    run: list[TextLine] = []
    for line in lines:
        if isinstance(line, TextLine) and line.kind == "code" and not line.marks:
            run.append(line)
            continue
        if run:
            out.append(_code_run(run))
            run = []
        out.append(_text_line(line))
    if run:
        out.append(_code_run(run))
    return Markup("".join(out))


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
