# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Allocating and releasing addresses and child prefixes, idempotent by owner.

An owner (``assigned_to_type`` / ``assigned_to_id``, as the billing side knows them) holds a
*set* of allocations in a pool at one prefix length; ``count`` is the size that set should
have. Asking again with the same count returns the same set, unchanged. Every call locks the
pool first, finds free space through ``ipam_freespace`` (never a scan of used addresses),
inserts under two unique constraints, keeps the pool's counters, and writes one audit event,
all in the caller's transaction. A lost race surfaces as RetryTransaction, for
``run_transaction`` to run the call again.

A new allocation is a handful of Core statements (``ipam_rows``, ``ipam_freespace``): lock
and read the pool row, check the owner, take the free range, insert the allocation and the
audit row, update the counters. The ORM is used only when an owner already holds something
(its allocations may change in place) and on release.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.services.ipam_addresses import (
    Span,
    address_text,
    format_span,
    from_key,
    merge_spans,
    to_key,
)
from ansible_collections.isp.network.plugins.module_utils.services.ipam_freespace import (
    give_back,
    take_aligned,
    take_lowest,
    take_span,
)
from ansible_collections.isp.network.plugins.module_utils.services.ipam_pools import (
    PoolRef,
    pool_usage,
)
from ansible_collections.isp.network.plugins.module_utils.services.ipam_requests import (
    Outcome,
    Request,
    check_request,
    exhausted,
    full_length,
    not_free,
    owner_text,
    resolve_device,
    specific_span,
)
from ansible_collections.isp.network.plugins.module_utils.services.ipam_rows import (
    insert_allocations,
    lock_pool_row,
    owner_holds_any,
    save_counters,
)
from ansible_collections.isp.network.plugins.module_utils.store.engine import RetryTransaction
from ansible_collections.isp.network.plugins.module_utils.store.models.base import utcnow
from ansible_collections.isp.network.plugins.module_utils.store.models.ipam import (
    AllocationStatus,
    IPAllocation,
    IPPool,
)

__all__ = ["Outcome", "Request", "allocate", "owner_text", "release_allocations"]


def _owner_holdings(
    session: Session, pool: IPPool, request: Request, length: int
) -> list[IPAllocation]:
    owner = (request.owner_type, request.owner_id)
    if not owner_holds_any(session, pool.id, owner, length):
        return []
    # Sorted here, not in SQL: an ORDER BY start_key tempts SQLite into walking the pool's
    # (pool_id, start_key) index, every allocation of the pool, instead of the owner's.
    query = select(IPAllocation).where(
        IPAllocation.pool_id == pool.id,
        IPAllocation.assigned_to_type == request.owner_type,
        IPAllocation.assigned_to_id == request.owner_id,
        IPAllocation.prefix_length == length,
    )
    return sorted(session.exec(query), key=lambda allocation: allocation.start_key)


def _free_slots(held: list[IPAllocation]) -> Iterator[int]:
    used = {allocation.slot for allocation in held}
    slot = 0
    while True:
        if slot not in used:
            yield slot
        slot += 1


def _take(session: Session, pool: IPPool, request: Request, length: int, need: int) -> list[Span]:
    """Remove ``need`` blocks of /``length`` from the free space; return them."""
    size = 1 << (full_length(pool.family) - length)
    if request.address:
        span = specific_span(pool, request, length)
        if not take_span(session, pool.id, *span):
            raise not_free(session, pool, span, length)
        return [span]
    if size == 1:
        if pool_usage(pool).free < need:
            raise exhausted(pool, need, length)
        return [
            (value, value)
            for start, end in take_lowest(session, pool.id, need)
            for value in range(start, end + 1)
        ]
    blocks = []
    for _block_number in range(need):
        block = take_aligned(session, pool.id, size)
        if block is None:
            raise exhausted(pool, need, length)
        blocks.append(block)
    return blocks


def _insert(
    session: Session,
    pool: IPPool,
    request: Request,
    length: int,
    blocks: list[Span],
    held: list[IPAllocation],
    device_id: int | None,
) -> list[IPAllocation]:
    now = utcnow()
    slots = _free_slots(held)
    rows = [
        {
            "pool_id": pool.id,
            "start_key": to_key(start),
            "end_key": to_key(end),
            "address": address_text(pool.family, start),
            "prefix_length": length,
            "status": request.status,
            "assigned_to_type": request.owner_type,
            "assigned_to_id": request.owner_id,
            "slot": next(slots),
            "device_id": device_id,
            "interface": request.interface,
            "hostname": request.hostname,
            "description": request.description,
            "allocated_at": now,
        }
        for start, end in blocks
    ]
    try:
        return insert_allocations(session, rows)
    except IntegrityError:
        # Another writer inserted the same address or owner slot: the lock was bypassed or
        # lost. Start again and see the winner's row.
        raise RetryTransaction() from None


def _size(allocation: IPAllocation) -> int:
    return from_key(allocation.end_key) - from_key(allocation.start_key) + 1


def _update_attributes(
    allocations: list[IPAllocation], wanted: dict
) -> tuple[bool, dict[AllocationStatus, int]]:
    """Apply ``wanted`` to ``allocations``; return whether any changed, and counter changes."""
    changed = False
    counters: dict[AllocationStatus, int] = {}
    for allocation in allocations:
        for name, value in wanted.items():
            if value is None or getattr(allocation, name) == value:
                continue
            if name == "status":
                old = AllocationStatus(allocation.status)
                counters[old] = counters.get(old, 0) - _size(allocation)
                counters[value] = counters.get(value, 0) + _size(allocation)
            setattr(allocation, name, value)
            changed = True
    return changed, counters


def allocate(session: Session, pool_ref: PoolRef, request: Request) -> Outcome:
    """Allocate for ``request`` from the pool, or return what its owner already holds.

    An owner that already holds ``count`` or more gets its lowest ``count`` back, unchanged.
    Raises NotFoundError (pool, device), ValidationError (bad request), ConflictError (a
    specific address that is taken or reserved), ExhaustedError (no room), RetryTransaction
    (a lost race).
    """
    pool = lock_pool_row(session, pool_ref)
    length = check_request(pool, request)
    device_id = resolve_device(session, request.device)
    request.status = AllocationStatus(request.status)
    held = _owner_holdings(session, pool, request, length)

    if request.address:
        start = specific_span(pool, request, length)[0]
        mine = [allocation for allocation in held if from_key(allocation.start_key) == start]
        need = 0 if mine else 1
    else:
        # An owner holding more than asked keeps them all; it is given its lowest ones.
        mine = held[: request.count]
        need = max(0, request.count - len(held))

    if need == 0:
        wanted = {
            "status": request.status,
            "device_id": device_id,
            "interface": request.interface,
            "hostname": request.hostname,
            "description": request.description,
        }
        updated, counters = _update_attributes(mine, wanted)
        if counters:
            save_counters(session, pool, counters)
        session.flush()
        return Outcome(pool, mine, "updated" if updated else "already allocated")

    blocks = _take(session, pool, request, length, need)
    new = _insert(session, pool, request, length, blocks, held, device_id)
    save_counters(session, pool, {request.status: sum(end - start + 1 for start, end in blocks)})
    _audit(session, "ip.allocate", pool, new, request.owner_type, request.owner_id)
    allocations = sorted([*mine, *new], key=lambda allocation: allocation.start_key)
    return Outcome(pool, allocations, "allocated", new)


def _audit(
    session: Session,
    action: str,
    pool: IPPool,
    allocations: list[IPAllocation],
    owner_type: str,
    owner_id: str,
) -> None:
    spans = merge_spans(
        (from_key(allocation.start_key), from_key(allocation.end_key)) for allocation in allocations
    )
    single = len(allocations) == 1
    name = (
        allocations[0].address if single else format_span(pool.family, (spans[0][0], spans[-1][1]))
    )
    details: dict[str, Any] = {
        "pool": pool.name,
        "owner": owner_text(owner_type, owner_id),
        "count": len(allocations),
        "spans": [format_span(pool.family, span) for span in spans[:100]],
    }
    AuditService.insert_row(
        session,
        action,
        "ip_address" if allocations[0].prefix_length in (32, 128) else "ip_prefix",
        allocations[0].id if single else None,
        name,
        details=details,
    )


def release_allocations(session: Session, pool: IPPool, allocations: list[IPAllocation]) -> Outcome:
    """Release ``allocations`` of the locked ``pool``: free their space, keep its counters."""
    if not allocations:
        return Outcome(pool, [], "already released")

    counters: dict[AllocationStatus, int] = {}
    for allocation in allocations:
        status = AllocationStatus(allocation.status)
        counters[status] = counters.get(status, 0) - _size(allocation)
        session.delete(allocation)
    session.flush()
    spans = merge_spans(
        (from_key(allocation.start_key), from_key(allocation.end_key)) for allocation in allocations
    )
    for start, end in spans:
        give_back(session, pool.id, start, end)
    save_counters(session, pool, counters)
    by_owner: dict[tuple[str, str], list[IPAllocation]] = {}
    for allocation in allocations:
        owner = (allocation.assigned_to_type, allocation.assigned_to_id)
        by_owner.setdefault(owner, []).append(allocation)
    for (owner_type, owner_id), released in by_owner.items():
        _audit(session, "ip.release", pool, released, owner_type, owner_id)
    return Outcome(pool, allocations, "released")
