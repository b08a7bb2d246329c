"""Tagging checks: tags applied by default, and the keys a tagging policy requires.

Tag keys are read statically: literal maps, ``merge(...)``, locals, variables (through the
module call that sets them, else their default), module outputs and conditionals; provider
``default_tags`` apply to every resource the provider configures, including in child modules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from pydantic import Field

from harness.checks.common import subject_of
from harness.checks.common.aws import (
    EMPTY,
    KeySet,
    aws_provider_for,
    default_tags_expr,
    evidence_for,
    map_keys,
    name_list,
    provider_alias,
    resource_tag_keys,
    taggable,
)
from harness.checks.common.memo import per_context
from harness.checks.registry import Params, check
from harness.checks.tagging import CATEGORY
from harness.checks.types import CheckContext, Evidence, Finding, failed, not_applicable, passed
from harness.terraform.model import Block, Resource


class DefaultTagsParams(Params):
    min_tagged_fraction: float = Field(
        default=0.9,
        ge=0.0,
        le=1.0,
        description="Without provider default_tags, the share of taggable resources that must "
        "set tags themselves.",
    )


class RequiredKeysParams(Params):
    keys: list[str] = Field(
        default_factory=lambda: ["Environment", "Project", "Owner"],
        min_length=1,
        description="Tag keys every taggable resource must carry (compared ignoring case, "
        "spaces, '-' and '_').",
    )
    aliases: dict[str, list[str]] = Field(
        default_factory=lambda: {"Environment": ["Env"], "Project": ["ProjectName"]},
        description="Other spellings accepted for a key.",
    )


@dataclass(frozen=True)
class _Tagged:
    """One taggable resource with the keys it ends up with."""

    resource: Resource
    own: KeySet | None  # None: sets no tags itself
    default: KeySet  # from its provider's default_tags
    provider: Block | None

    @property
    def keys(self) -> frozenset[str]:
        return self.default.keys | (self.own.keys if self.own else frozenset())

    @property
    def complete(self) -> bool:
        return self.default.complete and (self.own is None or self.own.complete)


@per_context  # read by tagging.default_tags and tagging.required_keys (once per criterion)
def _tagged(ctx: CheckContext) -> tuple[_Tagged, ...]:
    found: list[_Tagged] = []
    # many resources share a provider: find it, and read its default_tags, once per
    # (module, alias) and per provider block (kept alive by the configuration meanwhile)
    providers: dict[tuple[str, str | None], tuple[Block, str] | None] = {}
    default_keys: dict[tuple[int, str], KeySet] = {}
    for resource in ctx.config.resources():
        if not taggable(resource):
            continue
        alias = provider_alias(resource)
        where = (resource.module, alias)
        if where not in providers:
            providers[where] = aws_provider_for(ctx.config, resource.module, alias)
        provider = providers[where]
        default = EMPTY
        if provider is not None:
            block, path = provider
            if (id(block), path) not in default_keys:
                expr = default_tags_expr(block)
                default_keys[id(block), path] = map_keys(ctx.config, expr, path) if expr else EMPTY
            default = default_keys[id(block), path]
        found.append(
            _Tagged(
                resource,
                resource_tag_keys(ctx.config, resource),
                default,
                provider[0] if provider else None,
            )
        )
    return tuple(found)


def _sets_tags(tagged: _Tagged) -> bool:
    """The resource sets tags itself (keys, or a map whose keys are not known statically)."""
    return tagged.own is not None and bool(tagged.own.keys or not tagged.own.complete)


def _default_tags_providers(ctx: CheckContext) -> list[tuple[Block, KeySet, str]]:
    """Every ``provider "aws"`` block with ``default_tags { tags = ... }`` and its keys."""
    found: list[tuple[Block, KeySet, str]] = []
    for path in sorted(ctx.config.modules):
        for provider in ctx.config.modules[path].providers:
            expr = default_tags_expr(provider.block) if provider.name == "aws" else None
            if expr is not None:
                found.append((provider.block, map_keys(ctx.config, expr, path), path))
    return found


def _default_tags_block_evidence(ctx: CheckContext, provider: Block) -> Evidence:
    for block in provider.children("default_tags"):
        return ctx.evidence(block.span)
    return ctx.evidence(provider.span)


@check("tagging.default_tags", CATEGORY, params=DefaultTagsParams)
def default_tags(ctx: CheckContext, params: DefaultTagsParams) -> Iterator[Finding]:
    """Tags are applied by default: provider ``default_tags``, or tags on nearly every resource.

    What it checks:
        Passes when a ``provider "aws"`` block has ``default_tags { tags = {...} }`` with at
        least one key (or keys that cannot be known statically, e.g. a root variable), or,
        without it, when at least ``min_tagged_fraction`` of the taggable AWS resources set
        ``tags`` themselves (ASG ``tag`` blocks count). Below that share it fails once for the
        missing default and once more per untagged resource (each is a fault of its own). na
        when there is no taggable AWS resource.

    Why it matters:
        Untagged resources cannot be attributed in the bill, found by owner, or matched by
        tag-based IAM and backup policies. ``default_tags`` makes tagging the default instead
        of something each resource must remember.

    Example:
        Fails:

            provider "aws" { region = "us-east-1" }
            resource "aws_s3_bucket" "logs" { bucket = "logs" }

        Passes:

            provider "aws" {
              region = "us-east-1"
              default_tags { tags = { Environment = "prod", Owner = "platform" } }
            }
            resource "aws_s3_bucket" "logs" { bucket = "logs" }
    """
    resources = _tagged(ctx)
    if not resources:
        yield not_applicable("no taggable AWS resource")
        return
    providers = _default_tags_providers(ctx)
    for block, keys, _path in providers:
        if keys.keys or not keys.complete:
            listed = f"keys {name_list(sorted(keys.keys), 10)}" if keys.keys else "a tag map"
            unknown = " (some keys not statically known)" if keys.keys and not keys.complete else ""
            yield passed(
                f'provider "aws" sets default_tags with {listed}{unknown}',
                _default_tags_block_evidence(ctx, block),
                subject="provider.aws",
            )
            return
    own = [t for t in resources if _sets_tags(t)]
    share = len(own) / len(resources)
    untagged = [t.resource for t in resources if not _sets_tags(t)]
    empty = " (its default_tags map is empty)" if providers else ""
    summary = (
        f"{len(own)} of {len(resources)} taggable resources set tags themselves "
        f"({share:.0%}, threshold {params.min_tagged_fraction:.0%})"
    )
    if share >= params.min_tagged_fraction:
        yield passed(
            f'no provider "aws" default_tags{empty}, but {summary}', subject="provider.aws"
        )
        return
    yield failed(
        f'no provider "aws" default_tags{empty}, and only {summary}; untagged: '
        f"{name_list(subject_of(ctx.config, r) for r in untagged)}",
        *evidence_for(ctx, untagged, "no tags"),
        subject="provider.aws",
    )
    for resource in untagged:  # each untagged resource is a fault of its own
        name = subject_of(ctx.config, resource)
        yield failed(
            f"{name} sets no tags and no provider default_tags apply",
            ctx.evidence(resource.span, "no tags"),
            subject=name,
        )


_KEY_PUNCTUATION = re.compile(r"[\s_\-:.]")


@lru_cache(maxsize=4096)
def _normal(key: str) -> str:
    """A tag key as keys compare (case, spaces and ``_-:.`` ignored); memoised: every
    required key is compared with every key of every resource."""
    return _KEY_PUNCTUATION.sub("", key).lower()


@check("tagging.required_keys", CATEGORY, params=RequiredKeysParams)
def required_keys(ctx: CheckContext, params: RequiredKeysParams) -> Iterator[Finding]:
    """Every taggable resource carries the tag keys the tagging policy requires.

    What it checks:
        One finding per required key (default ``Environment``, ``Project``, ``Owner``: the keys
        nearly every AWS tagging policy starts with; task rubrics add ``CostCenter``,
        ``ManagedBy`` and so on). A key counts for a resource when its provider's
        ``default_tags`` has it or the resource's own ``tags`` has it, read through
        ``merge()``, locals, variables passed by module calls and module outputs. Keys
        compare ignoring case and ``_``/``-``; ``aliases`` adds accepted spellings. Tags that
        cannot be resolved statically do not count. na when there is no taggable AWS resource.

    Why it matters:
        Cost allocation, ownership lookups and tag-based access control all key on exact tag
        names; one resource without ``Owner`` is the one nobody answers for.

    Example:
        Fails (``Owner`` missing on the bucket):

            resource "aws_s3_bucket" "logs" {
              bucket = "logs"
              tags   = { Environment = "prod", Project = "shop" }
            }

        Passes:

            provider "aws" {
              default_tags {
                tags = { Environment = "prod", Project = "shop", Owner = "platform" }
              }
            }
            resource "aws_s3_bucket" "logs" { bucket = "logs" }
    """
    resources = _tagged(ctx)
    if not resources:
        yield not_applicable("no taggable AWS resource")
        return
    providers = {id(t.provider): t.provider for t in resources if t.provider is not None}
    for key in params.keys:
        accepted = {_normal(key), *(_normal(a) for a in params.aliases.get(key, []))}
        missing = [t for t in resources if not accepted & {_normal(k) for k in t.keys}]
        by_default = [t for t in resources if accepted & {_normal(k) for k in t.default.keys}]
        if not missing:
            if len(by_default) == len(resources):
                evidence = [
                    _default_tags_block_evidence(ctx, p)
                    for p in providers.values()
                    if p is not None
                ]
                yield passed(
                    f'{key} is set by provider "aws" default_tags for all {len(resources)} '
                    "taggable resources",
                    *evidence[:1],
                    subject=key,
                )
            else:
                yield passed(
                    f"{key} is on all {len(resources)} taggable resources",
                    subject=key,
                )
            continue
        unresolved = [t for t in missing if not t.complete]
        note = (
            f" ({len(unresolved)} of them have tags that cannot be resolved statically)"
            if unresolved
            else ""
        )
        defaults = " and not in provider default_tags" if by_default == [] else ""
        yield failed(
            f"{key} is missing on {len(missing)} of {len(resources)} taggable resources"
            f"{defaults}: {name_list(subject_of(ctx.config, t.resource) for t in missing)}{note}",
            *evidence_for(ctx, [t.resource for t in missing], f"no {key} tag"),
            subject=key,
        )
