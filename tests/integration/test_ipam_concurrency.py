"""Many processes allocating from one pool, and a process killed in the middle of a bulk call.

Each worker is a separate OS process, as Ansible forks and AWX jobs are, and every single
allocation is its own transaction through ``run_transaction``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ansible_collections.isp.network.plugins.module_utils.services.ipam import (
    IPPoolService,
    Request,
)
from ansible_collections.isp.network.plugins.module_utils.store.engine import (
    dispose_engines,
    session_scope,
)

S = IPPoolService
ROOT = Path(__file__).resolve().parents[2]
WORKERS = 8
PER_WORKER = 500

ALLOCATOR = """
import json, sys
from ansible_collections.isp.network.plugins.module_utils.services.ipam import IPPoolService
from ansible_collections.isp.network.plugins.module_utils.store.engine import run_transaction

url, pool, worker, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
got = [
    run_transaction(
        lambda s: IPPoolService.allocate_ip(s, pool, "shared", "test").address, url, timeout=120
    )
]
for n in range(count):
    got.append(
        run_transaction(
            lambda s: IPPoolService.allocate_ip(s, pool, f"{worker}-{n}", "test").address,
            url,
            timeout=120,
        )
    )
print(json.dumps(got))
"""

# Allocates in bulk, and on its first INSERT of allocations writes a marker file and waits
# to be killed: the transaction is open, its free ranges already changed, nothing committed.
BULK = """
import sys, time
from pathlib import Path
from sqlalchemy import event
from ansible_collections.isp.network.plugins.module_utils.services.ipam import (
    IPPoolService, Request,
)
from ansible_collections.isp.network.plugins.module_utils.store.engine import (
    get_engine, session_scope,
)

url, pool, count, marker = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])

def stall(conn, cursor, statement, parameters, context, executemany):
    if statement.lstrip().upper().startswith("INSERT INTO IP_ALLOCATION"):
        marker.write_text("begun")
        time.sleep(60)

event.listen(get_engine(url), "before_cursor_execute", stall)
with session_scope(url) as session:
    IPPoolService.allocate(session, pool, Request("test", "bulk", count=count))
"""


def _environment() -> dict[str, str]:
    paths = [str(ROOT / ".collections"), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}


def _create_pool(url: str, network: str, gateway: str) -> None:
    with session_scope(url) as session:
        S.create_pool(session, "shared", network, "customer", gateway=gateway)
    dispose_engines()


def _assert_consistent(url: str, rows: int) -> list[str]:
    with session_scope(url, write=False) as session:
        held = [a.address for a in S.list_allocations(session, pool="shared")]
        usage = S.get_pool_usage(session, "shared")
        counted = S.recount(session, "shared")
    assert len(held) == rows, f"{rows - len(held)} allocations lost"
    assert len(set(held)) == len(held), "an address was handed out twice"
    assert usage.allocated == counted["allocated"] == rows
    assert usage.free == counted["free"]
    return held


@pytest.mark.slow
@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_concurrent_processes_never_share_or_lose_an_address(request, backend):
    url = request.getfixturevalue(f"{backend}_url")
    _create_pool(url, "10.40.0.0/20", "10.40.0.1")

    workers = [
        subprocess.Popen(
            [sys.executable, "-c", ALLOCATOR, url, "shared", f"w{i}", str(PER_WORKER)],
            env=_environment(),
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(WORKERS)
    ]
    results = []
    for worker in workers:
        out, _ = worker.communicate(timeout=600)
        assert worker.returncode == 0
        results.append(json.loads(out))

    shared = {result[0] for result in results}
    assert len(shared) == 1, f"one owner received several addresses: {sorted(shared)}"
    handed = [address for result in results for address in result[1:]]
    assert len(handed) == len(set(handed)) == WORKERS * PER_WORKER
    held = _assert_consistent(url, WORKERS * PER_WORKER + 1)
    assert set(held) == set(handed) | shared


@pytest.mark.slow
@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_a_bulk_allocation_killed_midway_leaves_nothing_half_written(request, tmp_path, backend):
    url = request.getfixturevalue(f"{backend}_url")
    _create_pool(url, "10.50.0.0/18", "10.50.0.1")
    marker = tmp_path / "begun"

    bulk = subprocess.Popen(
        [sys.executable, "-c", BULK, url, "shared", "5000", str(marker)], env=_environment()
    )
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert bulk.poll() is None, "the bulk allocation ended before it began inserting"
        assert time.monotonic() < deadline, "the bulk allocation never began"
        time.sleep(0.05)
    bulk.send_signal(signal.SIGKILL)
    bulk.wait()

    assert _assert_consistent(url, 0) == []
    with session_scope(url) as session:
        outcome = S.allocate(session, "shared", Request("test", "bulk", count=5000))
    assert len(outcome.new) == 5000
    _assert_consistent(url, 5000)
