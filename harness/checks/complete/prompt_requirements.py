"""``complete.prompt_requirements``: what the prompt asks for is in the response.

The requirements come from the prompt reader (``harness.prompt``: services through the AWS
services lexicon, regions, named modules, variables and outputs, instance classes, Multi-AZ,
encryption at rest, tests), each with the prompt line that stated it. The check reads every
language the response holds (Terraform's model, CloudFormation's templates, and the files'
text for values), so it is registered once for any language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import Field

from harness.checks.common.files import code_files
from harness.checks.common.memo import per_context
from harness.checks.common.suites import find_tests
from harness.checks.common.text import Lines, Searched
from harness.checks.complete import CATEGORY
from harness.checks.registry import ANY_LANGUAGE, Params, check
from harness.checks.types import CheckContext, Evidence, Finding, failed, not_applicable, passed
from harness.cloudformation.model import CloudFormationModel
from harness.extract.types import ExtractedFile
from harness.languages import ParsedResource
from harness.prompt import Requirement, RequirementKind
from harness.vocabulary import Span

#: Where a judged value may be written: IaC files (not tests, scripts or READMEs).
_IAC_LANGUAGES = frozenset({"hcl", "tfvars", "terraform", "yaml", "yml", "json"})
_REGISTRY_MODULE = re.compile(r"^(?:registry\.terraform\.io/)?terraform-aws-modules/([\w-]+)/aws")


_ENCRYPTION_SETTING = Searched(
    re.compile(
        r"(?:storage_encrypted|\bencrypted|at_rest_encryption_enabled|StorageEncrypted|Encrypted"
        r"|AtRestEncryptionEnabled|SSEEnabled|enable_key_rotation)[\"']?\s*[:=]\s*[\"']?true"
        r"|sse_algorithm|SSEAlgorithm|server_side_encryption|BucketEncryption|SSESpecification"
        r"|\bkms_key_id\b|\bkms_master_key_id\b|\bkms_key_arn\b|KmsKeyId|KMSMasterKeyID"
        r"|KmsMasterKeyId|SecureString|encryption_at_rest|EncryptionAtRest|\"aws_kms_key\""
        r"|AWS::KMS::Key"
    ),
    ("ncrypt", "SSE", "sse_algorithm", "enable_key_rotation", "kms_", "Kms", "KMS", "Secure"),
)
_DB_MULTI_AZ = Searched(
    re.compile(
        r"\bmulti_az\s*=\s*(?:true|var\.|local\.)|MultiAZ[\"']?\s*:\s*(?:[\"']?true|!Ref|\{)"
    ),
    ("multi_az", "MultiAZ"),
)
_AZ_NAME = Searched(re.compile(r"(?<![\w-])([a-z]{2}(?:-gov)?-[a-z]+-\d[a-f])(?![\w-])"))
_AZ_LOOKUP = Searched(
    re.compile(
        r"aws_availability_zones|Fn::GetAZs|!GetAZs|\bavailability_zones\s*=|\bazs\s*="
        r"|multi_az\s*=\s*true"
    ),
    ("availability_zones", "GetAZs", "azs", "multi_az"),
)


class PromptRequirementsParams(Params):
    skip: list[str] = Field(
        default_factory=list,
        description="Requirement keys (kind:value, e.g. service:kms, region:us-east-1) not "
        "judged: what a reviewer ruled out, or what the ideal does not do (derive adds those).",
    )
    kinds: list[RequirementKind] = Field(
        default_factory=lambda: list(RequirementKind),
        description="The kinds of requirement judged (service, region, module, variable, "
        "output, instance_class, multi_az, encryption_at_rest, tests); default all.",
    )


@dataclass(frozen=True)
class _Verdict:
    met: bool | None  # None: nothing to judge it by in this response's language
    detail: str
    evidence: tuple[Evidence, ...] = ()


def _prompt_evidence(requirement: Requirement) -> Evidence:
    place = requirement.place
    return Evidence.from_prompt(
        place.path, place.line, place.text, note=f"the prompt asks for {requirement.title}"
    )


def _iac_files(ctx: CheckContext) -> list[ExtractedFile]:
    return [
        f
        for f in code_files(ctx.tree)
        if f.language.lower() in _IAC_LANGUAGES or f.path.endswith((".tf", ".tfvars"))
    ]


#: How a comment line opens (after its indentation): comment lines are not searched.
_COMMENT_OPENERS = ("#", "//", "/*", "*")


@per_context
def _code_files(ctx: CheckContext) -> tuple[tuple[ExtractedFile, Lines], ...]:
    """Split once per context, however many requirements search the files."""
    return tuple((file, Lines.of(file.content)) for file in _iac_files(ctx))


def _hits(ctx: CheckContext, pattern: Searched) -> Iterator[tuple[ExtractedFile, int, str]]:
    """Each match of the pattern in the IaC files' lines that are not comments, in order:
    (file, line number from 1, the matched text); lazily, so the first costs the least."""
    finditer = pattern.regex.finditer
    for file, code in _code_files(ctx):
        for index in code.candidates(pattern):
            line = code.lines[index]
            if not line.lstrip().startswith(_COMMENT_OPENERS):
                for match in finditer(line):
                    yield file, index + 1, match.group(0)


def _text_hits(ctx: CheckContext, pattern: Searched) -> list[tuple[ExtractedFile, int, str]]:
    """Lines of the IaC files (comments left out) where ``pattern`` matches, with the match."""
    return list(_hits(ctx, pattern))


def _first_hit(ctx: CheckContext, pattern: Searched) -> tuple[ExtractedFile, int, str] | None:
    """The first of ``_text_hits(ctx, pattern)``, reading no further than its line."""
    return next(_hits(ctx, pattern), None)


def _cloudformation(ctx: CheckContext) -> CloudFormationModel | None:
    model = ctx.models.get("cloudformation")
    return model if isinstance(model, CloudFormationModel) else None


def _has_terraform(ctx: CheckContext) -> bool:
    return any(f.language in ("hcl", "tfvars") or f.path.endswith(".tf") for f in ctx.tree.files)


@per_context
def _by_type(ctx: CheckContext) -> tuple[dict[str, list[ParsedResource]], ...]:
    """Each model's resources by type (``ctx.models`` order; in each list, the model's own
    order, as ``model.resources(type)`` yields them): every requirement names several types,
    and asking each model per type walks all its resources each time."""
    index: list[dict[str, list[ParsedResource]]] = []
    for model in ctx.models.values():
        of_model: dict[str, list[ParsedResource]] = {}
        for resource in model.resources():
            of_model.setdefault(resource.type, []).append(resource)
        index.append(of_model)
    return tuple(index)


def _of_types(ctx: CheckContext, types: tuple[str, ...]) -> list[ParsedResource]:
    """The resources of ``types``, model by model and type by type."""
    return [r for of_model in _by_type(ctx) for t in types for r in of_model.get(t, ())]


def _service(ctx: CheckContext, requirement: Requirement) -> _Verdict:
    found = _of_types(ctx, requirement.resource_types)
    if found:
        shown = ", ".join(f"{r.type}.{r.address}" if "." not in r.address else r.address
                          for r in found[:3])  # fmt: skip
        more = f" (+{len(found) - 3} more)" if len(found) > 3 else ""
        return _Verdict(True, shown + more, tuple(ctx.evidence(r.span) for r in found[:2]))
    for module in ctx.config.modules.values():
        for call in module.calls:
            match = _REGISTRY_MODULE.match(call.source or "")
            if match and match.group(1) in requirement.registry_modules:
                return _Verdict(
                    True, f"module {call.name!r} ({call.source})", (ctx.evidence(call.block.span),)
                )
    if requirement.settings:
        names = "|".join(re.escape(name) for name in requirement.settings)
        setting = re.compile(rf"\b(?:{names})[\"']?\s*[:=]\s*[\"']?true\b")
        searched = Searched(setting, requirement.settings)
        verdict = _found_text(ctx, searched, "the code sets", "")
        if verdict.met:
            return verdict
    wanted = " or ".join(_present_types(ctx, requirement)[:4])
    return _Verdict(False, f"the response declares no {wanted}")


def _present_types(ctx: CheckContext, requirement: Requirement) -> list[str]:
    """The types worth naming in a message: the languages the response is written in."""
    templates = _cloudformation(ctx)
    cfn = templates is not None and next(templates.resources(), None) is not None
    if cfn and not _has_terraform(ctx):
        return list(requirement.cloudformation_types) or list(requirement.terraform_types)
    return list(requirement.terraform_types)


def _found_text(ctx: CheckContext, pattern: Searched, what: str, missing: str) -> _Verdict:
    hit = _first_hit(ctx, pattern)
    if hit is None:
        return _Verdict(False, missing)
    file, line, text = hit
    return _Verdict(
        True, f"{what} {text!r} at {file.path}:{line}", (ctx.evidence(Span(file.path, line)),)
    )


_ANY_REGION = Searched(
    re.compile(
        r"(?<![\w.-])(?:us|eu|ap|sa|ca|me|af|il|mx)(?:-gov|-iso)?-(?:north|south|east|west"
        r"|central|northeast|northwest|southeast|southwest)-\d(?![\w-])"
    ),
    ("north", "south", "east", "west", "central"),
)


def _region(ctx: CheckContext, requirement: Requirement) -> _Verdict:
    """Met when the code names the region; missing when it pins other regions only; na when
    it names none (the region comes from outside: a provider file the user keeps, the
    environment, or a CloudFormation stack's deployment)."""
    pattern = re.compile(rf"(?<![\w.-]){re.escape(requirement.value)}(?![\w-])", re.IGNORECASE)
    verdict = _found_text(
        ctx, Searched(pattern, (requirement.value.lower(),)), "the code names", ""
    )
    if verdict.met:
        return verdict
    named = sorted({text for _, _, text in _text_hits(ctx, _ANY_REGION)})
    if not named:
        return _Verdict(None, "the code names no region (it comes from the deployment)")
    return _Verdict(False, f"the code names {', '.join(named[:4])} but not {requirement.value}")


def _instance_class(ctx: CheckContext, requirement: Requirement) -> _Verdict:
    pattern = re.compile(rf"(?<![\w.-]){re.escape(requirement.value)}(?![\w.-])", re.IGNORECASE)
    return _found_text(
        ctx,
        Searched(pattern, (requirement.value.lower(),)),
        "the code uses",
        f"the code never uses {requirement.value}",
    )


def _module(ctx: CheckContext, requirement: Requirement) -> _Verdict:
    if not _has_terraform(ctx):
        return _Verdict(None, "modules are a Terraform structure")
    wanted = requirement.value.lower()
    for module in ctx.config.modules.values():
        for call in module.calls:
            folder = (call.source or "").rstrip("/").rsplit("/", 1)[-1].lower()
            if wanted in (call.name.lower(), folder):
                return _Verdict(
                    True, f"module {call.name!r} ({call.source})", (ctx.evidence(call.block.span),)
                )
    for path in ctx.config.modules:
        if path.rstrip("/").rsplit("/", 1)[-1].lower() == wanted:
            return _Verdict(True, f"a module folder {path}")
    return _Verdict(False, f"no module {requirement.value!r} is called or written")


def _named(ctx: CheckContext, requirement: Requirement) -> _Verdict:
    name = requirement.value
    variable = requirement.kind is RequirementKind.VARIABLE
    for module in ctx.config.modules.values():
        table = module.variables if variable else module.outputs
        if name in table:
            return _Verdict(
                True,
                f"{module.path or 'root'} declares it",
                (ctx.evidence(table[name].block.span),),
            )
    cfn = _cloudformation(ctx)
    if cfn is not None:
        declared = cfn.parameters() if variable else cfn.outputs()
        for item in declared:
            if item.name == name:
                return _Verdict(True, "the template declares it", (ctx.evidence(item.span),))
    word = "variable (or parameter)" if variable else "output"
    return _Verdict(False, f"no {word} named {name!r}")


def _multi_az(ctx: CheckContext, requirement: Requirement) -> _Verdict:
    clusters = _of_types(ctx, ("aws_rds_cluster", "AWS::RDS::DBCluster"))
    if clusters:
        return _Verdict(True, f"an Aurora cluster ({clusters[0].address}) spans AZs",
                        (ctx.evidence(clusters[0].span),))  # fmt: skip
    database = _found_text(ctx, _DB_MULTI_AZ, "the database sets", "no database sets Multi-AZ")
    if requirement.value == "database" or database.met:
        return database
    names = {text for _, _, text in _text_hits(ctx, _AZ_NAME)}
    if len(names) >= 2:
        return _Verdict(True, f"resources in {len(names)} AZs ({', '.join(sorted(names)[:3])})")
    return _found_text(
        ctx, _AZ_LOOKUP, "the code spreads over AZs with", "the code names no second AZ"
    )


def _encryption(ctx: CheckContext, requirement: Requirement) -> _Verdict:
    return _found_text(
        ctx, _ENCRYPTION_SETTING, "the code encrypts stored data:", "the code sets no encryption"
    )


def _tests(ctx: CheckContext, requirement: Requirement) -> _Verdict:
    suites = find_tests(ctx.tree)
    if requirement.value in ("unit", "integration"):
        suites = tuple(s for s in suites if s.kind == requirement.value)
    if not suites:
        return _Verdict(False, f"the response has no {requirement.title}")
    paths = ", ".join(s.path for s in suites[:3])
    return _Verdict(True, f"{len(suites)} test file(s): {paths}")


_JUDGES = {
    RequirementKind.SERVICE: _service,
    RequirementKind.REGION: _region,
    RequirementKind.MODULE: _module,
    RequirementKind.VARIABLE: _named,
    RequirementKind.OUTPUT: _named,
    RequirementKind.INSTANCE_CLASS: _instance_class,
    RequirementKind.MULTI_AZ: _multi_az,
    RequirementKind.ENCRYPTION_AT_REST: _encryption,
    RequirementKind.TESTS: _tests,
}


def judge_requirement(ctx: CheckContext, requirement: Requirement) -> Finding:
    """One requirement's finding: met (pass), missing (fail) or not judged here (na)."""
    verdict = _JUDGES[requirement.kind](ctx, requirement)
    asked = f"the prompt asks for {requirement.title} ({requirement.place})"
    prompt = _prompt_evidence(requirement)
    if verdict.met is None:
        return not_applicable(f"{asked}: {verdict.detail}", subject=requirement.key)
    if verdict.met:
        return passed(
            f"{asked}: {verdict.detail}", prompt, *verdict.evidence, subject=requirement.key
        )
    return failed(f"{asked} and is not met: {verdict.detail}", prompt, subject=requirement.key)


@check(
    "complete.prompt_requirements",
    CATEGORY,
    params=PromptRequirementsParams,
    languages=ANY_LANGUAGE,
    judges_task=False,
)
def prompt_requirements(ctx: CheckContext, params: PromptRequirementsParams) -> Iterator[Finding]:
    """The response delivers what the prompt asks for, requirement by requirement.

    What it checks:
        Reads the prompts the response answers (``harness.prompt``) and judges each
        requirement with the prompt line that stated it as evidence: a service the prompt
        names (through the AWS services lexicon) is met by a resource of one of its types; a
        region or instance class by the code naming it (CloudFormation takes its region from
        the deployment: na there); a named module by a call or module folder; a named
        variable or output by its declaration (CloudFormation: a parameter or output);
        Multi-AZ by a Multi-AZ database or an Aurora cluster (of the network: two AZs or an AZ
        lookup); encryption at rest by an encryption setting; tests by a test file of the
        kind asked for. One finding per requirement; na without a prompt, or when the prompt
        states nothing the reader recognises. ``skip`` lists requirement keys not judged.

    Why it matters:
        A clean configuration that leaves out the database, the region or the outputs the
        user named does not answer the question; the other criteria judge how well things
        are built, this one whether the things asked for are there at all.

    Example:
        Failing: the prompt says "Deploy an RDS PostgreSQL database in us-east-1" and the
        response has no ``aws_db_instance``/``aws_rds_cluster``.
        Passing: ``resource "aws_db_instance" "main"`` and ``region = "us-east-1"``.
    """
    if ctx.prompt is None:
        yield not_applicable("no prompt is known for this response")
        return
    chosen = [r for r in ctx.prompt if r.kind in params.kinds and r.key not in set(params.skip)]
    if not chosen:
        yield not_applicable(
            f"the prompt ({', '.join(ctx.prompt.prompts) or 'none'}) states no requirement the "
            "harness reads" + (" that is judged" if len(ctx.prompt) else "")
        )
        return
    for requirement in chosen:
        yield judge_requirement(ctx, requirement)
