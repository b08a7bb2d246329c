"""Network exposure: remote administration ports (SSH, RDP, WinRM) are not open to the whole
internet."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from harness.checks.common.catalog import ADMIN_PORTS
from harness.checks.registry import check
from harness.checks.security import CATEGORY
from harness.checks.security._ingress import IngressParams, ingress_findings
from harness.checks.types import CheckContext, Finding


class AdminIngressParams(IngressParams):
    ports: list[int] = Field(
        default_factory=lambda: list(ADMIN_PORTS),
        description="Remote administration ports (SSH 22, RDP 3389, WinRM 5985/5986: "
        "harness.checks.common.catalog).",
    )
    allow_public_ranges: bool = Field(
        default=True,
        description="A public CIDR narrower than the whole internet passes (an office's "
        "address, a VPN's egress); 0.0.0.0/0 and ::/0 fail whatever this says.",
    )


# judges_task=False: a response with no security group has nothing exposed; the
# reference's bastion rule does not make that a gap.
@check("security.admin_ingress_restricted", CATEGORY, params=AdminIngressParams, judges_task=False)
def admin_ingress_restricted(ctx: CheckContext, params: AdminIngressParams) -> Iterator[Finding]:
    """Remote administration ports are not open to the whole internet.

    What it checks:
        Every ingress rule that reaches an administration port (by default
        ``catalog.ADMIN_PORTS``: SSH 22, RDP 3389, WinRM 5985 and 5986; a port range or "all
        protocols" counts), read as ``security.db_ingress_restricted`` reads rules: inline
        ``ingress`` blocks, ``aws_security_group_rule`` (type ingress) and
        ``aws_vpc_security_group_ingress_rule``, CIDRs resolved through variables, locals and
        module arguments. ``0.0.0.0/0`` or ``::/0`` fails; a range inside the VPC, a private
        range, a named public range (``allow_public_ranges``: an office's address), source
        security groups, ``self`` and prefix lists pass. One finding per security group or
        rule; when none reaches an administration port, one passing finding citing the
        groups (na without any security group, whatever the reference has: nothing open is
        the safe state, never a gap).

    Why it matters:
        SSH and RDP open to the internet are brute-forced within minutes of an instance
        starting. Production instances are reached through SSM Session Manager, a bastion, or
        a named range.

    Example:
        Failing::

            ingress {
              from_port   = 22
              to_port     = 22
              protocol    = "tcp"
              cidr_blocks = ["0.0.0.0/0"]
            }

        Passing::

            ingress {
              from_port   = 22
              to_port     = 22
              protocol    = "tcp"
              cidr_blocks = [var.office_cidr] # default "203.0.113.0/24"
            }
    """
    yield from ingress_findings(ctx, params, "administration port", closed_passes=True)
