"""What a device reports about its ports and neighbours, from the topology and live configs."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lab import ifnames

if TYPE_CHECKING:
    from lab.device import Device

CAPABILITIES = {
    "router": ("B,R", "R"),
    "switch": ("B,R", "B"),
    "firewall": ("R", "R"),
    "olt": ("B", "B"),
    "access_point": ("W", "W"),
    "cpe": ("R", "R"),
    "server": ("S", "S"),
    "other": ("O", "O"),
}


@dataclass
class PortState:
    """One interface as `show interfaces` reports it."""

    name: str
    enabled: bool
    up: bool
    speed: int
    duplex: str
    mtu: int
    description: str
    mac: str
    address: tuple[str, str] | None = None
    counters: dict[str, int] = field(default_factory=dict)


@dataclass
class Neighbor:
    """One LLDP neighbour record."""

    local: str
    name: str
    port: str
    port_description: str
    chassis: str
    system_description: str
    capabilities: str
    enabled: str
    mgmt: str = ""


def software_line(version: str, platform: str) -> str:
    """Return the `Cisco IOS Software, ...` line of a version."""
    image = f"{platform.upper()}-UNIVERSALK9-M"
    return f"Cisco IOS Software, IOS-XE Software ({image}), Version {version}, RELEASE SOFTWARE"


def _settings(device: Device, name: str) -> dict[str, str]:
    block = device.running.block(f"interface {name}")
    settings: dict[str, str] = {}
    for child in block.children if block else []:
        words = child.words()
        if words[:2] == ["ip", "address"] and len(words) >= 4:
            settings["address"] = f"{words[2]} {words[3]}"
        elif words[0] in ("description", "mtu", "speed", "duplex"):
            settings[words[0]] = " ".join(words[1:])
        elif words == ["shutdown"]:
            settings["shutdown"] = "yes"
    return settings


def _link(device: Device, name: str) -> tuple[Device | None, str, bool] | None:
    for local, peer, peer_port, peer_tx in device.topology.peers(device.spec.name):
        if local == name:
            return device.peer(peer), peer_port, peer_tx
    return None


def _external(device: Device, name: str):
    for external in device.topology.externals:
        if external.device == device.spec.name and external.port == name:
            return external
    return None


def _rate(*parts: str) -> int:
    return 2_000 + int(hashlib.md5("|".join(parts).encode()).hexdigest()[:6], 16) % 90_000


def _counters(device: Device, name: str, peer: Device | None, peer_port: str) -> dict[str, int]:
    if peer is None:
        return dict.fromkeys(("rx_bytes", "rx_packets", "tx_bytes", "tx_packets", "bcast"), 0)
    elapsed = max(0, int(time.time() - max(device.boot_time, peer.boot_time)))
    tx = _rate(device.spec.name, name, peer.spec.name, peer_port) * elapsed
    rx = _rate(peer.spec.name, peer_port, device.spec.name, name) * elapsed
    return {
        "rx_bytes": rx,
        "rx_packets": rx // 700,
        "tx_bytes": tx,
        "tx_packets": tx // 700,
        "bcast": elapsed // 30,
    }


def port_enabled(device: Device, name: str) -> bool:
    """Return whether an interface is not shut down."""
    return "shutdown" not in _settings(device, name)


def ports(device: Device) -> list[PortState]:
    """Return the state of every interface of a device."""
    states = []
    base = int(device.spec.mac.replace(".", ""), 16)
    for index, name in enumerate(device.port_names(), start=1):
        settings = _settings(device, name)
        enabled = "shutdown" not in settings
        link = _link(device, name)
        peer, peer_port = (link[0], link[1]) if link else (None, "")
        if not ifnames.is_physical(name):
            up = enabled
        elif link:
            up = enabled and peer is not None and peer.state == "up"
            up = up and port_enabled(peer, peer_port)
        else:
            up = enabled and _external(device, name) is not None
        declared = device.spec.ports.get(name)
        speed = settings.get("speed", "")
        address = settings.get("address")
        states.append(
            PortState(
                name=name,
                enabled=enabled,
                up=up,
                speed=int(speed) if speed.isdigit() else ifnames.default_speed(name),
                duplex=settings.get("duplex", declared.duplex if declared else "full"),
                mtu=int(settings.get("mtu", "1500")),
                description=settings.get("description", ""),
                mac=_mac(base + index),
                address=tuple(address.split()) if address else None,
                counters=_counters(device, name, peer if up else None, peer_port),
            )
        )
    return states


def _mac(value: int) -> str:
    raw = f"{value & 0xFFFFFFFFFFFF:012x}"
    return f"{raw[0:4]}.{raw[4:8]}.{raw[8:12]}"


def neighbors(device: Device) -> list[Neighbor]:
    """Return the LLDP neighbours a device sees, consistent with its peers' state."""
    found = []
    for state in ports(device):
        if not state.up or not ifnames.is_physical(state.name):
            continue
        link = _link(device, state.name)
        if link and link[0] is not None and link[2]:
            peer, peer_port = link[0], link[1]
            caps = CAPABILITIES.get(peer.spec.device_type, ("O", "O"))
            found.append(
                Neighbor(
                    local=ifnames.short(state.name),
                    name=peer.faults.reported_name(peer.hostname),
                    port=ifnames.short(peer_port),
                    port_description=_settings(peer, peer_port).get("description", ""),
                    chassis=peer.spec.mac,
                    system_description=software_line(peer.version, peer.spec.platform),
                    capabilities=caps[0],
                    enabled=caps[1],
                    mgmt=peer.spec.mgmt,
                )
            )
        external = _external(device, state.name)
        if external is not None:
            found.append(
                Neighbor(
                    local=ifnames.short(state.name),
                    name=external.name,
                    port=external.remote_port,
                    port_description=external.description,
                    chassis=external.chassis,
                    system_description="Customer premises equipment",
                    capabilities=external.capabilities,
                    enabled=external.capabilities,
                )
            )
    return found
