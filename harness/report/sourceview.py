"""Line-anchored source views (an extracted file, the response text) rendered straight to
HTML: thousands of lines per page are too many for a template loop on a whole-corpus run.
Every piece of text is escaped here (``esc``); line HTML from ``highlight`` is already safe."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from harness.report.highlight import esc
from harness.report.responsetext import Gap, TextLine


def file_view(lines: Sequence[Markup]) -> Markup:
    """``<div id="L<n>">`` per line; the line a link points at is marked by CSS ``:target``."""
    return Markup(
        "".join(
            f'<div class="line" id="L{n}"><a class="ln" href="#L{n}">{n}</a>'
            f'<span class="code">{html}</span></div>\n'
            for n, html in enumerate(lines, start=1)
        )
    )


def text_view(lines: Sequence[TextLine | Gap]) -> Markup:
    """The response text: ``<div id="R<n>">`` per kept line, gaps for lines not kept."""
    out: list[str] = []
    for line in lines:
        if isinstance(line, Gap):
            span = f"{line.start}" if line.end == line.start else f"{line.start}–{line.end}"
            out.append(f'<div class="gap">lines {span} not kept</div>\n')
            continue
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
        out.append(
            f'<div class="{cls}" id="R{n}"><a class="ln" href="#R{n}">{n}</a>'
            f'<span class="code">{line.html}</span>{link}{marks}</div>\n'
        )
    return Markup("".join(out))
