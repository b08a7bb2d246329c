"""Reference: agreement of the response with the task's reference solution.

Checks ``reference.*``; their category is stated once, here."""

CATEGORY = "reference"
