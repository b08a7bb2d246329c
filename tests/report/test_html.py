"""The HTML site built from a run folder: complete, linked, escaped and offline."""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import escape

from harness.report import build_reports
from harness.report.model import source_key
from harness.report.naming import slug
from tests.report.htmlcheck import page_text, parse, resolve
from tests.report.synthetic import (
    HOSTILE_RESPONSE,
    HOSTILE_TASK,
    XSS_IMG,
    XSS_SCRIPT,
    synthetic_run,
)

SAFE_NAME = re.compile(r"^[A-Za-z0-9._+-]+$")


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_is_written(synthetic_dir: Path) -> None:
    site = synthetic_dir / "report"
    run = synthetic_run()
    assert (site / "index.html").is_file()
    for asset in ("report.css", "report.js"):
        assert (site / "assets" / asset).is_file()
    response_pages = list(site.glob("r/*/*/index.html"))
    assert len(response_pages) == len(run.responses)
    assert len(list(site.glob("r/*/*/text.html"))) == len(run.responses)
    assert len(list(site.glob("tasks/*.html"))) == len({r.task_id for r in run.responses})
    distinct = {source_key(f) for r in run.responses if r.tree is not None for f in r.tree.files}
    assert len(list(site.glob("src/*.html"))) == len(distinct)
    assert not list(site.glob("r/*/*/files"))


def test_identical_files_share_one_page_listing_every_response_with_them(
    synthetic_dir: Path,
) -> None:
    """The synthetic run's follow-up carries its first turn's files over unchanged: one page
    per content, linked from both responses, naming both."""
    run = synthetic_run()
    holders: dict[str, list[str]] = {}
    for r in run.responses:
        for f in r.tree.files if r.tree is not None else ():
            holders.setdefault(source_key(f), []).append(f"{r.task_id} / {r.response_id}")
    shared = {k: v for k, v in holders.items() if len(v) > 1}
    assert shared  # the fixture must exercise the dedupe
    site = synthetic_dir / "report"
    for key, names in shared.items():
        text = page_text(site / "src" / f"{key}.html")
        assert f"the same content in {len(names)} responses" in text
        for name in names:
            assert str(escape(name)) in text


def test_page_names_are_safe_and_inside_the_site(synthetic_dir: Path) -> None:
    site = (synthetic_dir / "report").resolve()
    for path in site.rglob("*"):
        assert path.resolve().is_relative_to(site)
        assert SAFE_NAME.match(path.name), path.name
    assert (site / "r" / slug(HOSTILE_TASK) / slug(HOSTILE_RESPONSE) / "index.html").is_file()


def test_every_link_and_anchor_resolves(synthetic_dir: Path) -> None:
    site = synthetic_dir / "report"
    parsed = {p.resolve(): parse(p) for p in _pages(site)}
    checked = 0
    for path, page in parsed.items():
        for href in page.links:
            assert not re.match(r"^\s*[a-z][a-z0-9+.-]*:", href, re.I), f"{path}: {href}"
            target, fragment = resolve(path, href)
            assert target.exists(), f"{path}: broken link {href}"
            if fragment and target.suffix == ".html":
                assert parsed[target].has_anchor(fragment), f"{path}: no #{fragment} in {target}"
            checked += 1
    assert checked > 200


def test_nothing_is_loaded_from_the_network(synthetic_dir: Path) -> None:
    for path in _pages(synthetic_dir / "report"):
        page = parse(path)
        text = page_text(path)
        assert all(not re.match(r"^\s*(https?:)?//", s) for s in page.sources + page.links)
        assert "Content-Security-Policy" in text
        assert "@import" not in text


def test_hostile_text_is_escaped_everywhere(synthetic_dir: Path) -> None:
    pages = _pages(synthetic_dir / "report")
    seen_escaped = 0
    for path in pages:
        text = page_text(path)
        assert XSS_SCRIPT not in text, path
        assert XSS_IMG not in text, path
        assert "onerror=" not in text.replace("onerror=&#34;", "").replace("onerror=&quot;", ""), (
            path
        )
        assert not re.search(r"href\s*=\s*[\"']?\s*javascript:", text, re.I), path
        seen_escaped += "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in text
        scripts = [t for t, attrs in parse(path).tags if t == "script"]
        assert len(scripts) == 1  # only report.js
        assert not any(t == "img" for t, _ in parse(path).tags)
    assert seen_escaped >= 5  # the payload is shown, as text, on the pages that carry it


def test_evidence_links_to_the_line_in_the_file_view(synthetic_dir: Path) -> None:
    page_path = synthetic_dir / "report" / "r" / "tf-100" / "MODEL_RESPONSE" / "index.html"
    page = parse(page_path)
    shared_page = r"^\.\./\.\./\.\./src/[0-9a-f]{20}\.html#L12$"
    file_links = [h for h in page.links if re.match(shared_page, h)]
    assert file_links, page.links
    target, fragment = resolve(page_path, file_links[0])
    assert fragment == "L12"
    assert "Statement" in parse(target).file_lines[11]
    assert "text.html#R" in page_text(page_path)  # line in the response


def test_tone_hits_are_marked_in_the_response_text(synthetic_dir: Path) -> None:
    text = page_text(synthetic_dir / "report" / "r" / "tf-100" / "MODEL_RESPONSE" / "text.html")
    line = re.search(r'<div class="line k-prose marked tone" id="R3">.*?</div>', text, re.S)
    assert line is not None
    assert "<mark>totally awesome</mark>" in line.group(0)
    assert "tone.professional" in line.group(0)


def test_reference_evidence_sits_beside_the_failed_criterion(synthetic_dir: Path) -> None:
    html = page_text(synthetic_dir / "report" / "r" / "tf-100" / "MODEL_RESPONSE" / "index.html")
    block = re.search(r'id="c-security.iam_least_privilege".*?</article>', html, re.S)
    assert block is not None
    assert "side-by-side" in block.group(0) and "Reference" in block.group(0)
    assert "data.aws_iam_policy_document.app.json" in block.group(0)


def test_comparison_missing_and_extra_are_listed(synthetic_dir: Path) -> None:
    site = synthetic_dir / "report" / "r"
    html = page_text(site / "tf-100" / "MODEL_RESPONSE" / "index.html")
    assert 'id="comparison"' in html
    assert "aws_kms_key.main" in html and "aws_iam_policy.admin" in html
    assert re.search(r"src/[0-9a-f]{20}\.html#L9\b", html)  # extra resource: its line
    without = page_text(site / "tf-100" / "MODEL_RESPONSE2" / "index.html")
    assert 'id="comparison"' not in without


def test_rebuild_replaces_the_site(tmp_path: Path) -> None:
    from harness.store import write_run

    write_run(tmp_path, synthetic_run())
    build_reports(tmp_path, ["html"])
    stale = tmp_path / "report" / "stale.html"
    stale.write_text("old", encoding="utf-8")
    paths = build_reports(tmp_path, ["html"])
    assert paths.html == tmp_path / "report" / "index.html" and paths.html.is_file()
    assert not stale.exists()
    assert paths.xlsx is None and paths.sarif is None
    assert not list(tmp_path.glob(".report*"))


def test_tasks_without_reference_are_listed_on_the_index(tmp_path: Path) -> None:
    from dataclasses import replace

    from harness.store import write_run

    run = synthetic_run()
    flagged = ("tf-100", HOSTILE_TASK, "tf-not-in-run")
    write_run(tmp_path, replace(run, info=replace(run.info, tasks_without_reference=flagged)))
    index = build_reports(tmp_path, ["html"]).html
    assert index is not None
    html = page_text(index)
    section = html[html.index('id="tasks-without-reference"') :]
    section = section[: section.index("</section>")]
    assert "3 tasks without a usable reference" in section
    assert "tf-100" in section and "tf-not-in-run" in section
    assert XSS_IMG not in html and "&lt;img" in section  # the hostile id is escaped
    for href in parse(index).links:
        if href.startswith("tasks/"):
            assert resolve(index, href)[0].exists(), href


def test_no_warning_when_every_task_has_a_reference(synthetic_dir: Path) -> None:
    html = page_text(synthetic_dir / "report" / "index.html")
    assert "tasks-without-reference" not in html


def test_a_prose_only_ideal_is_flagged_in_the_report(tmp_path: Path) -> None:
    from harness.run import score_paths

    task = tmp_path / "in" / "task-prose-ideal"
    task.mkdir(parents=True)
    (task / "PROMPT.md").write_text("Write a bucket.\n")
    (task / "MODEL_RESPONSE.md").write_text(
        '### main.tf\n\n```hcl\nresource "aws_s3_bucket" "b" {}\n```\n'
    )
    (task / "IDEAL_RESPONSE.md").write_text("Use a versioned, encrypted bucket.\n")
    run = score_paths([tmp_path / "in"], "terraform-aws-production", tmp_path / "out")
    assert run.info.tasks_without_reference == ("task-prose-ideal",)
    index = build_reports(tmp_path / "out", ["html"]).html
    assert index is not None
    html = page_text(index)
    assert 'id="tasks-without-reference"' in html
    assert "<code>task-prose-ideal</code></a>" in html


def _articles(html: str) -> list[tuple[str, str, str]]:
    """(id, status, body) of every criterion article in page order."""
    return re.findall(
        r'<article class="criterion[^"]*" id="([^"]+)" data-status="(\w+)">(.*?)</article>',
        html,
        re.S,
    )


def test_problem_criteria_come_first_open_and_the_rest_folded(synthetic_dir: Path) -> None:
    html = page_text(synthetic_dir / "report" / "r" / "tf-100" / "MODEL_RESPONSE" / "index.html")
    assert '<option value="problems" selected>' in html  # the default filter
    for section in re.findall(r'<section class="category".*?</section>', html, re.S):
        statuses = [status for _, status, _ in _articles(section)]
        problems = [s in ("fail", "partial", "error") for s in statuses]
        assert problems == sorted(problems, reverse=True), statuses
    articles = _articles(html)
    assert {s for _, s, _ in articles} >= {"pass", "fail"}
    for _, status, body in articles:
        folded = '<details class="folded">' in body
        assert folded == (status not in ("fail", "partial", "error")), (status, body[:200])


def test_reference_evidence_is_one_list_linking_to_the_ideals_file(synthetic_dir: Path) -> None:
    page_path = synthetic_dir / "report" / "r" / "tf-100" / "MODEL_RESPONSE" / "index.html"
    html = page_text(page_path)
    block = re.search(r'id="c-security.iam_least_privilege".*?</article>', html, re.S)
    assert block is not None
    listed = re.search(r'<ul class="ref-list">.*?</ul>', block.group(0), re.S)
    assert listed is not None
    link = re.search(r'href="([^"]+)">main\.tf:9', listed.group(0))
    assert link is not None, listed.group(0)
    target, fragment = resolve(page_path, link.group(1))
    assert fragment == "L9" and target.is_file()
    ideal = synthetic_dir / "report" / "r" / "tf-100" / "IDEAL_RESPONSE" / "index.html"
    assert link.group(1) in page_text(ideal)  # the ideal's own file page


def test_passing_findings_carry_links_not_snippets(synthetic_dir: Path) -> None:
    for page in (synthetic_dir / "report" / "r").glob("*/*/index.html"):
        html = page_text(page)
        for _, _, body in _articles(html):
            for item in re.findall(r'<li class="finding f-(?:pass|na).*?</li>', body, re.S):
                assert "<pre" not in item


def test_global_rank_orders_model_responses_across_tasks() -> None:
    from harness.report.model import ReportModel

    model = ReportModel(synthetic_run())
    ranked = [r for r in model.rows if r.global_rank is not None]
    assert all(not r.result.is_ideal for r in ranked)
    assert all(r.global_rank is None for r in model.rows if r.result.is_ideal)
    assert {r.result.task_id for r in ranked} != {ranked[0].result.task_id}  # across tasks
    for a in ranked:
        higher = sum(
            1
            for b in ranked
            if b.result.overall is not None
            and a.result.overall is not None
            and b.result.overall > a.result.overall
        )
        assert a.global_rank == 1 + higher


def test_response_text_folds_each_fenced_file_and_keeps_every_line_anchor(
    synthetic_dir: Path,
) -> None:
    run = synthetic_run()
    result = next(r for r in run.responses if r.task_id == "tf-100" and r.tree is not None)
    assert result.tree is not None
    path = synthetic_dir / "report" / "r" / "tf-100" / slug(result.response_id) / "text.html"
    text = page_text(path)
    page = parse(path)
    for file in result.tree.files:
        if file.origin.carried_over:
            continue
        first, lines = file.origin.start_line + 1, file.content.rstrip("\n").count("\n") + 1
        last = first + lines - 1
        for n in range(first, first + lines):
            assert page.has_anchor(f"R{n}")  # links to any response line still land
        assert (
            f'id="R{first}" data-from="{first}" data-to="{last}">'
            f'<a class="ln" href="#R{first}">{first}–{last}</a>'
        ) in text
        assert f'<div class="line k-code" id="R{first + 1}"' not in text  # not line by line


def test_many_failing_findings_fold_into_one_line_each_and_none_is_lost(tmp_path: Path) -> None:
    """Past MAX_FULL_PROBLEMS a criterion's failing findings are one line each (folded), and
    passing ones are counted past MAX_OTHER_FINDINGS: every failure still shows on the page."""
    from dataclasses import replace

    from harness.checks.types import Evidence, Finding, Status
    from harness.report.views import MAX_FULL_PROBLEMS, MAX_OTHER_FINDINGS
    from harness.store import write_run

    run = synthetic_run()
    target = next(r for r in run.responses if r.task_id == "tf-100" and not r.is_ideal)
    crit = next(c for c in target.criteria if c.status.value == "fail")
    failing = tuple(
        Finding(
            Status.FAIL,
            f"resource r{i} is declared twice",
            (Evidence("main.tf", i + 1, i + 1, None, f"line {i}", note=f"resource r{i}"),),
            f"r{i}",
        )
        for i in range(MAX_FULL_PROBLEMS + 12)
    )
    passing = tuple(
        Finding(Status.PASS, f"p{i} is fine", (), f"p{i}") for i in range(MAX_OTHER_FINDINGS + 4)
    )
    # a finding past the listed ones still brings the reference's evidence beside the failure
    beyond = Evidence("ideal.tf", 7, 9, None, "x = 1", source="reference", note="the ideal's way")
    passing += (Finding(Status.PASS, "p-last is fine", (beyond,), "p-last"),)
    changed = replace(
        target,
        criteria=tuple(
            replace(c, findings=failing + passing) if c is crit else c for c in target.criteria
        ),
    )
    write_run(
        tmp_path,
        replace(run, responses=tuple(changed if r is target else r for r in run.responses)),
    )
    build_reports(tmp_path, ["html"])
    page = tmp_path / "report" / "r" / "tf-100" / slug(target.response_id) / "index.html"
    html = page_text(page)
    block = re.search(rf'id="c-{re.escape(crit.criterion_id)}".*?</article>', html, re.S)
    assert block is not None
    text = block.group(0)
    for finding in failing:
        assert finding.message in text
    assert text.count('<li class="finding f-fail">') == MAX_FULL_PROBLEMS
    assert "12 more failing findings, one line each" in text
    assert text.count('class="finding f-fail compact"') == 12
    assert "and 5 more (every finding is in report.xlsx" in text
    assert f"{MAX_OTHER_FINDINGS + 5} other findings (pass)" in text
    assert "Reference (1)" in text and "ideal.tf:7-9" in text and "the ideal&#39;s way" in text
    assert '<span class="note">resource r0</span>' not in text  # the message says it


def test_finding_line_escapes_every_piece() -> None:
    from markupsafe import Markup

    from harness.report.fragments import finding_line
    from harness.report.views import EvidenceView, FindingView

    place = EvidenceView(
        location=f"{XSS_SCRIPT}.tf:1",
        link=f'x.html#"{XSS_IMG}',
        response_line=None,
        response_link=None,
        lines=(),
        note="",
        reference=False,
    )
    hidden = EvidenceView(f"ref{XSS_IMG}", None, None, None, (), "", reference=True)
    finding = FindingView("fail", f"msg {XSS_SCRIPT}", f"sub{XSS_IMG}", (place,) * 5 + (hidden,))
    html = finding_line(finding, with_reference=False)
    assert isinstance(html, Markup)
    assert XSS_SCRIPT not in html and XSS_IMG not in html
    assert str(escape(XSS_SCRIPT)) in html
    assert html.count('class="loc small"') == 3 and "and 2 more places" in html
    assert "ref&#34;&gt;" not in html  # the reference place is left out


def test_criterion_fragments_escape_every_piece() -> None:
    """The criterion header and body are built in Python: rubric text, the response's
    message, findings and the human label all stay text."""
    from markupsafe import Markup

    from harness.report.fragments import category_sections, criterion_body, criterion_head
    from harness.report.views import CategoryView, CriterionView, EvidenceView, FindingView
    from harness.results import CategoryInfo, CriterionInfo, CriterionResult
    from harness.trust.labels import Label
    from harness.vocabulary import CriterionStatus

    info = CriterionInfo(
        id=f"c{XSS_IMG}",
        title=f"title {XSS_SCRIPT}",
        category="security",
        check="x",
        severity=f"high{XSS_IMG}",
        weight=1.0,
        gate=True,
        why=f"why {XSS_SCRIPT}",
    )
    result = CriterionResult(
        info.id, "x", "security", CriterionStatus.FAIL, 0.5, 2.0, f"msg {XSS_SCRIPT}"
    )
    ref = EvidenceView(f"ref{XSS_IMG}.tf:1", None, None, None, (), f"n{XSS_SCRIPT}", True)
    failing = FindingView("fail", f"bad {XSS_SCRIPT}", f"s{XSS_IMG}", (ref,))
    passing = FindingView(f"pass{XSS_IMG}", f"ok {XSS_SCRIPT}", "", ())
    criterion = CriterionView(
        info, result, "crit-1", (failing,) * 10, (passing,) * 10, 20, f"pass{XSS_IMG}", (ref,) * 10
    )
    label = Label("t", "r", info.id, "pass", f"pass{XSS_IMG}", XSS_SCRIPT, f"{XSS_IMG}:3")
    head = criterion_head(criterion)
    body = criterion_body(criterion, label, lambda lab, status: True)
    category = CategoryView(
        CategoryInfo(f"k{XSS_IMG}", f"cat {XSS_SCRIPT}", 1.0), 0.5, (criterion,), f"a{XSS_IMG}"
    )
    sections = category_sections((category,), {info.id: label}, lambda lab, status: False)
    for html in (head, body, sections):
        assert isinstance(html, Markup)
        assert XSS_SCRIPT not in html and XSS_IMG not in html
        assert str(escape(XSS_SCRIPT)) in html
    assert '<span class="tag">gate</span>' in head and "score 0.50 · weight 2.0" in head
    assert '<p class="human-label disagree" data-label="pass">' in body
    assert '<div class="side-by-side">' in body and "Reference (10)" in body
    assert "2 more failing findings, one line each" in body and "… and 20 more" in body
    assert sections.count("<article") == 1 and '<p class="human-label" data-label' in sections


def test_a_marked_code_line_splits_its_files_fold_and_links_to_its_line() -> None:
    """A failing finding on a line inside a fenced file shows that line on its own (marked,
    linking to the same line of the file view) between two folded stretches."""
    from dataclasses import replace

    from harness.checks.types import Evidence, Finding, Status
    from harness.report.formats import report_model
    from harness.report.responsetext import CodeRun, TextLine, response_lines

    run = synthetic_run()
    target = next(r for r in run.responses if r.task_id == "tf-100" and r.tree is not None)
    assert target.tree is not None
    file = next(f for f in target.tree.files if not f.origin.carried_over)
    first = file.origin.start_line + 1
    last = first + file.content.rstrip("\n").count("\n")
    assert last - first >= 2, "the file needs a line with code on both sides"
    middle = first + 1
    code = file.content.split("\n")[1]
    finding = Finding(
        Status.FAIL, "a marked line", (Evidence(None, None, None, middle, code.strip()),)
    )
    crit = target.criteria[0]
    marked = replace(
        target,
        criteria=(replace(crit, findings=(*crit.findings, finding)), *target.criteria[1:]),
    )
    run = replace(run, responses=[marked if r is target else r for r in run.responses])
    row = next(r for r in report_model(run).rows if r.result is marked)
    items = response_lines(row)
    at = next(i for i, item in enumerate(items) if getattr(item, "number", None) == middle)
    before, line, after = items[at - 1], items[at], items[at + 1]
    assert isinstance(line, TextLine) and line.kind == "code" and line.marks
    assert line.file_link is not None and line.file_link.endswith("#L2")
    assert isinstance(before, CodeRun) and (before.first, before.last) == (first, first)
    assert isinstance(after, CodeRun) and (after.first, after.last) == (middle + 1, last)
