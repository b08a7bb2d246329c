"""Completeness: the response is whole, parses, and has what the task asks for.

Checks ``complete.*``; their category is stated once, here."""

CATEGORY = "completeness"
