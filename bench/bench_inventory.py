"""`ansible-inventory --list` from the store, against static JSON and YAML inventories.

The static inventories hold exactly what the plugin produces (its `--list --export` output,
written once as JSON and once as YAML), so all three runs build the same hosts, groups and
variables. The JSON file is what a user keeps as a static JSON inventory: the YAML
plugin's structure (`all: {children: ...}`) in a `.json` file, read by
`ansible.builtin.yaml`. Each command runs in turn, best of three.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.harness import Row, collections_on_path, run_cmd

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "inventory"
ANSIBLE_INVENTORY = Path(sys.executable).parent / "ansible-inventory"
GROUPS = 200
VARIABLES = 5
REPEAT = 3
PLATFORMS = ("ios", "eos", "junos", "iosxr", "nxos_ssh")
TYPES = ("router", "switch", "firewall", "olt")
VENDORS = {
    "ios": "cisco",
    "eos": "arista",
    "junos": "juniper",
    "iosxr": "cisco",
    "nxos_ssh": "cisco",
}
KEYED_GROUPS = """keyed_groups:
  - key: isp_vendor
    prefix: vendor
  - key: isp_model
    prefix: model
"""


def device_rows(count: int) -> list[dict[str, Any]]:
    """Return ``count`` device rows for a bulk insert: every column set, 5 variables each."""
    now = datetime.now(UTC)
    rows = []
    for i in range(count):
        platform = PLATFORMS[i % len(PLATFORMS)]
        rows.append(
            {
                "name": f"dev{i:05d}",
                "hostname": f"dev{i:05d}.net.example",
                "ip_address": f"10.{i // 65536}.{i // 256 % 256}.{i % 256}",
                "port": 22 if i % 3 == 0 else None,
                "device_type": TYPES[i % len(TYPES)],
                "platform": platform,
                "vendor": VENDORS[platform],
                "model": f"model-{i % 12}",
                "serial": f"SN{i:08d}",
                "site": f"site{i % 50:02d}",
                "tenant": f"tenant{i % 20:02d}",
                "status": "active" if i % 10 else "maintenance",
                "software_version": f"17.{i % 9}.1",
                "driver_options": {},
                "variables": {
                    "snmp_location": f"rack {i % 40}",
                    "mgmt_vlan": 100 + i % 50,
                    "ntp_servers": ["192.0.2.1", "192.0.2.2"],
                    "syslog_host": f"log{i % 4}.net.example",
                    "role": ("core", "edge", "access")[i % 3],
                },
                "reachability": "unknown",
                "last_seen": None,
                "last_checked": None,
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


def build_store(path: Path, count: int) -> str:
    """Create a store at ``path`` with ``count`` devices in GROUPS groups; return its URL.

    Rows go in with bulk inserts through the models' tables (not the service: this is the
    fixture, not the subject).
    """
    collections_on_path()
    from sqlalchemy import insert

    from ansible_collections.isp.network.plugins.module_utils.store.engine import (
        dispose_engines,
        session_scope,
    )
    from ansible_collections.isp.network.plugins.module_utils.store.models.devices import (
        Device,
        DeviceGroup,
        DeviceGroupMember,
    )

    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    now = datetime.now(UTC)
    groups = [
        {
            "id": g + 1,
            "name": f"pop{g:03d}",
            "description": None,
            "variables": {f"pop_var{v}": f"value {g}-{v}" for v in range(VARIABLES)},
            "created_at": now,
            "updated_at": now,
        }
        for g in range(GROUPS)
    ]
    devices = device_rows(count)
    for number, row in enumerate(devices, start=1):
        row["id"] = number
    members = [{"group_id": i % GROUPS + 1, "device_id": i + 1} for i in range(count)]
    with session_scope(url) as session:
        session.execute(insert(DeviceGroup.__table__), groups)
        session.execute(insert(Device.__table__), devices)
        session.execute(insert(DeviceGroupMember.__table__), members)
    dispose_engines()
    return url


def _environment() -> dict[str, str]:
    return {
        **os.environ,
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
        "ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "1",
        "ANSIBLE_NOCOLOR": "1",
    }


def _inventory(source: Path, *extra: str) -> str:
    result = subprocess.run(
        [str(ANSIBLE_INVENTORY), "-i", str(source), "--list", *extra],
        env=_environment(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"ansible-inventory -i {source.name} failed: {result.stderr[-300:]}")
    return result.stdout


def _plain(value: Any) -> Any:
    # ansible-inventory shows store values as {"__ansible_unsafe": text}: compare the text.
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _normalised(listing: str) -> dict[str, Any]:
    # Same hosts, groups and variables; the order groups are listed in is not compared.
    data = _plain(json.loads(listing))
    data["_meta"].pop("profile", None)
    for name, group in data.items():
        if name != "_meta":
            data[name] = {
                key: sorted(value) if isinstance(value, list) else value
                for key, value in group.items()
            }
    return data


def write_static(config: Path, stem: str, suffix: str) -> Path:
    """Write the plugin's output for ``config`` as a static inventory ``stem`` + ``suffix``.

    ``suffix`` is ``.json`` or ``.yml``. Raises RuntimeError when the static file does not
    list exactly what the plugin lists.
    """
    import yaml

    exported = yaml.safe_load(_inventory(config, "--yaml", "--export"))
    path = OUT / f"{stem}{suffix}"
    if suffix == ".json":
        path.write_text(json.dumps(exported))
    else:
        path.write_text(yaml.safe_dump(exported, default_flow_style=False))
    if _normalised(_inventory(path)) != _normalised(_inventory(config)):
        raise RuntimeError(f"{path.name} does not list what {config.name} lists")
    return path


def _side_by_side(subject: Path, baselines: list[Path]) -> list[float]:
    best = [float("inf")] * (1 + len(baselines))
    argv = [str(ANSIBLE_INVENTORY), "--list", "-i"]
    for _ in range(REPEAT):
        for index, source in enumerate([subject, *baselines]):
            seconds = run_cmd([*argv, str(source)], env=_environment())
            best[index] = min(best[index], seconds)
    return best


def run(quick: bool) -> list[dict[str, Any]]:
    """Return the inventory rows: default grouping against JSON, keyed_groups against YAML."""
    count = 2_000 if quick else 10_000
    OUT.mkdir(parents=True, exist_ok=True)
    url = build_store(OUT / f"store-{count}.db", count)
    plain = OUT / "default.store.yml"
    plain.write_text(f"plugin: isp.network.store\nstore_url: {url}\n")
    keyed = OUT / "keyed.store.yml"
    keyed.write_text(f"plugin: isp.network.store\nstore_url: {url}\n{KEYED_GROUPS}")

    size = f"{count:,} devices, {GROUPS} groups"
    cases = [
        (plain, "default grouping", write_static(plain, "default", ".json"), "JSON", 0.9),
        (keyed, "2 keyed_groups", write_static(keyed, "keyed", ".yml"), "YAML", 0.6),
    ]
    rows = []
    for config, what, static, kind, goal in cases:
        store_s, static_s = _side_by_side(config, [static])
        rows.append(
            Row(
                benchmark="inventory --list",
                subject=f"isp.network.store, {what} ({size})",
                subject_value=store_s,
                baseline=f"static {kind} inventory (ansible.builtin.yaml)",
                baseline_value=static_s,
                unit="s",
                goal=f"<= {goal}x {kind}",
                ok=store_s <= goal * static_s,
            ).to_dict()
        )
    return rows
