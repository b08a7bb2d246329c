"""Syntax highlighting with pygments, one line at a time so every line can carry an anchor.

Tokens are split at newlines and each piece is escaped here (``markupsafe.escape``) before it
is wrapped in a ``<span class=...>`` named after the pygments token type: the class names are
the only markup that ever surrounds response text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from markupsafe import Markup
from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped]
from pygments.lexer import Lexer  # type: ignore[import-untyped]
from pygments.lexers import get_lexer_by_name  # type: ignore[import-untyped]
from pygments.token import STANDARD_TYPES, _TokenType  # type: ignore[import-untyped]
from pygments.util import ClassNotFound  # type: ignore[import-untyped]

#: Files larger than this are shown as plain text: highlighting is a nicety, not worth a
#: pathological regex walk over a hostile multi-megabyte block.
MAX_HIGHLIGHT_CHARS = 200_000

# extraction language -> pygments lexer alias
_LEXER_ALIASES = {
    "hcl": "terraform",
    "terraform": "terraform",
    "tf": "terraform",
    "tfvars": "terraform",
    "sh": "bash",
    "shell": "bash",
    "console": "bash",
    "ts": "typescript",
    "js": "javascript",
    "py": "python",
    "yml": "yaml",
    "golang": "go",
    "text": "text",
    "": "text",
}


@lru_cache(maxsize=64)
def lexer_for(language: str) -> Lexer:
    name = _LEXER_ALIASES.get(language.lower(), language.lower())
    options = {"stripnl": False, "stripall": False, "ensurenl": False}
    try:
        return get_lexer_by_name(name, **options)
    except ClassNotFound:
        return get_lexer_by_name("text", **options)


@lru_cache(maxsize=256)
def _css_class(ttype: _TokenType) -> str:
    while ttype not in STANDARD_TYPES:
        ttype = ttype.parent
    name: str = STANDARD_TYPES[ttype]
    return name


def esc(text: str) -> str:
    """HTML-escape text (the same five characters as markupsafe, as a plain fast str)."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


def plain_lines(text: str) -> list[Markup]:
    return [Markup(esc(line)) for line in text.split("\n")]


def highlight_lines(text: str, language: str) -> list[Markup]:
    """``text`` split at ``\\n`` with each line highlighted; line N of the result is line N of
    the text (falls back to plain lines whenever the lexer would shift the numbering)."""
    expected = text.count("\n") + 1
    if len(text) > MAX_HIGHLIGHT_CHARS or language.lower() in ("", "text"):
        return plain_lines(text)
    lines: list[list[str]] = [[]]
    # pygments turns a lone \r into a line break; dropping \r keeps the \n numbering intact
    for cls, value in _merged(lexer_for(language).get_tokens(text.replace("\r", ""))):
        for j, part in enumerate(value.split("\n")):
            if j:
                lines.append([])
            if part:
                piece = esc(part)
                span = piece if cls in ("", "w") else f'<span class="{cls}">{piece}</span>'
                lines[-1].append(span)
    if len(lines) != expected:  # never show a file with shifted line numbers
        return plain_lines(text)
    return [Markup("".join(parts)) for parts in lines]


def _merged(tokens: Iterable[tuple[_TokenType, str]]) -> Iterator[tuple[str, str]]:
    """Adjacent tokens of the same CSS class as one (fewer spans, smaller pages)."""
    current, buffer = "", list[str]()
    for ttype, value in tokens:
        cls = _css_class(ttype)
        if cls != current and buffer:
            yield current, "".join(buffer)
            buffer = []
        current = cls
        buffer.append(value)
    if buffer:
        yield current, "".join(buffer)


def _token_rules(css: str) -> str:
    """Only the per-token colour rules (no page background, no error boxes)."""
    return "\n".join(
        line for line in css.splitlines() if line.startswith(".hl .") and ".hl .err" not in line
    )


def highlight_css() -> str:
    """Token colours for light and dark schemes, scoped to ``.hl``."""
    light = HtmlFormatter(style="default").get_style_defs(".hl")
    dark = HtmlFormatter(style="monokai").get_style_defs(".hl")
    light, dark = _token_rules(light), _token_rules(dark)
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
