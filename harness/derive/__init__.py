"""Derive a task rubric from its reference: an application of the pipeline (extract, model,
compare, checks) that drafts ``rubrics/TASK.yaml`` extending the generic rubric.

``facts`` reads what the reference does (modules, suffixed names, settings, tags, alarms);
``draft`` turns facts into criterion decisions and verifies them on the reference;
``render`` writes the decisions as commented YAML.
"""
