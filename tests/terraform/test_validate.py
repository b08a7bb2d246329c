"""Static validation: each rule once in tests/fixtures/terraform/validation, and no noise."""

from __future__ import annotations

from harness.terraform import build
from harness.terraform.limits import BuildLimits
from harness.vocabulary import Severity
from tests.terraform.helpers import fixture_tree, tree_of


def test_every_rule_fires_exactly_where_expected() -> None:
    config = build(fixture_tree("validation"))
    found = sorted(
        (d.code, str(d.span))
        for d in config.diagnostics
        if d.stage == "validate" and d.span is not None
    )
    assert found == sorted(
        [
            ("duplicate_address", "main.tf:46-48"),  # resource aws_instance.web again
            ("duplicate_address", "main.tf:54-56"),  # variable region again
            ("duplicate_address", "main.tf:63"),  # local name again
            ("undeclared_variable", "main.tf:30"),  # var.ami
            ("undeclared_local", "main.tf:31"),  # local.subnet
            ("unknown_module", "main.tf:32"),  # module.nothing
            ("undefined_resource", "main.tf:33"),  # aws_security_group.web
            ("undefined_resource", "main.tf:34"),  # data.aws_iam_instance_profile.app
            ("unknown_module_output", "main.tf:38"),  # module.db.missing_output
            ("unknown_module_argument", "main.tf:12"),  # colour = "blue"
            ("missing_module_argument", "main.tf:9-13"),  # password not set
            ("missing_module_source", "main.tf:16"),  # ./modules/gone
            ("missing_module_source", "main.tf:20"),  # ./modules/empty_dir holds only a README
        ]
    )
    # not reported: provider = aws.west, count.index, the for iterator s.id,
    # lifecycle.ignore_changes = [tags.Name], module.vpc.vpc_id (registry module)
    assert all(d.severity is Severity.ERROR for d in config.diagnostics if d.stage == "validate")


def test_messages_name_the_missing_thing() -> None:
    config = build(fixture_tree("validation"))
    messages = {d.code: d.message for d in config.diagnostics}
    assert 'no variable "ami"' in messages["undeclared_variable"]
    assert "'modules/empty_dir' has no .tf files" in messages["missing_module_source"] or any(
        "has no .tf files" in d.message for d in config.diagnostics
    )


def test_uses_are_counted_once_per_name() -> None:
    config = build(tree_of({"main.tf": "locals {\n  a = var.x\n  b = var.x\n  c = var.x\n}\n"}))
    found = [d for d in config.diagnostics if d.code == "undeclared_variable"]
    assert len(found) == 1
    assert found[0].message.endswith("(3 uses)")
    assert str(found[0].span) == "main.tf:2"


def test_a_clean_configuration_has_no_diagnostics() -> None:
    assert build(fixture_tree("two_levels")).diagnostics == ()


#: a block broken in the middle of a file (reading resumes at the next block): its lines are
#: unread, and a declaration of any name on them may hide there
_BROKEN_MIDDLE = 'variable "x" {\n  default = {\n    y = \n\nvariable "kept" {}\n'


def test_a_name_written_on_lines_a_syntax_error_left_unread_is_a_warning() -> None:
    config = build(tree_of({"main.tf": 'output "a" {\n  value = var.y\n}\n\n' + _BROKEN_MIDDLE}))
    assert not config.files["main.tf"].complete
    assert {"x", "y"} <= (config.files["main.tf"].unread_names or set())
    assert "kept" in config.root_module.variables
    found = [d for d in config.diagnostics if d.code == "undeclared_variable"]
    assert [d.severity for d in found] == [Severity.WARNING]  # "y" is on the unread lines
    assert "syntax errors" in found[0].message


def test_a_name_the_unread_lines_never_mention_stays_an_error() -> None:
    text = 'output "a" {\n  value = var.z\n}\n\n' + _BROKEN_MIDDLE
    other = 'locals {\n  q = local.w\n}\n\noutput "b" {\n  value = module.n.id\n}\n'
    config = build(tree_of({"main.tf": text, "other.tf": other}))
    found = {d.code: d for d in config.diagnostics if d.stage == "validate"}
    assert found["undeclared_variable"].severity is Severity.ERROR  # no "z" there
    assert "syntax errors" not in found["undeclared_variable"].message
    assert found["unknown_module"].severity is Severity.ERROR
    assert found["undeclared_local"].severity is Severity.ERROR


def test_a_file_cut_off_inside_a_block_may_hide_any_declaration() -> None:
    """What a cut-off file would have declared next is not in it: any name may be there."""
    text = 'output "a" {\n  value = var.z\n}\n\nvariable "x" {\n  default = {\n    y = \n'
    config = build(tree_of({"main.tf": text}))
    assert config.files["main.tf"].unread_names is None
    found = [d for d in config.diagnostics if d.code == "undeclared_variable"]
    assert [d.severity for d in found] == [Severity.WARNING]


def test_after_hashicorps_first_error_every_name_may_be_misread() -> None:
    """HashiCorp's parser rejects a string tree-sitter reads on: the rest of the file may be
    read as something else, so names from that line on are not trusted."""
    text = (
        'output "a" {\n  value = var.z\n}\n\n'
        'resource "aws_s3_bucket" "b" {\n  bucket = "two\nlines"\n  tags = { z = 1 }\n}\n'
        'output "c" {\n  value = var.w\n}\n'
    )
    config = build(tree_of({"main.tf": text}))
    source = config.files["main.tf"]
    assert not source.valid and source.unread_names is not None
    found = {d.message.split()[0]: d.severity for d in config.diagnostics if d.stage == "validate"}
    assert found == {"var.z": Severity.WARNING, "var.w": Severity.WARNING}


def test_a_file_over_the_size_limit_may_hide_any_declaration() -> None:
    limits = BuildLimits(max_file_bytes=100)
    big = 'variable "padding" {\n  default = "' + "x" * 200 + '"\n}\n'
    config = build(
        tree_of({"main.tf": 'output "a" {\n  value = var.z\n}\n', "vars.tf": big}), limits=limits
    )
    assert config.files["vars.tf"].unread_names is None
    found = [d for d in config.diagnostics if d.code == "undeclared_variable"]
    assert [d.severity for d in found] == [Severity.WARNING]


def test_data_sources_inside_check_blocks_are_defined() -> None:
    text = """
check "health" {
  data "http" "site" {
    url = "https://example.com"
  }
  assert {
    condition     = data.http.site.status_code == 200
    error_message = "down"
  }
}
"""
    config = build(tree_of({"main.tf": text}))
    assert [d.code for d in config.diagnostics] == []


META_ARGUMENTS = """
provider "aws" {
  alias = "eu-central-1"
}
resource "aws_s3_bucket" "fine" {
  provider   = aws.eu-central-1
  depends_on = [aws_s3_bucket.plain, module.m]
}
resource "aws_s3_bucket" "plain" {
  provider   = aws
  count      = 2
  depends_on = []
}
resource "aws_s3_bucket" "by_region" {
  provider = aws.by_region[each.key]
  for_each = toset(["a"])
}
resource "aws_s3_bucket" "chosen" {
  provider = var.east ? aws : aws.eu-central-1
}
resource "aws_s3_bucket" "quoted" {
  provider   = "aws.eu-central-1"
  depends_on = ["aws_s3_bucket.plain"]
}
data "aws_caller_identity" "both" {
  count      = 1
  for_each   = toset([])
  depends_on = local.ordering
}
module "m" {
  source    = "./m"
  providers = { aws = aws.eu-central-1, "aws.dst" = "aws.eu-central-1" }
}
variable "east" {
  default = true
}
locals {
  ordering = []
}
"""


def test_meta_arguments_must_be_static() -> None:
    config = build(tree_of({"main.tf": META_ARGUMENTS, "m/main.tf": "# empty module\n"}))
    found = sorted(
        (d.code, str(d.span), d.severity)
        for d in config.diagnostics
        if d.stage == "validate"
        and d.code not in ("missing_module_source", "undefined_provider_alias")
    )
    assert found == sorted(
        [
            ("invalid_provider_reference", "main.tf:19", Severity.ERROR),  # a conditional
            ("invalid_provider_reference", "main.tf:22", Severity.ERROR),  # in quotes
            ("invalid_depends_on", "main.tf:23", Severity.ERROR),  # a quoted address
            ("count_and_for_each", "main.tf:26", Severity.ERROR),
            ("invalid_depends_on", "main.tf:28", Severity.ERROR),  # not a list
            ("invalid_provider_reference", "main.tf:32", Severity.ERROR),  # a quoted value
        ]
    )
    messages = {d.message for d in config.diagnostics if d.stage == "validate"}
    assert (
        "aws_s3_bucket.chosen: provider = var.east ? aws : aws.eu-central-1 is not a provider "
        "reference (a provider name, optionally .alias, unquoted and not computed)"
    ) in messages
    assert (
        'aws_s3_bucket.quoted: depends_on takes references, never in quotes ("aws_s3_bucket.plain")'
        in messages
    )


def test_depends_on_names_whole_objects_not_their_attributes() -> None:
    code = """resource "aws_iam_role" "app" {}
module "vpc" {
  source = "./vpc"
}
data "aws_region" "here" {}
resource "aws_instance" "web" {
  depends_on = [aws_iam_role.app.arn, module.vpc.vpc_id]
}
resource "aws_instance" "fine" {
  depends_on = [aws_iam_role.app, module.vpc, data.aws_region.here, aws_instance.web[0]]
}
data "aws_caller_identity" "me" {
  depends_on = [data.aws_region.here.name]
}
"""
    vpc = 'output "vpc_id" {\n  value = "x"\n}\n'
    config = build(tree_of({"main.tf": code, "vpc/main.tf": vpc}))
    found = sorted(
        (str(d.span), d.message) for d in config.diagnostics if d.code == "invalid_depends_on"
    )
    assert found == [
        (
            "main.tf:13",
            "data.aws_caller_identity.me: depends_on takes whole objects "
            "(data.aws_region.here), not their attributes (data.aws_region.here.name)",
        ),
        (
            "main.tf:7",
            "aws_instance.web: depends_on takes whole objects (aws_iam_role.app), not their "
            "attributes (aws_iam_role.app.arn)",
        ),
    ]


def test_a_meta_argument_the_reader_could_not_recover_is_not_judged() -> None:
    broken = 'resource "aws_s3_bucket" "b" {\n  provider = aws.\n  bucket = "x"\n}\n'
    config = build(tree_of({"main.tf": broken}))
    assert not [d for d in config.diagnostics if d.code == "invalid_provider_reference"]


SETTINGS = """terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = { source = "hashicorp/aws", version = var.aws_version }
  }
  backend "s3" {
    bucket         = "${var.env}-state"
    key            = "app/terraform.tfstate"
    region         = "us-east-1"
    dynamodb_table = lower(local.table)
    assume_role {
      role_arn = "arn:aws:iam::123456789012:role/state"
    }
  }
}
"""

SECOND = """terraform {
  required_providers {
    random = { source = "hashicorp/random" }
  }
  cloud {
    organization = "acme"
  }
}
"""


def _settings_diagnostics(files: dict[str, str]) -> list[tuple[str, str]]:
    config = build(tree_of(files))
    codes = ("duplicate_backend", "duplicate_required_providers", "not_literal")
    return sorted((d.code, str(d.span)) for d in config.diagnostics if d.code in codes)


def test_terraform_settings_are_literal_and_declared_once_per_module() -> None:
    variables = 'variable "aws_version" {}\nvariable "env" {}\nlocals {\n  table = "T"\n}\n'
    found = _settings_diagnostics(
        {"versions.tf": SETTINGS, "main.tf": SECOND, "variables.tf": variables}
    )
    assert found == [
        ("duplicate_backend", "main.tf:5-7"),  # cloud beside a backend
        ("duplicate_required_providers", "main.tf:2-4"),
        ("not_literal", "versions.tf:4"),  # version = var.aws_version
        ("not_literal", "versions.tf:7"),  # the backend, once for both values
    ]
    config = build(tree_of({"versions.tf": SETTINGS, "variables.tf": variables}))
    (backend,) = [d for d in config.diagnostics if str(d.span) == "versions.tf:7"]
    assert backend.severity is Severity.ERROR
    assert backend.message == (
        'backend "s3" uses var.env (bucket), lower(local.table) (dynamodb_table): Terraform '
        "reads the backend before any variable or resource exists, so its values must be "
        "literal (pass others with terraform init -backend-config)"
    )


def test_literal_settings_split_over_files_and_override_files_are_accepted() -> None:
    versions = 'terraform {\n  required_version = ">= 1.5"\n  required_providers {}\n}\n'
    backend = 'terraform {\n  backend "s3" {\n    bucket = "state"\n  }\n}\n'
    override = 'terraform {\n  backend "local" {\n    path = "x.tfstate"\n  }\n}\n'
    files = {"versions.tf": versions, "backend.tf": backend, "backend_override.tf": override}
    assert _settings_diagnostics(files) == []
    # another module directory has settings of its own; a module's configuration_aliases
    # are provider references by design
    files["modules/net/versions.tf"] = (
        'terraform {\n  required_providers {\n    aws = {\n      source = "hashicorp/aws"\n'
        "      configuration_aliases = [aws.east, aws.west]\n    }\n  }\n}\n"
    )
    assert _settings_diagnostics(files) == []


def test_variable_defaults_and_lifecycle_flags_are_literal() -> None:
    code = """variable "project" {
  default = "shop"
}
variable "bucket" {
  default = "${var.project}-logs"
}
variable "zones" {
  default = slice(["a", "b", "c"], 0, 2)
}
variable "plain" {
  default = { name = "x", sizes = [1, 2], on = true, none = null }
}
resource "aws_s3_bucket" "logs" {
  bucket = var.bucket
  lifecycle {
    prevent_destroy       = var.protect
    create_before_destroy = true
    ignore_changes        = [tags]
  }
}
variable "protect" {
  default = false
}
"""
    assert _settings_diagnostics({"main.tf": code}) == [
        ("not_literal", "main.tf:16"),  # prevent_destroy = var.protect
        ("not_literal", "main.tf:5"),  # a default built from another variable
        ("not_literal", "main.tf:8"),  # a function call
    ]
    messages = {d.message for d in build(tree_of({"main.tf": code})).diagnostics}
    assert (
        'variable "zones" uses slice(["a", "b", "c"], 0, 2) (default): Terraform reads a '
        "variable's default before any variable or resource exists, so its values must be literal"
    ) in messages


def test_a_root_output_built_from_a_sensitive_value_must_be_marked_sensitive() -> None:
    root = """variable "db_password" {
  sensitive = true
}
resource "random_password" "db" {
  length = 20
}
data "aws_ssm_parameter" "token" {
  name = "/app/token"
}
locals {
  url = "postgres://admin:${random_password.db.result}@db"
}
output "password" {
  value = var.db_password
}
output "url" {
  value = local.url
}
output "token" {
  value = { value = data.aws_ssm_parameter.token.value }
}
output "marked" {
  value     = random_password.db.result
  sensitive = true
}
output "unwrapped" {
  value = nonsensitive(sha256(random_password.db.result))
}
output "length" {
  value = random_password.db.length
}
module "child" {
  source   = "./child"
  password = var.db_password
}
"""
    child = """variable "password" {
  sensitive = true
}
output "password" {
  value = var.password
}
"""
    config = build(tree_of({"main.tf": root, "child/main.tf": child}))
    found = sorted(
        (str(d.span), d.message) for d in config.diagnostics if d.code == "output_not_sensitive"
    )
    assert [span for span, _ in found] == ["main.tf:14", "main.tf:17", "main.tf:20"]
    assert found[1][1] == (
        'output "url" is built from random_password.db.result (through local.url), a '
        "sensitive value, and is not marked sensitive = true: terraform plan stops on it"
    )
    assert all(
        d.severity is Severity.ERROR for d in config.diagnostics if d.code == "output_not_sensitive"
    )


def test_a_root_output_reading_a_sensitive_module_output_or_whole_object_must_be_marked() -> None:
    root = """module "db" {
  source = "./db"
}
resource "random_password" "admin" {
  length = 20
}
resource "aws_db_instance" "managed" {
  manage_master_user_password = true
}
resource "aws_db_instance" "written" {
  password = random_password.admin.result
}
output "from_marked" {
  value = module.db.marked
}
output "from_built" {
  value = module.db[0].built
}
output "from_plain" {
  value = module.db.plain
}
output "admin" {
  value = random_password.admin
}
output "managed" {
  value = aws_db_instance.managed
}
output "written" {
  value = aws_db_instance.written
}
output "missing" {
  value = module.db.nothing
}
resource "aws_ssm_parameter" "all" {
  for_each = toset(["a", "b"])
  name     = each.key
  value    = "v"
}
locals {
  parameters = aws_ssm_parameter.all
}
output "names" {
  value = [for p in aws_ssm_parameter.all : p.name] # the objects are only iterated
}
output "names_again" {
  value = { for k, p in local.parameters : k => p.arn }
}
output "parameters" {
  value = local.parameters
}
data "aws_db_instance" "existing" {
  db_instance_identifier = "legacy"
}
data "aws_ssm_parameter" "token" {
  name = "/app/token"
}
output "existing" {
  value = data.aws_db_instance.existing # the data source has no password
}
output "token" {
  value = data.aws_ssm_parameter.token
}
"""
    child = """resource "random_password" "p" {
  length = 16
}
output "marked" {
  value     = "x"
  sensitive = true
}
output "built" {
  value = "user:${random_password.p.result}"
}
output "plain" {
  value = random_password.p.length
}
"""
    config = build(tree_of({"main.tf": root, "db/main.tf": child}))
    found = {
        d.message.split('"')[1]: d.message
        for d in config.diagnostics
        if d.code == "output_not_sensitive"
    }
    assert sorted(found) == [
        "admin",
        "from_built",
        "from_marked",
        "parameters",
        "token",
        "written",
    ]
    assert found["from_built"].startswith(
        'output "from_built" is built from random_password.p.result (through module.db.built), '
        "a sensitive value"
    )
    assert found["from_marked"].startswith(
        'output "from_marked" is built from module.db.marked, a sensitive value'
    )
    assert found["written"].startswith(
        'output "written" is built from aws_db_instance.written (the whole object, with its '
        "password)"
    )


def test_sensitive_values_are_followed_through_shared_cyclic_and_long_local_chains() -> None:
    """Each local is judged once: a diamond of locals 30 deep (2**30 paths) is followed to
    its sensitive source at once, a cycle ends, and a chain of 5,000 locals stops at the
    hop limit instead of exhausting the stack."""
    diamond = "\n".join(f'  d{i} = "${{local.d{i + 1}}}${{local.d{i + 1}}}"' for i in range(30))
    chain = "\n".join(f"  c{i} = local.c{i + 1}" for i in range(5000))
    code = (
        'variable "secret" {\n  sensitive = true\n}\n'
        f"locals {{\n{diamond}\n  d30 = var.secret\n{chain}\n  c5000 = var.secret\n"
        "  a = local.b\n  b = local.a\n}\n"
        'output "diamond" {\n  value = local.d0\n}\n'
        'output "chain" {\n  value = local.c0\n}\n'
        'output "cycle" {\n  value = local.a\n}\n'
    )
    config = build(tree_of({"main.tf": code}), limits=BuildLimits(max_total_bytes=10**7))
    flagged = [d.message for d in config.diagnostics if d.code == "output_not_sensitive"]
    assert flagged == [
        'output "diamond" is built from var.secret (through local.d0 and 30 more locals), a '
        "sensitive value, and is not marked sensitive = true: terraform plan stops on it"
    ]


def test_an_output_whose_mark_may_sit_on_lines_lost_to_a_syntax_error_is_a_warning() -> None:
    code = (
        'resource "random_password" "db" {\n  length = 20\n}\n'
        'output "p" {\n  value = random_password.db.result\n  sensitive = = true\n}\n'
    )
    config = build(tree_of({"main.tf": code}))
    (found,) = [d for d in config.diagnostics if d.code == "output_not_sensitive"]
    assert found.severity is Severity.WARNING
    assert found.message.endswith("; lines the reader lost to syntax errors may mark it")


COUNTED = """resource "aws_eip" "nat" {
  count  = 2
  domain = "vpc"
}
resource "aws_subnet" "public" {
  for_each   = toset(["a", "b"])
  vpc_id     = "vpc-1"
  cidr_block = each.value
}
resource "aws_nat_gateway" "main" {
  count         = 2
  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = values(aws_subnet.public)[count.index].id
}
resource "aws_nat_gateway" "single" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public.id
  tags = {
    Name  = "nat-${count.index}"
    Zone  = each.key
  }
  depends_on = [aws_eip.nat]
}
output "eips" {
  value = aws_eip.nat[*].public_ip
}
output "first" {
  value = aws_eip.nat.0.public_ip
}
output "count" {
  value = length(aws_eip.nat)
}
locals {
  ids = [for e in aws_eip.nat : e.id]
  one = aws_eip.nat.public_ip
  own = [for each in ["a"] : each]
}
"""


def test_count_and_for_each_change_what_a_reference_may_name() -> None:
    config = build(tree_of({"main.tf": COUNTED}))
    codes = ("count_without_count", "each_without_for_each", "missing_instance_key")
    found = sorted((d.code, str(d.span)) for d in config.diagnostics if d.code in codes)
    assert found == [
        ("count_without_count", "main.tf:19"),  # count.index in a block without count
        ("each_without_for_each", "main.tf:20"),
        ("missing_instance_key", "main.tf:16"),  # aws_eip.nat.id
        ("missing_instance_key", "main.tf:17"),  # aws_subnet.public.id (for_each)
        ("missing_instance_key", "main.tf:35"),  # a local reads aws_eip.nat.public_ip
    ]
    messages = {d.message for d in config.diagnostics}
    assert (
        "aws_nat_gateway.single uses aws_subnet.public.id, but aws_subnet.public sets "
        'for_each: read id from one instance (aws_subnet.public["key"].id) or all of them '
        "(values(aws_subnet.public)[*].id)"
    ) in messages
    assert (
        "aws_nat_gateway.single uses count.index but sets no count: count.* exists only in a "
        "block with count"
    ) in messages


def test_for_each_takes_a_map_or_a_set_never_a_list() -> None:
    code = """variable "cidrs" {
  type = list(string)
}
variable "names" {
  default = ["a", "b"]
}
variable "zones" {
  type = set(string)
}
variable "anything" {}
locals {
  ports = [22, 443]
  by_name = { for n in var.names : n => n }
}
resource "aws_subnet" "listed" {
  for_each   = var.cidrs
  cidr_block = each.value
}
resource "aws_subnet" "tuple" {
  for_each = ["a", "b"]
}
resource "aws_subnet" "untyped" {
  for_each = var.names
}
resource "aws_subnet" "local" {
  for_each = local.ports
}
resource "aws_subnet" "built" {
  for_each = [for c in var.cidrs : c]
}
resource "aws_subnet" "set" {
  for_each = toset(var.cidrs)
}
resource "aws_subnet" "zones" {
  for_each = var.zones
}
resource "aws_subnet" "map" {
  for_each = local.by_name
}
resource "aws_subnet" "unknown" {
  for_each = var.anything
}
resource "aws_security_group" "rules" {
  dynamic "ingress" {
    for_each = local.ports
    content {
      from_port = ingress.value
    }
  }
}
"""
    config = build(tree_of({"main.tf": code}))
    found = sorted(
        (str(d.span), d.message) for d in config.diagnostics if d.code == "for_each_list"
    )
    assert [span for span, _ in found] == [
        "main.tf:16",  # list(string)
        "main.tf:20",  # a tuple literal
        "main.tf:23",  # untyped with a list default
        "main.tf:26",  # a local tuple
        "main.tf:29",  # [for ...]
    ]
    assert found[3][1] == (
        "aws_subnet.local: for_each = local.ports is a list (local.ports is a tuple literal); "
        "for_each takes a map or a set of strings (toset(...) makes one)"
    )


def test_an_untyped_variable_is_a_list_only_when_what_it_is_given_is_one() -> None:
    child = (
        'variable "names" {\n  default = ["a"]\n}\n'
        'resource "aws_s3_bucket" "b" {\n  for_each = var.names\n}\n'
    )
    root = (
        'variable "zones" {\n  default = ["a"]\n}\nvariable "tags" {\n  default = ["a"]\n}\n'
        'resource "aws_s3_bucket" "z" {\n  for_each = var.zones\n}\n'
        'resource "aws_s3_bucket" "t" {\n  for_each = var.tags\n}\n'
        'module "child" {\n  source = "./child"\n  names  = { a = "a" }\n}\n'
    )
    tfvars = 'zones = ["a", "b"]\ntags = { a = "a" }\n'
    config = build(tree_of({"main.tf": root, "terraform.tfvars": tfvars, "child/main.tf": child}))
    found = [(str(d.span), d.message) for d in config.diagnostics if d.code == "for_each_list"]
    assert found == [
        (
            "main.tf:8",
            "aws_s3_bucket.z: for_each = var.zones is a list (var.zones is untyped and given a "
            "list); for_each takes a map or a set of strings (toset(...) makes one)",
        )
    ]


CYCLES = """resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
data "aws_iam_policy_document" "trust" {
  statement {
    actions   = ["sts:AssumeRole"]
    resources = [aws_iam_role.app.arn]
  }
}
resource "aws_instance" "web" {
  ami  = "ami-123"
  tags = { Name = aws_instance.web.id }
  provisioner "local-exec" {
    command = "echo ${self.private_ip}"
  }
}
locals {
  a = "${local.b}-a"
  b = "${local.c}-b"
  c = upper(local.a)
  d = local.a
}
"""


def test_blocks_that_refer_to_each_other_in_a_circle_are_a_cycle() -> None:
    config = build(tree_of({"main.tf": CYCLES}))
    found = sorted(
        (str(d.span), d.message) for d in config.diagnostics if d.code == "dependency_cycle"
    )
    assert [span for span, _ in found] == ["main.tf:13", "main.tf:19", "main.tf:3"]
    messages = [message for _, message in found]
    assert messages[0].startswith("aws_instance.web refers to itself")  # self. is not
    assert messages[1].startswith(
        "dependency cycle local.a -> local.b -> local.c -> local.a"
    )  # local.d reads the cycle without being in it
    assert messages[2] == (
        "dependency cycle aws_iam_role.app -> data.aws_iam_policy_document.trust -> "
        "aws_iam_role.app: terraform plan stops (Error: Cycle); one of them must stop "
        "reading the other"
    )
    assert all(
        d.severity is Severity.ERROR for d in config.diagnostics if d.code == "dependency_cycle"
    )


def test_one_way_references_rules_apart_and_module_round_trips_are_no_cycle() -> None:
    code = """resource "aws_security_group" "app" {}
resource "aws_security_group" "db" {
  ingress {
    security_groups = [aws_security_group.app.id]
  }
}
resource "aws_security_group_rule" "app_to_db" {
  type                     = "egress"
  security_group_id        = aws_security_group.app.id
  source_security_group_id = aws_security_group.db.id
}
resource "aws_instance" "web" {
  ami = data.aws_ami.al2.id
  lifecycle {
    replace_triggered_by = [aws_instance.web]
    ignore_changes       = [tags]
  }
}
data "aws_ami" "al2" {
  owners = ["amazon"]
}
module "net" {
  source = "./net"
  sg     = aws_security_group.edge.id
}
resource "aws_security_group" "edge" {
  vpc_id = module.net.vpc_id # through the module and back: Terraform orders its parts
}
"""
    net = (
        'variable "sg" {}\nresource "aws_vpc" "v" {}\n'
        'output "vpc_id" {\n  value = aws_vpc.v.id\n}\n'
    )
    config = build(tree_of({"main.tf": code, "net/main.tf": net}))
    assert [d.message for d in config.diagnostics if d.code == "dependency_cycle"] == []


def test_a_long_chain_of_locals_closing_on_itself_is_found_without_recursion() -> None:
    count = 5_000
    body = "\n".join(f"  l{i} = local.l{(i + 1) % count}" for i in range(count))
    config = build(tree_of({"main.tf": f"locals {{\n{body}\n}}\n"}))
    (cycle,) = [d for d in config.diagnostics if d.code == "dependency_cycle"]
    assert cycle.message.startswith(
        "dependency cycle local.l0 -> local.l1 -> local.l2 -> local.l3 -> local.l4 -> "
        "local.l5 -> ... -> local.l4999 -> local.l0 (5000 blocks): terraform plan stops"
    )


def test_a_module_that_configures_a_provider_takes_no_count_for_each_or_depends_on() -> None:
    root = """variable "regions" {
  type = set(string)
}
module "per_region" {
  source   = "./regional"
  for_each = var.regions
  region   = each.key
}
module "wrapped" {
  source     = "./wrapper"
  depends_on = [module.per_region]
}
module "proxied" {
  source = "./proxy"
  count  = 2
}
module "single" {
  source = "./regional"
  region = "us-east-1"
}
"""
    regional = """variable "region" {}
provider "aws" {
  region = var.region
}
"""
    wrapper = 'module "inner" {\n  source = "../regional"\n  region = "eu-west-1"\n}\n'
    proxy = 'provider "aws" {\n  alias = "replica"\n}\nprovider "random" {}\n'
    config = build(
        tree_of(
            {
                "main.tf": root,
                "regional/main.tf": regional,
                "wrapper/main.tf": wrapper,
                "proxy/main.tf": proxy,
            }
        )
    )
    found = sorted(
        (str(d.span), d.message) for d in config.diagnostics if d.code == "module_with_providers"
    )
    assert [span for span, _ in found] == ["main.tf:11", "main.tf:6"]  # proxies and a
    # call without meta-arguments are fine
    assert found[1][1] == (
        'module "per_region" sets for_each, but module \'regional\' configures provider "aws" '
        "itself (regional/main.tf:2-4): a module with its own provider configuration takes no "
        "count, for_each or depends_on; configure the provider in the caller and pass it in "
        "(providers = { ... })"
    )
    assert "module 'regional'" in found[0][1]  # found through the wrapper it calls


def test_a_quoted_type_constraint_is_an_error() -> None:
    code = """variable "name" {
  type = "string"
}
variable "zones" {
  type = "list"
}
variable "fine" {
  type = list(string)
}
variable "any" {}
"""
    config = build(tree_of({"variables.tf": code}))
    found = sorted((str(d.span), d.message) for d in config.diagnostics if d.code == "quoted_type")
    assert found == [
        (
            "variables.tf:2",
            'variable "name": type = "string" is a quoted type constraint, which Terraform no '
            "longer accepts: write type = string",
        ),
        (
            "variables.tf:5",
            'variable "zones": type = "list" is a quoted type constraint, which Terraform no '
            "longer accepts: write type = list(string)",
        ),
    ]


def test_variables_and_outputs_take_only_what_the_language_defines() -> None:
    code = """variable "size" {
  description = "instance class"
  itype       = string
  default     = "db.t3.micro"
  validation {
    condition     = length(var.size) > 0
    error_message = "Set a size."
  }
}
variable "region" {
  type     = string
  nullable = false
  required = true
}
output "id" {
  value       = "x"
  description = "the id"
  precondition {
    condition     = true
    error_message = "never"
  }
}
output "nothing" {
  description = "no value"
}
output "typed" {
  value = "x"
  type  = string
  lifecycle {
    prevent_destroy = true
  }
}
"""
    config = build(tree_of({"main.tf": code}))
    codes = ("unsupported_argument", "missing_output_value")
    found = sorted((d.code, str(d.span)) for d in config.diagnostics if d.code in codes)
    assert found == [
        ("missing_output_value", "main.tf:23-25"),
        ("unsupported_argument", "main.tf:13"),  # required
        ("unsupported_argument", "main.tf:28"),  # an output's type
        ("unsupported_argument", "main.tf:29-31"),  # an output's lifecycle block
        ("unsupported_argument", "main.tf:3"),  # itype
    ]
    messages = {d.message for d in config.diagnostics if d.code in codes}
    assert (
        "variable 'size' sets itype, which a variable block does not take (it takes default, "
        "deprecated, description, ephemeral, nullable, sensitive, type)"
    ) in messages
    assert "output 'nothing' has no value = ...: every output needs one" in messages
    assert all(d.severity is Severity.ERROR for d in config.diagnostics if d.code in codes)


def test_an_output_value_on_lines_a_syntax_error_hid_is_only_a_warning() -> None:
    code = 'output "ids" {\n  description = "ids"\n  value = [\n    aws_instance.a.id\n\n'
    config = build(tree_of({"outputs.tf": code}))
    (missing,) = [d for d in config.diagnostics if d.code == "missing_output_value"]
    assert missing.severity is Severity.WARNING


def test_names_are_identifiers() -> None:
    code = """resource "aws_s3_bucket" "1-logs" {}
resource "aws_s3_bucket" "logs-2" {}
data "aws_ami" "al2.x" {}
variable "db.name" {}
variable "_private" {}
output "bucket id" {
  value = "x"
}
module "net" {
  source = "./net"
}
"""
    config = build(tree_of({"main.tf": code, "net/main.tf": "# empty\n"}))
    found = sorted((str(d.span), d.message) for d in config.diagnostics if d.code == "invalid_name")
    assert [span for span, _ in found] == ["main.tf:1", "main.tf:3", "main.tf:4", "main.tf:6-8"]
    assert found[0][1] == (
        'resource name "1-logs" is not a valid name: it starts with a letter or underscore and '
        "holds only letters, digits, underscores and dashes"
    )
