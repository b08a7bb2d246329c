"""Scans of a response's files shared by checks: code files and their placeholders, truncation
diagnostics, files a directory drawing promised but the response did not deliver."""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from harness.extract.types import ExtractedFile, FileTree
from harness.vocabulary import Diagnostic

#: Languages whose blocks are code (scanned for placeholders); prose-like blocks are not.
CODE_LANGUAGES = frozenset(
    {"hcl", "terraform", "tfvars", "bash", "sh", "python", "go", "typescript", "javascript"}
    | {"yaml", "json", "dockerfile", "hcl-test"}
)
_HCL = frozenset({"hcl", "terraform", "tfvars"})
_COMMENT = {
    "python": r"#",
    "bash": r"#",
    "sh": r"#",
    "yaml": r"#",
    "dockerfile": r"#",
    "go": r"//",
    "typescript": r"//",
    "javascript": r"//",
    "json": r"//",
}
_HCL_COMMENT = r"(?:#|//|/\*)"
#: Phrases that stand in for code that was not written (matched inside comments).
_PLACEHOLDER_PHRASES = re.compile(
    r"\b(?:TODO|FIXME|TBD|XXX)\b"
    r"|rest of (?:the )?(?:configuration|config|code|resources?|file|module|implementation)"
    r"|remaining (?:resources|configuration|code|modules|files|outputs|variables)"
    r"|(?:omitted|truncated|abbreviated|shortened) for brevity|for brevity"
    r"|same as (?:above|before|previous)"
    r"|(?:add|include|implement) (?:more|additional|other|the rest|remaining)\b"
    r"|(?:your|actual) (?:code|implementation|logic) here|implement(?:ation)? here"
    r"|(?:existing|previous|other) (?:code|configuration|resources) (?:remains?|unchanged|here)"
    r"|\.\.\.\s*(?:existing|previous|other|more|rest|remaining)",
    re.IGNORECASE,
)
#: Words one of which (in lower case) every match of ``_PLACEHOLDER_PHRASES`` holds.
_PHRASE_WORDS: tuple[str, ...] = (
    *("todo", "fixme", "tbd", "xxx", "rest", "remaining", "brevity", "same", "add", "include"),
    *("implement", "here", "existing", "previous", "other", "..."),
)


def names_placeholder(comment: str) -> bool:
    """Whether ``_PLACEHOLDER_PHRASES`` matches in ``comment``. The case-insensitive search is
    slow and nearly every comment is clean: an ASCII comment holding none of
    ``_PHRASE_WORDS`` cannot match (for ASCII text, ignoring case is lower-casing), so it is
    answered without the search; any other comment is searched."""
    if comment.isascii():
        lowered = comment.lower()
        if not any(word in lowered for word in _PHRASE_WORDS):
            return False
    return _PLACEHOLDER_PHRASES.search(comment) is not None


#: A comment that opens with an ellipsis ("# ... additional outputs"): elided code, as the
#: parser's placeholder scan and extraction read it.
_ELLIPSIS_COMMENT = re.compile(r"^(?:#|//|/\*)\s*(?:\.\.\.|…)")
#: A line that is only an ellipsis (optionally commented): elided code.
_ELLIPSIS_LINE = re.compile(r"^\s*(?:(?:#|//|/\*)\s*)?(?:\.\.\.|…)\s*(?:\*/)?\s*$")
#: ``<YOUR_VALUE>``-style slots in HCL (not heredoc ``<<EOF`` nor ``<=`` comparisons).
_ANGLE_SLOT = re.compile(r"(?<![<\w])<(?=[A-Za-z_-]*[A-Z_]{2}|[a-z]*your)[A-Za-z][\w .-]{1,40}>")


@dataclass(frozen=True)
class Placeholder:
    path: str
    line: int
    text: str
    kind: str  # "ellipsis", "phrase", "slot"


def _comment_part(line: str, language: str) -> str | None:
    marker = _HCL_COMMENT if language in _HCL else _COMMENT.get(language)
    if marker is None:
        return None
    match = re.search(marker, line)
    return line[match.start() :] if match else None


#: Cheap whole-file pre-filter: only lines holding one of these are examined.
_CANDIDATE = re.compile(r"\.\.\.|…|<|#|//|/\*")


def _candidate_lines(content: str) -> list[tuple[int, str]]:
    """(1-based number, text) of the lines the pre-filter selects, numbered as
    ``str.splitlines`` numbers them (as evidence snippets do)."""
    lines = content.splitlines(keepends=True)
    starts = list(itertools.accumulate((len(line) for line in lines), initial=0))
    numbers = sorted({bisect.bisect_right(starts, m.start()) for m in _CANDIDATE.finditer(content)})
    return [(n, lines[n - 1].rstrip("\r\n")) for n in numbers if 0 < n <= len(lines)]


@lru_cache(maxsize=512)
def placeholders_in(file: ExtractedFile) -> tuple[Placeholder, ...]:
    """Placeholder hits in one code file: elided-code ellipses, stand-in phrases in comments,
    and ``<YOUR_VALUE>`` slots in HCL. (Cached: the completeness and tone checks both ask.)"""
    language = file.language.lower()
    if language not in CODE_LANGUAGES and not file.path.endswith((".tf", ".tfvars", ".hcl")):
        return ()
    hcl = language in _HCL or file.path.endswith((".tf", ".tfvars", ".hcl"))
    hits: list[Placeholder] = []
    for number, line in _candidate_lines(file.content):
        if _ELLIPSIS_LINE.match(line) and (hcl or _comment_part(line, language) is not None):
            hits.append(Placeholder(file.path, number, line.strip(), "ellipsis"))
            continue
        comment = _comment_part(line, "hcl" if hcl else language)
        if comment is not None and (_ELLIPSIS_COMMENT.match(comment) or names_placeholder(comment)):
            hits.append(Placeholder(file.path, number, line.strip(), "phrase"))
            continue
        if hcl and not line.lstrip().startswith(("#", "//")):
            slot = _ANGLE_SLOT.search(line)
            if slot:
                hits.append(Placeholder(file.path, number, line.strip(), "slot"))
    return tuple(hits)


def code_files(tree: FileTree) -> list[ExtractedFile]:
    return [
        f
        for f in tree.files
        if f.language.lower() in CODE_LANGUAGES or f.path.endswith((".tf", ".tfvars", ".hcl"))
    ]


def truncation_diagnostics(tree: FileTree) -> list[Diagnostic]:
    return [d for d in tree.diagnostics if "truncat" in d.code.lower()]


# -- promised files -----------------------------------------------------------------------

#: Files a directory drawing may show that nobody writes by hand (generated or state).
_GENERATED = re.compile(
    r"(^|/)(\.terraform(/|$)|\.terraform\.lock\.hcl$|terraform\.tfstate(\.backup)?$|"
    r"[^/]*\.tfplan$|tfplan$|node_modules/|__pycache__/|\.git/|crash\.log$|\.DS_Store$)"
)


def _strip_common_root(promised: list[str], paths: set[str]) -> list[str]:
    """Drop a project folder shared by every promised path when the tree has no such
    folder (``my-stack/main.tf`` in the drawing vs ``main.tf`` in the response)."""
    heads = {p.split("/", 1)[0] for p in promised}
    if len(heads) != 1 or not all("/" in p for p in promised):
        return promised
    head = heads.pop()
    if any(p.split("/", 1)[0] == head for p in paths):
        return promised
    return [p.split("/", 1)[1] for p in promised]


def promised_status(tree: FileTree) -> list[tuple[str, str | None]]:
    """Each promised file (as drawn) with the extracted path that delivers it, or None."""
    paths = set(tree.paths)
    drawn = [
        p for p in tree.promised_files if p and not p.endswith("/") and not _GENERATED.search(p)
    ]
    normalised = _strip_common_root(drawn, paths)
    result: list[tuple[str, str | None]] = []
    for original, wanted in zip(drawn, normalised, strict=True):
        match = wanted if wanted in paths else None
        if match is None:  # the response put everything under one folder (lib/, src/)
            match = next((p for p in sorted(paths) if p.endswith("/" + wanted)), None)
        result.append((original, match))
    return result


def missing_promised(tree: FileTree) -> list[str]:
    return [p for p, found in promised_status(tree) if found is None]
