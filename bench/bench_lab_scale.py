"""Discovery and a bulk configuration change over a 1,000-device lab (quick: 100).

The lab (``scale-N``) runs as its own process (``python -m lab up --detach``) and its
inventory is registered in a fresh SQLite store before any clock starts.

- Lab start: spawn to every SSH port open, with the lab's open files and resident memory.
- Discovery: ``TopologyService.discover_topology`` from core1 (what ``topology_discover``
  calls), against a plain threaded script making the same NAPALM calls on every device
  (open, LLDP neighbours in detail, the one filtered ``show interfaces``, close) with the
  same number of threads and storing nothing. Goal: at most 1.5x its wall time, every
  device read, no error, every link of the topology seen.
- Bulk apply: ``ConfigurationService.apply_configurations`` merging a change rendered from a
  small template (one more NTP server, a new SNMP location) into every device, against a plain
  threaded script making the same NAPALM calls (backup, load, compare, commit, verify) with
  the same threads and storing nothing. Goal: at most 1.5x its wall time, every device
  applied, none failed, and the change in every device's running configuration.

The two sides of each comparison run in turn, best of two (quick) or once (full size).

Each device listens on its own port, so the lab holds one open socket per device plus two
per session. The bench raises its soft limit on open files (which the lab inherits) to what
the lab needs, and says why it cannot when the hard limit is lower.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for entry in (str(ROOT), str(ROOT / ".collections")):
    if entry not in sys.path:
        sys.path.insert(0, entry)

from bench.harness import Row, lab_cli  # noqa: E402
from lab import LabClient  # noqa: E402
from lab.api import napalm_arguments  # noqa: E402
from lab.control import runtime  # noqa: E402
from lab.generator import generate  # noqa: E402

WORKERS = 50
GOAL_RATIO = 1.5
START_GOAL_SECONDS = 10.0
TIMEOUT = 120
# Every run adds another NTP server and moves the SNMP location: the same change each time.
CHANGE = "ntp server 192.0.2.{{ 100 + run }}\nsnmp-server location {{ name }} run {{ run }}\n"
# Files the bench and the lab hold besides the device sockets: logs, the store, Python.
SPARE_FILES = 512


def open_file_limit(devices: int, workers: int) -> int:
    """Raise the soft limit on open files to what a ``devices`` lab needs; return the limit.

    The lab listens on one socket per device and holds one per session; the client holds
    one per session too. Raises RuntimeError when the hard limit is lower than that.
    """
    needed = devices + 4 * workers + SPARE_FILES
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return soft
    if hard != resource.RLIM_INFINITY and hard < needed:
        raise RuntimeError(
            f"a {devices}-device lab needs about {needed} open files but the hard limit is "
            f"{hard}; raise it (ulimit -Hn, or nofile in /etc/security/limits.conf)"
        )
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
    return needed


def _lab_process(state: str) -> tuple[int, float]:
    """Return the lab process's open files and resident memory in MiB."""
    pid = runtime(state)["pid"]
    files = len(list(Path(f"/proc/{pid}/fd").iterdir()))
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return files, float(line.split()[1]) / 1024
    return files, 0.0


def _threaded(work: Callable[[dict[str, Any]], object], entries: list[dict]) -> float:
    """Return the wall time of ``work`` on every entry with WORKERS threads."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(work, entries))
    return time.perf_counter() - started


def _plain_read(entry: dict[str, Any]) -> None:
    """The discovery baseline for one device: the NAPALM calls discovery makes, no parsing."""
    import napalm

    from ansible_collections.isp.network.plugins.module_utils.topology.reading import ios_command

    command = ios_command(counters=True)
    device = napalm.get_network_driver("ios")(timeout=TIMEOUT, **entry["napalm"])
    device.open()
    try:
        device.get_lldp_neighbors_detail()
        device.cli([command])
    finally:
        device.close()


def _plain_apply(entry: dict[str, Any]) -> None:
    """The apply baseline for one device: backup, load, compare, commit, verify."""
    import napalm

    device = napalm.get_network_driver("ios")(timeout=TIMEOUT, **entry["napalm"])
    device.open()
    try:
        device.get_config(retrieve="running")
        device.load_merge_candidate(config=entry["change"])
        device.compare_config()
        device.commit_config()
        device.get_config(retrieve="running")
    finally:
        device.close()


def _changes(names: list[str], run: int) -> dict[str, str]:
    """Return each device's change for ``run``, rendered from the CHANGE template."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    template = ImmutableSandboxedEnvironment(undefined=StrictUndefined).from_string(CHANGE)
    return {name: template.render(name=name, run=run) + "\n" for name in names}


class _Store:
    """The lab's devices registered in a fresh SQLite store, and the key of their logins."""

    def __init__(self, folder: Path, entries: list[dict]) -> None:
        from cryptography.fernet import Fernet

        from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
        from ansible_collections.isp.network.plugins.module_utils.services.devices import (
            DeviceService,
        )
        from ansible_collections.isp.network.plugins.module_utils.store.engine import (
            session_scope,
        )

        self.url = f"sqlite:///{folder / 'lab-scale.db'}"
        self.box = SecretBox(Fernet.generate_key().decode())
        with session_scope(self.url) as session:
            DeviceService.ensure_devices(session, entries, self.box)

    def discover(self) -> tuple[float, dict[str, Any]]:
        """Return the seconds of a discovery from core1 and its result."""
        from ansible_collections.isp.network.plugins.module_utils.services.devices import (
            DeviceService,
        )
        from ansible_collections.isp.network.plugins.module_utils.services.topology import (
            TopologyService,
        )
        from ansible_collections.isp.network.plugins.module_utils.store.engine import (
            session_scope,
        )

        started = time.perf_counter()
        with session_scope(self.url) as session:
            root = DeviceService.get_device_by_name(session, "core1").id
            result = TopologyService.discover_topology(
                session, root, 4, box=self.box, workers=WORKERS, timeout=TIMEOUT
            )
        return time.perf_counter() - started, result

    def apply(self, changes: dict[str, str]) -> tuple[float, Counter]:
        """Return the seconds of one bulk apply of ``changes`` and the count of each outcome."""
        from ansible_collections.isp.network.plugins.module_utils.services.config_record import (
            ApplyOptions,
            ApplyRequest,
        )
        from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
            ConfigurationService,
        )

        requests = [ApplyRequest(name, text) for name, text in changes.items()]
        options = ApplyOptions(workers=WORKERS, timeout=TIMEOUT)
        started = time.perf_counter()
        outcomes = ConfigurationService.apply_configurations(
            requests, store_url=self.url, box=self.box, options=options
        )
        return time.perf_counter() - started, Counter(o.outcome for o in outcomes)


def _discovery_row(size: int, store: _Store, targets: list[dict], links: int, repeat: int) -> dict:
    # Interleaved, best of ``repeat`` each, so a busy moment on the machine hits both sides.
    subject = baseline = float("inf")
    read, errors, seen = size, 0, links
    for _ in range(repeat):
        baseline = min(baseline, _threaded(_plain_read, targets))
        seconds, result = store.discover()
        subject = min(subject, seconds)
        read = min(read, result["run"]["devices_read"])
        errors = max(errors, len(result["run"]["errors"]))
        seen = min(seen, result["links"]["seen"])
    return Row(
        benchmark=f"topology discovery, {size}-device lab, {WORKERS} workers",
        subject=f"discover_topology from core1: {read} of {size} read, {errors} errors, "
        f"{seen} of {links} links" + (f" (worst of {repeat} runs)" if repeat > 1 else ""),
        subject_value=round(subject, 2),
        baseline="threaded script, same NAPALM calls (LLDP detail, show interfaces), same threads",
        baseline_value=round(baseline, 2),
        unit="s",
        goal=f"<= {GOAL_RATIO:g}x, all read, 0 errors",
        ok=read == size and not errors and seen == links and subject <= GOAL_RATIO * baseline,
    ).to_dict()


def _holding(state: str, changes: dict[str, str]) -> int:
    """Return how many lab devices' running configurations hold every line of their change."""
    devices = Path(state) / "devices"
    held = 0
    for name, text in changes.items():
        running = set((devices / name / "running-config").read_text().splitlines())
        held += all(line in running for line in text.splitlines() if line)
    return held


def _apply_row(size: int, store: _Store, state: str, targets: list[dict], repeat: int) -> dict:
    # Interleaved like discovery; each run makes a new change, so every apply commits.
    names = [target["name"] for target in targets]
    run = 0
    subject = baseline = float("inf")
    outcomes: Counter = Counter()
    held = size
    for _ in range(repeat):
        run += 1
        changes = _changes(names, run)
        seconds, outcomes = store.apply(changes)
        subject = min(subject, seconds)
        held = min(held, _holding(state, changes))
        if outcomes != Counter({"applied": size}):
            break
        run += 1
        changes = _changes(names, run)
        work = [{**target, "change": changes[target["name"]]} for target in targets]
        baseline = min(baseline, _threaded(_plain_apply, work))
    applied = outcomes.get("applied", 0)
    others = ", ".join(f"{count} {name}" for name, count in outcomes.items() if name != "applied")
    return Row(
        benchmark=f"config bulk apply, {size}-device lab, {WORKERS} workers",
        subject=f"apply_configurations, merge of a rendered NTP + location change: "
        f"{applied} of {size} applied"
        + (f", {others}" if others else "")
        + f", {held} of {size} running it",
        subject_value=round(subject, 2),
        baseline="threaded script, same NAPALM calls, same threads, nothing stored",
        baseline_value=round(baseline, 2) if baseline != float("inf") else 0.0,
        unit="s",
        goal=f"<= {GOAL_RATIO:g}x, all applied, 0 failed",
        ok=applied == size and held == size and subject <= GOAL_RATIO * baseline,
    ).to_dict()


def run(quick: bool) -> list[dict]:
    """Return the lab start, discovery and bulk apply rows."""
    from ansible_collections.isp.network.plugins.module_utils.store.engine import dispose_engines

    size = 100 if quick else 1_000
    # Best of two for the quick run; one run of each side at full size (minutes each).
    repeat = 2 if quick else 1
    limit = open_file_limit(size, WORKERS)
    links = len(generate(size)["links"])
    with tempfile.TemporaryDirectory(prefix="bench-lab-scale-") as folder:
        state = str(Path(folder) / "lab")
        started = time.perf_counter()
        lab_cli("up", f"scale-{size}", "--state", state, "--base-port", "0", "--detach")
        start_seconds = time.perf_counter() - started
        try:
            files, memory = _lab_process(state)
            entries = LabClient(state).inventory()
            store = _Store(Path(folder), entries)
            targets = [{"name": e["name"], "napalm": napalm_arguments(e)} for e in entries]
            rows = [
                Row(
                    benchmark=f"lab start, {size} devices",
                    subject=f"spawn to ready ({files} open files of {limit} allowed, "
                    f"{memory:.0f} MiB resident)",
                    subject_value=round(start_seconds, 2),
                    baseline="goal",
                    baseline_value=START_GOAL_SECONDS,
                    unit="s",
                    goal=f"<= {START_GOAL_SECONDS:g} s",
                    ok=len(entries) == size and start_seconds <= START_GOAL_SECONDS,
                ).to_dict(),
                _discovery_row(size, store, targets, links, repeat),
                _apply_row(size, store, state, targets, repeat),
            ]
        finally:
            dispose_engines()
            lab_cli("down", "--state", state)
    return rows
