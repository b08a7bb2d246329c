"""Markdown structure: markdown-it-py tokens turned into a flat list of elements with response
line numbers (headings, paragraphs, code fences), plus the two repairs real responses need.

1. Nested fences. A README in a ```` ```markdown ```` fence often contains its own ```` ``` ````
   fences. CommonMark closes the outer fence at the first bare ```` ``` ````, which splits the
   README and shifts every later fence by one (so real files get swallowed). When the outer
   fence is three characters long (a longer one is already unambiguous) we re-decide where it
   ends: inner fences pair up (an opener with an info string or a bare one, then a bare closer),
   and the outer close is the first unpaired bare fence that (a) does not introduce a block (the
   line before it is not a heading or does not end with ``:``) and (b) leaves the rest of the
   response with balanced fences. The rest of the response is then parsed again from there.
2. Reasoning traces. ``### Reasoning Trace`` ... ``### Answer`` responses: only the answer is
   parsed for files; the trace is returned as text.

Line numbers are 1-based lines of the whole response (``base`` shifts a parsed slice).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from markdown_it import MarkdownIt

ElementKind = Literal["heading", "paragraph", "fence", "code", "hr", "other"]

_FENCE_LINE = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
_REASONING = re.compile(r"^#{1,6}\s*reasoning\s+trace\s*:?\s*$", re.IGNORECASE)
_ANSWER = re.compile(r"^#{1,6}\s*(final\s+)?answer\s*:?\s*$", re.IGNORECASE)
_MARKDOWN_LANGS = {"markdown", "md"}
_MAX_CANDIDATES = 50  # bare fences tried as the outer close (bounds the work on hostile input)


@dataclass(frozen=True, slots=True)
class Element:
    """One block-level piece of the response. ``start``/``end`` are 1-based, inclusive.

    For a fence, ``start`` is the opening fence line and ``end`` the closing fence line (or the
    last line of the response when ``closed`` is False); ``text`` is the content.
    """

    kind: ElementKind
    start: int
    end: int
    text: str = ""
    level: int = 0  # heading level (1-6), or container depth for other kinds
    info: str = ""
    markup: str = ""
    closed: bool = True
    repaired: bool = False  # a nested-fence repair moved the end of this fence


@dataclass(frozen=True, slots=True)
class Sections:
    """A response split into its reasoning trace (if any) and the answer."""

    reasoning: tuple[int, int] | None  # (first, last) response lines of the trace
    answer_start: int  # first response line of the answer (1-based)
    unterminated_trace: bool = False


def _parser() -> MarkdownIt:
    """CommonMark block structure only: inline parsing (emphasis, links) is switched off since
    only the raw inline text of headings and paragraphs is used; it would double the cost."""
    return MarkdownIt("commonmark", {"maxNesting": 40}).disable("inline")


_MD = _parser()


def split_reasoning(lines: list[str]) -> Sections:
    """Find a leading ``Reasoning Trace`` heading and the ``Answer`` heading that ends it."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not _REASONING.match(lines[first].strip()):
        return Sections(reasoning=None, answer_start=1)
    for index in range(first + 1, len(lines)):
        if _ANSWER.match(lines[index].strip()):
            return Sections(reasoning=(first + 1, index), answer_start=index + 2)
    return Sections(reasoning=None, answer_start=1, unterminated_trace=True)


def _is_closing(line: str, markup: str) -> bool:
    match = _FENCE_LINE.match(line)
    return bool(
        match
        and len(match.group(1)) <= 3
        and match.group(2)[0] == markup[0]
        and len(match.group(2)) >= len(markup)
        and not match.group(3).strip()
    )


def _fence_lines(lines: list[str], begin: int, char: str) -> list[tuple[int, int, int, bool]]:
    """(index, indent, length, has_info) of every fence-looking line from ``begin``."""
    found = []
    for index in range(begin, len(lines)):
        line = lines[index]
        if char not in line[:40]:
            continue
        match = _FENCE_LINE.match(line)
        if not match or match.group(2)[0] != char:
            continue
        info = match.group(3).strip()
        if char == "`" and "`" in info:
            continue  # not a fence in CommonMark (inline code)
        found.append((index, len(match.group(1)), len(match.group(2)), bool(info)))
    return found


def _balanced(seq: list[tuple[int, int, int, bool]]) -> bool:
    """Do these fence lines pair up as CommonMark would, leaving nothing open at the end?"""
    open_length = 0
    for _, indent, length, has_info in seq:
        if open_length == 0:
            open_length = length
        elif not has_info and length >= open_length and indent <= 3:
            open_length = 0
    return open_length == 0


def _introduces_block(lines: list[str], index: int) -> bool:
    """Does the text before this bare fence announce a block (a heading, or ``...:``)?"""
    for back in range(index - 1, -1, -1):
        text = lines[back].strip()
        if text:
            return text.startswith("#") or text.endswith(":") or text.endswith(":**")
    return False


def nested_fence_end(lines: list[str], open_index: int, markup: str) -> int | None:
    """Index of the line that really closes the ```markdown fence at ``open_index``.

    None means the fence runs to the end of the text (it was never closed).
    """
    seq = _fence_lines(lines, open_index + 1, markup[0])
    open_length = 0
    first_plausible: int | None = None
    tried = 0
    for position, (index, indent, length, has_info) in enumerate(seq):
        if open_length:
            if not has_info and length >= open_length:
                open_length = 0
            continue
        if has_info or length < len(markup):
            open_length = length
            continue
        plausible = indent <= 3 and not _introduces_block(lines, index)
        if plausible:
            if first_plausible is None:
                first_plausible = index
            tried += 1
            if tried > _MAX_CANDIDATES:
                break
            if _balanced(seq[position + 1 :]):
                return index
        open_length = length  # a bare fence that opens an inner block
    return first_plausible


def _inline_text(tokens: list, index: int) -> str:  # type: ignore[type-arg]
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    return str(following.content) if following is not None and following.type == "inline" else ""


def parse_elements(lines: list[str], base: int = 0, *, max_repairs: int = 200) -> list[Element]:
    """Parse ``lines`` (response lines ``base+1`` ..) into elements, repairing nested fences."""
    elements: list[Element] = []
    position = 0
    repairs = 0
    # Repairs scan ahead and re-parse the rest of the text: cap that work at a few passes over
    # the whole response so that a hostile text full of ```markdown fences stays linear.
    budget = 4 * len(lines) + 1000
    while position < len(lines):
        chunk = lines[position:]
        tokens = _MD.parse("\n".join(chunk))
        restart: int | None = None
        offset = base + position
        for index, token in enumerate(tokens):
            if token.map is None or token.nesting == -1:
                continue
            first, stop = token.map  # 0-based, end exclusive, within chunk
            start, end = offset + first + 1, offset + stop
            if token.type == "heading_open":
                level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
                elements.append(Element("heading", start, end, _inline_text(tokens, index), level))
            elif token.type == "paragraph_open":
                elements.append(Element("paragraph", start, end, _inline_text(tokens, index)))
            elif token.type == "hr":
                elements.append(Element("hr", start, end))
            elif token.type == "code_block":
                elements.append(Element("code", start, end, token.content, token.level))
            elif token.type == "fence":
                info = token.info.strip()
                # unclosed: nothing but blank lines after it (markdown-it leaves trailing blank
                # lines out of the fence's map) and its last line is not a closing fence
                at_end = stop >= len(chunk) or not any(line.strip() for line in chunk[stop:])
                closed = not (at_end and not _is_closing(chunk[stop - 1], token.markup))
                lang = info.split(maxsplit=1)[0].lower() if info else ""
                if (
                    lang in _MARKDOWN_LANGS
                    and token.level == 0
                    and len(token.markup) == 3
                    and repairs < max_repairs
                    and budget > len(chunk) - first
                ):
                    budget -= len(chunk) - first
                    true_end = nested_fence_end(chunk, first, token.markup)
                    cm_end = stop - 1 if closed else None
                    if true_end != cm_end:
                        repairs += 1
                        last = true_end if true_end is not None else len(chunk)
                        content = "\n".join(chunk[first + 1 : last])
                        elements.append(
                            Element(
                                "fence",
                                start,
                                offset + (last + 1 if true_end is not None else last),
                                content + "\n" if content else "",
                                token.level,
                                info,
                                token.markup,
                                closed=true_end is not None,
                                repaired=True,
                            )
                        )
                        restart = position + last + 1 if true_end is not None else len(lines)
                        budget -= len(lines) - restart
                        break
                elements.append(
                    Element(
                        "fence",
                        start,
                        end,
                        token.content,
                        token.level,
                        info,
                        token.markup,
                        closed=closed,
                    )
                )
            elif token.type in ("html_block", "table_open"):
                elements.append(Element("other", start, end, level=token.level))
        if restart is None:
            break
        position = restart
    return elements
