"""`iac-harness extract` end to end through typer's CliRunner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from harness.cli import app
from tests.extract.helpers import FIXTURES

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["extract", *args])
    return result.exit_code, result.output


def _joined(output: str) -> str:
    """Rich wraps long lines at the (narrow) test terminal width; join them back."""
    return " ".join(output.split())


def test_single_response(tmp_path: Path) -> None:
    code, output = _run(str(FIXTURES / "truncated.md"), "--out", str(tmp_path))
    assert code == 0, output
    assert "truncated" in output and "Extraction" in output
    document = json.loads((tmp_path / "extraction.json").read_text())
    assert document["response_id"] == "truncated" and document["truncated"] is True
    assert [f["path"] for f in document["files"]] == ["main.tf", "modules/vpc/main.tf"]
    assert document["files"][1]["origin"]["naming"] == {
        "convention": "heading",
        "text": "modules/vpc/main.tf",
        "line": 23,
    }
    assert document["missing_promised_files"] == ["variables.tf", "modules/vpc/outputs.tf"]
    assert document["diagnostics"][0]["code"] == "truncated"
    assert (tmp_path / "files" / "modules" / "vpc" / "main.tf").is_file()


def test_previous_turns_give_both_views(tmp_path: Path) -> None:
    task = FIXTURES / "task_multiturn"
    code, output = _run(
        str(task / "MODEL_RESPONSE2.md"), "-p", str(task / "MODEL_RESPONSE.md"), "-o", str(tmp_path)
    )
    assert code == 0, output
    own = json.loads((tmp_path / "extraction.json").read_text())
    effective = json.loads((tmp_path / "overlay" / "extraction.json").read_text())
    assert [f["path"] for f in own["files"]] == ["main.tf"]
    assert [(f["path"], f["origin"]["carried_over"]) for f in effective["files"]] == [
        ("main.tf", False),
        ("outputs.tf", True),
    ]
    assert (tmp_path / "overlay" / "files" / "outputs.tf").is_file()
    assert not (tmp_path / "files" / "outputs.tf").exists()


def test_view_option(tmp_path: Path) -> None:
    task = FIXTURES / "task_multiturn"
    args = [str(task / "MODEL_RESPONSE2.md"), "-p", str(task / "MODEL_RESPONSE.md")]
    code, _ = _run(*args, "--out", str(tmp_path / "o"), "--view", "overlay")
    assert code == 0
    assert json.loads((tmp_path / "o" / "extraction.json").read_text())["view"] == "overlay"
    assert not (tmp_path / "o" / "overlay").exists()
    code, _ = _run(*args, "--out", str(tmp_path / "w"), "--view", "own")
    assert code == 0 and not (tmp_path / "w" / "overlay").exists()


def test_task_folder(tmp_path: Path) -> None:
    code, output = _run(str(FIXTURES / "task_multiturn"), "--out", str(tmp_path), "--verbose")
    assert code == 0, output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "IDEAL_RESPONSE",
        "MODEL_RESPONSE",
        "MODEL_RESPONSE2",
    ]
    assert (tmp_path / "MODEL_RESPONSE2" / "overlay" / "files" / "outputs.tf").is_file()
    assert "carried over" in output


def test_folder_of_tasks(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus" / "terraform"
    shutil.copytree(FIXTURES / "task_multiturn", corpus / "t1")
    code, output = _run(str(tmp_path / "corpus"), "--out", str(tmp_path / "out"))
    assert code == 0, output
    assert (tmp_path / "out" / "t1" / "MODEL_RESPONSE" / "extraction.json").is_file()


def test_unreadable_input_is_one_line_and_non_zero(tmp_path: Path) -> None:
    code, output = _run(str(tmp_path / "missing.md"), "--out", str(tmp_path / "o"))
    assert code == 2
    assert _joined(output).startswith("iac-harness: error:") and "no such" in _joined(output)
    code, output = _run(str(tmp_path), "--out", str(tmp_path / "o"))
    assert code == 2 and "no task folders" in _joined(output)
    code, output = _run(
        str(FIXTURES / "task_multiturn"), "-p", str(FIXTURES / "reasoning.md"), "-o", str(tmp_path)
    )
    assert code == 2 and "--previous" in _joined(output)


def test_unwritable_file_exits_1_but_keeps_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "files").mkdir(parents=True)
    (out / "files" / "main.tf").mkdir()  # a directory where a file must go
    code, output = _run(str(FIXTURES / "truncated.md"), "--out", str(out))
    assert code == 1 and "main.tf" in _joined(output)
    assert (out / "extraction.json").is_file()
    assert (out / "files" / "modules" / "vpc" / "main.tf").is_file()


def test_help_teaches_with_examples() -> None:
    code, output = _run("--help")
    assert code == 0
    for needle in ("--previous", "--view", "overlay", "Examples", "extraction.json"):
        assert needle in output
