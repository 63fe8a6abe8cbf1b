"""Job slicing as AWX runs it: one inventory cut into slices, one playbook process per slice.

A static YAML inventory of N hosts (120; quick: 40), each with the management address it
asks for. The playbook onboards each host with the calls the device_onboard role makes:
``isp.network.device`` (credentials encrypted), ``isp.network.ip_address`` for the management
address it asked for and ``isp.network.ip_address`` for the lowest free loopback. The role
itself is not used: it runs once on localhost for a list of devices and logs in to each
device at the end, while a sliced job runs per host.

- Subject: 4 ``ansible-playbook`` processes started together, slice *k* limited to the hosts
  whose index modulo 4 is *k* (as AWX builds its slices), each with 5 forks, against one
  fresh PostgreSQL schema. Baseline: one process over the whole inventory, 5 forks, on
  another fresh schema. Goal: the sliced job takes at most 1.1x the time of one process.
  On one machine both runs are bound by its cores (every task is a module process, about a
  second of CPU each, and 5 forks already keep 2 cores busy), so slicing cannot be faster
  here; AWX gains its time by running the slices on different execution nodes. What one
  machine shows is the store's part: four jobs writing one PostgreSQL store at once pay no
  more than a tenth for its locks and retries, and lose or double nothing.
- After each run the store is checked: every host stored exactly once, holding exactly the
  management address it asked for and one loopback, no address held twice, and the pools'
  counters agreeing with their rows. Any problem fails the row whatever the time.

PostgreSQL comes from ``ISP_NETWORK_TEST_PG_URL``; each run gets a schema of its own there,
dropped afterwards. The pools are created (and the schema migrated) before the clock starts.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from bench.harness import Row, collections_on_path

ROOT = Path(__file__).resolve().parent.parent
PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"
PG_ENV = "ISP_NETWORK_TEST_PG_URL"
SLICES = 4
FORKS = 5
GOAL_RATIO = 1.1
MGMT_POOL = ("slice-mgmt", "10.64.0.0/20", "management")
LOOPBACK_POOL = ("slice-loopbacks", "10.65.0.0/22", "loopback")
MGMT_INTERFACE = "GigabitEthernet0/0"

PLAY = [
    {
        "name": "Onboard the hosts of the inventory (or of its slice)",
        "hosts": "all",
        "gather_facts": False,
        "tasks": [
            {
                "name": "Register the device",
                "isp.network.device": {
                    "name": "{{ inventory_hostname }}",
                    "hostname": "{{ mgmt_address }}",
                    "ip_address": "{{ mgmt_address }}",
                    "device_type": "router",
                    "platform": "ios",
                    "vendor": "cisco",
                    "site": "{{ site }}",
                    "username": "netops",
                    "password": "{{ device_password }}",
                },
            },
            {
                "name": "Allocate the management address it asks for",
                "isp.network.ip_address": {
                    "pool": MGMT_POOL[0],
                    "address": "{{ mgmt_address }}",
                    "assigned_to_type": "device",
                    "assigned_to_id": "{{ inventory_hostname }}",
                    "device": "{{ inventory_hostname }}",
                    "interface": MGMT_INTERFACE,
                    "description": "management",
                },
            },
            {
                "name": "Allocate a loopback",
                "isp.network.ip_address": {
                    "pool": LOOPBACK_POOL[0],
                    "assigned_to_type": "device",
                    "assigned_to_id": "{{ inventory_hostname }}",
                    "device": "{{ inventory_hostname }}",
                    "interface": "Loopback0",
                    "description": "router-id",
                },
            },
        ],
    }
]


def hosts(count: int) -> dict[str, str]:
    """Return ``count`` host names, each with the management address it asks for."""
    # Offset by 10 so no host asks for the network address of the /20.
    return {f"slice{i:04d}": f"10.64.{(i + 10) // 256}.{(i + 10) % 256}" for i in range(count)}


def _write_job(folder: Path, wanted: dict[str, str]) -> tuple[Path, Path, list[Path]]:
    """Write the inventory, the playbook and the slices' host lists; return their paths."""
    inventory = {
        "all": {
            "vars": {"ansible_connection": "local", "device_password": "slice-secret"},
            "hosts": {
                name: {"mgmt_address": address, "site": f"pop{i % 20:02d}"}
                for i, (name, address) in enumerate(wanted.items())
            },
        }
    }
    inventory_path = folder / "inventory.yml"
    inventory_path.write_text(yaml.safe_dump(inventory, sort_keys=False))
    play_path = folder / "onboard.yml"
    play_path.write_text(yaml.safe_dump(PLAY, sort_keys=False))

    # AWX gives host i of the inventory to slice i % slices.
    names = list(wanted)
    slices = []
    for number in range(SLICES):
        path = folder / f"slice-{number + 1}.txt"
        path.write_text("\n".join(names[number::SLICES]) + "\n")
        slices.append(path)
    return inventory_path, play_path, slices


def _pg_conninfo(base_url: str) -> str:
    return base_url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextmanager
def _scratch_schema(base_url: str) -> Iterator[str]:
    """Yield a store URL on a new, empty schema of ``base_url``; drop the schema afterwards."""
    import psycopg

    schema = f"bench_slicing_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_pg_conninfo(base_url), autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        from ansible_collections.isp.network.plugins.module_utils.store.engine import (
            dispose_engines,
        )

        dispose_engines()
        with psycopg.connect(_pg_conninfo(base_url), autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _create_pools(url: str) -> None:
    from ansible_collections.isp.network.plugins.module_utils.services.ipam import IPPoolService
    from ansible_collections.isp.network.plugins.module_utils.store.engine import (
        dispose_engines,
        session_scope,
    )

    with session_scope(url) as session:
        for name, network, kind in (MGMT_POOL, LOOPBACK_POOL):
            IPPoolService.create_pool(session, name, network, kind)
    dispose_engines()


def _run_together(commands: list[list[str]], env: dict[str, str], logs: Path) -> float:
    """Start every command at once; return the wall time until the last one ends.

    Each command's output goes to its own file under ``logs`` (a pipe left unread would
    stall it). Raises RuntimeError naming the first command that failed, with its last
    failure line.
    """
    paths = [logs / f"ansible-playbook-{number}.log" for number in range(1, len(commands) + 1)]
    started = time.perf_counter()
    processes = []
    for command, path in zip(commands, paths, strict=True):
        with path.open("w") as output:
            processes.append(
                subprocess.Popen(command, env=env, cwd=ROOT, stdout=output, stderr=output)
            )
    codes = [process.wait() for process in processes]
    elapsed = time.perf_counter() - started
    for number, (code, path) in enumerate(zip(codes, paths, strict=True), start=1):
        if code != 0:
            lines = path.read_text().splitlines()
            failed = [line for line in lines if "FAILED" in line or "fatal" in line]
            last = (failed or lines or ["no output"])[-1]
            raise RuntimeError(
                f"ansible-playbook {number} of {len(commands)} exited {code}: {last.strip()[:200]}"
            )
    return elapsed


def check(url: str, wanted: dict[str, str]) -> tuple[int, list[str]]:
    """Return how many hosts were onboarded right, and what is wrong (empty when nothing).

    A host is right when it is stored once, holds exactly the management address it asked
    for and exactly one loopback, and shares none of its addresses with another owner.
    """
    from sqlmodel import select

    from ansible_collections.isp.network.plugins.module_utils.services.ipam import IPPoolService
    from ansible_collections.isp.network.plugins.module_utils.store.engine import (
        dispose_engines,
        session_scope,
    )
    from ansible_collections.isp.network.plugins.module_utils.store.models.devices import Device
    from ansible_collections.isp.network.plugins.module_utils.store.models.ipam import (
        IPAllocation,
        IPPool,
    )

    pools = (MGMT_POOL[0], LOOPBACK_POOL[0])
    with session_scope(url, write=False) as session:
        stored = Counter(session.exec(select(Device.name)).all())
        rows = session.exec(
            select(IPPool.name, IPAllocation.address, IPAllocation.assigned_to_id).join(
                IPPool, IPPool.id == IPAllocation.pool_id
            )
        ).all()
        counters = {
            pool: (
                IPPoolService.get_pool_usage(session, pool).allocated,
                IPPoolService.recount(session, pool)["allocated"],
            )
            for pool in pools
        }
    dispose_engines()

    found = []
    for what, names in (
        ("missing", sorted(set(wanted) - set(stored))),
        ("not in the inventory", sorted(set(stored) - set(wanted))),
        ("stored more than once", sorted(n for n, times in stored.items() if times > 1)),
    ):
        if names:
            found.append(f"{len(names)} devices {what} ({', '.join(names[:3])} ...)")
    given = Counter((pool, address) for pool, address, _owner in rows)
    twice = sorted({address for (_pool, address), times in given.items() if times > 1})
    if twice:
        found.append(f"{len(twice)} addresses given more than once ({', '.join(twice[:3])} ...)")
    for pool, (counter, recounted) in counters.items():
        if not counter == recounted == len(wanted):
            found.append(f"pool {pool}: counter {counter}, rows {recounted}, not {len(wanted)}")

    held: dict[tuple[str, str], list[str]] = {}
    for pool, address, owner in rows:
        held.setdefault((pool, owner), []).append(address)
    wrong = []
    for name, address in wanted.items():
        loopbacks = held.get((LOOPBACK_POOL[0], name), [])
        right = (
            stored[name] == 1
            and held.get((MGMT_POOL[0], name)) == [address]
            and len(loopbacks) == 1
            and given[(MGMT_POOL[0], address)] == 1
            and given[(LOOPBACK_POOL[0], loopbacks[0])] == 1
        )
        if not right:
            wrong.append(name)
    if wrong:
        found.append(
            f"{len(wrong)} hosts without exactly their addresses ({', '.join(wrong[:3])} ...)"
        )
    return len(wanted) - len(wrong), found


def _onboard(base_url: str, folder: Path, wanted: dict[str, str], sliced: bool):
    """Run the job (sliced or whole) on a fresh schema; return its seconds and its check."""
    from ansible_collections.isp.network.plugins.module_utils.secrets import generate_key

    inventory, play, slices = _write_job(folder, wanted)
    command = [str(PLAYBOOK), "-i", str(inventory), "--forks", str(FORKS), str(play)]
    commands = [[*command, "--limit", f"@{path}"] for path in slices] if sliced else [command]
    with _scratch_schema(base_url) as url:
        _create_pools(url)
        env = {
            **os.environ,
            "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
            "ANSIBLE_NOCOLOR": "1",
            # The inventory is a static YAML file, as AWX hands each slice its hosts.
            "ANSIBLE_INVENTORY_ENABLED": "ansible.builtin.yaml",
            "ISP_NETWORK_STORE_URL": url,
            "ISP_NETWORK_SECRET_KEY": generate_key(),
        }
        seconds = _run_together(commands, env, folder)
        right, found = check(url, wanted)
        return seconds, right, found


def _pg_reason(base_url: str | None) -> str | None:
    """Return why PostgreSQL cannot be used, or None when it answers."""
    if not base_url:
        return f"{PG_ENV} is not set"
    try:
        import psycopg

        with psycopg.connect(_pg_conninfo(base_url), connect_timeout=5) as connection:
            connection.execute("SELECT 1")
    except ImportError:
        return "psycopg is not installed"
    except psycopg.Error as exc:
        return f"cannot connect ({type(exc).__name__})"
    return None


def _not_measured(benchmark: str, why: str, unit: str, goal: str) -> dict[str, Any]:
    return Row(
        benchmark=benchmark,
        subject=f"not measured: PostgreSQL not available ({why})",
        subject_value=0.0,
        baseline="-",
        baseline_value=0.0,
        unit=unit,
        goal=goal,
        ok=False,
        ratio=0.0,
    ).to_dict()


def run(quick: bool) -> list[dict[str, Any]]:
    """Return two rows: the sliced job's time against one process, and its correctness."""
    collections_on_path()
    count = 40 if quick else 120
    time_bench = f"job slicing, {count} hosts, one PostgreSQL store"
    check_bench = f"job slicing correctness, {count} hosts"
    time_goal = f"<= {GOAL_RATIO:g}x, all stored once"
    check_goal = f"= {count}, nothing twice"
    base_url = os.environ.get(PG_ENV) or None
    why = _pg_reason(base_url)
    if why:
        return [
            _not_measured(time_bench, why, "s", time_goal),
            _not_measured(check_bench, why, "hosts", check_goal),
        ]

    wanted = hosts(count)
    with tempfile.TemporaryDirectory(prefix="bench-slicing-") as folder:
        whole, _whole_right, whole_problems = _onboard(base_url, Path(folder), wanted, False)
        sliced, sliced_right, sliced_problems = _onboard(base_url, Path(folder), wanted, True)

    correct = not whole_problems and not sliced_problems
    detail = "; ".join(
        [f"sliced: {p}" for p in sliced_problems] + [f"one process: {p}" for p in whole_problems]
    )
    return [
        Row(
            benchmark=time_bench,
            subject=f"{SLICES} ansible-playbook slices at once (host index mod {SLICES}), "
            f"{FORKS} forks each",
            subject_value=round(sliced, 2),
            baseline=f"1 ansible-playbook on the whole inventory, {FORKS} forks",
            baseline_value=round(whole, 2),
            unit="s",
            goal=time_goal,
            ok=correct and sliced <= GOAL_RATIO * whole,
        ).to_dict(),
        Row(
            benchmark=check_bench,
            subject=(
                f"{SLICES} slices: hosts stored once with their management address and one "
                "loopback, no address twice, pool counters = rows"
            )
            + (f" - WRONG: {detail}"[:300] if detail else ""),
            subject_value=sliced_right,
            baseline="hosts in the inventory (one process: "
            + ("same checks pass)" if not whole_problems else "checks FAIL)"),
            baseline_value=count,
            unit="hosts",
            goal=check_goal,
            ok=correct,
        ).to_dict(),
    ]
