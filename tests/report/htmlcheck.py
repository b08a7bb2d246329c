"""Small HTML inspection helpers for the report tests (stdlib parser, no browser)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote


@dataclass
class Page:
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)  # href values of <a> and <link>
    sources: list[str] = field(default_factory=list)  # src values
    tags: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)


class _Collector(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.page.tags.append((tag, values))
        if values.get("id"):
            self.page.ids.add(values["id"] or "")
        if tag in ("a", "link") and values.get("href") is not None:
            self.page.links.append(values["href"] or "")
        if values.get("src") is not None:
            self.page.sources.append(values["src"] or "")


def parse(path: Path) -> Page:
    page = Page()
    _Collector(page).feed(path.read_text(encoding="utf-8"))
    return page


def resolve(base: Path, href: str) -> tuple[Path, str]:
    """The file and fragment a relative link points to."""
    target, _, fragment = href.partition("#")
    file = (base.parent / unquote(target)).resolve() if target else base.resolve()
    return file, unquote(fragment)
