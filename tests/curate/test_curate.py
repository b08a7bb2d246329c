"""curate: the bundled sample's run to a dataset folder, read back with pyarrow and datasets."""

from __future__ import annotations

import itertools
import json
import os
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.curate import CurateConfig, DatasetFolderError, curate
from harness.curate.subsets import REPEATED
from harness.curate.write import schemas
from harness.run import score_paths
from tests.conftest import SAMPLE_REFERENCE, SAMPLE_TASK

RUNNER = CliRunner()


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "run"
    score_paths([SAMPLE_TASK], "aws-prod-stack", out, reference_dir=SAMPLE_REFERENCE)
    return out


@pytest.fixture(scope="module")
def dataset(sample_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ds") / "ds"
    # the sample's best model answer (hard-coded password, open DB port, IAM "*", a module
    # short of the reference) scores about 61, below the default SFT bar of 80: lower the bar
    # so the sft subset has a row to check the format with
    curate([sample_run], out, CurateConfig(min_score=55))
    return out


def _parquet(dataset: Path, subset: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = pq.read_table(
        dataset / "data" / subset / "train-00000-of-00001.parquet"
    ).to_pylist()
    return rows


def test_schema_of_every_subset(dataset: Path) -> None:
    for subset in ("preference", "kto", "sft"):
        table = pq.read_table(dataset / "data" / subset / "train-00000-of-00001.parquet")
        assert table.schema.equals(schemas()[subset]), subset
        meta = pq.ParquetFile(dataset / "data" / subset / "train-00000-of-00001.parquet")
        assert meta.metadata.row_group(0).column(0).compression == "ZSTD"


def test_jsonl_equals_parquet(dataset: Path) -> None:
    for subset in ("preference", "kto", "sft"):
        lines = (dataset / "jsonl" / subset / "train-00000-of-00001.jsonl").read_text("utf-8")
        assert [json.loads(x) for x in lines.splitlines()] == _parquet(dataset, subset)


def test_sample_rows(dataset: Path) -> None:
    pairs = _parquet(dataset, "preference")
    assert len(pairs) == 3  # the three turn-1 answers, pairwise; no tie, margins over 5
    for row in pairs:
        assert row["score_chosen"] > row["score_rejected"]  # type: ignore[operator]
        difference = row["score_chosen"] - row["score_rejected"]  # type: ignore[operator]
        assert row["margin"] == pytest.approx(difference, abs=1e-3)
        assert row["chosen"] != row["rejected"]
        assert set(row["criteria_chosen_wins"]).isdisjoint(row["criteria_rejected_wins"])  # type: ignore[arg-type]
        assert row["rubric_id"] == "aws-prod-stack" and len(str(row["rubric_sha256"])) == 64
    kto = {r["response_id"]: r for r in _parquet(dataset, "kto")}
    assert set(kto) == {"MODEL_RESPONSE", "MODEL_RESPONSE2", "MODEL_RESPONSE3", "MODEL_RESPONSE4"}
    follow_up = kto["MODEL_RESPONSE2"]["prompt"]
    assert [m["role"] for m in follow_up] == ["user", "assistant", "user"]  # type: ignore[union-attr,index]
    first_answer = (SAMPLE_TASK / "MODEL_RESPONSE.md").read_text("utf-8")
    assert follow_up[1]["content"] == first_answer  # type: ignore[index]
    assert follow_up[2]["content"] == (SAMPLE_TASK / "PROMPT2.md").read_text("utf-8")  # type: ignore[index]
    text = (SAMPLE_TASK / "MODEL_RESPONSE4.md").read_text("utf-8")
    assert kto["MODEL_RESPONSE4"]["completion"] == [{"role": "assistant", "content": text}]


def test_preference_rows_have_trl_explicit_prompt_conversational_shape(dataset: Path) -> None:
    """TRL's conversational preference format with an explicit prompt: ``prompt`` is the
    conversation up to the user's last turn (roles alternate, user first and last);
    ``chosen`` and ``rejected`` are the assistant's next message."""
    for row in _parquet(dataset, "preference"):
        prompt = row["prompt"]
        assert isinstance(prompt, list) and prompt
        roles = [m["role"] for m in prompt]
        assert roles[0] == roles[-1] == "user"
        assert all(a != b for a, b in itertools.pairwise(roles))
        for key in ("chosen", "rejected"):
            completion = row[key]
            assert isinstance(completion, list) and len(completion) == 1
            assert completion[0]["role"] == "assistant"
            assert isinstance(completion[0]["content"], str) and completion[0]["content"]
        assert set(m for message in prompt for m in message) == {"role", "content"}


def test_datasets_loads_every_subset(dataset: Path, tmp_path: Path) -> None:
    os.environ["HF_DATASETS_OFFLINE"] = "1"  # local files only: nothing may download
    os.environ["HF_HOME"] = str(tmp_path / "hf")
    import datasets

    for subset in ("preference", "kto", "sft"):
        loaded = datasets.load_dataset(str(dataset), subset, cache_dir=str(tmp_path / "c"))
        assert loaded["train"].num_rows == len(_parquet(dataset, subset))
    direct = datasets.load_dataset(
        "parquet", data_dir=str(dataset / "data" / "kto"), cache_dir=str(tmp_path / "c")
    )
    assert direct["train"].column_names[:3] == ["prompt", "completion", "label"]


def test_two_runs_write_byte_identical_files(sample_run: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    curate([sample_run], a, command="x")
    curate([sample_run], b, command="x")
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    for name in files:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_each_example_once_across_runs(sample_run: Path, tmp_path: Path) -> None:
    """Two runs that scored the same answers (or one run given twice) give each KTO and SFT
    example once; preference pairs stay within each run."""
    again = tmp_path / "again"
    shutil.copytree(sample_run, again)
    config = CurateConfig(min_score=55)
    one = curate([sample_run], tmp_path / "one", config)
    same = curate([sample_run, sample_run], tmp_path / "same", config)
    both = curate([sample_run, again], tmp_path / "both", config)
    for subset in ("kto", "sft"):
        assert same.rows(subset) == both.rows(subset) == one.rows(subset) > 0
    assert same.rows("preference") == one.rows("preference") > 0
    assert both.rows("preference") == 2 * one.rows("preference")  # each run's own pairs
    assert (both.desirable, both.undesirable) == (one.desirable, one.undesirable)
    card = (tmp_path / "both" / "README.md").read_text("utf-8")
    assert f"kto: {REPEATED}: {one.rows('kto')}" in card


def test_card_names_configs_sources_and_rules(dataset: Path) -> None:
    card = (dataset / "README.md").read_text("utf-8")
    assert card.startswith("---\nconfigs:\n- config_name: preference\n")
    assert "path: data/preference/*.parquet" in card
    for expected in ("## Source runs", "aws-prod-stack", "min_margin", "## Score histograms"):
        assert expected in card
    assert "ideal of a multi-turn task" in card  # the sample's ideal answers two prompts
    assert "config_name: ideal_audit" not in card and "(empty: no file written)" in card
    assert "desirable_weight" in card


def test_undecodable_response_is_excluded_and_counted(tmp_path: Path) -> None:
    task = tmp_path / "in" / "t1"
    task.mkdir(parents=True)
    (task / "PROMPT.md").write_text("Write an S3 bucket.\n")
    good = '```hcl\n# main.tf\nresource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n```\n'
    (task / "MODEL_RESPONSE.md").write_text(good)
    (task / "MODEL_RESPONSE2.md").write_bytes(good.encode() + b"\xff\xfe broken\n")
    run = tmp_path / "run"
    score_paths([tmp_path / "in"], "terraform-aws-production", run)
    summary = curate([run], tmp_path / "ds")
    assert summary.dropped == 1 and summary.rows("kto") == 1
    card = (tmp_path / "ds" / "README.md").read_text("utf-8")
    assert "markdown unreadable or not valid UTF-8: 1" in card


def test_cli_curate_and_errors(sample_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "ds"
    result = RUNNER.invoke(app, ["curate", str(sample_run), "-o", str(out), "--min-margin", "60"])
    assert result.exit_code == 0, result.output
    assert "preference" in result.output and (out / "README.md").is_file()
    assert (
        f"iac-harness curate {sample_run} -o {out} --min-margin 60.0"
        in (out / "README.md").read_text()
    )
    again = RUNNER.invoke(app, ["curate", str(sample_run), "-o", str(out)])
    assert again.exit_code == 2 and "--force" in again.output
    missing = RUNNER.invoke(app, ["curate", str(tmp_path / "nope"), "-o", str(tmp_path / "x")])
    assert missing.exit_code == 2 and "not a run folder" in missing.output
    bad = RUNNER.invoke(app, ["curate", str(sample_run), "-o", str(out), "--pair-with", "best"])
    assert bad.exit_code == 2 and "--pair-with" in bad.output


def test_force_replaces_a_dataset_and_nothing_else(sample_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "ds"
    assert RUNNER.invoke(app, ["curate", str(sample_run), "-o", str(out)]).exit_code == 0
    replaced = RUNNER.invoke(app, ["curate", str(sample_run), "-o", str(out), "--force"])
    assert replaced.exit_code == 0, replaced.output  # the dataset an earlier curate wrote
    kept = tmp_path / "mine"
    (kept / "sub").mkdir(parents=True)
    (kept / "notes.txt").write_text("important")
    mine = RUNNER.invoke(app, ["curate", str(sample_run), "-o", str(kept), "--force"])
    assert mine.exit_code == 2 and "holds notes.txt, which curate did not write" in mine.output
    assert (kept / "notes.txt").read_text() == "important" and (kept / "sub").is_dir()
    # the run being curated, given as the output by mistake, is left whole
    into_run = RUNNER.invoke(app, ["curate", str(sample_run), "-o", str(sample_run), "--force"])
    assert into_run.exit_code == 2 and "curate did not write" in into_run.output
    assert (sample_run / "responses.jsonl").is_file() and (sample_run / "run.json").is_file()
    (out / "README.md").write_text("# my own notes\n")  # a README that is not a card
    notes = RUNNER.invoke(app, ["curate", str(sample_run), "-o", str(out), "--force"])
    assert notes.exit_code == 2 and "not a dataset card" in notes.output
    assert (out / "README.md").read_text() == "# my own notes\n"


def test_the_library_refuses_to_replace_what_it_did_not_write(
    sample_run: Path, tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("important")
    with pytest.raises(DatasetFolderError, match=r"notes\.txt"):
        curate([sample_run], tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "important"


def test_config_file_errors_name_file_and_line(sample_run: Path, tmp_path: Path) -> None:
    config = tmp_path / "curate.yaml"
    config.write_text("min_margin: 10\nmax_pairs: 3\n")
    result = RUNNER.invoke(
        app, ["curate", str(sample_run), "-o", str(tmp_path / "ds"), "--config", str(config)]
    )
    assert result.exit_code == 2
    assert f"{config}:2: max_pairs" in result.output and "known keys" in result.output
    config.write_text("min_margin: lots\n")
    result = RUNNER.invoke(
        app, ["curate", str(sample_run), "-o", str(tmp_path / "ds"), "--config", str(config)]
    )
    assert result.exit_code == 2 and f"{config}:1: min_margin" in result.output
    config.write_text("min_margin: [unclosed\n")
    result = RUNNER.invoke(
        app, ["curate", str(sample_run), "-o", str(tmp_path / "ds"), "--config", str(config)]
    )
    message = " ".join(result.output.split())
    assert result.exit_code == 2 and f"error: {config}:2: invalid YAML" in message
    assert message.count(str(config)) == 1  # named once, with its line


def test_flags_override_the_config_file(sample_run: Path, tmp_path: Path) -> None:
    config = tmp_path / "curate.yaml"
    config.write_text("min_margin: 99\n")
    out = tmp_path / "ds"
    args = ["curate", str(sample_run), "-o", str(out), "--config", str(config)]
    result = RUNNER.invoke(app, args)
    assert result.exit_code == 0 and "preference          0 rows" in result.output
    assert not (out / "data" / "preference").exists()
    assert RUNNER.invoke(app, [*args, "--min-margin", "1", "--force"]).exit_code == 0
    assert len(_parquet(out, "preference")) == 3


def test_default_config_is_valid() -> None:
    assert CurateConfig().min_margin == 5.0


def test_each_rule_flag_and_its_default_spelled_out(sample_run: Path, tmp_path: Path) -> None:
    """--exclude-fragments and --allow-gate-failures change a default; --keep-fragments and
    --require-gates (the defaults spelled out, as scripts pass them) override a config file
    that changed it; both of a pair at once is a one-line usage error."""
    config = tmp_path / "curate.yaml"
    config.write_text("require_gates: false\nexclude_fragments: true\n")
    base = ["curate", str(sample_run), "--config", str(config), "--force", "-o"]

    def rules(*flags: str) -> str:
        out = tmp_path / "ds"
        result = RUNNER.invoke(app, [*base, str(out), *flags])
        assert result.exit_code == 0, result.output
        card = (out / "README.md").read_text("utf-8")
        return " ".join(line for line in card.splitlines() if "_gates`" in line or "fragm" in line)

    assert "`exclude_fragments`: True" in rules() and "`require_gates`: False" in rules()
    spelled = rules("--keep-fragments", "--require-gates")
    assert "`exclude_fragments`: False" in spelled and "`require_gates`: True" in spelled
    config.write_text("min_margin: 5\n")
    changed = rules("--exclude-fragments", "--allow-gate-failures")
    assert "`exclude_fragments`: True" in changed and "`require_gates`: False" in changed
    both = RUNNER.invoke(
        app, [*base, str(tmp_path / "x"), "--require-gates", "--allow-gate-failures"]
    )
    assert both.exit_code == 2
    assert "--require-gates and --allow-gate-failures contradict" in both.output
    assert "Traceback" not in both.output
