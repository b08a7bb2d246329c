"""Selection rules for ``curate``: flags, or a YAML file validated like a rubric (file:line)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from harness.rubric.yamldoc import YamlDocError, load_yaml


class CurateConfigError(ValueError):
    """A curate config that cannot be used; the message starts with ``file:line``."""


class CurateConfig(BaseModel):
    """How runs become datasets. Every field has a flag of the same name (dashes for
    underscores) that overrides the file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: a pair's chosen response scores at least this many points (0-100) above the rejected
    min_margin: float = Field(default=5.0, ge=0, le=100)
    #: at most this many pairs per task (the largest margins first; all pairs of a task with
    #: n answers would be n(n-1)/2 copies of long texts); None: all
    max_pairs_per_task: int | None = Field(default=10, ge=1)
    #: ``all``: any two responses of the same turn; ``ideal``: each response with the ideal
    pair_with: Literal["all", "ideal"] = "all"
    #: leave out follow-ups that are patches (their overlay carries earlier files over)
    exclude_fragments: bool = False
    #: a chosen response (and an SFT or desirable KTO row) passes every gate criterion
    require_gates: bool = True
    #: SFT rows: the lowest overall score kept
    min_score: float = Field(default=80.0, ge=0, le=100)
    #: KTO rows: label true (desirable) at or above this overall score, gates passed
    kto_threshold: float = Field(default=70.0, ge=0, le=100)
    #: breaks ties between equal margins when --max-pairs-per-task cuts (deterministic)
    seed: int = 0


def load_config(path: Path) -> CurateConfig:
    """Read and validate a curate YAML file; errors name ``file:line`` and the key."""
    try:
        document = load_yaml(path)
    except YamlDocError as exc:  # its message starts with file:line
        raise CurateConfigError(str(exc)) from exc
    except OSError as exc:
        raise CurateConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    data = document.data if document.data is not None else {}
    if not isinstance(data, dict):
        raise CurateConfigError(f"{path}:1: expected a mapping of selection rules")
    try:
        return CurateConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = tuple(first["loc"])
        where = document.line(key) if key else 1
        name = ".".join(str(k) for k in key) or "(top)"
        known = ", ".join(CurateConfig.model_fields)
        hint = f" (known keys: {known})" if first["type"] == "extra_forbidden" else ""
        raise CurateConfigError(f"{path}:{where}: {name}: {first['msg']}{hint}") from exc
