"""Path normalisation and rejection (requirement 9)."""

from __future__ import annotations

import contextlib
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.extract import ExtractLimits, UnsafePathError, normalise_path
from harness.extract.paths import is_safe_path


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("main.tf", "main.tf"),
        ("./main.tf", "main.tf"),
        ("././lib//modules///vpc/main.tf", "lib/modules/vpc/main.tf"),
        ("lib\\modules\\vpc\\main.tf", "lib/modules/vpc/main.tf"),
        ("`lib/provider.tf`", "lib/provider.tf"),
        ('"variables.tf"', "variables.tf"),
        ("lib/./x.tf", "lib/x.tf"),
        ("dir/", "dir"),
    ],
)
def test_normalises(raw: str, expected: str) -> None:
    assert normalise_path(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("/etc/passwd", "absolute"),
        ("//server/share/x.tf", "absolute"),
        ("\\\\server\\share\\x.tf", "absolute"),
        ("~/x.tf", "home"),
        ("C:\\x\\main.tf", "drive letter"),
        ("c:main.tf", "drive letter"),
        ("../main.tf", ".."),
        ("lib/../../main.tf", ".."),
        ("lib\\..\\..\\x.tf", ".."),
        ("a/.../b.tf", ".."),
        ("ma\x00in.tf", "control"),
        ("main\n.tf", "control"),
        ("main\x1b.tf", "control"),
        ("https://evil.example/x.tf", "URL"),
        (".git/hooks/pre-commit", ".git"),
        ("a/.GIT/config", ".git"),
        ("con.tf", "reserved"),
        ("a/b?.tf", "not allowed"),
        ("trailing. /x.tf", "space or dot"),
        ("", "empty"),
        ("./", "empty"),
        ("a/" * 40 + "x.tf", "deeper"),
        ("x" * 300 + ".tf", "longer"),
    ],
)
def test_rejects(raw: str, reason: str) -> None:
    with pytest.raises(UnsafePathError) as caught:
        normalise_path(raw)
    assert reason in caught.value.reason


def test_limits_are_configurable() -> None:
    limits = ExtractLimits(max_path_length=10, max_path_depth=2)
    assert normalise_path("a/b.tf", limits) == "a/b.tf"
    with pytest.raises(UnsafePathError):
        normalise_path("a/b/c.tf", limits)
    with pytest.raises(UnsafePathError):
        normalise_path("abcdefghijk.tf", limits)


_ALPHABET = string.ascii_letters + string.digits + "./\\_-~:\x00\n $`\"'"


@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_any_accepted_path_is_relative_and_contained(raw: str) -> None:
    try:
        path = normalise_path(raw)
    except UnsafePathError:
        return
    parts = path.split("/")
    assert not path.startswith("/")
    assert ".." not in parts and "." not in parts and "" not in parts
    assert "\\" not in path and "\x00" not in path and "\n" not in path
    assert not any(part.casefold() == ".git" for part in parts)
    assert is_safe_path(path)  # idempotent: normal form maps to itself


@given(st.text(max_size=80))
def test_never_raises_anything_but_unsafe_path_error(raw: str) -> None:
    with contextlib.suppress(UnsafePathError):
        normalise_path(raw)
