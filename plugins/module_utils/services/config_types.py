# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The types a template variable may have, and one checker per type.

A checker takes a value and returns the value to render (ints and booleans converted, text
kept as given), or raises BadValue with the end of a sentence about the value.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from typing import Any

from ansible_collections.isp.network.plugins.module_utils.errors import kind_of

# Types whose values can be matched against a ``pattern`` (their text form).
SCALAR_TYPES = frozenset(
    {"string", "int", "ipv4", "ipv6", "ipv4_netmask", "ipv4_prefix", "ipv6_prefix", "cidr", "mac"}
)
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
# Exactly what ipaddress accepts as an IPv4 address, checked without building one.
_IPV4 = re.compile(rf"(?:{_OCTET}\.){{3}}{_OCTET}")
# An int variable holds a port, a VLAN, an AS number or a metric: 64 bits hold them all.
_INT_DIGITS = 20
_INT_BITS = 64
_INTEGER = re.compile(r"[+-]?[0-9]+")
# The full notations of a 48-bit MAC address; netaddr alone pads short groups.
_MAC = re.compile(
    r"[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}"
    r"|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}"
    r"|[0-9A-Fa-f]{12}"
)
_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


class BadValue(ValueError):
    """A value does not fit its type; the text completes "'<value>' ..."."""


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise BadValue(f"is {kind_of(value)}, not a string")
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise BadValue("is a boolean, not an integer")
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        if len(value.strip().lstrip("+-")) > _INT_DIGITS:
            raise BadValue(f"has more than {_INT_DIGITS} digits; give an integer of 64 bits")
        value = int(value)
    if not isinstance(value, int):
        raise BadValue("is not an integer")
    if value.bit_length() >= _INT_BITS:
        raise BadValue("is out of range; give an integer of 64 bits")
    return value


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
    if not (isinstance(value, str) and _MAC.fullmatch(value)):
        raise BadValue(
            "is not a valid MAC address (write it as 00:11:22:aa:bb:cc, 00-11-22-aa-bb-cc, "
            "0011.22aa.bbcc or 001122aabbcc)"
        )
    return value


def _list(value: Any) -> list:
    if not isinstance(value, list | tuple):
        raise BadValue(f"is {kind_of(value)}, not a list")
    return list(value)


def _dict(value: Any) -> dict:
    if not isinstance(value, Mapping):
        raise BadValue(f"is {kind_of(value)}, not a mapping")
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
