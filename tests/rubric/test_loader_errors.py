"""Rubric errors an author can act on: mistyped override ids get a did-you-mean, and a file
with several mistakes reports all of them (bounded), each with its file:line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.rubric import RubricError, load_rubric
from harness.rubric.errors import MAX_REPORTED_ERRORS
from tests.rubric.test_loader import BASE, write


def problems_of(path: Path) -> RubricError:
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    return info.value


def test_mistyped_override_id_suggests_the_base_criterion(tmp_path: Path) -> None:
    child = write(
        tmp_path,
        "child.yaml",
        """\
        id: child
        extends: terraform-aws-production
        criteria:
          - id: tone.professional
            weight: 2
          - id: lifecycle.ssm_overwirte
            weight: 3
        """,
    )
    message = str(problems_of(child))
    assert message.startswith(f"{child.resolve()}:6: "), message
    assert "unknown criterion" in message and "'terraform-aws-production'" in message
    assert "did you mean lifecycle.ssm_overwrite?" in message
    assert "title: required" not in message and "\n" not in message


def test_mistyped_disable_is_an_error_not_a_no_op(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", BASE)
    child = write(
        tmp_path,
        "child.yaml",
        "id: child\nextends: base.yaml\ncriteria:\n  - {id: tone.profesional, disabled: true}\n",
    )
    message = str(problems_of(child))
    assert message.startswith(f"{child.resolve()}:4: "), message
    assert "unknown criterion" in message and "did you mean tone.professional?" in message
    assert "nothing to disable" in message


def test_new_criterion_in_a_child_still_needs_no_base_entry(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", BASE)
    child = write(
        tmp_path,
        "child.yaml",
        """\
        id: child
        extends: base.yaml
        criteria:
          - {id: complete.no_truncation, title: Whole, category: completeness}
        """,
    )
    assert load_rubric(child).criterion("complete.no_truncation").title == "Whole"


def test_override_typo_in_the_middle_of_a_chain_names_its_own_base(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", BASE)
    write(tmp_path, "mid.yaml", "id: mid\nextends: base.yaml\n")
    top = write(
        tmp_path, "top.yaml", "id: top\nextends: mid.yaml\ncriteria:\n  - {id: tone.profe}\n"
    )
    message = str(problems_of(top))
    assert "in base rubric 'mid'" in message and "did you mean tone.professional?" in message


def test_mistyped_category_override_suggests_the_base_category(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", BASE)
    child = write(
        tmp_path,
        "child.yaml",
        "id: child\nextends: base.yaml\ncategories:\n  - {id: tonee, weight: 0.5}\n",
    )
    message = str(problems_of(child))
    assert message.startswith(f"{child.resolve()}:4: "), message
    assert "unknown category id in base rubric 'base' (did you mean tone?)" in message
    assert "title: required" not in message


THREE_ERRORS = (
    BASE.replace("params: {modules: [a]}", "params:\n      modules: 7").replace(  # line 20
        "category: tone\n    weight: 2", "category: tones\n    weight: 2"
    )  # line 23
    + "  - {id: x.y, title: T, category: tone, check: complete.syntax_vaild}\n"  # line 25
)


def test_independent_errors_are_all_reported_with_their_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "r.yaml", THREE_ERRORS)
    error = problems_of(path)
    lines = str(error).splitlines()
    assert len(error.problems) == 3 and lines == list(error.problems), lines
    param, category, check = lines
    assert param.startswith(f"{path}:20: ") and "param 'modules'" in param
    assert category.startswith(f"{path}:23: ") and "unknown category 'tones'" in category
    assert "did you mean tone?" in category
    assert check.startswith(f"{path}:25: ") and "unknown check id 'complete.syntax_vaild'" in check
    assert "did you mean complete.syntax_valid" in check


def test_schema_errors_do_not_hide_the_other_errors(tmp_path: Path) -> None:
    text = (
        BASE.replace("    weight: 2\n", "    weight: heavy\n")  # line 23
        .replace("severity: critical", "severity: huge")  # line 13
        .replace("  - {id: tone, title: Tone, weight: 1}", "  - {id: tone, title: Tone, weight: x}")
        + "  - {id: x.y, title: T, category: completeness, check: nope.nope}\n"  # line 24
    )
    path = write(tmp_path, "r.yaml", text)
    lines = str(problems_of(path)).splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [f"{path}:{n}" for n in (8, 13, 23, 24)], (
        lines
    )
    # the broken 'tone' category is reported once, not again for tone.professional
    assert not any("unknown category" in line for line in lines), lines


def test_many_errors_are_bounded(tmp_path: Path) -> None:
    extra = "".join(
        f"  - {{id: bad.c{i}, title: T, category: tone, check: nope.n{i}}}\n" for i in range(50)
    )
    path = write(tmp_path, "r.yaml", BASE + extra)
    error = problems_of(path)
    assert len(error.problems) == 50
    lines = str(error).splitlines()
    assert len(lines) == MAX_REPORTED_ERRORS + 1
    assert lines[-1] == f"(+{50 - MAX_REPORTED_ERRORS} more)"
    assert lines[0].startswith(f"{path}:24: ") and lines[-2].startswith(f"{path}:43: ")


def test_rubric_check_cli_prints_every_problem_and_exits_2(tmp_path: Path) -> None:
    path = write(tmp_path, "r.yaml", THREE_ERRORS)
    result = CliRunner().invoke(app, ["rubric", "check", str(path)], env={"COLUMNS": "400"})
    output = result.output
    assert result.exit_code == 2, output
    assert "Traceback" not in output and output.startswith("iac-harness: error: "), output
    for line in (20, 23, 25):
        assert f"{path}:{line}: " in output, output
