# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Interface names in one form per platform, so that both ends of a link agree.

LLDP tables give short names (``Gi0/1``), interface tables long ones
(``GigabitEthernet0/1``). ``normalise(name, platform)`` returns the platform's long name; a
name whose type it does not know comes back with only its whitespace removed.
"""

from __future__ import annotations

import re

# Long type name, then the short forms a device or a person writes for it (lower case).
_IOS = (
    ("HundredGigE", ("hu", "hundredgigabitethernet")),
    ("FortyGigabitEthernet", ("fo",)),
    ("TwentyFiveGigE", ("twe", "twentyfivegigabitethernet")),
    ("TwoGigabitEthernet", ("tw",)),
    ("FiveGigabitEthernet", ("fi",)),
    ("TenGigabitEthernet", ("te", "tengige")),
    ("AppGigabitEthernet", ("ap",)),
    ("GigabitEthernet", ("gi", "gig", "ge")),
    ("FastEthernet", ("fa",)),
    ("Ethernet", ("et", "eth")),
    ("Port-channel", ("po", "portchannel")),
    ("Loopback", ("lo",)),
    ("Vlan", ("vl",)),
    ("Tunnel", ("tu",)),
    ("Management", ("mgmt", "ma")),
    ("Serial", ("se",)),
)
_IOSXR = (
    ("HundredGigE", ("hu",)),
    ("FortyGigE", ("fo",)),
    ("TenGigE", ("te",)),
    ("GigabitEthernet", ("gi",)),
    ("Bundle-Ether", ("be",)),
    ("MgmtEth", ("mg", "mgmt")),
    ("Loopback", ("lo",)),
)
_NXOS = (
    ("Ethernet", ("eth", "et", "e")),
    ("port-channel", ("po",)),
    ("mgmt", ("mgmt", "ma")),
    ("loopback", ("lo",)),
    ("Vlan", ("vl",)),
)
_EOS = (
    ("Ethernet", ("et", "eth")),
    ("Port-Channel", ("po",)),
    ("Management", ("ma", "mgmt")),
    ("Loopback", ("lo",)),
    ("Vlan", ("vl",)),
)
PLATFORM_TABLES = {
    "ios": _IOS,
    "iosxr": _IOSXR,
    "iosxr_netconf": _IOSXR,
    "nxos": _NXOS,
    "nxos_ssh": _NXOS,
    "eos": _EOS,
}
# Junos names (ge-0/0/0, xe-1/0/0, ae0) are the same in LLDP and in interface tables.
_VERBATIM = frozenset({"junos"})

_SPLIT = re.compile(r"^([A-Za-z][A-Za-z_-]*?)[\s_]*(\d[\d/.:]*)$")


def normalise(name: str, platform: str | None = "ios") -> str:
    """Return the long form of interface ``name`` on ``platform`` (IOS rules by default)."""
    text = "".join(str(name).split())
    if (platform or "").lower() in _VERBATIM:
        return text
    match = _SPLIT.match(text)
    if not match:
        return text
    typed, number = match.group(1).lower(), match.group(2)
    table = PLATFORM_TABLES.get((platform or "ios").lower(), _IOS)
    for long_name, shorts in table:
        if typed == long_name.lower() or typed in shorts:
            return long_name + number
    candidates = [long_name for long_name, _shorts in table if long_name.lower().startswith(typed)]
    if len(candidates) == 1:
        return candidates[0] + number
    return text


def same_interface(left: str, right: str, platform: str | None = "ios") -> bool:
    """Return whether two spellings name the same interface on ``platform``."""
    return normalise(left, platform) == normalise(right, platform)
