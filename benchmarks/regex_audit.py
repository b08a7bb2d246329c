"""Audit every regular expression of the package for catastrophic backtracking.

Every compiled pattern held by a module of ``harness`` (module attributes, and class
attributes one level down) is run with ``search`` and ``findall`` on attack strings built
from its own literal characters (each repeated, each pair alternated, then a character that
spoils the match) and on generic ones (spaces, dashes, ``${``, drawing characters, ...), each
``--size`` characters long. A linear-time pattern takes milliseconds on these; a backtracking
one takes seconds (quadratic) or never ends (exponential). The patterns run in a child
process; one that has not finished ``--budget`` seconds (plus 30 s of start-up slack) after
it started is recorded as a timeout, the child is killed and the audit goes on after it.

    python benchmarks/regex_audit.py [--size 20000] [--budget 10] [--top 15]

Prints the slowest patterns; the last line is a JSON summary with every pattern over
``--slow`` seconds (default 0.5).
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import json
import multiprocessing
import pkgutil
import re
import sys
import time
from pathlib import Path

#: Patterns whose callers bound the input before they run, and the bound (characters):
#: they are attacked with inputs of that size, as in the harness.
BOUNDED = {"harness.extract.naming._PLACEHOLDER": "harness.extract.naming.MAX_PLACEHOLDER_LINE"}
GENERIC = (" ", "\t", "\n", "-", "a", "0", "${", "# ", "│   ├── ", "<", "`", "*", "\\", '"', "/")


def patterns() -> list[tuple[str, re.Pattern[str]]]:
    """(``module.NAME``, pattern) for every compiled ``str`` pattern in the package."""
    import harness

    found: dict[int, tuple[str, re.Pattern[str]]] = {}
    for info in pkgutil.walk_packages(harness.__path__, "harness."):
        if ".data" in info.name or info.name.endswith("__main__"):
            continue
        try:
            module = importlib.import_module(info.name)
        except Exception:  # an optional extra that is not installed
            continue
        for name, value in vars(module).items():
            owners = [(name, value)]
            if isinstance(value, type) and value.__module__ == module.__name__:
                owners = [(f"{name}.{k}", v) for k, v in vars(value).items()]
            for label, item in owners:
                if isinstance(item, re.Pattern) and isinstance(item.pattern, str):
                    found.setdefault(id(item), (f"{module.__name__}.{label}", item))
    from harness.checks.tone.checks import lexicon

    for entry in lexicon():  # compiled at run time from the shipped tone lexicon
        label = f"tone lexicon: {entry.group}: {entry.label}"
        found.setdefault(id(entry.pattern), (label, entry.pattern))
    return sorted(found.values(), key=lambda p: p[0])


def bound_of(name: str, size: int) -> int:
    """The input size a pattern meets in the harness (``size`` unless its caller bounds it)."""
    if name not in BOUNDED:
        return size
    module, constant = BOUNDED[name].rsplit(".", 1)
    return min(size, int(getattr(importlib.import_module(module), constant)))


def attacks(pattern: re.Pattern[str], size: int) -> list[str]:
    literals = sorted({c for c in pattern.pattern if c.isprintable() and c not in "()[]?+*{}|^$"})
    pieces = list(GENERIC) + literals
    made = []
    for piece in pieces:
        made.append(piece * (size // len(piece)) + "\x00")
    for a, b in itertools.pairwise(pieces):
        made.append((a + b) * (size // (len(a) + len(b))) + "\x00")
    return made


def _audit_from(first: int, size: int, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """Child: time each pattern from ``first`` on, reporting before and after each one."""
    found = patterns()
    for index in range(first, len(found)):
        name, pattern = found[index]
        out.put(("start", index, 0.0, ""))
        worst, which = 0.0, ""
        for text in attacks(pattern, bound_of(name, size)):
            start = time.perf_counter()
            pattern.search(text)
            pattern.findall(text[: size // 4])
            took = time.perf_counter() - start
            if took > worst:
                worst, which = took, repr(text[:12])
        out.put(("done", index, worst, which))
    out.put(("end", len(found), 0.0, ""))


def audit(size: int, budget: float) -> list[tuple[str, float, str, str]]:
    """(name, worst seconds, attack, source) per pattern; ``inf`` for a pattern still running
    after ``budget`` seconds (its child is killed and the audit goes on after it)."""
    found = patterns()
    results: list[tuple[str, float, str, str]] = []
    context = multiprocessing.get_context("spawn")
    first = 0
    while first < len(found):
        queue = context.Queue()
        child = context.Process(target=_audit_from, args=(first, size, queue), daemon=True)
        child.start()
        current = first
        while True:
            try:
                kind, index, worst, which = queue.get(timeout=budget + 30)
            except Exception:  # no word within the budget: the current pattern hangs
                child.kill()
                child.join()
                name, pattern = found[current]
                results.append((name, float("inf"), "timeout", pattern.pattern))
                first = current + 1
                break
            if kind == "start":
                current = index
            elif kind == "done":
                name, pattern = found[index]
                results.append((name, worst, which, pattern.pattern))
            else:
                child.join()
                first = len(found)
                break
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--budget", type=float, default=10.0)
    parser.add_argument("--slow", type=float, default=0.5)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    results = audit(args.size, args.budget)
    results.sort(key=lambda r: -r[1])
    for name, seconds, which, source in results[: args.top]:
        print(f"{seconds:8.3f} s  {name}  on {which}  /{source[:70]}/")
    slow = [
        {"pattern": name, "seconds": None if seconds == float("inf") else round(seconds, 3),
         "attack": which}
        for name, seconds, which, _ in results if seconds > args.slow
    ]  # fmt: skip
    print(
        json.dumps(
            {
                "benchmark": "regex_audit",
                "patterns": len(results),
                "size": args.size,
                "slowest_s": round(min(results[0][1], 1e9), 3) if results else 0,
                "slow": slow,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.exit(main())
