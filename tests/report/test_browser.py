"""The HTML report in headless Chromium, loaded from file:// like a reviewer would.

Screenshots land in each test's tmp dir (pytest prints it on failure)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.report.naming import slug
from tests.report.htmlcheck import page_text, parse
from tests.report.synthetic import (
    HOSTILE_RESPONSE,
    HOSTILE_TASK,
    XSS_IMG,
    XSS_LINK,
    XSS_SCRIPT,
    synthetic_run,
)

pytestmark = pytest.mark.browser


class Console:
    """Console errors and uncaught page errors of one page."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(60_000)  # CI machines are shared and can be slow
    page = context.new_page()
    page.console = Console(page)  # type: ignore[attr-defined]
    yield page
    context.close()


def _ready(page: Any) -> None:
    """Wait for the page to load and report.js to finish: packed regions inflated, file
    views built, filters set (it marks ``<html data-ready>``)."""
    page.wait_for_load_state("load")
    page.wait_for_selector("html[data-ready]", state="attached")
    assert page.evaluate("() => document.documentElement.dataset.ready") == ""


def _open(page: Any, path: Path) -> None:
    page.goto(path.resolve().as_uri())
    _ready(page)


def _visible_rows(page: Any, table: str) -> int:
    return int(page.locator(f"#{table} tbody tr:visible").count())


def test_index_leaderboard_sorts_and_filters(
    page: Any, synthetic_dir: Path, tmp_path: Path
) -> None:
    run = synthetic_run()
    _open(page, synthetic_dir / "report" / "index.html")
    page.screenshot(path=str(tmp_path / "index.png"), full_page=True)
    assert page.console.errors == []
    rows = page.locator("#lb tbody tr")
    assert rows.count() == len(run.responses)
    shown = rows.all_inner_texts()
    for result in run.responses:
        assert any(result.response_id in text for text in shown), result.response_id

    def overall_column() -> list[str]:
        return [
            v or ""
            for v in page.eval_on_selector_all(
                "#lb tbody tr", "rows => rows.map(r => r.cells[4].dataset.v)"
            )
        ]

    before = overall_column()
    page.locator("#lb thead th", has_text="Overall").locator("button").click()
    best_first = overall_column()
    scores = [float(v) for v in best_first if v]
    assert best_first != before and scores == sorted(scores, reverse=True)
    assert best_first[-1] == ""  # unscored responses stay last
    page.locator("#lb thead th", has_text="Overall").locator("button").click()
    worst_first = [float(v) for v in overall_column() if v]
    assert worst_first == sorted(worst_first)

    page.locator('.filters[data-for="lb"] input[data-filter="text"]').fill("tf-200")
    assert _visible_rows(page, "lb") == sum(r.task_id == "tf-200" for r in run.responses)
    page.locator('.filters[data-for="lb"] input[data-filter="text"]').fill("")
    page.locator('.filters[data-for="lb"] select[data-filter="kind"]').select_option("ideal")
    assert _visible_rows(page, "lb") == sum(r.is_ideal for r in run.responses)
    assert "of 8 rows" in page.locator('.filters[data-for="lb"] .count').inner_text()
    page.locator('.filters[data-for="lb"] select[data-filter="kind"]').select_option("")
    page.locator('.filters[data-for="hm"] select[data-filter="task"]').select_option("tf-100")
    assert _visible_rows(page, "hm") == sum(r.task_id == "tf-100" for r in run.responses)
    assert page.console.errors == []


def test_evidence_link_scrolls_to_the_line(page: Any, synthetic_dir: Path, tmp_path: Path) -> None:
    _open(page, synthetic_dir / "report" / "r" / "tf-100" / "MODEL_RESPONSE" / "index.html")
    page.screenshot(path=str(tmp_path / "response.png"), full_page=True)
    assert page.console.errors == []
    link = page.locator("#c-security\\.iam_least_privilege a.loc").first
    assert link.inner_text() == "main.tf:12"
    link.click()
    _ready(page)
    assert page.url.endswith("#L12")
    target = page.locator("#L12")
    assert "Statement" in target.inner_text()
    box = page.evaluate(
        "() => { const r = document.getElementById('L12').getBoundingClientRect();"
        " return [r.top, r.bottom, window.innerHeight]; }"
    )
    assert box[0] >= 0 and box[1] <= box[2], box
    assert page.evaluate("() => document.querySelector(':target').id") == "L12"
    page.screenshot(path=str(tmp_path / "file-view.png"))
    assert page.console.errors == []

    page.go_back()
    page.locator("#c-tone\\.professional a.rline").first.click()
    _ready(page)
    assert page.url.endswith("#R3")
    assert "totally awesome" in page.locator("#R3 mark").first.inner_text()


@pytest.mark.parametrize(
    "relative",
    [
        "index.html",
        f"tasks/{slug(HOSTILE_TASK)}.html",
        f"r/{slug(HOSTILE_TASK)}/{slug(HOSTILE_RESPONSE)}/index.html",
        f"r/{slug(HOSTILE_TASK)}/{slug(HOSTILE_RESPONSE)}/text.html",
    ],
)
def test_planted_payloads_never_run_and_show_as_text(
    page: Any, synthetic_dir: Path, tmp_path: Path, relative: str
) -> None:
    # the page ships its details packed: the payloads are checked after inflation
    assert "data-packed" in (synthetic_dir / "report" / relative).read_text(encoding="utf-8")
    _open(page, synthetic_dir / "report" / relative)
    assert page.locator("script[data-packed]").count() == 0
    page.wait_for_timeout(100)
    page.screenshot(path=str(tmp_path / "hostile.png"), full_page=True)
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert page.console.errors == []  # an injected script would at least trip the CSP
    text = page.evaluate("() => document.body.innerText")
    assert XSS_SCRIPT in text or "window.__pwned=1" in text
    assert page.locator('img[src="x"]').count() == 0
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")]
    if relative.endswith("text.html"):
        assert XSS_LINK in text and XSS_IMG in text


def test_hostile_file_view_shows_code_as_text(page: Any, synthetic_dir: Path) -> None:
    folder = synthetic_dir / "report" / "src"
    evil = next(
        p
        for p in folder.iterdir()
        if re.search(r"file-view[^>]*>\n[^\n]*&lt;script&gt;", page_text(p))
    )
    _open(page, evil)
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert XSS_SCRIPT in page.locator("#L1").inner_text()
    assert page.console.errors == []


def test_page_reads_without_javascript(browser: Any, synthetic_dir: Path) -> None:
    """Without JavaScript a page still says what was scored and how it scored; the packed
    details are replaced by a line saying they need JavaScript."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    site = synthetic_dir / "report"
    page.goto((site / "index.html").resolve().as_uri())
    assert "Scoring run" in page.locator("h1").inner_text()
    facts = page.locator("section.facts").inner_text()
    assert f"Responses\n{len(synthetic_run().responses)}" in facts
    assert not page.locator('.filters[data-for="lb"]').is_visible()  # controls need JS
    assert "needs JavaScript" in page.locator("noscript").first.inner_text()
    assert page.locator("#lb").count() == 0  # packed
    # a response page: its overall score and every category's score
    response = site / "r" / "tf-100" / "MODEL_RESPONSE" / "index.html"
    page.goto(response.resolve().as_uri())
    run = synthetic_run()
    result = next(
        r for r in run.responses if (r.task_id, r.response_id) == ("tf-100", "MODEL_RESPONSE")
    )
    summary = page.locator("main").inner_text()
    assert f"Overall {result.overall:.1f} / 100" in summary
    for category in run.info.rubric.categories:
        assert category.title in summary
    assert "needs JavaScript" in summary
    assert page.locator(".scorecard").count() == 0  # the full score card is packed
    # a file page: its path, then its text (too small to pack) or the line saying why not
    for source in sorted((site / "src").iterdir()):
        page.goto(source.resolve().as_uri())
        assert page.locator("h1 code").first.is_visible()
        if "data-packed" in source.read_text(encoding="utf-8"):
            assert page.locator("noscript").first.is_visible()
        else:
            shown = page.locator("pre.file-view").inner_text()
            assert shown.rstrip("\n").split("\n") == parse(source).file_lines
    context.close()


def test_dark_scheme_is_dark(browser: Any, synthetic_dir: Path, tmp_path: Path) -> None:
    context = browser.new_context(color_scheme="dark", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    _open(page, synthetic_dir / "report" / "r" / "tf-100" / "MODEL_RESPONSE" / "index.html")
    page.screenshot(path=str(tmp_path / "response-dark.png"), full_page=True)
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    channels = [int(c) for c in background[background.index("(") + 1 : -1].split(",")[:3]]
    assert sum(channels) < 120, background
    context.close()


def test_sample_run_pages_load_cleanly(page: Any, sample_dir: Path, tmp_path: Path) -> None:
    site = sample_dir / "report"
    _open(page, site / "index.html")
    page.screenshot(path=str(tmp_path / "sample-index.png"), full_page=True)
    assert page.console.errors == []
    responses = len((sample_dir / "responses.jsonl").read_text(encoding="utf-8").splitlines())
    assert page.locator("#lb tbody tr").count() == responses
    first = page.locator("#lb tbody tr a[href^='r/']").first
    first.click()
    _ready(page)
    page.screenshot(path=str(tmp_path / "sample-response.png"), full_page=True)
    assert page.console.errors == []
    assert page.locator("article.criterion").count() > 20


def test_response_page_shows_problems_by_default_and_a_link_reveals_the_rest(
    page: Any, synthetic_dir: Path
) -> None:
    response = synthetic_dir / "report" / "r" / "tf-100" / "MODEL_RESPONSE" / "index.html"
    _open(page, response)
    shown = page.eval_on_selector_all(
        "#crit-list article:not([hidden])", "els => els.map(e => e.dataset.status)"
    )
    assert shown and set(shown) <= {"fail", "partial", "error"}
    passing = page.eval_on_selector_all(
        "#crit-list article[data-status=pass]", "els => els.map(e => e.id)"
    )
    assert passing
    page.select_option("#criteria .filters select[data-filter=status]", "")
    assert (
        page.locator("#crit-list article:visible").count()
        == page.locator("#crit-list article").count()
    )
    # a link (the heatmap's) to a passing criterion opens it even though the filter hides it
    page.goto("about:blank")
    page.goto(response.resolve().as_uri() + "#" + passing[0])
    _ready(page)
    assert page.locator(f"[id='{passing[0]}']").is_visible()
    # the criterion was inflated after the browser looked for it: still the target, in view
    assert page.evaluate("() => document.querySelector(':target').id") == passing[0]
    top = page.evaluate(
        f"() => document.getElementById('{passing[0]}').getBoundingClientRect().top"
    )
    assert 0 <= top < page.viewport_size["height"], top
    assert page.evaluate(
        f"() => document.getElementById('{passing[0]}').querySelector('details.folded').open"
    )
    assert page.console.errors == []


def test_leaderboard_fits_1400_px_without_horizontal_scrolling(
    browser: Any, sample_dir: Path, tmp_path: Path
) -> None:
    """Every column of the leaderboard (all categories of the shipped rubric) is in view at
    1,400 px: nothing hides behind a scrollbar."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    _open(page, sample_dir / "report" / "index.html")
    box = page.evaluate(
        "() => { const t = document.getElementById('lb'); const s = t.closest('.scroll');"
        " return [s.scrollWidth, s.clientWidth, t.getBoundingClientRect().right,"
        " document.documentElement.scrollWidth, t.tHead.rows[0].cells.length]; }"
    )
    page.locator("#leaderboard").screenshot(path=str(tmp_path / "leaderboard-1400.png"))
    scroll_width, client_width, right, page_width, columns = box
    assert columns >= 20  # ranks, overall, every category, gates, statuses, diagnostics
    assert scroll_width <= client_width, box
    assert right <= 1400 and page_width <= 1400, box
    context.close()


def test_file_view_is_highlighted_in_the_browser_from_text(page: Any, synthetic_dir: Path) -> None:
    """report.js cuts the shipped text into numbered lines and wraps tokens in spans; the
    line count and every character are kept, and a planted script stays text."""
    folder = synthetic_dir / "report" / "src"
    for path in sorted(folder.iterdir()):
        shipped = parse(path).file_lines
        _open(page, path)
        lines = page.eval_on_selector_all(
            ".file-view .line",
            "rows => rows.map(r => [r.id, r.querySelector('.code').textContent])",
        )
        assert [text for _, text in lines] == shipped, path
        assert [i for i, _ in lines] == [f"L{n}" for n in range(1, len(shipped) + 1)]
        assert page.locator(".file-view script, .file-view img").count() == 0
        assert page.evaluate("() => typeof window.__pwned") == "undefined"
        assert page.console.errors == []
    hcl = next(p for p in sorted(folder.iterdir()) if 'data-lang="hcl"' in page_text(p))
    _open(page, hcl)
    spans = page.eval_on_selector_all(".file-view .code span", "s => s.map(e => e.className)")
    classes = set(spans)
    assert {"k", "na", "s2"} <= classes, classes  # resource, attribute, string
    evil = next(p for p in sorted(folder.iterdir()) if XSS_SCRIPT in (parse(p).file_view or ""))
    _open(page, evil)
    text = page.locator(".file-view").inner_text()
    assert XSS_SCRIPT in text
    assert page.locator("script").count() == 1  # report.js only


def test_evidence_snippets_are_numbered_and_highlighted(page: Any, synthetic_dir: Path) -> None:
    _open(page, synthetic_dir / "report" / "r" / "tf-100" / "MODEL_RESPONSE" / "index.html")
    snippet = page.locator("#c-security\\.iam_least_privilege pre.snippet").first
    first = snippet.get_attribute("data-first")
    numbers = snippet.locator(".ln").all_inner_texts()
    assert first is not None and numbers[0] == first
    assert numbers == [str(int(first) + i) for i in range(len(numbers))]
    assert snippet.locator("span:not(.ln)").count() > 0
    assert "Statement" in snippet.inner_text()
    assert page.console.errors == []


def test_link_into_folded_code_lands_on_its_row(page: Any, synthetic_dir: Path) -> None:
    """Code lines of the response text are one folded row; report.js brings a link to any
    line inside it (evidence's "response line N") to that row."""
    text = synthetic_dir / "report" / "r" / "tf-100" / "MODEL_RESPONSE" / "text.html"
    first, last = next((a, b) for a, b in parse(text).folded if b > a)
    inside = (first + last + 1) // 2
    page.goto(f"{text.resolve().as_uri()}#R{inside}")
    _ready(page)
    row = page.locator(f"#R{first}")
    assert "hit" in (row.get_attribute("class") or "").split()
    assert page.locator(".folded.hit").count() == 1
    box = page.evaluate(
        f"() => {{ const r = document.getElementById('R{first}').getBoundingClientRect();"
        " return [r.top, r.bottom, window.innerHeight]; }"
    )
    assert box[0] >= 0 and box[1] <= box[2], box
    page.goto(f"{text.resolve().as_uri()}#R{first - 1}")  # a prose line: its own anchor
    assert page.locator(".folded.hit").count() == 0
    assert page.console.errors == []


def test_task_page_cell_shows_its_whole_message_on_hover(page: Any, synthetic_dir: Path) -> None:
    """A comparison cell clamps its message to three lines and shows all of it on hover
    (the message is on the page once, not copied into a tooltip)."""
    _open(page, synthetic_dir / "report" / "tasks" / "tf-100.html")
    cell = page.locator("td.cmp-cell").filter(has=page.locator(".clamp")).first
    clamp = cell.locator(".clamp")

    def lines() -> str:
        return str(clamp.evaluate("e => getComputedStyle(e).webkitLineClamp"))

    assert lines() == "3"
    assert cell.get_attribute("title") is None
    cell.hover()
    assert lines() != "3"
    assert page.console.errors == []


def test_highlighter_is_linear_on_hostile_text(page: Any, tmp_path: Path) -> None:
    """Texts built to make a regex rescan from every position (unclosed heredocs, runs a
    YAML key's lookahead would re-read) highlight in one pass: the page loads and every
    line is there, not minutes later."""
    import shutil
    from importlib import resources

    from markupsafe import escape

    assets = tmp_path / "assets"
    assets.mkdir()
    shutil.copy(str(resources.files("harness.report") / "static" / "report.js"), assets)
    texts = {
        "hcl": "x = <<EOF\n" * 15_000,
        "yaml": "-" * 150_000 + "\n" + "- " * 75_000 + "\n" + "a/" * 75_000,
        "json": '"k"' + " " * 150_000,
        "python": '"""' + "x\n" * 60_000,
    }
    views = "".join(
        f'<pre class="source hl file-view" data-lang="{lang}">\n{escape(text)}</pre>'
        for lang, text in texts.items()
    )
    html = tmp_path / "hostile.html"
    html.write_text(
        f'<!doctype html><meta charset="utf-8"><script src="assets/report.js" defer></script>'
        f"{views}",
        encoding="utf-8",
    )
    page.set_default_timeout(30_000)
    _open(page, html)
    counts = page.eval_on_selector_all("div.file-view", "vs => vs.map(v => v.children.length)")
    lines = [text.count("\n") + (0 if text.endswith("\n") else 1) for text in texts.values()]
    assert counts == lines
    assert page.console.errors == []


def test_a_browser_that_cannot_unpack_says_so(browser: Any, synthetic_dir: Path) -> None:
    """Without DecompressionStream the packed part cannot be shown: the page says why."""
    context = browser.new_context()
    context.add_init_script("delete window.DecompressionStream;")
    page = context.new_page()
    page.goto((synthetic_dir / "report" / "index.html").resolve().as_uri())
    page.wait_for_selector("html[data-ready]", state="attached")
    assert page.evaluate("() => document.documentElement.dataset.ready") == "failed"
    assert "could not unpack" in page.locator("p.error-box").first.inner_text()
    assert "Scoring run" in page.locator("h1").inner_text()  # the plain part is still there
    context.close()
