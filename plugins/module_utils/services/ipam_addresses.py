# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parsing and checking addresses for address management, and their sortable keys.

A key is the 128-bit integer of an address as 32 zero-padded hex digits: see
``store/models/ipam.py`` for why. Every function raises ValidationError with one sentence
naming the bad value.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Union

from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError
from ansible_collections.isp.network.plugins.module_utils.store.models.ipam import IPPoolType

# typing.Union, not X | Y: these aliases are evaluated at runtime, and module_utils must import
# on every Python ansible-test targets (pylint's unsupported-binary-operation).
Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]  # noqa: UP007
Address = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]  # noqa: UP007
Span = tuple[int, int]

# Pools that are one subnet on a link: their IPv4 network and broadcast are never handed out.
LINK_POOL_TYPES = frozenset({IPPoolType.CUSTOMER, IPPoolType.INFRASTRUCTURE, IPPoolType.MANAGEMENT})


def to_key(value: int) -> str:
    """Return the sortable key of the integer ``value`` of an address."""
    return f"{value:032x}"


def from_key(key: str) -> int:
    """Return the integer of an address from its key."""
    return int(key, 16)


def parse_network(value: str) -> Network:
    """Return the network ``value`` (a CIDR); raises ValidationError when it is not one."""
    text = str(value).strip()
    if "/" not in text:
        raise ValidationError(
            f"network {value!r} has no prefix length; write it as a CIDR such as "
            "10.0.0.0/24 or 2001:db8::/64"
        )
    try:
        return ipaddress.ip_network(text, strict=True)
    except ValueError:
        pass
    try:
        loose = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise ValidationError(
            f"network {value!r} is not a valid CIDR; write it as 10.0.0.0/24 or 2001:db8::/64"
        ) from None
    raise ValidationError(f"network {value!r} has host bits set; use {loose} instead")


def parse_address(value: str, what: str = "address") -> Address:
    """Return the address ``value``; a prefix length (``10.0.0.5/24``) is accepted and dropped.

    Raises ValidationError when ``value`` is not an address.
    """
    text = str(value).strip()
    try:
        return ipaddress.ip_interface(text).ip
    except ValueError:
        raise ValidationError(
            f"{what} {value!r} is not a valid IP address; write it as 10.0.0.5 or 2001:db8::5"
        ) from None


def address_in(network: Network, value: str, what: str, pool_name: str) -> int:
    """Return the integer of address ``value`` after checking it lies inside ``network``.

    Raises ValidationError when it is malformed, of the other family, or outside.
    """
    address = parse_address(value, what)
    if address.version != network.version or address not in network:
        raise ValidationError(
            f"{what} {address} is outside pool '{pool_name}' ({network}); "
            f"choose an address inside {network}"
        )
    return int(address)


def parse_ranges(network: Network, values: Iterable[str], pool_name: str) -> list[Span]:
    """Return the reserved ranges ``values`` ("a" or "a-b") as integer spans inside ``network``.

    Raises ValidationError for a malformed range, one outside the pool, or one backwards.
    """
    spans = []
    for value in values:
        first, _dash, last = str(value).partition("-")
        start = address_in(network, first, "reserved range start", pool_name)
        end = address_in(network, last, "reserved range end", pool_name) if last else start
        if end < start:
            raise ValidationError(
                f"reserved range {value!r} of pool '{pool_name}' ends before it starts; "
                "write it lowest address first"
            )
        spans.append((start, end))
    return spans


def format_span(version: int, span: Span) -> str:
    """Return ``span`` as text: one address, or ``first-last``."""
    start, end = span
    first = ipaddress.ip_address(start) if version == 4 else ipaddress.IPv6Address(start)
    if start == end:
        return str(first)
    last = ipaddress.ip_address(end) if version == 4 else ipaddress.IPv6Address(end)
    return f"{first}-{last}"


def address_text(version: int, value: int) -> str:
    """Return the integer ``value`` as an address of IP ``version``."""
    return str(ipaddress.IPv4Address(value) if version == 4 else ipaddress.IPv6Address(value))


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Return ``spans`` sorted with overlapping and adjacent ones joined."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def complement(first: int, last: int, taken: Iterable[Span]) -> list[Span]:
    """Return the spans of ``first``..``last`` not covered by ``taken``."""
    free = []
    cursor = first
    for start, end in merge_spans(taken):
        if start > cursor:
            free.append((cursor, min(start - 1, last)))
        cursor = max(cursor, end + 1)
    if cursor <= last:
        free.append((cursor, last))
    return free


def excluded_spans(
    network: Network,
    pool_type: IPPoolType,
    gateway: Address | None,
    reserved: Iterable[Span],
) -> list[Span]:
    """Return the merged spans of a pool that are never handed out.

    Those are, in a link pool (customer, infrastructure, management), the IPv4 network and
    broadcast addresses (except in a /31 or /32) and the IPv6 subnet-router anycast address;
    then the gateway and the reserved ranges, in every pool.
    """
    spans = list(reserved)
    if pool_type in LINK_POOL_TYPES and network.version == 4 and network.prefixlen <= 30:
        spans += [(int(network.network_address),) * 2, (int(network.broadcast_address),) * 2]
    elif pool_type in LINK_POOL_TYPES and network.version == 6 and network.prefixlen <= 126:
        # The subnet-router anycast address (RFC 4291), which every router of the link answers.
        spans.append((int(network.network_address),) * 2)
    if gateway is not None:
        spans.append((int(gateway),) * 2)
    return merge_spans(spans)


def span_size(spans: Iterable[Span]) -> int:
    """Return how many addresses ``spans`` (disjoint) hold."""
    return sum(end - start + 1 for start, end in spans)
