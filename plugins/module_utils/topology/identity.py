# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which known device an LLDP neighbour is: by chassis id, management address, then name.

Every identifier is normalised first (``chassis_key``, ``address_key``, ``name_keys``), and
the index maps each normalised value to the devices that carry it. A value that points at
one device is a match; a value that points at several is an ambiguity, reported with its
candidates and never guessed.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

CHASSIS_ID = "chassis_id"
MGMT_ADDRESS = "mgmt_address"
SYSTEM_NAME = "system_name"
# Resolution tries the kinds in this order: the first kind with a hit decides.
KIND_ORDER = (CHASSIS_ID, MGMT_ADDRESS, SYSTEM_NAME)

_HEX = re.compile(r"[0-9a-f]")


def clean_text(value: Any, limit: int = 255) -> str:
    """Return ``value`` as text without control characters, trimmed to ``limit`` characters.

    Device output is untrusted: this is applied to every string read from a device before
    it is stored, shown or exported.
    """
    text = "" if value is None else str(value)
    kept = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return kept.strip()[:limit]


def chassis_key(value: Any) -> str | None:
    """Return a chassis id in one form (``aabb.ccdd.eeff`` for a MAC address), or None."""
    text = clean_text(value, 64).lower()
    if not text:
        return None
    digits = "".join(_HEX.findall(text))
    stripped = re.sub(r"[\s:.\-]", "", text)
    if len(digits) == 12 and stripped == digits:
        return f"{digits[0:4]}.{digits[4:8]}.{digits[8:12]}"
    return text


def address_key(value: Any) -> str | None:
    """Return a management address in its compressed form, or None when it is not one."""
    text = clean_text(value, 64).split("/", maxsplit=1)[0]
    try:
        return ipaddress.ip_address(text).compressed
    except ValueError:
        return None


def name_keys(value: Any) -> list[str]:
    """Return the name keys of a system name: the full name case-folded, then the short name.

    The short name is the name with its domain stripped, unless the name is an address.
    """
    text = clean_text(value).rstrip(".").casefold()
    if not text:
        return []
    if address_key(text) is not None:
        return [text]
    short = text.split(".", 1)[0]
    return [text] if short == text else [text, short]


def device_keys(device: Any) -> list[tuple[str, str]]:
    """Return the (kind, value) identities the registry itself gives a device.

    Its name, the fully qualified name in ``variables.fqdn`` or name plus
    ``variables.domain``, its hostname when that is a name, its management address, and a
    ``variables.chassis_id`` when one is set.
    """
    variables = device.variables or {}
    names = [device.name, variables.get("fqdn")]
    if variables.get("domain"):
        names.append(f"{device.name}.{variables['domain']}")
    if device.hostname and address_key(device.hostname) is None:
        names.append(device.hostname)
    keys = [(SYSTEM_NAME, key) for name in names if name for key in name_keys(name)]
    address = address_key(device.ip_address)
    if address:
        keys.append((MGMT_ADDRESS, address))
    chassis = chassis_key(variables.get("chassis_id"))
    if chassis:
        keys.append((CHASSIS_ID, chassis))
    return list(dict.fromkeys(keys))


@dataclass
class Neighbor:
    """One LLDP neighbour record, already cleaned of control characters."""

    local_interface: str
    system_name: str = ""
    chassis_id: str = ""
    port: str = ""
    port_description: str = ""
    mgmt_address: str = ""
    capabilities: list[str] = field(default_factory=list)

    def identities(self) -> list[tuple[str, str]]:
        """Return the (kind, value) identities of this record, in resolution order."""
        found: list[tuple[str, str]] = []
        chassis = chassis_key(self.chassis_id)
        if chassis:
            found.append((CHASSIS_ID, chassis))
        address = address_key(self.mgmt_address)
        if address:
            found.append((MGMT_ADDRESS, address))
        found += [(SYSTEM_NAME, key) for key in name_keys(self.system_name)]
        return found


@dataclass
class Resolution:
    """What ``IdentityIndex.resolve`` found: one device, several, or none."""

    device_id: int | None = None
    via: str | None = None
    candidates: list[int] = field(default_factory=list)

    @property
    def ambiguous(self) -> bool:
        """True when an identifier pointed at more than one device."""
        return self.device_id is None and len(self.candidates) > 1


class IdentityIndex:
    """The identities of the known devices, from the registry and from learned aliases."""

    def __init__(self) -> None:
        self._index: dict[tuple[str, str], set[int]] = {}

    def add(self, device_id: int, kind: str, value: str) -> None:
        """Record that ``(kind, value)`` identifies ``device_id`` (value already normalised)."""
        self._index.setdefault((kind, value), set()).add(device_id)

    def add_device(self, device: Any) -> None:
        """Record every identity the registry gives ``device`` (see ``device_keys``)."""
        for kind, value in device_keys(device):
            self.add(device.id, kind, value)

    def owners(self, kind: str, value: str) -> set[int]:
        """Return the devices ``(kind, value)`` points at."""
        return self._index.get((kind, value), set())

    def resolve(self, neighbor: Neighbor) -> Resolution:
        """Return the device ``neighbor`` is, trying chassis id, address, then name.

        The first identifier that points at anything decides: at one device it is a match,
        at several an ambiguity whose candidates are listed.
        """
        for kind, value in neighbor.identities():
            owners = self.owners(kind, value)
            if len(owners) == 1:
                return Resolution(device_id=next(iter(owners)), via=kind)
            if owners:
                return Resolution(via=kind, candidates=sorted(owners))
        return Resolution()

    def learnable(self, device_id: int, neighbor: Neighbor) -> Iterable[tuple[str, str]]:
        """Yield the identities of ``neighbor`` not yet known, to be stored as aliases."""
        for kind, value in neighbor.identities():
            if not self.owners(kind, value):
                yield kind, value
