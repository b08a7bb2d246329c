"""Mutation suite: inject one known fault at a time into ideal responses and see who notices.

Each *fault kind* edits the markdown of an ideal response in one way a model answer goes wrong
(an unencrypted database, ``0.0.0.0/0`` on a data-store port, a wildcard IAM action, every
alarm removed, a cut-off answer, ...) and names the criterion that should catch it. The
ideals are every ``IDEAL_RESPONSE.md`` under ``--corpus`` (default ``../shared/corpus/
terraform``) plus the bundled sample's reference. A kind applies to an ideal when the ideal
has what it edits (no database: no database fault). Every mutant is graded like a model
response of its task: against the unmutated ideal as the reference, with the generic rubric
(``--rubric`` to change it) and with the task's prompt.

Per kind it reports the share of mutants where

- **detected**: the right criterion noticed the fault: it has more failing findings than on
  the unmutated copy, or its status went from pass/na to fail/partial;
- **fell**: the overall score is lower than the unmutated copy's.

A kind whose criterion the task's prompt waives ("no provider block" waives the backend and
version pins, "don't use random ids" the naming criteria) does not apply there: the criterion
is na by the prompt's word whatever the code says. Such mutants are counted as ``waived``,
not as misses.

It also checks that the unmutated copy (the ideal's markdown graded as a response) scores
exactly like the ideal graded as the ideal; any difference is listed as a failure.

    python benchmarks/mutations.py [--corpus ../shared/corpus/terraform] [--limit N]
                                   [--kinds a,b] [--misses]

The last line of output is a JSON summary (per kind: applied, detected, fell and their %);
the exit status is 1 when an unmutated copy scores differently from its ideal.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from harness.checks.common.policy import identity_policies
from harness.checks.common.suites import find_tests
from harness.checks.registry import get_check
from harness.checks.security.iam import is_wildcard_resource
from harness.checks.types import CheckContext, ReferenceContext
from harness.extract import extract
from harness.extract.types import ExtractedFile, FileTree
from harness.prompt import PromptRequirements, RequirementKind, read_prompts
from harness.results import CriterionResult, ResponseResult
from harness.rubric import Rubric, load_rubric
from harness.run.pipeline import Clock, evaluate_reference, grade_tree, reference_from
from harness.shipped import sample_reference, sample_responses
from harness.tasks import IDEAL_ID, TaskError, load_task
from harness.terraform import build
from harness.terraform.model import Attribute, Block, Configuration, ExprKind, Resource
from harness.terraform.validate import block_references, dependency_graph
from harness.vocabulary import CriterionStatus, Span, Status

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "terraform"

#: Ports of data stores a fault opens to the internet (SQL engines, Redis, Memcached,
#: MongoDB, Elasticsearch/OpenSearch, Redshift, Cassandra).
DATA_STORE_PORTS = (3306, 5432, 1433, 1521, 6379, 11211, 27017, 9200, 5439, 9042)
_STRING_LINE = re.compile(r"^(\s*)(\"?[A-Za-z_]+\"?)(\s*[=:]\s*)(.*?)(,?)\s*$")


@dataclass(frozen=True)
class Edit:
    """Replace response lines ``start``..``end`` (1-based, inclusive) with ``lines``; an
    ``end`` of ``start - 1`` inserts before ``start``."""

    start: int
    end: int
    lines: tuple[str, ...]


@dataclass
class Ideal:
    """One ideal response: its markdown lines (with their endings), tree and model."""

    task_id: str
    path: Path
    text: str
    tree: FileTree
    config: Configuration
    lines: list[str] = field(init=False)
    #: what the task's prompts ask for (every turn: the ideal answers them all)
    prompt: PromptRequirements | None = None

    def __post_init__(self) -> None:
        self.lines = self.text.splitlines(keepends=True)

    def file(self, span: Span) -> ExtractedFile | None:
        return self.tree.get(span.path)

    def response_lines(self, span: Span) -> tuple[int, int] | None:
        """The response lines of a model span (None when its file is not from this text)."""
        file = self.file(span)
        if file is None or not file.origin.start_line:
            return None
        return file.origin.response_line(span.start_line), file.origin.response_line(span.last_line)

    def indent(self, line: int) -> str:
        text = self.lines[line - 1]
        return text[: len(text) - len(text.lstrip())]

    def delete(self, span: Span) -> Edit | None:
        where = self.response_lines(span)
        return Edit(where[0], where[1], ()) if where else None

    def replace(self, span: Span, text: str) -> Edit | None:
        """Replace a (possibly multi-line) span with one line, keeping its indentation."""
        where = self.response_lines(span)
        if where is None:
            return None
        return Edit(where[0], where[1], (self.indent(where[0]) + text,))

    def insert_into(self, block: Block, text: str) -> Edit | None:
        """A line inserted after a block's opening line, indented like its first member."""
        where = self.response_lines(block.span)
        if where is None or where[1] <= where[0]:
            return None
        return Edit(where[0] + 1, where[0], (self.indent(where[0]) + "  " + text,))

    def resources(self, *types: str) -> list[Resource]:
        return [r for r in self.config.resources() if r.type in types]

    def mutated(self, edits: Iterable[Edit]) -> str:
        lines = list(self.lines)
        ending = "\r\n" if self.text.count("\r\n") > self.text.count("\n") / 2 else "\n"
        for edit in sorted(edits, key=lambda e: e.start, reverse=True):
            lines[edit.start - 1 : edit.end] = [line + ending for line in edit.lines]
        return "".join(lines)


Mutator = Callable[[Ideal], list[Edit]]


@dataclass(frozen=True)
class FaultKind:
    name: str
    criterion: str
    description: str
    mutate: Mutator


KINDS: list[FaultKind] = []


def fault(name: str, criterion: str, description: str) -> Callable[[Mutator], Mutator]:
    def register(function: Mutator) -> Mutator:
        KINDS.append(FaultKind(name, criterion, description, function))
        return function

    return register


def _edits(*edits: Edit | None) -> list[Edit]:
    return [e for e in edits if e is not None]


def _attr(block: Block, name: str) -> Attribute | None:
    return block.attr(name)


def _walk(ideal: Ideal, *types: str) -> Iterator[tuple[Resource, Block]]:
    for resource in ideal.resources(*types):
        for block in resource.block.walk():
            yield resource, block


def _set_attribute(ideal: Ideal, block: Block, name: str, value: str) -> Edit | None:
    """``name = value`` in ``block``: the attribute replaced, or inserted when absent."""
    attribute = block.attr(name)
    if attribute is not None:
        return ideal.replace(attribute.span, f"{name} = {value}")
    return ideal.insert_into(block, f"{name} = {value}")


def _first(edits: Iterable[Edit | None]) -> list[Edit]:
    for edit in edits:
        if edit is not None:
            return [edit]
    return []


# -- security --------------------------------------------------------------------------------


@fault("rds_unencrypted", "security.rds_encrypted", "storage_encrypted = true -> false")
def rds_unencrypted(ideal: Ideal) -> list[Edit]:
    return _first(
        ideal.replace(a.span, "storage_encrypted = false")
        for r in ideal.resources("aws_db_instance", "aws_rds_cluster")
        if (a := _attr(r.block, "storage_encrypted")) is not None and a.expr.as_bool() is True
    )


@fault("rds_public", "security.rds_not_public", "a database gets publicly_accessible = true")
def rds_public(ideal: Ideal) -> list[Edit]:
    return _first(
        _set_attribute(ideal, r.block, "publicly_accessible", "true")
        for r in ideal.resources("aws_db_instance", "aws_rds_cluster_instance")
    )


def _port(block: Block) -> int | None:
    expr = block.get("from_port")
    number = expr.as_number() if expr is not None else None
    return int(number) if number is not None else None


_SECURITY_GROUP_TYPES = (
    "aws_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
)


@fault(
    "db_ingress_open",
    "security.db_ingress_restricted",
    "a data-store port (SQL, Redis, Memcached, ...) admits 0.0.0.0/0",
)
def db_ingress_open(ideal: Ideal) -> list[Edit]:
    return _opened_ingress(ideal, DATA_STORE_PORTS)


#: Ports of remote administration a fault opens to the internet (SSH, RDP).
ADMIN_PORTS = (22, 3389)


@fault(
    "admin_ingress_open",
    "security.admin_ingress_restricted",
    "SSH admits 0.0.0.0/0: an SSH or RDP rule opened, else an SSH rule added to a group",
)
def admin_ingress_open(ideal: Ideal) -> list[Edit]:
    opened = _opened_ingress(ideal, ADMIN_PORTS)
    if opened:
        return opened
    for group in ideal.resources("aws_security_group"):
        where = ideal.response_lines(group.block.span)
        if where is None or where[1] <= where[0]:
            continue
        pad = ideal.indent(where[0]) + "  "
        rule = ("ingress {", "  from_port   = 22", "  to_port     = 22", '  protocol    = "tcp"')
        rule += ('  cidr_blocks = ["0.0.0.0/0"]', "}")
        return [Edit(where[0] + 1, where[0], tuple(pad + line for line in rule))]
    return []


def _opened_ingress(ideal: Ideal, ports: tuple[int, ...]) -> list[Edit]:
    """The first ingress rule on one of ``ports`` made to admit 0.0.0.0/0 (its other
    sources removed)."""
    candidates: list[Edit | None] = []
    for resource, block in _walk(ideal, *_SECURITY_GROUP_TYPES):
        inline = block.kind == "ingress"
        rule = block is resource.block and resource.type != "aws_security_group"
        if not (inline or rule) or _port(block) not in ports:
            continue
        kind = block.get("type") if resource.type == "aws_security_group_rule" else None
        if kind is not None and kind.literal_string() == "egress":
            continue  # an egress rule admits nothing
        if resource.type == "aws_vpc_security_group_ingress_rule":
            sources = [a for a in block.attributes if a.name.startswith("referenced_")]
            candidates.append(
                ideal.replace(sources[0].span, 'cidr_ipv4 = "0.0.0.0/0"')
                if sources
                else _set_attribute(ideal, block, "cidr_ipv4", '"0.0.0.0/0"')
            )
            continue
        edits = [
            ideal.delete(a.span)
            for a in block.attributes
            if a.name in ("security_groups", "source_security_group_id", "self", "cidr_blocks")
        ]
        edits.append(ideal.insert_into(block, 'cidr_blocks = ["0.0.0.0/0"]'))
        if all(e is not None for e in edits):
            return _edits(*edits)
    return _first(candidates)


_PASSWORD_ATTRIBUTES = ("password", "master_password")


@fault(
    "hardcoded_password",
    "security.no_hardcoded_secrets",
    "a database password becomes a literal string",
)
def hardcoded_password(ideal: Ideal) -> list[Edit]:
    return _first(
        ideal.replace(a.span, f'{a.name} = "Pr0dPassw0rd2024x"')
        for r in ideal.resources("aws_db_instance", "aws_rds_cluster")
        for a in r.block.attributes
        if a.name in _PASSWORD_ATTRIBUTES
    )


@fault(
    "password_output_unmarked",
    "complete.modules_resolve",
    "a root output shows a generated password without sensitive = true (terraform plan stops)",
)
def password_output_unmarked(ideal: Ideal) -> list[Edit]:
    root = ideal.config.root_module.path
    for resource in ideal.resources("random_password"):
        where = ideal.response_lines(resource.block.span)
        if resource.module != root or where is None:
            continue
        indent = ideal.indent(where[0])
        lines = (
            "",
            f'{indent}output "generated_password" {{',
            f"{indent}  value = {resource.address}.result",
            f"{indent}}}",
        )
        return [Edit(where[1] + 1, where[1], lines)]
    return []


def _policy_line(ideal: Ideal, keys: tuple[str, ...], value: str) -> list[Edit]:
    """In the first Allow statement of an identity policy (as the IAM check reads them: trust
    and resource policies are not judged) whose single-line ``Action``/``Resource`` is not
    already a wildcard, that value set to ``value``."""
    ctx = CheckContext(ideal.task_id, IDEAL_ID, ideal.tree, ideal.config)
    for document in identity_policies(ctx):
        for statement in document.statements:
            if statement.has_principal or statement.effect.lower() == "deny":
                continue
            if "Resource" in keys and any(is_wildcard_resource(r) for r in statement.resources):
                continue
            where = ideal.response_lines(statement.span)
            for line in range(where[0], where[1] + 1) if where else ():
                match = _STRING_LINE.match(ideal.lines[line - 1].rstrip("\r\n"))
                if match is None or match.group(2).strip('"') not in keys:
                    continue
                current = match.group(4)
                listed = current.startswith("[") and current.endswith("]")
                if not (current.startswith('"') or listed) or current.strip('"[] ') == "*":
                    continue
                head = match.group(1) + match.group(2) + match.group(3)
                wildcard = f"[{value}]" if listed else value
                return [Edit(line, line, (head + wildcard + match.group(5),))]
    return []


@fault("iam_wildcard_action", "security.iam_least_privilege", "an IAM statement's Action -> *")
def iam_wildcard_action(ideal: Ideal) -> list[Edit]:
    return _policy_line(ideal, ("Action", "actions"), '"*"')


@fault("iam_wildcard_resource", "security.iam_least_privilege", "an IAM statement's Resource -> *")
def iam_wildcard_resource(ideal: Ideal) -> list[Edit]:
    return _policy_line(ideal, ("Resource", "resources"), '"*"')


@fault(
    "s3_encryption_removed",
    "security.s3_encryption",
    "a bucket's server-side encryption configuration is deleted",
)
def s3_encryption_removed(ideal: Ideal) -> list[Edit]:
    found = ideal.resources("aws_s3_bucket_server_side_encryption_configuration")
    if found:
        return _edits(ideal.delete(found[0].span))
    return _first(
        ideal.delete(b.span)
        for _, b in _walk(ideal, "aws_s3_bucket")
        if b.kind == "server_side_encryption_configuration"
    )


@fault(
    "s3_public_access_block_removed",
    "security.s3_public_access_block",
    "a bucket's public access block is deleted",
)
def s3_public_access_block_removed(ideal: Ideal) -> list[Edit]:
    found = ideal.resources("aws_s3_bucket_public_access_block")
    return _edits(ideal.delete(found[0].span)) if found else []


@fault("s3_versioning_suspended", "security.s3_versioning", 'versioning status -> "Suspended"')
def s3_versioning_suspended(ideal: Ideal) -> list[Edit]:
    return _first(
        ideal.replace(a.span, 'status = "Suspended"')
        for _, b in _walk(ideal, "aws_s3_bucket_versioning")
        if (a := b.attr("status")) is not None
    )


@fault("ebs_unencrypted", "security.ebs_encrypted", "a disk's encrypted = true -> false")
def ebs_unencrypted(ideal: Ideal) -> list[Edit]:
    return _first(
        ideal.replace(a.span, "encrypted = false")
        for _, b in _walk(ideal, "aws_ebs_volume", "aws_launch_template", "aws_instance")
        if (a := b.attr("encrypted")) is not None and a.expr.as_bool() is True
    )


# -- completeness ----------------------------------------------------------------------------


def _largest_block(ideal: Ideal) -> ExtractedFile | None:
    files = [f for f in ideal.tree.files if f.path.endswith(".tf") and f.origin.start_line]
    return max(files, key=lambda f: f.content.count("\n"), default=None)


@fault(
    "truncated_mid_line",
    "complete.no_truncation",
    "the answer stops in the middle of a line halfway through its largest file",
)
def truncated_mid_line(ideal: Ideal) -> list[Edit]:
    file = _largest_block(ideal)
    if file is None or file.content.count("\n") < 6:
        return []
    lines = file.content.splitlines()
    middle = next(
        (n for n in range(len(lines) // 2, len(lines)) if len(lines[n - 1].strip()) > 8), None
    )
    if middle is None:
        return []
    at = file.origin.response_line(middle)
    cut = ideal.lines[at - 1].rstrip("\r\n")
    return [Edit(at, len(ideal.lines), (cut[: len(cut) // 2],))]


@fault(
    "truncated_after_blank",
    "complete.no_truncation",
    "the answer stops right after a blank line halfway through its largest file",
)
def truncated_after_blank(ideal: Ideal) -> list[Edit]:
    file = _largest_block(ideal)
    if file is None:
        return []
    lines = file.content.splitlines()
    blank = next(
        (n for n in range(len(lines) // 2, len(lines) - 1) if not lines[n - 1].strip()), None
    )
    if blank is None:
        return []
    at = file.origin.response_line(blank)
    return [Edit(at + 1, len(ideal.lines), ())]


@fault(
    "placeholder",
    "complete.no_placeholders",
    "a resource's body gets a '# ... rest of configuration' placeholder line",
)
def placeholder(ideal: Ideal) -> list[Edit]:
    return _first(
        ideal.insert_into(r.block, "# ... rest of the configuration goes here ...")
        for r in ideal.config.resources()
    )


@fault("syntax_error", "complete.syntax_valid", "a resource loses its closing brace")
def syntax_error(ideal: Ideal) -> list[Edit]:
    for resource in ideal.config.resources():
        where = ideal.response_lines(resource.span)
        if where and ideal.lines[where[1] - 1].strip() == "}" and where[1] > where[0]:
            return [Edit(where[1], where[1], ())]
    return []


@fault(
    "undeclared_variable",
    "complete.modules_resolve",
    "a resource argument refers to a variable that is not declared",
)
def undeclared_variable(ideal: Ideal) -> list[Edit]:
    for resource in ideal.config.resources():
        for attribute in resource.block.attributes:
            refs = [r for r in attribute.expr.references() if r.root == "var"]
            where = ideal.response_lines(attribute.span)
            if not refs or where is None or where[0] != where[1]:
                continue
            name = refs[0].address.split(".", 1)[1]
            text = ideal.lines[where[0] - 1].rstrip("\r\n")
            changed = re.sub(
                rf"\bvar\.{re.escape(name)}\b", f"var.{name}_undeclared", text, count=1
            )
            if changed != text:
                return [Edit(where[0], where[0], (changed,))]
    return []


# -- monitoring, tagging, reliability, lifecycle, naming -------------------------------------

_ALARMS = ("aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm")


@fault("alarms_removed", "monitoring.alarms", "every CloudWatch alarm is deleted")
def alarms_removed(ideal: Ideal) -> list[Edit]:
    return _edits(*(ideal.delete(r.span) for r in ideal.resources(*_ALARMS)))


@fault("alarm_actions_removed", "monitoring.alarm_actions", "alarms lose alarm_actions")
def alarm_actions_removed(ideal: Ideal) -> list[Edit]:
    return _edits(
        *(
            ideal.delete(a.span)
            for r in ideal.resources(*_ALARMS)
            if (a := r.block.attr("alarm_actions")) is not None
        )
    )


@fault(
    "sns_subscriptions_removed",
    "monitoring.sns_subscription",
    "every SNS topic subscription is deleted (alarms notify a topic nobody reads)",
)
def sns_subscriptions_removed(ideal: Ideal) -> list[Edit]:
    if not ideal.resources("aws_sns_topic"):
        return []
    return _edits(*(ideal.delete(r.span) for r in ideal.resources("aws_sns_topic_subscription")))


@fault("tags_removed", "tagging.default_tags", "provider default_tags and every tags = are deleted")
def tags_removed(ideal: Ideal) -> list[Edit]:
    edits: list[Edit | None] = []
    for _, block in ideal.config.blocks():
        for inner in block.walk():
            edits += [ideal.delete(b.span) for b in inner.children("default_tags")]
            edits += [ideal.delete(a.span) for a in inner.attributes if a.name == "tags"]
    return _edits(*edits)


@fault("backend_removed", "reliability.backend", "the terraform backend block is deleted")
def backend_removed(ideal: Ideal) -> list[Edit]:
    return _edits(
        *(
            ideal.delete(b.span)
            for _, block in ideal.config.blocks()
            if block.kind == "terraform"
            for b in block.children("backend")
        )
    )


@fault(
    "backend_from_variable",
    "complete.modules_resolve",
    "a backend setting is built from a declared variable, or one so built is added to a "
    "partial backend (terraform init rejects it)",
)
def backend_from_variable(ideal: Ideal) -> list[Edit]:
    root = ideal.config.root_module
    if not root.variables:
        return []
    variable = sorted(root.variables)[0]
    for block in root.terraform:
        for backend in block.children("backend"):
            for attribute in backend.attributes:
                value = attribute.expr.literal_string()
                where = ideal.response_lines(attribute.span)
                if value is None or where is None or where[0] != where[1]:
                    continue
                text = ideal.lines[where[0] - 1].rstrip("\r\n")
                quoted = f'"{value}"'
                if quoted in text:
                    changed = text.replace(quoted, f'"${{var.{variable}}}-{value}"', 1)
                    return [Edit(where[0], where[0], (changed,))]
            # a partial configuration (``backend "s3" {}``): the model adds a computed key
            where = ideal.response_lines(backend.span)
            if where is None:
                continue
            text = ideal.lines[where[0] - 1].rstrip("\r\n")
            indent = ideal.indent(where[0])
            setting = f'{indent}  key = "${{var.{variable}}}/terraform.tfstate"'
            if text.rstrip().endswith("{}"):
                opened = text.rstrip()[:-1]
                return [Edit(where[0], where[0], (opened, setting, f"{indent}}}"))]
            if text.rstrip().endswith("{"):
                return [Edit(where[0] + 1, where[0], (setting,))]
    return []


@fault(
    "count_added",
    "complete.modules_resolve",
    "a resource other blocks read attributes of gets count = 2, and the readers keep "
    "naming no instance",
)
def count_added(ideal: Ideal) -> list[Edit]:
    root = ideal.config.root_module
    read = {
        ref.address
        for _, block in ideal.config.blocks()
        for ref in block_references(block)
        if ref.kind == "resource" and len(ref.parts) > 2
    }
    for resource in root.resources:
        block = resource.block
        if resource.address not in read or block.attr("count") or block.attr("for_each"):
            continue
        where = ideal.response_lines(block.span)
        if where is None or not ideal.lines[where[0] - 1].rstrip().endswith("{"):
            continue
        indent = ideal.indent(where[0])
        return [Edit(where[0] + 1, where[0], (f"{indent}  count = 2",))]
    return []


@fault(
    "for_each_unwrapped",
    "complete.modules_resolve",
    "toset() is dropped from a resource's for_each over a list (terraform plan stops)",
)
def for_each_unwrapped(ideal: Ideal) -> list[Edit]:
    for resource in ideal.config.root_module.resources:
        for_each = resource.block.attr("for_each")
        if for_each is None or for_each.expr.kind is not ExprKind.CALL:
            continue
        if for_each.expr.name != "toset" or len(for_each.expr.items) != 1:
            continue
        where = ideal.response_lines(for_each.span)
        if where is None or where[0] != where[1]:
            continue
        text = ideal.lines[where[0] - 1].rstrip("\r\n")
        wrapped, inner = for_each.expr.text, for_each.expr.items[0].text
        if wrapped in text:
            return [Edit(where[0], where[0], (text.replace(wrapped, inner, 1),))]
    return []


@fault(
    "groups_in_a_circle",
    "complete.modules_resolve",
    "a security group another group's rule names gets an inline rule naming that group "
    "back (terraform plan stops: Error: Cycle)",
)
def groups_in_a_circle(ideal: Ideal) -> list[Edit]:
    module = ideal.config.root_module
    groups = {r.address: r for r in module.resources if r.type == "aws_security_group"}
    graph = dependency_graph(module)
    for reader in groups:
        for named in graph.get(reader, {}):
            if named == reader or named not in groups or reader in graph.get(named, {}):
                continue
            where = ideal.response_lines(groups[named].block.span)
            if where is None or not ideal.lines[where[0] - 1].rstrip().endswith("{"):
                continue
            indent = ideal.indent(where[0])
            rule = (
                f"{indent}  egress {{",
                f"{indent}    from_port       = 0",
                f"{indent}    to_port         = 0",
                f'{indent}    protocol        = "-1"',
                f"{indent}    security_groups = [{reader}.id]",
                f"{indent}  }}",
            )
            return [Edit(where[0] + 1, where[0], rule)]
    return []


@fault(
    "version_pins_removed",
    "reliability.version_pins",
    "required_version and provider version constraints are deleted",
)
def version_pins_removed(ideal: Ideal) -> list[Edit]:
    edits: list[Edit | None] = []
    for _, block in ideal.config.blocks():
        if block.kind != "terraform":
            continue
        edits += [ideal.delete(a.span) for a in block.attributes if a.name == "required_version"]
        for providers in block.children("required_providers"):
            for attribute in providers.attributes:
                version = attribute.expr.object().get("version")
                if version is not None:
                    edits.append(_drop_version(ideal, version.span))
    return _edits(*edits)


def _drop_version(ideal: Ideal, span: Span) -> Edit | None:
    where = ideal.response_lines(span)
    if where is None:
        return None
    text = ideal.lines[where[0] - 1].rstrip("\r\n")
    changed = re.sub(r",?\s*version\s*=\s*\"[^\"]*\"", "", text, count=1)
    if changed == text:
        return None
    return Edit(where[0], where[0], (changed,) if changed.strip() else ())


@fault("outputs_removed", "reliability.outputs", "every root module output is deleted")
def outputs_removed(ideal: Ideal) -> list[Edit]:
    root = ideal.config.root_module
    return _edits(*(ideal.delete(o.block.span) for o in root.outputs.values()))


@fault(
    "lifecycle_filter_removed",
    "reliability.s3_lifecycle_filter",
    "S3 lifecycle rules lose their filter (and legacy prefix)",
)
def lifecycle_filter_removed(ideal: Ideal) -> list[Edit]:
    edits: list[Edit | None] = []
    for _, rule in _walk(ideal, "aws_s3_bucket_lifecycle_configuration"):
        if rule.kind != "rule":
            continue
        edits += [ideal.delete(b.span) for b in rule.children("filter")]
        edits += [ideal.delete(a.span) for a in rule.attributes if a.name == "prefix"]
    return _edits(*edits)


@fault(
    "promised_file_dropped",
    "complete.promised_files",
    "the code block of a file the response's own directory drawing lists is deleted",
)
def promised_file_dropped(ideal: Ideal) -> list[Edit]:
    promised = set(ideal.tree.promised_files)
    for file in ideal.tree.files:
        origin = file.origin
        written_once = (
            not origin.pieces and origin.start_line and origin.end_line > origin.start_line
        )
        if file.path in promised and written_once:
            return [Edit(origin.start_line, origin.end_line, ())]
    return []


@fault(
    "create_before_destroy_off",
    "lifecycle.create_before_destroy",
    "a replace-prone resource's create_before_destroy = true -> false",
)
def create_before_destroy_off(ideal: Ideal) -> list[Edit]:
    return _first(
        ideal.replace(a.span, "create_before_destroy = false")
        for _, b in _walk(ideal, *_REPLACE_PRONE)
        if b.kind == "lifecycle"
        if (a := b.attr("create_before_destroy")) is not None and a.expr.as_bool() is True
    )


@fault("ssm_overwrite_removed", "lifecycle.ssm_overwrite", "SSM parameters lose overwrite")
def ssm_overwrite_removed(ideal: Ideal) -> list[Edit]:
    return _edits(
        *(
            ideal.delete(a.span)
            for r in ideal.resources("aws_ssm_parameter")
            if (a := r.block.attr("overwrite")) is not None
        )
    )


#: Resource types whose names AWS requires to be unique (globally, per account or per
#: region), with the argument that names them: a fixed literal there collides on a second
#: deployment. The suite's own list, independent of the checks' tables, so that it measures
#: their coverage instead of repeating it.
_UNIQUE_NAMES = {
    "aws_iam_role": "name",
    "aws_iam_policy": "name",
    "aws_iam_instance_profile": "name",
    "aws_ssm_parameter": "name",
    "aws_db_subnet_group": "name",
    "aws_sns_topic": "name",
    "aws_sqs_queue": "name",
    "aws_cloudwatch_metric_alarm": "alarm_name",
    "aws_kms_alias": "name",
    "aws_cloudwatch_log_group": "name",
    "aws_secretsmanager_secret": "name",
    "aws_dynamodb_table": "name",
    "aws_eks_cluster": "name",
    "aws_lambda_function": "function_name",
    "aws_ecr_repository": "name",
    "aws_s3_bucket": "bucket",
    "aws_lb": "name",
    "aws_lb_target_group": "name",
}
#: Resource types replaced on common changes while something depends on them.
_REPLACE_PRONE = (
    "aws_security_group",
    "aws_launch_configuration",
    "aws_launch_template",
    "aws_db_subnet_group",
    "aws_db_parameter_group",
    "aws_elasticache_subnet_group",
    "aws_iam_role",
    "aws_acm_certificate",
    "aws_lb_target_group",
)
_SUFFIX_SOURCES = ("random_id.", "random_string.", "random_pet.")


def _carries_suffix(text: str) -> bool:
    """A name expression built from a random suffix or a ``*suffix*`` variable."""
    return any(source in text for source in _SUFFIX_SOURCES) or bool(
        re.search(r"var\.\w*suffix\w*", text)
    )


@fault(
    "fixed_unique_name",
    "naming.suffix_applied",
    "an account/region-unique name (role, key alias, log group, secret, table, ...) that "
    "carries a suffix becomes a fixed literal",
)
def fixed_unique_name(ideal: Ideal) -> list[Edit]:
    for resource in ideal.config.resources():
        name = _UNIQUE_NAMES.get(resource.type)
        attribute = resource.block.attr(name) if name else None
        if attribute is None or not _carries_suffix(attribute.expr.text):
            continue
        fixed = "/prod/app-fixed" if resource.type == "aws_ssm_parameter" else "app-fixed"
        if resource.type == "aws_kms_alias":
            fixed = "alias/app-fixed"
        edit = ideal.replace(attribute.span, f'{attribute.name} = "{fixed}"')
        if edit is not None:
            return [edit]
    return []


# -- tests, tone, reference ------------------------------------------------------------------


@fault("tests_removed", "testing.unit_tests", "every test file's code block is deleted")
def tests_removed(ideal: Ideal) -> list[Edit]:
    edits = []
    for suite in find_tests(ideal.tree):
        file = ideal.tree.get(suite.path)
        origin = file.origin if file is not None else None
        if origin is not None and origin.start_line and origin.end_line >= origin.start_line:
            edits.append(Edit(origin.start_line, origin.end_line, ()))
    return edits


@fault("casual_tone", "tone.professional", "a casual, emoji-laden sentence is added to the prose")
def casual_tone(ideal: Ideal) -> list[Edit]:
    if not ideal.tree.prose:
        return []
    at = ideal.tree.prose[0].end_line
    text = "Honestly this is super easy lol, just copy-paste it and you're good to go!! 🚀🔥"
    return [Edit(at + 1, at, ("", text, ""))]


@fault(
    "resource_removed",
    "reference.resource_coverage",
    "a resource the ideal creates (referenced by nothing) is deleted",
)
def resource_removed(ideal: Ideal) -> list[Edit]:
    text = "\n".join(f.content for f in ideal.tree.files)
    for resource in ideal.config.resources():
        if resource.type in _ALARMS:
            continue
        if text.count(f"{resource.type}.{resource.name}") == 0:
            edit = ideal.delete(resource.span)
            if edit is not None:
                return [edit]
    return []


@fault(
    "required_service_removed",
    "complete.prompt_requirements",
    "every resource of a service the prompt asks for (the one with fewest blocks) is deleted",
)
def required_service_removed(ideal: Ideal) -> list[Edit]:
    if ideal.prompt is None:
        return []
    best: list[Edit] | None = None
    for requirement in ideal.prompt.of_kind(RequirementKind.SERVICE):
        found = ideal.resources(*requirement.terraform_types)
        sources = [c.source or "" for m in ideal.config.modules.values() for c in m.calls]
        registry = [f"terraform-aws-modules/{name}/" for name in requirement.registry_modules]
        if not found or any(r in s for s in sources for r in registry):
            continue  # a registry module would still deliver it
        edits = [ideal.delete(r.span) for r in found]
        if all(e is not None for e in edits) and (best is None or len(edits) < len(best)):
            best = [e for e in edits if e is not None]
    return best or []


# -- running ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    task_id: str
    kind: str
    detected: bool
    fell: bool
    before: float | None
    after: float | None
    target: str  # the target criterion's status and message after the fault
    noticed_by: tuple[str, ...]  # criteria with more failing findings than before
    waived: bool = False  # the task's prompt waives the criterion: not applied


def _waived(rubric: Rubric, criterion_id: str, prompt: PromptRequirements | None) -> bool:
    """Whether the task's prompt waives what the criterion's check judges."""
    criterion = next((c for c in rubric.criteria if c.id == criterion_id), None)
    if criterion is None or prompt is None:
        return False
    waivable = get_check(criterion.check).waivable
    return bool(waivable) and prompt.waives(waivable) is not None


def _fails(result: CriterionResult) -> int:
    return sum(f.status is Status.FAIL for f in result.findings)


_BAD = {CriterionStatus.FAIL, CriterionStatus.PARTIAL}


def _worse(before: CriterionResult, after: CriterionResult) -> bool:
    if _fails(after) > _fails(before):
        return True
    if after.status in _BAD and before.status not in _BAD:
        return True
    return before.score is not None and after.score is not None and after.score < before.score


def task_prompt(path: Path) -> PromptRequirements | None:
    """Every prompt of the ideal's task (the bundled reference's task is the sample's)."""
    folder = sample_responses() if path == sample_reference() / "IDEAL_RESPONSE.md" else path.parent
    try:
        prompts = load_task(folder).prompts
    except TaskError:
        return None
    return read_prompts(prompts) if prompts else None


def load_ideal(task_id: str, path: Path) -> Ideal:
    text = path.read_text(encoding="utf-8", errors="replace")
    tree = extract(text, response_id=IDEAL_ID)
    return Ideal(task_id, path, text, tree, build(tree), prompt=task_prompt(path))


@dataclass
class TaskGrader:
    """Grades texts of one task the way a run grades its model responses."""

    rubric: Rubric
    ideal: Ideal
    reference: ReferenceContext = field(init=False)
    reference_criteria: tuple[CriterionResult, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.reference = reference_from(self.ideal.tree)
        self.reference_criteria = evaluate_reference(
            self.rubric, self.reference, self.ideal.task_id, self.ideal.prompt
        )

    def grade(self, text: str, response_id: str, *, is_ideal: bool = False) -> ResponseResult:
        tree = self.ideal.tree if is_ideal else extract(text, response_id=response_id)
        return grade_tree(
            tree,
            self.rubric,
            Clock(),
            task_id=self.ideal.task_id,
            response_id=response_id,
            source=str(self.ideal.path),
            reference=self.reference,
            is_ideal=is_ideal,
            reference_criteria=None if is_ideal else self.reference_criteria,
            prompt=self.ideal.prompt,
        )


def ideals(corpus: Path, limit: int | None) -> list[tuple[str, Path]]:
    found = sorted((p.parent.name, p) for p in corpus.glob("*/IDEAL_RESPONSE.md"))
    if limit is not None:
        found = found[:limit]
    bundled = sample_reference() / "IDEAL_RESPONSE.md"
    return [*found, ("bundled:aws-prod-stack", bundled)]


def run_task(
    task_id: str, path: Path, rubric: Rubric, kinds: list[FaultKind]
) -> tuple[list[Outcome], list[str]]:
    """Every applicable kind's outcome on one ideal, and the problems of the unmutated copy."""
    ideal = load_ideal(task_id, path)
    grader = TaskGrader(rubric, ideal)
    as_ideal = grader.grade(ideal.text, IDEAL_ID, is_ideal=True)
    baseline = grader.grade(ideal.mutated([]), "COPY")
    problems = []
    if baseline.overall != as_ideal.overall:
        problems.append(f"{task_id}: copy {baseline.overall} != ideal {as_ideal.overall}")
    before = {c.criterion_id: c for c in baseline.criteria}
    outcomes = []
    for kind in kinds:
        edits = kind.mutate(ideal)
        if not edits or kind.criterion not in before:
            continue
        if _waived(rubric, kind.criterion, ideal.prompt):
            outcomes.append(
                Outcome(task_id, kind.name, False, False, None, None, "waived", (), True)
            )
            continue
        result = grader.grade(ideal.mutated(edits), f"MUTANT_{kind.name}")
        after = {c.criterion_id: c for c in result.criteria}
        target = after[kind.criterion]
        noticed = tuple(cid for cid, c in after.items() if cid in before and _worse(before[cid], c))
        fell = (
            baseline.overall is not None
            and result.overall is not None
            and result.overall < baseline.overall
        )
        outcomes.append(
            Outcome(
                task_id,
                kind.name,
                _worse(before[kind.criterion], target),
                fell,
                baseline.overall,
                result.overall,
                f"{target.status.value}: {target.message}",
                noticed,
            )
        )
    return outcomes, problems


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def summarise(outcomes: list[Outcome], kinds: list[FaultKind]) -> dict[str, dict[str, object]]:
    table: dict[str, dict[str, object]] = {}
    for kind in kinds:
        mine = [o for o in outcomes if o.kind == kind.name and not o.waived]
        detected = sum(o.detected for o in mine)
        fell = sum(o.fell for o in mine)
        table[kind.name] = {
            "criterion": kind.criterion,
            "applied": len(mine),
            "waived": sum(o.kind == kind.name and o.waived for o in outcomes),
            "detected": detected,
            "fell": fell,
            "detected_pct": _percent(detected, len(mine)),
            "fell_pct": _percent(fell, len(mine)),
        }
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rubric", default="terraform-aws-production")
    parser.add_argument("--limit", type=int, default=None, help="first N corpus tasks only")
    parser.add_argument("--kinds", default="", help="comma-separated fault kinds (default all)")
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    wanted = {k for k in args.kinds.split(",") if k}
    unknown = wanted - {k.name for k in KINDS}
    if unknown:
        print(f"unknown fault kind(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    kinds = [k for k in KINDS if not wanted or k.name in wanted]
    rubric = load_rubric(args.rubric)
    outcomes: list[Outcome] = []
    problems: list[str] = []
    tasks = ideals(args.corpus, args.limit) if args.corpus.is_dir() else ideals(Path("/-"), 0)
    for task_id, path in tasks:
        found, wrong = run_task(task_id, path, rubric, kinds)
        outcomes += found
        problems += wrong
    table = summarise(outcomes, kinds)
    print(f"{'kind':32} {'criterion':34} {'n':>4} {'detected':>9} {'fell':>7} {'waived':>7}")
    for name, row in table.items():
        detected = "-" if row["detected_pct"] is None else f"{row['detected_pct']}%"
        fell = "-" if row["fell_pct"] is None else f"{row['fell_pct']}%"
        print(
            f"{name:32} {row['criterion']!s:34} {row['applied']!s:>4} {detected:>9} {fell:>7}"
            f" {row['waived']!s:>7}"
        )
    waived = [o for o in outcomes if o.waived]
    outcomes = [o for o in outcomes if not o.waived]
    total = len(outcomes)
    detected_all = sum(o.detected for o in outcomes)
    fell_all = sum(o.fell for o in outcomes)
    print(
        f"all {total} mutants of {len(tasks)} ideals: detected {_percent(detected_all, total)}%, "
        f"overall fell {_percent(fell_all, total)}%; {len(waived)} more waived by their prompt"
    )
    for problem in problems:
        print(f"UNMUTATED COPY DIFFERS: {problem}")
    if args.misses:
        for o in outcomes:
            if not (o.detected and o.fell):
                print(
                    f"miss {o.kind} {o.task_id}: detected={o.detected} fell={o.fell} "
                    f"{o.before} -> {o.after}; target {o.target[:140]}; "
                    f"noticed by {', '.join(o.noticed_by) or 'nothing'}"
                )
    summary = {
        "benchmark": "mutations",
        "ideals": len(tasks),
        "mutants": total,
        "waived": len(waived),
        "detected_pct": _percent(detected_all, total),
        "fell_pct": _percent(fell_all, total),
        "copy_mismatches": len(problems),
        "kinds": table,
    }
    print(json.dumps(summary, sort_keys=True))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
