"""Address allocation: the free-range index against the set-difference method, side by side.

- Fill: allocation rate in a /16 at 90 % full against the same pool at 1 % full. The 90 %
  pool is fragmented (every tenth address released), as a pool is after years of churn.
  Goal: the 90 % rate is at least 0.8x the 1 % rate.
- Method: the same allocations at 90 % full, found by building the set of used addresses
  and subtracting it from the pool (netaddr ``IPSet``, as NetBox does), then allocated
  through the same transaction. Goal: the index is at least 300x faster.
- IPv6: allocation rate in a /64 against the /16 at 1 %: the pool's size must not matter.
- Bulk: 10,000 addresses in one call against 10,000 single-allocation transactions
  (extrapolated from the single rate measured above).
- Concurrency: aggregate rate of 8 processes allocating from one pool on PostgreSQL
  against one process alone. Needs ISP_NETWORK_BENCH_PG_URL or ISP_NETWORK_TEST_PG_URL.

Every allocation is its own transaction through ``run_transaction``, as a module task's is.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import Row, collections_on_path

ROOT = Path(__file__).resolve().parent.parent
PG_ENVS = ("ISP_NETWORK_BENCH_PG_URL", "ISP_NETWORK_TEST_PG_URL")

WORKER = """
import sys, time
from ansible_collections.isp.network.plugins.module_utils.services.ipam import IPPoolService
from ansible_collections.isp.network.plugins.module_utils.store.engine import run_transaction

url, pool, name, count, start_at = sys.argv[1:6]
while time.time() < float(start_at):
    time.sleep(0.001)
for n in range(int(count)):
    run_transaction(lambda s: IPPoolService.allocate_ip(s, pool, f"{name}-{n}", "bench"), url)
"""


def _api():
    collections_on_path()
    from ansible_collections.isp.network.plugins.module_utils.services import ipam
    from ansible_collections.isp.network.plugins.module_utils.store import engine

    return ipam, engine


def _pool(url: str, name: str, network: str, fill: float) -> None:
    """Create pool ``name`` and fill it to ``fill``; at 0.9, release every tenth address."""
    ipam, engine = _api()
    service = ipam.IPPoolService
    with engine.session_scope(url) as session:
        service.create_pool(session, name, network, "customer", gateway=None)
        usable = service.get_pool_usage(session, name).free
    wanted = int(usable * fill)
    if fill > 0.5:
        wanted = min(usable, int(wanted / 0.9) + 1)
    if wanted:
        with engine.session_scope(url) as session:
            service.allocate(session, name, ipam.Request("fill", "all", count=wanted))
    if fill > 0.5:
        with engine.session_scope(url) as session:
            held = service.list_allocations(session, pool=name)
            from ansible_collections.isp.network.plugins.module_utils.services import (
                ipam_allocation,
            )

            pool = service.get_pool(session, name)
            ipam_allocation.release_allocations(session, pool, held[::10])


def _rate(url: str, pool: str, count: int, tag: str, *, set_difference: bool = False) -> float:
    """Return allocations per second for ``count`` single allocations from ``pool``."""
    ipam, engine = _api()
    service = ipam.IPPoolService

    def allocate(n: int):
        def work(session):
            if not set_difference:
                return service.allocate_ip(session, pool, f"{tag}-{n}", "bench")
            address = _first_free_by_set_difference(session, pool)
            return service.allocate_ip(session, pool, f"{tag}-{n}", "bench", address=address)

        return engine.run_transaction(work, url)

    started = time.perf_counter()
    for n in range(count):
        allocate(n)
    return count / (time.perf_counter() - started)


def _first_free_by_set_difference(session, pool_name: str) -> str:
    """The baseline: the set of used addresses subtracted from the pool, first one taken."""
    import netaddr
    from sqlmodel import select

    _ipam, _engine = _api()
    from ansible_collections.isp.network.plugins.module_utils.services.ipam_pools import lock_pool
    from ansible_collections.isp.network.plugins.module_utils.store.models.ipam import (
        IPAllocation,
    )

    pool = lock_pool(session, pool_name)
    used = session.exec(select(IPAllocation.address).where(IPAllocation.pool_id == pool.id))
    available = netaddr.IPSet([pool.network]) - netaddr.IPSet(list(used))
    network = netaddr.IPNetwork(pool.network)
    for cidr in available.iter_cidrs():
        for address in cidr:
            if address not in (network.network, network.broadcast):
                return str(address)
    raise RuntimeError(f"pool {pool_name} is full")


def _bulk_rate(url: str, count: int) -> float:
    ipam, engine = _api()
    with engine.session_scope(url) as session:
        ipam.IPPoolService.create_pool(session, "bulk", "10.128.0.0/14", "customer")
    started = time.perf_counter()
    with engine.session_scope(url) as session:
        ipam.IPPoolService.allocate(session, "bulk", ipam.Request("bulk", "1", count=count))
    return count / (time.perf_counter() - started)


def _concurrent_rate(url: str, processes: int, per_process: int) -> float:
    """Return the aggregate allocations per second of ``processes`` OS processes."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT / ".collections")}
    start_at = time.time() + 2.0
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                url,
                "shared",
                f"p{processes}-{i}",
                str(per_process),
                str(start_at),
            ],
            env=environment,
        )
        for i in range(processes)
    ]
    for worker in workers:
        if worker.wait() != 0:
            raise RuntimeError("a concurrent allocator failed")
    return processes * per_process / (time.time() - start_at)


def _fresh_pg_url(base: str) -> str:
    sys.path.insert(0, str(ROOT))
    from tests.conftest import fresh_postgres_url

    return fresh_postgres_url(base)


def _pg_row(quick: bool) -> dict[str, Any]:
    benchmark = "ipam: 8 concurrent allocators, PostgreSQL"
    base = next((os.environ[name] for name in PG_ENVS if os.environ.get(name)), None)
    if not base:
        return Row(
            benchmark=benchmark,
            subject=f"not measured: set {PG_ENVS[0]} (or {PG_ENVS[1]}) to a PostgreSQL URL",
            subject_value=0.0,
            baseline="-",
            baseline_value=0.0,
            unit="alloc/s",
            goal=">= 1x one process",
            ok=False,
            ratio=0.0,
        ).to_dict()
    per_process = 30 if quick else 300
    _ipam, engine = _api()
    url = _fresh_pg_url(base)
    _pool(url, "shared", "10.64.0.0/16", 0.0)
    engine.dispose_engines()
    alone = _concurrent_rate(url, 1, per_process)
    together = _concurrent_rate(url, 8, per_process)
    return Row(
        benchmark=benchmark,
        subject="8 processes, one pool, aggregate",
        subject_value=together,
        baseline="1 process",
        baseline_value=alone,
        unit="alloc/s",
        goal=">= 1x one process",
        ok=together >= alone,
    ).to_dict()


def run(quick: bool) -> list[dict[str, Any]]:
    """Measure every comparison side by side; return one row per comparison."""
    _ipam, engine = _api()
    singles = 150 if quick else 1000
    baseline_singles = 3 if quick else 10
    bulk = 10_000
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        _pool(url, "empty", "10.1.0.0/16", 0.01)
        _pool(url, "full", "10.2.0.0/16", 0.9)
        _pool(url, "v6", "2001:db8:1::/64", 0.0)
        at_1 = _rate(url, "empty", singles, "a")
        at_90 = _rate(url, "full", singles, "a")
        set_difference = _rate(url, "full", baseline_singles, "b", set_difference=True)
        v6 = _rate(url, "v6", singles, "a")
        in_bulk = _bulk_rate(url, bulk)
        engine.dispose_engines()

    rows.append(
        Row(
            benchmark="ipam: allocate in a /16 as it fills",
            subject="90 % full (fragmented)",
            subject_value=at_90,
            baseline="1 % full",
            baseline_value=at_1,
            unit="alloc/s",
            goal=">= 0.8x",
            ok=at_90 >= 0.8 * at_1,
        ).to_dict()
    )
    rows.append(
        Row(
            benchmark="ipam: next free at 90 % full",
            subject="free-range index",
            subject_value=at_90,
            baseline="set difference (netaddr IPSet)",
            baseline_value=set_difference,
            unit="alloc/s",
            goal=">= 300x",
            ok=at_90 >= 300 * set_difference,
        ).to_dict()
    )
    rows.append(
        Row(
            benchmark="ipam: IPv6 pool size does not matter",
            subject="/64 pool",
            subject_value=v6,
            baseline="/16 pool, 1 % full",
            baseline_value=at_1,
            unit="alloc/s",
            goal=">= 0.8x",
            ok=v6 >= 0.8 * at_1,
        ).to_dict()
    )
    rows.append(
        Row(
            benchmark="ipam: 10,000 addresses",
            subject="one bulk call",
            subject_value=in_bulk,
            baseline="single-allocation transactions",
            baseline_value=at_1,
            unit="addr/s",
            goal=">= 10x",
            ok=in_bulk >= 10 * at_1,
        ).to_dict()
    )
    rows.append(_pg_row(quick))
    return rows
