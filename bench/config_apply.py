"""Bulk apply for bench_config: the service against a plain threaded NAPALM script.

``ConfigurationService.apply_configurations`` merges a change into every device of a
``scale-N`` lab (backup, load, compare, commit, verify, each outcome stored), against a
script making the same NAPALM calls with the same number of threads and storing nothing.
Goal: at most 1.5x its wall time.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.harness import Row, lab_cli, timed


def apply_rows(folder: Path, size: int, workers: int) -> list[dict[str, Any]]:
    """Return the bulk apply row, measured on a ``scale-<size>`` lab started in ``folder``."""
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
    lab_cli("up", f"scale-{size}", "--state", str(state), "--base-port", "0", "--detach")
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
                list(pool.map(lambda n: plain_apply(client, n, run), names))

        service(0)
        runs = iter(range(1, 100))
        subject = timed(lambda: service(next(runs)), repeat=2)
        baseline = timed(lambda: plain(next(runs)), repeat=2)
    finally:
        lab_cli("down", "--state", str(state))
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


def plain_apply(client: Any, name: str, run: int) -> None:
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
