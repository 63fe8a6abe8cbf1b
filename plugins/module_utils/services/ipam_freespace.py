# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The free space of a pool: a table of disjoint runs of free addresses.

Every operation here is a handful of indexed queries on ``ip_free_range``, whatever the
size or fill of the pool: the lowest free address is the start of the pool's first run, a
specific address is found in the run that starts at or below it, and a release merges the
returned span with its neighbours. Callers hold the pool's lock (``ipam_pools.lock_pool``).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, insert, select, update
from sqlmodel import Session

from ansible_collections.isp.network.plugins.module_utils.services.ipam_addresses import (
    Span,
    from_key,
    to_key,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.ipam import IPFreeRange

# Core statements on the table, not ORM objects: this is the hot path of every allocation.
_runs = IPFreeRange.__table__
_c = _runs.c


def _values(start: int, end: int) -> dict[str, str]:
    return {"start_key": to_key(start), "end_key": to_key(end), "span_key": to_key(end - start)}


def _add(session: Session, pool_id: int, start: int, end: int) -> None:
    session.execute(insert(_runs).values(pool_id=pool_id, **_values(start, end)))


def _set_bounds(session: Session, run_id: int, start: int, end: int) -> None:
    if start > end:
        session.execute(delete(_runs).where(_c.id == run_id))
    else:
        session.execute(update(_runs).where(_c.id == run_id).values(**_values(start, end)))


def _first(session: Session, query) -> tuple[int, int, int] | None:
    row = session.execute(query.limit(1)).first()
    return None if row is None else (row.id, from_key(row.start_key), from_key(row.end_key))


def _of_pool(pool_id: int):
    return select(_c.id, _c.start_key, _c.end_key).where(_c.pool_id == pool_id)


def replace_free_spans(session: Session, pool_id: int, spans: Iterable[Span]) -> None:
    """Make ``spans`` (disjoint, not adjacent) the whole free space of the pool."""
    session.execute(delete(_runs).where(_c.pool_id == pool_id))
    rows = [{"pool_id": pool_id, **_values(start, end)} for start, end in spans]
    if rows:
        session.execute(insert(_runs), rows)


def free_spans(session: Session, pool_id: int) -> list[Span]:
    """Return every free span of the pool, lowest first (for checks and rebuilds)."""
    rows = session.execute(_of_pool(pool_id).order_by(_c.start_key))
    return [(from_key(row.start_key), from_key(row.end_key)) for row in rows]


def take_lowest(session: Session, pool_id: int, count: int) -> list[Span]:
    """Remove the ``count`` lowest free addresses; return them as spans, lowest first.

    Returns fewer when the pool runs out; the caller checks its counters first.
    """
    taken: list[Span] = []
    while count > 0:
        run = _first(session, _of_pool(pool_id).order_by(_c.start_key))
        if run is None:
            break
        run_id, start, end = run
        last = min(end, start + count - 1)
        taken.append((start, last))
        count -= last - start + 1
        _set_bounds(session, run_id, last + 1, end)
    return taken


def _run_at_or_below(session: Session, pool_id: int, value: int) -> tuple[int, int, int] | None:
    query = _of_pool(pool_id).where(_c.start_key <= to_key(value)).order_by(_c.start_key.desc())
    return _first(session, query)


def take_span(session: Session, pool_id: int, start: int, end: int) -> bool:
    """Remove ``start``..``end`` from the free space; return False when not all of it is free."""
    run = _run_at_or_below(session, pool_id, start)
    if run is None or run[2] < end:
        return False
    run_id, run_start, run_end = run
    if run_end > end:
        _add(session, pool_id, end + 1, run_end)
    _set_bounds(session, run_id, run_start, start - 1)
    return True


def take_aligned(session: Session, pool_id: int, size: int) -> Span | None:
    """Remove and return the lowest free block of ``size`` addresses aligned on ``size``.

    Only runs holding at least ``size`` addresses are read (an indexed filter); a run of
    ``2 * size - 1`` or more always holds an aligned block, so few runs are ever skipped.
    Returns None when no such block is free.
    """
    query = (
        _of_pool(pool_id)
        .where(_c.span_key >= to_key(size - 1))
        .order_by(_c.start_key)
        .execution_options(yield_per=64)
    )
    block = None
    with session.execute(query) as rows:
        for row in rows:
            start, end = from_key(row.start_key), from_key(row.end_key)
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
    before = _run_at_or_below(session, pool_id, start)
    if before is not None and before[2] != start - 1:
        before = None
    after = _first(session, _of_pool(pool_id).where(_c.start_key == to_key(end + 1)))

    if before is not None and after is not None:
        session.execute(delete(_runs).where(_c.id == after[0]))
        _set_bounds(session, before[0], before[1], after[2])
    elif before is not None:
        _set_bounds(session, before[0], before[1], end)
    elif after is not None:
        _set_bounds(session, after[0], start, after[2])
    else:
        _add(session, pool_id, start, end)
