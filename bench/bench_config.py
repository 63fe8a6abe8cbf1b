"""Rendering configurations: the service against bare Jinja2 and ansible.builtin.template.

All three render the example template ``templates/ios/base.j2`` with the same variables.

- Render and store: ``ConfigurationService.generate_configurations(..., store=True)`` checks
  every device's variables against the schema, renders in the sandbox and stores each result
  as an intended configuration (versions looked up, one audit event for the call), in one
  transaction on a SQLite store. Against the floor of that work: a bare
  ``ImmutableSandboxedEnvironment`` render of the same template, then the same rows, every
  value already in its stored form, written with the driver's own ``executemany`` into the
  same table of a store made by the same migrations (no checks, no versions, no audit).
  Goal: at least half the floor's rate. The row also shows the floor against the bare render
  alone: near 0.5x, since the insert and commit of a row cost about as much as rendering
  this short template. A second row holds the service to half the bare render's rate too,
  which leaves its checks, versions and audit almost nothing over the floor.
- Render only: the same service call without storing, against the same baseline.
- Against ``ansible.builtin.template`` in a loop (one task item per device, writing files):
  the time of a playbook with an empty loop is subtracted, so only the loop is counted.
- Bulk apply: ``ConfigurationService.apply_configurations`` merging a change into every
  device of a ``scale-N`` lab (backup, load, compare, commit, verify, each outcome stored),
  against a plain threaded script making the same NAPALM calls with the same number of
  threads and storing nothing. Goal: at most 1.5x its wall time.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import yaml

from bench.harness import Row, run_cmd, timed

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "ios" / "base.j2"
ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"


def _collections_on_path() -> None:
    collections = str(ROOT / ".collections")
    if collections not in sys.path:
        sys.path.insert(0, collections)


def _variables(count: int, run: int = 0) -> dict[str, dict[str, Any]]:
    # Every variable of the schema given, so the bare baseline renders the same text.
    return {
        f"r{i}": {
            "hostname": f"r{i}",
            "domain": "bench.example.net",
            "loopback0": f"10.255.{i // 250}.{i % 250 + 1}",
            "loopback0_description": "router-id",
            "mgmt_interface": "GigabitEthernet0/0",
            "mgmt_description": "management",
            "mgmt_address": f"192.0.{i // 250 % 256}.{i % 250 + 1}",
            "mgmt_netmask": "255.255.255.0",
            "ntp_servers": ["192.0.2.123", "192.0.2.124"],
            "syslog_servers": ["192.0.2.50"],
            "snmp_location": f"site {i % 40}",
            "banner": f"bench run {run}",
        }
        for i in range(count)
    }


def _store(folder: Path, count: int) -> tuple[str, Any]:
    from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
        ConfigurationService,
    )
    from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
    from ansible_collections.isp.network.plugins.module_utils.store.models import Device

    url = f"sqlite:///{folder / 'bench.db'}"
    with session_scope(url) as session:
        session.add_all(Device(name=f"r{i}", hostname=f"r{i}") for i in range(count))
        template, _ = ConfigurationService.create_template_from_file(session, TEMPLATE)
    return url, template


def _service_rate(url: str, template: Any, count: int, repeat: int, store: bool) -> float:
    from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
        ConfigurationService,
    )
    from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope

    # A new banner per run, so every run stores a new version for every device. The variables
    # are built before timing, as the baseline's are.
    runs = iter([_variables(count, run) for run in range(1, repeat + 1)])

    def once() -> None:
        devices = next(runs)
        with session_scope(url) as session:
            made = ConfigurationService.generate_configurations(
                session, template, devices, store=store
            )
        if store and not all(config.created for config in made):
            raise RuntimeError("the render-and-store run stored fewer configurations than asked")

    return count / timed(once, repeat=repeat)


def _bare_rate(count: int, repeat: int) -> float:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True
    )
    template = env.from_string(TEMPLATE.read_text())
    devices = list(_variables(count).values())

    def once() -> None:
        for variables in devices:
            template.render(variables)

    return count / timed(once, repeat=repeat)


def _floor_rate(folder: Path, count: int, repeat: int) -> float:
    """Return the rate of a bare render followed by the driver's insert of the same rows."""
    import hashlib
    import json
    from datetime import UTC, datetime

    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from ansible_collections.isp.network.plugins.module_utils.store.engine import (
        get_engine,
        session_scope,
    )
    from ansible_collections.isp.network.plugins.module_utils.store.models import (
        Device,
    )

    url = f"sqlite:///{folder / 'floor.db'}"
    with session_scope(url) as session:
        session.add_all(Device(name=f"r{i}", hostname=f"r{i}") for i in range(count))
    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True
    )
    template = env.from_string(TEMPLATE.read_text())
    runs = iter([list(_variables(count, run).values()) for run in range(1, repeat + 1)])
    versions = iter(range(1, repeat + 1))

    columns = (
        "device_id, kind, version, state, content, content_hash, template_name, "
        "template_version, variables, created_at"
    )
    # The driver's own executemany with every value already in its stored form: the least a
    # store can do to keep the same rows durably.
    insert = f"INSERT INTO device_configuration ({columns}) VALUES ({', '.join('?' * 10)})"

    def once() -> None:
        devices, version = next(runs), next(versions)
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
        rows = []
        for device_id, variables in enumerate(devices, start=1):
            content = template.render(variables)
            rows.append(
                (
                    device_id,
                    "intended",
                    version,
                    "draft",
                    content,
                    hashlib.sha256(content.encode()).hexdigest(),
                    "base",
                    "1.0.0",
                    json.dumps(variables),
                    now,
                )
            )
        with get_engine(url).begin() as connection:
            connection.exec_driver_sql(insert, rows)

    return count / timed(once, repeat=repeat)


def _playbook(folder: Path, items: int) -> Path:
    names = list(next(iter(_variables(1).values())))
    path = folder / f"template-{items}.yml"
    play = {
        "hosts": "localhost",
        "gather_facts": False,
        "connection": "local",
        "vars_files": [str(folder / "items.yml")],
        "tasks": [
            {
                "name": "Render the base configuration",
                "ansible.builtin.template": {
                    "src": str(TEMPLATE),
                    "dest": f"{folder}/out/{{{{ item.hostname }}}}.cfg",
                    "lstrip_blocks": True,
                    "mode": "0644",
                },
                "vars": {name: f"{{{{ item.{name} }}}}" for name in names},
                "loop": f"{{{{ bench_items[:{items}] }}}}",
            }
        ],
    }
    path.write_text(yaml.safe_dump([play], sort_keys=False))
    return path


def _template_module_rate(folder: Path, items: int) -> float:
    (folder / "out").mkdir(exist_ok=True)
    (folder / "items.yml").write_text(
        yaml.safe_dump({"bench_items": list(_variables(items).values())})
    )
    inventory = ROOT / "inventory" / "localhost.yml"
    env = {"ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")}

    def seconds(count: int) -> float:
        return run_cmd(
            [str(ANSIBLE_PLAYBOOK), "-i", str(inventory), str(_playbook(folder, count))], env=env
        )

    empty = seconds(0)
    looped = seconds(items)
    return items / max(looped - empty, 1e-6)


def _apply_rows(folder: Path, size: int, workers: int) -> list[dict[str, Any]]:
    from cryptography.fernet import Fernet

    from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
    from ansible_collections.isp.network.plugins.module_utils.services.config_record import (
        ApplyOptions,
        ApplyRequest,
    )
    from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
        ConfigurationService,
    )
    from ansible_collections.isp.network.plugins.module_utils.services.devices import (
        DeviceService,
    )
    from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
    from lab import LabClient

    state = folder / "lab"
    lab_cmd = [sys.executable, "-m", "lab"]
    subprocess.run(
        [*lab_cmd, "up", f"scale-{size}", "--state", str(state), "--base-port", "0", "--detach"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    try:
        client = LabClient(state)
        inventory = client.inventory()
        names = [entry["name"] for entry in inventory]
        url = f"sqlite:///{folder / 'apply.db'}"
        box = SecretBox(Fernet.generate_key().decode())
        with session_scope(url) as session:
            DeviceService.ensure_devices(session, inventory, box)
        options = ApplyOptions(workers=workers, timeout=120)

        def service(run: int) -> None:
            requests = [ApplyRequest(n, f"snmp-server location apply {run}\n") for n in names]
            outcomes = ConfigurationService.apply_configurations(
                requests, store_url=url, box=box, options=options
            )
            if {outcome.outcome for outcome in outcomes} != {"applied"}:
                raise RuntimeError(f"the bulk apply did not apply everywhere: {outcomes[:3]}")

        def plain(run: int) -> None:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                list(pool.map(lambda n: _plain_apply(client, n, run), names))

        service(0)
        runs = iter(range(1, 100))
        subject = timed(lambda: service(next(runs)), repeat=2)
        baseline = timed(lambda: plain(next(runs)), repeat=2)
    finally:
        subprocess.run([*lab_cmd, "down", "--state", str(state)], cwd=ROOT, timeout=120)
    return [
        Row(
            benchmark="config bulk apply",
            subject=f"apply_configurations, merge into {size} lab devices, {workers} workers",
            subject_value=subject,
            baseline="threaded script, same NAPALM calls, same threads, nothing stored",
            baseline_value=baseline,
            unit="s",
            goal="<= 1.5x",
            ok=subject <= 1.5 * baseline,
        ).to_dict()
    ]


def _plain_apply(client: Any, name: str, run: int) -> None:
    import napalm

    device = napalm.get_network_driver("ios")(timeout=120, **client.napalm_args(name))
    device.open()
    try:
        device.get_config(retrieve="running")
        device.load_merge_candidate(config=f"snmp-server location apply {run}\n")
        device.compare_config()
        device.commit_config()
        device.get_config(retrieve="running")
    finally:
        device.close()


def run(quick: bool) -> list[dict[str, Any]]:
    """Return the rows: render and store, render only, and the ansible.builtin.template loop."""
    _collections_on_path()
    count = 1_000 if quick else 10_000
    repeat = 2 if quick else 3
    items = 10 if quick else 100
    folder = Path(tempfile.mkdtemp(prefix="isp-bench-config-"))
    try:
        applied = _apply_rows(folder, 50 if quick else 200, 25 if quick else 50)
        url, template = _store(folder, count)
        bare = _bare_rate(count, repeat)
        floor = _floor_rate(folder, count, repeat)
        stored = _service_rate(url, template, count, repeat, store=True)
        rendered = _service_rate(url, template, count, repeat, store=False)
        try:
            looped = _template_module_rate(folder, items)
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            raise RuntimeError(f"the ansible.builtin.template baseline failed: {exc}") from exc
    finally:
        from ansible_collections.isp.network.plugins.module_utils.store.engine import (
            dispose_engines,
        )

        dispose_engines()
        shutil.rmtree(folder, ignore_errors=True)

    return [
        Row(
            benchmark="config render+store",
            subject=f"ConfigurationService, {count} configs checked, rendered, stored (SQLite)",
            subject_value=stored,
            baseline=(
                "bare sandboxed render, then the driver's executemany of the same rows "
                f"(the floor; {floor / bare:.2f}x of the bare render alone)"
            ),
            baseline_value=floor,
            unit="configs/s",
            goal=">= 0.5x",
            ok=stored >= 0.5 * floor,
        ).to_dict(),
        Row(
            benchmark="config render+store vs bare render",
            subject=f"ConfigurationService, {count} configs checked, rendered, stored (SQLite)",
            subject_value=stored,
            baseline="bare ImmutableSandboxedEnvironment render, same template, nothing stored",
            baseline_value=bare,
            unit="configs/s",
            goal=">= 0.5x",
            ok=stored >= 0.5 * bare,
        ).to_dict(),
        Row(
            benchmark="config render",
            subject=f"ConfigurationService, {count} configs checked and rendered",
            subject_value=rendered,
            baseline="bare ImmutableSandboxedEnvironment render, same template",
            baseline_value=bare,
            unit="configs/s",
            goal=">= 0.5x",
            ok=rendered >= 0.5 * bare,
        ).to_dict(),
        Row(
            benchmark="config render+store vs template loop",
            subject=f"ConfigurationService, {count} configs checked, rendered, stored (SQLite)",
            subject_value=stored,
            baseline=f"ansible.builtin.template loop, {items} items (playbook start excluded)",
            baseline_value=looped,
            unit="configs/s",
            goal=">= 1x",
            ok=stored >= looped,
        ).to_dict(),
        *applied,
    ]
