# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The topology: LLDP discovery, the stored links, analysis and exports.

``TopologyService`` is the Python API; the topology modules call it. Discovery reads
devices in worker threads and writes only from the caller's thread, in the caller's
transaction; the discovery and every export write an audit event there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import or_, select
from sqlmodel import Session

from ansible_collections.isp.network.plugins.module_utils.errors import (
    NotFoundError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import Device
from ansible_collections.isp.network.plugins.module_utils.store.models.topology import (
    TopologyLink,
    TopologyRun,
    UnknownNeighbor,
)
from ansible_collections.isp.network.plugins.module_utils.topology import data
from ansible_collections.isp.network.plugins.module_utils.topology.discover_run import (
    DiscoveryRun,
)
from ansible_collections.isp.network.plugins.module_utils.topology.formats import EXPORT_FORMATS
from ansible_collections.isp.network.plugins.module_utils.topology.reading import Reading, Target

__all__ = ["EXPORT_FORMATS", "TopologyService"]


class TopologyService:
    """The discovered topology. Every method takes the session of the caller's transaction."""

    @staticmethod
    def discover_topology(
        session: Session,
        root_device_id: int | Iterable[int],
        max_depth: int = 3,
        *,
        box: SecretBox | None = None,
        workers: int = 20,
        timeout: int = 30,
        register_unknown: bool = False,
        counters: bool = True,
        fetch: Callable[[Target], Reading] | None = None,
        actor: str | None = None,
    ) -> dict[str, Any]:
        """Walk LLDP from the root device(s) to ``max_depth`` hops; store and return the run.

        Returns the run (id, status, devices read, errors, ambiguous identities) with link
        counts (added, updated, stale) and the devices registered. A device that cannot be
        read is listed in ``errors`` and does not stop the walk. Raises NotFoundError for an
        unknown root, ValidationError for a bad depth or worker count, and SecretKeyError
        when stored credentials need a key that is not given.
        """
        roots = [root_device_id] if isinstance(root_device_id, int) else list(root_device_id)
        if not roots:
            raise ValidationError("no root device was given; name at least one device to start")
        if not isinstance(max_depth, int) or not 0 <= max_depth <= 64:
            raise ValidationError(f"max_depth {max_depth!r} is out of range; use 0 to 64 hops")
        if not isinstance(workers, int) or not 1 <= workers <= 256:
            raise ValidationError(f"workers {workers!r} is out of range; use 1 to 256")
        for device_id in roots:
            DeviceService.get_device(session, device_id)

        run = DiscoveryRun(
            session,
            box=box,
            timeout=timeout,
            counters=counters,
            register_unknown=register_unknown,
            fetch=fetch,
            actor=actor,
        )
        result = run.execute(roots, max_depth, workers)
        AuditService.record(
            session,
            "topology.discover",
            "topology_run",
            result["run"]["id"],
            ",".join(result["run"]["roots"])[:255],
            actor=actor,
            details={key: result[key] for key in ("links", "unknown_neighbors", "registered")},
        )
        return result

    @staticmethod
    def analyze_topology(
        session: Session, core: Iterable[str] | None = None, include_stale: bool = False
    ) -> dict[str, Any]:
        """Return the analysis report of the stored topology (see docs/topology.md)."""
        from ansible_collections.isp.network.plugins.module_utils.topology.analysis import analyze
        from ansible_collections.isp.network.plugins.module_utils.topology.graph import (
            build_graph,
        )

        topology = data.load_topology(session, include_stale)
        unknown_core = sorted(set(core or ()) - {node["name"] for node in topology["nodes"]})
        if unknown_core:
            raise ValidationError(
                f"core device {unknown_core[0]!r} is not in the discovered topology; name a "
                "discovered device or discover it first"
            )
        report = analyze(build_graph(topology["nodes"], topology["links"]), core)
        report["unknown_neighbors"] = TopologyService.list_unknown_neighbors(session)
        return report

    @staticmethod
    def export_topology(
        session: Session,
        format: str,
        *,
        core: Iterable[str] | None = None,
        title: str = "isp.network topology",
        live: bool = False,
        actor: str | None = None,
    ) -> str | bytes:
        """Return the stored topology in ``format`` (one of EXPORT_FORMATS), and audit it.

        Without ``live`` the export leaves out what every discovery run refreshes (when a
        link was last seen, by which run, and its measured load), so it changes only when
        the network does. ``svg`` and ``png`` return bytes; every other format returns
        text. Raises ValidationError for an unknown format, or for ``svg``/``png`` when
        Graphviz's ``dot`` is not installed.
        """
        from ansible_collections.isp.network.plugins.module_utils.topology.exports import render

        if format not in EXPORT_FORMATS:
            raise ValidationError(
                f"export format {format!r} is not known; use one of {', '.join(EXPORT_FORMATS)}"
            )
        report = TopologyService.analyze_topology(session, core)
        topology = data.load_topology(session)
        if not live:
            data.drop_live_data(topology, report)
        content = render(format, topology, report, title=title)
        AuditService.record(
            session,
            "topology.export",
            "topology",
            None,
            format,
            actor=actor,
            details={"devices": len(topology["nodes"]), "links": len(topology["links"])},
        )
        return content

    @staticmethod
    def get_device_neighbors(
        session: Session, device_id: int, max_depth: int = 1
    ) -> list[dict[str, Any]]:
        """Return the devices within ``max_depth`` hops of a device over non-stale links.

        Each entry: ``device``, ``depth`` and the ``links`` that reach it from the level
        above. Raises NotFoundError for an unknown device, ValidationError for a bad depth.
        """
        start = DeviceService.get_device(session, device_id)
        if not isinstance(max_depth, int) or max_depth < 1:
            raise ValidationError(f"max_depth {max_depth!r} is out of range; use 1 or more hops")
        depth_of = {start.id: 0}
        found: dict[int, dict[str, Any]] = {}
        level = [start.id]
        for depth in range(1, max_depth + 1):
            rows = list(
                session.scalars(
                    select(TopologyLink).where(
                        TopologyLink.status != "stale",
                        or_(
                            TopologyLink.a_device_id.in_(level), TopologyLink.b_device_id.in_(level)
                        ),
                    )
                )
            )
            names = _names(session, {r.a_device_id for r in rows} | {r.b_device_id for r in rows})
            following: list[int] = []
            for row in rows:
                for here, there in (
                    (row.a_device_id, row.b_device_id),
                    (row.b_device_id, row.a_device_id),
                ):
                    if here not in level or depth_of.get(there, depth) < depth:
                        continue
                    if there not in depth_of:
                        depth_of[there] = depth
                        following.append(there)
                        found[there] = {"device": names[there], "depth": depth, "links": []}
                    found[there]["links"].append(
                        data.link_dict(row, {i: _Named(n) for i, n in names.items()})["key"]
                    )
            level = following
        return sorted(found.values(), key=lambda entry: (entry["depth"], entry["device"]))

    @staticmethod
    def list_links(
        session: Session, device: str | None = None, statuses: Iterable[str] | None = None
    ) -> list[dict[str, Any]]:
        """Return the stored links (optionally of one device, or in some statuses)."""
        query = select(TopologyLink)
        if device is not None:
            found = DeviceService.get_device_by_name(session, device)
            query = query.where(
                or_(TopologyLink.a_device_id == found.id, TopologyLink.b_device_id == found.id)
            )
        if statuses:
            query = query.where(TopologyLink.status.in_(list(statuses)))
        rows = list(session.scalars(query))
        ids = {r.a_device_id for r in rows} | {r.b_device_id for r in rows}
        devices = {d.id: d for d in session.scalars(select(Device).where(Device.id.in_(ids)))}
        return sorted((data.link_dict(row, devices) for row in rows), key=lambda link: link["key"])

    @staticmethod
    def list_unknown_neighbors(session: Session) -> list[dict[str, Any]]:
        """Return the LLDP neighbours that matched no known device (or several)."""
        rows = list(session.scalars(select(UnknownNeighbor)))
        ids = {row.device_id for row in rows}
        devices = {d.id: d for d in session.scalars(select(Device).where(Device.id.in_(ids)))}
        shown = [data.unknown_dict(row, devices) for row in rows]
        return sorted(shown, key=lambda entry: (entry["device"] or "", entry["interface"]))

    @staticmethod
    def list_runs(session: Session, limit: int = 20) -> list[dict[str, Any]]:
        """Return the latest discovery runs, newest first."""
        query = select(TopologyRun).order_by(TopologyRun.id.desc()).limit(limit)
        return [data.run_dict(run) for run in session.scalars(query)]

    @staticmethod
    def diff_runs(session: Session, run_a: int, run_b: int) -> dict[str, Any]:
        """Return the links added and removed from run ``run_a`` to run ``run_b``."""
        before, after = (_get_run(session, run_id) for run_id in (run_a, run_b))
        old, new = set(before.snapshot or []), set(after.snapshot or [])
        return {
            "from_run": before.id,
            "to_run": after.id,
            "added": sorted(new - old),
            "removed": sorted(old - new),
            "unchanged": len(old & new),
        }


class _Named:
    """A stand-in for a Device row where only the name is needed."""

    def __init__(self, name: str) -> None:
        self.name = name


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    rows = session.execute(select(Device.id, Device.name).where(Device.id.in_(sorted(ids))))
    return dict(rows.all())


def _get_run(session: Session, run_id: int) -> TopologyRun:
    run = session.get(TopologyRun, run_id)
    if run is None:
        raise NotFoundError(
            f"discovery run {run_id!r} does not exist; list runs with isp.network.topology_info"
        )
    return run
