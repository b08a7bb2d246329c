"""The security criteria in CloudFormation terms: the same ids and params as the Terraform
checks beside this module, read from the template's resources (logical ids as subjects)."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator

from harness.checks.common.cidr import is_open, is_private, parse_cidr
from harness.checks.common.cloudformation import (
    CLOUDFORMATION,
    flag,
    identity_policies,
    items,
    model_of,
    setting,
    shown,
)
from harness.checks.registry import NoParams, check
from harness.checks.security import CATEGORY
from harness.checks.security._ingress import IngressParams, none_reaches, with_article
from harness.checks.security.admin_ingress import AdminIngressParams
from harness.checks.security.db_ingress import DbIngressParams
from harness.checks.security.iam import (
    NO_RESOURCE_ACTIONS,
    LeastPrivilegeParams,
    statement_problems,
    statement_summary,
)
from harness.checks.security.password import PasswordParams
from harness.checks.security.rds import RdsEncryptedParams, RdsPublicParams
from harness.checks.types import CheckContext, Finding, failed, not_applicable, passed
from harness.cloudformation import (
    Intrinsic,
    Mapping,
    Node,
    Resource,
    Scalar,
    Sequence,
    resolve,
    walk,
)
from harness.cloudformation.nodes import as_list
from harness.cloudformation.types import cloudformation_types
from harness.cloudformation.values import referenced_ids

BUCKET = "AWS::S3::Bucket"
DB_INSTANCE = "AWS::RDS::DBInstance"
DB_CLUSTER = "AWS::RDS::DBCluster"
PAB_FLAGS = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")


@check("security.s3_encryption", CATEGORY, params=NoParams, languages=CLOUDFORMATION)
def s3_encryption(ctx: CheckContext, params: NoParams) -> Iterator[Finding]:
    """Every S3 bucket has default server-side encryption configured (CloudFormation).

    What it checks:
        Per ``AWS::S3::Bucket``: ``BucketEncryption.ServerSideEncryptionConfiguration`` has a
        rule with ``ServerSideEncryptionByDefault.SSEAlgorithm``. na without a bucket.

    Why it matters:
        A production stack states its encryption (and the KMS key it controls) explicitly
        instead of relying on an account default that reviewers and scanners cannot see.

    Example:
        Passing::

            Data:
              Type: AWS::S3::Bucket
              Properties:
                BucketEncryption:
                  ServerSideEncryptionConfiguration:
                    - ServerSideEncryptionByDefault: {SSEAlgorithm: aws:kms}
    """
    model = model_of(ctx)
    buckets = list(model.resources(BUCKET))
    if not buckets:
        yield not_applicable("no S3 bucket")
        return
    for bucket in buckets:
        rules = items(bucket.get("BucketEncryption", "ServerSideEncryptionConfiguration"))
        algorithms = [
            default.get("SSEAlgorithm")
            for rule in rules
            if isinstance(default := rule.get("ServerSideEncryptionByDefault"), Mapping)
        ]
        found = next((a for a in algorithms if a is not None), None)
        if found is not None:
            yield passed(
                f"SSEAlgorithm {shown(found)}",
                ctx.evidence(found.span),
                subject=bucket.logical_id,
            )
        else:
            yield failed(
                "no BucketEncryption with an SSEAlgorithm",
                ctx.evidence(bucket.property_span("BucketEncryption")),
                subject=bucket.logical_id,
            )


@check("security.s3_public_access_block", CATEGORY, params=NoParams, languages=CLOUDFORMATION)
def s3_public_access_block(ctx: CheckContext, params: NoParams) -> Iterator[Finding]:
    """Every S3 bucket blocks public access (CloudFormation).

    What it checks:
        Per ``AWS::S3::Bucket``: ``PublicAccessBlockConfiguration`` sets all four flags
        (``BlockPublicAcls``, ``BlockPublicPolicy``, ``IgnorePublicAcls``,
        ``RestrictPublicBuckets``) to true. na without a bucket.

    Why it matters:
        A bucket without a public access block is one ACL or policy away from a data leak.

    Example:
        Failing: a bucket without ``PublicAccessBlockConfiguration``, or one flag false.
    """
    model = model_of(ctx)
    buckets = list(model.resources(BUCKET))
    if not buckets:
        yield not_applicable("no S3 bucket")
        return
    for bucket in buckets:
        block = bucket.get("PublicAccessBlockConfiguration")
        evidence = ctx.evidence(bucket.property_span("PublicAccessBlockConfiguration"))
        if not isinstance(block, Mapping):
            yield failed("no PublicAccessBlockConfiguration", evidence, subject=bucket.logical_id)
            continue
        off = [
            name
            for name in PAB_FLAGS
            if flag(model, bucket, "PublicAccessBlockConfiguration", name) is not True
        ]
        if off:
            yield failed(
                f"PublicAccessBlockConfiguration does not set {', '.join(off)} to true",
                evidence,
                subject=bucket.logical_id,
            )
        else:
            yield passed("all four public access flags true", evidence, subject=bucket.logical_id)


@check("security.s3_versioning", CATEGORY, params=NoParams, languages=CLOUDFORMATION)
def s3_versioning(ctx: CheckContext, params: NoParams) -> Iterator[Finding]:
    """Every S3 bucket is versioned (CloudFormation).

    What it checks:
        Per ``AWS::S3::Bucket``: ``VersioningConfiguration.Status`` is ``Enabled``. na
        without a bucket.

    Why it matters:
        Versioning is the only undo for an overwritten or deleted object.

    Example:
        Passing: ``VersioningConfiguration: {Status: Enabled}``.
    """
    model = model_of(ctx)
    buckets = list(model.resources(BUCKET))
    if not buckets:
        yield not_applicable("no S3 bucket")
        return
    for bucket in buckets:
        status = setting(model, bucket, "VersioningConfiguration", "Status")
        evidence = ctx.evidence(bucket.property_span("VersioningConfiguration"))
        if status == "Enabled":
            yield passed(
                "VersioningConfiguration Status Enabled", evidence, subject=bucket.logical_id
            )
        else:
            yield failed(
                f"VersioningConfiguration Status is {status or 'not set'}",
                evidence,
                subject=bucket.logical_id,
            )


def _databases(ctx: CheckContext, types: list[str]) -> list[Resource]:
    """The database resources of the CloudFormation types ``types`` stand for."""
    wanted = set(cloudformation_types(types))
    return [r for r in model_of(ctx).resources() if r.type in wanted]


@check("security.rds_encrypted", CATEGORY, params=RdsEncryptedParams, languages=CLOUDFORMATION)
def rds_encrypted(ctx: CheckContext, params: RdsEncryptedParams) -> Iterator[Finding]:
    """RDS storage is encrypted (CloudFormation).

    What it checks:
        ``AWS::RDS::DBInstance`` and ``AWS::RDS::DBCluster`` (and the CloudFormation types
        of ``types``) set ``StorageEncrypted: true`` (a parameter's default counts). An
        instance that joins a cluster (``DBClusterIdentifier``) is judged on its cluster.
        na without a database.

    Why it matters:
        Encryption at rest cannot be turned on later in place; the data must be migrated.

    Example:
        Passing: ``StorageEncrypted: true``.
    """
    model = model_of(ctx)
    databases = [
        r
        for r in _databases(ctx, params.types)
        if not (r.type == DB_INSTANCE and r.get("DBClusterIdentifier") is not None)
    ]
    if not databases:
        yield not_applicable("no RDS database")
        return
    for database in databases:
        value = flag(model, database, "StorageEncrypted")
        evidence = ctx.evidence(database.property_span("StorageEncrypted"))
        if value is True:
            yield passed("StorageEncrypted true", evidence, subject=database.logical_id)
        else:
            yield failed(
                f"StorageEncrypted is {shown(database.get('StorageEncrypted'))}",
                evidence,
                subject=database.logical_id,
            )


@check("security.rds_not_public", CATEGORY, params=RdsPublicParams, languages=CLOUDFORMATION)
def rds_not_public(ctx: CheckContext, params: RdsPublicParams) -> Iterator[Finding]:
    """RDS instances are not publicly accessible (CloudFormation).

    What it checks:
        ``AWS::RDS::DBInstance``: ``PubliclyAccessible`` is not true. Left unset it passes
        only with a ``DBSubnetGroupName`` (without one, the instance lands in the default VPC,
        where AWS makes it public). na without an instance.

    Why it matters:
        A public database is exposed to the whole internet's password guessing.

    Example:
        Failing: ``PubliclyAccessible: true``.
    """
    model = model_of(ctx)
    instances = [r for r in _databases(ctx, params.types) if r.type == DB_INSTANCE]
    if not instances:
        yield not_applicable("no RDS instance")
        return
    for instance in instances:
        value = flag(model, instance, "PubliclyAccessible")
        evidence = ctx.evidence(instance.property_span("PubliclyAccessible"))
        if value is True:
            yield failed("PubliclyAccessible true", evidence, subject=instance.logical_id)
        elif value is False:
            yield passed("PubliclyAccessible false", evidence, subject=instance.logical_id)
        elif instance.get("DBSubnetGroupName") is not None or instance.get("DBClusterIdentifier"):
            yield passed(
                "PubliclyAccessible not set; in a DB subnet group (private by default)",
                evidence,
                subject=instance.logical_id,
            )
        else:
            yield failed(
                "PubliclyAccessible not set and no DBSubnetGroupName: public in the default VPC",
                evidence,
                subject=instance.logical_id,
            )


@check("security.ebs_encrypted", CATEGORY, params=NoParams, languages=CLOUDFORMATION)
def ebs_encrypted(ctx: CheckContext, params: NoParams) -> Iterator[Finding]:
    """EBS volumes, instances and launch templates encrypt their disks (CloudFormation).

    What it checks:
        ``AWS::EC2::Volume`` sets ``Encrypted: true``; ``AWS::EC2::Instance`` and
        ``AWS::EC2::LaunchTemplate`` (``LaunchTemplateData``) have ``BlockDeviceMappings``
        whose every ``Ebs`` sets ``Encrypted: true`` (an instance launched from a template
        without mappings of its own is judged through the template). na without any of them.

    Why it matters:
        Instance disks and their snapshots carry data and secrets in clear text otherwise.

    Example:
        Passing: ``BlockDeviceMappings: [{DeviceName: /dev/xvda, Ebs: {Encrypted: true}}]``.
    """
    model = model_of(ctx)
    found = False
    for resource in model.resources():
        if resource.type == "AWS::EC2::Volume":
            found = True
            value = flag(model, resource, "Encrypted")
            evidence = ctx.evidence(resource.property_span("Encrypted"))
            if value is True:
                yield passed("Encrypted true", evidence, subject=resource.logical_id)
            else:
                yield failed("Encrypted is not true", evidence, subject=resource.logical_id)
            continue
        if resource.type == "AWS::EC2::Instance":
            path: tuple[str, ...] = ("BlockDeviceMappings",)
        elif resource.type == "AWS::EC2::LaunchTemplate":
            path = ("LaunchTemplateData", "BlockDeviceMappings")
        else:
            continue
        from_template = resource.type == "AWS::EC2::Instance" and (
            resource.get("BlockDeviceMappings") is None
            and resource.get("LaunchTemplate") is not None
        )
        if from_template:
            continue  # its disks are its launch template's, judged there
        found = True
        mappings = [m for m in items(resource.get(*path)) if isinstance(m.get("Ebs"), Mapping)]
        evidence = ctx.evidence(resource.property_span(*path))
        if not mappings:
            yield failed(
                "no BlockDeviceMappings with Ebs Encrypted: the root volume is unencrypted",
                evidence,
                subject=resource.logical_id,
            )
            continue
        template = model.template_of(resource)
        clear = []
        for device in mappings:
            ebs = device.get("Ebs")
            encrypted = (
                resolve(template, ebs.get("Encrypted")) if isinstance(ebs, Mapping) else None
            )
            if (encrypted or "").lower() != "true":
                clear.append(device.text("DeviceName") or "?")
        if clear:
            yield failed(
                f"Ebs Encrypted not true for {', '.join(clear)}",
                evidence,
                subject=resource.logical_id,
            )
        else:
            yield passed("every block device encrypted", evidence, subject=resource.logical_id)
    if not found:
        yield not_applicable("no EBS volume, instance or launch template")


def _ports(model_text: str | None) -> int | None:
    try:
        return int(model_text) if model_text is not None else None
    except ValueError:
        return None


@check("security.db_ingress_restricted", CATEGORY, params=DbIngressParams, languages=CLOUDFORMATION)
def db_ingress_restricted(ctx: CheckContext, params: DbIngressParams) -> Iterator[Finding]:
    """Database ports admit only private networks or security groups (CloudFormation).

    What it checks:
        Every ingress rule (``SecurityGroupIngress`` of ``AWS::EC2::SecurityGroup`` and
        ``AWS::EC2::SecurityGroupIngress`` resources) whose port range covers a database port
        (``ports``): a source security group passes, ``CidrIp``/``CidrIpv6`` open to the world
        (``0.0.0.0/0``, ``::/0``) fails, a private range passes when ``allow_private_ranges``.
        Ranges held by parameters are judged on their defaults. na without such a rule.

    Why it matters:
        0.0.0.0/0 on a database port is an open door for the whole internet.

    Example:
        Failing: ``{IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 0.0.0.0/0}``.
    """
    yield from _ingress_findings(ctx, params, "database port")


@check(
    "security.admin_ingress_restricted",
    CATEGORY,
    params=AdminIngressParams,
    languages=CLOUDFORMATION,
    judges_task=False,
)
def admin_ingress_restricted(ctx: CheckContext, params: AdminIngressParams) -> Iterator[Finding]:
    """Remote administration ports are not open to the whole internet (CloudFormation).

    What it checks:
        Every ingress rule (``SecurityGroupIngress`` of ``AWS::EC2::SecurityGroup`` and
        ``AWS::EC2::SecurityGroupIngress`` resources) whose port range covers an
        administration port (``ports``: SSH 22, RDP 3389, WinRM 5985/5986): ``CidrIp`` /
        ``CidrIpv6`` open to the world (``0.0.0.0/0``, ``::/0``) fails; a source security
        group, a private range or a named public range (``allow_public_ranges``) passes.
        Ranges held by parameters are judged on their defaults. Security groups with no such
        rule pass; a template with no security group is na, never a gap (nothing open is the
        safe state).

    Why it matters:
        SSH and RDP open to the internet are brute-forced within minutes of an instance
        starting; production instances are reached through SSM, a bastion or a named range.

    Example:
        Failing: ``{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}``.
    """
    yield from _ingress_findings(ctx, params, "administration port", closed_passes=True)


def _ingress_findings(
    ctx: CheckContext, params: IngressParams, what: str, *, closed_passes: bool = False
) -> Iterator[Finding]:
    """One finding per ingress rule that reaches one of ``params.ports``, by its source;
    ``what`` names the ports when no rule reaches them. Then na, or with ``closed_passes`` a
    pass citing the security groups that keep them closed (na without any)."""
    model = model_of(ctx)
    judged = False
    for resource in model.resources():
        if resource.type == "AWS::EC2::SecurityGroup":
            rules = [
                (f"{resource.logical_id} ingress {i}", r)
                for i, r in enumerate(items(resource.get("SecurityGroupIngress")), start=1)
            ]
        elif resource.type == "AWS::EC2::SecurityGroupIngress" and resource.properties:
            rules = [(resource.logical_id, resource.properties)]
        else:
            continue
        template = model.template_of(resource)
        for subject, rule in rules:
            protocol = (resolve(template, rule.get("IpProtocol")) or "").lower()
            low = _ports(resolve(template, rule.get("FromPort")))
            high = _ports(resolve(template, rule.get("ToPort")))
            everything = protocol in ("-1", "all")
            if not everything and (low is None or high is None):
                continue
            ports = [
                p
                for p in params.ports
                if everything
                or (low is not None and high is not None and low <= p <= high)
                or low == -1
            ]
            if not ports:
                continue
            judged = True
            evidence = ctx.evidence(rule.span)
            where = f"port {ports[0]}" if len(ports) == 1 else f"ports {', '.join(map(str, ports))}"
            if (
                rule.get("SourceSecurityGroupId") is not None
                or rule.get("SourcePrefixListId") is not None
            ):
                yield passed(f"{where} from a security group", evidence, subject=subject)
                continue
            source = rule.get("CidrIp") or rule.get("CidrIpv6")
            text = resolve(template, source)
            network = parse_cidr(text) if text is not None else None
            if network is None:
                yield passed(
                    f"{where} from {shown(source)} (not a literal range)", evidence, subject=subject
                )
            elif is_open(network):
                yield failed(f"{where} open to {text}", evidence, subject=subject)
            elif is_private(network) and params.allow_private_ranges:
                yield passed(f"{where} from private range {text}", evidence, subject=subject)
            elif is_private(network):
                yield failed(
                    f"{where} from {text} (private ranges not allowed)", evidence, subject=subject
                )
            elif params.allow_public_ranges:
                yield passed(
                    f"{where} from the named public range {text}", evidence, subject=subject
                )
            else:
                yield failed(f"{where} from public range {text}", evidence, subject=subject)
    if not judged:
        groups = [
            r.span
            for r in model.resources()
            if closed_passes
            and r.type in ("AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress")
        ]
        yield none_reaches(ctx, what, groups, f"no ingress rule on {with_article(what)}")


@check(
    "security.iam_least_privilege", CATEGORY, params=LeastPrivilegeParams, languages=CLOUDFORMATION
)
def iam_least_privilege(ctx: CheckContext, params: LeastPrivilegeParams) -> Iterator[Finding]:
    """IAM policies grant specific actions on specific resources (CloudFormation).

    What it checks:
        Every Allow statement of ``AWS::IAM::Policy``, ``AWS::IAM::ManagedPolicy`` and the
        inline ``Policies`` of roles, users and groups, judged by the same rules as the
        Terraform check (no ``*`` or ``service:*`` actions, no wildcard resource for actions
        that take ARNs unless a Condition narrows it). ``Fn::Sub`` ARNs keep their shape;
        a reference to a resource is one resource. Also each AWS managed policy in
        ``ManagedPolicyArns``, failing for the forbidden ones. na without a policy.

    Why it matters:
        Wildcards turn a leak of one credential into control of every resource of a service.

    Example:
        Failing: ``{Effect: Allow, Action: "s3:*", Resource: "*"}``.
    """
    model = model_of(ctx)
    no_resource = tuple(a.lower() for a in (*NO_RESOURCE_ACTIONS, *params.no_resource_actions))
    findings: list[Finding] = []
    for policy in identity_policies(model):
        where = f" {policy.where}" if policy.where else ""
        for statement in policy.statements:
            if statement.has_principal or statement.effect.lower() == "deny":
                continue
            subject = f"{policy.owner.logical_id}{where} {statement.label}"
            problems = statement_problems(statement, params, no_resource)
            evidence = ctx.evidence(statement.span)
            for problem in problems:  # one failing finding per fault, as in Terraform
                findings.append(failed(problem, evidence, subject=subject))
            if not problems:
                findings.append(passed(statement_summary(statement), evidence, subject=subject))
    for resource in model.resources():
        for arn_node in as_list(resource.get("ManagedPolicyArns")):
            text = resolve(model.template_of(resource), arn_node) or (
                arn_node.text if isinstance(arn_node, Scalar) else ""
            )
            name = managed_policy_name(text)
            if name is None:
                continue
            subject = f"{resource.logical_id} {name}"
            evidence = ctx.evidence(arn_node.span)
            if any(fnmatch.fnmatch(name, glob) for glob in params.forbidden_managed_policies):
                findings.append(
                    failed(f"attaches AWS managed policy {name}", evidence, subject=subject)
                )
            else:
                findings.append(passed(f"AWS managed policy {name}", evidence, subject=subject))
    if not findings:
        yield not_applicable("no IAM identity policy")
        return
    yield from findings


_SECRET_PROPERTY = re.compile(
    r"password|passwd|secret(?!sarn|arn|id|name)|token|apikey|api_key|privatekey|credential", re.I
)
_DYNAMIC_REFERENCE = re.compile(r"\{\{resolve:(secretsmanager|ssm-secure):", re.I)
#: Properties whose name sounds secret but hold no secret value.
_NOT_SECRET = re.compile(
    r"(arn|name|id|length|policy|rotation|type|enabled|manage|kmskey|generate|exclude|template"
    r"|description|keyid|keyname|version|count|requires)",
    re.I,
)


_POLICY_NAME = re.compile(r"[\w+=,.@-]+")


def managed_policy_name(arn: str) -> str | None:
    """``AdministratorAccess`` from ``arn:aws:iam::aws:policy/AdministratorAccess`` (any
    partition, any path); None for a customer policy or anything else. String operations,
    not a backtracking pattern: an ARN is response text."""
    if not arn.startswith("arn:") or ":iam::aws:policy/" not in arn:
        return None
    name = arn.rsplit("/", 1)[-1]
    return name if _POLICY_NAME.fullmatch(name) else None


def _secret_verdict(ctx: CheckContext, resource: Resource, path: str, node: Node) -> Finding | None:
    model = model_of(ctx)
    template = model.template_of(resource)
    evidence = ctx.evidence(node.span)
    subject = f"{resource.logical_id}.{path}"
    if isinstance(node, Scalar):
        text = node.text
        if not text:
            return None
        if _DYNAMIC_REFERENCE.search(text):
            return passed(
                "a dynamic reference to Secrets Manager / SSM SecureString",
                evidence,
                subject=subject,
            )
        return failed(
            f"a literal value ({len(text)} characters) in the template", evidence, subject=subject
        )
    if isinstance(node, Intrinsic):
        if node.function == "Fn::Sub" or node.function == "Fn::Join":
            fixed = resolve(template, node)
            if _DYNAMIC_REFERENCE.search(str(node.argument)):
                return passed(
                    "a dynamic reference to Secrets Manager / SSM SecureString",
                    evidence,
                    subject=subject,
                )
            if fixed is not None:
                return failed("a value fixed in the template", evidence, subject=subject)
        for name in sorted(referenced_ids(node)):
            parameter = template.parameters.get(name)
            if parameter is None:
                continue
            if parameter.default is not None and resolve(template, parameter.default):
                return failed(
                    f"parameter {name} has a default value: the secret is in the template",
                    ctx.evidence(parameter.span),
                    subject=subject,
                )
            if not parameter.no_echo:
                return failed(
                    f"parameter {name} is not NoEcho: the value is shown in the console and API",
                    ctx.evidence(parameter.span),
                    subject=subject,
                )
            return passed(f"parameter {name} (NoEcho, no default)", evidence, subject=subject)
        return passed(f"generated or referenced ({shown(node)})", evidence, subject=subject)
    return None


def _keyed_values(node: Node | None, prefix: str) -> Iterator[tuple[str, Node]]:
    """(dotted path, value) of every mapping entry under ``node``, at any depth (a Lambda's
    ``Environment.Variables.DB_PASSWORD`` as well as ``MasterUserPassword``); a name/value
    pair list (``[{Name: DB_PASSWORD, Value: ...}]``, ECS environments) counts as a key."""
    if isinstance(node, Mapping):
        name = node.text("Name")
        if name is not None and set(node.entries) <= {"Name", "Value"} and "Value" in node.entries:
            value = node.get("Value")
            if value is not None:
                yield f"{prefix}.{name}" if prefix else name, value
            return
        for key, value in node.items():
            path = f"{prefix}.{key}" if prefix else key
            yield path, value
            yield from _keyed_values(value, path)
    elif isinstance(node, Sequence):
        for item in node.items:
            yield from _keyed_values(item, prefix)


_ACCESS_KEY = re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")


def _access_keys(ctx: CheckContext) -> list[Finding]:
    """An AWS access key id written anywhere in a template: per resource (its logical id),
    parameter, mapping or output that holds one."""
    found = []
    for template in model_of(ctx).templates:
        if template.root is None:
            continue
        for section in ("Resources", "Parameters", "Mappings", "Outputs"):
            entries = template.root.mapping(section)
            for name, body in entries.items() if entries is not None else ():
                hit = next(
                    (
                        node
                        for node in walk(body)
                        if isinstance(node, Scalar)
                        and isinstance(node.value, str)
                        and _ACCESS_KEY.search(node.value)
                    ),
                    None,
                )
                if hit is not None:
                    subject = name if section == "Resources" else f"{section}.{name}"
                    found.append(
                        failed(
                            "an AWS access key id written in the template",
                            ctx.evidence(hit.span),
                            subject=subject,
                        )
                    )
    return found


@check("security.no_hardcoded_secrets", CATEGORY, params=NoParams, languages=CLOUDFORMATION)
def no_hardcoded_secrets(ctx: CheckContext, params: NoParams) -> Iterator[Finding]:
    """No secrets are written into the template (CloudFormation).

    What it checks:
        Every property, at any depth, whose name says it holds a secret
        (``MasterUserPassword``, ``Password``, ``SecretString``, ``AuthToken``, a Lambda's
        ``Environment.Variables.DB_PASSWORD``, an ECS ``{Name: API_TOKEN, Value: ...}``): a
        dynamic reference
        (``{{resolve:secretsmanager:...}}``, ``{{resolve:ssm-secure:...}}``), a reference to a
        generated secret, or a ``NoEcho`` parameter without a default passes; a literal, or a
        parameter with a default or without ``NoEcho``, fails. ``ManageMasterUserPassword:
        true`` passes (RDS keeps the password in Secrets Manager). An AWS access key id
        (``AKIA...``) anywhere in a template fails. A template with nothing secret-like
        passes; na only without resources.

    Why it matters:
        A password in a template ends up in git, in the stack's template history and in the
        console; it must be considered leaked.

    Example:
        Failing: ``MasterUserPassword: SuperSecret123``. Passing:
        ``MasterUserPassword: '{{resolve:secretsmanager:db-secret:SecretString:password}}'``.
    """
    model = model_of(ctx)
    findings: list[Finding] = []
    for resource in model.resources():
        if flag(model, resource, "ManageMasterUserPassword") is True:
            findings.append(
                passed(
                    "ManageMasterUserPassword true (RDS manages the secret)",
                    ctx.evidence(resource.property_span("ManageMasterUserPassword")),
                    subject=f"{resource.logical_id}.ManageMasterUserPassword",
                )
            )
        for path, node in _keyed_values(resource.properties, ""):
            key = path.rsplit(".", 1)[-1]
            if not _SECRET_PROPERTY.search(key) or _NOT_SECRET.search(key):
                continue
            verdict = _secret_verdict(ctx, resource, path, node)
            if verdict is not None:
                findings.append(verdict)
    findings += _access_keys(ctx)
    if not findings:
        # the prohibition holds in a template with nothing secret-like (as for Terraform)
        if any(True for _ in model.resources()):
            yield passed("no property holds a literal secret")
        else:
            yield not_applicable("no resource to judge")
        return
    yield from findings


@check("security.password_generation", CATEGORY, params=PasswordParams, languages=CLOUDFORMATION)
def password_generation(ctx: CheckContext, params: PasswordParams) -> Iterator[Finding]:
    """Generated database passwords exclude the characters RDS rejects (CloudFormation).

    What it checks:
        Every ``AWS::SecretsManager::Secret`` with ``GenerateSecretString``: its
        ``ExcludeCharacters`` holds each of ``forbidden`` (or ``ExcludePunctuation: true``)
        and ``PasswordLength`` (default 32) is at least ``min_length``. na without a
        generated secret.

    Why it matters:
        RDS rejects '/', '@', '"' and spaces in master passwords: a generated password that
        may contain them fails the deploy at random.

    Example:
        Passing: ``GenerateSecretString: {ExcludeCharacters: '"@/\\ ', PasswordLength: 32}``.
    """
    model = model_of(ctx)
    found = False
    for secret in model.resources("AWS::SecretsManager::Secret"):
        generate = secret.get("GenerateSecretString")
        if not isinstance(generate, Mapping):
            continue
        found = True
        evidence = ctx.evidence(generate.span)
        excluded = setting(model, secret, "GenerateSecretString", "ExcludeCharacters") or ""
        no_punctuation = flag(model, secret, "GenerateSecretString", "ExcludePunctuation") is True
        length_text = setting(model, secret, "GenerateSecretString", "PasswordLength")
        length = _ports(length_text) if length_text is not None else 32
        missing = (
            "" if no_punctuation else "".join(c for c in params.forbidden if c not in excluded)
        )
        if missing:
            yield failed(
                f"ExcludeCharacters lacks {missing!r}: RDS rejects them",
                evidence,
                subject=secret.logical_id,
            )
        elif length is not None and length < params.min_length:
            yield failed(
                f"PasswordLength {length} < {params.min_length}",
                evidence,
                subject=secret.logical_id,
            )
        else:
            yield passed("excludes the characters RDS rejects", evidence, subject=secret.logical_id)
    if not found:
        yield not_applicable("no generated secret (GenerateSecretString)")
