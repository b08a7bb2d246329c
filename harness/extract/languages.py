"""What language a code block is written in: from the fence info string, the file name, and
as a last resort the content itself.

Languages are short lowercase names: ``hcl`` (Terraform), ``tfvars``, ``bash``, ``python``,
``go``, ``typescript``, ``javascript``, ``yaml``, ``json``, ``dockerfile``, ``markdown``,
``text``, ``tree`` (a directory drawing), plus any other info-string word as given.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath

_INFO_ALIASES: dict[str, str] = {
    "hcl": "hcl",
    "terraform": "hcl",
    "tf": "hcl",
    "hcl2": "hcl",
    "tfvars": "tfvars",
    "bash": "bash",
    "sh": "bash",
    "shell": "bash",
    "zsh": "bash",
    "console": "bash",
    "shell-session": "bash",
    "shellsession": "bash",
    "python": "python",
    "py": "python",
    "python3": "python",
    "go": "go",
    "golang": "go",
    "typescript": "typescript",
    "ts": "typescript",
    "tsx": "typescript",
    "javascript": "javascript",
    "js": "javascript",
    "jsx": "javascript",
    "node": "javascript",
    "yaml": "yaml",
    "yml": "yaml",
    "json": "json",
    "jsonc": "json",
    "json5": "json",
    "dockerfile": "dockerfile",
    "docker": "dockerfile",
    "markdown": "markdown",
    "md": "markdown",
    "text": "text",
    "txt": "text",
    "plaintext": "text",
    "plain": "text",
    "tree": "tree",
    "csv": "csv",
    "sql": "sql",
    "toml": "toml",
    "ini": "ini",
    "xml": "xml",
    "html": "html",
    "css": "css",
    "makefile": "makefile",
    "make": "makefile",
    "powershell": "powershell",
    "ps1": "powershell",
    "pwsh": "powershell",
    "diff": "diff",
    "patch": "diff",
}

_EXTENSIONS: dict[str, str] = {
    ".tf": "hcl",
    ".hcl": "hcl",
    ".tfvars": "tfvars",
    ".sh": "bash",
    ".bash": "bash",
    ".zsh": "bash",
    ".py": "python",
    ".go": "go",
    ".ts": "typescript",
    ".tsx": "typescript",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".md": "markdown",
    ".txt": "text",
    ".csv": "csv",
    ".sql": "sql",
    ".toml": "toml",
    ".ini": "ini",
    ".cfg": "ini",
    ".xml": "xml",
    ".html": "html",
    ".css": "css",
    ".ps1": "powershell",
    ".dockerfile": "dockerfile",
}
_SPECIAL_NAMES: dict[str, str] = {
    "dockerfile": "dockerfile",
    "makefile": "makefile",
    "requirements.txt": "text",
    "go.mod": "text",
    "go.sum": "text",
}
#: Suffixes that wrap another file ("x.tfvars.example", "user_data.sh.tpl"): look through them.
_WRAPPER_SUFFIXES = {".example", ".sample", ".dist", ".bak", ".orig"}
_TEMPLATE_SUFFIXES = {".tpl", ".tmpl", ".tftpl", ".j2", ".jinja", ".jinja2"}

#: Languages that are interchangeable for the purpose of "does this name fit this block".
_FAMILY = {"hcl": "hcl", "tfvars": "hcl", "bash": "bash", "typescript": "js", "javascript": "js"}
_GENERIC = {"text", "template", None}

# ``^[ \t]*`` rather than ``^\s*``: \s crosses newlines, so from every line start the engine
# scanned all the blank lines after it (quadratic on a run of blank lines)
_HCL_BLOCK = re.compile(
    r"^[ \t]*(resource|data)\s+\"[^\"\n]*\"\s+\"[^\"\n]*\"\s*\{"
    r"|^[ \t]*(variable|output|module|provider)\s+\"[^\"\n]*\"\s*\{"
    r"|^[ \t]*(terraform|locals)\s*\{",
    re.MULTILINE,
)
_TFVARS_LINE = re.compile(r"^[A-Za-z_][\w-]*\s*=\s*\S")
_YAML_KEY = re.compile(r"^[A-Za-z_][\w.-]*:(\s|$)")
_PY = re.compile(r"^(import \w|from [\w.]+ import |def \w+\(|class \w+[(:])", re.MULTILINE)
_TS = re.compile(
    r"^(import .* from ['\"]|import \* as |export (default |const |class |function |interface )"
    r"|interface \w+ \{|const \w+(: [\w<>\[\]]+)? = )",
    re.MULTILINE,
)
_TS_TYPES = re.compile(r"(: (string|number|boolean|any)\b|interface \w+|<\w+>\(|import \* as )")
_GO = re.compile(r"^package \w+\s*$", re.MULTILINE)
_DOCKER = re.compile(r"^FROM\s+\S+", re.MULTILINE)
_SHELL = re.compile(
    r"^\s*(\$ |terraform |aws |cd |kubectl |npm |npx |pip3? |git |curl |export |echo |"
    r"mkdir |chmod |sudo |docker |make |cp |mv |rm |source |python3? |go |yarn |helm |tflint |"
    r"checkov |cdk |pulumi |zip |ssh |cat |ls |tf )"
)
_MARKDOWN = re.compile(r"^(#{1,6} \S|[-*] \S|\d+\. \S|> )", re.MULTILINE)


def language_from_info(info: str) -> str | None:
    """Language named by a fence info string (``hcl title="x"`` -> ``hcl``), None if none."""
    word = info.strip().split(maxsplit=1)[0] if info.strip() else ""
    word = word.strip("{}.").split(":", 1)[0].split(",", 1)[0].lower()
    if not word:
        return None
    if word in _INFO_ALIASES:
        return _INFO_ALIASES[word]
    if re.fullmatch(r"[a-z0-9][a-z0-9+#_-]{0,30}", word):
        return word
    return None


def language_from_path(path: str) -> str | None:
    """Language implied by a file name, looking through ``.example``/``.tpl`` suffixes."""
    name = PurePosixPath(path).name.lower()
    if name in _SPECIAL_NAMES:
        return _SPECIAL_NAMES[name]
    if name.startswith("dockerfile"):
        return "dockerfile"
    suffixes = [s.lower() for s in PurePosixPath(name).suffixes]
    while suffixes and suffixes[-1] in _WRAPPER_SUFFIXES:
        suffixes.pop()
    if suffixes and suffixes[-1] in _TEMPLATE_SUFFIXES:
        return "template"
    if name.endswith(".tf.json") or name.endswith(".tfvars.json"):
        return "json"
    return _EXTENSIONS.get(suffixes[-1]) if suffixes else None


def compatible(name_language: str | None, block_language: str | None) -> bool:
    """Whether a file name fits a block: ``main.tf`` does not name a ```bash block."""
    if name_language in _GENERIC or block_language in _GENERIC:
        return True
    return _FAMILY.get(name_language or "", name_language) == _FAMILY.get(
        block_language or "", block_language
    )


def sniff_language(content: str) -> str:
    """Best guess from the content alone (used when the fence has no info string)."""
    from harness.extract.drawings import is_drawing  # local: drawings imports nothing of ours

    stripped = content.strip()
    if not stripped:
        return "text"
    first = stripped.split("\n", 1)[0]
    interpreter = _interpreter(first)
    if interpreter:
        if interpreter in ("bash", "sh", "zsh", "dash", "ksh"):
            return "bash"
        if interpreter.startswith("python"):
            return "python"
        if interpreter in ("node", "deno", "bun"):
            return "javascript"
    if is_drawing(content):
        return "tree"
    if _HCL_BLOCK.search(content):
        return "hcl"
    if stripped[0] in "{[":
        try:
            json.loads(stripped)
        except ValueError:
            pass
        else:
            return "json"
    lines = [line for line in stripped.split("\n") if line.strip()]
    if _GO.search(content):
        return "go"
    if _DOCKER.match(stripped) or (_DOCKER.search(content) and "RUN " in content):
        return "dockerfile"
    if "AWSTemplateFormatVersion" in content and ":" in first:
        return "yaml"
    if _TS.search(content):
        return "typescript" if _TS_TYPES.search(content) else "javascript"
    if _PY.search(content):
        return "python"
    if sum(1 for line in lines if _SHELL.match(line)) * 2 >= len(lines):
        return "bash"
    if all(_TFVARS_LINE.match(line) or line.lstrip().startswith("#") for line in lines):
        return "tfvars"
    if sum(1 for line in lines if _YAML_KEY.match(line)) * 2 >= len(lines) and len(lines) > 1:
        return "yaml"
    if _MARKDOWN.search(content) and sum(1 for line in lines if _MARKDOWN.match(line)) >= 2:
        return "markdown"
    return "text"


def _interpreter(first_line: str) -> str | None:
    """``#!/usr/bin/env python3`` -> ``python3``; None without a shebang."""
    if not first_line.startswith("#!"):
        return None
    words = [w for w in first_line[2:].split() if not w.startswith("-")]
    if not words:
        return None
    name = words[0].rsplit("/", 1)[-1]
    if name == "env" and len(words) > 1:
        name = words[1].rsplit("/", 1)[-1]
    return name.lower()


def classify(info: str, content: str, path: str | None = None) -> str:
    """The language of a block: the file name first (when it says), then the info string, then
    the content. A ```hcl block named ``terraform.tfvars`` is ``tfvars``."""
    by_path = language_from_path(path) if path else None
    by_info = language_from_info(info)
    if by_path not in (None, "template", "text"):
        return by_path
    if by_info is not None:
        return by_info
    if by_path is not None:
        return by_path
    return sniff_language(content)
