"""Safe YAML loading that remembers where every key came from.

A rubric may come from anyone, so it is read with PyYAML's ``SafeLoader`` (no Python objects)
under three limits: file size, number of aliases, and number of nodes after alias expansion
(the "billion laughs" document is a handful of aliases that expand exponentially). While the
document is walked, the line of every mapping key and sequence item is recorded so that a
later validation error can point at ``file:line``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_BYTES = 1_000_000
MAX_ALIASES = 100
MAX_NODES = 200_000

PathKey = tuple[str | int, ...]


class YamlDocError(ValueError):
    """The YAML itself is unusable; the message starts with ``file:line``."""


class _CountingLoader(yaml.SafeLoader):
    """SafeLoader that refuses documents with too many aliases (counted while composing)."""

    aliases = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise YamlDocError(f"line {mark.line + 1}: more than {MAX_ALIASES} YAML aliases")
        node: Node | None = super().compose_node(parent, index)
        return node


@dataclass(frozen=True)
class YamlDoc:
    """A loaded document: its data and the 1-based line of each key path."""

    path: Path
    data: Any
    lines: dict[PathKey, int]

    def line(self, key: Iterable[str | int]) -> int:
        """Line of the longest known prefix of ``key`` (1 when nothing is known)."""
        key = tuple(key)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), 1)

    def where(self, key: Iterable[str | int] = ()) -> str:
        return f"{self.path}:{self.line(key)}"


def _walk(node: Node, key: PathKey, lines: dict[PathKey, int], budget: list[int]) -> None:
    budget[0] -= 1
    if budget[0] < 0:
        raise YamlDocError(
            f"line {node.start_mark.line + 1}: document expands to more than {MAX_NODES} nodes"
        )
    lines.setdefault(key, node.start_mark.line + 1)
    if isinstance(node, MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if key_node.value in seen:  # PyYAML would silently keep the last one
                    line = key_node.start_mark.line + 1
                    raise YamlDocError(f"line {line}: duplicate key {key_node.value!r}")
                seen.add(key_node.value)
                child = (*key, str(key_node.value))
                lines[child] = key_node.start_mark.line + 1
                _walk(value_node, child, lines, budget)
            else:  # merge keys and complex keys: count them, keep the parent's line
                _walk(value_node, key, lines, budget)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*key, index), lines, budget)


def load_yaml(path: Path) -> YamlDoc:
    """Read one YAML document safely; errors are ``YamlDocError('file:line: ...')``."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise YamlDocError(f"{path}:1: file is {size} bytes, more than {MAX_BYTES}")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlDocError(f"{path}:1: not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise YamlDocError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    loader = _CountingLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise YamlDocError(f"{path}:1: empty document")
        lines: dict[PathKey, int] = {}
        _walk(node, (), lines, [MAX_NODES])
        data = loader.construct_document(node)
    except YamlDocError as exc:
        message = str(exc)
        if message.startswith("line "):
            number, _, rest = message[5:].partition(": ")
            raise YamlDocError(f"{path}:{number}: {rest}") from None
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlDocError(f"{path}:{line}: invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise YamlDocError(f"{path}:1: invalid YAML: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise YamlDocError(f"{path}:1: document is nested too deeply") from None
    finally:
        loader.dispose()
    return YamlDoc(path=path, data=data, lines=lines)
