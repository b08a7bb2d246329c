"""Resource limits for building a model from untrusted input."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BuildLimits:
    """Bounds on the work ``build`` does; every limit that is hit leaves a diagnostic.

    Defaults fit the largest real responses (a few hundred KB of HCL) with a wide margin:

    - ``max_file_bytes``: a file above this size is not parsed (``limit_file_size``).
    - ``max_total_bytes``: files after this many bytes in total are skipped (``limit_total_size``).
    - ``time_budget_s``: files after this many seconds of wall time are skipped
      (``limit_time``); checked between files, so one file can overrun it by its own parse time,
      which ``max_file_bytes`` bounds.
    - ``max_expr_depth``: expressions nested deeper become ``UNKNOWN`` (``limit_depth``); this
      keeps hostile nesting away from Python's recursion limit.
    - ``max_recoveries``: syntax-error resynchronisations per file before giving up on the rest.
    - ``syntax_verdict``: ask HashiCorp's parser (pygohcl) for the per-file verdict. Turning it
      off roughly halves build time; ``SourceFile.valid`` then reflects tree-sitter alone.
    - ``placeholders``: scan for placeholder text (``...``, ``<YOUR_VALUE>``, ``TODO``).
    """

    max_file_bytes: int = 2_000_000
    max_total_bytes: int = 20_000_000
    time_budget_s: float = 30.0
    max_expr_depth: int = 120
    max_recoveries: int = 200
    syntax_verdict: bool = True
    placeholders: bool = True
    max_placeholders_per_file: int = 50
