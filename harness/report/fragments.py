"""Page fragments rendered straight to HTML: the ones a corpus run repeats tens of thousands
of times (a jinja macro call per finding line was a tenth of the site's build, the finding
and evidence macros another). Every piece of text is escaped here with ``esc`` (attributes
and text) or ``element_text`` (a ``<pre>``'s content); the output is what the jinja macros
they replaced wrote, byte for byte."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from markupsafe import Markup

from harness.report.charts import badge, scorecell
from harness.report.highlight import esc
from harness.report.model import STATUS_SYMBOL
from harness.report.views import CategoryView, CriterionView, EvidenceView, FindingView
from harness.results import CriterionInfo, CriterionResult
from harness.trust.labels import Label

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


def element_text(value: str) -> Markup:
    """``value`` escaped for an element's content (a ``<pre>``): ``&``, ``<`` and ``>`` only.
    Quotes need no escape outside an attribute, and source code is full of them (a
    ``&#34;`` per quote was a tenth of a Terraform file view). Never use it in an attribute."""
    return Markup(value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def _location(ev: EvidenceView) -> str:
    if ev.link:
        return f'<a class="loc" href="{esc(ev.link)}">{esc(ev.location)}</a>'
    return f'<span class="loc">{esc(ev.location)}</span>'


def evidence_block(ev: EvidenceView) -> Markup:
    """A piece of evidence: where (file line, response line, note) and its snippet, code
    shipped as text for report.js to highlight, prose with the hit marked."""
    out = [f'<div class="evidence{" ref" if ev.reference else ""}">\n  <div class="ev-head">\n']
    out.append(_location(ev))
    if ev.response_link:
        out.append(
            f'<a class="rline" href="{esc(ev.response_link)}">response line {ev.response_line}</a>'
        )
    elif ev.response_line:
        out.append(f'<span class="rline">response line {ev.response_line}</span>')
    if ev.note:
        out.append(f'<span class="note">{esc(ev.note)}</span>')
    out.append("  </div>\n")
    if ev.code:
        first = f' data-first="{ev.first_line}"' if ev.first_line else ""
        out.append(
            f'  <pre class="hl snippet" data-lang="{esc(ev.language)}"{first}>\n'
            f"{element_text(ev.code)}</pre>\n"
        )
    elif ev.lines:
        out.append('  <pre class="hl snippet prose"><code>')
        for number, html in ev.lines:
            out.append(f'<span class="ln">{"" if number is None else number}</span>{html}\n')
        out.append("</code></pre>\n")
    if ev.has_snippet and ev.more_lines:
        more = f"{ev.more_lines} more line{'' if ev.more_lines == 1 else 's'}"
        if ev.link:
            more = f'<a href="{esc(ev.link)}">{more} in the file</a>'
        out.append(f'<p class="more small">{more}</p>')
    out.append("</div>")
    return Markup("".join(out))


def reference_list(evidence: tuple[EvidenceView, ...]) -> Markup:
    """The reference's evidence as one list of places, each snippet folded (on demand)."""
    out = ['<ul class="ref-list">\n']
    for ev in evidence:
        out.append(f"<li>{_location(ev)}")
        if ev.note:
            out.append(f' <span class="note">{esc(ev.note)}</span>')
        if ev.has_snippet:
            out.append(
                '<details class="snippet-on-demand"><summary>snippet</summary>'
                f"{evidence_block(ev)}</details>"
            )
        out.append("</li>\n")
    out.append("</ul>")
    return Markup("".join(out))


def finding_item(finding: FindingView, with_reference: bool = True) -> Markup:
    """A failing finding in full: status, subject, message and its evidence blocks (the
    reference's too unless ``with_reference`` is False: then they sit beside it)."""
    out = [f'<li class="finding f-{esc(finding.status)}">\n  {badge(finding.status)}\n']
    if finding.subject:
        out.append(f'<code class="subject">{esc(finding.subject)}</code>')
    out.append(f'  <span class="msg">{esc(finding.message)}</span>\n')
    out.extend(evidence_block(ev) for ev in finding.evidence if with_reference or not ev.reference)
    out.append("</li>")
    return Markup("".join(out))


def heatmap_cells(
    criteria: Sequence[CriterionInfo],
    results: Mapping[str, CriterionResult],
    labels: Mapping[str, Label],
    page: str | None,
    anchors: Mapping[str, str],
    disagrees: Callable[[Label | None, str], bool],
) -> Markup:
    """A heatmap row's cells: one per criterion, its status as class, symbol and title (with
    the human label where there is one), a link to the criterion on ``page`` (None: the
    response has no page in this site). 300 rows x 36 cells: built here, not by the template."""
    out: list[str] = []
    for info in criteria:
        result = results.get(info.id)
        if result is None:
            out.append('<td class="hm missing" title="not scored"></td>')
            continue
        status = result.status.value
        label = labels.get(info.id)
        off = disagrees(label, status)
        title = f"{info.id}: {status}"
        if result.score is not None:
            title += f" ({result.score:.2f})"
        data = ""
        if label is not None:
            title += f"; human label: {label.given}{' (disagrees)' if off else ''}"
            data = f' data-label="{esc(label.label)}"'
        symbol = esc(STATUS_SYMBOL[status])
        if page is not None:
            symbol = f'<a href="{esc(page)}#{esc(anchors[info.id])}">{symbol}</a>'
        out.append(
            f'<td class="hm st-{esc(status)}{" disagree" if off else ""}"{data} '
            f'title="{esc(title)}">{symbol}</td>'
        )
    return Markup("".join(out))


def compare_cells(
    criterion_id: str,
    rows: Sequence[tuple[Mapping[str, CriterionResult], str | None]],
    anchor: str,
) -> Markup:
    """A task page's row for one criterion: per response (its results by criterion id, and
    its page or None when it has none in this site) the status badge, linked to the
    criterion, a partial's score and the message (clamped; the title shows it all)."""
    out: list[str] = []
    for results, page in rows:
        result = results.get(criterion_id)
        if result is None:
            out.append('<td class="muted">not scored</td>')
            continue
        status = result.status.value
        mark = str(badge(status))
        if page is not None:
            mark = f'<a href="{esc(page)}#{esc(anchor)}">{mark}</a>'
        score = ""
        if result.score is not None and status == "partial":
            score = f' <span class="small">{result.score:.2f}</span>'
        out.append(
            f'<td class="cmp-cell st-{esc(status)}">{mark}{score}'
            f'<div class="small clamp">{esc(result.message)}</div></td>'
        )
    return Markup("".join(out))


def criterion_head(c: CriterionView) -> Markup:
    """A criterion's header line: status badge, title, id, severity, gate tag, score and
    weight (one per criterion of every response page)."""
    info = c.info
    score = "n/a" if c.result.score is None else f"{c.result.score:.2f}"
    gate = '<span class="tag">gate</span>' if info.gate else ""
    severity = esc(info.severity)
    return Markup(
        f"{badge(c.status)}\n"
        f"      <strong>{esc(info.title)}</strong>\n"
        f'      <code class="cid">{esc(info.id)}</code>\n'
        f'      <span class="sev sev-{severity}">{severity}</span>\n'
        f'{gate}      <span class="muted">score {score} · weight {esc(str(c.result.weight))}</span>'
    )


def _more_problems(c: CriterionView, with_reference: bool) -> str:
    more = c.more_problems
    if not more:
        return ""
    lines = "".join(finding_line(f, with_reference) for f in more)
    return (
        f'<details class="more-findings"><summary>{len(more)} more failing '
        f"finding{'' if len(more) == 1 else 's'}, one line each</summary>"
        f'<ul class="findings">{lines}</ul></details>'
    )


def _human_label(label: Label, off: bool) -> str:
    out = [
        f'<p class="human-label{" disagree" if off else ""}" data-label="{esc(label.label)}">'
        f"<strong>Human label:</strong> {badge(label.label)}"
    ]
    if label.given != label.label:
        out.append(f' <span class="muted">({esc(label.given)})</span>')
    if off:
        out.append(' <span class="tag st-fail">disagrees with the harness</span>')
    if label.evidence:
        out.append(f" {esc(label.evidence)}")
    out.append(f' <span class="muted small">{esc(label.where)}</span></p>')
    return "".join(out)


def criterion_body(
    c: CriterionView,
    label: Label | None,
    disagrees: Callable[[Label | None, str], bool],
) -> Markup:
    """A criterion's content on a response page: message, the human ``label`` (None: none),
    why it matters (when it is a problem), the failing findings in full (beside the
    reference's evidence when it failed and the reference has some) and the others folded.
    About a fifth of the site's build as a jinja macro."""
    status = c.status
    out = [f'<p class="msg">{esc(c.result.message)}</p>\n']
    if label is not None:
        out.append(_human_label(label, disagrees(label, status)))
    if c.info.why and c.is_problem:
        out.append(f'<p class="why muted">Why: {esc(c.info.why)}</p>')
    reference = c.reference
    side = bool(reference)
    if c.problems:
        if side:
            items = "".join(finding_item(f, with_reference=False) for f in c.full_problems)
            out.append(
                '      <div class="side-by-side">\n'
                f'        <div><h4>This response</h4><ul class="findings">{items}</ul>'
                f"{_more_problems(c, False)}</div>\n"
                f"        <div><h4>Reference ({len(reference)})</h4>"
                f"{reference_list(reference)}</div>\n"
                "      </div>\n"
            )
        else:
            items = "".join(finding_item(f) for f in c.full_problems)
            out.append(f'      <ul class="findings">{items}</ul>{_more_problems(c, True)}\n')
    if c.other_count:
        lines = "".join(finding_line(f, with_reference=not side) for f in c.listed_others)
        n = c.other_count
        out.append(
            "    <details>\n"
            f"      <summary>{n} other finding{'' if n == 1 else 's'} "
            f"({esc(c.other_statuses)})</summary>\n"
            f'      <ul class="findings">{lines}</ul>\n'
        )
        if c.unlisted_others:
            out.append(
                f'<p class="muted small">… and {c.unlisted_others} more (every finding is in '
                "report.xlsx and results.jsonl)</p>"
            )
        out.append("    </details>\n")
    return Markup("".join(out))


def category_sections(
    categories: Sequence[CategoryView],
    labels: Mapping[str, Label],
    disagrees: Callable[[Label | None, str], bool],
) -> Markup:
    """A response page's criteria, a section per category: each criterion an article with
    its header and body, open when it is a problem, folded otherwise. ``labels``: the human
    labels of the response by criterion id."""
    out: list[str] = []
    for cat in categories:
        out.append(
            f'<section class="category" id="{esc(cat.anchor)}">\n'
            f'  <h3>{esc(cat.info.title)} <span class="cat-score">{scorecell(cat.score)}</span>'
            "</h3>\n"
        )
        for c in cat.criteria:
            status = esc(c.status)
            head = criterion_head(c)
            body = criterion_body(c, labels.get(c.info.id), disagrees)
            out.append(
                f'  <article class="criterion st-border-{status}" id="{esc(c.anchor)}" '
                f'data-status="{status}">\n'
            )
            if c.is_problem:
                out.append(f"    <header>{head}</header>\n    {body}\n")
            else:
                out.append(
                    '    <details class="folded">\n'
                    f"    <summary><header>{head}</header></summary>\n"
                    f"    {body}\n"
                    "    </details>\n"
                )
            out.append("  </article>\n")
        out.append("</section>\n")
    return Markup("".join(out))
