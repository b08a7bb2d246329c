"""Network exposure: database ports accept traffic only from inside the VPC."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from harness.checks.common.catalog import DATA_STORE_PORTS
from harness.checks.registry import check
from harness.checks.security import CATEGORY
from harness.checks.security._ingress import IngressParams, ingress_findings
from harness.checks.types import CheckContext, Finding

#: Data-store ports judged by default (harness.checks.common.catalog names their engines).
DB_PORTS = list(DATA_STORE_PORTS)


class DbIngressParams(IngressParams):
    ports: list[int] = Field(
        default_factory=lambda: list(DB_PORTS),
        description="Data-store ports (SQL engines, Redis, Memcached, MongoDB, OpenSearch, "
        "Redshift, Cassandra, Neptune: harness.checks.common.catalog).",
    )


@check("security.db_ingress_restricted", CATEGORY, params=DbIngressParams)
def db_ingress_restricted(ctx: CheckContext, params: DbIngressParams) -> Iterator[Finding]:
    """Database ports admit traffic only from the VPC or from security groups.

    What it checks:
        Every ingress rule that reaches a data-store port (by default every port of
        ``catalog.DATA_STORE_PORTS``: SQL engines, Redis 6379, Memcached, MongoDB, OpenSearch,
        Redshift, Cassandra, Neptune; a port range or "all protocols" counts) in inline
        ``ingress`` blocks of ``aws_security_group``, ``aws_security_group_rule`` (type ingress) and
        ``aws_vpc_security_group_ingress_rule``. CIDRs are resolved through variables
        (including the value a module call passes), locals and conditionals: ``0.0.0.0/0``,
        ``::/0`` or any public range fails; a block inside the VPC's CIDR, one traced to a
        VPC or subnet ``cidr_block``, or a private range passes; source security groups,
        ``self`` and prefix lists pass. One finding per security group (inline) or rule; a
        rule whose sources cannot be resolved is na. na when no rule reaches a DB port.

    Why it matters:
        An open database port is scanned within minutes of creation; brute force and engine
        exploits then need no foothold in the VPC. Only the application tier needs to reach
        the database.

    Example:
        Failing::

            ingress {
              from_port   = 5432
              to_port     = 5432
              protocol    = "tcp"
              cidr_blocks = ["0.0.0.0/0"]
            }

        Passing::

            ingress {
              from_port       = 5432
              to_port         = 5432
              protocol        = "tcp"
              security_groups = [aws_security_group.app.id]
            }
    """
    yield from ingress_findings(ctx, params, "database port")
