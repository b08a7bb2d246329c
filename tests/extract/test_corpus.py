"""Extraction over every response and ideal response of the shared corpus (read at run time).

Expected paths below are the names each response states (checked by reading the files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.extract import FileTree, extract, overlay
from harness.tasks import discover_tasks
from tests.conftest import corpus_markdown

pytestmark = pytest.mark.corpus

MODULES = ("networking", "compute", "database", "storage", "monitoring")


def _tree(corpus: Path, task: str, name: str) -> FileTree:
    group = "other" if not task.startswith("tf-") else "terraform"
    return extract(corpus / group / task / name)


def test_every_response_extracts_without_exception(corpus: Path) -> None:
    paths = corpus_markdown(corpus)
    assert len(paths) > 200
    for path in paths:
        tree = extract(path)
        assert all(f.path and not f.path.startswith("/") for f in tree.files), path
        assert all(d.line is None or d.line >= 0 for d in tree.diagnostics), path
        assert len(set(tree.paths)) == len(tree.paths), path


def test_every_task_loads(corpus: Path) -> None:
    tasks = discover_tasks(corpus)
    assert len(tasks) == 67
    seed = next(t for t in tasks if t.task_id == "tf-348798")
    assert [(r.response_id, r.turn) for r in seed.responses] == [
        ("MODEL_RESPONSE", 1),
        ("MODEL_RESPONSE2", 2),
        ("MODEL_RESPONSE3", 3),
    ]


def test_seed_task_truncated_first_response(corpus: Path) -> None:
    tree = _tree(corpus, "tf-348798", "MODEL_RESPONSE.md")
    expected = ["main.tf", "variables.tf", "outputs.tf"]
    for module in MODULES:
        files = ("main.tf", "user_data.sh", "variables.tf", "outputs.tf")
        if module == "monitoring":
            files = ("main.tf",)  # the response is cut off inside this file
        elif module != "compute":
            files = ("main.tf", "variables.tf", "outputs.tf")
        expected += [f"modules/{module}/{name}" for name in files]
    assert sorted(tree.paths) == sorted(expected)
    assert tree.truncated
    [cut] = [d for d in tree.diagnostics if d.code == "truncated"]
    assert cut.line == 1018 and "modules/monitoring/main.tf" in cut.message
    # the drawing's "terraform/" root is the project folder: promised paths match the headings
    promised = ["main.tf", "variables.tf", "outputs.tf", "terraform.tfvars.example"]
    for module in MODULES:
        promised += [f"modules/{module}/{n}" for n in ("main.tf", "variables.tf", "outputs.tf")]
    assert list(tree.promised_files) == promised
    missing = [p for p in tree.promised_files if p not in tree.paths]
    assert missing == [
        "terraform.tfvars.example",
        "modules/monitoring/variables.tf",
        "modules/monitoring/outputs.tf",
    ]


def test_seed_task_repeated_file_and_overlay(corpus: Path) -> None:
    first = _tree(corpus, "tf-348798", "MODEL_RESPONSE.md")
    second = _tree(corpus, "tf-348798", "MODEL_RESPONSE2.md")
    duplicates = [d.message for d in second.diagnostics if d.code == "duplicate_path"]
    assert any(
        m.startswith("main.tf is written twice: lines 134-148 and 252-259") for m in duplicates
    )
    assert second.get("main.tf").origin.start_line == 252  # the later block wins
    effective = overlay([first, second])
    carried = {f.path for f in effective.files if f.origin.carried_over}
    assert "modules/networking/main.tf" in carried and "main.tf" not in carried
    assert any(d.code == "carried_over" for d in effective.diagnostics)


@pytest.mark.parametrize(
    ("task", "name", "expected"),
    [
        (
            "tf-101000939",
            "MODEL_RESPONSE.md",
            ["lib/provider.tf", "lib/variables.tf", "lib/locals.tf", "lib/kms.tf", "lib/vpc.tf",
             "lib/iam.tf", "lib/s3.tf", "lib/dynamodb.tf", "lib/rds.tf", "lib/lambda.tf",
             "lib/lambda/payment_processor.py", "lib/apigateway.tf", "lib/route53.tf",
             "lib/cloudwatch.tf", "lib/outputs.tf", "lib/README.md"],
        ),
        ("tf-291583", "MODEL_RESPONSE.md", ["provider.tf", "main.tf"]),
        ("tf-291681", "MODEL_RESPONSE.md", ["tap_stack.tf"]),
        ("tf-350024", "MODEL_RESPONSE.md", ["provider.tf", "tap_stack.tf"]),
        ("tf-291631", "MODEL_RESPONSE.md", ["tap_stack.tf"]),
        ("tf-291989", "MODEL_RESPONSE.md", ["tap_stack.tf"]),
        ("tf-291989", "MODEL_RESPONSE2.md", ["tap_stack.tf"]),
        ("tf-348859", "MODEL_RESPONSE.md", ["tap_stack.tf"]),
        ("tf-LS-291296", "IDEAL_RESPONSE.md", ["lib/tap_stack.tf"]),
        (
            "tf-348911",
            "MODEL_RESPONSE.md",
            ["main.tf", "variables.tf", "modules/network/main.tf", "modules/network/variables.tf",
             "modules/network/outputs.tf", "modules/security/main.tf",
             "modules/security/variables.tf", "modules/security/outputs.tf",
             "modules/storage/main.tf", "modules/storage/variables.tf",
             "modules/storage/outputs.tf", "outputs.tf", "terraform.tfvars.example"],
        ),
    ],
)  # fmt: skip
def test_stated_names(corpus: Path, task: str, name: str, expected: list[str]) -> None:
    assert list(_tree(corpus, task, name).paths) == expected


def test_convention_evidence_on_named_tasks(corpus: Path) -> None:
    conventions = {
        ("tf-101000939", "MODEL_RESPONSE.md", "lib/provider.tf"): "heading",
        ("tf-291681", "MODEL_RESPONSE.md", "tap_stack.tf"): "heading",
        ("tf-350024", "MODEL_RESPONSE.md", "provider.tf"): "fence_title",
        ("tf-348911", "MODEL_RESPONSE.md", "main.tf"): "bold_label",
        ("tf-291631", "MODEL_RESPONSE.md", "tap_stack.tf"): "first_comment",
        ("tf-291989", "MODEL_RESPONSE.md", "tap_stack.tf"): "first_comment",
    }
    for (task, name, path), convention in conventions.items():
        file = _tree(corpus, task, name).get(path)
        assert file is not None and str(file.origin.naming.convention) == convention, path
    prose = _tree(corpus, "tf-291989", "MODEL_RESPONSE2.md")
    # both the sentence before the block and the first comment name it; the comment wins
    assert any("`tap_stack.tf`" in (s.text) for s in prose.prose)


def test_reasoning_traces(corpus: Path) -> None:
    for task in ("tf-350024", "tf-348859"):
        tree = _tree(corpus, task, "MODEL_RESPONSE.md")
        [trace] = tree.reasoning
        assert trace.start_line == 1 and "Reasoning Trace" in trace.text
        assert all(f.origin.start_line > trace.end_line for f in tree.files)
        assert all(s.start_line > trace.end_line for s in tree.prose)


@pytest.mark.parametrize(
    ("task", "readme", "first", "last", "after"),
    [
        ("tf-101912509", "lib/README.md", 2009, 2228, None),
        ("tf-101912832", "lib/README.md", 1206, 1380, None),
        ("tf-348751", "README.md", 953, 1022, None),
    ],
)
def test_nested_readme_fences(
    corpus: Path, task: str, readme: str, first: int, last: int, after: str | None
) -> None:
    tree = _tree(corpus, task, "MODEL_RESPONSE.md")
    file = tree.get(readme)
    assert file is not None
    assert (file.origin.start_line, file.origin.end_line) == (first, last)
    assert "```bash" in file.content  # the README keeps its own examples
    assert not tree.truncated
    assert tree.paths[-1] == readme  # nothing after the README became a file
    assert not any(d.code == "unnamed_block" for d in tree.diagnostics if d.line and d.line > first)


def test_nested_readme_before_real_files(corpus: Path) -> None:
    # tf-348751: the README sits between the modules and the closing notes; every .tf file
    # before it is intact and the README does not run to the end of the response
    tree = _tree(corpus, "tf-348751", "MODEL_RESPONSE.md")
    assert tree.paths[:3] == ("main.tf", "variables.tf", "outputs.tf")
    assert "Cost Optimization" in tree.get("README.md").content
    assert "Key Features Implemented" in tree.prose_text


def test_markdown_wrapped_meta_response(corpus: Path) -> None:
    tree = _tree(corpus, "tf-LS-291296", "MODEL_RESPONSE.md")
    assert tree.paths == ("tap_stack.tf",)
    stack = tree.get("tap_stack.tf")
    assert stack.language == "hcl" and stack.origin.start_line == 188
    assert 'variable "aws_region"' in stack.content
    assert tree.promised_files == ("tap_stack.tf", "provider.tf", "PROMPT.md")


def test_conflict_markers_in_ideal(corpus: Path) -> None:
    tree = _tree(corpus, "tf-350267", "IDEAL_RESPONSE.md")
    [marker] = [d for d in tree.diagnostics if d.code == "conflict_markers"]
    assert marker.line == 1113


def test_truncation_rate_is_plausible(corpus: Path) -> None:
    responses = [p for p in corpus_markdown(corpus) if p.name.startswith("MODEL_RESPONSE")]
    truncated = sum(extract(p).truncated for p in responses)
    assert 0.03 <= truncated / len(responses) <= 0.15
