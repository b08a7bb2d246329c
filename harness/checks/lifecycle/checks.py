"""Lifecycle checks: replacement order for resources that are recreated, and SSM parameters
that adopt an existing parameter instead of failing."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from harness.checks.common import evidence_at, resources_of, short, subject_of
from harness.checks.common.catalog import REPLACE_PRONE_TYPES
from harness.checks.common.settings import table_setting
from harness.checks.lifecycle import CATEGORY
from harness.checks.registry import Params, check
from harness.checks.types import CheckContext, Finding, failed, not_applicable, passed
from harness.facts import types_of


class CreateBeforeDestroyParams(Params):
    types: list[str] = Field(
        default_factory=lambda: list(REPLACE_PRONE_TYPES),
        description="Resource types that must set lifecycle { create_before_destroy = true } "
        "(default: the replace-prone types of harness.checks.common.catalog).",
    )


class SsmOverwriteParams(Params):
    types: list[str] = Field(
        default_factory=lambda: types_of("lifecycle.ssm_overwrite", "overwrite"),
        description="Resource types that must set overwrite = true.",
    )


@check("lifecycle.create_before_destroy", CATEGORY, params=CreateBeforeDestroyParams)
def create_before_destroy(
    ctx: CheckContext, params: CreateBeforeDestroyParams
) -> Iterator[Finding]:
    """Resources that get replaced are created before the old one is destroyed.

    What it checks:
        Every resource of the configured types (by default ``catalog.REPLACE_PRONE_TYPES``:
        security groups, launch configurations and templates, DB and cache subnet and
        parameter groups, IAM roles, certificates, target groups) has
        ``lifecycle { create_before_destroy = true }``. Terraform only accepts a literal
        there, so a variable fails. na when the configuration has none of these types.

    Why it matters:
        Replacing a security group or subnet group that other resources still use blocks
        (``DependencyViolation``) or leaves a window with nothing attached; an immutable
        launch configuration cannot be replaced at all while its Auto Scaling group uses it.
        Creating the replacement first keeps the dependants pointing at something valid.
        Pair it with a ``name_prefix`` or suffix: two objects with one fixed name collide.

    Example:
        Failing::

            resource "aws_security_group" "db" {
              name_prefix = "db-"
            }

        Passing::

            resource "aws_security_group" "db" {
              name_prefix = "db-"
              lifecycle {
                create_before_destroy = true
              }
            }
    """
    subjects = resources_of(ctx.config, params.types)
    if not subjects:
        yield not_applicable("no resource of the types that need create_before_destroy")
        return
    for resource in subjects:
        subject = subject_of(ctx.config, resource)
        expr = resource.get("lifecycle.create_before_destroy")
        evidence = evidence_at(ctx, resource, "lifecycle.create_before_destroy")
        if expr is None:
            yield failed("no lifecycle { create_before_destroy = true }", evidence, subject=subject)
        elif expr.as_bool() is True:
            yield passed("lifecycle.create_before_destroy = true", evidence, subject=subject)
        elif expr.as_bool() is False:
            yield failed("lifecycle.create_before_destroy = false", evidence, subject=subject)
        else:
            yield failed(
                f"create_before_destroy = {short(expr.text)}: Terraform requires a literal "
                "true/false in lifecycle blocks",
                evidence,
                subject=subject,
            )


@check("lifecycle.ssm_overwrite", CATEGORY, params=SsmOverwriteParams)
def ssm_overwrite(ctx: CheckContext, params: SsmOverwriteParams) -> Iterator[Finding]:
    """Every SSM parameter sets ``overwrite = true``.

    What it checks:
        Each ``aws_ssm_parameter`` sets ``overwrite``, resolved through variables and locals,
        to true. Missing or false fails; a value that cannot be resolved is na for that
        parameter. na when there is no SSM parameter.

    Why it matters:
        Without ``overwrite``, creating a parameter whose name already exists (left by a
        failed destroy, or created by hand) fails with ``ParameterAlreadyExists``; in AWS
        provider 5.x an omitted ``overwrite`` also defaults to false for a parameter Terraform
        did not create. (The argument was briefly marked deprecated in 5.x; the deprecation
        was withdrawn and it remains the way to adopt an existing parameter.)

    Example:
        Failing::

            resource "aws_ssm_parameter" "db_host" {
              name  = "/app/db/host"
              type  = "String"
              value = aws_db_instance.main.address
            }

        Passing::

            resource "aws_ssm_parameter" "db_host" {
              name      = "/app/db/host"
              type      = "String"
              value     = aws_db_instance.main.address
              overwrite = true
            }
    """
    subjects = resources_of(ctx.config, params.types)
    if not subjects:
        yield not_applicable("no SSM parameter")
        return
    for resource in subjects:
        yield table_setting(ctx, resource, "lifecycle.ssm_overwrite", "overwrite")
