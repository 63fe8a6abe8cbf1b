# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Storing a walk: aliases, interfaces and counters, links, unknown neighbours, the run.

A few set-based queries per run, whatever its size: existing rows are loaded once per table
for the devices read, then updated or added in the session.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
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
    existing: dict[tuple[int, str], TopologyInterface] = {}
    for chunk in _chunks(result.readings):
        rows = session.scalars(
            select(TopologyInterface).where(TopologyInterface.device_id.in_(chunk))
        )
        existing.update({(row.device_id, row.name): row for row in rows})
    for device_id, reading in result.readings.items():
        for name, data in reading.interfaces.items():
            row = existing.get((device_id, name))
            if row is None:
                row = TopologyInterface(device_id=device_id, name=name[:128])
                session.add(row)
            row.description = (data.get("description") or None) and data["description"][:255]
            row.is_up = data.get("is_up")
            row.speed, row.mtu = data.get("speed"), data.get("mtu")
            row.duplex = data.get("duplex")
            if data.get("rx_octets") is not None or data.get("tx_octets") is not None:
                row.prev_rx_octets, row.prev_tx_octets = row.rx_octets, row.tx_octets
                row.prev_counters_at = row.counters_at
                row.rx_octets, row.tx_octets = data.get("rx_octets"), data.get("tx_octets")
                row.counters_at = now


def save_links(
    session: Session,
    result: WalkResult,
    states: list[LinkState],
    run: TopologyRun,
    names: dict[int, str],
    now: datetime,
) -> dict[str, int]:
    """Upsert the links seen, mark the unseen links of the devices read stale; return counts."""
    read = set(result.readings)
    existing: dict[tuple[Any, ...], TopologyLink] = {}
    for chunk in _chunks(read):
        rows = session.scalars(
            select(TopologyLink).where(
                or_(TopologyLink.a_device_id.in_(chunk), TopologyLink.b_device_id.in_(chunk))
            )
        )
        existing.update({_row_key(row): row for row in rows})

    counts = {"added": 0, "updated": 0, "changed": 0, "stale": 0}
    seen: set[tuple[Any, ...]] = set()
    for state in states:
        key = (state.a[0], state.a[1], state.b[0], state.b[1])
        seen.add(key)
        row = existing.get(key)
        if row is None:
            row = TopologyLink(
                a_device_id=state.a[0],
                a_interface=state.a[1][:128],
                b_device_id=state.b[0],
                b_interface=state.b[1][:128],
                first_seen=now,
            )
            session.add(row)
            counts["added"] += 1
        else:
            counts["updated"] += 1
        before = _facts(row)
        row.status, row.note = state.status, state.note and state.note[:1024]
        row.seen_by_a, row.seen_by_b = state.seen_by_a, state.seen_by_b
        for end, (device_id, interface) in (("a", state.a), ("b", state.b)):
            data = result.readings.get(device_id)
            port = data.interfaces.get(interface, {}) if data else {}
            if data is not None:
                setattr(row, f"{end}_speed", port.get("speed"))
                setattr(row, f"{end}_duplex", port.get("duplex"))
                setattr(row, f"{end}_mtu", port.get("mtu"))
        row.last_seen, row.last_run_id = now, run.id
        if row.id is not None and _facts(row) != before:
            counts["changed"] += 1
    for key, row in existing.items():
        if key not in seen and row.status != "stale":
            row.status, row.note = "stale", "not seen by the last run that read its ends"
            counts["stale"] += 1
    run.snapshot = sorted(link_key(names[s.a[0]], s.a[1], names[s.b[0]], s.b[1]) for s in states)
    return counts


def _facts(row: TopologyLink) -> tuple[Any, ...]:
    """Return what a run can change about a link, to tell a change from a re-sighting."""
    return (
        str(row.status),
        row.seen_by_a,
        row.seen_by_b,
        *(getattr(row, f"{end}_{field}") for end in "ab" for field in ("speed", "duplex", "mtu")),
    )


def _row_key(row: TopologyLink) -> tuple[Any, ...]:
    return (row.a_device_id, row.a_interface, row.b_device_id, row.b_interface)


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
