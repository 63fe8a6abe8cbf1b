# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading the stored topology back as plain data: nodes, links with rates, unknowns, runs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from ansible_collections.isp.network.plugins.module_utils.store.models.devices import Device
from ansible_collections.isp.network.plugins.module_utils.store.models.topology import (
    TopologyInterface,
    TopologyLink,
    TopologyRun,
    UnknownNeighbor,
)
from ansible_collections.isp.network.plugins.module_utils.topology.links import link_key

_ROLE_BY_TYPE = {"router": "core", "switch": "access"}


def node_of(device: Device) -> dict[str, Any]:
    """Return the node dict of a device: name, role, layer attributes, no secret."""
    variables = device.variables or {}
    role = variables.get("role")
    return {
        "name": device.name,
        "role": str(role) if role else "unknown",
        "device_type": str(device.device_type),
        "platform": device.platform,
        "status": str(device.status),
        "site": device.site,
        "model": device.model,
        "mgmt_address": device.ip_address,
    }


def load_topology(session: Session, include_stale: bool = False) -> dict[str, Any]:
    """Return ``{"nodes": [...], "links": [...]}``: the devices in links or ever read."""
    query = select(TopologyLink)
    if not include_stale:
        query = query.where(TopologyLink.status != "stale")
    links = list(session.scalars(query))
    read_ids = set(session.scalars(select(TopologyInterface.device_id).distinct()))
    ids = read_ids | {row.a_device_id for row in links} | {row.b_device_id for row in links}
    devices = {
        device.id: device
        for device in session.scalars(select(Device).where(Device.id.in_(sorted(ids))))
    }
    ports = _ports(session, ids)
    return {
        "nodes": [node_of(devices[i]) for i in sorted(devices, key=lambda i: devices[i].name)],
        "links": sorted(
            (link_dict(row, devices, ports) for row in links), key=lambda link: link["key"]
        ),
    }


# What each discovery run refreshes: left out of exports that should change only with the network.
LIVE_LINK_FIELDS = ("last_seen", "last_run_id", "rate_bps")


def drop_live_data(topology: dict[str, Any], report: dict[str, Any]) -> None:
    """Remove the fields every discovery run refreshes from ``topology`` and ``report``."""
    for link in topology["links"]:
        for field in LIVE_LINK_FIELDS:
            link.pop(field, None)
    report["utilisation"] = {**report["utilisation"], "measured_links": None, "top": []}


def _ports(session: Session, ids: set[int]) -> dict[tuple[int, str], TopologyInterface]:
    found: dict[tuple[int, str], TopologyInterface] = {}
    items = sorted(ids)
    for start in range(0, len(items), 500):
        rows = session.scalars(
            select(TopologyInterface).where(
                TopologyInterface.device_id.in_(items[start : start + 500])
            )
        )
        found.update({(row.device_id, row.name): row for row in rows})
    return found


def link_dict(
    row: TopologyLink,
    devices: dict[int, Device],
    ports: dict[tuple[int, str], TopologyInterface] | None = None,
) -> dict[str, Any]:
    """Return the plain dict of a stored link, with its rate and capacity when measured."""
    a, b = devices[row.a_device_id].name, devices[row.b_device_id].name
    link = {
        "key": link_key(a, row.a_interface, b, row.b_interface),
        "a": a,
        "a_interface": row.a_interface,
        "b": b,
        "b_interface": row.b_interface,
        "status": str(row.status),
        "seen_by_a": row.seen_by_a,
        "seen_by_b": row.seen_by_b,
        "note": row.note,
        "first_seen": row.first_seen.isoformat() if row.first_seen else None,
        "last_seen": row.last_seen.isoformat() if row.last_seen else None,
        "last_run_id": row.last_run_id,
    }
    for end in ("a", "b"):
        for field in ("speed", "duplex", "mtu"):
            link[f"{end}_{field}"] = getattr(row, f"{end}_{field}")
    if ports is not None:
        link.update(_rate(ports.get((row.a_device_id, row.a_interface))))
        speeds = [s for s in (row.a_speed, row.b_speed) if s]
        other = _rate(ports.get((row.b_device_id, row.b_interface)))
        rates = [r["rate_bps"] for r in (link, other) if r.get("rate_bps") is not None]
        link["rate_bps"] = max(rates) if rates else None
        link["capacity_bps"] = min(speeds) * 1_000_000 if speeds else None
    return link


def _rate(port: TopologyInterface | None) -> dict[str, Any]:
    """Return the highest of in and out bit rates between a port's last two samples."""
    if port is None or port.counters_at is None or port.prev_counters_at is None:
        return {}
    seconds = (port.counters_at - port.prev_counters_at).total_seconds()
    if seconds <= 0:
        return {}
    deltas = [
        now - before
        for now, before in (
            (port.rx_octets, port.prev_rx_octets),
            (port.tx_octets, port.prev_tx_octets),
        )
        if now is not None and before is not None and now >= before
    ]
    return {"rate_bps": max(deltas) * 8 / seconds} if deltas else {}


def unknown_dict(row: UnknownNeighbor, devices: dict[int, Device]) -> dict[str, Any]:
    """Return the plain dict of an unknown neighbour."""
    return {
        "device": devices[row.device_id].name if row.device_id in devices else None,
        "interface": row.interface,
        "name": row.system_name,
        "chassis_id": row.chassis_id,
        "port": row.port,
        "port_description": row.port_description,
        "mgmt_address": row.mgmt_address,
        "capabilities": list(row.capabilities or []),
        "reason": row.reason,
        "first_seen": row.first_seen.isoformat() if row.first_seen else None,
        "last_seen": row.last_seen.isoformat() if row.last_seen else None,
    }


def run_dict(run: TopologyRun, with_snapshot: bool = False) -> dict[str, Any]:
    """Return the plain dict of a discovery run (its link keys only when asked)."""
    shown = {
        "id": run.id,
        "status": str(run.status),
        "roots": list(run.roots),
        "max_depth": run.max_depth,
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "actor": run.actor,
        "devices_read": run.devices_read,
        "links_seen": len(run.snapshot or []),
        "errors": list(run.errors or []),
        "ambiguous": list(run.ambiguous or []),
    }
    if with_snapshot:
        shown["links"] = list(run.snapshot or [])
    return shown
