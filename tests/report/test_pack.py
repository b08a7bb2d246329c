"""Packed page regions: deflated, base64 in an inert element, and back."""

from __future__ import annotations

from pathlib import Path

import pytest
from markupsafe import escape

from harness.report.pack import MIN_PACKED, PACK_END, PACK_START, pack_regions, unpack_html
from tests.report.htmlcheck import page_text

BIG = "".join(
    f'<li class="finding f-fail"><span class="msg">finding {i}</span></li>' for i in range(200)
)


def _page(*regions: str) -> str:
    body = "".join(f"<p>plain {i}</p>{PACK_START}{r}{PACK_END}" for i, r in enumerate(regions))
    return f"<!doctype html><html><body><h1>Summary</h1>{body}<footer>end</footer></body></html>"


def test_a_region_is_packed_and_unpacks_to_the_same_markup() -> None:
    page = _page(f"<ul>{BIG}</ul>", f"<table><tr><td>{BIG}</td></tr></table>")
    packed = pack_regions(page)
    assert packed.count('<script type="application/octet-stream" data-packed>') == 2
    assert "finding 199" not in packed and len(packed) < len(page) / 4
    assert "<h1>Summary</h1>" in packed and "<p>plain 1</p>" in packed  # the rest stays
    assert packed.count("<noscript>") == 1  # one line per page says what needs JavaScript
    assert unpack_html(packed) == page.replace(PACK_START, "").replace(PACK_END, "")


def test_packing_is_deterministic() -> None:
    page = _page(f"<ul>{BIG}</ul>")
    assert pack_regions(page) == pack_regions(page)


def test_a_small_region_stays_plain() -> None:
    small = "<p>" + "x" * (MIN_PACKED // 2) + "</p>"
    packed = pack_regions(_page(small))
    assert small in packed and "data-packed" not in packed and PACK_START not in packed


def test_response_text_cannot_open_or_close_a_region() -> None:
    """Autoescaped text never holds ``<!--``: a response that writes the markers is text."""
    hostile = str(escape(f"{PACK_END}<script>alert(1)</script>{PACK_START}"))
    page = _page(f"<ul>{BIG}<li>{hostile}</li></ul>")
    packed = pack_regions(page)
    assert packed.count("data-packed>") == 1
    inflated = unpack_html(packed)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in inflated and "<script>alert" not in inflated


def test_an_unclosed_region_is_an_error() -> None:
    with pytest.raises(ValueError, match="unclosed"):
        pack_regions(f"<p>{PACK_START}{BIG}</p>")


def test_built_pages_are_packed_and_the_same_run_gives_the_same_bytes(
    synthetic_dir: Path, tmp_path: Path
) -> None:
    from harness.report.html import build_html
    from harness.report.model import ReportModel
    from harness.store import load_run

    site = synthetic_dir / "report"
    response = site / "r" / "tf-100" / "MODEL_RESPONSE" / "index.html"
    raw = response.read_text(encoding="utf-8")
    assert "data-packed" in raw and 'id="crit-list"' not in raw
    assert 'id="crit-list"' in page_text(response)
    again = build_html(ReportModel(load_run(synthetic_dir)), tmp_path / "again").parent
    for page in site.rglob("*.html"):
        assert (again / page.relative_to(site)).read_bytes() == page.read_bytes(), page


def test_pages_of_a_kind_share_a_dictionary_and_unpack_with_it(tmp_path: Path) -> None:
    from harness.report.pack import MAX_HELD, SitePacker, dictionaries_js

    pages = [_page(f"<ul>{BIG}<li>page {n}</li></ul>") for n in range(5)]
    packer = SitePacker()
    for n, page in enumerate(pages):
        packer.write(tmp_path / f"{n}.html", page, "response")
    dictionaries = packer.finish()
    assert set(dictionaries) == {"response"}
    primed = [(tmp_path / f"{n}.html").read_text(encoding="utf-8") for n in range(5)]
    assert all('data-packed="response"' in p for p in primed)
    # a page that repeats the dictionary costs a fraction of one packed on its own
    assert len(primed[4]) < len(pack_regions(pages[4])) / 2
    for page, packed in zip(pages, primed, strict=True):
        assert unpack_html(packed, dictionaries) == page.replace(PACK_START, "").replace(
            PACK_END, ""
        )
    with pytest.raises(ValueError, match="dictionary"):
        unpack_html(primed[0])
    assert dictionaries_js(dictionaries).startswith("window.IAC_PACK_DICTIONARIES = {")
    # a kind whose pages pack too little to fill a dictionary holds at most MAX_HELD pages
    small = SitePacker()
    for n in range(MAX_HELD + 3):
        small.write(tmp_path / f"s{n}.html", _page("<p>" + "y" * MIN_PACKED + "</p>"), "text")
    assert len(list(tmp_path.glob("s*.html"))) >= 3
    small.finish()
    assert len(list(tmp_path.glob("s*.html"))) == MAX_HELD + 3


def test_the_site_dictionaries_are_in_its_script(synthetic_dir: Path) -> None:
    from harness.report.pack import site_dictionaries

    site = synthetic_dir / "report"
    dictionaries = site_dictionaries(site)
    assert {"response", "text", "task"} <= set(dictionaries)
    script = (site / "assets" / "report.js").read_text(encoding="utf-8")
    assert script.startswith("window.IAC_PACK_DICTIONARIES = ")  # read by the code after it
