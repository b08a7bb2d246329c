"""Resident memory of a process and all its descendants (Linux /proc), sampled while it runs:
what a batch really costs, workers included."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants now."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            pid, ppid = int(entry), int(fields[1])
            rss[pid] = int(fields[21]) * page
            children.setdefault(ppid, []).append(pid)
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return total


@dataclass(frozen=True)
class Finished:
    returncode: int
    output: str
    seconds: float
    peak_rss_mb: float


def run_measured(command: list[str], cwd: str | None = None, interval_s: float = 0.1) -> Finished:
    """Run ``command``; its exit status, output, wall seconds and the tree's peak RSS."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=cwd)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(process.pid))
            time.sleep(interval_s)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return Finished(process.returncode, output.decode(errors="replace"), seconds, peak / 2**20)
