"""Large topologies for scale tests: two cores, aggregation pairs, dual-homed access switches."""

from __future__ import annotations

import math

ACCESS_PER_PAIR = 48


def _core_port(index: int) -> str:
    return f"TenGigabitEthernet0/{1 + index // 8}/{index % 8}"


def _downlink(index: int) -> str:
    return f"GigabitEthernet{1 + index // 48}/0/{index % 48 + 1}"


def _mgmt(index: int) -> str:
    block = index // 254
    return f"10.{128 + block // 256}.{block % 256}.{index % 254 + 1}"


def generate(size: int, reload_seconds: float = 2.0) -> dict:
    """Return the topology file data (as parsed YAML) of a `size`-device network.

    Every access switch has an uplink to both switches of its aggregation pair, and every
    aggregation switch to both cores, so no single device or link failure splits it.
    """
    if size < 5:
        raise ValueError(f"a generated topology needs at least 5 devices, not {size}")
    pairs = max(1, math.ceil((size - 2) / (ACCESS_PER_PAIR + 2)))
    access_count = size - 2 - 2 * pairs
    devices: dict[str, dict] = {}
    links: list[str] = []

    def add(name: str, role: str, kind: str, model: str, platform: str) -> None:
        index = len(devices)
        devices[name] = {
            "role": role,
            "device_type": kind,
            "model": model,
            "serial": f"LAB{index:08d}",
            "mgmt": _mgmt(index),
            "software": {"version": "17.09.04a", "platform": platform},
        }

    for core in ("core1", "core2"):
        add(core, "core", "router", "ASR1001-X", "isr4400")
    links.append("core1:TenGigabitEthernet0/0/0 - core2:TenGigabitEthernet0/0/0")
    for pair in range(pairs):
        names = [f"agg{pair + 1:03d}a", f"agg{pair + 1:03d}b"]
        for side, name in enumerate(names):
            add(name, "aggregation", "switch", "C9500-24Y4C", "cat9k")
            for core_index, core in enumerate(("core1", "core2")):
                links.append(
                    f"{core}:{_core_port(2 * pair + side)} - "
                    f"{name}:TenGigabitEthernet1/1/{core_index + 1}"
                )
        links.append(f"{names[0]}:TenGigabitEthernet1/1/4 - {names[1]}:TenGigabitEthernet1/1/4")
    for index in range(access_count):
        pair, slot = index % pairs, index // pairs
        name = f"acc{index + 1:04d}"
        add(name, "access", "switch", "C9300-48P", "cat9k")
        for side, letter in enumerate("ab"):
            links.append(
                f"agg{pair + 1:03d}{letter}:{_downlink(slot)} - "
                f"{name}:TenGigabitEthernet1/1/{side + 1}"
            )
    return {
        "name": f"scale-{size}",
        "defaults": {
            "domain": "scale.example.net",
            "credentials": {"username": "admin", "password": "lab-admin"},
            "reload_seconds": reload_seconds,
            "image_size": 4096,
        },
        "devices": devices,
        "links": links,
    }
