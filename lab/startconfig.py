"""The configuration a device starts with, derived from its topology entry."""

from __future__ import annotations

import re

from lab import ifnames
from lab.confmodel import Config
from lab.grammar import Editor, InvalidInput, hashed
from lab.topology import DeviceSpec, Topology


def _natural(name: str) -> list:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def port_description(spec: DeviceSpec, topology: Topology, port: str) -> str:
    """Return the description a port starts with: the declared one, else its cable's far end."""
    declared = spec.ports[port].description
    if declared:
        return declared
    for local, peer, peer_port, _ in topology.peers(spec.name):
        if local == port:
            return f"to {peer} {ifnames.short(peer_port)}"
    for external in topology.externals:
        if external.device == spec.name and external.port == port:
            return f"customer {external.name}"
    return ""


def starting_config(spec: DeviceSpec, topology: Topology) -> Config:
    """Return the starting running configuration of a device."""
    major = ".".join(str(int(part)) for part in re.findall(r"\d+", spec.version)[:2])
    lines = [
        f"version {major}",
        "service timestamps debug datetime msec",
        "service timestamps log datetime msec",
        f"hostname {spec.name}",
        "boot-start-marker",
        f"boot system flash:{spec.image}",
        "boot-end-marker",
        f"ip domain name {spec.domain}",
        f"username {spec.username} privilege 15 secret 9 {hashed(spec.password)}",
    ]
    if spec.enable_secret:
        lines.append(f"enable secret 9 {hashed(spec.enable_secret)}")
    lines += ["ip scp server enable", "lldp run", "interface Loopback0"]
    lines.append(f" ip address {spec.mgmt} 255.255.255.255")
    for name in sorted(spec.ports, key=_natural):
        port = spec.ports[name]
        lines.append(f"interface {name}")
        description = port_description(spec, topology, name)
        if description:
            lines.append(f" description {description}")
        if port.mtu != 1500:
            lines.append(f" mtu {port.mtu}")
        if port.speed != ifnames.default_speed(name):
            lines.append(f" speed {port.speed}")
        if port.duplex != "full":
            lines.append(f" duplex {port.duplex}")
    lines += ["line vty 0 4", " login local", " transport input ssh"]
    config = Config()
    editor = Editor(config)
    for line in lines + spec.config.splitlines():
        try:
            editor.apply(line)
        except InvalidInput:
            continue
    return config
