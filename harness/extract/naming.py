"""How a response names its files: finding file paths in headings, fence info strings, bold
labels, first comment lines and the sentence before a block, and inferring a name from the
content when nothing names the block.

Each finder returns the raw path text as the response wrote it; normalising and vetting it is
:mod:`harness.extract.paths`' job, so that a hostile name is reported, not silently changed.
"""

from __future__ import annotations

import re

_EXTENSIONS = (
    "tf|tfvars|hcl|tftpl|tpl|tmpl|j2|jinja2?|sh|bash|zsh|ps1|py|go|mod|sum|ts|tsx|js|mjs|cjs|"
    "jsx|json|ya?ml|toml|ini|cfg|conf|env|md|txt|csv|sql|xml|html|css|dockerfile|example|"
    "sample|dist|lock|properties|java|rb|rs|cs|gitignore|dockerignore|tflint\\.hcl|zip"
)
_SPECIAL = "Dockerfile|Makefile|Jenkinsfile|Procfile|Pipfile|Gemfile|Vagrantfile|Brewfile"
_DOTFILES = (
    r"\.gitignore|\.dockerignore|\.env|\.terraformrc|\.tflint\.hcl|\.editorconfig|\.npmrc|"
    r"\.terraform-version|\.tool-versions|\.pre-commit-config\.yaml"
)
PATH_TOKEN = re.compile(
    r"(?<![\w./\\*@:-])"
    r"((?:[A-Za-z]:[\\/]|~?/+)?"  # a leading root is kept so that it can be rejected
    r"(?:[\w.-]+[\\/]+)*"
    rf"(?:[\w-][\w.-]*\.(?:{_EXTENSIONS})|(?:{_SPECIAL})(?:\.[\w-]+)?|{_DOTFILES}))"
    r"(?![\w/\\-]|\.[\w])",
)
#: Library names that look like files ("Node.js") and are never meant as one.
_NOT_FILES = {"node.js", "vue.js", "next.js", "nuxt.js", "express.js", "react.js", "d3.js"}

_HEADING_PREFIX = re.compile(
    r"^\s*(?:(?:step|part|file|section)\s*\d*\s*[:.)-]\s*|\d+[.)]\s*|file\s*(?:name|path)?\s*:\s*)",
    re.IGNORECASE,
)
_BOLD_START = re.compile(r"^\s*(\*\*|__)(.+?)\1")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z`*])")
_COMMENT = re.compile(r"^\s*(?:#+|//+|/\*+|--(?=\s)|<!--|;+|\*)\s*")
_DECORATION = re.compile(r"^[\s#/*=\-_~+<>!;]*$")
_LABEL = re.compile(r"^(?:file(?:name)?|path)\s*:\s*", re.IGNORECASE)
_AFTER_NAME = re.compile(r"^(?:$|\s*(?:[-—–:|(,]|\*/|-->)|\s+\w)")
_TITLE_ATTR = re.compile(
    r"(?:^|[\s{,])(?:title|filename|file|name|path)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s,}]+))",
    re.IGNORECASE,
)
_PARTIAL_HINT = re.compile(
    r"\b(add|append|insert|update|replace|extend|modify|change|snippet|section|excerpt|"
    r"fragment|portion|part of|the following changes|in your)\b",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(
    r"^\s*(?:(?:#|//|/\*|<!--)\s*)?(?:\.{3}|…)|"
    r"(?:#|//|/\*)\s*.*(?:\.{3}|…)\s*(?:rest|remaining|same|existing|previous|unchanged|other|"
    r"omitted|more|etc|as before|continue)|"
    r"(?:#|//|/\*)\s*.*\b(?:rest of|remaining|same as (?:before|above)|unchanged|omitted for "
    r"brevity|existing code|previous code)\b.*(?:\.{3}|…|unchanged|same|brevity|here)",
    re.IGNORECASE,
)


def _unescape(text: str) -> str:
    """Undo markdown escapes and emphasis that surround names (``tap\\_stack.tf``)."""
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!])", r"\1", text)
    return text.replace("**", " ").replace("`", " ")


def find_paths(text: str) -> list[str]:
    """Distinct file-path tokens in ``text``, in order of appearance."""
    found: list[str] = []
    for match in PATH_TOKEN.finditer(_unescape(text)):
        token = match.group(1)
        if token.lower() in _NOT_FILES or token in found:
            continue
        found.append(token)
    return found


def _single(paths: list[str]) -> str | None:
    return paths[0] if len(paths) == 1 else None


def heading_name(text: str) -> str | None:
    """``## File: lib/provider.tf``, ``### 1. `main.tf` (COMPLETE)`` -> the path; a heading that
    names no file, or more than one, names nothing (``## Module: Networking``)."""
    return _single(find_paths(_HEADING_PREFIX.sub("", _unescape(text))))


def fence_title(info: str) -> str | None:
    """``hcl title="provider.tf"``, ``hcl:main.tf``, ``terraform main.tf`` -> the path."""
    attribute = _TITLE_ATTR.search(info)
    if attribute:
        return next(group for group in attribute.groups() if group is not None) or None
    words = info.split()
    if not words:
        return None
    if ":" in words[0]:
        candidate = words[0].split(":", 1)[1]
        if find_paths(candidate) == [candidate]:
            return candidate
    for word in words[:2]:
        if find_paths(word) == [word.strip("`")]:
            return word.strip("`")
    return None


def bold_label(paragraph: str) -> str | None:
    """``**main.tf**``, ``**Update `data.tf`:**``, ``**lib/x.tf** (lines 1-25):`` -> the path."""
    match = _BOLD_START.match(paragraph)
    return _single(find_paths(match.group(2))) if match else None


def prose_name(paragraph: str) -> str | None:
    """ "Here's the complete `tap_stack.tf` file:" -> ``tap_stack.tf``: the last sentence names
    exactly one file, or else the whole paragraph does."""
    sentences = _SENTENCE_SPLIT.split(paragraph.strip())
    last = _single(find_paths(sentences[-1])) if sentences else None
    return last or _single(find_paths(paragraph))


_LINE_RANGE = re.compile(
    r"\b(?:lines?\s+|L)(\d{1,7})\s*(?:-|–|—|to|through)\s*L?(\d{1,7})\b", re.IGNORECASE
)


def line_range(text: str) -> tuple[int, int] | None:
    """The file line range a label gives its block (``**main.tf** (lines 1-25):``,
    ``### main.tf, lines 26 to 50``, ``L51-L80``): the block is an excerpt of that file.
    None when the text states no range or a backwards one."""
    match = _LINE_RANGE.search(text)
    if match is None:
        return None
    first, last = int(match.group(1)), int(match.group(2))
    return (first, last) if 0 < first <= last else None


def partial_hint(text: str) -> bool:
    """Does the text introduce a change to a file rather than the whole file?"""
    return bool(_PARTIAL_HINT.search(text))


def comment_name(line: str, *, bare: bool = False) -> str | None:
    """The path a comment line starts with (``# tap_stack.tf - Complete ...``), or the one
    path it mentions (``# In main.tf, uncomment and configure:`` says where the code goes).

    With ``bare`` the comment must hold nothing but the path (``# provider.tf``), the form
    used to separate several files pasted into one block.
    """
    match = _COMMENT.match(line)
    if not match or not line.strip():
        return None
    rest = _LABEL.sub("", line[match.end() :].strip())
    rest = rest.removesuffix("-->").removesuffix("*/").strip()
    token = PATH_TOKEN.match(rest.replace("`", ""))
    if token is not None and token.group(1).lower() in _NOT_FILES:
        token = None
    if token is None:
        return None if bare else _placed_in(rest)
    after = rest.replace("`", "")[token.end() :]
    if bare:
        return token.group(1) if not after.strip() else None
    return token.group(1) if _AFTER_NAME.match(after) else _placed_in(rest)


def _placed_in(comment: str) -> str | None:
    """The one path a comment says the code goes in: "In main.tf, ...", "Add this at the top
    of x.tf", "Updated main.tf ..." -- not a mere mention ("consumed by provider.tf")."""
    path = _single(find_paths(comment))
    if path is None:
        return None
    place = re.compile(
        r"(?:\b(?:in|into|inside|of|updated?|modified|fixed)|\badd\b.*\bto)\s+[`'\"]?"
        + re.escape(path),
        re.IGNORECASE,
    )
    return path if place.search(comment.replace("\\", "/")) else None


def first_comment_name(content: str) -> tuple[str, int] | None:
    """(path, 0-based line) from the first meaningful line of a block, if it is a naming
    comment; banner lines (``#######``, ``# ====``) before it are skipped."""
    for index, line in enumerate(content.split("\n")[:12]):
        if not line.strip() or _DECORATION.match(line):
            continue
        name = comment_name(line)
        return (name, index) if name else None
    return None


_PLACEHOLDER_START = ("#", "//", "/*", "<!--", "...", "…")


#: An elision comment is a short line; longer ones are not read (the pattern's ``.*`` after
#: each comment marker makes a search quadratic in the line's length).
MAX_PLACEHOLDER_LINE = 1_000


def is_placeholder(line: str) -> bool:
    """``# ... rest of the configuration unchanged ...`` and similar elisions."""
    line = line[:MAX_PLACEHOLDER_LINE]
    return line.lstrip().startswith(_PLACEHOLDER_START) and bool(_PLACEHOLDER.search(line))


# --- inference -------------------------------------------------------------------------------

_TOP_BLOCK = re.compile(r"^([A-Za-z_][\w-]*)((?:\s+(?:\"[^\"]*\"|[\w-]+))*)\s*\{")
_TOP_ATTR = re.compile(r"^([A-Za-z_][\w-]*)\s*=\s*(.*)$")
_LITERAL = re.compile(r"^(\"|'|-?\d|true\b|false\b|null\b|\[|\{|<<)")
TERRAFORM_BLOCKS = frozenset(
    {"resource", "data", "module", "variable", "output", "provider", "terraform", "locals"}
    | {"moved", "import", "check", "removed", "ephemeral"}
)


def top_level_shape(content: str) -> tuple[list[str], list[str], list[str]]:
    """(Terraform block types, other block types, attribute values) at the top level of an
    HCL text; "top level" is the smallest indentation used, so indented blocks still count."""
    lines = [line for line in content.split("\n") if line.strip()]
    indents = [len(line) - len(line.lstrip()) for line in lines if not _is_comment(line)]
    margin = min(indents, default=0)
    known: list[str] = []
    other: list[str] = []
    values: list[str] = []
    depth = 0
    for line in lines:
        body = line[margin:] if len(line) - len(line.lstrip()) >= margin else line.lstrip()
        if _is_comment(line):
            continue
        if depth == 0 and not body[:1].isspace():
            block = _TOP_BLOCK.match(body)
            attr = None if block else _TOP_ATTR.match(body)
            if block:
                (known if block.group(1) in TERRAFORM_BLOCKS else other).append(block.group(1))
            elif attr:
                values.append(attr.group(2).strip())
        depth = max(0, depth + _brace_delta(body))
    return known, other, values


def _is_comment(line: str) -> bool:
    text = line.lstrip()
    return text.startswith(("#", "//", "/*", "*"))


def _brace_delta(line: str) -> int:
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', line)
    text = text.split("#", 1)[0].split("//", 1)[0]
    return (
        text.count("{")
        + text.count("[")
        + text.count("(")
        - (text.count("}") + text.count("]") + text.count(")"))
    )


def infer_hcl_name(content: str) -> tuple[str, str] | None:
    """(file name, reason) for an HCL block that nothing names, or None for a fragment.

    All ``variable`` -> variables.tf, all ``output`` -> outputs.tf, only ``terraform``/
    ``provider`` -> provider.tf, other Terraform blocks -> main.tf; only literal assignments
    -> terraform.tfvars. A fragment (``lifecycle { ... }``, ``tags = merge(...)``) is not a file.
    """
    known, other, values = top_level_shape(content)
    kinds = set(known)
    if kinds:
        if kinds == {"variable"}:
            return "variables.tf", "only variable blocks"
        if kinds == {"output"}:
            return "outputs.tf", "only output blocks"
        if kinds <= {"terraform", "provider"}:
            return "provider.tf", "only terraform/provider blocks"
        return "main.tf", f"{', '.join(sorted(kinds))} blocks"
    if values and not other and all(_LITERAL.match(value) for value in values):
        return "terraform.tfvars", "only literal variable assignments"
    return None
