"""The token colours of the browser-side highlighter (``assets/report.js``) and HTML
escaping for markup built in Python.

Files and snippets are highlighted in the reader's browser, which wraps tokens in
``<span class>`` elements named after pygments' short token classes (``k`` keyword, ``s2``
string, ``c`` comment, ``na`` attribute, ``nb`` block type...); pygments' own styles give
those classes their light and dark colours, so only the stylesheet comes from here.
"""

from __future__ import annotations

from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped]


def esc(text: str) -> str:
    """HTML-escape text (the same five characters as markupsafe, as a plain fast str)."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


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
