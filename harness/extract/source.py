"""Reading a response: bytes -> text with BOM, CRLF and invalid UTF-8 tolerated and reported.

A response that is not text at all (a binary file renamed ``.md``) is reported with the
``not_text`` diagnostic and read as empty, so nothing is extracted from it. The rule: the bytes
contain a NUL byte, or more than ``NOT_TEXT_RATIO`` of the decoded characters are undecodable
bytes (U+FFFD) or control characters other than tab, newline, carriage return and form feed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from harness.extract.limits import ExtractLimits
from harness.tasks import open_input
from harness.vocabulary import Diagnostic, Severity

#: Share of undecodable/control characters above which a response is not text.
NOT_TEXT_RATIO = 0.05
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def not_text(data: bytes, text: str) -> bool:
    """True when ``data`` (decoded as ``text``) is binary, not a markdown response."""
    if b"\x00" in data:
        return True
    if not text:
        return False
    odd = len(_CONTROL_BYTES.findall(data)) + text.count("\ufffd")
    return odd > NOT_TEXT_RATIO * len(text)


@dataclass(frozen=True, slots=True)
class SourceText:
    """Normalised response text, its lines, and what was noticed while reading it."""

    text: str
    lines: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]
    is_text: bool = True  # False: binary content, read as empty (``not_text`` diagnostic)


def decode(data: bytes, limits: ExtractLimits) -> SourceText:
    """Decode bytes as UTF-8 (invalid bytes become U+FFFD, with a diagnostic)."""
    diagnostics: list[Diagnostic] = []
    if len(data) > limits.max_response_bytes:
        cut = data.rfind(b"\n", 0, limits.max_response_bytes)
        data = data[: cut if cut > 0 else limits.max_response_bytes]
        diagnostics.append(_size_diagnostic(limits))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        replaced = data.decode("utf-8", errors="replace")
        if not_text(data, replaced):
            return _binary(diagnostics)
        text = replaced
        line = data[: error.start].count(b"\n") + 1
        diagnostics.append(
            Diagnostic(
                "decode_error",
                Severity.WARNING,
                "response is not valid UTF-8; undecodable bytes were replaced with U+FFFD",
                line=line,
            )
        )
    else:
        if not_text(data, text):
            return _binary(diagnostics)
    result = normalise(text, limits)
    return SourceText(result.text, result.lines, (*diagnostics, *result.diagnostics))


def normalise(text: str, limits: ExtractLimits) -> SourceText:
    """Strip a BOM, turn CRLF/CR into LF, NUL into U+FFFD (as markdown-it does), and split into
    lines the way markdown-it counts them (only ``\\n`` ends a line)."""
    diagnostics: list[Diagnostic] = []
    if len(text) > limits.max_response_bytes:  # characters >= bytes/4; a cheap pre-check
        encoded = text.encode("utf-8")
        if len(encoded) > limits.max_response_bytes:
            cut = encoded.rfind(b"\n", 0, limits.max_response_bytes)
            cut = cut if cut > 0 else limits.max_response_bytes
            text = encoded[:cut].decode("utf-8", errors="ignore")
            diagnostics.append(_size_diagnostic(limits))
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\x00", "\ufffd")
    body = text[:-1] if text.endswith("\n") else text
    lines = tuple(body.split("\n")) if body else ()
    return SourceText(text, lines, tuple(diagnostics))


def read(path: Path, limits: ExtractLimits) -> SourceText:
    """Read a response file (at most ``max_response_bytes`` of it). OSError propagates, also
    for a path that is not a regular file (``open_input``)."""
    with open_input(path) as handle:
        data = handle.read(limits.max_response_bytes + 1)
    return decode(data, limits)


def _binary(diagnostics: list[Diagnostic]) -> SourceText:
    diagnostics.append(
        Diagnostic(
            "not_text",
            Severity.ERROR,
            "response is not text (NUL bytes or mostly undecodable/control characters): "
            "nothing was extracted",
        )
    )
    return SourceText("", (), tuple(diagnostics), is_text=False)


def _size_diagnostic(limits: ExtractLimits) -> Diagnostic:
    return Diagnostic(
        "size_limit",
        Severity.ERROR,
        f"response is larger than {limits.max_response_bytes} bytes; only the first part was read",
    )
