"""Directory-tree drawings (``├── main.tf`` lines) and the files they promise.

Responses often open with a drawing of the project layout. It is not a file, but it is a
promise: a later check can report files that were drawn but never written. A drawing usually
has a root folder (``terraform/``, ``my-project/``) that the response's file headings leave
out; :func:`drawing_paths` keeps the root separate so the caller can decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TREE_CHARS = "│├└─┃┣┗━┊┆|`+- \t\u00a0"
_BRANCH = re.compile(r"(├|└|┣|┗|\|--|\|__|`--|\+--|\|-|`-)")
_NAME_START = re.compile(r"[\w.~@$]")
_COMMENT_CUT = re.compile(r"\s+(#|//|<-|←|-{1,2}>|—|–|-\s|\()|\s{2,}")


@dataclass(frozen=True, slots=True)
class Drawing:
    """The entries of one drawing: ``root`` is its top folder (None when it has none)."""

    root: str | None
    files: tuple[str, ...]  # paths relative to the root, as drawn ("modules/vpc/main.tf")
    directories: tuple[str, ...]


def _split(line: str) -> tuple[str, str]:
    """(prefix of tree characters, the rest)."""
    index = 0
    while index < len(line) and line[index] in _TREE_CHARS:
        index += 1
    return line[:index], line[index:]


def _entry(line: str) -> tuple[int, str] | None:
    """(column of the branch, raw name) for a ``├── name`` line, else None."""
    prefix, rest = _split(line)
    branches = list(_BRANCH.finditer(prefix))
    match = branches[-1] if branches else None  # the last branch marker is the entry's own
    if match is None or not rest or not _NAME_START.match(rest):
        return None
    return match.start(), rest


def _clean_name(rest: str) -> str:
    name = _COMMENT_CUT.split(rest, maxsplit=1)[0].strip()
    return name.strip("`*\"'")


def is_drawing(content: str) -> bool:
    """A block is a drawing when most of its non-blank lines are tree entries (two or more)."""
    lines = [line for line in content.split("\n") if line.strip()]
    if not lines:
        return False
    entries = sum(1 for line in lines if _entry(line) is not None)
    spacers = sum(1 for line in lines if not _split(line)[1].strip())
    return entries >= 2 and (entries + spacers) * 10 >= len(lines) * 6


def parse_drawing(content: str) -> Drawing:
    """Read the folders and files of a drawing, nesting by the column of each branch."""
    root: str | None = None
    items: list[tuple[int, str, bool]] = []  # (column, name, marked as directory)
    for line in content.split("\n"):
        entry = _entry(line)
        if entry is None:
            if not items and root is None:
                head = _clean_name(line.strip())
                if head and _NAME_START.match(head) and " " not in head:
                    root = head.rstrip("/") or "."
            continue
        column, rest = entry
        name = _clean_name(rest)
        if not name or not name.strip("."):
            continue
        items.append((column, name.rstrip("/"), name.endswith("/")))
    files: list[str] = []
    directories: list[str] = []
    stack: list[tuple[int, str]] = []
    for index, (column, name, marked_dir) in enumerate(items):
        while stack and stack[-1][0] >= column:
            stack.pop()
        path = "/".join([*(part for _, part in stack), name])
        has_children = index + 1 < len(items) and items[index + 1][0] > column
        if marked_dir or has_children:
            directories.append(path)
            stack.append((column, name))
        elif name not in ("...", "…"):
            files.append(path)
    if root in (".", "./"):
        root = None
    return Drawing(root=root, files=tuple(files), directories=tuple(directories))
