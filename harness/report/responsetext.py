"""The markdown response, rebuilt line by line from what extraction kept (prose, reasoning
and fenced files), so evidence can link to ``text.html#R<line>`` and prose findings (tone,
overclaims, placeholders) can be highlighted where they occur."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from harness.checks.types import Status
from harness.extract.types import Assembly, Piece
from harness.report.model import ResponseRow

#: Above this many lines the rebuilt text stops (a hostile response must not blow up a page).
MAX_TEXT_LINES = 20_000


#: per-page views (see ``harness.report.views``: slotted, not frozen, to build fast)
@dataclass(slots=True)
class Mark:
    """A finding about a line of the response text."""

    criterion_id: str
    category: str
    message: str
    snippet: str

    @property
    def tone(self) -> bool:
        return self.category == "tone"


@dataclass(slots=True)
class TextLine:
    number: int
    kind: str  # prose, reasoning, fence, code
    #: the escaped line, with marks (unmarked code lines come as a ``CodeRun`` instead)
    html: Markup
    marks: tuple[Mark, ...] = ()
    file_link: str | None = None  # code lines: the same line in the extracted file's view


@dataclass
class CodeRun:
    """Consecutive unmarked code lines of the response (``first``..``last``), shown as one
    row opening the file view of the first (``page``)."""

    first: int
    last: int
    page: str | None


@dataclass(slots=True)
class Gap:
    """Response lines extraction did not keep (blank lines, headings it dropped...)."""

    start: int
    end: int
    kind: str = "gap"


def mark_in_line(line: str, snippets: tuple[str, ...]) -> Markup:
    """``line`` escaped, with the first occurrence of each snippet wrapped in ``<mark>``
    (the whole line when a snippet covers it)."""
    spans: list[tuple[int, int]] = []
    lowered = line.lower()
    for snippet in snippets:
        needle = snippet.strip().split("\n", 1)[0].strip().lower()
        if not needle:
            continue
        at = lowered.find(needle)
        if at >= 0:
            spans.append((at, at + len(needle)))
        elif lowered.strip() and lowered.strip() in snippet.lower():
            start = len(line) - len(line.lstrip())
            spans.append((start, len(line.rstrip())))
    if not spans:
        return escape(line)
    spans.sort()
    out: list[str] = []
    pos = 0
    for start, end in spans:
        if start < pos:  # overlapping hits: extend the previous mark
            continue
        out.append(str(escape(line[pos:start])))
        out.append(f"<mark>{escape(line[start:end])}</mark>")
        pos = end
    out.append(str(escape(line[pos:])))
    return Markup("".join(out))


def line_marks(row: ResponseRow) -> dict[int, list[Mark]]:
    """Response line -> failed findings whose evidence is in the prose (no extracted file)."""
    marks: dict[int, list[Mark]] = {}
    for crit in row.result.criteria:
        for finding in crit.findings:
            if finding.status is not Status.FAIL:
                continue
            for ev in finding.evidence:
                if ev.path is None and ev.response_line is not None and ev.source == "response":
                    marks.setdefault(ev.response_line, []).append(
                        Mark(crit.criterion_id, crit.category, finding.message, ev.snippet)
                    )
    return marks


def prose_lines(row: ResponseRow) -> dict[int, str]:
    """Response line -> its text, for the prose and reasoning that extraction kept."""
    tree = row.result.tree
    out: dict[int, str] = {}
    if tree is None:
        return out
    for span in (*tree.prose, *tree.reasoning):
        for i, text in enumerate(span.text.split("\n")[:MAX_TEXT_LINES]):
            out.setdefault(span.start_line + i, text)
    return out


def response_lines(row: ResponseRow) -> list[TextLine | Gap | CodeRun]:
    """Every kept line of the response in order, with gaps where nothing was kept; a
    stretch of unmarked code lines comes as one ``CodeRun`` (the text view folds it into a
    row opening the file view, so a line object per code line was most of a page's cost)."""
    tree = row.result.tree
    if tree is None:
        return []
    # line -> (kind, text, file link); a code line's text is its file's lines and its index
    kept: dict[int, tuple[str, str | list[str], str | None, int]] = {}
    for kind, spans in (("prose", tree.prose), ("reasoning", tree.reasoning)):
        for span in spans:
            for i, text in enumerate(span.text.split("\n")):
                number = span.start_line + i
                if span.end_line and number > span.end_line:
                    break
                kept.setdefault(number, (kind, text, None, 0))
    for ref in row.files:
        origin = ref.file.origin
        if origin.carried_over:  # lines of an earlier turn's response, not this one
            continue
        content = ref.file.content.split("\n")
        if content and content[-1] == "":
            content.pop()
        # the blocks that wrote the file: one, or each piece of an assembled file
        pieces = origin.pieces or (Piece(1, len(content), origin.start_line, origin.end_line),)
        fenced = origin.assembly is not Assembly.MERGED_BLOCKS  # merged pieces are blocks
        for piece in pieces:
            if fenced:
                fence = ("fence", f"```{origin.info_string}", ref.page, 0)
                kept.setdefault(piece.fence_line, fence)
            last = min(len(content), piece.first_line + piece.line_count - 1)
            shift = piece.fence_line + 1 - piece.first_line
            for i in range(piece.first_line, last + 1):
                kept.setdefault(shift + i, ("code", content, ref.page, i))
            close = piece.fence_line + piece.line_count + 1
            if fenced and piece.end_line >= close:
                kept.setdefault(piece.end_line, ("fence", "```", None, 0))
    marks = line_marks(row)
    out: list[TextLine | Gap | CodeRun] = []
    previous = 0
    run: CodeRun | None = None  # the stretch of unmarked code lines being folded
    for number in sorted(n for n in kept if n > 0)[:MAX_TEXT_LINES]:
        if number > previous + 1:
            run = None
            out.append(Gap(previous + 1, number - 1))
        previous = number
        kind, source, page, index = kept[number]
        here = tuple(marks.get(number, ()))
        if kind == "code" and not here:
            if run is None:
                run = CodeRun(number, number, page)
                out.append(run)
            else:
                run.last = number
            continue
        run = None
        line = source[index - 1] if isinstance(source, list) else source
        if kind == "code":
            page = f"{page}#L{index}"
        html = mark_in_line(line, tuple(m.snippet for m in here)) if here else escape(line)
        out.append(TextLine(number, kind, html, here, page))
    return out
