"""``build``: a FileTree -> Configuration (parse every Terraform file, wire modules, validate)."""

from __future__ import annotations

import dataclasses
import gc
import re
import threading
import time
from collections import OrderedDict, defaultdict

from harness.extract.types import ExtractedFile, FileTree
from harness.terraform.limits import BuildLimits
from harness.terraform.model import Attribute, Block, Configuration, Module, SourceFile
from harness.terraform.modules import (
    assemble,
    detect_root,
    is_local_source,
    module_dir,
    resolve_source,
)
from harness.terraform.reader import FileRead, read_hcl
from harness.terraform.syntax import (
    LENIENT_SUMMARIES,
    Verdict,
    placeholders,
    syntax_diagnostic,
    verdict,
)
from harness.terraform.validate import validate
from harness.vocabulary import Diagnostic, Severity, Span


def is_terraform_file(file: ExtractedFile) -> bool:
    """Terraform loads ``*.tf`` files; other HCL (``*.hcl``, ``*.tftest.hcl``) is not config."""
    return file.path.endswith(".tf") and file.language in ("hcl", "terraform", "tf", "")


def is_tfvars_file(file: ExtractedFile) -> bool:
    return file.path.endswith(".tfvars") or file.language == "tfvars"


#: A name as HCL spells one (identifiers take dashes), found anywhere: a bare word, a quoted
#: label, a key.
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _names_on_lines(content: str, lines: tuple[tuple[int, int], ...]) -> frozenset[str]:
    """Every name on the given (first, last) 1-based lines of ``content``."""
    if not lines:
        return frozenset()
    rows = content.split("\n")
    return frozenset(
        name
        for first, last in lines
        for row in rows[first - 1 : last]
        for name in _NAME.findall(row)
    )


def _unread_lines(content: str, read: FileRead, result: Verdict) -> tuple[tuple[int, int], ...]:
    """The lines the model may lack: what tree-sitter skipped, and, in a file HashiCorp's
    parser rejects, everything from its first error on (tree-sitter may have read that text
    as something else: an unterminated string that swallows the blocks after it)."""
    if result.valid:
        return read.unread_lines
    return (*read.unread_lines, (result.line or 1, content.count("\n") + 1))


def _limit(code: str, message: str, path: str) -> Diagnostic:
    return Diagnostic(code, Severity.WARNING, message, span=Span(path, 1), stage="parse")


@dataclasses.dataclass(frozen=True, slots=True)
class _Parsed:
    file: SourceFile
    read: FileRead
    diagnostics: tuple[Diagnostic, ...]


def _parse_file(file: ExtractedFile, language: str, limits: BuildLimits) -> _Parsed:
    data = file.content.encode("utf-8", "replace")
    result = verdict(data) if limits.syntax_verdict else None
    hint = None
    if result is not None and not result.valid and result.summary in LENIENT_SUMMARIES:
        hint = result.line
    read = read_hcl(
        file.path,
        data,
        max_depth=limits.max_expr_depth,
        max_recoveries=limits.max_recoveries,
        hint_line=hint,
    )
    diagnostics: list[Diagnostic] = []
    if result is None:  # no HashiCorp verdict: tree-sitter's first break decides
        broken = read.first_break is not None
        message = f"syntax error at line {read.first_break} (tree-sitter)" if broken else None
        result = Verdict(not broken, message, read.first_break, 1)
        if broken:
            diagnostics.append(syntax_diagnostic(file.path, result))
    elif not result.valid:
        diagnostics.append(syntax_diagnostic(file.path, result))
    elif read.first_break is not None:
        diagnostics.append(
            Diagnostic(
                "grammar_gap",
                Severity.INFO,
                "HashiCorp's parser accepts this file but tree-sitter-hcl could not read line "
                f"{read.first_break}; see the unparsed_lines diagnostic for what is missing",
                span=Span(file.path, read.first_break),
                stage="parse",
            )
        )
    diagnostics.extend(read.diagnostics)
    if read.depth_limited:
        diagnostics.append(
            _limit(
                "limit_depth",
                f"expressions nested deeper than {limits.max_expr_depth} levels were not read",
                file.path,
            )
        )
    if limits.placeholders:
        diagnostics.extend(placeholders(file.path, file.content, limits.max_placeholders_per_file))
    source = SourceFile(
        path=file.path,
        module=module_dir(file.path),
        valid=result.valid,
        error=result.message if not result.valid else None,
        error_line=result.line if not result.valid else None,
        error_col=result.col if not result.valid else None,
        complete=read.complete,
        language=language,
        unread_names=None
        if read.ends_broken
        else _names_on_lines(file.content, _unread_lines(file.content, read, result)),
    )
    return _Parsed(source, read, tuple(diagnostics))


class _RecentFiles:
    """Files parsed recently, by everything their parse depends on (path, text, language,
    limits). A follow-up's overlay holds its earlier turns' files unchanged and a response
    often repeats a file of another unit of its task: ``_parse_file`` is pure and its result
    immutable, so such a file is read (and given its HashiCorp verdict) once. Bounded by the
    source bytes held; thread-safe."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._held = 0
        self._entries: OrderedDict[tuple[str, str, str, BuildLimits], _Parsed] = OrderedDict()
        self._lock = threading.Lock()

    def parse(self, file: ExtractedFile, language: str, limits: BuildLimits) -> _Parsed:
        key = (file.path, file.content, language, limits)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        parsed = _parse_file(file, language, limits)
        size = len(file.content)
        if size <= self.max_bytes // 4:
            with self._lock:
                if key not in self._entries:
                    self._entries[key] = parsed
                    self._held += size
                while self._held > self.max_bytes:
                    (_, text, _, _), _ = self._entries.popitem(last=False)
                    self._held -= len(text)
        return parsed


_RECENT = _RecentFiles(max_bytes=2_000_000)


def build(tree: FileTree, *, limits: BuildLimits | None = None) -> Configuration:
    """Parse every ``.tf`` (and ``.tfvars``) file of ``tree`` into modules, detect the root,
    resolve local module calls and run static validation. Never raises on bad input: problems
    become diagnostics (stages ``parse`` and ``validate``) with spans.

    Pure apart from one thing: the cyclic garbage collector is paused while it runs. The model
    is hundreds of thousands of small acyclic objects; with the collector on, its full passes
    over everything already alive (earlier models) cost more than the build itself. The
    previous state is restored on return; concurrent calls end with it enabled if it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(tree, limits or BuildLimits())
    finally:
        if enabled:
            gc.enable()


def _build(tree: FileTree, limits: BuildLimits) -> Configuration:
    started = time.monotonic()
    diagnostics: list[Diagnostic] = []
    files: dict[str, SourceFile] = {}
    blocks_by_dir: dict[str, list[Block]] = defaultdict(list)
    files_by_dir: dict[str, list[str]] = defaultdict(list)
    tfvars_by_dir: dict[str, dict[str, Attribute]] = defaultdict(dict)
    total = 0
    for file in tree.files:
        terraform, tfvars = is_terraform_file(file), is_tfvars_file(file)
        if not (terraform or tfvars):
            continue
        size = len(file.content)
        skipped: Diagnostic | None = None
        if size > limits.max_file_bytes:
            skipped = _limit(
                "limit_file_size",
                f"not parsed: {size} bytes is over the {limits.max_file_bytes}-byte file limit",
                file.path,
            )
        elif total + size > limits.max_total_bytes:
            skipped = _limit(
                "limit_total_size",
                f"not parsed: the tree is over the {limits.max_total_bytes}-byte total limit",
                file.path,
            )
        elif time.monotonic() - started > limits.time_budget_s:
            skipped = _limit(
                "limit_time",
                f"not parsed: the {limits.time_budget_s:g}s parse time budget is spent",
                file.path,
            )
        language = "hcl" if terraform else "tfvars"
        if skipped is not None:
            diagnostics.append(skipped)
            files[file.path] = SourceFile(
                file.path,
                module_dir(file.path),
                False,
                skipped.message,
                None,
                None,
                False,
                language,
                None,
            )
            continue
        total += size
        parsed = _RECENT.parse(file, language, limits)
        files[file.path] = parsed.file
        diagnostics.extend(parsed.diagnostics)
        directory = module_dir(file.path)
        if terraform:
            blocks_by_dir[directory].extend(parsed.read.blocks)
            files_by_dir[directory].append(file.path)
        else:
            for attribute in parsed.read.attributes:
                tfvars_by_dir[directory].setdefault(attribute.name, attribute)

    modules: dict[str, Module] = {}
    for directory in sorted(files_by_dir):
        module, found = assemble(directory, files_by_dir[directory], blocks_by_dir[directory])
        if tfvars_by_dir.get(directory):
            module = dataclasses.replace(module, tfvars=dict(tfvars_by_dir[directory]))
        modules[directory] = module
        diagnostics.extend(found)
    for directory, values in tfvars_by_dir.items():
        if directory not in modules:  # tfvars next to no .tf file: attach to that path anyway
            modules[directory] = Module(path=directory, tfvars=dict(values))

    modules = _resolve_calls(modules)
    call_graph = {
        path: tuple(dict.fromkeys(c.resolved for c in m.calls if c.resolved is not None))
        for path, m in modules.items()
    }
    root = detect_root({p: m for p, m in modules.items() if m.files})
    config = Configuration(
        modules=modules,
        root=root,
        files=files,
        diagnostics=tuple(diagnostics),
        call_graph=call_graph,
    )
    found = validate(config, tree_paths=tuple(f.path for f in tree.files))
    located = tuple(_with_response_line(tree, d) for d in (*config.diagnostics, *found))
    return dataclasses.replace(config, diagnostics=located)


def _with_response_line(tree: FileTree, diagnostic: Diagnostic) -> Diagnostic:
    """Fill ``Diagnostic.line``: the line of the markdown response the span points at (left
    empty for files carried over from an earlier turn, which live in another response)."""
    span = diagnostic.span
    if span is None or diagnostic.line is not None:
        return diagnostic
    file = tree.get(span.path)
    if file is None or file.origin.carried_over:
        return diagnostic
    return dataclasses.replace(diagnostic, line=file.origin.response_line(span.start_line))


def _resolve_calls(modules: dict[str, Module]) -> dict[str, Module]:
    resolved: dict[str, Module] = {}
    for path, module in modules.items():
        calls = []
        changed = False
        for call in module.calls:
            target = None
            if is_local_source(call.source) and call.source is not None:
                candidate = resolve_source(path, call.source)
                if candidate is not None and candidate in modules and modules[candidate].files:
                    target = candidate
            if target is not None:
                call = dataclasses.replace(call, resolved=target)
                changed = True
            calls.append(call)
        resolved[path] = dataclasses.replace(module, calls=tuple(calls)) if changed else module
    return resolved
