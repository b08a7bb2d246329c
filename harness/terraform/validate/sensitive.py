"""A root module output built from a sensitive value is marked ``sensitive = true``, or
terraform plan stops ("Output refers to sensitive values")."""

from __future__ import annotations

from harness.terraform.model import Configuration, Expr, ExprKind, Module, Reference
from harness.terraform.validate.common import (
    MAX_LOCAL_HOPS,
    Collector,
    Unread,
    is_judged,
    severity_for,
)

#: Attributes the providers' schemas mark sensitive, of the resource and data source types
#: answers use most. Terraform carries the mark through every value built from them.
SENSITIVE_ATTRIBUTES: dict[str, frozenset[str]] = {
    "random_password": frozenset({"result", "bcrypt_hash"}),
    "tls_private_key": frozenset(
        {"private_key_pem", "private_key_openssh", "private_key_pem_pkcs8"}
    ),
    "aws_iam_access_key": frozenset({"secret", "ses_smtp_password_v4"}),
    "aws_db_instance": frozenset({"password"}),
    "aws_rds_cluster": frozenset({"master_password"}),
    "aws_secretsmanager_secret_version": frozenset({"secret_string", "secret_binary"}),
    "aws_ssm_parameter": frozenset({"value"}),
    "aws_elasticache_replication_group": frozenset({"auth_token"}),
}


#: Types whose sensitive attribute is always set (the provider computes it): the whole object
#: of one holds a sensitive value even where the configuration writes none.
_ALWAYS_SENSITIVE = frozenset({"random_password", "tls_private_key", "aws_iam_access_key"})


#: Data sources that read a sensitive attribute (``SENSITIVE_ATTRIBUTES``): the whole object of
#: one always holds it. Other data sources of those types (``aws_db_instance``) have no such
#: attribute.
_SENSITIVE_DATA = frozenset({"aws_ssm_parameter", "aws_secretsmanager_secret_version"})


class _SensitiveValues:
    """What values of one module are built from: the first sensitive value, a variable
    declared ``sensitive = true``, an attribute in ``SENSITIVE_ATTRIBUTES`` (or a whole
    object that holds one) or a called module's output built from one, with the locals and
    module outputs it passed through; what ``nonsensitive()`` wraps is not. Each local and
    each module's output is judged once (a cycle, or a chain deeper than
    ``MAX_LOCAL_HOPS``, counts as not sensitive), so values that share their parts cost no
    more than their number."""

    def __init__(
        self,
        config: Configuration,
        module: Module,
        modules: dict[str, _SensitiveValues] | None = None,
    ) -> None:
        self.config = config
        self.module = module
        self._modules = {} if modules is None else modules  # by path, shared with callees
        self._modules[module.path] = self
        # by (name, whether a whole object in it would count: see ``first_use``)
        self._locals: dict[tuple[str, bool], tuple[str, tuple[str, ...]] | None] = {}
        self._outputs: dict[tuple[str, bool], tuple[str, tuple[str, ...]] | None] = {}

    def described(self, expr: Expr) -> str | None:
        """``first_use`` as words: ``random_password.db.result (through local.url)``."""
        found = self.first_use(expr)
        if found is None:
            return None
        source, through = found
        if not through:
            return source
        noun = "locals" if all(step.startswith("local.") for step in through) else "steps"
        more = f" and {len(through) - 1} more {noun}" if len(through) > 1 else ""
        return f"{source} (through {through[0]}{more})"

    def first_use(
        self, expr: Expr, hops: int = 0, whole: bool = True
    ) -> tuple[str, tuple[str, ...]] | None:
        """(the sensitive value as written, the locals and module outputs between it and
        ``expr``), or None. An object whose attribute is sensitive counts when it reaches
        the value whole (``whole``): not as what a ``for`` expression iterates over, whose
        body reads single attributes (``[for p in aws_ssm_parameter.all : p.name]``)."""
        stack = [(expr, whole)]
        while stack:
            sub, flows = stack.pop()
            if sub.kind is ExprKind.CALL and sub.name == "nonsensitive":
                continue
            items = [(item, flows) for item in sub.items]
            if sub.kind is ExprKind.FOR and items:
                items[0] = (sub.items[0], False)  # the collection iterated over
            stack.extend(reversed(items))
            ref = sub.reference
            if ref is None or len(ref.parts) < 2:
                continue
            found = self._sensitive(ref, hops, flows)
            if found is not None:
                return found
        return None

    def output(self, name: str, hops: int, whole: bool) -> tuple[str, tuple[str, ...]] | None:
        """Whether this module's output ``name`` holds a sensitive value: built from one
        (as ``first_use`` says), or marked ``sensitive = true`` (an empty source: the
        reference to the output is the value to name)."""
        key = (name, whole)
        if key not in self._outputs:
            output = self.module.outputs.get(name)
            self._outputs[key] = None  # while it is judged: a cycle ends here
            if output is not None and hops < MAX_LOCAL_HOPS:
                marked = output.block.attr("sensitive")
                value = output.block.attr("value")
                if marked is not None and marked.expr.as_bool():
                    self._outputs[key] = ("", ())  # the output itself: its caller names it
                elif value is not None and is_judged(value.expr):
                    self._outputs[key] = self.first_use(value.expr, hops + 1, whole)
        return self._outputs[key]

    def _sensitive(
        self, ref: Reference, hops: int, whole: bool
    ) -> tuple[str, tuple[str, ...]] | None:
        kind, name = ref.kind, ref.parts[1]
        if kind == "variable":
            variable = self.module.variables.get(name)
            marked = variable.block.attr("sensitive") if variable is not None else None
            return (ref.text, ()) if marked is not None and marked.expr.as_bool() else None
        if kind == "local":
            key = (name, whole)
            if key not in self._locals:
                local = self.module.locals.get(name)
                self._locals[key] = None  # while it is judged: a cycle ends here
                if local is not None and hops < MAX_LOCAL_HOPS:
                    self._locals[key] = self.first_use(local.expr, hops + 1, whole)
            inner = self._locals[key]
            return None if inner is None else (inner[0], (ref.text, *inner[1]))
        if kind == "module":
            return self._module_output(ref, hops, whole)
        if kind in ("resource", "data"):
            address, path = ref.address_and_path()
            resource_type = address.split(".")[-2]
            sensitive = SENSITIVE_ATTRIBUTES.get(resource_type, frozenset())
            if path and path[0] in sensitive:
                return ref.text, ()
            if whole and not path and sensitive and self._holds_sensitive(kind, address, sensitive):
                return f"{ref.text} (the whole object, with its {min(sensitive)})", ()
        return None

    def _holds_sensitive(self, kind: str, address: str, sensitive: frozenset[str]) -> bool:
        """Whether the whole object at ``address`` holds a sensitive attribute's value."""
        resource = self.module.resource(address)
        if resource is None:
            return False
        if kind == "data":
            return resource.type in _SENSITIVE_DATA
        if resource.type in _ALWAYS_SENSITIVE:
            return True
        return any(resource.block.attr(name) is not None for name in sensitive)

    def _module_output(
        self, ref: Reference, hops: int, whole: bool
    ) -> tuple[str, tuple[str, ...]] | None:
        """``module.NAME.OUTPUT`` of a module in the response: its output's verdict (what a
        module's variable is given by its callers is not followed)."""
        call = self.module.call(ref.parts[1])
        if call is None or call.resolved is None or len(ref.parts) < 3:
            return None
        callee = self.config.modules.get(call.resolved)
        if callee is None:
            return None
        values = self._modules.get(callee.path) or _SensitiveValues(
            self.config, callee, self._modules
        )
        inner = values.output(ref.parts[2], hops + 1, whole)
        shown = f"module.{ref.parts[1]}.{ref.parts[2]}"
        if inner is None:
            return None
        return (shown, ()) if not inner[0] else (inner[0], (shown, *inner[1]))


def check_sensitive_outputs(config: Configuration, unread: Unread, found: Collector) -> None:
    """A root module output built from a sensitive value and not marked ``sensitive = true``:
    terraform plan stops ("Output refers to sensitive values"). Outputs of called modules
    may pass such values on unmarked (only the root's must say so), and a root output that
    reads one is built from a sensitive value. Where lines the reader
    lost mention ``sensitive``, the mark may be there: a warning."""
    if not config.modules:
        return
    root = config.root_module
    values = _SensitiveValues(config, root)
    for name, output in root.outputs.items():
        marked = output.block.attr("sensitive")
        value = output.block.attr("value")
        if value is None or (marked is not None and marked.expr.as_bool()):
            continue
        use = values.described(value.expr) if is_judged(value.expr) else None
        if use is not None:
            ok = not unread.may_hide(root.path, "sensitive")
            found.add(
                root.path,
                "output_not_sensitive",
                f"output.{name}",
                severity_for(ok),
                f'output "{name}" is built from {use}, a sensitive value, and is not '
                "marked sensitive = true: terraform plan stops on it"
                + ("" if ok else "; lines the reader lost to syntax errors may mark it"),
                value.span,
            )
