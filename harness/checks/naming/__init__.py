"""Naming: globally unique names through a random suffix.

Checks ``naming.*``; their category is stated once, here."""

CATEGORY = "naming"
