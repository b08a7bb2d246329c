"""Size and shape limits applied to untrusted responses (and to trees read from disk)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ExtractLimits:
    """Bounds that keep a hostile or runaway response from exhausting memory or the disk.

    Every limit that is hit produces a ``size_limit`` (or ``rejected_path``) diagnostic; work
    done before the limit is kept.
    """

    max_response_bytes: int = 20 * 1024 * 1024  # text beyond this is not read
    max_block_bytes: int = 2 * 1024 * 1024  # a larger code block is not extracted
    max_files: int = 2000  # files beyond this are dropped
    max_path_length: int = 240  # characters of the normalised relative path
    max_path_depth: int = 32  # directory levels
    max_wrapper_depth: int = 3  # ```markdown wrappers whose inner blocks are extracted
    max_fence_repairs: int = 200  # nested-fence repairs per response (each re-parses the rest)

    def __post_init__(self) -> None:
        for name in self.__slots__:
            if getattr(self, name) < 0:
                raise ValueError(f"ExtractLimits.{name} must be >= 0")


DEFAULT_LIMITS = ExtractLimits()
