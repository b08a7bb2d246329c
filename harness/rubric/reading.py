"""Read rubric files: safe YAML with line numbers, schema validation that salvages what it
can (so every problem is reported), and the ``extends`` chain from a file to its base."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from harness.rubric.errors import Problems, RubricError
from harness.rubric.schema import ID_PATTERN, RubricFile
from harness.rubric.yamldoc import PathKey, YamlDoc, YamlDocError, load_yaml
from harness.shipped import rubric_dir

MAX_EXTENDS_DEPTH = 8
#: Where rubric ids are looked up: the package data (the checkout's rubrics/ links there).
SEARCH_DIRS: tuple[Path, ...] = (rubric_dir(),)


def find_rubric(ref: str, search_dirs: tuple[Path, ...] = SEARCH_DIRS) -> Path | None:
    """The file of a rubric id (``<dir>/<id>.yaml`` in one of ``search_dirs``), or None."""
    if not ID_PATTERN.match(ref):
        return None
    for folder in search_dirs:
        for suffix in (".yaml", ".yml"):
            candidate = folder / f"{ref}{suffix}"
            if candidate.is_file():
                return candidate
    return None


def available_rubrics(search_dirs: tuple[Path, ...] = SEARCH_DIRS) -> list[str]:
    """Ids of the rubrics shipped in ``search_dirs`` (by file name)."""
    found = {p.stem for folder in search_dirs if folder.is_dir() for p in folder.glob("*.y*ml")}
    return sorted(found)


@dataclass(frozen=True)
class ParsedFile:
    """One file of the chain. When entries were dropped for schema errors, ``positions`` maps
    each kept entry to its index in the file (for ``file:line``) and ``broken_categories``
    names the dropped categories, so criteria naming them are not also "unknown category"."""

    doc: YamlDoc
    spec: RubricFile
    positions: dict[str, tuple[int, ...]] = field(default_factory=dict)
    broken_categories: frozenset[str] = frozenset()

    def key(self, section: str, index: int) -> PathKey:
        """The key path in the file of the ``index``-th kept entry of ``section``."""
        kept = self.positions.get(section)
        return (section, kept[index] if kept is not None else index)


def _describe(doc: YamlDoc, loc: tuple[Any, ...]) -> str:
    """A readable name for a pydantic error location: ``criterion 'x': weight``."""
    if len(loc) >= 2 and loc[0] in ("criteria", "categories") and isinstance(loc[1], int):
        items = doc.data.get(loc[0]) if isinstance(doc.data, dict) else None
        item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
        name = item.get("id") if isinstance(item, dict) else None
        kind = "criterion" if loc[0] == "criteria" else "category"
        label = f"{kind} {name!r}" if isinstance(name, str) else f"{loc[0]}[{loc[1]}]"
        rest = ".".join(str(part) for part in loc[2:])
        return f"{label}: {rest}" if rest else label
    return ".".join(str(part) for part in loc) or "rubric"


def _add_validation_errors(doc: YamlDoc, exc: ValidationError, problems: Problems) -> None:
    for error in exc.errors():
        loc = tuple(error["loc"])
        if error["type"] == "extra_forbidden":
            message = "unknown key"
        elif error["type"] == "missing":
            message = "required"
        else:
            message = error["msg"]
        problems.add(doc, loc, f"{_describe(doc, loc)}: {message}")


def _item_index(loc: tuple[Any, ...]) -> tuple[str, int] | None:
    """``("criteria", 3)`` when a pydantic error is inside one list entry, else None."""
    if len(loc) >= 2 and loc[0] in ("criteria", "categories") and isinstance(loc[1], int):
        return str(loc[0]), loc[1]
    return None


def _salvage(doc: YamlDoc, exc: ValidationError) -> ParsedFile | None:
    """The file without its invalid list entries, so the rest can still be checked (and its
    problems reported in the same run); None when a top-level key itself is invalid."""
    bad = [_item_index(tuple(error["loc"])) for error in exc.errors()]
    drop = {item for item in bad if item is not None}
    if None in bad:  # a top-level key is wrong: nothing sensible to merge
        return None
    data = dict(doc.data)
    positions: dict[str, tuple[int, ...]] = {}
    broken: set[str] = set()
    for section in ("criteria", "categories"):
        entries = data.get(section)
        if not isinstance(entries, list):
            continue
        positions[section] = tuple(i for i in range(len(entries)) if (section, i) not in drop)
        data[section] = [entries[i] for i in positions[section]]
        if section == "categories":
            for index, entry in enumerate(entries):
                name = entry.get("id") if isinstance(entry, dict) else None
                if (section, index) in drop and isinstance(name, str):
                    broken.add(name)
    try:
        spec = RubricFile.model_validate(data)
    except ValidationError:
        return None
    return ParsedFile(doc, spec, positions, frozenset(broken))


def read_one(path: Path, problems: Problems) -> ParsedFile:
    """Read and validate one file; unusable YAML or schema raise with everything so far."""
    try:
        doc = load_yaml(path)
    except YamlDocError as exc:
        raise RubricError(*problems.error().problems, str(exc)) from None
    if not isinstance(doc.data, dict):
        problems.add(doc, (), "a rubric must be a mapping (id, categories, criteria)")
        raise problems.error()
    try:
        return ParsedFile(doc, RubricFile.model_validate(doc.data))
    except ValidationError as exc:
        _add_validation_errors(doc, exc, problems)
        salvaged = _salvage(doc, exc)
    if salvaged is None:
        raise problems.error()
    return salvaged


def read_chain(path: Path, search_dirs: tuple[Path, ...], problems: Problems) -> list[ParsedFile]:
    """The files of the extends chain, base first."""
    chain: list[ParsedFile] = []
    seen: list[Path] = []
    current: Path | None = path
    while current is not None:
        if current in seen:
            cycle = " -> ".join(p.name for p in (*seen, current))
            problems.add(chain[-1].doc, ("extends",), f"extends: cycle {cycle}")
            raise problems.error()
        if len(seen) > MAX_EXTENDS_DEPTH:
            text = f"extends: deeper than {MAX_EXTENDS_DEPTH} levels"
            problems.add(chain[-1].doc, ("extends",), text)
            raise problems.error()
        seen.append(current)
        file = read_one(current, problems)
        chain.append(file)
        current = None
        if file.spec.extends:
            current = _extends_target(file.doc, file.spec.extends, search_dirs, problems)
    chain.reverse()
    return chain


def _extends_target(
    doc: YamlDoc, ref: str, search_dirs: tuple[Path, ...], problems: Problems
) -> Path:
    relative = (doc.path.parent / ref).resolve()
    if relative.is_file():
        return relative
    by_id = find_rubric(ref, search_dirs)
    if by_id is not None:
        return by_id.resolve()
    known = ", ".join(available_rubrics(search_dirs)) or "none"
    problems.add(
        doc,
        ("extends",),
        f"extends: {ref!r} is neither a file next to {doc.path.name} nor a shipped rubric id "
        f"(shipped: {known})",
    )
    raise problems.error()


# -- merging and validation ---------------------------------------------------------------
