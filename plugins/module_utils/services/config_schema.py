# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed template variables: the schema a template declares, and checking values against it.

A schema maps each variable name to a spec. The short form names only the type
(``{"ip": "ipv4"}``); the full form is a mapping with ``type`` and optional ``required``,
``default``, ``choices``, ``pattern`` and ``description``. Values are checked all at once and
every bad value is reported, one sentence each.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Callable, Mapping
from typing import Any

import netaddr

from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError

SPEC_KEYS = frozenset({"type", "required", "default", "choices", "pattern", "description"})
# Types whose values can be matched against a ``pattern`` (their text form).
_SCALAR_TYPES = frozenset(
    {"string", "int", "ipv4", "ipv6", "ipv4_netmask", "ipv4_prefix", "ipv6_prefix", "cidr", "mac"}
)
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
# Exactly what ipaddress accepts as an IPv4 address, checked without building one.
_IPV4 = re.compile(rf"(?:{_OCTET}\.){{3}}{_OCTET}")
_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


class BadValue(ValueError):
    """A value does not fit its type; the text completes "'<value>' ..."."""


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise BadValue(f"is a {type(value).__name__}, not a string")
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise BadValue("is a boolean, not an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip()):
        return int(value)
    raise BadValue("is not an integer")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadValue("is not a boolean (use true or false)")


def _address(value: Any, version: int, label: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    kind = ipaddress.IPv4Address if version == 4 else ipaddress.IPv6Address
    if not isinstance(value, str):
        raise BadValue(f"is not a valid {label}")
    try:
        return kind(value)
    except ValueError:
        raise BadValue(f"is not a valid {label}") from None


def _network(value: Any, version: int | None, label: str, *, strict: bool) -> Any:
    if not isinstance(value, str) or not value.rpartition("/")[2].isdigit():
        raise BadValue(f"is not a valid {label} (write it as address/length)")
    try:
        network = (
            ipaddress.ip_network(value, strict=strict) if strict else ipaddress.ip_interface(value)
        )
    except ValueError as exc:
        if strict and "host bits set" in str(exc):
            fixed = ipaddress.ip_network(value, strict=False)
            if version in (None, fixed.version):
                raise BadValue(
                    f"is not a valid {label} (host bits are set; did you mean {fixed}?)"
                ) from None
        raise BadValue(f"is not a valid {label}") from None
    if version is not None and network.version != version:
        raise BadValue(f"is not a valid {label}")
    return network


def _ipv4(value: Any) -> str:
    if not (isinstance(value, str) and _IPV4.fullmatch(value)):
        raise BadValue("is not a valid IPv4 address")
    return value


def _ipv6(value: Any) -> str:
    _address(value, 6, "IPv6 address")
    return value


def _ipv4_netmask(value: Any) -> str:
    inverted = ~int(_address(value, 4, "IPv4 netmask")) & 0xFFFFFFFF
    if inverted & (inverted + 1):
        raise BadValue("is not a valid IPv4 netmask")
    return value


def _ipv4_prefix(value: Any) -> str:
    _network(value, 4, "IPv4 prefix", strict=True)
    return value


def _ipv6_prefix(value: Any) -> str:
    _network(value, 6, "IPv6 prefix", strict=True)
    return value


def _cidr(value: Any) -> str:
    _network(value, None, "address with prefix length (CIDR)", strict=False)
    return value


def _mac(value: Any) -> str:
    if not isinstance(value, str):
        raise BadValue("is not a valid MAC address")
    try:
        netaddr.EUI(value, version=48)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise BadValue("is not a valid MAC address") from None
    return value


def _list(value: Any) -> list:
    if not isinstance(value, list | tuple):
        raise BadValue(f"is a {type(value).__name__}, not a list")
    return list(value)


def _dict(value: Any) -> dict:
    if not isinstance(value, Mapping):
        raise BadValue(f"is a {type(value).__name__}, not a mapping")
    return dict(value)


# Each checker returns the value to render (ints and booleans converted, text kept as given).
CHECKERS: dict[str, Callable[[Any], Any]] = {
    "string": _string,
    "int": _int,
    "bool": _bool,
    "ipv4": _ipv4,
    "ipv6": _ipv6,
    "ipv4_netmask": _ipv4_netmask,
    "ipv4_prefix": _ipv4_prefix,
    "ipv6_prefix": _ipv6_prefix,
    "cidr": _cidr,
    "mac": _mac,
    "list": _list,
    "dict": _dict,
}
TYPES = tuple(CHECKERS)


def normalize_schema(schema: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Return ``schema`` in its full form, every spec with type, required and its options.

    Raises ValidationError naming every malformed spec (unknown type or key, a default or
    choice that does not fit the type, a pattern that is not a regular expression).
    """
    if schema is None:
        return {}
    if not isinstance(schema, Mapping):
        raise ValidationError(
            f"the variable schema is a {type(schema).__name__}; give a mapping of variable "
            "name to type"
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
    unknown = sorted(set(spec) - SPEC_KEYS)
    if unknown:
        problems.append(
            f"variable {name!r} has unknown spec keys {unknown}; use {sorted(SPEC_KEYS)}"
        )
        return None
    kind = spec.get("type")
    if kind not in CHECKERS:
        problems.append(f"variable {name!r} has unknown type {kind!r}; use one of {list(TYPES)}")
        return None

    result: dict[str, Any] = {"type": kind, "required": bool(spec.get("required", False))}
    if spec.get("description"):
        result["description"] = str(spec["description"])
    pattern = spec.get("pattern")
    if pattern is not None:
        if kind not in _SCALAR_TYPES:
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
        bad = _check_one(name, spec["default"], result)
        if isinstance(bad, _Problem):
            problems.append(f"{bad} (in its default)")
            return None
        result["default"] = spec["default"]
    return result


def _check_one(name: str, value: Any, spec: Mapping[str, Any]) -> Any:
    # Returns the converted value, or a _Problem sentence when the value is bad.
    pattern = spec.get("pattern")
    field = _Field(name, spec, re.compile(pattern) if pattern is not None else None)
    return field.check(value)


# Values of these types are immutable, so a field remembers what checking one gave.
_MEMO_TYPES = frozenset({str, int, bool, float})
_MEMO_SIZE = 4096
_MISSING = object()


class _Field:
    """One variable of a schema, ready to check values: its checker, choices and pattern."""

    __slots__ = ("checker", "choices", "known", "name", "pattern", "spec")

    def __init__(self, name: str, spec: Mapping[str, Any], pattern: re.Pattern[str] | None):
        self.name = name
        self.spec = spec
        self.checker = CHECKERS[spec["type"]]
        self.choices = spec.get("choices")
        self.pattern = pattern
        # Scalar value -> its outcome: many devices share values (a domain, a netmask).
        self.known: dict[tuple[type, Any], Any] = {}

    def check(self, value: Any) -> Any:
        """Return the converted value, or a _Problem sentence when it is bad."""
        if type(value) not in _MEMO_TYPES:
            return self._check(value)
        key = (type(value), value)
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
            return _Problem(f"variable {self.name!r}: {_shown(value)} {exc}")
        if self.choices is not None and converted not in self.choices:
            return _Problem(f"variable {self.name!r}: {_shown(value)} is not one of {self.choices}")
        if self.pattern is not None and not self.pattern.fullmatch(str(converted)):
            return _Problem(
                f"variable {self.name!r}: {_shown(value)} does not match the pattern "
                f"{self.pattern.pattern!r}"
            )
        return converted


class _Problem(str):
    """A problem sentence, told apart from a converted string value by its type."""


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class Validator:
    """A normalised schema prepared once to check many sets of values (one per device)."""

    def __init__(self, schema: Mapping[str, Mapping[str, Any]]) -> None:
        self.schema = schema
        self.fields = [
            _Field(name, spec, re.compile(spec["pattern"]) if "pattern" in spec else None)
            for name, spec in schema.items()
        ]

    def validate(self, values: Mapping[str, Any] | None) -> dict[str, Any]:
        """Return ``values`` checked, with defaults filled in; see ``validate_variables``."""
        values = values or {}
        problems: list[str] = []
        result: dict[str, Any] = {}
        taken = 0
        for field in self.fields:
            if field.name in values:
                taken += 1
            value = values.get(field.name)
            if value is not None:
                checked = field.check(value)
                if type(checked) is _Problem:
                    problems.append(checked)
                else:
                    result[field.name] = checked
            elif "default" in field.spec:
                result[field.name] = field.spec["default"]
            elif field.spec["required"]:
                problems.append(f"variable {field.name!r} is required and was not given")
        if taken < len(values):
            problems.extend(
                _unknown(name, self.schema) for name in values if name not in self.schema
            )
        if problems:
            raise ValidationError("; ".join(problems))
        return result


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
