"""The diff page, the agreement page and labels in the report (issue 14, harness/trust), in
headless Chromium from file:// (screenshots in each test's tmp dir). Here beside the
report's browser tests so they share its session's Chromium (tests/report/conftest.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.report.naming import slug
from harness.store import load_run
from harness.trust.agree import agree
from harness.trust.diff import diff_runs
from harness.trust.labels import load_labels
from tests.conftest import SAMPLE_REFERENCE, SAMPLE_TASK
from tests.trust.sample import SAMPLE_RUBRIC, score
from tests.trust.test_cli import sample_labels

pytestmark = pytest.mark.browser


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(60_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.errors = errors
    yield page
    context.close()


def _open(page: Any, path: Path) -> None:
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")
    page.wait_for_selector("html[data-ready]", state="attached")


def _visible(page: Any, selector: str) -> int:
    return int(page.locator(f"{selector}:visible").count())


@pytest.fixture(scope="module")
def edited_diff(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """Runs before and after an edit of MODEL_RESPONSE (its database renamed away), and
    the diff folder written by the CLI."""
    root = tmp_path_factory.mktemp("edited")
    task = root / "aws-prod-stack"
    shutil.copytree(SAMPLE_TASK, task)
    before = score(task, SAMPLE_RUBRIC, root / "before")
    edited = task / "MODEL_RESPONSE.md"
    edited.write_text(
        edited.read_text().replace('resource "aws_db_instance"', 'resource "aws_rds_gone"')
    )
    after = score(task, SAMPLE_RUBRIC, root / "after")
    out = root / "diff"
    result = CliRunner().invoke(app, ["diff", str(before), str(after), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return before, after, out


def test_diff_page_sorts_and_filters(
    page: Any, edited_diff: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    before, after, out = edited_diff
    diff = diff_runs(load_run(before), load_run(after))
    _open(page, out / "index.html")
    page.screenshot(path=str(tmp_path / "diff.png"), full_page=True)
    assert page.errors == []
    assert page.locator("#summary").inner_text() == diff.summary()
    assert _visible(page, "#changes tbody tr") == diff.criterion_changes > 0
    changes = [c for r in diff.responses for c in r.changes]
    category = changes[0].category
    page.select_option("#criteria .filters select[data-filter=category]", category)
    assert _visible(page, "#changes tbody tr") == sum(c.category == category for c in changes)
    page.select_option("#criteria .filters select[data-filter=category]", "")
    # the database is gone but the task's reference has one: its criteria fail (they were
    # na before applicability came from the task)
    kind = "pass -> fail"
    page.select_option("#criteria .filters select[data-filter=change]", kind)
    expected = sum(f"{c.before} -> {c.after}" == kind for c in changes)
    assert expected > 0 and _visible(page, "#changes tbody tr") == expected
    verdicts = page.locator("#resp tbody tr").evaluate_all("rs => rs.map(r => r.dataset.verdict)")
    assert "changed input" in verdicts
    page.select_option("#responses .filters select[data-filter=verdict]", "changed input")
    assert _visible(page, "#resp tbody tr") == verdicts.count("changed input")
    # sorting by the criterion column puts the rows in id order
    page.locator("#changes thead th", has_text="Criterion").locator("button").click()
    page.select_option("#criteria .filters select[data-filter=change]", "")
    ids = page.locator("#changes tbody tr td:nth-child(2)").all_inner_texts()
    assert ids == sorted(ids, key=str.lower)


def test_labels_beside_statuses_and_disagreements_in_heatmap(page: Any, tmp_path: Path) -> None:
    labels = sample_labels(tmp_path / "labels")
    out = tmp_path / "run"
    result = CliRunner().invoke(
        app,
        [
            "score",
            str(SAMPLE_TASK),
            "-r",
            str(SAMPLE_RUBRIC),
            "--reference",
            str(SAMPLE_REFERENCE),
            "-o",
            str(out),
            "-q",
            "--reports",
            "html",
            "--labels",
            str(labels),
        ],
    )
    assert result.exit_code == 0, result.output
    expected = agree(load_run(out), load_labels(labels))
    report = out / "report"
    _open(page, report / "index.html")
    page.screenshot(path=str(tmp_path / "index.png"), full_page=True)
    assert page.errors == []
    assert page.locator("#hm td.disagree").count() == len(expected.disagreements) > 0
    assert page.locator("#hm td[data-label]").count() == expected.n
    page.locator("#labels-legend a").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("agreement.html")
    assert page.errors == []
    rows = page.locator("#disagreement-list tbody tr")
    assert rows.count() == len(expected.disagreements)
    assert "<b>bold</b>" in page.locator("#disagreement-list").inner_text()  # escaped text
    assert page.locator("#disagreement-list b").count() == 0
    # the response page shows the label under the criterion, marked where it disagrees
    _open(page, report / "r" / slug("aws-prod-stack") / slug("MODEL_RESPONSE") / "index.html")
    page.screenshot(path=str(tmp_path / "response.png"), full_page=True)
    assert page.errors == []
    cid = page.locator("code.cid", has_text="tone.professional")
    tone = page.locator("article.criterion", has=cid)
    label = tone.locator(".human-label")
    assert label.count() == 1
    assert "pass" in label.inner_text()
    tone_status = next(
        p.status for p in expected.pairs if p.label.criterion_id == "tone.professional"
    )
    assert ("disagree" in (label.get_attribute("class") or "")) == (tone_status != "pass")
    assert page.locator(".human-label").count() == 2  # two labels for this response


def test_hostile_content_never_runs_on_the_diff_and_agreement_pages(
    page: Any, tmp_path: Path
) -> None:
    """Ids, messages and label evidence carrying script payloads show as text."""
    import dataclasses

    from harness.report.trustpages import write_agreement_page, write_diff_page
    from harness.trust.labels import Label, LabelSet, TaskLabels
    from harness.vocabulary import CriterionStatus
    from tests.report.synthetic import (
        HOSTILE_RESPONSE,
        HOSTILE_TASK,
        XSS_IMG,
        XSS_SCRIPT,
        synthetic_run,
    )

    run = synthetic_run()
    hostile = next(r for r in run.responses if r.response_id == HOSTILE_RESPONSE)
    flipped = tuple(
        dataclasses.replace(
            c,
            status=CriterionStatus.ERROR,
            score=None,
            message=f"{XSS_IMG} {XSS_SCRIPT}",
        )
        for c in hostile.criteria
    )
    after = dataclasses.replace(
        run,
        responses=tuple(
            dataclasses.replace(r, criteria=flipped) if r is hostile else r for r in run.responses
        ),
    )
    diff = diff_runs(run, after, a_name=f"a{XSS_SCRIPT}", b_name=f"b{XSS_IMG}")
    assert diff.criterion_changes > 0
    labels = LabelSet(
        (
            TaskLabels(
                HOSTILE_TASK,
                f"{XSS_IMG}.yaml",
                (HOSTILE_RESPONSE,),
                tuple(
                    Label(
                        HOSTILE_TASK,
                        HOSTILE_RESPONSE,
                        c.criterion_id,
                        "pass",
                        "pass",
                        XSS_SCRIPT,
                        f"{XSS_IMG}.yaml:3",
                    )
                    for c in hostile.criteria
                ),
            ),
        ),
        source=XSS_SCRIPT,
    )
    pages = [
        write_diff_page(diff, tmp_path / "diff"),
        write_agreement_page(agree(after, labels), after, tmp_path / "agree"),
    ]
    for path in pages:
        _open(page, path)
        page.wait_for_timeout(100)
        assert page.evaluate("() => typeof window.__pwned") == "undefined"
        assert page.locator('img[src="x"]').count() == 0
        assert page.errors == []  # an injected script would at least trip the CSP
        assert XSS_SCRIPT in page.evaluate("() => document.body.innerText")
