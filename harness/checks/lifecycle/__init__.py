"""Lifecycle: resources replaced or overwritten without an outage or a failed apply.

Checks ``lifecycle.*``; their category is stated once, here."""

CATEGORY = "lifecycle"
