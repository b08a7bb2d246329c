"""HCL string literal rules: escapes in quoted strings, heredoc indentation, numbers."""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)|\$\$\{|%%\{", re.S)
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _replace(match: re.Match[str]) -> str:
    token = match.group(0)
    if token == "$${":
        return "${"
    if token == "%%{":
        return "%{"
    code = token[1:]
    if code[0] in "uU" and len(code) > 1:
        try:
            return chr(int(code[1:], 16))
        except (ValueError, OverflowError):
            return token
    return _SIMPLE.get(code, token)


def unescape_quoted(raw: str) -> str:
    """The value of the text between the quotes of an HCL quoted string (no interpolation)."""
    if "\\" not in raw and "$${" not in raw and "%%{" not in raw:
        return raw
    return _ESCAPE.sub(_replace, raw)


def unescape_heredoc(raw: str) -> str:
    """Heredocs take no backslash escapes; only ``$${`` and ``%%{`` are literal markers."""
    if "$${" not in raw and "%%{" not in raw:
        return raw
    return raw.replace("$${", "${").replace("%%{", "%{")


def heredoc_indent(body: str) -> int:
    """Spaces an indented heredoc (``<<-``) strips: the least indentation of non-blank lines."""
    widths = [len(line) - len(line.lstrip(" \t")) for line in body.split("\n") if line.strip()]
    return min(widths) if widths else 0


def dedent(text: str, width: int, at_line_start: bool) -> str:
    """Remove up to ``width`` leading blanks from each line of ``text``; the first line only when
    ``at_line_start`` (a literal piece may begin mid-line, after an interpolation)."""
    if width <= 0:
        return text
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines):
        if i == 0 and not at_line_start:
            out.append(line)
            continue
        strip = len(line) - len(line.lstrip(" \t"))
        out.append(line[min(strip, width) :])
    return "\n".join(out)


def number(text: str) -> int | float | str:
    """An HCL number literal as int or float; the text itself when Python cannot hold it."""
    try:
        if any(c in text for c in ".eE"):
            return float(text)
        return int(text)
    except (ValueError, OverflowError):
        return text
