"""Reliability: state backend, version pins, outputs, lifecycle rules the provider accepts.

Checks ``reliability.*``; their category is stated once, here."""

CATEGORY = "reliability"
