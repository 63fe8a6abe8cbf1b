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

import netaddr

# Types whose values can be matched against a ``pattern`` (their text form).
SCALAR_TYPES = frozenset(
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
