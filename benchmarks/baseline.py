"""What the corpus benchmarks share on their command line, and how the ones that compare this
code with a git commit's run that commit: its tree exported with ``git archive``, then one
round of the same script in a fresh process with that code first on ``PYTHONPATH``, which
writes its figures as JSON (``--emit FILE``) for the parent to read."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = Path(os.environ.get("IAC_HARNESS_CORPUS", REPO.parent / "shared" / "corpus"))


def add_corpus(parser: argparse.ArgumentParser) -> None:
    """``--corpus`` (default ``$IAC_HARNESS_CORPUS``, else ``../shared/corpus``)."""
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)


def add_emit(parser: argparse.ArgumentParser | argparse._MutuallyExclusiveGroup) -> None:
    """The hidden ``--emit FILE`` a round run by ``emitted_round`` gets."""
    parser.add_argument("--emit", type=Path, help=argparse.SUPPRESS)


def parse_with_corpus(parser: argparse.ArgumentParser) -> tuple[argparse.Namespace, Path]:
    """The parsed arguments and the resolved ``--corpus``; exit 2 (said on stderr) when it
    holds no corpus (a ``terraform`` folder)."""
    args = parser.parse_args()
    corpus: Path = args.corpus.resolve()
    if not (corpus / "terraform").is_dir():
        print(f"corpus not found at {corpus}", file=sys.stderr)
        raise SystemExit(2)
    return args, corpus


def export_commit(commit: str, into: Path) -> Path:
    """``commit``'s tree of this repository, extracted under ``into`` (its harness importable
    from the returned folder)."""
    archive = into / "src.tar"
    subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", "-o", str(archive), commit],
        check=True,
    )
    code = into / "src"
    with tarfile.open(archive) as tar:
        tar.extractall(code, filter="data")
    return code


def emitted_round(script: Path, code: Path, corpus: Path, workdir: Path) -> Any:
    """Run ``script --corpus CORPUS --emit FILE`` in a fresh process with ``code`` first on
    ``PYTHONPATH`` (in ``workdir``) and return the JSON it wrote."""
    output = workdir / "emitted.json"
    env = dict(os.environ, PYTHONPATH=str(code))
    command = [sys.executable, str(script), "--corpus", str(corpus), "--emit", str(output)]
    subprocess.run(command, check=True, env=env, cwd=workdir)
    return json.loads(output.read_text())


def emitted(path: Path | None, measure: Callable[[], object]) -> bool:
    """In a round run by ``emitted_round`` (``--emit FILE``): measure once, write the JSON to
    ``path`` and say so (the script then exits); False otherwise."""
    if path is None:
        return False
    path.write_text(json.dumps(measure()))
    return True
