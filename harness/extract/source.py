"""Reading a response: bytes -> text with BOM, CRLF and invalid UTF-8 tolerated and reported."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.extract.limits import ExtractLimits
from harness.vocabulary import Diagnostic, Severity


@dataclass(frozen=True, slots=True)
class SourceText:
    """Normalised response text, its lines, and what was noticed while reading it."""

    text: str
    lines: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]


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
        text = data.decode("utf-8", errors="replace")
        line = data[: error.start].count(b"\n") + 1
        diagnostics.append(
            Diagnostic(
                "decode_error",
                Severity.WARNING,
                "response is not valid UTF-8; undecodable bytes were replaced with U+FFFD",
                line=line,
            )
        )
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
    """Read a response file (at most ``max_response_bytes`` of it). OSError propagates."""
    with path.open("rb") as handle:
        data = handle.read(limits.max_response_bytes + 1)
    return decode(data, limits)


def _size_diagnostic(limits: ExtractLimits) -> Diagnostic:
    return Diagnostic(
        "size_limit",
        Severity.ERROR,
        f"response is larger than {limits.max_response_bytes} bytes; only the first part was read",
    )
