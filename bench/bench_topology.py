"""Benchmarks of topology discovery and analysis.

- Discovery of a generated lab (500 devices; quick: 50) from core1, against a plain threaded
  script that only fetches LLDP from every device with the same number of threads.
- The per-device rate of that discovery against Netdisco's published figure (895 devices in
  about 9 minutes).
- Analysis of a generated 10,000-device topology (quick: 2,000) against a 10 s budget.

The lab runs as its own process (`python -m lab up --detach`), as in bench_lab.
"""

from __future__ import annotations

import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for entry in (str(ROOT), str(ROOT / ".collections")):
    if entry not in sys.path:
        sys.path.insert(0, entry)

from bench.harness import Row, lab_cli  # noqa: E402
from lab import LabClient  # noqa: E402
from lab.api import napalm_arguments  # noqa: E402
from lab.generator import generate  # noqa: E402

WORKERS = 50
DISCOVERY_GOAL_RATIO = 1.5
NETDISCO_DEVICES_PER_SECOND = 895 / (9 * 60)
RATE_GOAL_RATIO = 20.0
ANALYSIS_BUDGET_SECONDS = 10.0


def _plain_lldp(entries: list[dict]) -> float:
    """The baseline: open each device, fetch LLDP detail, close; threads, nothing else."""
    import napalm

    driver = napalm.get_network_driver("ios")

    def fetch(entry: dict) -> int:
        device = driver(timeout=60, **napalm_arguments(entry))
        device.open()
        try:
            return len(device.get_lldp_neighbors_detail())
        finally:
            device.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(fetch, entries))
    return time.perf_counter() - started


def _discovery(entries: list[dict], folder: str) -> tuple[float, int]:
    from ansible_collections.isp.network.plugins.module_utils.secrets import (
        SecretBox,
        generate_key,
    )
    from ansible_collections.isp.network.plugins.module_utils.services.devices import (
        DeviceService,
    )
    from ansible_collections.isp.network.plugins.module_utils.services.topology import (
        TopologyService,
    )
    from ansible_collections.isp.network.plugins.module_utils.store.engine import (
        dispose_engines,
        session_scope,
    )

    url = f"sqlite:///{folder}/bench-topology.db"
    box = SecretBox(generate_key())
    with session_scope(url) as session:
        DeviceService.ensure_devices(session, entries, box)
    started = time.perf_counter()
    with session_scope(url) as session:
        root = DeviceService.get_device_by_name(session, "core1").id
        result = TopologyService.discover_topology(
            session, root, 4, box=box, workers=WORKERS, timeout=60
        )
    seconds = time.perf_counter() - started
    dispose_engines()
    return seconds, result["run"]["devices_read"]


def _analysis(size: int) -> float:
    from ansible_collections.isp.network.plugins.module_utils.topology.analysis import analyze
    from ansible_collections.isp.network.plugins.module_utils.topology.graph import build_graph

    data = generate(size)
    nodes = [{"name": name, "role": spec["role"]} for name, spec in data["devices"].items()]
    links = []
    for text in data["links"]:
        (a, a_port), (b, b_port) = (end.strip().split(":") for end in text.split(" - "))
        links.append({"a": a, "a_interface": a_port, "b": b, "b_interface": b_port, "key": text})
    started = time.perf_counter()
    analyze(build_graph(nodes, links))
    return time.perf_counter() - started


def run(quick: bool) -> list[dict]:
    """Return the discovery, rate and analysis rows."""
    size = 50 if quick else 500
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-topology-") as folder:
        state = str(Path(folder) / "lab")
        lab_cli("up", f"scale-{size}", "--state", state, "--base-port", "0", "--detach")
        try:
            client = LabClient(state)
            entries = client.inventory()
            baseline = _plain_lldp(entries)
            subject, read = _discovery(entries, folder)
        finally:
            lab_cli("down", "--state", state)
    rows.append(
        Row(
            benchmark=f"topology discovery, {size}-device lab, {WORKERS} workers",
            subject=f"discover_topology from core1 ({read} devices read)",
            subject_value=round(subject, 3),
            baseline="threaded LLDP-only fetch of every device",
            baseline_value=round(baseline, 3),
            unit="s",
            goal=f"<= {DISCOVERY_GOAL_RATIO}x",
            ok=subject <= DISCOVERY_GOAL_RATIO * baseline and read == size,
        ).to_dict()
    )
    rate = read / subject if subject else 0.0
    rows.append(
        Row(
            benchmark="topology discovery rate",
            subject="discover_topology",
            subject_value=round(rate, 2),
            baseline="Netdisco (895 devices in ~9 min)",
            baseline_value=round(NETDISCO_DEVICES_PER_SECOND, 2),
            unit="devices/s",
            goal=f">= {RATE_GOAL_RATIO:g}x",
            ok=rate >= RATE_GOAL_RATIO * NETDISCO_DEVICES_PER_SECOND,
        ).to_dict()
    )
    nodes = 2_000 if quick else 10_000
    seconds = _analysis(nodes)
    rows.append(
        Row(
            benchmark=f"topology analysis, {nodes} devices",
            subject="analyze (SPOFs, bridges, blocks, betweenness, redundancy)",
            subject_value=round(seconds, 3),
            baseline="budget",
            baseline_value=ANALYSIS_BUDGET_SECONDS,
            unit="s",
            goal=f"<= {ANALYSIS_BUDGET_SECONDS:g} s",
            ok=seconds <= ANALYSIS_BUDGET_SECONDS,
        ).to_dict()
    )
    return rows
