"""Write a deterministic synthetic batch: N response variants of the bundled sample.

Each variant starts from one of the bundled sample's answers (the four model responses and
the ideal, all written by this project) and gets one to three mutations: a security setting
flipped, a resource dropped, a file renamed, prose changed, or the answer cut off. Variants
are spread over task folders of ``--per-task`` responses (each with the sample's prompt and
ideal), so a batch looks like a real one: a few hundred responses per task.

    python benchmarks/synth.py N OUT [--per-task 250] [--seed 7]

The same N, seed and per-task always write the same bytes. The last line is a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "harness" / "data" / "sample"
TASK = SAMPLE / "responses" / "aws-prod-stack"
IDEAL = SAMPLE / "reference" / "aws-prod-stack" / "IDEAL_RESPONSE.md"

#: (pattern, replacement): settings a reviewer cares about, turned the wrong way
FLIPS: tuple[tuple[str, str], ...] = (
    (r"storage_encrypted\s*=\s*true", "storage_encrypted = false"),
    (r"publicly_accessible\s*=\s*false", "publicly_accessible = true"),
    (r"encrypted\s*=\s*true", "encrypted = false"),
    (r"create_before_destroy\s*=\s*true", "create_before_destroy = false"),
    (r"overwrite\s*=\s*true", "overwrite = false"),
    (r'"s3:GetObject"', '"s3:*"'),
    (r"block_public_acls\s*=\s*true", "block_public_acls = false"),
    (r"cidr_blocks\s*=\s*\[[^\]]*\]", 'cidr_blocks = ["0.0.0.0/0"]'),
)
PROSE = (
    "This setup is 100% production ready and will never fail!!!",
    "lol just run terraform apply and you're good, trust me",
    "Note: I have not tested this configuration, adjust as needed.",
    "Everything below follows every AWS best practice with zero exceptions.",
)
_RESOURCE = re.compile(r'^resource "[^"]+" "[^"]+" \{$', re.MULTILINE)
_FILE_NAME = re.compile(r"\b(main|variables|outputs|locals|providers)\.tf\b")


def flip_setting(text: str, rng: random.Random) -> tuple[str, str]:
    usable = [(p, r) for p, r in FLIPS if re.search(p, text)]
    if not usable:
        return text, "flip:none"
    pattern, replacement = rng.choice(usable)
    matches = list(re.finditer(pattern, text))
    hit = rng.choice(matches)
    return text[: hit.start()] + replacement + text[hit.end() :], f"flip:{replacement.split()[0]}"


def drop_resource(text: str, rng: random.Random) -> tuple[str, str]:
    starts = list(_RESOURCE.finditer(text))
    if not starts:
        return text, "drop:none"
    start = rng.choice(starts).start()
    end = text.find("\n}\n", start)
    if end < 0:
        return text, "drop:none"
    return text[:start] + text[end + 3 :], "drop:resource"


def rename_file(text: str, rng: random.Random) -> tuple[str, str]:
    names = sorted(set(_FILE_NAME.findall(text)))
    if not names:
        return text, "rename:none"
    old = rng.choice(names)
    return re.sub(rf"\b{old}\.tf\b", f"{old}_{rng.randint(1, 9)}.tf", text), "rename:file"


def change_prose(text: str, rng: random.Random) -> tuple[str, str]:
    return rng.choice(PROSE) + "\n\n" + text, "prose:tone"


def truncate(text: str, rng: random.Random) -> tuple[str, str]:
    return text[: int(len(text) * rng.uniform(0.5, 0.95))], "truncate"


MUTATIONS: tuple[Callable[[str, random.Random], tuple[str, str]], ...] = (
    flip_setting,
    flip_setting,
    drop_resource,
    rename_file,
    change_prose,
    truncate,
)


def variants(n: int, seed: int) -> list[tuple[str, list[str]]]:
    """``n`` (text, mutation names) pairs, the same for the same ``n`` and ``seed``."""
    bases = [p.read_text(encoding="utf-8") for p in sorted(TASK.glob("MODEL_RESPONSE*.md"))]
    bases.append(IDEAL.read_text(encoding="utf-8"))
    made = []
    for index in range(n):
        rng = random.Random(seed * 1_000_003 + index)
        text = bases[index % len(bases)]
        names = []
        for mutation in rng.sample(MUTATIONS, rng.randint(1, 3)):
            text, name = mutation(text, rng)
            names.append(name)
        made.append((text, names))
    return made


def write(n: int, out: Path, per_task: int, seed: int) -> dict[str, object]:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    kinds: Counter[str] = Counter()
    tasks = 0
    for index, (text, names) in enumerate(variants(n, seed)):
        task = out / f"synth-{index // per_task:04d}"
        if not task.is_dir():
            task.mkdir()
            shutil.copy(TASK / "PROMPT.md", task / "PROMPT.md")
            shutil.copy(IDEAL, task / "IDEAL_RESPONSE.md")
            tasks += 1
        number = index % per_task + 1
        name = "MODEL_RESPONSE.md" if number == 1 else f"MODEL_RESPONSE{number}.md"
        (task / name).write_text(text, encoding="utf-8")
        kinds.update(names)
    return {"responses": n, "tasks": tasks, "per_task": per_task, "seed": seed, "out": str(out)} | {
        "mutations": dict(sorted(kinds.items()))
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="responses to write")
    parser.add_argument("out", type=Path, help="folder of task folders (replaced)")
    parser.add_argument("--per-task", type=int, default=250, help="responses per task folder")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    summary = write(args.n, args.out, args.per_task, args.seed)
    print(json.dumps({"benchmark": "synth", **summary}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
