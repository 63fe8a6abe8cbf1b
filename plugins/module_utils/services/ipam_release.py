# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finding what to release (by address, by prefix, by owner) and releasing it."""

from __future__ import annotations

import ipaddress

from sqlmodel import Session, col, select

from ansible_collections.isp.network.plugins.module_utils.errors import ConflictError
from ansible_collections.isp.network.plugins.module_utils.services.ipam_addresses import (
    address_in,
    parse_address,
    parse_network,
    to_key,
)
from ansible_collections.isp.network.plugins.module_utils.services.ipam_allocation import (
    Outcome,
    release_allocations,
)
from ansible_collections.isp.network.plugins.module_utils.services.ipam_pools import (
    PoolRef,
    get_pool,
    lock_pool,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.ipam import (
    IPAllocation,
    IPPool,
)


def _parse_target(value: str, prefix: bool) -> tuple[int, int, int]:
    """Return (version, first address as an integer, prefix length) of ``value``."""
    if prefix:
        network = parse_network(value)
        return network.version, int(network.network_address), network.prefixlen
    address = parse_address(value)
    return address.version, int(address), address.max_prefixlen


def release_at(
    session: Session, value: str, pool_ref: PoolRef | None = None, *, prefix: bool = False
) -> Outcome:
    """Release the address (or, with ``prefix``, the child prefix) ``value``.

    Without ``pool_ref`` the allocation is looked up in every pool. Returns an Outcome
    ``already released`` when nothing holds it. Raises ValidationError (bad value, or outside
    the pool named), NotFoundError (unknown pool), ConflictError (held in several VRFs and no
    pool named).
    """
    version, start, length = _parse_target(value, prefix)
    query = (
        select(IPAllocation.pool_id)
        .join(IPPool, col(IPPool.id) == col(IPAllocation.pool_id))
        .where(
            IPAllocation.start_key == to_key(start),
            IPAllocation.prefix_length == length,
            IPPool.family == version,
        )
    )
    if pool_ref is not None:
        pool = get_pool(session, pool_ref)
        address = str(value).split("/", maxsplit=1)[0]
        address_in(ipaddress.ip_network(pool.network), address, "address", pool.name)
        query = query.where(IPAllocation.pool_id == pool.id)
    pool_ids = sorted(set(session.exec(query)))
    if not pool_ids:
        return Outcome(None if pool_ref is None else pool, [], "already released")
    if len(pool_ids) > 1:
        names = session.exec(select(IPPool.name).where(col(IPPool.id).in_(pool_ids))).all()
        listed = ", ".join(f"'{name}'" for name in sorted(names))
        raise ConflictError(
            f"{value} is allocated in several pools ({listed}); name the pool to release it from"
        )

    pool = lock_pool(session, pool_ids[0])
    allocations = list(
        session.exec(
            select(IPAllocation).where(
                IPAllocation.pool_id == pool.id,
                IPAllocation.start_key == to_key(start),
                IPAllocation.prefix_length == length,
            )
        )
    )
    return release_allocations(session, pool, allocations)


def release_owner(
    session: Session,
    pool_ref: PoolRef,
    owner_type: str,
    owner_id: str,
    *,
    prefix_length: int | None = None,
) -> Outcome:
    """Release everything the owner holds in the pool (only /``prefix_length`` when given).

    Raises NotFoundError when the pool does not exist.
    """
    pool = lock_pool(session, pool_ref)
    query = select(IPAllocation).where(
        IPAllocation.pool_id == pool.id,
        IPAllocation.assigned_to_type == owner_type,
        IPAllocation.assigned_to_id == str(owner_id),
    )
    if prefix_length is not None:
        query = query.where(IPAllocation.prefix_length == prefix_length)
    return release_allocations(session, pool, list(session.exec(query)))
