# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a device looks like around an upgrade: its running config, interfaces up, LLDP.

Taken through NAPALM before the image is activated, and compared after: every interface
that was up must be up again, and every LLDP neighbour seen before must be seen again.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.isp.network.plugins.module_utils.drivers.napalm import open_device


def take_snapshot(login: Any, *, with_config: bool = False) -> tuple[dict[str, Any], str | None]:
    """Return ``(snapshot, running config or None)`` read from the device.

    The snapshot holds ``interfaces_up`` (names) and ``lldp`` (``local|neighbour|port``
    strings), both sorted. Raises DeviceError when the device cannot be opened.
    """
    with open_device(
        login.device, login.username, login.password, login.enable_secret, int(login.timeout)
    ) as driver:
        interfaces = driver.get_interfaces()
        neighbours = driver.get_lldp_neighbors()
        config = driver.get_config(retrieve="running")["running"] if with_config else None
    snapshot = {
        "interfaces_up": sorted(name for name, facts in interfaces.items() if facts.get("is_up")),
        "lldp": sorted(
            f"{local}|{peer.get('hostname', '')}|{peer.get('port', '')}"
            for local, peers in neighbours.items()
            for peer in peers
        ),
    }
    return snapshot, config


def compare_snapshots(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Return what is missing from ``after`` that ``before`` had (empty when all came back)."""
    problems = []
    down = sorted(set(before.get("interfaces_up", ())) - set(after.get("interfaces_up", ())))
    if down:
        problems.append(f"interfaces no longer up: {', '.join(down[:10])}")
    lost = sorted(set(before.get("lldp", ())) - set(after.get("lldp", ())))
    if lost:
        shown = ", ".join(entry.replace("|", " -> ", 1).replace("|", " ") for entry in lost[:10])
        problems.append(f"LLDP neighbours lost: {shown}")
    return problems
