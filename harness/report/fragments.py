"""Page fragments rendered straight to HTML: the ones a corpus run repeats tens of thousands
of times (a jinja macro call per finding line was a tenth of the site's build). Every piece
of text is escaped here with ``esc``; the output matches what the templates would write."""

from __future__ import annotations

from markupsafe import Markup

from harness.report.highlight import esc
from harness.report.model import STATUS_SYMBOL
from harness.report.views import FindingView

#: places listed on one finding line (then a count)
MAX_LINE_PLACES = 3


def finding_line(finding: FindingView, with_reference: bool = True) -> Markup:
    """One finding as one line: symbol, subject (unless the message starts with it),
    message and up to ``MAX_LINE_PLACES`` links to its evidence."""
    status = esc(finding.status)
    out = [
        f'<li class="finding f-{status} compact"><span class="sym st-{status}" '
        f'title="{status}">{esc(STATUS_SYMBOL.get(finding.status, "?"))}</span> '
    ]
    if finding.subject and not finding.message.startswith(finding.subject):
        out.append(f'<code class="subject">{esc(finding.subject)}</code> ')
    out.append(f'<span class="msg">{esc(finding.message)}</span>')
    places = [e for e in finding.evidence if with_reference or not e.reference]
    for ev in places[:MAX_LINE_PLACES]:
        label = esc(("reference " if ev.reference else "") + ev.location)
        if ev.link:
            out.append(f' <a class="loc small" href="{esc(ev.link)}">{label}</a>')
        else:
            out.append(f' <span class="loc small">{label}</span>')
    more = len(places) - MAX_LINE_PLACES
    if more > 0:
        out.append(
            f' <span class="muted small">and {more} more place{"" if more == 1 else "s"}</span>'
        )
    out.append("</li>")
    return Markup("".join(out))
