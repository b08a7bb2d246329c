"""Every expression kind, read from tests/fixtures/terraform/expressions/main.tf."""

from __future__ import annotations

import pytest

from harness.terraform import Configuration, Expr, ExprKind, build
from tests.terraform.helpers import fixture_tree, tree_of


@pytest.fixture(scope="module")
def config() -> Configuration:
    return build(fixture_tree("expressions"))


def local(config: Configuration, name: str) -> Expr:
    return config.root_module.locals[name].expr


def refs(expr: Expr) -> list[str]:
    return [".".join(r.parts) for r in expr.references()]


def test_fixture_is_valid_and_clean(config: Configuration) -> None:
    assert all(f.valid and f.complete for f in config.files.values())
    assert [d.code for d in config.diagnostics if d.stage == "parse"] == []


def test_literals(config: Configuration) -> None:
    string = local(config, "string_lit")
    assert string.kind is ExprKind.LITERAL
    assert string.value == 'plain "quoted" é ${not_interp}'
    assert string.text == '"plain \\"quoted\\" \\u00e9 $${not_interp}"'
    assert local(config, "number_int").value == 42
    assert local(config, "number_real").value == 2.5
    assert local(config, "flag").value is True
    assert local(config, "flag").as_bool() is True
    nothing = local(config, "nothing")
    assert nothing.kind is ExprKind.LITERAL and nothing.value is None


def test_template_parts_keep_literal_pieces_and_interpolations(config: Configuration) -> None:
    template = local(config, "template")
    assert template.kind is ExprKind.TEMPLATE
    assert template.value is None
    assert [(p.kind, p.value if p.is_literal else p.text) for p in template.items] == [
        (ExprKind.LITERAL, "app-"),
        (ExprKind.REFERENCE, "var.env"),
        (ExprKind.LITERAL, "-"),
        (ExprKind.REFERENCE, "random_id.suffix.hex"),
    ]
    assert refs(template) == ["var.env", "random_id.suffix.hex"]


def test_template_directives(config: Configuration) -> None:
    directive = local(config, "directive")
    kinds = [p.kind for p in directive.items]
    assert kinds == [ExprKind.CONDITIONAL, ExprKind.LITERAL, ExprKind.FOR]
    cond, _, loop = directive.items
    assert [b.value for b in cond.items[1:]] == ["on", "off"]
    assert loop.keys == ("n",)
    # the loop variable is bound: n is an iterator, not a reference to a resource "n"
    assert refs(directive) == ["var.enabled", "var.names", "n"]
    assert [r.kind for r in directive.references()] == ["variable", "variable", "builtin"]


def test_heredocs(config: Configuration) -> None:
    static = local(config, "heredoc_static")
    assert static.kind is ExprKind.HEREDOC
    assert static.value == "line one\n  line two\n"
    assert static.literal_string() == "line one\n  line two\n"
    assert local(config, "heredoc_indented").value == "first\n  second\n"
    interp = local(config, "heredoc_interp")
    assert interp.value is None
    assert refs(interp) == ["var.name"]
    assert interp.items[0].value == "name="


def test_traversals(config: Configuration) -> None:
    traversal = local(config, "traversal")
    assert traversal.kind is ExprKind.REFERENCE
    ref = traversal.reference
    assert ref is not None
    assert ref.parts == ("data", "aws_caller_identity", "current", "account_id")
    assert (ref.kind, ref.address, ref.attribute_path) == (
        "data",
        "data.aws_caller_identity.current",
        ("account_id",),
    )
    indexed = local(config, "indexed")
    assert indexed.reference is not None
    assert indexed.reference.parts == ("aws_subnet", "private", "id")  # index step dropped
    assert refs(indexed) == ["aws_subnet.private.id", "count.index"]
    assert local(config, "splat").reference.parts == ("aws_instance", "web", "private_ip")  # type: ignore[union-attr]
    assert local(config, "attr_splat").reference.parts == ("aws_instance", "web", "id")  # type: ignore[union-attr]
    assert local(config, "legacy").reference.parts == ("var", "list", "name")  # type: ignore[union-attr]


def test_calls_objects_tuples(config: Configuration) -> None:
    call = local(config, "call")
    assert (call.kind, call.name) == (ExprKind.CALL, "merge")
    assert [c.name for c in call.calls()] == ["merge", "format"]
    assert refs(call) == ["local.tags", "var.env"]
    obj = local(config, "object")
    assert obj.kind is ExprKind.OBJECT
    assert obj.keys == ("bare", "quoted key", "(var.key)", '"kubernetes.io/cluster/${var.cluster}"')
    assert obj.object()["quoted key"].value == 2
    # computed keys are walked: references() sees var.key and var.cluster
    assert refs(obj) == ["var.key", "var.cluster"]
    tup = local(config, "tuple")
    assert tup.kind is ExprKind.TUPLE
    assert tup.static_value() == [1, "two", None]


def test_conditional_for_operation(config: Configuration) -> None:
    cond = local(config, "conditional")
    assert cond.kind is ExprKind.CONDITIONAL
    assert [i.kind for i in cond.items] == [ExprKind.OPERATION, ExprKind.LITERAL, ExprKind.LITERAL]
    assert cond.items[0].name == "=="
    for_tuple = local(config, "for_tuple")
    assert (for_tuple.kind, for_tuple.name, for_tuple.keys) == (ExprKind.FOR, "tuple", ("s",))
    assert [r.kind for r in for_tuple.references()] == ["variable", "builtin", "builtin"]
    for_object = local(config, "for_object")
    assert (for_object.name, for_object.keys) == ("object", ("k", "v"))
    assert len(for_object.items) == 3  # collection, key, value
    op = local(config, "operation")
    assert (op.kind, op.name) == (ExprKind.OPERATION, "&&")
    assert refs(op) == ["var.count", "var.n", "var.disabled"]


def test_index_on_non_traversals(config: Configuration) -> None:
    paren = local(config, "paren_index")
    assert paren.kind is ExprKind.INDEX
    assert refs(paren) == ["var.list"]
    call_index = local(config, "call_index")
    assert call_index.kind is ExprKind.INDEX
    assert call_index.items[0].name == "split"


def test_references_found_however_deep(config: Configuration) -> None:
    deep = local(config, "nested_deep")
    assert refs(deep) == ["aws_s3_bucket.logs.arn", "aws_s3_bucket.logs.arn"]
    policy = deep.static_value()
    assert policy == {"Statement": [{"Resource": [None, None]}]}


def test_dynamic_iterators_and_provider_references(config: Configuration) -> None:
    sg = config.root_module.resource("aws_security_group.web")
    assert sg is not None
    provider = sg.get("provider")
    assert provider is not None and provider.reference is not None
    assert provider.reference.kind == "provider"
    ingress = sg.block.children("dynamic")[0]
    content = ingress.children("content")[0]
    from_port = content.get("from_port")
    assert from_port is not None and from_port.reference is not None
    assert (from_port.reference.scope, from_port.reference.kind) == ("iterator", "builtin")
    egress = sg.block.children("dynamic")[1].children("content")[0].get("cidr_blocks")
    assert egress is not None
    assert [r.kind for r in egress.references()] == ["builtin"]  # rule.value.cidr, iterator


def test_spans_are_one_based_and_inclusive() -> None:
    config = build(tree_of({"main.tf": 'resource "a" "b" {\n  name = "x-${var.y}"\n}\n'}))
    resource = config.root_module.resource("a.b")
    assert resource is not None
    assert (resource.span.start_line, resource.span.start_col) == (1, 1)
    assert (resource.span.end_line, resource.span.end_col) == (3, 1)
    attribute = resource.block.attr("name")
    assert attribute is not None
    assert str(attribute.span) == "main.tf:2"
    ref = attribute.expr.references()[0]
    assert (ref.span.start_line, ref.span.start_col, ref.span.end_col) == (2, 15, 19)


def test_columns_count_characters_not_bytes() -> None:
    config = build(
        tree_of({"main.tf": 'locals {\n  a = "é€" # ü\n  b = var.x\n  c = "ü${var.y}"\n}\n'})
    )
    b = config.root_module.locals["b"].expr
    assert (b.span.start_col, b.span.end_col) == (7, 11)
    c = config.root_module.locals["c"].expr
    assert c.references()[0].span.start_col == 11
