"""AWS CDK, CDK for Terraform and Pulumi programs: recognised, not graded.

Extraction tells these programs by their imports (``harness.extract.kinds``) and names their
files; each is registered with the language seam as a language that is *detected, not
graded*: a response (or task) that holds only such code has every criterion ``na`` with that
reason instead of being graded as empty Terraform. Its model lists no resources (reading a
general-purpose program's resources would need running it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from harness.extract.kinds import CDK, CDKTF, PROGRAM_TITLES, PULUMI
from harness.extract.types import ExtractedFile, FileTree
from harness.languages import Language, ParsedResource
from harness.vocabulary import Diagnostic


@dataclass(frozen=True)
class ProgramModel:
    """The files of one kind of program; no resources are read from them."""

    kind: str
    paths: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()

    def resources(self, resource_type: str | None = None) -> Iterator[ParsedResource]:
        return iter(())


def _claims(kind: str) -> Callable[[ExtractedFile], bool]:
    def claims(file: ExtractedFile) -> bool:
        return file.kind == kind

    return claims


def _builder(kind: str) -> Callable[[FileTree], ProgramModel]:
    def build(tree: FileTree) -> ProgramModel:
        return ProgramModel(kind, tuple(f.path for f in tree.files if f.kind == kind))

    return build


def _language(kind: str) -> Language:
    return Language(
        kind,
        claims=_claims(kind),
        build=_builder(kind),
        display_name=PROGRAM_TITLES[kind],
        graded=False,
    )


#: Registrations with the language seam (entry points in pyproject.toml).
CDK_LANGUAGE = _language(CDK)
CDKTF_LANGUAGE = _language(CDKTF)
PULUMI_LANGUAGE = _language(PULUMI)

__all__ = ["CDKTF_LANGUAGE", "CDK_LANGUAGE", "PULUMI_LANGUAGE", "ProgramModel"]
