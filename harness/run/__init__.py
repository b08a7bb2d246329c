"""Grade responses: one (``grade``) or a whole batch into a run folder (``score_paths``).

Per response: extract (markdown -> FileTree) -> model (Terraform Configuration) -> compare
(with the task's reference, when there is one) -> checks (the rubric) -> scoring.
``pipeline`` grades one response, ``plan`` decides what a batch scores, ``batch`` runs it.
"""

from harness.run.batch import BatchOptions, Executor, Progress, score_paths
from harness.run.pipeline import STAGES, grade, reference_from
from harness.run.plan import InputError, TaskPlan, Unit, UnitKind, discover
from harness.run.walk import TaskTrees, grade_unit, iter_task
from harness.tasks import IDEAL_ID, OVERLAY_SUFFIX

__all__ = [
    "IDEAL_ID",
    "OVERLAY_SUFFIX",
    "STAGES",
    "BatchOptions",
    "Executor",
    "InputError",
    "Progress",
    "TaskPlan",
    "TaskTrees",
    "Unit",
    "UnitKind",
    "discover",
    "grade",
    "grade_unit",
    "iter_task",
    "reference_from",
    "score_paths",
]
