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
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ansible_collections.isp.network.plugins.module_utils.errors import (
    ConflictError,
    ExhaustedError,
    NotFoundError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.services.ipam_addresses import (
    Span,
    address_in,
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
    add_to_counters,
    lock_pool,
    pool_usage,
)
from ansible_collections.isp.network.plugins.module_utils.store.engine import RetryTransaction
from ansible_collections.isp.network.plugins.module_utils.store.models.base import utcnow
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import Device
from ansible_collections.isp.network.plugins.module_utils.store.models.ipam import (
    AllocationStatus,
    IPAllocation,
    IPPool,
)

MAX_COUNT = 100_000
# Attributes of an allocation a repeated request may change in place.
_MUTABLE = ("status", "device_id", "interface", "hostname", "description")


@dataclass
class Outcome:
    """What an allocation or release did: the pool, the allocations concerned, and a word.

    ``status`` is one of: allocated, already allocated, updated, released, already released.
    """

    pool: IPPool | None
    allocations: list[IPAllocation]
    status: str
    new: list[IPAllocation] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Return True when the store changed."""
        return self.status in ("allocated", "updated", "released")


@dataclass
class Request:
    """One allocation request, as ``allocate`` receives it."""

    owner_type: str
    owner_id: str
    count: int = 1
    address: str | None = None
    prefix_length: int | None = None
    status: AllocationStatus = AllocationStatus.ALLOCATED
    device: str | None = None
    interface: str | None = None
    hostname: str | None = None
    description: str | None = None


def owner_text(owner_type: str, owner_id: str) -> str:
    """Return the owner as users write it: ``customer 123``."""
    return f"{owner_type} {owner_id}"


def resolve_device(session: Session, name: str | None) -> int | None:
    """Return the id of device ``name`` (None for None); raises NotFoundError when unknown."""
    if not name:
        return None
    device_id = session.exec(select(Device.id).where(Device.name == name)).first()
    if device_id is None:
        raise NotFoundError(
            f"device '{name}' is not in the store; register it with isp.network.device first"
        )
    return device_id


def _check_request(pool: IPPool, request: Request) -> int:
    """Return the prefix length asked for, after checking the request; raises ValidationError."""
    if not str(request.owner_type or "").strip() or not str(request.owner_id or "").strip():
        raise ValidationError(
            f"an allocation from pool '{pool.name}' needs an owner; set assigned_to_type and "
            "assigned_to_id (for example customer and 123)"
        )
    if not 1 <= request.count <= MAX_COUNT:
        raise ValidationError(
            f"count {request.count} is out of range; ask for 1 to {MAX_COUNT} at once"
        )
    if request.address and request.count != 1:
        raise ValidationError(
            f"a specific address ({request.address}) is one allocation; leave count at 1"
        )
    network = ipaddress.ip_network(pool.network)
    length = network.max_prefixlen if request.prefix_length is None else request.prefix_length
    if not network.prefixlen <= length <= network.max_prefixlen:
        raise ValidationError(
            f"prefix length /{length} does not fit in pool '{pool.name}' ({pool.network}); "
            f"use /{network.prefixlen} to /{network.max_prefixlen}"
        )
    return length


def _owner_holdings(session: Session, pool: IPPool, request: Request, length: int):
    # Sorted here, not in SQL: an ORDER BY start_key tempts SQLite into walking the pool's
    # (pool_id, start_key) index, every allocation of the pool, instead of the owner's.
    query = select(IPAllocation).where(
        IPAllocation.pool_id == pool.id,
        IPAllocation.assigned_to_type == request.owner_type,
        IPAllocation.assigned_to_id == request.owner_id,
        IPAllocation.prefix_length == length,
    )
    return sorted(session.exec(query), key=lambda allocation: allocation.start_key)


def _what(length: int, family: int) -> str:
    return "address" if length == (32 if family == 4 else 128) else f"/{length} prefix"


def _specific_span(pool: IPPool, request: Request, length: int) -> Span:
    network = ipaddress.ip_network(pool.network)
    text = str(request.address).split("/")[0]
    what = _what(length, pool.family)
    start = address_in(network, text, what, pool.name)
    size = 1 << (network.max_prefixlen - length)
    if start % size:
        aligned = address_text(pool.family, start - start % size)
        raise ValidationError(
            f"prefix {request.address} is not aligned on /{length}; use {aligned}/{length}"
        )
    return start, start + size - 1


def _not_free(session: Session, pool: IPPool, span: Span, length: int) -> ConflictError:
    query = (
        select(IPAllocation)
        .where(IPAllocation.pool_id == pool.id, IPAllocation.start_key <= to_key(span[1]))
        .order_by(col(IPAllocation.start_key).desc())
        .limit(1)
    )
    holder = session.exec(query).first()
    text = (
        format_span(pool.family, span) if span[0] != span[1] else address_text(pool.family, span[0])
    )
    if holder is not None and from_key(holder.end_key) >= span[0]:
        who = owner_text(holder.assigned_to_type, holder.assigned_to_id)
        return ConflictError(
            f"{_what(length, pool.family)} {text} in pool '{pool.name}' is already allocated to "
            f"{who}; choose another or release it first"
        )
    return ConflictError(
        f"{_what(length, pool.family)} {text} in pool '{pool.name}' is reserved (network, "
        "broadcast, gateway or a reserved range); choose another"
    )


def _exhausted(pool: IPPool, need: int, length: int) -> ExhaustedError:
    usage = pool_usage(pool)
    handable = usage.size - usage.reserved + int(pool.count_reserved)
    used = handable - usage.free
    if length != (32 if pool.family == 4 else 128) and need > 1:
        return ExhaustedError(
            f"pool '{pool.name}' has room for fewer than the {need} /{length} prefixes asked for "
            f"({used} of {handable} addresses used); ask for fewer, extend it or release prefixes"
        )
    if length != (32 if pool.family == 4 else 128):
        return ExhaustedError(
            f"pool '{pool.name}' has no free /{length} left ({used} of {handable} addresses "
            "used); extend it or release prefixes"
        )
    if usage.free == 0:
        return ExhaustedError(
            f"pool '{pool.name}' has no free address ({used} of {handable} used); extend it "
            "or release addresses"
        )
    noun = "address" if usage.free == 1 else "addresses"
    return ExhaustedError(
        f"pool '{pool.name}' has {usage.free} free {noun}, fewer than the {need} asked for; "
        "ask for fewer, extend it or release addresses"
    )


def _free_slots(held: list[IPAllocation]) -> Iterator[int]:
    used = {allocation.slot for allocation in held}
    slot = 0
    while True:
        if slot not in used:
            yield slot
        slot += 1


def _take(session: Session, pool: IPPool, request: Request, length: int, need: int) -> list[Span]:
    """Remove ``need`` blocks of /``length`` from the free space; return them."""
    size = 1 << ((32 if pool.family == 4 else 128) - length)
    if request.address:
        span = _specific_span(pool, request, length)
        if not take_span(session, pool.id, *span):
            raise _not_free(session, pool, span, length)
        return [span]
    if size == 1:
        if pool_usage(pool).free < need:
            raise _exhausted(pool, need, length)
        return [
            (value, value)
            for start, end in take_lowest(session, pool.id, need)
            for value in range(start, end + 1)
        ]
    blocks = []
    for _ in range(need):
        block = take_aligned(session, pool.id, size)
        if block is None:
            raise _exhausted(pool, need, length)
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
    table = IPAllocation.__table__
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    try:
        ids = session.execute(statement, rows).scalars().all()
    except IntegrityError:
        # Another writer inserted the same address or owner slot: the lock was bypassed or
        # lost. Start again and see the winner's row.
        raise RetryTransaction() from None
    return [IPAllocation(id=row_id, **row) for row_id, row in zip(ids, rows, strict=True)]


def _update_attributes(allocations: list[IPAllocation], pool: IPPool, wanted: dict) -> bool:
    changed = False
    for allocation in allocations:
        for name, value in wanted.items():
            if value is None or getattr(allocation, name) == value:
                continue
            if name == "status":
                size = from_key(allocation.end_key) - from_key(allocation.start_key) + 1
                add_to_counters(pool, allocation.status, -size)
                add_to_counters(pool, value, size)
            setattr(allocation, name, value)
            changed = True
    return changed


def allocate(session: Session, pool_ref: PoolRef, request: Request) -> Outcome:
    """Allocate for ``request`` from the pool, or return what its owner already holds.

    An owner that already holds ``count`` or more gets its lowest ``count`` back, unchanged.
    Raises NotFoundError (pool, device), ValidationError (bad request), ConflictError (a
    specific address that is taken or reserved), ExhaustedError (no room), RetryTransaction
    (a lost race).
    """
    pool = lock_pool(session, pool_ref)
    length = _check_request(pool, request)
    device_id = resolve_device(session, request.device)
    request.status = AllocationStatus(request.status)
    held = _owner_holdings(session, pool, request, length)
    wanted = {
        "status": request.status,
        "device_id": device_id,
        "interface": request.interface,
        "hostname": request.hostname,
        "description": request.description,
    }

    if request.address:
        start = _specific_span(pool, request, length)[0]
        mine = [allocation for allocation in held if from_key(allocation.start_key) == start]
        need = 0 if mine else 1
    else:
        # An owner holding more than asked keeps them all; it is given its lowest ones.
        mine = held[: request.count]
        need = max(0, request.count - len(held))

    if need == 0:
        updated = _update_attributes(mine, pool, wanted)
        session.flush()
        return Outcome(pool, mine, "updated" if updated else "already allocated")

    blocks = _take(session, pool, request, length, need)
    new = _insert(session, pool, request, length, blocks, held, device_id)
    add_to_counters(pool, request.status, sum(end - start + 1 for start, end in blocks))
    pool.updated_at = utcnow()
    session.add(pool)
    session.flush()
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
    AuditService.record(
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

    for allocation in allocations:
        size = from_key(allocation.end_key) - from_key(allocation.start_key) + 1
        add_to_counters(pool, allocation.status, -size)
        session.delete(allocation)
    session.flush()
    spans = merge_spans(
        (from_key(allocation.start_key), from_key(allocation.end_key)) for allocation in allocations
    )
    for start, end in spans:
        give_back(session, pool.id, start, end)
    pool.updated_at = utcnow()
    session.add(pool)
    session.flush()
    by_owner: dict[tuple[str, str], list[IPAllocation]] = {}
    for allocation in allocations:
        owner = (allocation.assigned_to_type, allocation.assigned_to_id)
        by_owner.setdefault(owner, []).append(allocation)
    for (owner_type, owner_id), released in by_owner.items():
        _audit(session, "ip.release", pool, released, owner_type, owner_id)
    return Outcome(pool, allocations, "released")
