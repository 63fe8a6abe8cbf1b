# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Storing a walk: aliases, interfaces and counters, links, unknown neighbours, the run.

A few set-based statements per run, whatever its size: existing rows are loaded once per
table for the devices read; interfaces and links, a few thousand rows on a large network, are
then inserted and updated with one executemany each rather than as ORM objects.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, or_, select, update
from sqlmodel import Session

from ansible_collections.isp.network.plugins.module_utils.store.models.topology import (
    TopologyAlias,
    TopologyInterface,
    TopologyLink,
    TopologyRun,
    UnknownNeighbor,
)
from ansible_collections.isp.network.plugins.module_utils.topology.discovery import WalkResult
from ansible_collections.isp.network.plugins.module_utils.topology.links import (
    LinkState,
    link_key,
)

_CHUNK = 500
_COUNTER_COLUMNS = (
    "rx_octets",
    "tx_octets",
    "counters_at",
    "prev_rx_octets",
    "prev_tx_octets",
    "prev_counters_at",
)
# A link's ends, and what a run can change about it (told apart from a mere re-sighting).
_ENDS_NAMES = ("a_device_id", "a_interface", "b_device_id", "b_interface")
_FACT_NAMES = (
    "seen_by_a",
    "seen_by_b",
    *(f"{end}_{field}" for end in "ab" for field in ("speed", "duplex", "mtu")),
)


def _chunks(values: Iterable[int]) -> Iterable[list[int]]:
    items = sorted(set(values))
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def save_aliases(session: Session, learned: dict[tuple[str, str], int], now: datetime) -> int:
    """Store the identities learned by a walk; return how many were added."""
    for (kind, value), device_id in sorted(learned.items()):
        session.add(
            TopologyAlias(
                device_id=device_id, kind=kind, value=value[:255], first_seen=now, last_seen=now
            )
        )
    return len(learned)


def save_interfaces(session: Session, result: WalkResult, now: datetime) -> None:
    """Store each read device's interfaces, keeping the previous counter sample."""
    table = TopologyInterface.__table__
    existing: dict[tuple[int, str], Any] = {}
    for chunk in _chunks(result.readings):
        rows = session.execute(
            select(
                table.c.id,
                table.c.device_id,
                table.c.name,
                table.c.rx_octets,
                table.c.tx_octets,
                table.c.counters_at,
            ).where(table.c.device_id.in_(chunk))
        )
        existing.update({(row.device_id, row.name): row for row in rows})
    added: dict[tuple[int, str], dict[str, Any]] = {}
    # Executemany needs the same columns in every row: ports read with and without counters
    # are updated apart.
    updated: dict[bool, dict[int, dict[str, Any]]] = {True: {}, False: {}}
    for device_id, reading in result.readings.items():
        for name, data in reading.interfaces.items():
            key = (device_id, name[:128])
            values = _port_values(data)
            counted = data.get("rx_octets") is not None or data.get("tx_octets") is not None
            old = existing.get(key)
            if counted:
                values.update(
                    rx_octets=data.get("rx_octets"),
                    tx_octets=data.get("tx_octets"),
                    counters_at=now,
                    prev_rx_octets=old.rx_octets if old else None,
                    prev_tx_octets=old.tx_octets if old else None,
                    prev_counters_at=old.counters_at if old else None,
                )
            if old is None:
                added[key] = {column: None for column in _COUNTER_COLUMNS} | values
                added[key].update(device_id=key[0], name=key[1])
            else:
                updated[counted][old.id] = values
    connection = session.connection()
    if added:
        connection.execute(table.insert(), list(added.values()))
    for by_id in updated.values():
        _update_by_id(connection, table, by_id)


def _port_values(data: dict[str, Any]) -> dict[str, Any]:
    description = data.get("description") or None
    return {
        "description": description and description[:255],
        "is_up": data.get("is_up"),
        "speed": data.get("speed"),
        "mtu": data.get("mtu"),
        "duplex": data.get("duplex"),
    }


def _update_by_id(connection: Any, table: Any, by_id: dict[int, dict[str, Any]]) -> None:
    """Update rows by id in one executemany; every row must carry the same columns."""
    if not by_id:
        return
    columns = list(next(iter(by_id.values())))
    statement = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values({column: bindparam(f"new_{column}") for column in columns})
    )
    connection.execute(
        statement,
        [
            {"row_id": row_id, **{f"new_{column}": values[column] for column in columns}}
            for row_id, values in by_id.items()
        ],
    )


def save_links(
    session: Session,
    result: WalkResult,
    states: list[LinkState],
    run: TopologyRun,
    names: dict[int, str],
    now: datetime,
) -> dict[str, int]:
    """Upsert the links seen, mark the unseen links of the devices read stale; return counts."""
    table = TopologyLink.__table__
    read = set(result.readings)
    existing: dict[tuple[Any, ...], Any] = {}
    for chunk in _chunks(read):
        rows = session.execute(
            select(
                table.c.id,
                table.c.status,
                *(table.c[name] for name in _ENDS_NAMES),
                *(table.c[name] for name in _FACT_NAMES),
            ).where(or_(table.c.a_device_id.in_(chunk), table.c.b_device_id.in_(chunk)))
        )
        existing.update({tuple(row[2:6]): row for row in rows})

    counts = {"added": 0, "updated": 0, "changed": 0, "stale": 0}
    seen: set[tuple[Any, ...]] = set()
    added: list[dict[str, Any]] = []
    updated: dict[int, dict[str, Any]] = {}
    for state in states:
        key = (state.a[0], state.a[1][:128], state.b[0], state.b[1][:128])
        seen.add(key)
        old = existing.get(key)
        values = {
            "status": str(state.status),
            "note": state.note and state.note[:1024],
            "seen_by_a": state.seen_by_a,
            "seen_by_b": state.seen_by_b,
            "last_seen": now,
            "last_run_id": run.id,
        }
        for end, (device_id, interface) in (("a", state.a), ("b", state.b)):
            data = result.readings.get(device_id)
            port = data.interfaces.get(interface, {}) if data else {}
            for field in ("speed", "duplex", "mtu"):
                column = f"{end}_{field}"
                if data is not None:
                    values[column] = port.get(field)
                else:
                    values[column] = getattr(old, column) if old else None
        if old is None:
            added.append(dict(zip(_ENDS_NAMES, key, strict=True)) | values | {"first_seen": now})
            counts["added"] += 1
            continue
        counts["updated"] += 1
        if _facts(values) != _facts(old._mapping):
            counts["changed"] += 1
        updated[old.id] = values
    stale = [
        row.id for key, row in existing.items() if key not in seen and str(row.status) != "stale"
    ]
    connection = session.connection()
    if added:
        connection.execute(table.insert(), added)
    _update_by_id(connection, table, updated)
    for start in range(0, len(stale), _CHUNK):
        connection.execute(
            update(table)
            .where(table.c.id.in_(stale[start : start + _CHUNK]))
            .values(status="stale", note="not seen by the last run that read its ends")
        )
    counts["stale"] = len(stale)
    run.snapshot = sorted(link_key(names[s.a[0]], s.a[1], names[s.b[0]], s.b[1]) for s in states)
    return counts


def _facts(values: Any) -> tuple[Any, ...]:
    """Return what a run can change about a link, from its new values or its stored row."""
    return (str(values["status"]), *(values[name] for name in _FACT_NAMES))


def save_unknown(
    session: Session, result: WalkResult, run: TopologyRun, now: datetime
) -> tuple[int, int]:
    """Upsert the neighbours no known device matched (or several did).

    Returns how many were seen and how many of those are new.
    """
    existing: dict[tuple[int, str, str], UnknownNeighbor] = {}
    for chunk in _chunks(entry.device_id for entry in result.unresolved):
        rows = session.scalars(select(UnknownNeighbor).where(UnknownNeighbor.device_id.in_(chunk)))
        existing.update({(r.device_id, r.interface, r.system_name): r for r in rows})
    new = 0
    for entry in result.unresolved:
        found = entry.neighbor
        key = (entry.device_id, found.local_interface[:128], found.system_name[:255])
        row = existing.get(key)
        if row is None:
            row = UnknownNeighbor(
                device_id=key[0], interface=key[1], system_name=key[2], first_seen=now
            )
            session.add(row)
            existing[key] = row
            new += 1
        row.chassis_id = found.chassis_id[:64] or None
        row.port = found.port[:128] or None
        row.port_description = found.port_description[:255] or None
        row.mgmt_address = found.mgmt_address[:64] or None
        row.capabilities = list(found.capabilities)
        row.reason = "ambiguous" if entry.candidates else "unknown"
        row.last_seen, row.last_run_id = now, run.id
    return len(result.unresolved), new
