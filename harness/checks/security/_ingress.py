"""Network exposure shared by the ingress checks (``db_ingress``, ``admin_ingress``): which
ingress rules reach a set of ports, and where their sources are. The checks differ in the
ports and in whether a named public range (an office's address) may connect."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import Field

from harness.checks.common import (
    flat_values,
    is_open,
    is_private,
    iter_blocks,
    number_of,
    origins,
    parse_cidr,
    resources_of,
    short,
    strings_of,
    subject_of,
    vpc_networks,
    within,
)
from harness.checks.common.cidr import Network
from harness.checks.registry import Params
from harness.checks.types import CheckContext, Evidence, Finding, failed, not_applicable, passed
from harness.terraform.model import Block, Expr, Resource
from harness.vocabulary import Span

_ALL_PROTOCOLS = {"-1", "all"}
_TCP = {"tcp", "6"}
_VPC_CIDR_SOURCES = ("aws_vpc", "aws_subnet", "aws_vpc_ipv4_cidr_block_association")


class IngressParams(Params):
    """What an ingress check judges: the ports, and which sources may reach them."""

    ports: list[int]
    allow_private_ranges: bool = Field(
        default=True,
        description="A private (RFC 1918 / ULA) CIDR outside the VPC's own blocks passes.",
    )
    allow_public_ranges: bool = Field(
        default=False,
        description="A public CIDR narrower than the whole internet passes (it names who "
        "may connect); 0.0.0.0/0 and ::/0 fail whatever this says.",
    )


@dataclass(frozen=True)
class _Verdict:
    status: str  # "open", "ok", "unknown"
    text: str
    evidence: tuple[Evidence, ...] = ()


_GROUP_TYPES = (
    "aws_security_group",
    "aws_default_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
)


def ingress_findings(
    ctx: CheckContext, params: IngressParams, what: str, *, closed_passes: bool = False
) -> Iterator[Finding]:
    """One finding per security group (inline rules) or rule that reaches one of
    ``params.ports``, by where its sources are; ``what`` names the ports in messages. When
    none does: na, or with ``closed_passes`` a pass citing the security groups that keep the
    ports closed (na still when there is no security group at all)."""
    vpcs = vpc_networks(ctx.config)
    found = False
    for resource in resources_of(ctx.config, ("aws_security_group", "aws_default_security_group")):
        rules = [
            b for b in iter_blocks(resource.block, "ingress") if _reaches(ctx, resource, b, params)
        ]
        if rules:
            found = True
            yield _finding(
                ctx, resource, [_judge(ctx, resource, b, vpcs, params) for b in rules], what
            )
    for resource in resources_of(ctx.config, ("aws_security_group_rule",)):
        kind = strings_of(ctx.config, resource.get("type"), resource.module)
        if kind == ["ingress"] and _reaches(ctx, resource, resource.block, params):
            found = True
            yield _finding(
                ctx, resource, [_judge(ctx, resource, resource.block, vpcs, params)], what
            )
    for resource in resources_of(ctx.config, ("aws_vpc_security_group_ingress_rule",)):
        if _reaches(ctx, resource, resource.block, params, protocol="ip_protocol"):
            found = True
            yield _finding(
                ctx, resource, [_judge(ctx, resource, resource.block, vpcs, params)], what
            )
    if not found:
        groups = [g.span for g in resources_of(ctx.config, _GROUP_TYPES)] if closed_passes else []
        yield none_reaches(ctx, what, groups, f"no ingress rule reaches {with_article(what)}")


def with_article(noun: str) -> str:
    """``noun`` after "a" or "an"."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def none_reaches(ctx: CheckContext, what: str, groups: list[Span], na_message: str) -> Finding:
    """What a check says when no ingress rule reaches its ports: a pass citing ``groups``
    (the security groups and rules that keep them closed), na (``na_message``) without any."""
    if not groups:
        return not_applicable(na_message)
    return passed(
        f"no ingress rule of the {len(groups)} security group(s) and rule(s) reaches "
        f"{with_article(what)}",
        *(ctx.evidence(span) for span in groups[:3]),
        subject="security groups",
    )


def _reaches(
    ctx: CheckContext,
    resource: Resource,
    block: Block,
    params: IngressParams,
    protocol: str = "protocol",
) -> bool:
    """True when the rule admits one of ``params.ports``."""
    protocols = strings_of(ctx.config, block.get(protocol), resource.module) or []
    if any(p.lower() in _ALL_PROTOCOLS for p in protocols):
        return True
    if protocols and not any(p.lower() in _TCP for p in protocols):
        return False
    low = number_of(ctx.config, block.get("from_port"), resource.module)
    high = number_of(ctx.config, block.get("to_port"), resource.module)
    if low is None or high is None:
        return False
    if low == high == 0 and not protocols:
        return False
    return any(low <= port <= high for port in params.ports)


def _judge(
    ctx: CheckContext,
    resource: Resource,
    block: Block,
    vpcs: list[Network],
    params: IngressParams,
) -> _Verdict:
    verdicts: list[_Verdict] = []
    for name in (
        "security_groups",
        "source_security_group_id",
        "referenced_security_group_id",
        "prefix_list_ids",
        "prefix_list_id",
    ):
        attribute = block.attr(name)
        if attribute is not None:
            verdicts.append(_Verdict("ok", f"from {name} {short(attribute.expr.text, 50)}"))
    self_attr = block.attr("self")
    if self_attr is not None and self_attr.expr.as_bool() is True:
        verdicts.append(_Verdict("ok", "from the group itself (self = true)"))
    for name in ("cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6"):
        attribute = block.attr(name)
        if attribute is not None:
            verdicts += _judge_cidrs(ctx, resource, attribute.expr, attribute.span, vpcs, params)
    opened = [v for v in verdicts if v.status == "open"]
    if opened:
        return opened[0]
    good = [v for v in verdicts if v.status == "ok"]
    if good and len(good) == len(verdicts):
        return _Verdict("ok", "; ".join(v.text for v in good[:3]))
    unknown = [v for v in verdicts if v.status == "unknown"]
    if unknown:
        return unknown[0]
    return _Verdict("unknown", "no source (cidr_blocks, security group) could be read")


def _judge_cidrs(
    ctx: CheckContext,
    resource: Resource,
    expr: Expr,
    span: Span,
    vpcs: list[Network],
    params: IngressParams,
) -> list[_Verdict]:
    out: list[_Verdict] = []
    where = ctx.evidence(span)
    for value in flat_values(ctx.config, expr, resource.module):
        hop = [ctx.evidence(s, "hop") for s in value.via[:2]]
        network = parse_cidr(value.value) if value.known else None
        origin = f" (via {value.via[0].path}:{value.via[0].start_line})" if value.via else ""
        if network is None:
            traced = (
                [
                    s
                    for s in origins(ctx, value.expr, value.module)
                    if s.kind in ("resource", "data")
                    and s.address.split(".")[-2] in _VPC_CIDR_SOURCES
                ]
                if value.expr.references()
                else []
            )
            if traced:
                out.append(_Verdict("ok", f"from {traced[0].address} cidr_block (the VPC)"))
            else:
                out.append(
                    _Verdict("unknown", f"CIDR {short(value.expr.text, 50)} cannot be resolved")
                )
            continue
        if is_open(network):
            out.append(_Verdict("open", f"open to {network}{origin}", (where, *hop)))
        elif within(network, vpcs) is not None:
            out.append(_Verdict("ok", f"{network} is inside the VPC CIDR {within(network, vpcs)}"))
        elif is_private(network) and params.allow_private_ranges:
            out.append(_Verdict("ok", f"{network} is a private range"))
        elif params.allow_public_ranges and not is_private(network):
            out.append(_Verdict("ok", f"from the named public range {network}{origin}"))
        else:
            out.append(
                _Verdict("open", f"open to the public range {network}{origin}", (where, *hop))
            )
    return out


def _finding(ctx: CheckContext, resource: Resource, verdicts: list[_Verdict], what: str) -> Finding:
    subject = subject_of(ctx.config, resource)
    opened = [v for v in verdicts if v.status == "open"]
    if opened:
        return failed(
            f"{what} {opened[0].text}",
            *(opened[0].evidence or (ctx.evidence(resource.span),)),
            subject=subject,
        )
    if all(v.status == "ok" for v in verdicts):
        return passed(
            f"{what} " + "; ".join(v.text for v in verdicts[:3]),
            ctx.evidence(resource.span),
            subject=subject,
        )
    unknown = next(v for v in verdicts if v.status == "unknown")
    return not_applicable(f"{subject}: {unknown.text}", subject)
