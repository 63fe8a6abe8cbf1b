"""Topology files: devices, links and external neighbours, and what each device sees of them."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from lab import ifnames
from lab.images import image_name

SHIPPED = Path(__file__).parent / "topologies"
DEVICE_TYPES = ("router", "switch", "firewall", "olt", "access_point", "cpe", "server", "other")
_LINK = re.compile(r"^\s*([\w.-]+):(\S+)\s+-\s+([\w.-]+):(\S+)\s*$")


class TopologyError(ValueError):
    """A topology file that cannot be used, with one sentence saying why."""


@dataclass
class Port:
    """A physical or virtual interface as the topology declares it."""

    name: str
    speed: int
    duplex: str = "full"
    mtu: int = 1500
    description: str = ""
    lldp: bool = True


@dataclass
class DeviceSpec:
    """One device of the topology."""

    name: str
    index: int
    role: str
    device_type: str
    model: str
    serial: str
    domain: str
    mgmt: str
    version: str
    platform: str
    username: str
    password: str
    enable_secret: str = ""
    site: str = ""
    ports: dict[str, Port] = field(default_factory=dict)
    config: str = ""
    latency: float = 0.0
    reload_seconds: float = 5.0
    flash_size: int = 8_000_000_000
    image_size: int = 32_768

    @property
    def image(self) -> str:
        """Return the file name of the image the device ships with."""
        return image_name(self.version, self.platform)

    @property
    def mac(self) -> str:
        """Return the chassis MAC address in IOS dotted form."""
        raw = hashlib.sha1(self.name.encode()).hexdigest()[:10]
        raw = "70" + raw
        return f"{raw[0:4]}.{raw[4:8]}.{raw[8:12]}"


@dataclass(frozen=True)
class Link:
    """A cable between two device ports; `a_lldp`/`b_lldp` say whether that end transmits."""

    a: str
    a_port: str
    b: str
    b_port: str
    a_lldp: bool = True
    b_lldp: bool = True


@dataclass(frozen=True)
class External:
    """A neighbour outside the topology (a customer CPE) seen on one device port."""

    device: str
    port: str
    name: str
    remote_port: str
    description: str = ""
    capabilities: str = "R"
    chassis: str = "0000.0000.0001"


@dataclass
class Topology:
    """A parsed topology file."""

    name: str
    devices: dict[str, DeviceSpec]
    links: list[Link]
    externals: list[External]
    expected: dict
    defaults: dict

    def peers(self, device: str) -> list[tuple[str, str, str, bool]]:
        """Return (local port, peer device, peer port, peer transmits LLDP) of each link."""
        found = []
        for link in self.links:
            if link.a == device:
                found.append((link.a_port, link.b, link.b_port, link.b_lldp))
            if link.b == device:
                found.append((link.b_port, link.a, link.a_port, link.a_lldp))
        return found


def load(source: str | Path) -> Topology:
    """Load a topology by file path, shipped name (`isp-small`) or `scale-N` (generated)."""
    path = Path(source)
    scale = re.fullmatch(r"scale-(\d+)", str(source))
    if scale and not path.exists():
        from lab.generator import generate

        try:
            return build(generate(int(scale.group(1))))
        except ValueError as error:
            raise TopologyError(str(error)) from error
    if not path.exists():
        shipped = SHIPPED / f"{source}.yaml"
        if not shipped.exists():
            raise TopologyError(f"topology {source!r} is neither a file nor a shipped topology")
        path = shipped
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "unreadable"
        raise TopologyError(f"topology file {path} is not valid YAML{where}: {problem}") from error
    return build(data, default_name=path.stem)


def build(data: dict, default_name: str = "lab") -> Topology:
    """Build a Topology from the parsed YAML of a topology file."""
    if not isinstance(data, dict) or not isinstance(data.get("devices"), dict):
        raise TopologyError("a topology needs a `devices` mapping")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict) or not isinstance(data.get("links") or [], list):
        raise TopologyError("a topology's `defaults` must be a mapping and `links` a list")
    devices = {}
    for index, (name, body) in enumerate(data["devices"].items()):
        if not isinstance(body or {}, dict):
            raise TopologyError(f"device {name} must be a mapping of its settings")
        try:
            devices[name] = _device(str(name), index, {**defaults, **(body or {})})
        except TopologyError:
            raise
        except (TypeError, ValueError, AttributeError) as error:
            raise TopologyError(
                f"device {name} has a setting of the wrong type: {error}"
            ) from error
    links = [_link(entry, devices) for entry in data.get("links") or []]
    externals = [_external(entry, devices) for entry in data.get("external") or []]
    for link in links:
        for end, port in ((link.a, link.a_port), (link.b, link.b_port)):
            spec = devices[end]
            if port not in spec.ports:
                spec.ports[port] = Port(port, ifnames.default_speed(port))
            spec.ports[port].lldp = link.a_lldp if end == link.a else link.b_lldp
    return Topology(
        name=data.get("name", default_name),
        devices=devices,
        links=links,
        externals=externals,
        expected=data.get("expected") or {},
        defaults=defaults,
    )


def _device(name: str, index: int, body: dict) -> DeviceSpec:
    software = body.get("software") or {}
    device_type = body.get("device_type", "router")
    if device_type not in DEVICE_TYPES:
        raise TopologyError(
            f"device {name} has device_type {device_type!r}; use one of " + ", ".join(DEVICE_TYPES)
        )
    credentials = body.get("credentials") or {}
    spec = DeviceSpec(
        name=name,
        index=index,
        role=str(body.get("role", "other")),
        device_type=device_type,
        model=str(body.get("model", "ISR4451-X/K9")),
        serial=str(
            body.get("serial") or f"FOC{hashlib.sha1(name.encode()).hexdigest()[:8].upper()}"
        ),
        domain=str(body.get("domain", "lab.example.net")),
        mgmt=str(body.get("mgmt") or f"10.255.{index // 250}.{index % 250 + 1}"),
        version=str(software.get("version", "17.09.04a")),
        platform=str(software.get("platform", "isr4400")),
        username=str(credentials.get("username", body.get("username", "admin"))),
        password=str(credentials.get("password", body.get("password", "admin"))),
        enable_secret=str(credentials.get("enable_secret", body.get("enable_secret", "")) or ""),
        site=str(body.get("site", "")),
        config=str(body.get("config", "")),
        latency=float(body.get("latency", 0.0)),
        reload_seconds=float(body.get("reload_seconds", 5.0)),
        flash_size=int(body.get("flash_size", 8_000_000_000)),
        image_size=int(body.get("image_size", 32_768)),
    )
    for port_name, port_body in (body.get("interfaces") or {}).items():
        long_name = ifnames.canonical(port_name)
        if long_name is None:
            raise TopologyError(f"device {name} has an unknown interface name {port_name!r}")
        port_body = port_body or {}
        spec.ports[long_name] = Port(
            name=long_name,
            speed=int(port_body.get("speed", ifnames.default_speed(long_name))),
            duplex=str(port_body.get("duplex", "full")),
            mtu=int(port_body.get("mtu", 1500)),
            description=str(port_body.get("description", "")),
        )
    return spec


def _link(entry: str | dict, devices: dict[str, DeviceSpec]) -> Link:
    if not isinstance(entry, str | dict):
        raise TopologyError(f"link {entry!r} is neither `a:intf - b:intf` nor a mapping")
    text = entry if isinstance(entry, str) else entry.get("link", "")
    match = _LINK.match(text or "")
    if not match:
        raise TopologyError(
            f"link {text!r} is not of the form `deviceA:interface - deviceB:interface`"
        )
    a, a_port, b, b_port = match.groups()
    for device in (a, b):
        if device not in devices:
            raise TopologyError(f"link {text!r} names device {device!r}, which is not declared")
    names = [ifnames.canonical(a_port), ifnames.canonical(b_port)]
    if None in names:
        raise TopologyError(f"link {text!r} names an unknown interface")
    silent = set() if isinstance(entry, str) else set(_as_list(entry.get("lldp_off")))
    return Link(a, names[0], b, names[1], a not in silent, b not in silent)


def _external(entry: dict, devices: dict[str, DeviceSpec]) -> External:
    if not isinstance(entry, dict):
        raise TopologyError(f"external neighbour {entry!r} must be a mapping")
    device = entry.get("device")
    if device not in devices:
        raise TopologyError(
            f"external neighbour {entry.get('name')!r} is on unknown device {device!r}"
        )
    port = ifnames.canonical(str(entry.get("interface", "")))
    if port is None:
        raise TopologyError(f"external neighbour {entry.get('name')!r} names an unknown interface")
    spec = devices[device]
    spec.ports.setdefault(port, Port(port, ifnames.default_speed(port)))
    return External(
        device=device,
        port=port,
        name=str(entry.get("name", "cpe")),
        remote_port=str(entry.get("remote_port", "eth0")),
        description=str(entry.get("description", "")),
        capabilities=str(entry.get("capabilities", "R")),
        chassis=str(entry.get("chassis", "0000.0000.0001")),
    )


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
