"""The HTML report of CloudFormation and not-graded answers, in headless Chromium: template
evidence with its lines and the ideal's, criteria with no CloudFormation meaning saying so, and
a CDK answer shown as detected, not graded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.report import build_reports
from harness.run import score_paths
from tests.conftest import CFN_SAMPLE_TASK, REPO_ROOT

CDK_ANSWER = """Here is the stack in AWS CDK.

```typescript
import * as cdk from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';

export class OrdersStack extends cdk.Stack {
  constructor(scope: cdk.App, id: string) {
    super(scope, id);
    new s3.Bucket(this, 'Data', { versioned: true });
  }
}
```
"""


@pytest.fixture(scope="module")
def cfn_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The CloudFormation sample and a CDK-only task, scored with the sample rubric."""
    root = tmp_path_factory.mktemp("cfn-report")
    cdk = root / "tasks" / "cdk-orders"
    cdk.mkdir(parents=True)
    (cdk / "MODEL_RESPONSE.md").write_text(CDK_ANSWER, encoding="utf-8")
    run_dir = root / "run"
    score_paths([CFN_SAMPLE_TASK, cdk], REPO_ROOT / "rubrics" / "aws-prod-stack.yaml", run_dir)
    build_reports(run_dir, ["html"])
    return run_dir


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
    """Open a page with everything shown: a response page opens on fail/partial/error with
    the other criteria folded, and these tests read the text of all of them."""
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")
    page.wait_for_selector("html[data-ready]", state="attached")
    if page.locator("#criteria .filters select[data-filter=status]").count():
        page.select_option("#criteria .filters select[data-filter=status]", "")
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")


@pytest.mark.browser
def test_a_template_response_shows_its_evidence(page: Any, cfn_run: Path) -> None:
    _open(page, cfn_run / "report" / "r" / "orders-cfn-stack" / "MODEL_RESPONSE" / "index.html")
    assert page.errors == []
    text = " ".join(page.locator("body").inner_text().split())
    assert "port 5432 open to 0.0.0.0/0" in text
    assert "template.yaml:258-261" in text  # the response's rule, with its lines
    assert "the ideal does it here: template.yaml:" in text
    assert "has no CloudFormation meaning" in text


@pytest.mark.browser
def test_a_cdk_answer_is_shown_as_not_graded(page: Any, cfn_run: Path) -> None:
    _open(page, cfn_run / "report" / "index.html")
    assert page.errors == []
    _open(page, cfn_run / "report" / "r" / "cdk-orders" / "MODEL_RESPONSE" / "index.html")
    assert page.errors == []
    text = " ".join(page.locator("body").inner_text().split())
    assert "AWS CDK code detected, not graded" in text
    assert "AWS CDK (TypeScript) code in lib/stack.ts: detected, not graded" in text
