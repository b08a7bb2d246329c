"""`iac-harness agree RUN --labels DIR`: how often the harness agrees with human labels;
also the `--labels` option that `score` and `report` share."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from harness.cli.common import console, err_console, fail, load_run_folder, output_folder
from harness.trust.agree import CLASSES, Agreement, agree, agreement_to_json
from harness.trust.labels import LabelError, LabelSet, load_labels

HELP = (
    "Measure how often the harness agrees with human labels.\n\n"
    "--labels DIR is a folder of YAML files, one per task (see the README: task, optional "
    "ranking best first, responses -> criterion -> label pass | fail | na | partial, with "
    "evidence). Prints overall agreement and Cohen's kappa, per criterion agreement, kappa "
    "and the 3x3 pass/fail/na confusion matrix, per task Spearman and Kendall tau between "
    "the harness's and the labelled ranking, the Spearman correlation of metadata.json "
    "training_quality with scores, and every disagreement with both sides' evidence. "
    "Labels naming a task, response or criterion the run does not have are counted and "
    "listed. The harness's partial counts as fail; its error is a disagreement.\n\n"
    "Writes OUT/agreement.json and OUT/agreement/index.html (OUT defaults to RUN).\n\n"
    "[bold]Examples[/bold]\n\n"
    "  iac-harness agree reports/run-1 --labels tests/data/labels\n\n"
    "  iac-harness report reports/run-1 --labels tests/data/labels   # labels in the report\n\n"
    "Exit status: 0; 2 when RUN is not a run folder or a label file has problems (each "
    "listed as file:line)."
)

MAX_DISAGREEMENTS = 40

LabelsOption = Annotated[
    Path | None,
    typer.Option(
        "--labels",
        metavar="DIR",
        help="Human label files (YAML, one per task): show each label beside the harness's "
        "status on response pages, mark disagreements in the heatmap and add an agreement "
        "page (kept in the run folder as labels.json).",
        show_default=False,
    ),
]


def labels_or_fail(path: Path) -> LabelSet:
    """The label files of ``path``, or exit 2: one problem is the error line; several are
    listed first (``file:line: message``, up to 20) and the error line counts them."""
    try:
        return load_labels(path)
    except LabelError as exc:
        problems = exc.problems
        if len(problems) == 1:
            fail(problems[0])
        for line in problems[:20]:
            err_console.print(line, markup=False, highlight=False, soft_wrap=True)
        more = " (the first 20 listed)" if len(problems) > 20 else " (listed above)"
        fail(f"{len(problems)} problems in the label files{more}")


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def summary_line(result: Agreement) -> str:
    return (
        f"agreement {_pct(result.overall)} ({result.agreed} of {result.n} labelled verdicts; "
        f"{_pct(result.judged_agreement)} of the {len(result.judged)} not na on both sides), "
        f"kappa {_num(result.kappa)}, {len(result.disagreements)} disagreements, "
        f"{len(result.unknown)} labels not in the run"
    )


def agreement_lines(result: Agreement) -> list[str]:
    """The console view (80 columns): totals, per criterion, rankings, disagreements."""
    lines = [summary_line(result), ""]
    lines.append(f"{'Criterion':<34} {'n':>4} {'agree':>7} {'kappa':>7}  confusion p/f/na")
    for c in result.criteria:
        matrix = " ".join("".join(f"{v:>3}" for v in row) + " |" for row in c.confusion)
        lines.append(
            f"{c.criterion_id[:34]:<34} {c.n:>4} {_pct(c.agreement):>7} {_num(c.kappa):>7}  "
            f"{matrix.rstrip(' |')}"
        )
    lines.append(f"  (confusion rows: label {'/'.join(CLASSES)}; columns: harness)")
    if result.rankings:
        lines.append("")
        lines.append(f"{'Task ranking':<40} {'n':>3} {'spearman':>9} {'kendall':>9}")
        for r in result.rankings:
            lines.append(
                f"{r.task_id[:40]:<40} {len(r.labelled):>3} {_num(r.spearman):>9} "
                f"{_num(r.kendall):>9}"
            )
    for q in result.quality:
        lines.append(f"training_quality vs {q.of} score: spearman {_num(q.spearman)} (n={q.n})")
    if result.disagreements:
        lines.append("")
        lines.append("Disagreements:")
        for p in result.disagreements[:MAX_DISAGREEMENTS]:
            lines.append(
                f"  {p.label.task_id}/{p.label.response_id} {p.label.criterion_id}: "
                f"label {p.label.given}, harness {p.status}"
            )
        more = len(result.disagreements) - MAX_DISAGREEMENTS
        if more > 0:
            lines.append(f"  ... {more} more in agreement.json")
    if result.unknown:
        lines.append("")
        lines.append(f"Labels the run does not match ({len(result.unknown)}):")
        for u in result.unknown[:MAX_DISAGREEMENTS]:
            what = "/".join(x for x in (u.task_id, u.response_id, u.criterion_id) if x)
            lines.append(f"  {u.where}: {what}: {u.reason}")
    return lines


def agree_command(
    run_dir: Annotated[Path, typer.Argument(help="Run folder (iac-harness score).", metavar="RUN")],
    labels: Annotated[
        Path,
        typer.Option("--labels", metavar="DIR", help="Folder of label files (YAML, one per task)."),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Where to write agreement.json (default: RUN)."),
    ] = None,
) -> None:
    """Agreement of the harness with human labels (see the command's help)."""
    run = load_run_folder(run_dir)
    label_set = labels_or_fail(labels)
    target = output_folder(out or run_dir, what="output folder")
    result = agree(run, label_set)
    for line in agreement_lines(result):
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    document = json.dumps(agreement_to_json(result), indent=2, ensure_ascii=False)
    (target / "agreement.json").write_text(document + "\n", encoding="utf-8")
    from harness.report.trustpages import write_agreement_page

    page = write_agreement_page(result, run, target / "agreement")
    console.print(f"json  {target / 'agreement.json'}\nhtml  {page}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    """Add the `agree` command to the application."""
    app.command("agree", help=HELP)(agree_command)
