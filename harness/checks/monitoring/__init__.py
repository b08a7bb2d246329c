"""Monitoring: alarms, their actions and the topics they notify.

Checks ``monitoring.*``; their category is stated once, here."""

CATEGORY = "monitoring"
