"""Tagging: default tags and required tag keys.

Checks ``tagging.*``; their category is stated once, here."""

CATEGORY = "tagging"
