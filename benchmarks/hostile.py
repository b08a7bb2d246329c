"""Write a deterministic adversarial corpus of our own: task folders that attack every stage.

Each task folder holds a prompt, an ideal and model responses built from attack families:

- ``paths``: traversal in every naming convention (headings, ``File:`` lines, bold labels,
  first comments, ``title=``, directory drawings), absolute, UNC, drive and device paths, NUL
  and control characters, bidi overrides, overlong names and deep folders;
- ``html``: script tags, event handlers, ``javascript:`` URLs, SVG, CSS and template syntax
  in prose, code, file names, task ids (folder names) and prompts;
- ``formula``: spreadsheet formulas (``=``, ``+``, ``-``, ``@``, tab, CR) in every text that
  reaches XLSX and CSV;
- ``encoding``: invalid UTF-8, UTF-16 with and without BOM, CRLF, CR, zero-width characters;
- ``markdown``: thousands of nested fences, 1 MB lines, unbalanced fences, 100k headings;
- ``hcl``: deep nesting, 100k-element lists, giant heredocs, unterminated strings and
  templates, interpolation bombs;
- ``regex``: inputs shaped to make backtracking regexes slow (long runs of spaces, dashes,
  ``${``, drawing characters, almost-placeholders).

Every payload that could run in a browser sets ``window.__pwned``; every path that escapes
carries a marker (``PWNED-<seed>``) so a soak can search the disk for it. ``OUT/tasks/``
holds the task folders, ``OUT/manifest.json`` the family of each response, ``OUT/rubrics/``
hostile rubric files (alias bombs, deep nesting, huge scalars, Python tags) for
``rubric check``.

    python benchmarks/hostile.py N OUT [--seed 1] [--per-task 20] [--heavy-every 50]

``N`` is the number of model responses; one in ``--heavy-every`` is a heavy pathology
(megabyte-sized); the rest are small. The last line is a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

FLAG = "window.__pwned=1"
HTML = (
    f"<script>{FLAG}</script>",
    f'"><img src=x onerror="{FLAG}">',
    f"[click](javascript:{FLAG})",
    f'<svg onload="{FLAG}"></svg>',
    f'<a href="javascript:{FLAG}">x</a>',
    f"<style>body{{background:url('javascript:{FLAG}')}}</style>",
    f'<iframe srcdoc="<script>parent.{FLAG}</script>"></iframe>',
    "{{ 7*7 }} {% raw %} ${7*7} <%= 7*7 %>",
    f"</textarea></code></pre><script>{FLAG}</script>",
)
FORMULAS = (
    '=HYPERLINK("http://example.invalid/x","click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)
ZERO_WIDTH = "\u200b\u200c\u200d\ufeff"
BIDI = "\u202e\u2066\u2067"


def _hcl(name: str = "b") -> str:
    return f'resource "aws_s3_bucket" "{name}" {{\n  bucket = "data-{name}"\n}}\n'


def paths(rng: random.Random, marker: str) -> str:
    bad = rng.choice(
        [
            f"../../../../tmp/{marker}.tf",
            f"/tmp/{marker}.tf",
            f"\\\\server\\share\\{marker}.tf",
            f"C:\\Windows\\{marker}.tf",
            "CON.tf",
            f"NUL/{marker}.tf",
            f"a\x00b/{marker}.tf",
            f"ctl\x07\x1b[31m/{marker}.tf",
            f"{BIDI[0]}ft.{marker}.exe",
            "x" * 300 + ".tf",
            "/".join(["deep"] * 120) + f"/{marker}.tf",
            f"modules/../../../{marker}.tf",
            f"~/{marker}.tf",
            f"$HOME/{marker}.tf",
        ]
    )
    style = rng.randrange(6)
    block = _hcl()
    if style == 0:
        return f"## {bad}\n\n```hcl\n{block}```\n"
    if style == 1:
        return f"File: `{bad}`\n\n```hcl\n{block}```\n"
    if style == 2:
        return f"**{bad}**\n\n```hcl\n{block}```\n"
    if style == 3:
        return f"```hcl\n# {bad}\n{block}```\n"
    if style == 4:
        return f'```hcl title="{bad}"\n{block}```\n'
    drawing = f"```\nproject/\n├── main.tf\n├── ../../{marker}.tf\n└── {bad}\n```\n"
    return drawing + f"\n## {bad}\n\n```hcl\n{block}```\n"


def html(rng: random.Random, marker: str) -> str:
    payload = rng.choice(HTML)
    name = rng.choice([f"{payload}.tf", "main.tf"])
    return (
        f"# Answer {payload}\n\n{payload} and more {rng.choice(HTML)}\n\n## {name}\n\n"
        f'```hcl\n# {payload}\nresource "aws_s3_bucket" "b" {{\n  bucket = "{payload}"\n'
        f'  tags = {{ Name = "{rng.choice(HTML)}" }}\n}}\n```\n\n'
        f"[{payload}](javascript:{FLAG})\n"
    )


def formula(rng: random.Random, marker: str) -> str:
    f1, f2 = rng.choice(FORMULAS), rng.choice(FORMULAS)
    return (
        f"{f1}\n\n## {f2.strip()}.tf\n\n```hcl\n# {f1}\n"
        f'resource "aws_iam_role" "r" {{\n  name = "{f2}"\n}}\n```\n\n{f2}\n'
    )


def encoding(rng: random.Random, marker: str) -> bytes:
    text = f"# Bucket{ZERO_WIDTH}\n\n## main{ZERO_WIDTH}.tf\n\n```hcl\n{_hcl()}```\n"
    kind = rng.randrange(6)
    if kind == 0:
        return text.encode("utf-8") + b"\xff\xfe\xc3\x28 invalid \xed\xa0\x80\n"
    if kind == 1:
        return text.encode("utf-16")  # with BOM
    if kind == 2:
        return text.encode("utf-16-le")  # without BOM
    if kind == 3:
        return text.replace("\n", "\r\n").encode("utf-8")
    if kind == 4:
        return text.replace("\n", "\r").encode("utf-8")
    return ("\ufeff" + text).encode("utf-8")


def markdown(rng: random.Random, marker: str, heavy: bool) -> str:
    kind = rng.randrange(4)
    scale = 1 if heavy else 100
    if kind == 0:
        depth = 10_000 // scale
        return "".join("`" * (3 + i % 7) + "hcl\n" for i in range(depth)) + _hcl()
    if kind == 1:
        return "word " * (200_000 // scale) + "\n```hcl\n" + _hcl() + "```\n"
    if kind == 2:
        return "```hcl\n" + _hcl() + "\n```\n```\n```hcl\n" * (500 // max(1, scale // 10))
    return "".join(f"## heading {i}\n" for i in range(100_000 // scale)) + "```hcl\n" + _hcl()


def hcl(rng: random.Random, marker: str, heavy: bool) -> str:
    kind = rng.randrange(5)
    scale = 1 if heavy else 100
    if kind == 0:
        depth = 5_000 // scale
        body = "locals {\n  x = " + "{ a = " * depth + "1" + " }" * depth + "\n}\n"
    elif kind == 1:
        body = "locals {\n  x = [" + ", ".join(["1"] * (100_000 // scale)) + "]\n}\n"
    elif kind == 2:
        lines = "\n".join(["line"] * (100_000 // scale))
        body = f'resource "aws_s3_object" "o" {{\n  content = <<EOT\n{lines}\nEOT\n}}\n'
    elif kind == 3:
        body = 'resource "aws_s3_bucket" "b" {\n  bucket = "unterminated ${var.x\n  acl = "x\n'
    else:
        depth = 2_000 // scale
        body = 'locals {\n  x = "' + "${" * depth + "1" + "}" * depth + '"\n}\n'
    return f"## main.tf\n\n```hcl\n{body}```\n"


def regex(rng: random.Random, marker: str, heavy: bool) -> str:
    n = 200_000 if heavy else 5_000
    attacks = (
        " " * n + "!",
        "-" * n + "x",
        "${" * (n // 2),
        "│   ├── " * (n // 8) + "\n",
        "<" * n + "YOUR",
        "# " * (n // 2) + "x.tf",
        "a" * n + "@",
        "TODO" * (n // 4),
        "`" * n,
        "**" * (n // 2),
    )
    attack = rng.choice(attacks)
    return f"{attack}\n\n## main.tf\n\n```hcl\n# {attack[:2000]}\n{_hcl()}```\n"


FAMILIES: dict[str, Callable[..., str | bytes]] = {
    "paths": paths,
    "html": html,
    "formula": formula,
    "encoding": encoding,
    "markdown": markdown,
    "hcl": hcl,
    "regex": regex,
}
HEAVY = {"markdown", "hcl", "regex"}

TASK_NAMES = (
    "task-{n}",
    '=HYPERLINK("x","{n}")',
    "+cmd-{n}",
    "@SUM-{n}",
    "-2+3-{n}",
    "<script>window.__pwned=1<\\script>-{n}",
    '"><img src=x onerror=window.__pwned=1>-{n}',
    "{{7*7}}-{n}",
    BIDI[0] + "task-{n}",
    "task" + ZERO_WIDTH + "-{n}",
)

RUBRIC_BOMBS = {
    "aliases.yaml": "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    ),
    "deep.yaml": "id: deep\ncriteria:\n" + "  " + "[" * 5000 + "]" * 5000 + "\n",
    "huge.yaml": "id: huge\ntitle: " + "x" * 3_000_000 + "\n",
    "python.yaml": "id: !!python/object/apply:os.system ['touch /tmp/PWNED-rubric']\n",
    "script.yaml": f'id: x\ntitle: "<script>{FLAG}</script>"\ncriteria: 5\n',
}


def _safe_name(template: str, n: int) -> str:
    return template.replace("{n}", str(n)).replace("/", "\\")[:200]


def write(
    n: int, out: Path, seed: int, per_task: int, heavy_every: int, marker: str = ""
) -> dict[str, object]:
    """Write the corpus; ``marker`` (default ``PWNED-<seed>``) names every escaping path."""
    if out.exists():
        shutil.rmtree(out)
    (out / "tasks").mkdir(parents=True)
    marker = marker or f"PWNED-{seed}"
    rng = random.Random(seed)
    families: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    manifest: list[dict[str, object]] = []
    tasks = 0
    task_dir = out
    for index in range(n):
        if index % per_task == 0:
            template = TASK_NAMES[tasks % len(TASK_NAMES)]
            task_dir = out / "tasks" / _safe_name(template, tasks)
            task_dir.mkdir()
            prompt = (
                f"Write Terraform for an S3 bucket. {rng.choice(HTML)} {rng.choice(FORMULAS)}\n"
            )
            (task_dir / "PROMPT.md").write_text(prompt, encoding="utf-8")
            ideal = f"# Ideal {rng.choice(HTML)}\n\n## main.tf\n\n```hcl\n{_hcl()}```\n"
            (task_dir / "IDEAL_RESPONSE.md").write_text(ideal, encoding="utf-8")
            tasks += 1
        family = list(FAMILIES)[index % len(FAMILIES)]
        # one response in ``heavy_every`` is heavy: every k-th of the families that can be
        k = max(1, round(heavy_every * len(HEAVY) / len(FAMILIES)))
        heavy = family in HEAVY and heavy_every > 0 and seen[family] % k == 0
        seen[family] += 1
        make = FAMILIES[family]
        content = make(rng, marker, heavy) if family in HEAVY else make(rng, marker)
        families[family + (" (heavy)" if heavy else "")] += 1
        number = index % per_task + 1
        name = "MODEL_RESPONSE.md" if number == 1 else f"MODEL_RESPONSE{number}.md"
        data = content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass")
        (task_dir / name).write_bytes(data)
        manifest.append(
            {"task": task_dir.name, "response": Path(name).stem, "family": family, "heavy": heavy}
        )
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=0) + "\n")
    rubrics = out / "rubrics"
    rubrics.mkdir()
    for name, text in RUBRIC_BOMBS.items():
        (rubrics / name).write_text(text, encoding="utf-8")
    return {
        "responses": n,
        "tasks": tasks,
        "marker": marker,
        "families": dict(sorted(families.items())),
        "rubrics": sorted(RUBRIC_BOMBS),
        "out": str(out),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="model responses to write")
    parser.add_argument("out", type=Path, help="folder to write (replaced)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-task", type=int, default=20)
    parser.add_argument("--heavy-every", type=int, default=50, help="0: no heavy pathology")
    args = parser.parse_args(argv)
    summary = write(args.n, args.out, args.seed, args.per_task, args.heavy_every)
    print(json.dumps({"benchmark": "hostile", **summary}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
