"""The harness version: one place, imported by the run facts and the CLI."""

__version__ = "0.1.0"
