"""Per-file syntax verdict from HashiCorp's parser, and the placeholder detector.

pygohcl wraps HashiCorp's Go HCL parser: a file is "valid HCL" exactly when it accepts it. Its
error text looks like ``invalid HCL: tmp.hcl:5,20-21: Unclosed configuration block; There is
...``; the first diagnostic's line, column and summary are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pygohcl

from harness.vocabulary import Diagnostic, Severity, Span

# starts only where a token starts (a search would retry inside a long token: quadratic)
_POSITION = re.compile(r"(?<![^\s:])[^\s:]+:(\d+),(\d+)(?:-(?:(\d+),)?(\d+))?: ")
_NEXT = re.compile(r", [^\s:,]+:\d+,\d+(?:-(?:\d+,)?\d+)?: ")

#: Summaries tree-sitter's grammar accepts although HashiCorp's parser does not; the reader is
#: told about them so it can treat the line as a break.
LENIENT_SUMMARIES = ("Invalid multi-line string", "Unterminated template string")


@dataclass(frozen=True, slots=True)
class Verdict:
    valid: bool
    message: str | None = None  # "Summary; Detail" of the first error
    line: int | None = None
    col: int | None = None
    end_line: int | None = None
    end_col: int | None = None

    @property
    def summary(self) -> str:
        return (self.message or "").split(";", 1)[0]


#: pygohcl's cffi bridge. ``pygohcl.loadb`` also decodes the JSON rendering of a valid file
#: into Python objects, which the verdict never looks at (~5% of its cost); calling the
#: bridge's ``Parse`` directly skips that. Falls back to ``loadb`` if the bridge moves.
_LIB: Any = getattr(pygohcl, "lib", None)
_FFI: Any = getattr(pygohcl, "ffi", None)
_BRIDGE = all(hasattr(_LIB, name) for name in ("Parse", "FreePtr")) and hasattr(_FFI, "NULL")


def verdict(data: bytes) -> Verdict:
    """HashiCorp's verdict on one file. Internal errors of the bridge count as valid with a
    message (the file may still be fine); only parse errors make a file invalid."""
    try:
        if _BRIDGE:
            return _bridge_verdict(data)
        pygohcl.loadb(data)
    except pygohcl.HCLParseError as exc:
        return _parse_error(str(exc))
    except Exception as exc:  # the bridge may raise anything; never lose the file
        return Verdict(True, f"syntax check unavailable: {type(exc).__name__}")
    return Verdict(True)


def _bridge_verdict(data: bytes) -> Verdict:
    """What ``pygohcl.loadb`` decides, without building the Python value of a valid file:
    an error text with ``invalid HCL:`` is a parse error, any other is an internal one."""
    response = _LIB.Parse(data, 0)  # a C string: stops at a NUL byte, as loadb's copy does
    if response.json != _FFI.NULL:
        _LIB.FreePtr(response.json)
    if response.err == _FFI.NULL:
        return Verdict(True)
    try:
        text = _FFI.string(response.err).decode("utf8")
    finally:
        _LIB.FreePtr(response.err)
    if "invalid HCL:" in text:
        return _parse_error(text)
    return Verdict(True, "syntax check unavailable: HCLInternalError")


def _parse_error(text: str) -> Verdict:
    text = text.removeprefix("invalid HCL:").strip()
    match = _POSITION.match(text)
    if match is None:
        return Verdict(False, text[:300] or "invalid HCL")
    rest = text[match.end() :]
    nxt = _NEXT.search(rest)
    message = (rest[: nxt.start()] if nxt else rest).strip()
    line, col = int(match.group(1)), int(match.group(2))
    end_line = int(match.group(3)) if match.group(3) else line
    end_col = int(match.group(4)) if match.group(4) else col
    return Verdict(False, message[:500], line, col, end_line, end_col)


def syntax_diagnostic(path: str, result: Verdict) -> Diagnostic:
    line = result.line or 1
    span = Span(path, line, result.col or 1, result.end_line or line, result.end_col)
    return Diagnostic(
        "syntax_error",
        Severity.ERROR,
        f"invalid HCL: {result.message}",
        span=span,
        stage="parse",
    )


# -- placeholders -----------------------------------------------------------------------------
_ELLIPSIS_LINE = re.compile(r"^[ \t]*(?:\.\.\.|…)[ \t]*$", re.M)
_COMMENT_PLACEHOLDER = re.compile(
    r"^\s*(?:\.\.\.|…)"
    r"|\b(?:rest|remainder) of (?:the |your )?(?:config|configuration|code|file|resources?|"
    r"settings|attributes|blocks?)\b"
    r"|\b(?:remains?|stays?|is) (?:the )?(?:same|unchanged)\b"
    r"|\bsame as (?:before|above|previous(?:ly)?)\b"
    r"|\b(?:omitted|truncated|abbreviated) for brevity\b"
    r"|\b(?:existing|previous) (?:code|configuration|resources?) (?:here|unchanged|continues)\b"
    r"|\badd (?:more|other|additional) .* (?:here|as needed)\b",
    re.I,
)
_ANGLE = re.compile(
    r"<\s*(?i:your|replace|insert|enter|put|add)[A-Za-z0-9_\- .]*>"  # <YOUR_VALUE>, <replace me>
    r"|<[A-Z][A-Z0-9]*(?:[_-][A-Z0-9]+)+>"  # <ACCOUNT_ID>, <VPC-ID>
)
_TODO = re.compile(r"\b(?:TODO|FIXME|TBD)\b")


#: A telltale word of an elision comment (``# ... rest of config``), case-insensitive. The
#: plain alternation ``\.\.\.|…|\brest\b|\bremain|...`` with ``\b`` factored out: the engine
#: then tries the words only where a word starts, not at every character (4x faster).
_TELLTALE = re.compile(
    r"(?i:\.\.\.|…|\b(?:rest\b|remain|stays?\b|same\b|unchanged\b|brevity\b|existing\b"
    r"|previous\b|add\b))"
)
#: Candidates that are not comments: something in angle brackets, TODO / FIXME / TBD.
_OTHER = re.compile(r"<[^<>\n]{2,60}>|\b(?:TODO|FIXME|TBD)\b")
#: A line holds a candidate only if it holds one of these: an ellipsis line needs ``...`` or
#: ``…``, a comment a marker (``#``, ``//``, ``/*``), the rest ``<`` or TODO / FIXME / TBD.
#: ``[#<…]|/[/*]|\.\.\.|TODO|FIXME|TBD`` written as "a first character, then the rest of the
#: trigger it starts" (the lookbehinds pick the branch): the engine skips every other character
#: with one class test instead of trying six branches there (2.4x faster over the corpus).
_TRIGGER = re.compile(r"[#<…/.TF](?:(?<=[#<…])|(?<=/)[/*]|(?<=\.)\.\.|(?<=T)(?:ODO|BD)|(?<=F)IXME)")
_MARKERS = ("#", "//", "/*")


def _first_marker(line: str, pos: int) -> tuple[int, int]:
    """(index, length) of the first comment marker at or after ``pos``; (-1, 0) if none."""
    found = [(i, len(m)) for m in _MARKERS if (i := line.find(m, pos)) >= 0]
    return min(found) if found else (-1, 0)


def _line_candidates(line: str) -> Iterator[tuple[int, str]]:
    """The candidates of one line, left to right and not overlapping, as one alternation
    (``...`` line | comment with a telltale to the line's end | angle brackets | TODO) would
    find them. A comment candidate starts at the first marker that has a telltale after it,
    and that is the first marker or none: every later marker's tail is part of the first's.
    Finding it with ``str.find`` keeps the scan linear, where a regex retried at every later
    ``#`` of a long line of markers cost the line's length squared."""
    if _ELLIPSIS_LINE.fullmatch(line):
        yield 0, line
        return
    pos = 0
    while pos <= len(line):
        marker, size = _first_marker(line, pos)
        comment = marker if marker >= 0 and _TELLTALE.search(line, marker + size) else -1
        other = _OTHER.search(line, pos)
        if comment >= 0 and (other is None or comment < other.start()):
            yield comment, line[comment:]
            return
        if other is None:
            return
        yield other.start(), other.group(0)
        pos = other.end()


def _candidates(text: str) -> Iterator[tuple[int, str]]:
    """(offset, text) of every candidate in text order: what one alternation over the whole
    text finds, found line by line, on the lines a ``_TRIGGER`` search of the text lands on
    (a line without a trigger holds no candidate; most lines of a file have none)."""
    search, find = _TRIGGER.search, text.find
    pos = 0
    while (hit := search(text, pos)) is not None:
        start = text.rfind("\n", 0, hit.start()) + 1
        end = find("\n", hit.start())
        if end < 0:
            end = len(text)
        for at, token in _line_candidates(text[start:end]):
            yield start + at, token
        pos = end + 1


def placeholders(path: str, text: str, limit: int) -> list[Diagnostic]:
    """Text that is often valid HCL yet marks incomplete code: ``...`` lines, ``# ... rest of
    configuration``, ``<YOUR_VALUE>``, ``TODO``. One diagnostic per line, at most ``limit``.
    One regex pass over the file finds candidates; only those are examined."""
    found: list[Diagnostic] = []
    line, counted_to, last_line = 1, 0, 0
    for start, token in _candidates(text):
        first = token[0]
        what: str | None = None  # a message, completed with the line text when it ends in ": "
        hit = start
        if first in "#/":
            if _COMMENT_PLACEHOLDER.search(token.lstrip("#/* ")):
                what = "comment says code is omitted: "
            elif (found_in := _ANGLE.search(token) or _TODO.search(token)) is not None:
                hit = start + found_in.start()
                placeholder = found_in.group(0)
                what = (
                    f"placeholder value {placeholder!r}"
                    if placeholder.startswith("<")
                    else "unfinished: "
                )
        elif first == "<":
            if _ANGLE.fullmatch(token):
                what = f"placeholder value {token!r}"
        elif first in ".… \t":
            what = "a '...' line stands for omitted code"
            hit = start + len(token) - len(token.lstrip())
        else:
            what = "unfinished: "
        if what is None:
            continue
        line += text.count("\n", counted_to, start)
        counted_to = start
        if line == last_line:
            continue
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", start)
        whole = text[line_start : line_end if line_end >= 0 else len(text)]
        if what.endswith(": "):
            what += repr(whole.strip()[:80])
        start = hit
        last_line = line
        col = start - line_start + 1
        found.append(
            Diagnostic(
                "placeholder",
                Severity.WARNING,
                what,
                span=Span(path, line, col, line, len(whole)),
                stage="parse",
            )
        )
        if len(found) >= limit:
            break
    return found
