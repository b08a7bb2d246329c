"""Grading: checks' findings -> criterion results -> scores, with the ideal's evidence.

``engine`` runs a rubric's checks on one context and folds findings into criterion results;
``reference_evidence`` puts the ideal's passing evidence beside a response's failures;
``score`` aggregates criteria into category and overall scores (pure).
"""
