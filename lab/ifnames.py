"""Interface names: the long form IOS shows in configs and the short form LLDP uses."""

from __future__ import annotations

import re

# Long name, short name, speed in Mb/s of a port of that type.
_TYPES = (
    ("HundredGigE", "Hu", 100_000),
    ("FortyGigabitEthernet", "Fo", 40_000),
    ("TwentyFiveGigE", "Twe", 25_000),
    ("TenGigabitEthernet", "Te", 10_000),
    ("GigabitEthernet", "Gi", 1_000),
    ("FastEthernet", "Fa", 100),
    ("Ethernet", "Et", 10),
    ("Port-channel", "Po", 1_000),
    ("Loopback", "Lo", 8_000),
    ("Vlan", "Vl", 1_000),
    ("Tunnel", "Tu", 100),
)

_NAME = re.compile(r"^([A-Za-z-]+)\s*(\d[\d/.:]*)$")


def split(name: str) -> tuple[str, str] | None:
    """Return (long type, number) of an interface name in any accepted form, or None."""
    match = _NAME.match(name.strip())
    if not match:
        return None
    typed, number = match.group(1).lower(), match.group(2)
    for long_name, short_name, _ in _TYPES:
        if long_name.lower() == typed or short_name.lower() == typed:
            return long_name, number
    candidates = [long_name for long_name, _, _ in _TYPES if long_name.lower().startswith(typed)]
    if len(candidates) == 1:
        return candidates[0], number
    return None


def canonical(name: str) -> str | None:
    """Return the long IOS name (GigabitEthernet0/0/0) of a name, or None if unknown."""
    parts = split(name)
    return f"{parts[0]}{parts[1]}" if parts else None


def short(name: str) -> str:
    """Return the short IOS name (Gi0/0/0) of an interface name."""
    parts = split(name)
    if not parts:
        return name
    return next(s for long_name, s, _ in _TYPES if long_name == parts[0]) + parts[1]


def default_speed(name: str) -> int:
    """Return the nominal speed in Mb/s of an interface type."""
    parts = split(name)
    if not parts:
        return 1_000
    return next(speed for long_name, _, speed in _TYPES if long_name == parts[0])


def is_physical(name: str) -> bool:
    """Return whether an interface is a physical port (one that can carry LLDP)."""
    parts = split(name)
    return bool(parts) and parts[0] not in ("Loopback", "Vlan", "Tunnel", "Port-channel")
