"""Trust in the grader, measured from run folders only: what changed between two runs
(``diff``), human labels (``labels``) and how often the harness agrees with them (``agree``).

Nothing here grades: every function reads ``RunData`` (``harness.store.load_run``), label
files and task folders' ``metadata.json``.
"""
