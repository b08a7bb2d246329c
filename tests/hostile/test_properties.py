"""Property-based tests over the stages a hostile response reaches: whatever the input,
extraction writes only inside its folder, overlays never lose a turn's own files, the HCL
model builds without raising and with spans inside their files, and no spreadsheet cell
starts a formula from input text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.extract import WriteError, extract, overlay, write_tree
from harness.store import csv_safe_row
from harness.terraform import build

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

NAMES = st.one_of(
    st.sampled_from(
        [
            "../../etc/passwd",
            "/tmp/x.tf",
            "C:\\x.tf",
            "\\\\srv\\s\\x.tf",
            "CON.tf",
            "a\x00b.tf",
            "\u202egnp.tf",
            "x" * 300,
            "a/" * 80 + "x.tf",
            "main.tf",
            "modules/db/main.tf",
            "~/.ssh/authorized_keys",
            "..",
            ".",
            "",
        ]
    ),
    st.text(max_size=40),
)
CODE = st.text(alphabet=st.sampled_from(list('abc ={}[]"$\n#`<>/\\.-')), max_size=200)


@st.composite
def markdown(draw: st.DrawFn) -> str:
    """A response made of pieces every naming convention reads, with hostile names."""
    parts = []
    for _ in range(draw(st.integers(1, 6))):
        name, code = draw(NAMES), draw(CODE)
        style = draw(st.integers(0, 6))
        fence = draw(st.sampled_from(["```", "````", "~~~"]))
        lang = draw(st.sampled_from(["hcl", "terraform", "", "yaml", "markdown"]))
        if style == 0:
            parts.append(f"## {name}\n\n{fence}{lang}\n{code}\n{fence}\n")
        elif style == 1:
            parts.append(f"File: `{name}`\n{fence}{lang}\n{code}\n{fence}\n")
        elif style == 2:
            parts.append(f"**{name}**\n{fence}{lang}\n{code}\n{fence}\n")
        elif style == 3:
            parts.append(f"{fence}{lang}\n# {name}\n{code}\n{fence}\n")
        elif style == 4:
            parts.append(f'{fence}{lang} title="{name}"\n{code}\n{fence}\n')
        elif style == 5:
            parts.append(f"```\nroot/\n├── {name}\n└── main.tf\n```\n")
        else:
            parts.append(draw(st.text(max_size=100)) + "\n")
    return "\n".join(parts)


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(markdown())
def test_extraction_writes_only_inside_its_folder(tmp_path: Path, text: str) -> None:
    out = tmp_path / "out"
    tree = extract(text, response_id="r")
    try:
        written = write_tree(tree, out)
    except WriteError:
        written = []
    for path in written:
        assert _inside(path, out)
    for path in tmp_path.rglob("*"):
        assert _inside(path, tmp_path) and not path.is_symlink()
    assert {p.name for p in tmp_path.iterdir()} <= {"out"}


@settings(max_examples=60, deadline=None)
@given(st.lists(markdown(), min_size=1, max_size=3))
def test_overlay_keeps_every_file_of_the_last_turn(texts: list[str]) -> None:
    trees = [extract(t, response_id=f"r{i}") for i, t in enumerate(texts)]
    merged = overlay(trees)
    last = {f.path for f in trees[-1]}
    own = {f.path for f in merged if not f.origin.carried_over}
    assert last == own
    assert {f.path for f in merged} == set().union(*({f.path for f in t} for t in trees))


HCL_PIECES = st.sampled_from(
    [
        'resource "aws_s3_bucket" "b" {',
        "}",
        "{",
        "[",
        "]",
        "(",
        ")",
        '"',
        "${",
        "%{",
        "<<EOT\n",
        "\nEOT\n",
        " = ",
        "var.x",
        "local.y",
        "module.m.out",
        "\n",
        "#",
        "/*",
        "*/",
        "for x in [1]: x",
        "? 1 : 2",
        "jsonencode({a = 1})",
        "...",
        "<YOUR_VALUE>",
        "\x00",
        "\u202e",
        "1e309",
        'tags = { Name = "x" }',
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(HCL_PIECES, max_size=60).map("".join))
def test_model_build_never_raises_and_spans_stay_inside_the_file(code: str) -> None:
    text = f"## main.tf\n\n```hcl\n{code}\n```\n"
    tree = extract(text, response_id="r")
    config = build(tree)
    lines = {f.path: f.content.count("\n") + 1 for f in tree}
    for resource in config.resources():
        span = resource.span
        assert span.path in lines
        assert 1 <= span.start_line <= lines[span.path]
        assert span.end_line is None or span.start_line <= span.end_line <= lines[span.path]
    for diagnostic in config.diagnostics:
        if diagnostic.span is not None and diagnostic.span.path in lines:
            assert 1 <= diagnostic.span.start_line <= lines[diagnostic.span.path]


@given(st.lists(st.text(max_size=30), min_size=1, max_size=6))
def test_csv_cells_never_start_a_formula(cells: list[str]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(csv_safe_row(cells))
    for cell in next(csv.reader(io.StringIO(buffer.getvalue()), strict=False)):
        if cell[:1] in FORMULA_STARTS:
            float(cell)  # only a number may start with + or -


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.text(min_size=1, max_size=40), min_size=3, max_size=3))
def test_xlsx_never_holds_a_formula_from_input_text(tmp_path: Path, texts: list[str]) -> None:
    from dataclasses import replace

    from openpyxl import load_workbook

    from harness.report import build_reports
    from harness.store import write_run
    from tests.report.synthetic import synthetic_run

    run = synthetic_run()
    first = run.responses[0]
    hostile = replace(
        first,
        task_id=texts[0],
        response_id=texts[1],
        criteria=tuple(replace(c, message=texts[2]) for c in first.criteria),
    )
    out = tmp_path / "run"
    if out.exists():
        import shutil

        shutil.rmtree(out)
    write_run(out, replace(run, responses=(hostile, *run.responses[1:])))
    build_reports(out, ("xlsx",))
    for sheet in load_workbook(out / "report.xlsx").worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                risky = isinstance(value, str) and value[:1] in FORMULA_STARTS
                assert cell.data_type != "f", (sheet.title, cell.coordinate, value)
                assert not risky or cell.quotePrefix, (sheet.title, cell.coordinate, value)
