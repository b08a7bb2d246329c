"""A synthetic run written by us (no corpus text): two ordinary tasks plus a hostile one whose
ids, messages, snippets, file names and rubric text try script injection and spreadsheet
formula injection. Used by the report tests and as a fallback by the report benchmark."""

from __future__ import annotations

from dataclasses import replace

from harness.checks.types import Evidence, Finding, Status
from harness.extract.types import (
    Convention,
    ExtractedFile,
    FileTree,
    NameEvidence,
    Origin,
    TextSpan,
)
from harness.results import (
    CategoryInfo,
    CategoryScore,
    CriterionInfo,
    CriterionResult,
    CriterionStatus,
    ResponseResult,
    RubricInfo,
    RunData,
    RunInfo,
)
from harness.vocabulary import Diagnostic, Severity, Span

XSS_SCRIPT = "<script>window.__pwned=1</script>"
XSS_IMG = '"><img src=x onerror="window.__pwned=1">'
XSS_LINK = "[click me](javascript:window.__pwned=1)"
JS_URL = "javascript:window.__pwned=1"
FORMULAS = ('=HYPERLINK("http://example.invalid/x","click")', "+cmd|' /C calc'!A0", "@SUM(1)")
MORE_FORMULA_STARTS = ("-2+3", "\t=1+1", "\r=1+1")
HOSTILE_TASK = f"tf-evil{XSS_IMG}"
HOSTILE_RESPONSE = f"MODEL_RESPONSE{XSS_SCRIPT}"

CATEGORIES = (
    CategoryInfo("completeness", "Completeness", 2.0),
    CategoryInfo("naming", "Naming", 1.0),
    CategoryInfo("security", "Security", 3.0),
    CategoryInfo("testing", "Testing", 1.0),
    CategoryInfo("tone", "Tone", 0.5),
)


def _criterion(
    cid: str, category: str, severity: str, gate: bool = False, **kw: str
) -> CriterionInfo:
    return CriterionInfo(
        id=cid,
        title=kw.get("title", cid.split(".", 1)[1].replace("_", " ").capitalize()),
        category=category,
        check=cid,
        severity=severity,
        weight=float(kw.get("weight", "1")),
        gate=gate,
        why=kw.get("why", f"Reviewers need {cid} to hold."),
    )


CRITERIA = (
    _criterion("complete.no_truncation", "completeness", "critical", gate=True),
    _criterion("complete.syntax_valid", "completeness", "high"),
    _criterion("naming.suffix_applied", "naming", "medium"),
    _criterion("security.s3_encryption", "security", "high"),
    _criterion("security.iam_least_privilege", "security", "critical", weight="2"),
    _criterion(
        "security.custom",
        "security",
        "low",
        title=f"Custom {XSS_SCRIPT}",
        why=FORMULAS[0],
    ),
    _criterion("testing.unit_tests", "testing", "medium"),
    _criterion("tone.professional", "tone", "low"),
)

RUBRIC = RubricInfo(
    id="synthetic",
    version="1.0",
    title="Synthetic rubric",
    sha256="0" * 64,
    source="rubrics/synthetic.yaml",
    gate_cap=40.0,
    categories=CATEGORIES,
    criteria=CRITERIA,
)

MAIN_TF = """\
terraform {
  required_version = ">= 1.5"
}

resource "aws_s3_bucket" "logs" {
  bucket = "logs-${random_id.suffix.hex}"
}

resource "aws_iam_policy" "admin" {
  name   = "admin"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}

resource "random_id" "suffix" {
  byte_length = 4
}
"""

VARIABLES_TF = """\
variable "environment" {
  type    = string
  default = "dev"
}
"""

TEST_PY = """\
def test_bucket_name():
    assert "logs" in "logs-abcd"
"""


def make_tree(
    source: str,
    prose_before: list[str],
    files: list[tuple[str, str, str]],
    prose_after: list[str],
    truncated_last: bool = False,
) -> FileTree:
    """Lay a response out line by line (prose, fenced files, prose) and return its tree."""
    line = 1
    prose: list[TextSpan] = []
    out: list[ExtractedFile] = []
    if prose_before:
        prose.append(TextSpan(line, line + len(prose_before) - 1, "\n".join(prose_before)))
        line += len(prose_before)
    for index, (path, language, content) in enumerate(files):
        heading = f"## {path}"
        prose.append(TextSpan(line, line, heading))
        line += 1
        start = line
        n_lines = content.count("\n") + (0 if content.endswith("\n") else 1)
        last = truncated_last and index == len(files) - 1
        end = start + n_lines + (0 if last else 1)
        naming = NameEvidence(Convention.HEADING, heading, start - 1)
        out.append(ExtractedFile(path, content, language, Origin(start, end, naming, language)))
        line = end + 1
    if prose_after:
        prose.append(TextSpan(line, line + len(prose_after) - 1, "\n".join(prose_after)))
    return FileTree(
        files=tuple(out),
        prose=tuple(prose),
        source=source,
        truncated=truncated_last,
        promised_files=("main.tf", "variables.tf", "outputs.tf"),
    )


def _finding(status: Status, message: str, *evidence: Evidence, subject: str = "") -> Finding:
    return Finding(status, message, tuple(evidence), subject)


def _result(
    crit: CriterionInfo, findings: list[Finding], message: str, error: bool = False
) -> CriterionResult:
    judged = [f for f in findings if f.status in (Status.PASS, Status.FAIL)]
    if error:
        status, score = CriterionStatus.ERROR, None
    elif not judged:
        status, score = CriterionStatus.NA, None
    else:
        score = sum(f.status is Status.PASS for f in judged) / len(judged)
        status = (
            CriterionStatus.PASS
            if score == 1
            else CriterionStatus.FAIL
            if score == 0
            else CriterionStatus.PARTIAL
        )
    return CriterionResult(
        criterion_id=crit.id,
        check_id=crit.check,
        category=crit.category,
        status=status,
        score=score,
        weight=crit.weight,
        message=message,
        findings=tuple(findings),
        severity=crit.severity,
        gate=crit.gate,
    )


def _aggregate(
    task_id: str,
    response_id: str,
    tree: FileTree | None,
    criteria: list[CriterionResult],
    **extra: object,
) -> ResponseResult:
    """A simple stand-in for the scorer: weighted means per category and overall."""
    cats = []
    for cat in CATEGORIES:
        scored = [c for c in criteria if c.category == cat.id and c.score is not None]
        weight = sum(c.weight for c in scored)
        score = sum(c.score * c.weight for c in scored) / weight if weight else None  # type: ignore[operator]
        cats.append(CategoryScore(cat.id, score, cat.weight))
    judged = [c for c in cats if c.score is not None]
    total = sum(c.weight for c in judged)
    overall = 100 * sum(c.score * c.weight for c in judged) / total if total else None  # type: ignore[operator]
    gates = tuple(c.criterion_id for c in criteria if c.gate and c.status is CriterionStatus.FAIL)
    if gates and overall is not None:
        overall = min(overall, RUBRIC.gate_cap)
    return ResponseResult(
        task_id=task_id,
        response_id=response_id,
        source=f"corpus/{task_id}/{response_id}.md",
        overall=overall,
        categories=tuple(cats),
        criteria=tuple(criteria),
        gates_failed=gates,
        diagnostics=tree.diagnostics if tree is not None else (),
        tree=tree,
        **extra,  # type: ignore[arg-type]
    )


def _response(
    task_id: str, response_id: str, quality: int, hostile: bool = False, **extra: object
) -> ResponseResult:
    """quality 0 (bad) .. 2 (good)."""
    by_id = {c.id: c for c in CRITERIA}
    tone_line = (
        "This is totally awesome!!! 🚀 Production-ready for sure."
        if quality < 2
        else "The configuration below creates the stack."
    )
    before = ["# Solution", "", tone_line, ""]
    if hostile:
        before += [XSS_SCRIPT, XSS_IMG, XSS_LINK, FORMULAS[1], ""]
    files = [("main.tf", "hcl", MAIN_TF), ("variables.tf", "hcl", VARIABLES_TF)]
    if quality >= 1:
        files.append(("tests/test_stack.py", "python", TEST_PY))
    if hostile:
        files.append(
            (f"modules/evil/{XSS_IMG}.tf", "hcl", f'# {XSS_SCRIPT}\nlocals {{ x = "{JS_URL}" }}\n')
        )
    after = ["That's all! Let me know if you need anything else."]
    tree = make_tree(
        f"corpus/{task_id}/{response_id}.md", before, files, after, truncated_last=quality == 0
    )
    diagnostics = [
        Diagnostic(
            "unnamed-block", Severity.WARNING, "a code block had no file name; inferred", line=3
        ),
    ]
    if quality == 0:
        diagnostics.append(
            Diagnostic(
                "truncated",
                Severity.ERROR,
                "the last code block never closes",
                span=Span("variables.tf", 4),
                line=tree.files[-1].origin.end_line,
            )
        )
    if hostile:
        diagnostics.append(
            Diagnostic("rejected-path", Severity.ERROR, f"rejected path ../../{XSS_SCRIPT}", line=5)
        )
    tree = replace(tree, diagnostics=tuple(diagnostics))
    ev = lambda path, a, b=None, note="": Evidence.from_span(Span(path, a, end_line=b), tree, note)  # noqa: E731
    ref_ev = Evidence(
        "main.tf",
        9,
        14,
        None,
        'resource "aws_iam_policy" "app" {\n  policy = data.aws_iam_policy_document.app.json\n}',
        source="reference",
        note="the reference scopes actions",
    )
    tone_at = tree.prose[0].start_line + 2
    results = [
        _result(
            by_id["complete.no_truncation"],
            [
                _finding(
                    Status.FAIL if quality == 0 else Status.PASS,
                    "the last code block is cut off" if quality == 0 else "every block closes",
                    *([ev("variables.tf", 4)] if quality == 0 else []),
                )
            ],
            "response is truncated" if quality == 0 else "no truncation",
        ),
        _result(
            by_id["complete.syntax_valid"],
            [_finding(Status.PASS, "all files parse")],
            "all files parse",
        ),
        _result(
            by_id["naming.suffix_applied"],
            [
                _finding(
                    Status.PASS,
                    "bucket name carries the suffix",
                    ev("main.tf", 5, 7),
                    subject="aws_s3_bucket.logs",
                ),
                _finding(
                    Status.FAIL if quality < 2 else Status.PASS,
                    FORMULAS[2] if hostile else "IAM policy name has no suffix",
                    ev("main.tf", 9, 14),
                    subject=FORMULAS[1] if hostile else "aws_iam_policy.admin",
                ),
            ],
            "1 of 2 names carry the suffix" if quality < 2 else "all names carry the suffix",
        ),
        _result(
            by_id["security.s3_encryption"],
            [_finding(Status.NA, "no S3 encryption to judge")],
            "nothing to judge",
        ),
        _result(
            by_id["security.iam_least_privilege"],
            [
                _finding(
                    Status.FAIL if quality < 2 else Status.PASS,
                    (
                        'policy allows Action "*" on Resource "*"'
                        + (f" {XSS_SCRIPT} {FORMULAS[2]}" if hostile else "")
                    ),
                    ev("main.tf", 12, note=XSS_IMG if hostile else "wildcard action"),
                    ref_ev,
                    subject=XSS_IMG if hostile else "aws_iam_policy.admin",
                )
            ],
            FORMULAS[0] if hostile else "wildcard IAM policy",
        ),
        _result(
            by_id["security.custom"],
            [],
            "check raised ValueError: boom" if hostile else "",
            error=hostile,
        ),
        _result(
            by_id["testing.unit_tests"],
            [_finding(Status.PASS, "pytest file with assertions", ev("tests/test_stack.py", 1, 2))]
            if quality >= 1
            else [_finding(Status.FAIL, "no test files")],
            "unit tests found" if quality >= 1 else "no unit tests",
        ),
        _result(
            by_id["tone.professional"],
            [
                _finding(
                    Status.FAIL, "casual phrase", Evidence.from_response(tone_at, "totally awesome")
                ),
                _finding(Status.FAIL, "emoji", Evidence.from_response(tone_at, "🚀")),
            ]
            if quality < 2
            else [_finding(Status.PASS, "no casual phrases")],
            "2 casual phrases" if quality < 2 else "professional",
        ),
    ]
    if hostile:  # a bare CRITERION with hostile message beginning with each formula start
        results[1] = replace(results[1], message=MORE_FORMULA_STARTS[0])
        results[2] = replace(results[2], message=MORE_FORMULA_STARTS[1])
        results[3] = replace(results[3], message=MORE_FORMULA_STARTS[2] + FORMULAS[1])
    return _aggregate(task_id, response_id, tree, results, **extra)


def synthetic_run() -> RunData:
    # the shape of harness.compare's harness.compare.summarise()
    comparison = {
        "figures": {
            "resources": {
                "matched": 3,
                "missing": 2,
                "extra": 1,
                "precision": 0.75,
                "recall": 0.6,
                "f1": 0.6667,
            },
        },
        "attribute_agreement": {"weighted": 0.5, "security": 0.25, "attributes": 8},
        "resources": {
            "matched": [
                {
                    "reference": "aws_iam_policy.app",
                    "response": "aws_iam_policy.admin",
                    "differing_attributes": [
                        {
                            "path": "policy",
                            "security": True,
                            "reference": "data.x.json",
                            "response": "jsonencode(...)",
                            "reference_span": {"path": "main.tf", "start_line": 9},
                            "response_span": {"path": "main.tf", "start_line": 11},
                        },
                    ],
                    "missing_attributes": [{"path": "description", "security": False}],
                }
            ],
            "missing": [
                {
                    "key": "aws_kms_key.main",
                    "module": "",
                    "span": {"path": "main.tf", "start_line": 30, "response_line": 30},
                },
                {"key": "aws_s3_bucket_versioning.logs", "module": "modules/storage"},
            ],
            "extra": [
                {
                    "key": "aws_iam_policy.admin",
                    "module": "",
                    "span": {"path": "main.tf", "start_line": 9, "response_line": 15},
                },
            ],
        },
    }
    responses = [
        _response("tf-100", "IDEAL_RESPONSE", 2, is_ideal=True),
        _response("tf-100", "MODEL_RESPONSE", 1, comparison=comparison),
        _response("tf-100", "MODEL_RESPONSE2", 0),
        _response("tf-100", "MODEL_RESPONSE2+overlay", 1),
        _response("tf-200", "IDEAL_RESPONSE", 2, is_ideal=True),
        _response(
            "tf-200",
            "MODEL_RESPONSE",
            0,
            comparison={"missing": [XSS_SCRIPT], "extra": [JS_URL], "note": XSS_IMG},
        ),
        _response(
            HOSTILE_TASK,
            HOSTILE_RESPONSE,
            1,
            hostile=True,
            comparison={"missing_resources": [XSS_IMG, FORMULAS[0]]},
        ),
        ResponseResult(
            task_id=HOSTILE_TASK,
            response_id=FORMULAS[0],
            source=f"corpus/{HOSTILE_TASK}/{FORMULAS[0]}.md",
            overall=None,
            error=f"could not read response: {XSS_SCRIPT}",
        ),
    ]
    info = RunInfo(
        harness_version="0.1.0",
        started="2025-01-01T00:00:00Z",
        finished="2025-01-01T00:00:03Z",
        duration_s=3.2,
        inputs=("corpus/tf-100", "corpus/tf-200", f"corpus/{HOSTILE_TASK}"),
        rubric=RUBRIC,
        timings={"extract": 0.5, "model": 1.0, "checks": 1.5, "scoring": 0.2},
        counts={"tasks": 3, "responses": len(responses)},
    )
    return RunData(info=info, responses=tuple(responses))
