"""Packed page regions: the bulky part of a report page ships deflated, inflated by the browser.

A template wraps a region in ``PACK_START`` / ``PACK_END`` comments. ``SitePacker`` replaces
each region of a rendered page (our own autoescaped markup) with its zlib stream,
base64-encoded inside an inert ``<script type="application/octet-stream" data-packed>``
element, preceded by a ``<noscript>`` line. ``assets/report.js`` inflates the regions at load
with the browser's ``DecompressionStream`` (no library, works from ``file://``), parses them
with ``DOMParser`` (an inert document: nothing in it runs) and puts the nodes in place before
it builds file views, sorts and filters. Response text reaches a region autoescaped like any
other markup, so a ``<script>`` in a response is still text once inflated.

**Dictionaries.** Pages of one kind (response pages, file views, ...) repeat each other: the
rubric's titles and reasons, the same markup, much the same Terraform. Deflated one by one,
each page pays for them again. So each kind has a dictionary: ``DICTIONARY_SIZE`` bytes of
its regions, from a few pages spread over the run (``SitePacker.prime``), else from its first
pages in build order. Its zlib
stream, cut with a sync flush (the *prefix*), is written once into ``assets/report.js``;
a page's region is compressed as the continuation of that stream, so it refers back into the
dictionary. The browser inflates prefix + region and drops the dictionary's bytes. On the
corpus run this takes another ~12 % off the site.

Compression is deterministic for one version of zlib-ng (fixed level, no timestamp;
dictionaries from the pages in build order), so the same run gives the same bytes. Another
version, or another platform, may deflate the same markup into other (equally valid) bytes,
as zlib's own versions do: what the page shows is the same. ``unpack_html`` is the inverse
(tests and tools read a page as the browser shows it; ``benchmarks/identical_reports.py``
compares sites that way).

**zlib-ng**, not the standard library's zlib, deflates: the same format, about as small
(+0.1 % over the corpus site's 49 MB of regions) in a little over half the time (0.34 s
against 0.59-0.63 s at level 6).
"""

from __future__ import annotations

import base64
import json
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, cast

from zlib_ng import zlib_ng

PACK_START = "<!--pack-->"
PACK_END = "<!--/pack-->"
#: deflate level, measured over the corpus site's regions (49 MB) with zlib-ng: level 6 writes
#: 33 % fewer bytes than level 1 for 0.23 s more; 9 gains 0.8 % for 0.3 s more
LEVEL = 6
#: Regions shorter than this stay plain (the base64 and the wrapper would outweigh the gain).
MIN_PACKED = 512
#: A kind's dictionary: this many bytes from the start of its first pages' regions (deflate
#: looks back 32 KB: a larger dictionary is out of reach of more of a page; 16 KB measured
#: best against 24 and 30)
DICTIONARY_SIZE = 16 * 1024
#: deflate's window: nothing further back can be referred to
WINDOW = 32 * 1024 - 768
#: pages of a kind held back while its dictionary fills (a bound on memory: a kind whose
#: pages pack little is primed with less)
MAX_HELD = 32
#: the line of assets/report.js that carries the dictionaries (name -> base64 prefix)
DICTIONARIES_JS = "window.IAC_PACK_DICTIONARIES = "

_NOSCRIPT = '<noscript><p class="note-box">The rest of this page needs JavaScript.</p></noscript>'
_PACKED = re.compile(
    r'(?:<noscript>.*?</noscript>)?<script type="application/octet-stream" '
    r'data-packed(?:="([\w-]*)")?>([A-Za-z0-9+/=]*)</script>',
    re.DOTALL,
)


def regions(html: str) -> list[tuple[int, int]]:
    """(start, end) of every region's markup in ``html``, markers excluded. Autoescaped text
    never holds ``<!--``, so only a template's markers can open a region."""
    out: list[tuple[int, int]] = []
    start = html.find(PACK_START)
    while start >= 0:
        end = html.find(PACK_END, start)
        if end < 0:
            raise ValueError(f"unclosed {PACK_START} at character {start}")
        out.append((start + len(PACK_START), end))
        start = html.find(PACK_START, end + len(PACK_END))
    return out


class _Deflater(Protocol):
    """A deflate stream being written (zlib-ng's compressor; its type stubs leave ``copy``
    out, which the module has, as the standard library's does)."""

    def compress(self, data: bytes, /) -> bytes: ...
    def flush(self, mode: int = ..., /) -> bytes: ...
    def copy(self) -> _Deflater: ...


def _deflater(level: int) -> _Deflater:
    return cast(_Deflater, zlib_ng.compressobj(level))


@dataclass
class _Kind:
    """One kind of page: its dictionary while it is sampled, then its primed compressor."""

    sample: bytearray = field(default_factory=bytearray)
    held: list[tuple[Path, str]] = field(default_factory=list)
    primed: _Deflater | None = None
    prefix: bytes = b""


class SitePacker:
    """Packs and writes the pages of one site. ``write`` a page with its kind (pages of a kind
    share a dictionary; ``None``: a page of its own, packed without one), then ``finish``:
    it returns the dictionaries (name -> prefix) for report.js. The first pages of a kind are
    held in memory until its dictionary is full (usually one page; at most ``MAX_HELD``, then
    the dictionary is what they gave), never the whole site."""

    def __init__(self, level: int = LEVEL) -> None:
        self.level = level
        self._kinds: dict[str, _Kind] = {}

    def write(self, path: Path, html: str, kind: str | None) -> None:
        if kind is None:
            path.write_text(self.pack(html, None), encoding="utf-8")
            return
        state = self._kinds.setdefault(kind, _Kind())
        if state.primed is not None:
            path.write_text(self.pack(html, kind), encoding="utf-8")
            return
        for start, end in regions(html):
            if end - start >= MIN_PACKED and len(state.sample) < DICTIONARY_SIZE:
                room = DICTIONARY_SIZE - len(state.sample)
                state.sample += html[start:end].encode("utf-8")[:room]
        state.held.append((path, html))
        if len(state.sample) >= DICTIONARY_SIZE or len(state.held) >= MAX_HELD:
            self._prime(kind, state)

    def prime(self, kind: str, samples: Sequence[str], size: int = DICTIONARY_SIZE) -> None:
        """Give ``kind`` its dictionary now, from the regions of ``samples`` (pages of that
        kind, rendered for the purpose: spread over the run they sample it better than its
        first pages): an equal share of ``size`` bytes (at most 32 KB, deflate's window)
        from each. Small pages (file views) gain from a dictionary as large as the window;
        a long page reaches back to only the last part of it."""
        state = self._kinds.setdefault(kind, _Kind())
        if state.primed is not None or not samples:
            return
        share = min(size, WINDOW) // len(samples)
        for html in samples:
            taken = b"".join(
                html[start:end].encode("utf-8")
                for start, end in regions(html)
                if end - start >= MIN_PACKED
            )
            state.sample += taken[:share]
        self._prime(kind, state)

    def _prime(self, kind: str, state: _Kind) -> None:
        compressor = _deflater(self.level)
        state.prefix = compressor.compress(bytes(state.sample)) + compressor.flush(
            zlib_ng.Z_SYNC_FLUSH
        )
        state.primed = compressor
        held, state.held = state.held, []
        for path, html in held:
            path.write_text(self.pack(html, kind), encoding="utf-8")

    def finish(self) -> dict[str, bytes]:
        """Write the pages still held; the dictionaries used (name -> zlib prefix)."""
        for kind, state in self._kinds.items():
            if state.primed is None:
                self._prime(kind, state)
        return {kind: state.prefix for kind, state in self._kinds.items() if state.sample}

    def pack(self, html: str, kind: str | None) -> str:
        """``html`` with every region deflated (primed with ``kind``'s dictionary once it has
        one) and base64-encoded; regions under ``MIN_PACKED`` characters only lose their
        markers."""
        spans = regions(html)
        if not spans:
            return html
        state = self._kinds.get(kind) if kind is not None else None
        primed = state.primed if state is not None and state.sample else None
        attribute = f'data-packed="{kind}"' if primed is not None else "data-packed"
        parts: list[str] = []
        position = 0
        noted = False
        for start, end in spans:
            parts.append(html[position : start - len(PACK_START)])
            region = html[start:end]
            if len(region) < MIN_PACKED:
                parts.append(region)
            else:
                compressor = primed.copy() if primed is not None else _deflater(self.level)
                data = compressor.compress(region.encode("utf-8")) + compressor.flush()
                if not noted:
                    parts.append(_NOSCRIPT)
                    noted = True
                encoded = base64.b64encode(data).decode("ascii")
                parts.append(
                    f'<script type="application/octet-stream" {attribute}>{encoded}</script>'
                )
            position = end + len(PACK_END)
        parts.append(html[position:])
        return "".join(parts)


def pack_regions(html: str, level: int = LEVEL) -> str:
    """``html`` with its regions packed without a dictionary (a page on its own)."""
    return SitePacker(level).pack(html, None)


def dictionaries_js(dictionaries: Mapping[str, bytes]) -> str:
    """The line of assets/report.js that hands the dictionaries to the inflater: name ->
    [base64 prefix, the number of bytes it inflates to (dropped after inflating)]."""
    encoded = {
        k: [base64.b64encode(v).decode("ascii"), len(zlib.decompressobj().decompress(v))]
        for k, v in sorted(dictionaries.items())
    }
    return f"{DICTIONARIES_JS}{json.dumps(encoded, separators=(',', ':'))};\n"


def site_dictionaries(site: Path) -> dict[str, bytes]:
    """The dictionaries of the site in ``site`` (read back from its assets/report.js)."""
    script = (site / "assets" / "report.js").read_text(encoding="utf-8")
    for line in script.splitlines():
        if line.startswith(DICTIONARIES_JS):
            data: dict[str, list[str]] = json.loads(line[len(DICTIONARIES_JS) :].rstrip(";"))
            return {k: base64.b64decode(v[0]) for k, v in data.items()}
    return {}


def unpack_html(html: str, dictionaries: Mapping[str, bytes] | None = None) -> str:
    """The page as the browser shows it once report.js has inflated its packed regions (the
    ``<noscript>`` line dropped with them); ``dictionaries`` as ``site_dictionaries`` gives."""

    def inflate(match: re.Match[str]) -> str:
        kind, data = match.group(1), base64.b64decode(match.group(2))
        prefix = (dictionaries or {}).get(kind, b"") if kind else b""
        if kind and not prefix:
            raise ValueError(f"a region packed with dictionary {kind!r}, which is not given")
        skip = len(zlib.decompressobj().decompress(prefix)) if prefix else 0
        return zlib.decompressobj().decompress(prefix + data)[skip:].decode("utf-8")

    return _PACKED.sub(inflate, html)
