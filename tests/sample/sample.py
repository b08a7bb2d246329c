"""Shared facts about the bundled sample task (responses/aws-prod-stack, reference/aws-prod-stack).

The lists here are what each response's author intended: tests compare the harness against
them, so a change to a response must change these lists in the same commit.
"""

from __future__ import annotations

from pathlib import Path

from harness.extract.types import Convention
from tests.conftest import ISSUE_CRITERIA, SAMPLE_REFERENCE, SAMPLE_TASK

IDEAL = SAMPLE_REFERENCE / "IDEAL_RESPONSE.md"
EXPECTED_FILE = SAMPLE_TASK / "EXPECTED.yaml"

#: Markdown source(s) of each scored response id; an overlay lists its turns, first turn first.
SOURCES: dict[str, tuple[Path, ...]] = {
    "MODEL_RESPONSE": (SAMPLE_TASK / "MODEL_RESPONSE.md",),
    "MODEL_RESPONSE2": (SAMPLE_TASK / "MODEL_RESPONSE2.md",),
    "MODEL_RESPONSE2+overlay": (
        SAMPLE_TASK / "MODEL_RESPONSE.md",
        SAMPLE_TASK / "MODEL_RESPONSE2.md",
    ),
    "MODEL_RESPONSE3": (SAMPLE_TASK / "MODEL_RESPONSE3.md",),
    "MODEL_RESPONSE4": (SAMPLE_TASK / "MODEL_RESPONSE4.md",),
    "IDEAL_RESPONSE": (IDEAL,),
}

#: Every criterion id of the rubric issue (issue 5); EXPECTED.yaml must state each one.
CRITERIA: tuple[str, ...] = ISSUE_CRITERIA

#: Criteria the task rubric (rubrics/aws-prod-stack.yaml) adds for this prompt.
TASK_CRITERIA: tuple[str, ...] = ("complete.required_modules", "complete.required_resources")
#: Comparison with the reference (generic rubric, na without a reference; issue 6).
REFERENCE_CRITERIA: tuple[str, ...] = (
    "reference.resource_coverage",
    "reference.module_coverage",
    "reference.attribute_agreement",
)

H = Convention.HEADING
B = Convention.BOLD_LABEL
T = Convention.FENCE_TITLE
C = Convention.FIRST_COMMENT
P = Convention.PROSE
N = Convention.INFERRED  # no name anywhere

#: Each response's files in order of appearance, with the naming convention that names them.
INTENDED: dict[str, list[tuple[str, Convention]]] = {
    "MODEL_RESPONSE": [
        ("main.tf", H),
        ("variables.tf", H),
        ("outputs.tf", H),
        ("modules/networking/main.tf", H),
        ("modules/networking/variables.tf", H),
        ("modules/networking/outputs.tf", H),
        ("modules/compute/main.tf", H),
        ("modules/compute/variables.tf", H),
        ("modules/compute/outputs.tf", H),
        ("modules/storage/main.tf", H),
        ("modules/storage/variables.tf", B),
        ("modules/monitoring/main.tf", H),
        ("modules/monitoring/variables.tf", H),
        ("modules/database/main.tf", H),  # cut off mid-resource
    ],
    "MODEL_RESPONSE2": [
        ("modules/storage/main.tf", T),
        ("modules/compute/main.tf", H),
        ("modules/compute/variables.tf", C),
        ("modules/database/main.tf", P),
    ],
    "MODEL_RESPONSE3": [
        ("versions.tf", B),
        ("providers.tf", B),
        ("variables.tf", B),
        ("main.tf", B),
        ("outputs.tf", P),
        *[
            (f"modules/{module}/{name}", B)
            for module in ("networking", "storage", "compute", "database")
            for name in ("main.tf", "variables.tf", "outputs.tf")
        ],
    ],
    "MODEL_RESPONSE4": [
        ("versions.tf", H),
        ("provider.tf", H),
        ("variables.tf", H),
        ("main.tf", H),
        ("outputs.tf", N),  # the one bare block: only output blocks
        ("modules/networking/main.tf", H),
        ("modules/networking/variables.tf", H),
        ("modules/networking/outputs.tf", H),
        ("modules/storage/main.tf", T),
        ("modules/storage/variables.tf", T),
        ("modules/storage/outputs.tf", T),
        ("modules/database/main.tf", T),
        ("modules/database/variables.tf", T),
        ("modules/database/outputs.tf", T),
        ("modules/compute/main.tf", H),
        ("modules/compute/variables.tf", H),
        ("modules/compute/outputs.tf", H),
        ("modules/monitoring/main.tf", H),
        ("modules/monitoring/variables.tf", C),
        ("modules/monitoring/outputs.tf", H),
        ("tests/unit.tftest.hcl", H),
        ("tests/integration/test_stack.py", H),
    ],
}

#: Files a response's own directory drawing promises but never writes.
PROMISED_MISSING: dict[str, list[str]] = {
    "MODEL_RESPONSE": [
        "terraform.tfvars.example",
        "README.md",
        "modules/storage/outputs.tf",
        "modules/monitoring/outputs.tf",
        "modules/database/variables.tf",
        "modules/database/outputs.tf",
    ],
    "MODEL_RESPONSE2": [],
    "MODEL_RESPONSE3": [
        "README.md",
        "modules/monitoring/main.tf",
        "modules/monitoring/variables.tf",
        "modules/monitoring/outputs.tf",
    ],
    "MODEL_RESPONSE4": [],
    "IDEAL_RESPONSE": [],
}
