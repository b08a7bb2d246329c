"""What a reference solution does, as rubric proposals: the modules it calls, the resource
types it creates, the settings it applies, its tagging keys, backend, outputs and alarms.

Each ``Proposal`` lists params to try, strictest first; ``harness.derive.draft`` keeps the
first the reference itself passes. Facts are read from the Terraform model with the same
value normalisation as the comparison (locals inlined, module inputs followed, variable
defaults used), so a setting made through a variable counts like a literal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from harness import facts as setting_facts
from harness.checks.common.resources import span_at
from harness.compare.values import Canon, Resolver
from harness.terraform.model import Block, Configuration, Resource

#: Boolean settings with their secure value: derived only when the reference is secure.
SECURE_BOOLS: dict[str, bool] = {
    "storage_encrypted": True,
    "encrypted": True,
    "encrypt": True,
    "bucket_key_enabled": True,
    "enable_key_rotation": True,
    "block_public_acls": True,
    "block_public_policy": True,
    "ignore_public_acls": True,
    "restrict_public_buckets": True,
    "deletion_protection": True,
    "iam_database_authentication_enabled": True,
    "manage_master_user_password": True,
    "at_rest_encryption_enabled": True,
    "transit_encryption_enabled": True,
    "publicly_accessible": False,
    "associate_public_ip_address": False,
    "map_public_ip_on_launch": False,
}
#: String settings derived with their value (encryption algorithm, IMDSv2, ACL, versioning).
SECURE_STRINGS = frozenset({"sse_algorithm", "http_tokens", "acl", "status"})
#: Parent block a ``status`` must sit in to count (``versioning_configuration.status``).
STATUS_PARENTS = frozenset({"versioning_configuration"})
#: Settings required to be present only (their values are references).
PRESENCE_ONLY = frozenset({"kms_key_id", "kms_master_key_id", "kms_key_arn"})
#: Lifecycle settings (meta-arguments and SSM ``overwrite``).
LIFECYCLE_BOOLS = {"create_before_destroy": True, "prevent_destroy": True, "overwrite": True}
LIFECYCLE_PRESENCE = frozenset({"ignore_changes"})
#: Settings a generic criterion already judges: (type or "*", path) -> criterion id, from the
#: table in ``harness.facts``. The
#: derived settings criteria leave them out while that criterion is enabled, so one missing
#: setting is not counted three times.
COVERED_BY: dict[tuple[str, str], str] = setting_facts.covered_by()


def covered_by(setting_type: str, path: str) -> str | None:
    return COVERED_BY.get((setting_type, path)) or COVERED_BY.get(("*", path))


@dataclass(frozen=True)
class NewCriterion:
    """Fields of a criterion the base rubric does not have."""

    title: str
    category: str
    check: str
    weight: float
    severity: str
    why: str


@dataclass(frozen=True)
class Proposal:
    """Params to try for one criterion (strictest first) and what the reference does."""

    id: str
    candidates: tuple[dict[str, Any], ...]
    note: str
    new: NewCriterion | None = None
    keep: bool = False  # show the entry (with its note) even when nothing is overridden


#: Criteria the generic rubric may lack, added by a derived rubric when the reference calls for
#: them (an extending rubric must state title and category of a new criterion).
NEW_CRITERIA: dict[str, NewCriterion] = {
    "complete.prompt_requirements": NewCriterion(
        "What the prompt asks for is there",
        "completeness",
        "complete.prompt_requirements",
        3,
        "high",
        "Each service, region, name, Multi-AZ, encryption or test request of the prompt, "
        "cited by its line.",
    ),
    "complete.required_modules": NewCriterion(
        "The root module calls the task's modules",
        "completeness",
        "complete.required_modules",
        2,
        "high",
        "The reference splits the stack into these modules; each is part of the task.",
    ),
    "complete.required_resources": NewCriterion(
        "The stack creates the task's resource types",
        "completeness",
        "complete.required_resources",
        2,
        "high",
        "A resource type the reference needs and the response lacks is a missing feature.",
    ),
    "task.security_settings": NewCriterion(
        "Encryption and access settings of the reference are kept",
        "security",
        "reference.settings",
        2,
        "high",
        "What the task's ideal sets on every resource of a type, a response must set too.",
    ),
    "task.lifecycle_settings": NewCriterion(
        "Lifecycle settings of the reference are kept",
        "lifecycle",
        "reference.settings",
        1,
        "medium",
        "Replacement order, ignored drift and overwrite as the task's ideal sets them.",
    ),
    "lifecycle.deletion_policy": NewCriterion(
        "Stateful resources keep their data on deletion and replacement",
        "lifecycle",
        "lifecycle.deletion_policy",
        1,
        "medium",
        "The reference retains or snapshots its databases, buckets and volumes.",
    ),
    "reference.resource_coverage": NewCriterion(
        "The response creates the reference's resources",
        "reference",
        "reference.resource_coverage",
        2,
        "high",
        "A resource the ideal needs and the response lacks is usually a missing feature.",
    ),
    "reference.module_coverage": NewCriterion(
        "The response calls the reference's modules",
        "reference",
        "reference.module_coverage",
        1,
        "medium",
        "A task that asks for a modular layout is not met by one flat file.",
    ),
    "reference.attribute_agreement": NewCriterion(
        "Matched resources set what the reference sets",
        "reference",
        "reference.attribute_agreement",
        2,
        "high",
        "A resource can exist and still be wrong: unencrypted, public, without overwrite.",
    ),
}


def _ordered(values: dict[str, Any]) -> dict[str, Any]:
    return {k: values[k] for k in sorted(values)}


def root_module_calls(config: Configuration) -> list[str]:
    return sorted({c.name for c in config.root_module.calls})


def resource_counts(config: Configuration) -> dict[str, int]:
    """Managed resource blocks per type (a block with count/for_each counts once)."""
    return _ordered(dict(Counter(r.type for r in config.resources())))


@dataclass(frozen=True)
class Setting:
    type: str
    path: str
    equals: bool | int | float | str | None
    lifecycle: bool
    where: str

    def as_param(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "path": self.path}
        if self.equals is not None:
            out["equals"] = self.equals
        return out


def _paths(block: Block, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted path, leaf name) of every attribute, through nested blocks that occur once."""
    for attribute in block.attributes:
        yield prefix + attribute.name, attribute.name
    kinds = Counter(child.kind for child in block.blocks)
    for child in block.blocks:
        if kinds[child.kind] == 1 and child.kind != "dynamic":
            yield from _paths(child, f"{prefix}{child.kind}.")


def _setting_kind(path: str, leaf: str, value: Canon) -> tuple[bool, Any] | None:
    """(is lifecycle, required value or None for presence) when ``path`` is a setting the
    rubric should require; None when it is not one."""
    parent = path.rsplit(".", 2)[-2] if "." in path else ""
    if leaf in LIFECYCLE_BOOLS and (leaf == "overwrite" or parent == "lifecycle"):
        return (True, True) if value is LIFECYCLE_BOOLS[leaf] else None
    if leaf in LIFECYCLE_PRESENCE and parent == "lifecycle":
        return (True, None)
    if leaf in SECURE_BOOLS:
        return (False, SECURE_BOOLS[leaf]) if value is SECURE_BOOLS[leaf] else None
    if leaf in SECURE_STRINGS and isinstance(value, str) and value:
        if leaf == "status" and parent not in STATUS_PARENTS:
            return None
        return (False, value)
    if leaf in PRESENCE_ONLY:
        return (False, None)
    return None


def settings(config: Configuration) -> list[Setting]:
    """Settings every resource of a type has in the reference, in (type, path) order."""
    resolver = Resolver(config, lambda m, a, p: ("res", a, p), defaults=True)
    by_type: dict[str, list[Resource]] = {}
    for resource in config.resources():
        by_type.setdefault(resource.type, []).append(resource)
    found: list[Setting] = []
    for resource_type in sorted(by_type):
        resources = by_type[resource_type]
        common: dict[str, tuple[bool, Any, str]] | None = None
        for resource in resources:
            mine: dict[str, tuple[bool, Any, str]] = {}
            for path, leaf in _paths(resource.block):
                expr = resource.get(path)
                value = resolver.canon(expr, resource.module) if expr is not None else None
                kind = _setting_kind(path, leaf, value)
                if kind is not None:
                    span = span_at(resource.block, path) or resource.span
                    mine[path] = (kind[0], kind[1], f"{span.path}:{span.start_line}")
            if common is None:
                common = mine
            else:
                common = {p: v for p, v in common.items() if p in mine and _same(mine[p], v)}
        for path, (lifecycle, equals, where) in sorted((common or {}).items()):
            found.append(Setting(resource_type, path, equals, lifecycle, where))
    return found


def _same(a: tuple[bool, Any, str], b: tuple[bool, Any, str]) -> bool:
    """Same kind and the same required value (``True`` is not ``1`` here)."""
    return a[0] == b[0] and type(a[1]) is type(b[1]) and a[1] == b[1]


def create_before_destroy_types(config: Configuration) -> list[str]:
    """Types whose every resource sets ``lifecycle { create_before_destroy = true }``."""
    types: dict[str, bool] = {}
    for resource in config.resources():
        expr = resource.get("lifecycle.create_before_destroy")
        ok = expr is not None and expr.as_bool() is True
        types[resource.type] = types.get(resource.type, True) and ok
    return sorted(t for t, ok in types.items() if ok)


def tag_key_candidates(config: Configuration) -> list[str]:
    """Tag keys the reference writes: provider ``default_tags`` and resource ``tags``."""
    resolver = Resolver(config, lambda m, a, p: ("res", a, p), defaults=True)
    keys: set[str] = set()
    for path in sorted(config.modules):
        module = config.modules[path]
        for provider in module.providers:
            for block in provider.block.children("default_tags"):
                keys |= _object_keys(resolver.canon(block.get("tags"), path))
        for resource in module.resources:
            keys |= _object_keys(resolver.canon(resource.get("tags"), path))
    return sorted(k for k in keys if k and k != "Name")


def _object_keys(value: Canon) -> set[str]:
    """Keys of every object literal inside a canonical value (``merge(local.tags, {...})``)."""
    found: set[str] = set()
    if isinstance(value, tuple):
        if len(value) == 2 and value[0] == "obj" and isinstance(value[1], tuple):
            found |= {k for k, _ in value[1] if isinstance(k, str)}
        for item in value:
            found |= _object_keys(item)
    return found


def alarm_metrics(config: Configuration) -> tuple[list[str], list[str]]:
    """(namespace:metric, metric) of the reference's CloudWatch metric alarms."""
    resolver = Resolver(config, lambda m, a, p: ("res", a, p), defaults=True)
    qualified: set[str] = set()
    bare: set[str] = set()
    for alarm in config.resources("aws_cloudwatch_metric_alarm"):
        metric = resolver.canon(alarm.get("metric_name"), alarm.module)
        namespace = resolver.canon(alarm.get("namespace"), alarm.module)
        if isinstance(metric, str) and metric:
            bare.add(metric)
            qualified.add(f"{namespace}:{metric}" if isinstance(namespace, str) else metric)
    return sorted(qualified), sorted(bare)


def root_outputs(config: Configuration) -> list[str]:
    return sorted(config.root_module.outputs)


def backend_type(config: Configuration) -> str | None:
    backend = config.root_module.backend
    if backend is None:
        return None
    return backend.labels[0] if backend.labels else backend.kind
