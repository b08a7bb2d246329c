"""CIDR reading: open, private and VPC networks."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from harness.checks.common.resources import resources_of
from harness.checks.common.values import flat_values
from harness.terraform.model import Configuration

# --------------------------------------------------------------------------- CIDRs

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_PRIVATE = tuple(
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")
)


def parse_cidr(text: Any) -> Network | None:
    """An IP network from ``"10.0.0.0/16"`` (host bits allowed, as AWS does); None if not one."""
    if not isinstance(text, str) or "/" not in text:
        return None
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def is_open(network: Network) -> bool:
    """``0.0.0.0/0`` or ``::/0``: the whole internet."""
    return network.prefixlen == 0


def is_private(network: Network) -> bool:
    """Inside RFC 1918, carrier-grade NAT (100.64/10) or IPv6 ULA space."""
    return any(
        network.version == p.version and network.subnet_of(p)  # type: ignore[arg-type]
        for p in _PRIVATE
    )


def within(network: Network, others: Iterable[Network]) -> Network | None:
    """The first of ``others`` that contains ``network``."""
    for other in others:
        if network.version == other.version and network.subnet_of(other):  # type: ignore[arg-type]
            return other
    return None


def vpc_networks(config: Configuration) -> list[Network]:
    """Static CIDR blocks of every ``aws_vpc`` (and secondary association) in the tree."""
    found: list[Network] = []
    for resource in resources_of(config, ("aws_vpc", "aws_vpc_ipv4_cidr_block_association")):
        expr = resource.get("cidr_block")
        for value in flat_values(config, expr, resource.module) if expr is not None else ():
            network = parse_cidr(value.value) if value.known else None
            if network is not None:
                found.append(network)
    return found
