"""Tone: professional prose that does not overclaim.

Checks ``tone.*``; their category is stated once, here."""

CATEGORY = "tone"
