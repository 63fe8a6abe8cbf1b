"""End to end at ISP scale: 10,000 devices from registration to topology analysis (quick: 1,000).

The network is ``lab.generator.generate(N)``: two cores, aggregation pairs, dual-homed access
switches. The stages run in order on one store, once on SQLite and once on PostgreSQL, and
each makes the calls the collection's modules make, in a ``run_transaction`` as a task does:

1. register: ``DeviceService.ensure_devices`` with every device in one call (the bulk form of
   isp.network.device), each with a username, password and enable secret to encrypt.
   Checked: N devices stored, every login decrypts to what was given.
2. allocate: two pools (loopback, management) through ``pool_task``, then N addresses from
   each through ``allocation_task`` with ``count`` (isp.network.ip_pool / ip_address).
   Checked: 2N distinct addresses returned and stored, no duplicate, the pools' counters
   equal to a recount of their rows.
3. render: ``ConfigurationService.generate_configurations(..., store=True)`` renders
   templates/ios/base.j2 for every device with its two addresses and stores each as its
   intended configuration (isp.network.config_render). Checked: N new intended
   configurations stored, each holding its device's loopback.
4. inventory: Ansible's ``InventoryManager`` reads a ``plugin: isp.network.store`` source
   (what ``ansible-inventory --list`` builds before it prints). Checked: N hosts, and the
   core / aggregation / access groups hold the generated number of hosts.
5. topology: ``TopologyService.analyze_topology`` on the stored topology, with its text
   report (isp.network.topology_analyze). The topology is stored first, untimed, by
   ``discover_topology`` with a reader that answers from the generated LLDP neighbours.
   Checked: N devices, every generated link, no single point of failure (there is none).

Time and memory: every stage runs alone in a fresh Python process (``bench.scale_stages``),
as a module task does. The store is opened and the inputs built before the clock starts; the
lazy imports a task pays on first use (networkx, Jinja, Ansible's plugin loader) are in the
time. The row also shows the stage's CPU time, which a busy machine inflates less than the
wall time the goal is set on. Peak memory is the process's peak resident set size while the
stage ran: the kernel's high-water mark (VmHWM), reset to the current size just before the
stage (/proc/self/clear_refs). Unlike tracemalloc (which ``harness.peak_memory`` uses) it
counts memory held by C code (SQLite's page cache, the database driver) and does not slow
the stage down. The row shows the peak and its growth over the size at the start
(interpreter, libraries, inputs).

Goals, one per stage, each met only when every check passes:

- time: 5 s plus the items at a rate an ISP expects of a whole-network job: a nightly CMDB
  sync registering every device (100 devices/s: 10,000 in under 2 minutes), an addressing
  plan for a new region (1,000 addresses/s), regenerating every configuration after a
  template change (500 configurations/s), the inventory refresh an AWX job waits for before
  it starts (500 hosts/s: 25 s), the analysis behind a daily report (2,000 devices/s: 10 s
  at 10,000, the budget bench_topology sets for the analysis in memory). The 5 s are the
  fixed costs of a stage whatever its size. At 1,000 devices (quick) the analysis takes its
  exact path (``analysis.EXACT_LIMIT``), far slower than the sampled one above it.
- memory: a peak of at most 1 GiB, so that a 2 GiB AWX execution environment runs the
  stage beside Ansible's own forks.

PostgreSQL: a fresh schema on ``ISP_NETWORK_BENCH_PG_URL`` or ``ISP_NETWORK_TEST_PG_URL``
(``make bench`` creates a throwaway database through tools/run-bench), dropped afterwards.
Without either, the PostgreSQL rows say "not measured" and count as not met.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
for entry in (str(ROOT), str(ROOT / ".collections")):
    if entry not in sys.path:
        sys.path.insert(0, entry)

from bench.harness import Row  # noqa: E402

PG_ENVS = ("ISP_NETWORK_BENCH_PG_URL", "ISP_NETWORK_TEST_PG_URL")
PEAK_BUDGET_MIB = 1024
# The fixed part of every budget: what a stage pays before its first item (lazy imports,
# Ansible's plugin loader, the first queries), whatever the size.
STARTUP_S = 5.0
STAGE_TIMEOUT_S = 1800


class _NoPostgres(Exception):
    """The PostgreSQL server named by the environment cannot be reached."""


@dataclass(frozen=True)
class Stage:
    """One stage: its bench.scale_stages name, what it does, its goal rate, what it reads."""

    name: str
    what: str
    call: str
    rate: float
    unit: str
    needs: tuple[str, ...] = ("register",)

    def items(self, size: int) -> int:
        """Return how many items the stage handles for a network of ``size`` devices."""
        return 2 * size if self.name == "allocate" else size

    def budget(self, size: int) -> float:
        """Return the time budget, in seconds, for a network of ``size`` devices."""
        return STARTUP_S + self.items(size) / self.rate


STAGES = (
    Stage(
        "register",
        "register {n:,} devices with logins",
        "DeviceService.ensure_devices, one call",
        100,
        "devices/s",
        (),
    ),
    Stage(
        "allocate",
        "create 2 pools, allocate {m:,} addresses",
        "pool_task x2, allocation_task count={n:,} x2",
        1_000,
        "addresses/s",
    ),
    Stage(
        "render",
        "render and store {n:,} configurations",
        "ConfigurationService.generate_configurations(store=True)",
        500,
        "configs/s",
        ("register", "allocate"),
    ),
    Stage(
        "inventory",
        "build the inventory of {n:,} devices",
        "InventoryManager, plugin: isp.network.store",
        500,
        "hosts/s",
    ),
    Stage(
        "analyze",
        "analyse a {n:,}-device topology",
        "TopologyService.analyze_topology + text report",
        2_000,
        "devices/s",
    ),
)


def _child(stage: str, url: str, size: int, key: str) -> dict[str, Any]:
    """Run ``stage`` in a fresh process; return its measurement (see bench.scale_stages).

    Raises RuntimeError with the last line the process wrote when it fails.
    """
    environment = {
        **os.environ,
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
        "ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "1",
        "ANSIBLE_NOCOLOR": "1",
    }
    job = json.dumps({"stage": stage, "url": url, "size": size, "key": key})
    result = subprocess.run(
        [sys.executable, "-m", "bench.scale_stages"],
        input=job,
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=STAGE_TIMEOUT_S,
        check=False,
    )
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines() or ["no output"]
        raise RuntimeError(f"stage {stage} exited {result.returncode}: {lines[-1]}"[:200])
    return json.loads(result.stdout.strip().splitlines()[-1])


def _row(stage: Stage, backend: str, size: int, subject: str, seconds: float, ok: bool) -> dict:
    budget = stage.budget(size)
    return Row(
        benchmark=f"scale, {backend}: {stage.what.format(n=size, m=stage.items(size))}",
        subject=subject,
        subject_value=round(seconds, 3),
        baseline=f"budget: {STARTUP_S:g} s + {stage.rate:,g} {stage.unit}",
        baseline_value=round(budget, 3),
        unit="s",
        goal=f"<= {budget:,.4g} s, peak <= {PEAK_BUDGET_MIB} MiB, checks pass",
        ok=ok,
    ).to_dict()


def _measured_row(stage: Stage, backend: str, size: int, measured: dict[str, Any]) -> dict:
    peak, start = measured["peak_mib"], measured["start_mib"]
    growth = f"+{peak - start:.0f} MiB" if measured["peak_reset"] else "whole process"
    subject = (
        f"{stage.call.format(n=size)}; CPU {measured['cpu_seconds']:.1f} s; "
        f"peak RSS {peak:.0f} MiB ({growth})"
    )
    if measured["problems"]:
        subject += "; CHECK FAILED: " + "; ".join(measured["problems"])
    ok = (
        not measured["problems"]
        and measured["seconds"] <= stage.budget(size)
        and peak <= PEAK_BUDGET_MIB
    )
    return _row(stage, backend, size, subject, measured["seconds"], ok)


def _backend_rows(backend: str, url: str, size: int, key: str) -> list[dict]:
    """Run every stage in order on ``url``; a stage whose input failed is not run."""
    rows: list[dict] = []
    failed: list[str] = []
    for stage in STAGES:
        missing = [name for name in stage.needs if name in failed]
        if missing:
            failed.append(stage.name)
            rows.append(_row(stage, backend, size, f"not run: {missing[0]} failed", 0.0, False))
            continue
        try:
            if stage.name == "analyze":
                setup = _child("discover", url, size, key)
                if setup["problems"]:
                    raise RuntimeError("storing the topology: " + "; ".join(setup["problems"]))
            measured = _child(stage.name, url, size, key)
        except (RuntimeError, subprocess.TimeoutExpired, ValueError) as error:
            failed.append(stage.name)
            rows.append(_row(stage, backend, size, f"error: {error}"[:200], 0.0, False))
            continue
        rows.append(_measured_row(stage, backend, size, measured))
        print(f"  scale {backend} {stage.name}: {measured['seconds']:.1f} s", file=sys.stderr)
    return rows


@contextmanager
def _postgres_schema(base: str):
    """Yield a URL on ``base`` using a new schema of its own; drop the schema afterwards."""
    import psycopg

    from tests.conftest import fresh_postgres_url

    try:
        url = fresh_postgres_url(base)
    except psycopg.OperationalError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else "no answer"
        raise _NoPostgres(first[:120]) from None
    options = parse_qs(urlsplit(url).query).get("options", [""])[-1]
    schema = options.removeprefix("-csearch_path=")
    try:
        yield url
    finally:
        conninfo = base.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _secret_key() -> str:
    from ansible_collections.isp.network.plugins.module_utils.secrets import generate_key

    return generate_key()


def run(quick: bool) -> list[dict[str, Any]]:
    """Return one row per stage and store backend (SQLite, then PostgreSQL)."""
    size = 1_000 if quick else 10_000
    key = _secret_key()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        rows += _backend_rows("SQLite", f"sqlite:///{Path(folder) / 'store.db'}", size, key)

    base = next((os.environ[name] for name in PG_ENVS if os.environ.get(name)), None)
    if base is None:
        reason = f"not measured: PostgreSQL not available (set {PG_ENVS[1]}; make bench does)"
        return rows + [_row(stage, "PostgreSQL", size, reason, 0.0, False) for stage in STAGES]
    try:
        with _postgres_schema(base) as url:
            rows += _backend_rows("PostgreSQL", url, size, key)
    except _NoPostgres as error:
        reason = f"not measured: PostgreSQL not available ({error})"
        return rows + [_row(stage, "PostgreSQL", size, reason, 0.0, False) for stage in STAGES]
    return rows
