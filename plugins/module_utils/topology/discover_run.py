# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One discovery run against the store: identities in, walk, links out, run recorded."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from ansible_collections.isp.network.plugins.module_utils.errors import IspNetworkError
from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
from ansible_collections.isp.network.plugins.module_utils.services.audit import current_actor
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.store.models.base import utcnow
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import Device
from ansible_collections.isp.network.plugins.module_utils.store.models.topology import (
    TopologyAlias,
    TopologyRun,
)
from ansible_collections.isp.network.plugins.module_utils.topology import persist
from ansible_collections.isp.network.plugins.module_utils.topology.data import run_dict
from ansible_collections.isp.network.plugins.module_utils.topology.discovery import Walk
from ansible_collections.isp.network.plugins.module_utils.topology.identity import (
    IdentityIndex,
    Neighbor,
    address_key,
)
from ansible_collections.isp.network.plugins.module_utils.topology.links import reconcile
from ansible_collections.isp.network.plugins.module_utils.topology.reading import (
    Reading,
    Target,
    read_device,
)

# A neighbour is registered only under a name that is safe everywhere the name travels.
_REGISTRABLE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
_SKIPPED_STATUSES = frozenset({"decommissioned"})


class DiscoveryRun:
    """Discovery from the caller's session; workers get plain Targets and return Readings."""

    def __init__(
        self,
        session: Session,
        *,
        box: SecretBox | None,
        timeout: int,
        counters: bool,
        register_unknown: bool,
        fetch: Callable[[Target], Reading] | None,
        actor: str | None,
    ) -> None:
        self.session = session
        self.box = box
        self.register_unknown = register_unknown
        self.new_unknown = 0
        self.actor = actor or current_actor()
        self.fetch = fetch or (lambda target: read_device(target, timeout, counters))
        self.devices: dict[int, Device] = {d.id: d for d in session.scalars(select(Device))}
        # Every login decrypted up front, after one check of the key: a wrong or missing key
        # is refused before the walk starts, and the walk itself runs no query per device.
        self.logins = DeviceService.get_credentials_many(
            session,
            (d for d in self.devices.values() if str(d.status) not in _SKIPPED_STATUSES),
            box,
        )
        self.index = IdentityIndex()
        for device in self.devices.values():
            self.index.add_device(device)
        for alias in session.scalars(select(TopologyAlias)):
            self.index.add(alias.device_id, str(alias.kind), alias.value)

    def target_of(self, device_id: int) -> Target | None:
        """Return the Target of a device with its decrypted login, or None to skip it."""
        device = self.devices.get(device_id)
        if device is None or str(device.status) in _SKIPPED_STATUSES:
            return None
        username, password, enable = self.logins[device_id]
        return Target(
            id=device.id,
            name=device.name,
            hostname=device.hostname,
            platform=device.platform,
            port=device.port,
            driver_options=dict(device.driver_options or {}),
            username=username,
            password=password,
            enable_secret=enable,
        )

    def platform_of(self, device_id: int) -> str | None:
        """Return the platform of a known device."""
        device = self.devices.get(device_id)
        return device.platform if device else None

    def register(self, reading: Reading, neighbor: Neighbor) -> int | None:
        """Register an unknown neighbour as a ``discovered`` device; return its id or None.

        It gets the platform and the login of the device that saw it. A name that is not a
        plain host name is not registered (it stays an unknown neighbour).
        """
        name = neighbor.system_name.split(".", 1)[0]
        if (
            not _REGISTRABLE.match(name)
            or self.session.scalars(select(Device.id).where(Device.name == name)).first()
        ):
            return None
        parent = self.devices[reading.device_id]
        username, password, enable = self.logins.get(reading.device_id, (None, None, None))
        address = address_key(neighbor.mgmt_address)
        capabilities = {item.lower() for item in neighbor.capabilities}
        kind = (
            "router"
            if "router" in capabilities
            else "switch"
            if "bridge" in capabilities
            else "other"
        )
        try:
            device = DeviceService.create_device(
                self.session,
                name,
                address or name,
                ip_address=address,
                device_type=kind,
                username=username,
                password=password,
                enable_secret=enable,
                box=self.box if password or enable else None,
                platform=parent.platform,
                driver_options=dict(parent.driver_options or {}),
                status="discovered",
                variables={"discovered_by": parent.name, "role": "unknown"},
                actor=self.actor,
            )
        except IspNetworkError:
            return None
        self.devices[device.id] = device
        self.logins[device.id] = (username, password, enable)
        self.index.add_device(device)
        return device.id

    def execute(self, roots: list[int], max_depth: int, workers: int) -> dict[str, Any]:
        """Walk, store what was seen, and return the run's result."""
        walk = Walk(
            index=self.index,
            target_of=self.target_of,
            platform_of=self.platform_of,
            fetch=self.fetch,
            register=self.register if self.register_unknown else None,
            workers=workers,
        )
        result = walk.run(roots, max_depth)
        now = utcnow()
        names = {device_id: device.name for device_id, device in self.devices.items()}
        run = TopologyRun(
            roots=[names[r] for r in roots], max_depth=max_depth, actor=self.actor, started_at=now
        )
        self.session.add(run)
        self.session.flush()

        states = reconcile(result.observations, set(result.readings), names)
        persist.save_aliases(self.session, result.learned, now)
        persist.save_interfaces(self.session, result, now)
        counts = persist.save_links(self.session, result, states, run, names, now)
        unknown, self.new_unknown = persist.save_unknown(self.session, result, run, now)
        DeviceService.record_probes(
            self.session, {device_id: ("reachable", now) for device_id in result.readings}
        )

        run.errors = sorted(result.errors, key=lambda entry: entry["device"])
        run.ambiguous = [
            {
                "device": names[entry.device_id],
                "interface": entry.neighbor.local_interface,
                "name": entry.neighbor.system_name,
                "candidates": sorted(names[c] for c in entry.candidates),
            }
            for entry in result.unresolved
            if entry.candidates
        ]
        run.devices_read = len(result.readings)
        run.status = "partial" if result.errors else "completed"
        run.finished_at = utcnow()
        self.session.flush()
        statuses: dict[str, int] = {}
        for state in states:
            statuses[state.status] = statuses.get(state.status, 0) + 1
        changed = bool(
            counts["added"] or counts["changed"] or counts["stale"] or result.learned
        ) or bool(result.registered or self.new_unknown)
        return {
            "changed": changed,
            "run": run_dict(run),
            "links": {**counts, "seen": len(states), "by_status": statuses},
            "unknown_neighbors": unknown,
            "registered": sorted(names[d] for d in result.registered if d in names),
            "aliases_learned": len(result.learned),
            "depth": {names[d]: depth for d, depth in sorted(result.depth.items()) if d in names},
        }
