# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pool and allocation rows on the allocation path, read and written with Core statements.

One allocation is a few short statements under the pool's lock, so what each statement
costs in Python matters as much as what it costs in the database: the statements are built
once here with bound parameters (SQLAlchemy compiles each once per process), run on the
session's connection, and rows become model instances without the ORM's unit of work.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import attributes, instrumentation
from sqlmodel import Session, SQLModel

from ansible_collections.isp.network.plugins.module_utils.services.ipam_pools import (
    PoolRef,
    missing_pool,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.base import utcnow
from ansible_collections.isp.network.plugins.module_utils.store.models.ipam import (
    AllocationStatus,
    IPAllocation,
    IPPool,
)
from ansible_collections.isp.network.plugins.module_utils.store.tenancy import in_scope

M = TypeVar("M", bound=SQLModel)

_pools = IPPool.__table__
_allocations = IPAllocation.__table__
# FOR UPDATE is the row lock on PostgreSQL; SQLite renders nothing (BEGIN IMMEDIATE locks).
_LOCK_BY_ID = select(_pools).where(_pools.c.id == bindparam("ref")).with_for_update()
_LOCK_BY_NAME = select(_pools).where(_pools.c.name == bindparam("ref")).with_for_update()
_SAVE_COUNTERS = update(_pools).where(_pools.c.id == bindparam("pool"))
_OWNER_HOLDS = (
    select(_allocations.c.id)
    .where(
        _allocations.c.pool_id == bindparam("pool"),
        _allocations.c.assigned_to_type == bindparam("owner_type"),
        _allocations.c.assigned_to_id == bindparam("owner_id"),
        _allocations.c.prefix_length == bindparam("length"),
    )
    .limit(1)
)
_INSERT_ALLOCATION = insert(_allocations).returning(_allocations.c.id, sort_by_parameter_order=True)


def detached(model: type[M], values: dict[str, Any]) -> M:
    """Return a new, session-less ``model`` instance holding ``values`` as they are.

    Built the way the ORM builds a loaded row (no validation, no change tracking), for
    values that come from the database or were just written to it.
    """
    instance = instrumentation.manager_of_class(model).new_instance()
    instance.__dict__.update(values)
    return instance


def lock_pool_row(session: Session, pool: PoolRef) -> IPPool:
    """Return the pool with id or name ``pool``, locked for this transaction.

    The row lock on PostgreSQL; on SQLite the write session already holds the database lock.
    When the session already holds the pool as an object, that object is refreshed and
    returned; otherwise a detached copy. Raises NotFoundError when there is no such pool, or
    when it is outside the session's tenant scope (a Core statement: the scope is checked
    here, since the ORM's scope criteria do not apply).
    """
    session.flush()
    query = _LOCK_BY_ID if isinstance(pool, int) else _LOCK_BY_NAME
    row = session.connection().execute(query, {"ref": pool}).first()
    if row is None or not in_scope(session, row.tenant):
        raise missing_pool(pool)
    values = dict(row._mapping)
    held = session.identity_map.get(session.identity_key(IPPool, values["id"]))
    if held is None:
        return detached(IPPool, values)
    for name, value in values.items():
        attributes.set_committed_value(held, name, value)
    return held


def save_counters(session: Session, pool: IPPool, changes: dict[AllocationStatus, int]) -> None:
    """Add ``changes`` (addresses per status, negative to subtract) to the pool's counters.

    One UPDATE of the locked pool row; ``pool`` is brought up to date without being marked
    changed, so no ORM flush writes it again.
    """
    allocated = int(pool.count_allocated) + changes.get(AllocationStatus.ALLOCATED, 0)
    reserved = int(pool.count_reserved) + changes.get(AllocationStatus.RESERVED, 0)
    values = {
        "count_allocated": str(allocated),
        "count_reserved": str(reserved),
        "updated_at": utcnow(),
    }
    session.connection().execute(_SAVE_COUNTERS, {"pool": pool.id, **values})
    for name, value in values.items():
        attributes.set_committed_value(pool, name, value)


def owner_holds_any(session: Session, pool_id: int, owner: tuple[str, str], length: int) -> bool:
    """Return True when the owner holds at least one /``length`` allocation in the pool."""
    params = {"pool": pool_id, "owner_type": owner[0], "owner_id": owner[1], "length": length}
    return session.connection().execute(_OWNER_HOLDS, params).first() is not None


def insert_allocations(session: Session, rows: list[dict[str, Any]]) -> list[IPAllocation]:
    """Insert ``rows`` of ``ip_allocation``; return them as detached allocations with ids.

    Raises IntegrityError when a unique constraint (address, or owner slot) refuses one.
    """
    connection = session.connection()
    if len(rows) == 1:
        ids = [connection.execute(_INSERT_ALLOCATION, rows[0]).scalar_one()]
    else:
        ids = connection.execute(_INSERT_ALLOCATION, rows).scalars().all()
    return [
        detached(IPAllocation, {"id": row_id, **row}) for row_id, row in zip(ids, rows, strict=True)
    ]
