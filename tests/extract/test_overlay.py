"""Multi-turn overlay (requirement 8)."""

from __future__ import annotations

import pytest

from harness.extract import extract, overlay
from tests.extract.helpers import FIXTURES, codes


def test_later_turn_replaces_whole_files_and_carries_the_rest() -> None:
    first = extract(FIXTURES / "task_multiturn" / "MODEL_RESPONSE.md")
    second = extract(FIXTURES / "task_multiturn" / "MODEL_RESPONSE2.md")
    assert second.paths == ("main.tf",)
    effective = overlay([first, second])
    assert effective.paths == ("main.tf", "outputs.tf")
    main, outputs = effective.files
    assert "random_id" in main.content and not main.origin.carried_over
    assert main.origin.response == "MODEL_RESPONSE2"
    assert outputs.origin.carried_over and outputs.origin.response == "MODEL_RESPONSE"
    [carried] = [d for d in effective.diagnostics if d.code == "carried_over"]
    assert "outputs.tf (from MODEL_RESPONSE)" in carried.message
    assert effective.prose == second.prose and effective.source == second.source


def test_overlay_of_three_turns_and_of_one() -> None:
    a = extract("### a.tf\n```hcl\nx = 1\n```\n### b.tf\n```hcl\ny = 1\n```\n", response_id="1")
    b = extract("### b.tf\n```hcl\ny = 2\n```\n", response_id="2")
    c = extract("### c.tf\n```hcl\nz = 3\n```\n", response_id="3")
    effective = overlay([a, b, c])
    assert [(f.path, f.origin.response, f.origin.carried_over) for f in effective.files] == [
        ("a.tf", "1", True),
        ("b.tf", "2", True),
        ("c.tf", "3", False),
    ]
    assert overlay([a]) is a
    assert "carried_over" not in codes(overlay([b, b]))
    with pytest.raises(ValueError):
        overlay([])


def test_promised_files_accumulate() -> None:
    a = extract("```\np/\n├── a.tf\n└── b.tf\n```\n")
    b = extract("```\np/\n├── b.tf\n└── c.tf\n```\n")
    assert overlay([a, b]).promised_files == ("a.tf", "b.tf", "c.tf")
