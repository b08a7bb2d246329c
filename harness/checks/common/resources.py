"""Resources across modules, their subjects (Terraform addresses) and evidence spans."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from harness.checks.types import CheckContext, Evidence
from harness.terraform.model import Attribute, Block, Configuration, Module, ModuleCall, Resource
from harness.vocabulary import Span

# --------------------------------------------------------------------------- resources


def resources_of(config: Configuration, types: Iterable[str] | None = None) -> list[Resource]:
    """Managed resources of every module (optionally only the given types), in path order."""
    wanted = None if types is None else frozenset(types)
    return [r for r in config.resources() if wanted is None or r.type in wanted]


def callers(config: Configuration, module_path: str) -> list[tuple[Module, ModuleCall]]:
    """Every (parent module, call) whose local source resolves to ``module_path``."""
    found: list[tuple[Module, ModuleCall]] = []
    for path in sorted(config.modules):
        for call in config.modules[path].calls:
            if call.resolved == module_path and path != module_path:
                found.append((config.modules[path], call))
    return found


def module_prefix(config: Configuration, module_path: str) -> str:
    """``module.a.module.b.`` for a module the root reaches through calls ``a`` then ``b``;
    ``<dir>/`` for a module no call reaches; ``""`` for the root."""
    if module_path == config.root:
        return ""
    steps: list[str] = []
    current, seen = module_path, {module_path}
    while current != config.root:
        up = callers(config, current)
        if not up:
            return f"{module_path}/"
        parent, call = up[0]
        steps.append(f"module.{call.name}")
        current = parent.path
        if current in seen:
            return f"{module_path}/"
        seen.add(current)
    return ".".join(reversed(steps)) + "."


def subject_of(config: Configuration, resource: Resource) -> str:
    """A resource's Terraform address, module-qualified outside the root module
    (``module.database.aws_db_instance.main``), as a reviewer would type it."""
    return module_prefix(config, resource.module) + resource.address


# --------------------------------------------------------------------------- evidence


def attribute_at(block: Block, path: str) -> Attribute | None:
    """The attribute at a dotted path through nested blocks (``lifecycle.overwrite``)."""
    head, _, rest = path.partition(".")
    if not rest:
        return block.attr(head)
    for child in block.children(head):
        found = attribute_at(child, rest)
        if found is not None:
            return found
    return None


def span_of(resource: Resource, *paths: str) -> Span:
    """The span of the first attribute found among ``paths``, else the resource block."""
    for path in paths:
        attribute = attribute_at(resource.block, path)
        if attribute is not None:
            return attribute.span
    return resource.span


def span_at(block: Block, path: str) -> Span | None:
    """The span of the attribute or nested block at a dotted path, following the first block
    of each name (``versioning`` gives the block, ``versioning.enabled`` its attribute); None
    when the path is absent. Unlike ``span_of``, a path may end at a block and nothing falls
    back: reference evidence and derived facts point at the setting or at nothing."""
    parts = path.split(".")
    for i, part in enumerate(parts):
        attribute = block.attr(part)
        if attribute is not None:
            return attribute.span
        children = block.children(part)
        if not children:
            return None
        block = children[0]
        if i == len(parts) - 1:
            return block.span
    return None


def evidence_at(ctx: CheckContext, resource: Resource, *paths: str, note: str = "") -> Evidence:
    return ctx.evidence(span_of(resource, *paths), note)


def setting(name: str, text: str, value: object) -> str:
    """``overwrite = true``, or ``storage_encrypted = var.x (resolves to true)``."""
    shown = short(text)
    plain = "true" if value is True else "false" if value is False else str(value)
    if shown.strip('"').lower() == plain.lower():
        return f"{name} = {shown}"
    return f"{name} = {shown} (resolves to {plain})"


def short(text: str, limit: int = 80) -> str:
    """One line of source text for a message."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def iter_blocks(block: Block, kind: str) -> Iterator[Block]:
    """Nested blocks of a kind, including the ``content`` of ``dynamic "<kind>"`` blocks."""
    yield from block.children(kind)
    for dynamic in block.children("dynamic"):
        if dynamic.labels[:1] == (kind,):
            yield from dynamic.children("content")
