"""The model on the real corpus (``../shared/corpus``, read at run time, never copied)."""

from __future__ import annotations

from pathlib import Path

import pygohcl
import pytest

from harness.extract import extract
from harness.extract.types import FileTree
from harness.terraform import build, is_terraform_file, trace, value_includes_resource
from harness.terraform.reader import read_hcl
from tests.conftest import corpus_markdown
from tests.terraform.hcl2_oracle import hcl2_shapes, model_shape

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def trees(corpus: Path) -> dict[Path, FileTree]:
    return {md: extract(md) for md in corpus_markdown(corpus)}


def test_every_response_and_ideal_builds(trees: dict[Path, FileTree]) -> None:
    assert len(trees) > 200
    with_terraform = 0
    for md, tree in trees.items():
        config = build(tree)  # must not raise
        for diagnostic in config.diagnostics:
            assert diagnostic.span is not None, (md, diagnostic)
            assert diagnostic.span.path in config.files, (md, diagnostic)
        with_terraform += bool(config.files)
    assert with_terraform > 150  # the "other" group holds non-Terraform tasks


def test_differential_against_python_hcl2(trees: dict[Path, FileTree]) -> None:
    """Over every distinct valid .tf file: block kinds, labels and attribute names (nested
    blocks included) agree with python-hcl2's reading."""
    hcl2 = pytest.importorskip("hcl2")
    contents = {
        f.content: f"{md.parent.name}/{md.name}:{f.path}"
        for md, tree in trees.items()
        for f in tree.files
        if is_terraform_file(f)
    }
    compared = 0
    for content, where in contents.items():
        try:
            pygohcl.loads(content)
        except pygohcl.HCLParseError:
            continue
        read = read_hcl(where, content.encode(), max_depth=120, max_recoveries=200)
        assert read.complete, where
        mine = sorted(model_shape(b) for b in read.blocks)
        assert mine == hcl2_shapes(hcl2.loads(content)), where
        compared += 1
    assert compared > 500


def test_tf_348798_ideal_modules_and_random_suffixes(corpus: Path) -> None:
    config = build(extract(corpus / "terraform" / "tf-348798" / "IDEAL_RESPONSE.md"))
    assert config.root == ""
    called = {c.name: c.resolved for c in config.root_module.calls}
    assert called == {
        name: f"modules/{name}"
        for name in ("networking", "storage", "database", "compute", "monitoring")
    }
    assert set(config.call_graph[""]) == {f"modules/{n}" for n in called}
    reached: dict[str, str] = {}
    for resource in config.resources():
        if resource.module == "":
            continue
        for attribute in ("name", "bucket", "identifier"):
            expr = resource.get(attribute)
            hit = value_includes_resource(config, expr, resource.module) if expr else None
            if hit is not None:
                assert hit.kind == "resource" and hit.address.startswith("random_id.")
                reached[resource.address] = hit.address
    assert {"aws_s3_bucket.main", "aws_iam_role.ec2_role", "aws_db_instance.main"} <= set(reached)
    role = config.modules["modules/compute"].resource("aws_iam_role.ec2_role")
    assert role is not None
    name = role.get("name")
    assert name is not None
    hit = trace(config, name, role.module).reaches_type("random_id")
    assert hit is not None and hit.module == "modules/compute"
    assert hit.span.path == "modules/compute/main.tf"
