# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed template variables: the schema a template declares, and checking values against it.

A schema maps each variable name to a spec. The short form names only the type
(``{"ip": "ipv4"}``); the full form is a mapping with ``type`` and optional ``required``,
``default``, ``choices``, ``pattern``, ``secret`` and ``description``. Values are checked all
at once and every bad value is reported, one sentence each; a secret variable's value never
appears in a sentence.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from typing import Any

from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError, kind_of
from ansible_collections.isp.network.plugins.module_utils.services.config_types import (
    CHECKERS,
    SCALAR_TYPES,
    TYPES,
    BadValue,
)

__all__ = [
    "CHECKERS",
    "SPEC_KEYS",
    "TYPES",
    "BadValue",
    "Shared",
    "Validator",
    "normalize_schema",
    "secret_by_name",
    "validate_variables",
    "validator_for",
]

SPEC_KEYS = frozenset(
    {"type", "required", "default", "choices", "pattern", "secret", "description"}
)
# A variable whose name has one of these as a word part (``snmp_community``, ``tacacs_key``)
# is secret unless its spec says ``secret: false``.
SECRET_WORDS = frozenset({"password", "passwords", "secret", "secrets", "community", "key", "keys"})
_WORD_PARTS = re.compile(r"[^a-z0-9]+|(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")


def secret_by_name(name: str) -> bool:
    """Return True when ``name`` has a word part that marks it secret (``enable_secret``)."""
    return not SECRET_WORDS.isdisjoint(_WORD_PARTS.split(name.lower()))


def normalize_schema(schema: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Return ``schema`` in its full form, every spec with type, required and its options.

    Raises ValidationError naming every malformed spec (unknown type or key, a default or
    choice that does not fit the type, a pattern that is not a regular expression).
    """
    if schema is None:
        return {}
    if not isinstance(schema, Mapping):
        raise ValidationError(
            f"the variable schema is {kind_of(schema)}; give a mapping of variable name to type"
        )
    problems: list[str] = []
    normalized = {}
    for name, raw in schema.items():
        spec = _normalize_spec(str(name), raw, problems)
        if spec is not None:
            normalized[str(name)] = spec
    if problems:
        raise ValidationError("; ".join(problems))
    return normalized


def _normalize_spec(name: str, raw: Any, problems: list[str]) -> dict[str, Any] | None:
    spec = {"type": raw} if isinstance(raw, str) else raw
    if not isinstance(spec, Mapping):
        problems.append(f"variable {name!r} has the spec {raw!r}; give a type name or a mapping")
        return None
    unknown = sorted(str(key) for key in set(spec) - SPEC_KEYS)
    if unknown:
        problems.append(
            f"variable {name!r} has unknown spec keys {unknown}; use {sorted(SPEC_KEYS)}"
        )
        return None
    kind = spec.get("type")
    if not isinstance(kind, str) or kind not in CHECKERS:
        problems.append(
            f"variable {name!r} has unknown type {kind!r}; the type must be one of {list(TYPES)}"
        )
        return None
    flags = {}
    for flag, default in (("required", False), ("secret", secret_by_name(name))):
        given = spec.get(flag, default)
        if not isinstance(given, bool):
            problems.append(
                f"variable {name!r}: {flag} is {given!r} ({kind_of(given)}); write true "
                "or false, without quotes"
            )
            return None
        flags[flag] = given

    result: dict[str, Any] = {"type": kind, "required": flags["required"]}
    if flags["secret"] or secret_by_name(name):
        # Kept when true, so the stored schema shows it, and when false against the name.
        result["secret"] = flags["secret"]
    if spec.get("description"):
        result["description"] = str(spec["description"])
    pattern = spec.get("pattern")
    if pattern is not None:
        if kind not in SCALAR_TYPES:
            problems.append(f"variable {name!r}: a pattern cannot apply to type {kind!r}")
            return None
        try:
            re.compile(pattern)
        except (re.error, TypeError):
            problems.append(f"variable {name!r}: pattern {pattern!r} is not a regular expression")
            return None
        result["pattern"] = pattern
    choices = spec.get("choices")
    if choices is not None:
        if not isinstance(choices, list | tuple) or not choices:
            problems.append(f"variable {name!r}: choices must be a non-empty list")
            return None
        try:
            result["choices"] = [CHECKERS[kind](choice) for choice in choices]
        except BadValue as exc:
            problems.append(f"variable {name!r}: a choice {exc}")
            return None
    if "default" in spec:
        converted = _check_one(name, spec["default"], result)
        if isinstance(converted, _Problem):
            problems.append(f"{converted} (in its default)")
            return None
        result["default"] = converted
    return result


def _check_one(name: str, value: Any, spec: Mapping[str, Any]) -> Any:
    # Returns the converted value, or a _Problem sentence when the value is bad.
    pattern = spec.get("pattern")
    field = _Field(name, spec, re.compile(pattern) if pattern is not None else None)
    return field.check(value)


# Values of these types are immutable, so a field remembers what checking one gave.
_MEMO_TYPES = frozenset({int, bool, float})
_MEMO_SIZE = 4096
_MISSING = object()
# What a field gives when it has no value and neither a default nor ``required``: nothing.
_SKIP = object()
_VALIDATORS: dict[str, Validator] = {}
_VALIDATORS_SIZE = 64


class _Field:
    """One variable of a schema, ready to check values: its checker, choices and pattern."""

    __slots__ = ("absent", "checker", "choices", "known", "name", "pattern", "secret", "spec")

    def __init__(self, name: str, spec: Mapping[str, Any], pattern: re.Pattern[str] | None):
        self.name = name
        self.spec = spec
        self.checker = CHECKERS[spec["type"]]
        self.choices = spec.get("choices")
        self.pattern = pattern
        # Value -> its outcome: many devices share values (a domain, a netmask). Text is its
        # own key; other scalars are keyed with their type, so that True and 1 stay apart.
        self.known: dict[Any, Any] = {}
        self.secret = bool(spec.get("secret", secret_by_name(name)))
        # The outcome of a missing value: its default, a problem when required, or nothing.
        # A default is checked like a given value (a schema stored before defaults were
        # converted keeps its defaults as written).
        if "default" in spec:
            self.absent = self._check(spec["default"])
        elif spec.get("required"):
            self.absent = _Problem(f"variable {name!r} is required and was not given")
        else:
            self.absent = _SKIP

    def check(self, value: Any) -> Any:
        """Return the converted value, or a _Problem sentence when it is bad."""
        kind = type(value)
        if kind is str:
            key = value
        elif kind in _MEMO_TYPES:
            key = (kind, value)
        else:
            return self._check(value)
        outcome = self.known.get(key, _MISSING)
        if outcome is _MISSING:
            outcome = self._check(value)
            if len(self.known) < _MEMO_SIZE:
                self.known[key] = outcome
        return outcome

    def _check(self, value: Any) -> Any:
        try:
            converted = self.checker(value)
        except BadValue as exc:
            return _Problem(f"{self._about(value)} {exc}")
        if self.choices is not None and converted not in self.choices:
            choices = "one of its choices" if self.secret else f"one of {self.choices}"
            return _Problem(f"{self._about(value)} is not {choices}")
        if self.pattern is not None and not self.pattern.fullmatch(str(converted)):
            return _Problem(
                f"{self._about(value)} does not match the pattern {self.pattern.pattern!r}"
            )
        return converted

    def _about(self, value: Any) -> str:
        # How a sentence names the value: shown, or for a secret only its size.
        if not self.secret:
            return f"variable {self.name!r}: {_shown(value)}"
        size = f"{len(value)} characters" if isinstance(value, str) else kind_of(value)
        return f"variable {self.name!r} (secret, {size})"


class _Problem(str):
    """A problem sentence, told apart from a converted string value by its type."""


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class Shared:
    """Values shared by many sets of values (a bulk call's ``common``), checked once."""

    __slots__ = ("given", "outcomes", "unknown")

    def __init__(self, given: frozenset[str], outcomes: dict[str, Any], unknown: list[str]):
        self.given = given
        # Variable name -> what a set that does not give the variable gets from the shared ones.
        self.outcomes = outcomes
        # Shared names the schema does not declare, as sentences.
        self.unknown = unknown


class Validator:
    """A normalised schema prepared once to check many sets of values (one per device)."""

    def __init__(self, schema: Mapping[str, Mapping[str, Any]]) -> None:
        self.schema = schema
        self.fields = [
            _Field(name, spec, re.compile(spec["pattern"]) if "pattern" in spec else None)
            for name, spec in schema.items()
        ]
        self._names = frozenset(schema)
        self._absent = {field.name: field.absent for field in self.fields}
        self._steps = [(field.name, field.check) for field in self.fields]
        self._nothing_shared = Shared(frozenset(), self._absent, [])

    def share(self, common: Mapping[str, Any] | None) -> Shared:
        """Return ``common`` checked once, for ``validate`` to lay each set of values over."""
        if not common:
            return self._nothing_shared
        outcomes = {}
        for field in self.fields:
            value = common.get(field.name)
            outcomes[field.name] = field.absent if value is None else field.check(value)
        unknown = [_unknown(name, self.schema) for name in common if name not in self._names]
        return Shared(frozenset(common), outcomes, unknown)

    def validate(
        self, values: Mapping[str, Any] | None, shared: Shared | None = None
    ) -> dict[str, Any]:
        """Return ``values`` (over ``shared``) checked, with defaults filled in.

        Raises ValidationError as ``validate_variables`` does; checking ``{**common, **values}``
        and checking ``values`` over ``share(common)`` give the same result and the same errors.
        """
        values = values or {}
        shared = shared or self._nothing_shared
        base = shared.outcomes
        absent = self._absent
        result: dict[str, Any] = {}
        problems: list[str] = []
        for name, check in self._steps:
            value = values.get(name, _MISSING)
            if value is _MISSING:
                outcome = base[name]
            elif value is None:
                outcome = absent[name]
            else:
                outcome = check(value)
            if outcome is _SKIP:
                continue
            if isinstance(outcome, _Problem):
                problems.append(outcome)
            else:
                result[name] = outcome
        if shared.unknown or not self._names.issuperset(values):
            problems.extend(shared.unknown)
            problems.extend(
                _unknown(name, self.schema)
                for name in values
                if name not in self._names and name not in shared.given
            )
        if problems:
            raise ValidationError("; ".join(problems))
        return result


def validator_for(schema: Mapping[str, Mapping[str, Any]]) -> Validator:
    """Return a Validator for a normalised ``schema``, kept per schema for the process.

    Later calls with an equal schema reuse it, and with it what it remembers of checked values.
    """
    key = json.dumps(schema, sort_keys=True, default=repr)
    validator = _VALIDATORS.get(key)
    if validator is None:
        if len(_VALIDATORS) >= _VALIDATORS_SIZE:
            _VALIDATORS.clear()
        validator = _VALIDATORS[key] = Validator(schema)
    return validator


def validate_variables(
    schema: Mapping[str, Mapping[str, Any]], values: Mapping[str, Any] | None
) -> dict[str, Any]:
    """Return ``values`` checked against a normalised schema, with defaults filled in.

    Raises ValidationError listing every problem, one sentence each: bad values, missing
    required variables, and variables the schema does not declare.
    """
    return Validator(schema).validate(values)


def _unknown(name: str, schema: Mapping[str, Any]) -> str:
    close = difflib.get_close_matches(name, list(schema), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"variable {name!r} is not declared in the template's schema{hint}; remove it or add it"
