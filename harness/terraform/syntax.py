"""Per-file syntax verdict from HashiCorp's parser, and the placeholder detector.

pygohcl wraps HashiCorp's Go HCL parser: a file is "valid HCL" exactly when it accepts it. Its
error text looks like ``invalid HCL: tmp.hcl:5,20-21: Unclosed configuration block; There is
...``; the first diagnostic's line, column and summary are kept.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pygohcl

from harness.vocabulary import Diagnostic, Severity, Span

_POSITION = re.compile(r"[^\s:]+:(\d+),(\d+)(?:-(?:(\d+),)?(\d+))?: ")
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


_TELL = (
    r"\.\.\.|…|\brest\b|\bremain|\bstays?\b|\bsame\b|\bunchanged\b|\bbrevity\b|\bexisting\b"
    r"|\bprevious\b|\badd\b"
)
_SKIP = r"[^\n.…rsubepa]"  # characters no telltale starts with (case-insensitively)
#: The rest of a comment line with a telltale word in it. Same matches as
#: ``[^\n]*?(?i:TELL)[^\n]*``, unrolled so the telltale alternation is only tried where one of
#: its first letters is: possessive skips, no backtracking.
_TELLTALE = rf"(?i:{_SKIP}*+(?:(?!{_TELL})[^\n]{_SKIP}*+)*+(?:{_TELL}))[^\n]*"
_OTHER_CANDIDATES = (
    r"|<[^<>\n]{2,60}>"  # something in angle brackets
    r"|T(?<!\wT)(?:ODO|BD)\b|F(?<!\wF)IXME\b"  # \b(?:TODO|FIXME|TBD)\b
)
#: Candidates other than ``...`` lines. Every branch starts with a literal character, so the
#: regex engine skips ahead to the next ``#``, ``/``, ``<``, ``T`` or ``F`` instead of trying
#: each branch at every position (a leading ``\b`` or ``^`` defeats that: 10x slower).
_UNROLLED = re.compile(rf"#{_TELLTALE}|//{_TELLTALE}|/\*{_TELLTALE}" + _OTHER_CANDIDATES)
#: The same candidates written plainly (a lazy scan to the telltale word): slower, but right
#: on every Python. CPython before 3.11.4 (Debian 12 ships 3.11.2) mis-matches possessive
#: quantifiers inside repeated groups (gh-101955), which the unrolled form relies on.
_PLAIN = re.compile(rf"(?:#|//|/\*)[^\n]*?(?i:{_TELL})[^\n]*" + _OTHER_CANDIDATES)


def _unrolled_is_right() -> bool:
    """Whether this Python's regex engine runs the unrolled pattern correctly."""
    probe = "a = 1\n# ... rest of config\n# reſt of config\nb = 2 // same as above <X_Y>\n"
    found = [m.span() for m in _UNROLLED.finditer(probe)]
    return found == [m.span() for m in _PLAIN.finditer(probe)] and len(found) == 3


_CANDIDATE = _UNROLLED if _unrolled_is_right() else _PLAIN


def _candidates(text: str) -> Iterator[re.Match[str]]:
    """Candidate matches in text order. ``...`` lines (whitespace and an ellipsis only) never
    overlap the other candidates (those need ``#``, ``/``, ``<`` or a letter and stay on one
    line), so the two scans merge into what one alternation would find."""
    if "..." not in text and "…" not in text:
        return _CANDIDATE.finditer(text)
    return heapq.merge(
        _ELLIPSIS_LINE.finditer(text), _CANDIDATE.finditer(text), key=lambda m: m.start()
    )


def placeholders(path: str, text: str, limit: int) -> list[Diagnostic]:
    """Text that is often valid HCL yet marks incomplete code: ``...`` lines, ``# ... rest of
    configuration``, ``<YOUR_VALUE>``, ``TODO``. One diagnostic per line, at most ``limit``.
    One regex pass over the file finds candidates; only those are examined."""
    found: list[Diagnostic] = []
    line, counted_to, last_line = 1, 0, 0
    for match in _candidates(text):
        token = match.group(0)
        first = token[0]
        start = match.start()
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
