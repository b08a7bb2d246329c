"""Small HTML inspection helpers for the report tests (stdlib parser, no browser)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

from harness.report.pack import site_dictionaries, unpack_html


@dataclass
class Page:
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)  # href values of <a> and <link>
    sources: list[str] = field(default_factory=list)  # src values
    tags: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    #: the raw text of a file view (``<pre class="... file-view">``), which report.js cuts
    #: into ``#L<n>`` lines in the browser
    file_view: str | None = None
    #: (first, last) response lines of each folded run of code on a text page; report.js
    #: brings a link to ``#R<n>`` inside one to its row
    folded: list[tuple[int, int]] = field(default_factory=list)

    def has_anchor(self, fragment: str) -> bool:
        """An id in the page, or a line the browser builds in its file view."""
        if fragment in self.ids:
            return True
        if self.file_view is not None and fragment[:1] == "L" and fragment[1:].isdigit():
            return 1 <= int(fragment[1:]) <= len(self.file_lines)
        if fragment[:1] == "R" and fragment[1:].isdigit():
            line = int(fragment[1:])
            return any(first <= line <= last for first, last in self.folded)
        return False

    @property
    def file_lines(self) -> list[str]:
        """The file view's lines as report.js numbers them: the browser drops the newline
        that follows ``<pre>``, and a final newline opens no line."""
        text = (self.file_view or "").replace("\r", "")
        text = text[1:] if text.startswith("\n") else text
        return (text[:-1] if text.endswith("\n") else text).split("\n")


class _Collector(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self._in_file_view = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.page.tags.append((tag, values))
        if values.get("id"):
            self.page.ids.add(values["id"] or "")
        if tag in ("a", "link") and values.get("href") is not None:
            self.page.links.append(values["href"] or "")
        if values.get("src") is not None:
            self.page.sources.append(values["src"] or "")
        if values.get("data-from") and values.get("data-to"):
            self.page.folded.append((int(values["data-from"] or 0), int(values["data-to"] or 0)))
        if tag == "pre" and "file-view" in (values.get("class") or "").split():
            self._in_file_view = True
            self.page.file_view = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._in_file_view = False

    def handle_data(self, data: str) -> None:
        if self._in_file_view:
            self.page.file_view = (self.page.file_view or "") + data


def page_text(path: Path) -> str:
    """A page's markup as the browser shows it: its packed regions inflated (with its site's
    dictionaries, from the nearest folder up that has ``assets/report.js``)."""
    site = next((p for p in path.resolve().parents if (p / "assets" / "report.js").is_file()), None)
    dictionaries = site_dictionaries(site) if site is not None else {}
    return unpack_html(path.read_text(encoding="utf-8"), dictionaries)


def parse(path: Path) -> Page:
    page = Page()
    _Collector(page).feed(page_text(path))
    return page


def resolve(base: Path, href: str) -> tuple[Path, str]:
    """The file and fragment a relative link points to."""
    target, _, fragment = href.partition("#")
    file = (base.parent / unquote(target)).resolve() if target else base.resolve()
    return file, unquote(fragment)
