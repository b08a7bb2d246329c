"""Testing: unit and integration tests shipped with the code.

Checks ``testing.*``; their category is stated once, here."""

CATEGORY = "testing"
