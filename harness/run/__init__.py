"""Grade responses: one (``grade``) or a whole batch into a run folder (``score_paths``).

Per response: extract (markdown -> FileTree) -> model (Terraform Configuration) -> compare
(with the task's reference, when there is one) -> checks (the rubric) -> scoring.
``pipeline`` grades one response, ``plan`` decides what a batch scores, ``batch`` runs it.
"""

from harness.run.batch import iter_task, score_paths
from harness.run.pipeline import IDEAL_ID, OVERLAY_SUFFIX, STAGES, grade, reference_from
from harness.run.plan import InputError, TaskPlan, discover

__all__ = [
    "IDEAL_ID",
    "OVERLAY_SUFFIX",
    "STAGES",
    "InputError",
    "TaskPlan",
    "discover",
    "grade",
    "iter_task",
    "reference_from",
    "score_paths",
]
