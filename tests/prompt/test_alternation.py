"""The trie alternation and the service search built on it find exactly what the plain
patterns find (the prompt reader's fast path must never change a requirement)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.prompt import load_lexicon
from harness.prompt.alternation import literal_atoms, trie_alternation
from harness.prompt.lexicon import any_service_pattern, service_starts_pattern
from harness.prompt.reader import _mentions

_PHRASES = ["al", "alpha", "also", "beta", "Be TA", "voilà", "a.b", "K", "s"]
# pieces that make near misses: prefixes, case, separators, non-ASCII case folds (ſ, K)
_PIECES = [
    *"aAbBlLpPhHsSoOtTkKſKİı.-_ \t(",
    *("alpha", "ALSO", "beta", "be ta", "be-ta", "voilà", "VOILÀ", "a.b", "axb"),
    *("VPC", "vpc-", "S3", "s3", "route 53", "Route53", "route_53", "RDS", "rds-proxy"),
    *("NAT gateway", "nat-gateways", "Elastic IPs", "EIP", "CloudFront", "ALB", "IAM", "KMS"),
]
_TEXTS = st.lists(st.sampled_from(_PIECES), max_size=25).map("".join)


def _plain(phrases: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(p) for p in phrases), re.IGNORECASE)


def _trie(phrases: list[str]) -> re.Pattern[str]:
    atoms = [literal_atoms(p, ignore_case=True) for p in phrases]
    return re.compile(trie_alternation(atoms), re.IGNORECASE)


def test_trie_source_shares_prefixes() -> None:
    source = trie_alternation([literal_atoms(p, True) for p in ["alpha", "also", "Al"]])
    assert source == "al(?:pha|so|)"  # one "al" branch; the phrase that ends there last
    assert re.fullmatch(source, "al") and re.fullmatch(source, "also")
    assert trie_alternation([]) == "(?!)"
    assert re.search(trie_alternation([]), "anything") is None


@settings(max_examples=800, deadline=None)
@given(_TEXTS)
def test_trie_matches_where_the_plain_alternation_does(text: str) -> None:
    plain, trie = _plain(_PHRASES), _trie(_PHRASES)
    for at in range(len(text) + 1):
        assert (plain.match(text, at) is None) == (trie.match(text, at) is None), at


@settings(max_examples=800, deadline=None)
@given(_TEXTS)
def test_service_search_equals_every_service_pattern(text: str) -> None:
    services = load_lexicon()
    expected_any = any(service.pattern.search(text) for service in services)
    assert (any_service_pattern(services).search(text) is not None) == expected_any
    offsets = [m.start() for m in service_starts_pattern(services).finditer(text)]
    expected = [
        (m.start(), m.end(), service)
        for service in services
        for m in service.pattern.finditer(text)
    ]
    assert _mentions(text, services, offsets) == expected
