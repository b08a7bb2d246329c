"""Prompt markdown -> what it asks for (``PromptRequirements``), each requirement with the
prompt file and line that stated it. Deterministic: rules and a lexicon, no network, no model.
"""

from harness.prompt.lexicon import LexiconError, Service, load_lexicon, parse_lexicon
from harness.prompt.reader import (
    PromptError,
    read_prompt_file,
    read_prompts,
    read_requirements,
)
from harness.prompt.types import (
    PROVIDER_SETUP,
    RANDOM_NAMES,
    PromptPlace,
    PromptRequirements,
    Requirement,
    RequirementKind,
)

__all__ = [
    "PROVIDER_SETUP",
    "RANDOM_NAMES",
    "LexiconError",
    "PromptError",
    "PromptPlace",
    "PromptRequirements",
    "Requirement",
    "RequirementKind",
    "Service",
    "load_lexicon",
    "parse_lexicon",
    "read_prompt_file",
    "read_prompts",
    "read_requirements",
]
