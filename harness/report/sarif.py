"""SARIF 2.1.0 for CI systems: one result per failed finding of a failed or partial criterion.

``ruleId`` is the criterion id; each rule's help comes from its check's documentation (the
registry docstring: what it checks, why it matters, example) and the rubric's ``why``. Primary
locations are in the extracted files, written beside the log under ``extracted/<task>/<response>/``
(uriBaseId ``EXTRACTED``; only the files some result points at); the line in the markdown
response is a related location. A criterion whose check raised, and a response that could
not be processed, become tool execution notifications rather than results: they are failures
of the tool, not of the response.

The log stays small for 100k-response runs: an identical file (an overlay's carried-over
files, a module shared by responses) is written once under ``extracted/`` and every result
points at that copy; a region carries its first line as the snippet (the file holds the
rest); the criterion's own summary and category live in the rule and the properties, not in
every result's message.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, unquote

import pydantic_core

from harness.checks.registry import DOC_SECTIONS, CheckSpec, load_checks
from harness.checks.types import Evidence, Finding, Status
from harness.extract.types import ExtractedFile
from harness.report.model import ReportModel, ResponseRow, source_key
from harness.results import CriterionInfo, CriterionResult, CriterionStatus

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
# GitHub code scanning ranks security alerts by this property (CVSS-like, 0-10).
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
_MAX_MESSAGE = 2000


def _checks() -> dict[str, CheckSpec]:
    """The check registry, or nothing: a broken check module must not stop a report that
    only wants its documentation."""
    try:
        return load_checks()
    except Exception:  # documentation is optional here; the report still builds
        return {}


def safe_relpath(path: str) -> PurePosixPath | None:
    """``path`` as a relative POSIX path that stays inside its folder, or None."""
    if not path or "\x00" in path or "\\" in path:
        return None
    if path.startswith("/") or any(part in ("", ".", "..") for part in path.split("/")):
        return None  # extraction normalises paths; anything else is not written
    return PurePosixPath(path)


@dataclass(frozen=True)
class ExtractedFiles:
    """Where each response's files go under ``extracted/``: (response key, file path) -> uri
    relative to the folder, and the one file behind each uri (identical files share a uri)."""

    uris: dict[tuple[str, str], str]
    files: dict[str, ExtractedFile]


def extracted_files(model: ReportModel) -> ExtractedFiles:
    """Place the responses' files under ``<task>/<response>/`` (slugged folder names), each
    distinct content once: a file identical to one already placed (same language and text,
    see ``source_key``) points at that copy. Unsafe paths are left out."""
    uris: dict[tuple[str, str], str] = {}
    files: dict[str, ExtractedFile] = {}
    placed: dict[str, str] = {}  # content key -> uri of its one copy
    for row in model.rows:
        if row.result.tree is None:
            continue
        base = PurePosixPath(row.task_slug, row.slug)
        for file in row.result.tree.files:
            rel = safe_relpath(file.path)
            if rel is None:
                continue
            key = source_key(file)
            uri = placed.get(key)
            if uri is None:
                uri = placed[key] = quote(str(base / rel))
                files[uri] = file
            uris[(row.result.key, file.path)] = uri
    return ExtractedFiles(uris, files)


def write_extracted(extracted: ExtractedFiles, out_dir: Path, used: set[str]) -> None:
    """Write the files whose uri a result points at (``used``) under ``out_dir``, replacing it
    whole: a file no location names is not needed to read the log (``iac-harness extract``
    writes whole trees)."""
    tmp = out_dir.with_name(f".{out_dir.name}.building")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    for uri, file in extracted.files.items():
        if uri in used:
            target = tmp.joinpath(*PurePosixPath(unquote(uri)).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(file.content, encoding="utf-8", errors="replace")
    if out_dir.exists():
        shutil.rmtree(out_dir)
    tmp.rename(out_dir)


def _used_uris(log: dict[str, Any]) -> set[str]:
    """The extracted files the log's results point at."""
    return {
        artifact["uri"]
        for result in log["runs"][0]["results"]
        for location in result["locations"]
        if (artifact := location["physicalLocation"]["artifactLocation"]).get("uriBaseId")
        == "EXTRACTED"
    }


def _text(value: str) -> str:
    return value if len(value) <= _MAX_MESSAGE else value[: _MAX_MESSAGE - 1] + "…"


def _help(info: CriterionInfo, spec: CheckSpec | None) -> dict[str, str]:
    """Plain-text and markdown help: the rubric's title and why, then the check's documented
    sections (what it checks, why it matters, example)."""
    text = [info.title or info.id]
    markdown = [f"**{info.title or info.id}** (`{info.check}`)"]
    if info.why:
        text.append(f"Why (rubric): {info.why}")
        markdown.append(f"*Why:* {info.why}")
    sections = [(name, spec.section(name)) for name in DOC_SECTIONS] if spec else []
    if spec is not None and not any(body for _, body in sections):
        sections = [("Documentation", spec.doc)]
    for name, body in sections:
        if body:
            text.append(f"{name}:\n{body}")
            fence = "```" if name == "Example" else ""
            shown = f"{fence}\n{body}\n{fence}" if fence else body
            markdown.append(f"#### {name}\n\n{shown}")
    return {"text": "\n\n".join(text), "markdown": "\n\n".join(markdown)}


def _rule(info: CriterionInfo, spec: CheckSpec | None) -> dict[str, Any]:
    what = spec.section("What it checks") if spec else ""
    properties: dict[str, Any] = {
        "category": info.category,
        "check": info.check,
        "severity": info.severity,
        "weight": info.weight,
        "gate": info.gate,
        "tags": [info.category, info.severity],
    }
    if info.category == "security" and info.severity in SECURITY_SEVERITY:
        properties["security-severity"] = SECURITY_SEVERITY[info.severity]
    return {
        "id": info.id,
        "name": info.check,
        "shortDescription": {"text": _text(info.title or info.id)},
        "fullDescription": {"text": _text(what or info.why or info.title or info.id)},
        "help": _help(info, spec),
        "defaultConfiguration": {"level": LEVEL.get(info.severity, "warning")},
        "properties": properties,
    }


@lru_cache(maxsize=4096)
def _source_uri(source: str) -> str:
    """The markdown response's uri (computed once per response, not per location)."""
    path = Path(source)
    return path.as_uri() if path.is_absolute() else quote(PurePosixPath(*path.parts).as_posix())


def _source_location(row: ResponseRow, line: int | None, note: str) -> dict[str, Any] | None:
    """A location in the markdown response itself."""
    source = row.result.source
    if not source:
        return None
    physical: dict[str, Any] = {"artifactLocation": {"uri": _source_uri(source)}}
    if line is not None and line >= 1:
        physical["region"] = {"startLine": line}
    return {"physicalLocation": physical, "message": {"text": note}}


def _file_location(
    row: ResponseRow, ev: Evidence, uris: dict[tuple[str, str], str]
) -> dict[str, Any] | None:
    if ev.path is None:
        return None
    uri = uris.get((row.result.key, ev.path))
    if uri is None:
        return None
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri, "uriBaseId": "EXTRACTED"}}
    if ev.start_line is not None and ev.start_line >= 1:
        region: dict[str, Any] = {"startLine": ev.start_line}
        if ev.end_line is not None and ev.end_line >= ev.start_line:
            region["endLine"] = ev.end_line
        first = ev.snippet.split("\n", 1)[0]
        if first.strip():  # the first line identifies the place; the file holds the rest
            region["snippet"] = {"text": _text(first)}
        physical["region"] = region
    return {"physicalLocation": physical}


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _results(
    row: ResponseRow, crit: CriterionResult, uris: dict[tuple[str, str], str]
) -> Iterator[dict[str, Any]]:
    failing = [f for f in crit.findings if f.status is Status.FAIL]
    level = LEVEL.get(crit.severity, "warning")
    who = f"{row.result.task_id}/{row.result.response_id}"
    targets: list[Finding | None] = list(failing) or [None]
    for finding in targets:
        subject = finding.subject if finding else ""
        detail = finding.message if finding else crit.message
        text = f"{who}: {subject + ': ' if subject else ''}{detail}"
        evidence = finding.evidence if finding else ()
        own = [e for e in evidence if e.source == "response"]
        locations = [loc for e in own if (loc := _file_location(row, e, uris)) is not None]
        related: list[dict[str, Any]] = []
        for e in own:
            if e.path is not None and e.response_line is not None:
                loc = _source_location(row, e.response_line, f"{e.location()} in the response")
                if loc is not None:
                    related.append(loc)
        if not locations:  # prose evidence, or nothing to point at: the markdown response
            line = next((e.response_line for e in own if e.response_line is not None), None)
            primary = _source_location(row, line, "response")
            locations = (
                [] if primary is None else [{"physicalLocation": primary["physicalLocation"]}]
            )
            related = []
        for e in evidence:
            if e.source != "response":
                note = f"reference {e.location()}: {e.note or e.snippet[:200]}"
                related.append({"message": {"text": _text(note)}})
        for number, loc in enumerate(related):
            loc["id"] = number
        result: dict[str, Any] = {
            "ruleId": crit.criterion_id,
            "level": level,
            "kind": "fail",
            "message": {"text": _text(text)},
            "locations": locations[:10],
            "partialFingerprints": {
                "iacHarnessFinding/v1": _fingerprint(
                    row.result.task_id,
                    row.result.response_id,
                    crit.criterion_id,
                    subject,
                    detail,
                )
            },
            "properties": {
                "task": row.result.task_id,
                "response": row.result.response_id,
                "criterionStatus": crit.status.value,
                "score": None if crit.score is None else round(crit.score, 4),
            },
        }
        if subject:
            result["properties"]["subject"] = subject
        if row.result.is_ideal:
            result["properties"]["isIdeal"] = True
        if related:
            result["relatedLocations"] = related[:20]
        yield result


def _notifications(model: ReportModel) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for row in model.rows:
        who = f"{row.result.task_id}/{row.result.response_id}"
        if row.result.error:
            out.append({"level": "error", "message": {"text": _text(f"{who}: {row.result.error}")}})
        for crit in row.result.criteria:
            if crit.status is CriterionStatus.ERROR:
                out.append(
                    {
                        "level": "error",
                        "message": {"text": _text(f"{who}: {crit.message}")},
                        "associatedRule": {"id": crit.criterion_id},
                    }
                )
    return out


def sarif_log(
    model: ReportModel, uris: dict[tuple[str, str], str], extracted: Path
) -> dict[str, Any]:
    specs = _checks()
    rules = [_rule(info, specs.get(info.check)) for info in model.criteria]
    results = [
        result
        for row in model.rows
        for crit in row.result.criteria
        if crit.status in (CriterionStatus.FAIL, CriterionStatus.PARTIAL)
        for result in _results(row, crit, uris)
    ]
    info = model.info
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "iac-harness",
                        "version": info.harness_version,
                        "semanticVersion": info.harness_version,
                        "rules": rules,
                    }
                },
                "automationDetails": {"id": f"iac-harness/{model.rubric.id}/{info.started}"},
                "originalUriBaseIds": {
                    "EXTRACTED": {
                        "uri": extracted.resolve().as_uri() + "/",
                        "description": {"text": "The files results point into, as extracted"},
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "startTimeUtc": info.started,
                        "endTimeUtc": info.finished,
                        "toolExecutionNotifications": _notifications(model),
                    }
                ],
                "results": results,
                "properties": {
                    "rubric": {
                        "id": model.rubric.id,
                        "version": model.rubric.version,
                        "sha256": model.rubric.sha256,
                    },
                    "responses": len(model.rows),
                },
            }
        ],
    }


def build_sarif(model: ReportModel, path: Path, extracted: Path) -> Path:
    files = extracted_files(model)
    log = sarif_log(model, files.uris, extracted)
    write_extracted(files, extracted, _used_uris(log))
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(log_json(log) + b"\n")
    tmp.replace(path)
    return path


def log_json(log: dict[str, Any]) -> bytes:
    """The log as compact UTF-8 JSON (a 100k-response log is read by tools, and indentation
    was a fifth of its size): what ``json.dumps(log, separators=(",", ":"),
    ensure_ascii=False)`` writes (a float under 0.0001 may be spelled ``0.00001`` for
    ``1e-05``), encoded by pydantic-core in a fifth of the time. Text UTF-8 cannot carry (a
    lone surrogate, from a hand-edited run folder) is written escaped instead."""
    try:
        return pydantic_core.to_json(log)
    except pydantic_core.PydanticSerializationError:
        return json.dumps(log, separators=(",", ":")).encode("ascii")
