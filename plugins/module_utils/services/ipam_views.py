# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading allocations, and the plain dicts that modules, lookups and the API return."""

from __future__ import annotations

import ipaddress
from typing import Any

from sqlmodel import Session, col, select

from ansible_collections.isp.network.plugins.module_utils.services.ipam_addresses import (
    from_key,
    parse_address,
    span_size,
)
from ansible_collections.isp.network.plugins.module_utils.services.ipam_freespace import (
    free_spans,
)
from ansible_collections.isp.network.plugins.module_utils.services.ipam_pools import (
    PoolRef,
    get_pool,
)
from ansible_collections.isp.network.plugins.module_utils.services.ipam_requests import (
    resolve_device,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import Device
from ansible_collections.isp.network.plugins.module_utils.store.models.ipam import (
    AllocationStatus,
    IPAllocation,
    IPPool,
    IPPoolType,
)


def allocation_dict(
    allocation: IPAllocation, pool: IPPool, device_name: str | None = None
) -> dict[str, Any]:
    """Return ``allocation`` as the plain dict users template from.

    ``address`` never carries a prefix length; ``cidr`` does: the pool's for an address
    (``10.0.0.5/24``, ready for an interface), /32 or /128 in a loopback pool, and the
    prefix's own for a child prefix (``10.0.4.0/29``).
    """
    network = ipaddress.ip_network(pool.network)
    is_address = allocation.prefix_length == network.max_prefixlen
    if is_address and IPPoolType(pool.pool_type) != IPPoolType.LOOPBACK:
        length = network.prefixlen
    else:
        length = allocation.prefix_length
    interface = ipaddress.ip_interface(f"{allocation.address}/{length}")
    return {
        "id": allocation.id,
        "pool": pool.name,
        "vrf": pool.vrf,
        "kind": "address" if is_address else "prefix",
        "address": allocation.address,
        "prefix_length": length,
        "cidr": str(interface),
        "netmask": str(interface.netmask) if network.version == 4 else None,
        "gateway": pool.gateway,
        "dns_servers": list(pool.dns_servers),
        "status": str(allocation.status.value),
        "assigned_to_type": allocation.assigned_to_type,
        "assigned_to_id": allocation.assigned_to_id,
        "device": device_name,
        "interface": allocation.interface,
        "hostname": allocation.hostname,
        "description": allocation.description,
        "allocated_at": allocation.allocated_at.isoformat(),
    }


def allocation_dicts(
    session: Session, allocations: list[IPAllocation], pool: IPPool | None = None
) -> list[dict[str, Any]]:
    """Return ``allocations`` as dicts, with their pools' and devices' names."""
    pools = {pool.id: pool} if pool is not None else {}
    missing = {allocation.pool_id for allocation in allocations} - set(pools)
    if missing:
        pools.update(
            (found.id, found)
            for found in session.exec(select(IPPool).where(col(IPPool.id).in_(missing)))
        )
    device_ids = {allocation.device_id for allocation in allocations if allocation.device_id}
    names = {}
    if device_ids:
        query = select(Device.id, Device.name).where(col(Device.id).in_(device_ids))
        names = dict(session.exec(query).all())
    return [
        allocation_dict(allocation, pools[allocation.pool_id], names.get(allocation.device_id))
        for allocation in allocations
    ]


def list_allocations(
    session: Session,
    *,
    pool: PoolRef | None = None,
    owner_type: str | None = None,
    owner_id: str | None = None,
    device: str | None = None,
    address: str | None = None,
    kind: str | None = None,
) -> list[IPAllocation]:
    """Return the allocations that match every filter given, by pool and address.

    ``kind`` is ``address`` or ``prefix``. Raises NotFoundError for an unknown pool or device.
    """
    query = select(IPAllocation).join(IPPool, col(IPPool.id) == col(IPAllocation.pool_id))
    if pool is not None:
        query = query.where(IPAllocation.pool_id == get_pool(session, pool).id)
    if owner_type is not None:
        query = query.where(IPAllocation.assigned_to_type == owner_type)
    if owner_id is not None:
        query = query.where(IPAllocation.assigned_to_id == str(owner_id))
    if device is not None:
        query = query.where(IPAllocation.device_id == resolve_device(session, device))
    if address is not None:
        query = query.where(IPAllocation.address == str(parse_address(address)))
    # The full prefix length of the pool's family: 32 for IPv4, 128 for IPv6.
    full = 32 + (col(IPPool.family) - 4) * 48
    if kind == "address":
        query = query.where(IPAllocation.prefix_length == full)
    elif kind == "prefix":
        query = query.where(IPAllocation.prefix_length != full)
    return list(session.exec(query.order_by(col(IPPool.name), col(IPAllocation.start_key))))


def recount(session: Session, pool: IPPool) -> dict[str, int]:
    """Return the pool's counts computed from its rows, not its counters (a consistency check).

    Keys: ``allocated``, ``reserved`` (allocations with that status), ``excluded`` (never
    handed out), and ``free`` (the sum of the free runs).
    """
    sizes = {status: 0 for status in AllocationStatus}
    query = select(IPAllocation.status, IPAllocation.start_key, IPAllocation.end_key).where(
        IPAllocation.pool_id == pool.id
    )
    for status, start, end in session.exec(query):
        sizes[AllocationStatus(status)] += from_key(end) - from_key(start) + 1
    free = span_size(free_spans(session, pool.id))
    network = ipaddress.ip_network(pool.network)
    excluded = network.num_addresses - free - sum(sizes.values())
    return {
        "allocated": sizes[AllocationStatus.ALLOCATED],
        "reserved": sizes[AllocationStatus.RESERVED],
        "excluded": excluded,
        "free": free,
    }
