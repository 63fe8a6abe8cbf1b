# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fields of an address pool a caller sets: which they are, and their checks."""

from __future__ import annotations

import ipaddress
from typing import Any

from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError
from ansible_collections.isp.network.plugins.module_utils.services.ipam_addresses import (
    address_in,
    format_span,
    parse_network,
    parse_ranges,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.ipam import IPPoolType

# The fields of a pool a caller may set, beside its name.
POOL_FIELDS = (
    "network",
    "vrf",
    "pool_type",
    "gateway",
    "dns_servers",
    "description",
    "site",
    "tenant",
    "reserved_ranges",
    "warning_threshold",
)


def normalise_fields(name: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Return the pool fields of pool ``name`` checked and in stored form.

    Raises ValidationError naming the first bad value.
    """
    network = parse_network(fields["network"])
    pool_type = fields.get("pool_type") or IPPoolType.CUSTOMER
    try:
        pool_type = IPPoolType(pool_type)
    except ValueError:
        choices = ", ".join(member.value for member in IPPoolType)
        raise ValidationError(
            f"pool type {pool_type!r} of pool '{name}' is not known; use one of {choices}"
        ) from None
    gateway = fields.get("gateway")
    if gateway:
        gateway = format_span(network.version, (address_in(network, gateway, "gateway", name),) * 2)
    dns = [str(parse_dns(value, name)) for value in fields.get("dns_servers") or []]
    reserved = [
        format_span(network.version, span)
        for span in parse_ranges(network, fields.get("reserved_ranges") or [], name)
    ]
    threshold = fields.get("warning_threshold")
    threshold = 80 if threshold is None else int(threshold)
    if not 0 <= threshold <= 100:
        raise ValidationError(
            f"warning threshold {threshold} of pool '{name}' is not a percentage; use 0 to 100"
        )
    return {
        "network": str(network),
        "vrf": fields.get("vrf") or "global",
        "pool_type": pool_type,
        "gateway": gateway or None,
        "dns_servers": dns,
        "description": fields.get("description"),
        "site": fields.get("site"),
        "tenant": fields.get("tenant"),
        "reserved_ranges": reserved,
        "warning_threshold": threshold,
    }


def parse_dns(value: str, pool_name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """Return the DNS server address ``value``; raises ValidationError when it is not one."""
    try:
        return ipaddress.ip_address(str(value).strip())
    except ValueError:
        raise ValidationError(
            f"DNS server {value!r} of pool '{pool_name}' is not a valid IP address; "
            "write it as 192.0.2.53 or 2001:db8::53"
        ) from None
