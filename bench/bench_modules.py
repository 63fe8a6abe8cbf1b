"""What a module task costs: a store task against a no-op, and registering devices in bulk.

(a) One `ansible-playbook` run of a one-task play calling `isp.network.device_info` on a
    small store, against the same play calling `ansible.builtin.ping`; both run in turn,
    best of N. The difference is what importing and opening the store costs a task.
(b) One task of `isp.network.device` with the bulk form (`devices:`) registering N new
    devices with a login each, the list read from a vars file, against one task of a module
    that does nothing with the same list: what Ansible itself spends loading the file,
    templating the list into the task's arguments, shipping them to the module and
    returning. Best of 2 each, the device task on a fresh store every time. Goal: at most
    2x, as for (a). The row also gives the time of inserting the same rows (credentials
    encrypted with the same key) with bare SQLAlchemy Core executemany, the floor any
    registration has.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.harness import Row, collections_on_path, run_cmd

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "modules"
PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"
DEVICE_MODULE = ROOT / "plugins" / "modules" / "device.py"
# Takes the bulk list and returns at once: Ansible's own cost of a task given the list.
NOOP_MODULE = """#!/usr/bin/python
from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule({"devices": {"type": "list", "elements": "dict", "required": True}})
    module.exit_json(changed=False, count=len(module.params["devices"]))


if __name__ == "__main__":
    main()
"""
PLAY = """- hosts: localhost
  gather_facts: false
  tasks:
    - {module}:
{arguments}
"""


def _play(
    name: str, module: str, arguments: dict[str, str] | None = None, vars_file: str = ""
) -> Path:
    lines = "\n".join(f"        {key}: {value}" for key, value in (arguments or {}).items())
    text = PLAY.format(module=module, arguments=lines or "        {}")
    if vars_file:
        text = text.replace(
            "  gather_facts: false\n", f"  gather_facts: false\n  vars_files: [{vars_file}]\n"
        )
    path = OUT / f"{name}.yml"
    path.write_text(text)
    return path


def _environment(store_url: str, key: str) -> dict[str, str]:
    return {
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
        "ISP_NETWORK_STORE_URL": store_url,
        "ISP_NETWORK_SECRET_KEY": key,
        "ANSIBLE_NOCOLOR": "1",
    }


def specs(count: int) -> list[dict[str, Any]]:
    """Return ``count`` device specs in the bulk form of isp.network.device."""
    return [
        {
            "name": f"bulk{i:05d}",
            "hostname": f"bulk{i:05d}.net.example",
            "ip_address": f"10.{i // 65536}.{i // 256 % 256}.{i % 256}",
            "device_type": ("router", "switch")[i % 2],
            "platform": ("ios", "eos")[i % 2],
            "vendor": ("cisco", "arista")[i % 2],
            "site": f"site{i % 50:02d}",
            "groups": [f"pop{i % 200:03d}"],
            "username": "netops",
            "password": f"pw-{i}",
            "variables": {"role": "access"},
        }
        for i in range(count)
    ]


def core_insert(store_url: str, key: str, devices: list[dict[str, Any]]) -> float:
    """Insert ``devices`` with SQLAlchemy Core executemany; return the seconds it took."""
    collections_on_path()
    from sqlalchemy import insert

    from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
    from ansible_collections.isp.network.plugins.module_utils.store.engine import (
        dispose_engines,
        get_engine,
        session_scope,
    )
    from ansible_collections.isp.network.plugins.module_utils.store.models.devices import (
        Device,
        DeviceCredential,
        DeviceGroup,
        DeviceGroupMember,
    )

    get_engine(store_url)  # the schema is made before the clock starts, as for the module
    started = time.perf_counter()
    box = SecretBox(key)
    now = datetime.now(UTC)
    groups = sorted({group for spec in devices for group in spec["groups"]})
    group_ids = {name: number for number, name in enumerate(groups, start=1)}
    rows, members, logins = [], [], []
    for number, spec in enumerate(devices, start=1):
        fields = {k: v for k, v in spec.items() if k not in ("groups", "username", "password")}
        rows.append(
            {
                "id": number,
                **fields,
                "port": None,
                "model": None,
                "serial": None,
                "tenant": None,
                "status": "active",
                "software_version": None,
                "driver_options": {},
                "reachability": "unknown",
                "last_seen": None,
                "last_checked": None,
                "created_at": now,
                "updated_at": now,
            }
        )
        members.extend({"group_id": group_ids[g], "device_id": number} for g in spec["groups"])
        logins.append(
            {
                "device_id": number,
                "username": spec["username"],
                "password_token": box.encrypt(spec["password"]),
                "enable_secret_token": None,
                "updated_at": now,
            }
        )
    group_rows = [
        {
            "id": i,
            "name": n,
            "description": None,
            "variables": {},
            "created_at": now,
            "updated_at": now,
        }
        for n, i in group_ids.items()
    ]
    with session_scope(store_url) as session:
        session.execute(insert(DeviceGroup.__table__), group_rows)
        session.execute(insert(Device.__table__), rows)
        session.execute(insert(DeviceGroupMember.__table__), members)
        session.execute(insert(DeviceCredential.__table__), logins)
    elapsed = time.perf_counter() - started
    dispose_engines()
    return elapsed


def _fresh_store(name: str) -> str:
    path = OUT / f"{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def task_cost(repeat: int, key: str) -> dict[str, Any]:
    """Return the row: a one-task play of device_info against one of ansible.builtin.ping."""
    store_url = _fresh_store("small")
    env = _environment(store_url, key)
    seed = _play("seed", "isp.network.device", {"devices": json.dumps(specs(20))})
    run_cmd([str(PLAYBOOK), str(seed)], env=env)
    info = _play("info", "isp.network.device_info")
    ping = _play("ping", "ansible.builtin.ping")
    best_info = best_ping = float("inf")
    for _ in range(repeat):
        best_info = min(best_info, run_cmd([str(PLAYBOOK), str(info)], env=env))
        best_ping = min(best_ping, run_cmd([str(PLAYBOOK), str(ping)], env=env))
    return Row(
        benchmark="module task",
        subject="one isp.network.device_info task (20 devices)",
        subject_value=best_info,
        baseline="one ansible.builtin.ping task",
        baseline_value=best_ping,
        unit="s",
        goal="<= 2x ping",
        ok=best_info <= 2 * best_ping,
    ).to_dict()


def bulk_register(count: int, key: str) -> dict[str, Any]:
    """Return the row: one bulk isp.network.device task against a no-op module task."""
    benchmark = f"register {count:,} devices"
    goal = "<= 2x"
    if not DEVICE_MODULE.is_file():
        return Row(
            benchmark=benchmark,
            subject="not measured: module isp.network.device not found",
            subject_value=0.0,
            baseline="-",
            baseline_value=0.0,
            unit="s",
            goal=goal,
            ok=False,
            ratio=0.0,
        ).to_dict()

    devices = specs(count)
    (OUT / "devices.json").write_text(json.dumps({"bulk_devices": devices}))
    # A library/ folder next to a playbook is on its module path.
    (OUT / "library").mkdir(exist_ok=True)
    (OUT / "library" / "bulk_noop.py").write_text(NOOP_MODULE)
    arguments = {"devices": '"{{ bulk_devices }}"'}
    play = _play("bulk", "isp.network.device", arguments, "devices.json")
    noop = _play("bulk-noop", "bulk_noop", arguments, "devices.json")
    module_s = min(
        run_cmd([str(PLAYBOOK), str(play)], env=_environment(_fresh_store("bulk"), key))
        for _ in range(2)
    )
    noop_s = run_cmd(
        [str(PLAYBOOK), str(noop)], env=_environment(_fresh_store("noop"), key), repeat=2
    )
    core_s = core_insert(_fresh_store("core"), key, devices)
    return Row(
        benchmark=benchmark,
        subject=(
            f"one isp.network.device task, devices: from a vars file ({count / module_s:,.0f} "
            f"devices/s; SQLAlchemy Core executemany of the same rows: {core_s:.2f} s)"
        ),
        subject_value=module_s,
        baseline="one task of a module that returns at once, given the same list the same way",
        baseline_value=noop_s,
        unit="s",
        goal=goal,
        ok=module_s <= 2 * noop_s,
    ).to_dict()


def run(quick: bool) -> list[dict[str, Any]]:
    """Return the module rows: task cost (a) and bulk registration (b)."""
    OUT.mkdir(parents=True, exist_ok=True)
    collections_on_path()
    from ansible_collections.isp.network.plugins.module_utils.secrets import generate_key

    key = os.environ.get("ISP_NETWORK_SECRET_KEY") or generate_key()
    count = 2_000 if quick else 10_000
    return [task_cost(3 if quick else 5, key), bulk_register(count, key)]
