"""Benchmarks of the lab: start time, parallel NAPALM sessions, memory per simulated device.

Each lab runs as its own process (`python -m lab up --detach`), as in the demo, so the
client threads and the lab never share an interpreter.
"""

from __future__ import annotations

import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.harness import Row, lab_cli
from lab import LabClient
from lab.control import runtime

ROOT = Path(__file__).resolve().parent.parent
START_GOAL_SECONDS = 10.0
SESSION_GOAL_RATIO = 1.5
MEMORY_GOAL_KIB = 512.0


class _Lab:
    """A detached lab in a temporary state folder, timed from spawn to ready."""

    def __init__(self, topology: str) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="bench-lab-")
        self.state = self._folder.name
        started = time.perf_counter()
        lab_cli("up", topology, "--state", self.state, "--base-port", "0", "--detach")
        self.start_seconds = time.perf_counter() - started
        self.client = LabClient(self.state)

    def rss_kib(self) -> float:
        """Return the lab process's resident memory in KiB."""
        pid = runtime(self.state)["pid"]
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return float(line.split()[1])
        return 0.0

    def cpu_seconds(self) -> float:
        """Return the CPU time the lab process has used."""
        pid = runtime(self.state)["pid"]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        """Stop the lab and remove its state folder."""
        lab_cli("down", "--state", self.state)
        self._folder.cleanup()


def _row(benchmark, subject, value, baseline, baseline_value, unit, goal, ok) -> dict:
    return Row(
        benchmark=benchmark,
        subject=subject,
        subject_value=round(value, 3),
        baseline=baseline,
        baseline_value=round(baseline_value, 3),
        unit=unit,
        goal=goal,
        ok=ok,
    ).to_dict()


def _session(client: LabClient, name: str) -> None:
    import napalm

    args = client.napalm_args(name)
    device = napalm.get_network_driver("ios")(timeout=120, **args)
    device.open()
    device.get_facts()
    device.get_lldp_neighbors()
    device.get_config(retrieve="running")
    device.load_merge_candidate(config=f"snmp-server location bench {name}\n")
    device.commit_config()
    device.close()


def _sessions(lab: _Lab, count: int) -> dict[str, float]:
    """Run one session alone, then `count` in parallel; return the timings that matter."""
    import napalm  # noqa: F401  (imported before timing: the import is not the workload)

    names = [entry["name"] for entry in lab.client.inventory()]
    single = time.perf_counter()
    _session(lab.client, names[-1])
    single = time.perf_counter() - single
    lab_cpu, wall, cpu = lab.cpu_seconds(), time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(max_workers=count) as pool:
        list(pool.map(lambda name: _session(lab.client, name), names[:count]))
    return {
        "wall": time.perf_counter() - wall,
        "client_cpu": time.process_time() - cpu,
        "single": single,
        "lab_cpu": lab.cpu_seconds() - lab_cpu,
    }


def run(quick: bool) -> list[dict]:
    """Measure the lab and return one row per comparison."""
    size, sessions = (200, 100) if quick else (500, 200)
    rows = []

    small = _Lab("scale-5")
    small_rss = small.rss_kib()
    small.close()

    lab = _Lab(f"scale-{size}")
    try:
        rows.append(
            _row(
                "lab start",
                f"{size}-device lab, spawn to ready",
                lab.start_seconds,
                "goal",
                START_GOAL_SECONDS,
                "s",
                f"<= {START_GOAL_SECONDS:g} s",
                lab.start_seconds <= START_GOAL_SECONDS,
            )
        )
        per_device = (lab.rss_kib() - small_rss) / (size - 5)
        rows.append(
            _row(
                "lab memory",
                f"resident memory per idle device ({size} devices)",
                per_device,
                "budget",
                MEMORY_GOAL_KIB,
                "KiB",
                f"<= {MEMORY_GOAL_KIB:g} KiB",
                per_device <= MEMORY_GOAL_KIB,
            )
        )
        timing = _sessions(lab, sessions)
        alone = max(timing["client_cpu"], timing["single"])
        rows.append(
            _row(
                "lab sessions",
                f"{sessions} parallel NAPALM sessions (open..commit, close), wall time",
                timing["wall"],
                "client alone: max(client CPU, one session's wall time)",
                alone,
                "s",
                f"<= {SESSION_GOAL_RATIO:g}x client alone",
                timing["wall"] <= SESSION_GOAL_RATIO * alone,
            )
        )
        rows.append(
            _row(
                "lab sessions",
                f"lab CPU time serving {sessions} sessions",
                timing["lab_cpu"],
                "client CPU time",
                timing["client_cpu"],
                "s",
                "< 1x client (the lab is not the bottleneck)",
                timing["lab_cpu"] < timing["client_cpu"],
            )
        )
    finally:
        lab.close()
    return rows
