"""The CLI's command tree, for tests that check every command."""

from __future__ import annotations

from typer.main import get_command

from harness.cli import app


def walk_commands() -> list[tuple[str, object]]:
    """Every command path ("" for the root, "cache info", ...) and its command, walked through
    typer's own API: ``get_command`` gives the tree, and a group is whatever has ``commands``
    (no isinstance against the click classes typer happens to vendor or depend on)."""
    found: list[tuple[str, object]] = []

    def walk(prefix: str, command: object) -> None:
        found.append((prefix, command))
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            walk(f"{prefix} {name}".strip(), sub)

    walk("", get_command(app))
    return found
