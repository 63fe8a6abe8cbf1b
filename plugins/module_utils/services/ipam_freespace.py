# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The free space of a pool: a table of disjoint runs of free addresses.

Every operation here is a handful of indexed queries on ``ip_free_range``, whatever the
size or fill of the pool: the lowest free address is the start of the pool's first run, a
specific address is found in the run that starts at or below it, and a release merges the
returned span with its neighbours. Callers hold the pool's lock (``ipam_pools.lock_pool``).

This is the hot path of every allocation, so the statements are Core statements with bound
parameters, built once here and run on the session's connection: no ORM objects, and every
execution after the first hits SQLAlchemy's compiled cache.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, bindparam, delete, insert, select, update
from sqlmodel import Session

from ansible_collections.isp.network.plugins.module_utils.services.ipam_addresses import (
    Span,
    from_key,
    to_key,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.ipam import IPFreeRange

_runs = IPFreeRange.__table__
_c = _runs.c
_of_pool = select(_c.id, _c.start_key, _c.end_key).where(_c.pool_id == bindparam("pool"))

_LOWEST = _of_pool.order_by(_c.start_key).limit(1)
_AT_OR_BELOW = (
    _of_pool.where(_c.start_key <= bindparam("key")).order_by(_c.start_key.desc()).limit(1)
)
_STARTING_AT = _of_pool.where(_c.start_key == bindparam("key")).limit(1)
_ALL = _of_pool.order_by(_c.start_key)
_HOLDING_AT_LEAST = (
    _of_pool.where(_c.span_key >= bindparam("span"))
    .order_by(_c.start_key)
    .execution_options(yield_per=64)
)
# The SET and VALUES clauses come from the parameters' names (start_key, end_key, span_key).
_ADD = insert(_runs)
_SET_BOUNDS = update(_runs).where(_c.id == bindparam("run"))
_DROP = delete(_runs).where(_c.id == bindparam("run"))
_DROP_POOL = delete(_runs).where(_c.pool_id == bindparam("pool"))

Run = tuple[int, int, int]


def _values(start: int, end: int) -> dict[str, str]:
    return {"start_key": to_key(start), "end_key": to_key(end), "span_key": to_key(end - start)}


def _add(connection: Connection, pool_id: int, start: int, end: int) -> None:
    connection.execute(_ADD, {"pool_id": pool_id, **_values(start, end)})


def _set_bounds(connection: Connection, run_id: int, start: int, end: int) -> None:
    if start > end:
        connection.execute(_DROP, {"run": run_id})
    else:
        connection.execute(_SET_BOUNDS, {"run": run_id, **_values(start, end)})


def _first(connection: Connection, query, **params) -> Run | None:
    row = connection.execute(query, params).first()
    return None if row is None else (row[0], from_key(row[1]), from_key(row[2]))


def replace_free_spans(session: Session, pool_id: int, spans: Iterable[Span]) -> None:
    """Make ``spans`` (disjoint, not adjacent) the whole free space of the pool."""
    connection = session.connection()
    connection.execute(_DROP_POOL, {"pool": pool_id})
    rows = [{"pool_id": pool_id, **_values(start, end)} for start, end in spans]
    if rows:
        connection.execute(_ADD, rows)


def free_spans(session: Session, pool_id: int) -> list[Span]:
    """Return every free span of the pool, lowest first (for checks and rebuilds)."""
    rows = session.connection().execute(_ALL, {"pool": pool_id})
    return [(from_key(start), from_key(end)) for _id, start, end in rows]


def take_lowest(session: Session, pool_id: int, count: int) -> list[Span]:
    """Remove the ``count`` lowest free addresses; return them as spans, lowest first.

    Returns fewer when the pool runs out; the caller checks its counters first.
    """
    connection = session.connection()
    taken: list[Span] = []
    while count > 0:
        run = _first(connection, _LOWEST, pool=pool_id)
        if run is None:
            break
        run_id, start, end = run
        last = min(end, start + count - 1)
        taken.append((start, last))
        count -= last - start + 1
        _set_bounds(connection, run_id, last + 1, end)
    return taken


def _run_at_or_below(connection: Connection, pool_id: int, value: int) -> Run | None:
    return _first(connection, _AT_OR_BELOW, pool=pool_id, key=to_key(value))


def take_span(session: Session, pool_id: int, start: int, end: int) -> bool:
    """Remove ``start``..``end`` from the free space; return False when not all of it is free."""
    connection = session.connection()
    run = _run_at_or_below(connection, pool_id, start)
    if run is None or run[2] < end:
        return False
    run_id, run_start, run_end = run
    if run_end > end:
        _add(connection, pool_id, end + 1, run_end)
    _set_bounds(connection, run_id, run_start, start - 1)
    return True


def take_aligned(session: Session, pool_id: int, size: int) -> Span | None:
    """Remove and return the lowest free block of ``size`` addresses aligned on ``size``.

    Only runs holding at least ``size`` addresses are read (an indexed filter); a run of
    ``2 * size - 1`` or more always holds an aligned block, so few runs are ever skipped.
    Returns None when no such block is free.
    """
    block = None
    with session.connection().execute(
        _HOLDING_AT_LEAST, {"pool": pool_id, "span": to_key(size - 1)}
    ) as rows:
        for _id, start_key, end_key in rows:
            start, end = from_key(start_key), from_key(end_key)
            aligned = -(-start // size) * size
            if aligned + size - 1 <= end:
                block = (aligned, aligned + size - 1)
                break
    if block is None:
        return None
    take_span(session, pool_id, *block)
    return block


def give_back(session: Session, pool_id: int, start: int, end: int) -> None:
    """Return ``start``..``end`` (not free now) to the free space, merged with its neighbours."""
    connection = session.connection()
    before = _run_at_or_below(connection, pool_id, start)
    if before is not None and before[2] != start - 1:
        before = None
    after = _first(connection, _STARTING_AT, pool=pool_id, key=to_key(end + 1))

    if before is not None and after is not None:
        connection.execute(_DROP, {"run": after[0]})
        _set_bounds(connection, before[0], before[1], after[2])
    elif before is not None:
        _set_bounds(connection, before[0], before[1], end)
    elif after is not None:
        _set_bounds(connection, after[0], start, after[2])
    else:
        _add(connection, pool_id, start, end)
