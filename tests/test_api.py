"""The library API: ``harness.extract/parse/load_rubric/grade/load_run`` are stable functions.

Each case runs in a fresh interpreter, because what broke was import order: the first
``import harness.extract`` (done by the stages themselves) used to rebind ``harness.extract``
to the subpackage, so the second call raised ``'module' object is not callable``.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_TASK

RESPONSE = SAMPLE_TASK / "MODEL_RESPONSE3.md"


def _fresh_python(code: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize(
    "prelude",
    ["import harness", "import harness.extract\nimport harness", "import harness.extract.markdown"],
    ids=["plain", "after-import-harness.extract", "after-a-deep-submodule"],
)
def test_api_callable_repeatedly_in_any_import_order(prelude: str) -> None:
    out = _fresh_python(
        f"""
        {prelude.replace(chr(10), chr(10) + "        ")}
        import harness
        from pathlib import Path
        response = Path({str(RESPONSE)!r})
        overall = set()
        for _ in range(3):
            tree = harness.extract(response)
            config = harness.parse(tree)
            rubric = harness.load_rubric("terraform-aws-production")
            result = harness.grade(tree, rubric)
            import harness.extract, harness.run, harness.rubric, harness.terraform
            overall.add(round(result.overall, 3))
            assert tree.files and config.modules, "empty tree or model"
        assert len(overall) == 1, overall
        print(type(harness.extract).__name__, type(harness.grade).__name__, overall.pop())
        """
    )
    kinds = out.split()
    assert kinds[:2] == ["function", "function"], out
    assert 0 < float(kinds[2]) <= 100


def test_load_run_reads_what_score_wrote(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from harness.cli import app

    run = tmp_path / "run"
    result = CliRunner().invoke(app, ["score", str(RESPONSE), "-o", str(run), "--no-report", "-q"])
    assert result.exit_code == 0, result.output
    out = _fresh_python(
        f"""
        import harness, harness.store
        for _ in range(2):
            data = harness.load_run({str(run)!r})
            print(len(data.responses), data.responses[0].response_id)
        """
    )
    assert out.split() == ["1", "MODEL_RESPONSE3"] * 2


def test_api_names_are_documented() -> None:
    import harness

    for name in ("extract", "parse", "load_rubric", "grade", "load_run"):
        function = getattr(harness, name)
        assert callable(function) and (function.__doc__ or "").strip(), name
        assert name in harness.__all__
