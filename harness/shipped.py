"""What the package ships besides code: rubrics, the tone lexicon and the bundled sample task.

Everything lives under ``harness/data`` and is found through ``importlib.resources``, so a
wheel install finds it exactly as a checkout does (the checkout's top-level ``rubrics/``,
``responses/`` and ``reference/`` are links into this folder).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SAMPLE_TASK_ID = "aws-prod-stack"
#: The same orders-service task answered in CloudFormation (its ideal is in its own folder).
CLOUDFORMATION_SAMPLE_ID = "orders-cfn-stack"


def data_dir() -> Path:
    """The package's data folder on disk (a wheel or a checkout: both are plain folders)."""
    return Path(str(resources.files("harness").joinpath("data")))


def rubric_dir() -> Path:
    """Where shipped rubric ids (``terraform-aws-production``, ...) are looked up."""
    return data_dir() / "rubrics"


def sample_responses() -> Path:
    """The bundled sample task folder (prompts and model responses)."""
    return data_dir() / "sample" / "responses" / SAMPLE_TASK_ID


def sample_tasks() -> Path:
    """The folder of bundled sample tasks (Terraform and CloudFormation)."""
    return data_dir() / "sample" / "responses"


def cloudformation_sample() -> Path:
    """The bundled CloudFormation sample task folder (prompt, ideal, responses, EXPECTED)."""
    return sample_tasks() / CLOUDFORMATION_SAMPLE_ID


def sample_reference() -> Path:
    """The bundled sample task's reference solution (Terraform files and the ideal)."""
    return data_dir() / "sample" / "reference" / SAMPLE_TASK_ID


def sample_rubric() -> Path:
    """The rubric written for the bundled sample task."""
    return rubric_dir() / f"{SAMPLE_TASK_ID}.yaml"
