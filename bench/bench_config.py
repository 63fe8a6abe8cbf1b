"""Rendering configurations: the service against bare Jinja2 and ansible.builtin.template.

The templates and variables are in ``config_inputs``; the bulk apply row in ``config_apply``.

- Render and store: ``ConfigurationService.generate_configurations(..., store=True)`` checks
  every device's variables against the schema, renders in the sandbox and stores each result
  as an intended configuration (versions looked up, one audit event for the call), in one
  transaction on a SQLite store.
  - The edge template, against a bare ``ImmutableSandboxedEnvironment`` render of it
    (with the same filters), nothing stored. Goal: at least half its rate.
  - The base template, against the floor of the same work: a bare render, then the same
    rows, every value already in its stored form, written with the driver's own
    ``executemany`` into the same table of a store made by the same migrations (no checks,
    no versions, no audit). Goal: at least half the floor's rate. A template this short
    renders in about the time SQLite takes to insert and commit one row of it, so against a
    bare render of it even the floor is under half; the row shows both ratios.
  - The base template again into a store where every device already has 100 intended
    versions, against the same call into a store without history: the newest-version
    lookup takes one index step per device, so only the deeper indexes cost more. Goal: at
    most 2x the time.
- Render only: the base template through the service without storing, against the same
  bare render.
- Against ``ansible.builtin.template`` in a loop (one task item per device, writing files):
  the time of a playbook with an empty loop is subtracted, so only the loop is counted.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from bench.config_apply import apply_rows
from bench.config_inputs import (
    EDGE,
    TEMPLATE,
    Variables,
    base_variables,
    edge_variables,
    rendered_lines,
    sandbox,
)
from bench.harness import Row, collections_on_path, run_cmd, timed

ROOT = Path(__file__).resolve().parent.parent
# Intended versions every device has before the history run stores one more.
HISTORY = 100
ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"


def _store(folder: Path, count: int, path: Path = TEMPLATE, name: str = "bench") -> tuple[str, Any]:
    from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
        ConfigurationService,
    )
    from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
    from ansible_collections.isp.network.plugins.module_utils.store.models import Device

    url = f"sqlite:///{folder / f'{name}.db'}"
    with session_scope(url) as session:
        session.add_all(Device(name=f"r{i}", hostname=f"r{i}") for i in range(count))
        template, _ = ConfigurationService.create_template_from_file(session, path)
    return url, template


def _service_rate(
    url: str,
    template: Any,
    count: int,
    repeat: int,
    store: bool,
    variables: Variables = base_variables,
) -> float:
    from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
        ConfigurationService,
    )
    from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope

    # A new banner per run, so every run stores a new version for every device. The variables
    # are built before timing, as the baseline's are.
    runs = iter([variables(count, run) for run in range(1, repeat + 1)])

    def once() -> None:
        devices = next(runs)
        with session_scope(url) as session:
            made = ConfigurationService.generate_configurations(
                session, template, devices, store=store
            )
        if store and not all(config.created for config in made):
            raise RuntimeError("the render-and-store run stored fewer configurations than asked")

    return count / timed(once, repeat=repeat)


def _bare_rate(
    count: int,
    repeat: int,
    path: Path = TEMPLATE,
    variables: Variables = base_variables,
) -> float:
    template = sandbox(path)
    devices = list(variables(count, 0).values())

    def once() -> None:
        for values in devices:
            template.render(values)

    return count / timed(once, repeat=repeat)


def _history_rate(folder: Path, count: int, repeat: int) -> float:
    """Return the render-and-store rate into a store keeping HISTORY versions per device."""
    import sqlite3
    from datetime import UTC, datetime

    url, template = _store(folder, count, name="history")
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    rows = (
        (device_id, version, f"hostname r{device_id} v{version}\n", f"{version:064x}", now)
        for version in range(1, HISTORY + 1)
        for device_id in range(1, count + 1)
    )
    connection = sqlite3.connect(url.removeprefix("sqlite:///"))
    with connection:
        connection.executemany(
            "INSERT INTO device_configuration (device_id, kind, version, state, content, "
            "content_hash, variables, created_at) VALUES (?, 'intended', ?, 'draft', ?, ?, "
            "'{}', ?)",
            rows,
        )
    connection.close()
    return _service_rate(url, template, count, repeat, store=True)


def _floor_rate(folder: Path, count: int, repeat: int) -> float:
    """Return the rate of a bare render followed by the driver's insert of the same rows."""
    import hashlib
    import json
    from datetime import UTC, datetime

    from ansible_collections.isp.network.plugins.module_utils.store.engine import get_engine

    url, _stored = _store(folder, count, name="floor")
    template = sandbox(TEMPLATE)
    runs = iter([list(base_variables(count, run).values()) for run in range(1, repeat + 1)])
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
    names = list(next(iter(base_variables(1).values())))
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
        yaml.safe_dump({"bench_items": list(base_variables(items).values())})
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


def run(quick: bool) -> list[dict[str, Any]]:
    """Return the rows: render and store (edge, base, with history), render only, the
    ansible.builtin.template loop, and the bulk apply.
    """
    collections_on_path()
    count = 1_000 if quick else 10_000
    repeat = 2 if quick else 3
    items = 10 if quick else 100
    folder = Path(tempfile.mkdtemp(prefix="isp-bench-config-"))
    try:
        applied = apply_rows(folder, 50 if quick else 200, 25 if quick else 50)
        edge_url, edge = _store(folder, count, EDGE, name="edge")
        edge_bare = _bare_rate(count, repeat, EDGE, edge_variables)
        edge_stored = _service_rate(edge_url, edge, count, repeat, True, edge_variables)
        url, template = _store(folder, count)
        bare = _bare_rate(count, repeat)
        floor = _floor_rate(folder, count, repeat)
        stored = _service_rate(url, template, count, repeat, store=True)
        kept = _history_rate(folder, count, repeat)
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

    edge_lines, base_lines = (
        rendered_lines(EDGE, edge_variables),
        rendered_lines(TEMPLATE, base_variables),
    )
    service = "ConfigurationService, {count} configs of {name} ({lines} lines) checked, rendered"
    base = service.format(count=count, name="base.j2", lines=base_lines)
    return [
        Row(
            benchmark="config render+store",
            subject=service.format(count=count, name="edge.j2", lines=edge_lines)
            + ", stored (SQLite)",
            subject_value=edge_stored,
            baseline="bare ImmutableSandboxedEnvironment render, same template and filters",
            baseline_value=edge_bare,
            unit="configs/s",
            goal=">= 0.5x",
            ok=edge_stored >= 0.5 * edge_bare,
        ).to_dict(),
        Row(
            benchmark="config render+store, short template",
            subject=f"{base}, stored (SQLite; {stored / bare:.2f}x of the bare render)",
            subject_value=stored,
            baseline=(
                "bare sandboxed render, then the driver's executemany of the same rows "
                f"(the floor; {floor / bare:.2f}x of the bare render)"
            ),
            baseline_value=floor,
            unit="configs/s",
            goal=">= 0.5x",
            ok=stored >= 0.5 * floor,
        ).to_dict(),
        Row(
            benchmark="config render+store, history kept",
            subject=f"{base}, stored as version {HISTORY + 1}+ of each device",
            subject_value=count / kept,
            baseline="the same, into a store without history (version 1+ of each device)",
            baseline_value=count / stored,
            unit="s",
            goal="<= 2x",
            ok=count / kept <= 2 * count / stored,
        ).to_dict(),
        Row(
            benchmark="config render",
            subject=base,
            subject_value=rendered,
            baseline="bare ImmutableSandboxedEnvironment render, same template",
            baseline_value=bare,
            unit="configs/s",
            goal=">= 0.5x",
            ok=rendered >= 0.5 * bare,
        ).to_dict(),
        Row(
            benchmark="config render+store vs template loop",
            subject=f"{base}, stored (SQLite)",
            subject_value=stored,
            baseline=f"ansible.builtin.template loop, {items} items (playbook start excluded)",
            baseline_value=looped,
            unit="configs/s",
            goal=">= 1x",
            ok=stored >= looped,
        ).to_dict(),
        *applied,
    ]
