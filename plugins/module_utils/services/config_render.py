# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rendering templates in Jinja2's immutable sandbox, with undefined variables as errors.

A template is checked when it is published (syntax, reaching Python internals, variables its
schema does not declare) and its variables are checked before every render; the sandbox then
guards what a static check cannot see. Compiled templates are kept per content hash.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from itertools import islice
from typing import Any

from jinja2 import StrictUndefined, nodes
from jinja2.exceptions import (
    SecurityError,
    TemplateError,
    TemplateSyntaxError,
    UndefinedError,
)
from jinja2.meta import find_undeclared_variables
from jinja2.sandbox import ImmutableSandboxedEnvironment, is_internal_attribute

from ansible_collections.isp.network.plugins.module_utils.errors import (
    IspNetworkError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_filters import FILTERS
from ansible_collections.isp.network.plugins.module_utils.services.config_limits import (
    MAX_EXPONENT,
    MAX_OUTPUT,
    TooLarge,
    check_call,
    check_size,
    format_size,
    guarded_filters,
    percent_size,
)

_CACHE_SIZE = 256
_INTERNALS_HINT = "templates may only use variables and filters"
_UNDEFINED = re.compile(r"^'([^']+)' is undefined$")
_UNSAFE_NAMES = frozenset({"mro", "func_globals", "func_code", "gi_frame", "gi_code", "f_globals"})
_SEQUENCES = (str, list, tuple)
# Chunks of a render joined at a time before its size is checked.
_BATCH = 64

_environment: _Sandbox | None = None
_compiled: dict[str, Any] = {}


class _Sandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with caps on what repeats, formats, padding and exponents build."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def call_binop(self, context, operator, left, right):
        """Apply ``operator``, refusing results larger than the caps."""
        if operator == "**" and isinstance(right, int) and abs(right) > MAX_EXPONENT:
            raise TooLarge(f"the exponent {right} is larger than {MAX_EXPONENT}")
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, _SEQUENCES) and isinstance(count, int):
                    check_size("repeating a sequence", len(sequence) * count)
        elif operator == "%" and isinstance(left, str):
            check_size("a % format", percent_size(left))
        elif operator == "+" and isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
            check_size("joining two sequences", len(left) + len(right))
        return super().call_binop(context, operator, left, right)

    def call(self, context, function, /, *args, **kwargs):
        """Call ``function`` from a template, refusing str methods that would build too much."""
        check_call(function, args, kwargs)
        return super().call(context, function, *args, **kwargs)

    def wrap_str_format(self, value):
        """Return ``str.format`` sandboxed, refusing widths that would build too much."""
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            check_size("a format", format_size(value.__self__))
        return wrapped


def environment() -> _Sandbox:
    """Return the process-wide sandbox, created on first use, with the network filters."""
    global _environment
    if _environment is None:
        env = _Sandbox(
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            autoescape=False,
        )
        # lipsum, cycler and joiner are of no use in a configuration; range, dict and
        # namespace stay.
        for name in ("lipsum", "cycler", "joiner"):
            env.globals.pop(name, None)
        env.filters.update(FILTERS)
        env.filters.update(guarded_filters(env.filters))
        _environment = env
    return _environment


def check_template(label: str, content: str, schema: Mapping[str, Any]) -> None:
    """Check a template before it is published; ``label`` names it in messages.

    Raises ValidationError on a syntax error, on any reach for Python internals, and on
    variables the template uses that ``schema`` does not declare.
    """
    env = environment()
    try:
        tree = env.parse(content)
    except TemplateSyntaxError as exc:
        raise ValidationError(
            f"{label} has a syntax error on line {exc.lineno}: {exc.message}; fix the template"
        ) from None

    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter)):
        reached = _internal_name(node)
        if reached:
            raise ValidationError(
                f"{label} tried to reach Python internals ({reached!r}); {_INTERNALS_HINT}"
            )

    undeclared = sorted(find_undeclared_variables(tree) - set(env.globals) - set(schema))
    if undeclared:
        raise ValidationError(
            f"{label} uses variables {undeclared} that its schema does not declare; "
            "add them to its variables"
        )


def _internal_name(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Getattr):
        name = node.attr
    elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        name = node.arg.value
    elif isinstance(node, nodes.Filter) and node.name == "attr" and node.args:
        first = node.args[0]
        name = first.value if isinstance(first, nodes.Const) else None
    else:
        return None
    if isinstance(name, str) and (name.startswith("_") or name in _UNSAFE_NAMES):
        return name
    return None


def compiled(label: str, content: str, content_hash: str) -> Any:
    """Return ``content`` compiled in the sandbox, kept per ``content_hash`` for the process.

    Raises ValidationError when the template has a syntax error.
    """
    template = _compiled.get(content_hash)
    if template is None:
        template = _compile(label, content)
        if len(_compiled) >= _CACHE_SIZE:
            _compiled.clear()
        _compiled[content_hash] = template
    return template


def render(label: str, content: str, content_hash: str, variables: Mapping[str, Any]) -> str:
    """Return ``content`` rendered with checked ``variables``; ``label`` names it in messages.

    Raises ValidationError with one sentence for a missing variable, a reach for Python
    internals, a filter given a bad value, or any other failure of the template.
    """
    return render_compiled(label, compiled(label, content, content_hash), variables)


def render_compiled(label: str, template: Any, variables: Mapping[str, Any]) -> str:
    """Return a template from ``compiled`` rendered with checked ``variables``; see ``render``."""
    try:
        return _produce(template, variables)
    except SecurityError as exc:
        raise ValidationError(_security_message(label, exc)) from None
    except UndefinedError as exc:
        raise ValidationError(_undefined_message(label, exc)) from None
    except IspNetworkError as exc:
        raise ValidationError(f"{label}: {exc.given}") from None
    except OverflowError as exc:
        raise ValidationError(f"{label} asked for too much ({exc}); {_INTERNALS_HINT}") from None
    except RecursionError:
        raise ValidationError(
            f"{label} calls itself without end (a macro or include that never stops); "
            "fix the template"
        ) from None
    except MemoryError:
        raise ValidationError(
            f"{label} ran out of memory while rendering; build smaller values"
        ) from None
    except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError) as exc:
        raise ValidationError(
            f"{label} failed while rendering ({type(exc).__name__}: {exc}); fix the template"
        ) from None


def _produce(template: Any, variables: Mapping[str, Any]) -> str:
    # The text is counted as it is produced, a batch of chunks at a time (joined in C, as
    # Template.render does), so an endless or huge output stops early at little cost.
    parts = template.root_render_func(template.new_context(dict(variables)))
    pieces: list[str] = []
    size = 0
    while batch := list(islice(parts, _BATCH)):
        piece = "".join(batch)
        size += len(piece)
        if size > MAX_OUTPUT:
            raise ValidationError(
                f"the text passed {MAX_OUTPUT} characters, far more than a configuration; "
                "check the template's loops"
            )
        pieces.append(piece)
    return pieces[0] if len(pieces) == 1 else "".join(pieces)


def _compile(label: str, content: str) -> Any:
    try:
        template = environment().from_string(content)
    except TemplateSyntaxError as exc:
        raise ValidationError(
            f"{label} has a syntax error on line {exc.lineno}: {exc.message}; fix the template"
        ) from None
    # Jinja2 layers the template's globals over the environment's in a ChainMap, which every
    # render copies twice; the sandbox's globals are fixed once it is built, so a plain dict
    # holding the same entries renders the same and saves those copies.
    template.globals = dict(template.globals)
    return template


def _security_message(label: str, exc: SecurityError) -> str:
    reason = str(exc)
    if isinstance(exc, TooLarge):
        return f"{label} was stopped by the sandbox ({reason}); build smaller values"
    attribute = re.search(r"attribute '([^']+)'", reason)
    if attribute and not _reaches_internals(attribute.group(1)):
        return (
            f"{label} tried to change a value in place ({reason}); build a new value with "
            "filters instead"
        )
    if attribute:
        return f"{label} tried to reach Python internals ({reason}); {_INTERNALS_HINT}"
    return f"{label} was stopped by the sandbox ({reason}); {_INTERNALS_HINT}"


def _reaches_internals(name: str) -> bool:
    return name.startswith("_") or name in _UNSAFE_NAMES or is_internal_attribute(str, name)


def _undefined_message(label: str, exc: UndefinedError) -> str:
    missing = _UNDEFINED.match(str(exc))
    if missing:
        return (
            f"{label} uses variable {missing.group(1)!r}, which was not given; give it a "
            "value, or a default in the template's schema"
        )
    return f"{label} used a value that does not exist ({exc}); check the variable's structure"
