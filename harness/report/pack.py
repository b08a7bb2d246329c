"""Packed page regions: the bulky part of a report page ships deflated, inflated by the browser.

A template wraps a region in ``PACK_START`` / ``PACK_END`` comments (the ``packed`` macro of
``macros.html.j2``). ``pack_regions`` replaces each region of the rendered page (our own
autoescaped markup) with its zlib stream, base64-encoded inside an inert
``<script type="application/octet-stream" data-packed>`` element, preceded by a
``<noscript>`` line. ``assets/report.js`` inflates the regions at load with the browser's
``DecompressionStream`` (no library, works from ``file://``), parses them with ``DOMParser``
(an inert document: nothing in it runs) and puts the nodes in place before it builds file
views, sorts and filters. Response text reaches the region autoescaped like any other markup,
so a ``<script>`` in a response is still text once inflated.

HTML compresses 8-15x; the base64 costs a third back. Compression is deterministic (zlib,
fixed level, no timestamp), so the same run gives the same bytes. ``unpack_html`` is the
inverse (tests and tools read a page as the browser shows it).
"""

from __future__ import annotations

import base64
import re
import zlib

PACK_START = "<!--pack-->"
PACK_END = "<!--/pack-->"
#: zlib level: measured on the corpus run's pages (benchmarks/report.py), level 6 costs
#: about 1.6x level 1's time for ~8 % fewer bytes; see ``LEVEL`` below.
LEVEL = 6
#: Regions shorter than this stay plain (the base64 and the wrapper would outweigh the gain).
MIN_PACKED = 512

_OPEN = '<script type="application/octet-stream" data-packed>'
_CLOSE = "</script>"
_NOSCRIPT = (
    '<noscript><p class="note-box">The rest of this page is compressed: it needs JavaScript '
    "to show.</p></noscript>"
)
_PACKED = re.compile(
    r"(?:<noscript>.*?</noscript>)?" + re.escape(_OPEN) + r"([A-Za-z0-9+/=]*)" + re.escape(_CLOSE),
    re.DOTALL,
)


def pack_regions(html: str, level: int = LEVEL) -> str:
    """``html`` with every ``PACK_START`` ... ``PACK_END`` region deflated and base64-encoded
    (regions under ``MIN_PACKED`` characters only lose their markers). Autoescaped text never
    holds ``<!--``, so only a template's markers can open a region."""
    start = html.find(PACK_START)
    if start < 0:
        return html
    parts: list[str] = []
    position = 0
    noted = False
    while start >= 0:
        end = html.find(PACK_END, start)
        if end < 0:
            raise ValueError(f"unclosed {PACK_START} at character {start}")
        parts.append(html[position:start])
        region = html[start + len(PACK_START) : end]
        if len(region) < MIN_PACKED:
            parts.append(region)
        else:
            data = base64.b64encode(zlib.compress(region.encode("utf-8"), level)).decode("ascii")
            if not noted:
                parts.append(_NOSCRIPT)
                noted = True
            parts.append(f"{_OPEN}{data}{_CLOSE}")
        position = end + len(PACK_END)
        start = html.find(PACK_START, position)
    parts.append(html[position:])
    return "".join(parts)


def unpack_html(html: str) -> str:
    """The page as the browser shows it once report.js has inflated its packed regions (the
    ``<noscript>`` line dropped with them)."""
    return _PACKED.sub(
        lambda m: zlib.decompress(base64.b64decode(m.group(1))).decode("utf-8"), html
    )
