# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IP address management: the ``IPPoolService`` Python API.

Pools by type, allocation of addresses and child prefixes that never doubles, release,
and usage. Every method takes an explicit session and runs in its transaction; calls that
write lock the pool first. Run the writing calls through
``store.engine.run_transaction`` so that a lost race (RetryTransaction) or a busy lock is
retried::

    run_transaction(
        lambda session: IPPoolService.allocate_ip(session, "cust-a", "123", "customer"),
        url,
        what="pool 'cust-a'",
    )

The work is split by concern: ``ipam_addresses`` (parsing, keys), ``ipam_freespace`` (the
free-range table), ``ipam_pools``, ``ipam_requests`` (requests, checks, outcomes),
``ipam_rows`` (Core statements on the allocation path), ``ipam_allocation``, ``ipam_release``,
``ipam_views``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session

from ansible_collections.isp.network.plugins.module_utils.services import (
    ipam_allocation,
    ipam_pools,
    ipam_release,
    ipam_views,
)
from ansible_collections.isp.network.plugins.module_utils.services.ipam_allocation import (
    Outcome,
    Request,
)
from ansible_collections.isp.network.plugins.module_utils.services.ipam_pools import (
    PoolRef,
    PoolUsage,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.ipam import (
    AllocationStatus,
    IPAllocation,
    IPPool,
    IPPoolType,
)

__all__ = [
    "AllocationStatus",
    "IPPoolService",
    "IPPoolType",
    "Outcome",
    "PoolUsage",
    "Request",
]


class IPPoolService:
    """Address pools and what is allocated from them. ``pool`` is a pool's id or name."""

    # Pools

    @staticmethod
    def create_pool(
        session: Session,
        name: str,
        network: str,
        pool_type: IPPoolType | str = IPPoolType.CUSTOMER,
        gateway: str | None = None,
        dns_servers: Iterable[str] = (),
        **fields: Any,
    ) -> IPPool:
        """Create and return a pool.

        ``fields`` may hold vrf, description, site, tenant, reserved_ranges and
        warning_threshold. Raises ValidationError (bad CIDR, gateway outside the pool, ...)
        or ConflictError (name taken, overlap with a pool of the same VRF).
        """
        return ipam_pools.create_pool(
            session,
            name,
            network=network,
            pool_type=pool_type,
            gateway=gateway,
            dns_servers=list(dns_servers),
            **fields,
        )

    @staticmethod
    def ensure_pool(session: Session, name: str, **fields: Any) -> tuple[IPPool, str, list[str]]:
        """Create the pool or bring it to ``fields``; return it, a word, and what changed.

        The word is ``created``, ``updated`` or ``already exists``. Fields left None keep
        their stored value. Raises as create_pool and update_pool do.
        """
        if ipam_pools.find_pool(session, name) is None:
            return ipam_pools.create_pool(session, name, **fields), "created", []
        pool, changed = ipam_pools.update_pool(session, name, **fields)
        return pool, "updated" if changed else "already exists", changed

    @staticmethod
    def update_pool(session: Session, pool: PoolRef, **fields: Any) -> tuple[IPPool, list[str]]:
        """Change the pool's fields; return it and the names of those that changed."""
        return ipam_pools.update_pool(session, pool, **fields)

    @staticmethod
    def delete_pool(session: Session, pool: PoolRef, *, force: bool = False) -> IPPool | None:
        """Delete the pool (None when absent); ConflictError while it holds allocations."""
        return ipam_pools.delete_pool(session, pool, force=force)

    @staticmethod
    def get_pool(session: Session, pool: PoolRef) -> IPPool:
        """Return the pool; raises NotFoundError when it does not exist."""
        return ipam_pools.get_pool(session, pool)

    @staticmethod
    def list_pools(session: Session, **filters: Any) -> list[IPPool]:
        """Return the pools matching ``names``, ``vrf``, ``pool_type``, ``site``, ``tenant``."""
        return ipam_pools.list_pools(session, **filters)

    @staticmethod
    def get_pool_usage(session: Session, pool_id: PoolRef) -> PoolUsage:
        """Return the pool's usage from its counters; raises NotFoundError."""
        return ipam_pools.pool_usage(ipam_pools.get_pool(session, pool_id))

    @staticmethod
    def pool_dict(pool: IPPool) -> dict[str, Any]:
        """Return the pool as a plain dict."""
        return ipam_pools.pool_dict(pool)

    # Addresses

    @staticmethod
    def allocate_ip(
        session: Session,
        pool_id: PoolRef,
        assigned_to_id: str,
        assigned_to_type: str = "customer",
        *,
        address: str | None = None,
        **attributes: Any,
    ) -> IPAllocation:
        """Return the address the owner holds in the pool, allocating the lowest free one.

        With ``address``, that address. ``attributes``: status, device (a name),
        interface, hostname, description. Raises as ``allocate`` does.
        """
        request = Request(assigned_to_type, str(assigned_to_id), address=address, **attributes)
        return ipam_allocation.allocate(session, pool_id, request).allocations[0]

    @staticmethod
    def allocate(session: Session, pool: PoolRef, request: Request) -> Outcome:
        """Allocate ``request.count`` addresses (or /``prefix_length`` prefixes) for its owner.

        Idempotent by owner: the owner's set in the pool is brought up to ``count``; asking
        again returns the same set with status ``already allocated`` (an owner holding more
        gets its lowest ``count``). All or nothing.
        Raises NotFoundError, ValidationError, ConflictError, ExhaustedError, or
        RetryTransaction on a lost race (``run_transaction`` retries it).
        """
        return ipam_allocation.allocate(session, pool, request)

    @staticmethod
    def release_ip(session: Session, ip_address: str, pool: PoolRef | None = None) -> Outcome:
        """Release the address; status ``already released`` when nothing held it."""
        return ipam_release.release_at(session, ip_address, pool)

    @staticmethod
    def release_owner(
        session: Session,
        pool: PoolRef,
        assigned_to_id: str,
        assigned_to_type: str = "customer",
        *,
        prefix_length: int | None = None,
    ) -> Outcome:
        """Release everything the owner holds in the pool (or only its /``prefix_length``)."""
        return ipam_release.release_owner(
            session, pool, assigned_to_type, str(assigned_to_id), prefix_length=prefix_length
        )

    # Child prefixes

    @staticmethod
    def allocate_prefix(
        session: Session,
        pool: PoolRef,
        prefix_length: int,
        assigned_to_id: str,
        assigned_to_type: str = "customer",
        *,
        prefix: str | None = None,
        count: int = 1,
        **attributes: Any,
    ) -> Outcome:
        """Allocate the first free aligned /``prefix_length`` block(s) (or ``prefix``).

        Idempotent by owner and length, like ``allocate``.
        """
        request = Request(
            assigned_to_type,
            str(assigned_to_id),
            count=count,
            address=prefix,
            prefix_length=prefix_length,
            **attributes,
        )
        return ipam_allocation.allocate(session, pool, request)

    @staticmethod
    def release_prefix(session: Session, prefix: str, pool: PoolRef | None = None) -> Outcome:
        """Release the child prefix (a CIDR); ``already released`` when nothing held it."""
        return ipam_release.release_at(session, prefix, pool, prefix=True)

    # Reading

    @staticmethod
    def list_allocations(session: Session, **filters: Any) -> list[IPAllocation]:
        """Return allocations matching ``pool``, ``owner_type``, ``owner_id``, ``device``,
        ``address`` and ``kind`` (address or prefix)."""
        return ipam_views.list_allocations(session, **filters)

    @staticmethod
    def owner_addresses(
        session: Session, pool: PoolRef, assigned_to_id: str, assigned_to_type: str = "customer"
    ) -> list[dict[str, Any]]:
        """Return, as dicts, what the owner holds in the pool (empty when nothing)."""
        found = ipam_views.list_allocations(
            session, pool=pool, owner_type=assigned_to_type, owner_id=str(assigned_to_id)
        )
        return ipam_views.allocation_dicts(session, found)

    @staticmethod
    def allocation_dicts(
        session: Session, allocations: list[IPAllocation], pool: IPPool | None = None
    ) -> list[dict[str, Any]]:
        """Return allocations as plain dicts with pool and device names, gateway and DNS."""
        return ipam_views.allocation_dicts(session, allocations, pool)

    @staticmethod
    def recount(session: Session, pool: PoolRef) -> dict[str, int]:
        """Return the pool's counts recomputed from its rows, to compare with its usage."""
        return ipam_views.recount(session, ipam_pools.get_pool(session, pool))
