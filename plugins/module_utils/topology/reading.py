# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading one device for discovery: LLDP neighbours, interfaces, counters, duplex.

Runs in a worker thread: it gets a plain ``Target`` (no ORM object, no session) and returns a
plain ``Reading``. Every string read from the device is cleaned before it leaves here, and
a failure becomes the reading's ``error`` sentence instead of an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ansible_collections.isp.network.plugins.module_utils.errors import DeviceError
from ansible_collections.isp.network.plugins.module_utils.topology.identity import (
    Neighbor,
    clean_text,
)
from ansible_collections.isp.network.plugins.module_utils.topology.ifnames import normalise

# IOS-style platforms answer one filtered ``show interfaces`` with everything discovery keeps
# of an interface: status, description, MTU and bandwidth, duplex (which NAPALM's
# get_interfaces lacks) and, when counters are wanted, the byte counts. One short command
# replaces get_interfaces and get_interfaces_counters, each a full listing of its own.
_IOS_FILTER = "line protocol|Description: |MTU .* BW |[Dd]uplex"
_IOS_COUNTERS = "|packets (input|output)"
_IOS_PLATFORMS = frozenset({"ios"})
_STATUS_LINE = re.compile(r"^(\S+) is (.+?), line protocol is (\S+)")
_DESCRIPTION = re.compile(r"^\s+Description: (.*)$")
_MTU_BW = re.compile(r"\bMTU (\d+) bytes, BW (\d+) ([KMG]?)bit")
_BW_TO_MBPS = {"": 1e-6, "K": 1e-3, "M": 1.0, "G": 1e3}
_DUPLEX = re.compile(r"\b(full|half|auto)[- ]duplex", re.IGNORECASE)
_OCTETS = re.compile(r"\d+ packets (input|output), (\d+) bytes")


@dataclass
class Target:
    """What a worker needs to open a device: its record's fields and decrypted login."""

    id: int
    name: str
    hostname: str
    platform: str | None
    port: int | None = None
    driver_options: dict[str, Any] = field(default_factory=dict)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    enable_secret: str | None = field(default=None, repr=False)


@dataclass
class Reading:
    """What one device reported, or the sentence saying why it could not be read."""

    device_id: int
    name: str
    platform: str | None
    neighbors: list[Neighbor] = field(default_factory=list)
    interfaces: dict[str, dict[str, Any]] = field(default_factory=dict)
    error: str | None = None


def read_device(target: Target, timeout: int = 30, counters: bool = True) -> Reading:
    """Open ``target`` through NAPALM and return what it reports; never raises DeviceError."""
    from ansible_collections.isp.network.plugins.module_utils.drivers.napalm import open_device

    reading = Reading(device_id=target.id, name=target.name, platform=target.platform)
    try:
        with open_device(
            target, target.username, target.password, target.enable_secret, timeout
        ) as driver:
            fill_reading(reading, driver, counters)
    except DeviceError as exc:
        reading.error = str(exc)
    except _read_errors() as exc:
        # The driver failed half-way or could not parse the output: a per-device failure.
        reading.error = (
            f"device {target.name!r} answered but could not be read ({type(exc).__name__}); "
            "check that its platform is right and LLDP is enabled"
        )
    return reading


def ios_command(counters: bool = True) -> str:
    """Return the filtered ``show interfaces`` that gives an IOS device's interface facts."""
    return f"show interfaces | include {_IOS_FILTER}{_IOS_COUNTERS if counters else ''}"


def fill_reading(reading: Reading, driver: Any, counters: bool = True) -> None:
    """Fill ``reading`` from a driver ``open_device`` opened: LLDP detail, then interfaces.

    IOS devices answer with two commands in all (see ``ios_command``); other platforms
    with get_interfaces, and get_interfaces_counters only when ``counters`` is true.
    """
    platform = reading.platform
    lldp = driver.get_lldp_neighbors_detail() or {}
    for local, records in lldp.items():
        for record in records:
            reading.neighbors.append(neighbor_from_napalm(local, record, platform))

    if (platform or "").lower() in _IOS_PLATFORMS:
        command = ios_command(counters)
        output = driver.show(command)
        for name, found in parse_interface_lines(output, platform).items():
            entry = {key: found.get(key) for key in ("description", "is_up", "speed", "mtu")}
            entry["duplex"] = found.get("duplex")
            if counters:
                entry["rx_octets"], entry["tx_octets"] = found.get("rx"), found.get("tx")
            reading.interfaces[name] = entry
        return

    for name, data in (driver.get_interfaces() or {}).items():
        reading.interfaces[normalise(clean_text(name, 128), platform)] = {
            "description": clean_text(data.get("description")),
            "is_up": bool(data.get("is_up")),
            "speed": _int(data.get("speed")),
            "mtu": _int(data.get("mtu")),
            "duplex": clean_text(data.get("duplex"), 16).lower() or None,
        }
    if counters:
        for name, data in (driver.get_interfaces_counters() or {}).items():
            entry = reading.interfaces.setdefault(normalise(clean_text(name, 128), platform), {})
            entry["rx_octets"] = _int(data.get("rx_octets"))
            entry["tx_octets"] = _int(data.get("tx_octets"))


def neighbor_from_napalm(local: str, record: dict[str, Any], platform: str | None) -> Neighbor:
    """Return the cleaned Neighbor of one ``get_lldp_neighbors_detail`` record."""
    capabilities = record.get("remote_system_enable_capab") or []
    return Neighbor(
        local_interface=normalise(clean_text(local, 128), platform),
        system_name=clean_text(record.get("remote_system_name")),
        chassis_id=clean_text(record.get("remote_chassis_id"), 64),
        port=clean_text(record.get("remote_port"), 128),
        port_description=clean_text(record.get("remote_port_description")),
        mgmt_address=clean_text(record.get("remote_management_address"), 64),
        capabilities=[clean_text(item, 32) for item in capabilities if item][:8],
    )


def parse_interface_lines(output: str, platform: str | None = "ios") -> dict[str, dict]:
    """Return interface -> facts from the filtered ``show interfaces`` of IOS.

    The facts are ``is_up``, ``description``, ``mtu``, ``speed`` (Mb/s), ``duplex`` and the
    byte counts ``rx`` and ``tx``, each only when its line was there.
    """
    found: dict[str, dict] = {}
    current: dict | None = None
    for line in output.splitlines():
        status = _STATUS_LINE.match(line)
        if status:
            name = normalise(clean_text(status.group(1), 128), platform)
            current = found.setdefault(name, {"is_up": status.group(3).lower() == "up"})
            continue
        if current is None:
            continue
        description = _DESCRIPTION.match(line)
        if description:
            current["description"] = clean_text(description.group(1))
            continue
        size = _MTU_BW.search(line)
        if size:
            current["mtu"] = int(size.group(1))
            current["speed"] = _int(int(size.group(2)) * _BW_TO_MBPS[size.group(3)])
            continue
        duplex = _DUPLEX.search(line)
        if duplex:
            current["duplex"] = duplex.group(1).lower()
        octets = _OCTETS.search(line)
        if octets:
            current["rx" if octets.group(1) == "input" else "tx"] = int(octets.group(2))
    return found


def _read_errors() -> tuple[type[BaseException], ...]:
    from napalm.base.exceptions import NapalmException
    from netmiko.exceptions import NetmikoBaseException

    # IndexError and AttributeError: NAPALM's parsers on malformed output (an LLDP record
    # without its local interface, a line missing its fields).
    return (
        NapalmException,
        NetmikoBaseException,
        OSError,
        EOFError,
        ValueError,
        KeyError,
        IndexError,
        AttributeError,
    )


def _int(value: Any) -> int | None:
    try:
        number = int(float(value))
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None
