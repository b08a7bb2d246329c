"""Rubric loading: the shipped rubrics, extends/merge, and one-line file:line errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from harness.rubric import RubricError, load_rubric
from harness.rubric.yamldoc import MAX_ALIASES
from tests.conftest import ISSUE_CRITERIA, REPO_ROOT

BASE = """\
id: base
version: "1"
title: Base
scoring:
  gate_cap: 30
categories:
  - {id: completeness, title: Completeness, weight: 2}
  - {id: tone, title: Tone, weight: 1}
criteria:
  - id: complete.syntax_valid
    title: Parses
    category: completeness
    severity: critical
    gate: true
    why: Unparsable files stop init.
  - id: complete.required_modules
    title: Modules
    category: completeness
    params: {modules: [a]}
  - id: tone.professional
    title: Tone
    category: tone
    weight: 2
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_generic_rubric_has_exactly_the_issue_criteria() -> None:
    rubric = load_rubric("terraform-aws-production")
    # the reference.* criteria (comparison with the ideal) come on top of the issue's list
    assert [c.id for c in rubric.criteria if c.category != "reference"] == list(ISSUE_CRITERIA)
    assert set(rubric.category_ids) >= {
        "completeness", "naming", "lifecycle", "security", "testing",
        "monitoring", "tagging", "reliability", "tone",
    }  # fmt: skip
    assert all(c.why for c in rubric.criteria)
    assert {c.id for c in rubric.criteria if c.gate} >= {"complete.syntax_valid"}
    assert rubric.source == (REPO_ROOT / "rubrics" / "terraform-aws-production.yaml").resolve()


def test_sample_rubric_extends_the_generic_one() -> None:
    rubric = load_rubric(REPO_ROOT / "rubrics" / "aws-prod-stack.yaml")
    ids = [c.id for c in rubric.criteria if c.category != "reference"]
    assert ids[: len(ISSUE_CRITERIA)] == list(ISSUE_CRITERIA)
    modules = rubric.criterion("complete.required_modules").params.model_dump()["modules"]
    assert set(modules) == {"networking", "storage", "database", "compute", "monitoring"}
    assert len(rubric.sources) == 2


def test_info_hash_is_stable_and_tracks_content(tmp_path: Path) -> None:
    path = write(tmp_path, "base.yaml", BASE)
    first, second = load_rubric(path).info(), load_rubric(path).info()
    assert first.sha256 == second.sha256 and len(first.sha256) == 64
    assert first.gate_cap == 30
    assert first.criteria[1].params == {"modules": ["a"]}
    write(tmp_path, "base.yaml", BASE.replace("weight: 2\n", "weight: 3\n"))
    assert load_rubric(path).info().sha256 != first.sha256


def test_extends_merges_by_id(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", BASE)
    child = write(
        tmp_path,
        "child.yaml",
        """\
        id: child
        extends: base.yaml
        categories:
          - {id: tone, weight: 0.5}
        criteria:
          - id: complete.required_modules
            params: {modules: [a, b]}
            weight: 4
          - id: tone.professional
            disabled: true
          - id: complete.no_truncation
            title: Not cut off
            category: completeness
        """,
    )
    rubric = load_rubric(child)
    assert rubric.id == "child" and rubric.version == "1" and rubric.gate_cap == 30
    assert [c.id for c in rubric.criteria] == [
        "complete.syntax_valid",
        "complete.required_modules",
        "complete.no_truncation",
    ]
    modules = rubric.criterion("complete.required_modules")
    assert modules.weight == 4 and modules.title == "Modules"
    assert modules.params.model_dump() == {"modules": ["a", "b"]}
    assert rubric.category("tone").weight == 0.5 and rubric.category("tone").title == "Tone"
    assert rubric.disabled == ("tone.professional",)
    assert rubric.criterion("complete.syntax_valid").gate


def test_extends_by_shipped_id(tmp_path: Path) -> None:
    child = write(
        tmp_path,
        "child.yaml",
        """\
        id: child
        extends: terraform-aws-production
        criteria:
          - {id: tone.professional, disabled: true}
        """,
    )
    rubric = load_rubric(child)
    base = load_rubric("terraform-aws-production")
    assert len(rubric.criteria) == len(base.criteria) - 1
    assert rubric.disabled == ("tone.professional",)


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        (BASE + "  - {id: x.y, title: T, category: tone, check: nope.nope}\n",
         24, "unknown check id 'nope.nope'"),
        (BASE.replace("params: {modules: [a]}", "params: {modules: [a], depth: 2}"),
         19, "does not take param 'depth'"),
        (BASE.replace("params: {modules: [a]}", "params:\n      modules: 7"),
         20, "param 'modules'"),
        (BASE + "  - id: tone.professional\n    title: Again\n    category: tone\n",
         24, "duplicate criterion id 'tone.professional'"),
        (BASE.replace("category: tone\n    weight: 2", "category: style\n    weight: 2"),
         22, "unknown category 'style'"),
        (BASE.replace("  - {id: tone, title: Tone, weight: 1}",
                      "  - {id: tone, title: Tone, weight: 1}\n  - {id: tone, title: T2}"),
         9, "duplicate category id 'tone'"),
        (BASE.replace("    weight: 2\n", "    weight: heavy\n"), 23,
         "criterion 'tone.professional': weight"),
        (BASE.replace("severity: critical", "severity: huge"), 13, "severity"),
        (BASE.replace("title: Base", "title: Base\ncolour: blue"), 4, "colour: unknown key"),
        (BASE.replace('version: "1"\n', ""), 1, "version: required"),
        (BASE + "  - {id: new.one, category: tone, check: tone.professional}\n", 24,
         "'new.one': title: required"),
        (BASE.replace("id: base", "id: Base Rubric!"), 1, "not a valid id"),
        ("id: x\nversion: 1\ncriteria: [\n", 4, "invalid YAML"),
        ("- just\n- a list\n", 1, "must be a mapping"),
        (BASE.replace("title: Tone\n", "title: Tone\n    why: |\n      two\n      lines\n"),
         22, "single line"),
        (BASE.replace("title: Parses", "title: Parses\n    title: Again"), 12,
         "duplicate key 'title'"),
    ],
    ids=[
        "unknown-check", "unknown-param", "param-type", "duplicate-criterion", "unknown-category",
        "duplicate-category", "weight-type", "severity", "unknown-key", "no-version",
        "incomplete-new-criterion", "bad-id", "bad-yaml", "not-mapping", "multiline-why",
        "duplicate-key",
    ],
)  # fmt: skip
def test_errors_name_file_and_line(tmp_path: Path, text: str, line: int, fragment: str) -> None:
    path = write(tmp_path, "r.yaml", text)
    message = error_of(path)
    assert message.startswith(f"{path}:{line}: "), message
    assert fragment in message, message


def test_bad_extends(tmp_path: Path) -> None:
    path = write(tmp_path, "r.yaml", BASE.replace("title: Base", "title: Base\nextends: nowhere"))
    message = error_of(path)
    assert message.startswith(f"{path}:4: extends: 'nowhere' is neither"), message


def test_extends_cycle(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", BASE.replace("id: base", "id: a\nextends: b.yaml"))
    b = write(tmp_path, "b.yaml", BASE.replace("id: base", "id: b\nextends: a.yaml"))
    assert "extends: cycle b.yaml -> a.yaml -> b.yaml" in error_of(b)


def test_error_in_the_base_names_the_base_file(tmp_path: Path) -> None:
    base = write(
        tmp_path,
        "base.yaml",
        BASE.replace("check: ", "").replace("weight: 2\n", "weight: 2\n    check: gone.gone\n"),
    )
    child = write(tmp_path, "child.yaml", "id: child\nextends: base.yaml\n")
    assert error_of(child).startswith(f"{base.resolve()}:24: "), error_of(child)


def test_params_error_points_at_the_overriding_file(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", BASE)
    child = write(
        tmp_path,
        "child.yaml",
        "id: child\nextends: base.yaml\ncriteria:\n  - id: complete.required_modules\n"
        "    params:\n      modules: {a: 1}\n",
    )
    assert error_of(child).startswith(f"{child.resolve()}:6: "), error_of(child)


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 12)]
    message = error_of(write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n"))
    assert f"more than {MAX_ALIASES} YAML aliases" in message
    assert message.startswith(f"{tmp_path / 'bomb.yaml'}:")


def test_huge_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("id: big\n" + "# padding\n" * 200_000, encoding="utf-8")
    assert "bytes, more than" in error_of(path)


def test_python_tags_are_not_constructed(tmp_path: Path) -> None:
    path = write(tmp_path, "evil.yaml", "id: !!python/object/apply:os.system ['true']\n")
    assert "invalid YAML" in error_of(path)


def test_unknown_rubric_id_lists_shipped_ones() -> None:
    with pytest.raises(RubricError, match="terraform-aws-production"):
        load_rubric("no-such-rubric")


def test_coverage_scaling_is_set_in_scoring_and_inherited(tmp_path: Path) -> None:
    base = load_rubric(write(tmp_path, "base.yaml", BASE))
    assert base.coverage_share == 0.5 and base.coverage_criterion == "reference.resource_coverage"
    off = BASE.replace("  gate_cap: 30\n", "  gate_cap: 30\n  coverage_share: 0\n")
    write(tmp_path, "base.yaml", off)
    child = write(tmp_path, "child.yaml", "id: child\nextends: base.yaml\n")
    rubric = load_rubric(child)
    assert rubric.coverage_share == 0.0 and rubric.info().coverage_share == 0.0
    bad = BASE.replace("  gate_cap: 30\n", "  gate_cap: 30\n  coverage_share: 2\n")
    with pytest.raises(RubricError, match="coverage_share"):
        load_rubric(write(tmp_path, "bad.yaml", bad))
