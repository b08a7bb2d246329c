"""Static validation: what ``terraform validate`` would reject (or ``init`` and ``plan``,
before anything is created), without a terraform binary.

Codes (stage ``validate``): ``undeclared_variable``, ``undeclared_local``, ``unknown_module``,
``unknown_module_output``, ``undefined_resource``, ``unknown_module_argument``,
``missing_module_argument``, ``missing_module_source``, ``invalid_provider_reference``,
``invalid_depends_on``, ``count_and_for_each``, ``undefined_provider_alias``,
``duplicate_backend``, ``duplicate_required_providers``, ``not_literal``,
``output_not_sensitive``, ``count_without_count``, ``each_without_for_each``,
``missing_instance_key``, ``for_each_list``, ``dependency_cycle``,
``module_with_providers``, ``quoted_type``, ``unsupported_argument``,
``missing_output_value``, ``invalid_name`` (plus ``duplicate_address`` and
``malformed_block`` from module assembly). One diagnostic per module and missing name, at its
first use, with the number of uses. When a syntax error left lines of a module unread, the
declaration of a name written on those lines may sit there, so findings about that name are
warnings rather than errors; a name the unread lines never mention cannot be declared in
them, and stays an error.
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.terraform.model import Configuration
from harness.terraform.validate.common import (
    Collector,
    Unread,
    block_references,
    module_references,
    owned_references,
)
from harness.terraform.validate.cycles import check_cycles, dependency_graph
from harness.terraform.validate.iteration import check_for_each_values, check_instance_keys
from harness.terraform.validate.meta import (
    check_legacy_modules,
    check_meta_arguments,
    check_provider_aliases,
)
from harness.terraform.validate.names import check_calls, check_references
from harness.terraform.validate.sensitive import SENSITIVE_ATTRIBUTES, check_sensitive_outputs
from harness.terraform.validate.settings import (
    check_block_arguments,
    check_literal_values,
    check_names,
    check_terraform_settings,
    check_variable_types,
)
from harness.vocabulary import Diagnostic

__all__ = [
    "SENSITIVE_ATTRIBUTES",
    "block_references",
    "dependency_graph",
    "module_references",
    "validate",
]


def validate(config: Configuration, tree_paths: Sequence[str] = ()) -> list[Diagnostic]:
    """All validation diagnostics of a configuration, modules in path order."""
    found = Collector()
    unread = Unread(config)
    for path in sorted(config.modules):
        module = config.modules[path]
        if not module.files:
            continue
        check_references(config, module, unread, found)
        check_meta_arguments(module, found)
        check_terraform_settings(module, found)
        check_literal_values(module, found)
        check_variable_types(module, found)
        check_names(module, found)
        check_block_arguments(module, unread, found)
        uses = owned_references(module)
        check_instance_keys(module, uses, unread, found)
        check_for_each_values(config, module, found)
        check_cycles(module, uses, found)
        check_legacy_modules(config, module, found)
        check_provider_aliases(config, module, unread, found)
        check_calls(config, module, unread, tree_paths, found)
    check_sensitive_outputs(config, unread, found)
    return found.diagnostics()
