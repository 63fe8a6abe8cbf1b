"""A network in memory that answers discovery's reads the way LLDP would, for unit tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.topology.identity import Neighbor
from ansible_collections.isp.network.plugins.module_utils.topology.reading import Reading, Target

ISP_SMALL = Path(__file__).resolve().parents[5] / "lab" / "topologies" / "isp-small.yaml"
_SHORT = {"GigabitEthernet": "Gi", "TenGigabitEthernet": "Te"}


def short(name: str) -> str:
    """Return the short IOS form LLDP shows (Gi1/0/1)."""
    for long_name, abbreviation in _SHORT.items():
        if name.startswith(long_name):
            return abbreviation + name[len(long_name) :]
    return name


@dataclass
class FakeNetwork:
    """Devices, links, LLDP-silent ports, outside neighbours and failing devices."""

    devices: dict[str, dict] = field(default_factory=dict)
    links: list[tuple[str, str, str, str]] = field(default_factory=list)
    silent: set[tuple[str, str]] = field(default_factory=set)
    external: list[dict] = field(default_factory=list)
    speeds: dict[tuple[str, str], int] = field(default_factory=dict)
    failing: set[str] = field(default_factory=set)
    # Octets a port counts in and out between two reads of its device.
    traffic: dict[tuple[str, str], int] = field(default_factory=dict)
    # What each device calls itself in LLDP (default: its name).
    system_names: dict[str, str] = field(default_factory=dict)
    reads: list[str] = field(default_factory=list)

    def chassis(self, name: str) -> str:
        """Return a device's chassis MAC, derived from its position."""
        index = sorted(self.devices).index(name) + 1
        return f"00:1c:00:00:{index // 256:02x}:{index % 256:02x}"

    def fetch(self, target: Target) -> Reading:
        """Answer a read of ``target`` as its LLDP table and interfaces would."""
        self.reads.append(target.name)
        reading = Reading(device_id=target.id, name=target.name, platform=target.platform)
        if target.name in self.failing:
            reading.error = f"device {target.name!r} could not be reached (timeout)"
            return reading
        for a, ai, b, bi in self.links:
            for here, port, there, far in ((a, ai, b, bi), (b, bi, a, ai)):
                if here != target.name:
                    continue
                reading.interfaces[port] = {
                    "speed": self.speeds.get((here, port), 1000),
                    "mtu": 1500,
                    "duplex": "full",
                    "is_up": True,
                }
                if (here, port) in self.traffic:
                    octets = self.traffic[(here, port)] * self.reads.count(here)
                    reading.interfaces[port].update(rx_octets=octets, tx_octets=octets)
                if (there, far) in self.silent:
                    continue
                reading.neighbors.append(
                    Neighbor(
                        local_interface=port,
                        system_name=self.system_names.get(there, there),
                        chassis_id=self.chassis(there),
                        port=short(far),
                        capabilities=["router"],
                    )
                )
        for entry in self.external:
            if entry["device"] == target.name:
                reading.neighbors.append(
                    Neighbor(
                        local_interface=entry["interface"],
                        system_name=entry["name"],
                        chassis_id=entry.get("chassis", ""),
                        port=entry.get("port", "eth0"),
                        mgmt_address=entry.get("mgmt", ""),
                        capabilities=["router"],
                    )
                )
        return reading

    def register(self, session, **extra) -> dict[str, int]:
        """Register every device in the store; return name -> id."""
        ids = {}
        for name, spec in self.devices.items():
            device = DeviceService.create_device(
                session,
                name,
                spec.get("hostname", "127.0.0.1"),
                ip_address=spec.get("mgmt"),
                platform="ios",
                device_type=spec.get("device_type", "router"),
                variables={"role": spec.get("role", "access"), "domain": "isp.example.net"},
                **extra,
            )
            ids[name] = device.id
        return ids


def isp_small() -> tuple[FakeNetwork, dict]:
    """Return the isp-small topology as a FakeNetwork, and its ``expected`` block."""
    data = yaml.safe_load(ISP_SMALL.read_text())
    network = FakeNetwork(devices=dict(data["devices"]))
    for entry in data["links"]:
        text = entry if isinstance(entry, str) else entry["link"]
        left, right = (part.strip().split(":") for part in text.split(" - "))
        network.links.append((left[0], left[1], right[0], right[1]))
        if isinstance(entry, dict) and entry.get("lldp_off"):
            port = left[1] if left[0] == entry["lldp_off"] else right[1]
            network.silent.add((entry["lldp_off"], port))
    for name, spec in data["devices"].items():
        for port, settings in (spec.get("interfaces") or {}).items():
            network.speeds[(name, port)] = settings["speed"]
    for entry in data.get("external", []):
        network.external.append(
            {"device": entry["device"], "interface": entry["interface"], "name": entry["name"]}
        )
    return network, data["expected"]
