"""The stages of bench_scale, each run alone in a fresh process: ``python -m bench.scale_stages``.

The process reads one job as JSON on stdin (``stage``, ``url``, ``size``, ``key``), opens the
store and prepares the stage's inputs, runs the stage once, checks what it stored, and prints
one JSON line: the wall and CPU time, the peak resident set size while the stage ran, the
process's resident size when the stage started, and the problems the checks found (an empty
list when all passed). The secret key travels on stdin, never in arguments or output.

Every stage makes the calls the collection's modules make, in the transaction
``run_transaction`` gives them (module.run_in_store does the same for a task).
"""

from __future__ import annotations

import gc
import json
import os
import resource
import secrets
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
for entry in (str(ROOT), str(ROOT / ".collections")):
    if entry not in sys.path:
        sys.path.insert(0, entry)

from ansible.inventory.manager import InventoryManager  # noqa: E402
from ansible.parsing.dataloader import DataLoader  # noqa: E402
from ansible.plugins.loader import init_plugin_loader  # noqa: E402

# Ansible's collection finder first, so that the plugin loader of the inventory stage knows
# the collection the imports below load.
init_plugin_loader()

from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox  # noqa: E402
from ansible_collections.isp.network.plugins.module_utils.services import ipam_tasks  # noqa: E402
from ansible_collections.isp.network.plugins.module_utils.services.configuration import (  # noqa: E402
    ConfigurationService,
)
from ansible_collections.isp.network.plugins.module_utils.services.devices import (  # noqa: E402
    DeviceService,
)
from ansible_collections.isp.network.plugins.module_utils.services.ipam import (  # noqa: E402
    IPPoolService,
)
from ansible_collections.isp.network.plugins.module_utils.services.topology import (  # noqa: E402
    TopologyService,
)
from ansible_collections.isp.network.plugins.module_utils.store import engine  # noqa: E402
from ansible_collections.isp.network.plugins.module_utils.store.models.config import (  # noqa: E402
    ConfigKind,
    DeviceConfiguration,
)
from ansible_collections.isp.network.plugins.module_utils.topology.identity import (  # noqa: E402
    Neighbor,
)
from ansible_collections.isp.network.plugins.module_utils.topology.reading import (  # noqa: E402
    Reading,
)
from ansible_collections.isp.network.plugins.module_utils.topology.report import (  # noqa: E402
    report_text,
)
from lab.generator import generate  # noqa: E402

DOMAIN = "scale.example.net"
POOLS = {
    "scale-loopback": ("10.252.0.0/17", "loopback"),
    "scale-mgmt": ("100.64.0.0/17", "management"),
}
TEMPLATE = ROOT / "templates" / "ios" / "base.j2"


@dataclass
class Measured:
    """One stage's run: time, memory, and what its checks found."""

    seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_mib: float = 0.0
    start_mib: float = 0.0
    peak_reset: bool = False
    problems: list[str] = field(default_factory=list)


def _status_mib(key: str) -> float:
    """Return a size from /proc/self/status (VmRSS, VmHWM) in MiB, or 0.0 when unreadable."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def measure(fn: Callable[[], Any]) -> tuple[Any, Measured]:
    """Return ``fn()`` with its wall time, CPU time and peak resident set size.

    The peak is reset to the current size first (``5`` into /proc/self/clear_refs) so that
    it covers only ``fn``; when the kernel refuses, the peak covers the whole process and
    ``peak_reset`` says so.
    """
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")
        reset = True
    except OSError:
        reset = False
    start = _status_mib("VmRSS")
    cpu = time.process_time()
    started = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    peak = _status_mib("VmHWM")
    if not peak:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result, Measured(seconds, cpu, peak, start, reset)


def _count(session: Any, model: Any, *conditions: Any) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*conditions))


def register(job: dict[str, Any]) -> Measured:
    """Register every device of the generated network with a login, in one bulk call."""
    network = generate(job["size"])
    specs, logins = [], {}
    for index, (name, device) in enumerate(network["devices"].items()):
        password, enable = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
        logins[name] = ("admin", password, enable)
        specs.append(
            {
                "name": name,
                "hostname": f"{name}.{DOMAIN}",
                "ip_address": device["mgmt"],
                "device_type": device["device_type"],
                "platform": "ios",
                "vendor": "cisco",
                "model": device["model"],
                "serial": device["serial"],
                "site": f"pop{index % 40:02d}",
                "username": "admin",
                "password": password,
                "enable_secret": enable,
                "groups": [device["role"]],
                "variables": {"role": device["role"]},
            }
        )
    box = SecretBox(job["key"])

    changes, measured = measure(
        lambda: engine.run_transaction(
            lambda session: DeviceService.ensure_devices(session, specs, box),
            job["url"],
            timeout=60,
            what="the store",
        )
    )

    created = sum(change.action == "created" for change in changes)
    if created != len(specs):
        measured.problems.append(f"{created} of {len(specs)} devices reported created")
    with engine.session_scope(job["url"], write=False) as session:
        stored = DeviceService.list_devices(session)
        found = DeviceService.get_credentials_many(session, stored, box)
        names = {device.id: device.name for device in stored}
    if len(stored) != len(specs):
        measured.problems.append(f"{len(stored)} of {len(specs)} devices stored")
    wrong = sum(found[device_id] != logins.get(name) for device_id, name in names.items())
    if wrong:
        measured.problems.append(f"{wrong} stored logins do not decrypt to what was given")
    return measured


def allocate(job: dict[str, Any]) -> Measured:
    """Create the loopback and management pools; allocate one address per device in each."""
    url, size = job["url"], job["size"]

    def run() -> list[dict[str, Any]]:
        results = []
        for name, (network, kind) in POOLS.items():
            params = {"name": name, "state": "present", "network": network, "pool_type": kind}
            engine.run_transaction(
                lambda session, p=params: ipam_tasks.pool_task(session, p),
                url,
                what=f"pool '{name}'",
            )
        for name in POOLS:
            params = {
                "pool": name,
                "state": "present",
                "assigned_to_type": "rollout",
                "assigned_to_id": "scale",
                "count": size,
                "status": "allocated",
                "description": "one per device",
            }
            results.append(
                engine.run_transaction(
                    lambda session, p=params: ipam_tasks.allocation_task(session, p, prefix=False),
                    url,
                    timeout=60,
                    what=f"pool '{name}'",
                )
            )
        return results

    results, measured = measure(run)

    handed = [entry["address"] for result in results for entry in result["allocations"]]
    if len(handed) != 2 * size or len(set(handed)) != len(handed):
        measured.problems.append(
            f"{len(set(handed))} distinct of {len(handed)} addresses returned, {2 * size} asked"
        )
    service = IPPoolService
    with engine.session_scope(url, write=False) as session:
        stored = [a.address for name in POOLS for a in service.list_allocations(session, pool=name)]
        for name in POOLS:
            usage = service.get_pool_usage(session, name)
            if usage.allocated != size or service.recount(session, name)["allocated"] != size:
                measured.problems.append(f"pool {name} counts {usage.allocated}, not {size}")
    duplicates = len(stored) - len(set(stored))
    if len(stored) != 2 * size or duplicates:
        measured.problems.append(f"{len(stored)} stored, {duplicates} duplicates")
    return measured


def render(job: dict[str, Any]) -> Measured:
    """Render every device's base configuration from its addresses and store it as intended."""
    config, url = ConfigurationService, job["url"]
    with engine.session_scope(url) as session:
        config.create_template_from_file(session, TEMPLATE)
        names = [device.name for device in DeviceService.list_devices(session)]
        held = {
            pool: sorted(
                (a.address for a in IPPoolService.list_allocations(session, pool=pool)),
                key=lambda text: tuple(int(part) for part in text.split(".")),
            )
            for pool in POOLS
        }
    devices = {
        name: {"hostname": name, "loopback0": loopback, "mgmt_address": mgmt}
        for name, loopback, mgmt in zip(
            names, held["scale-loopback"], held["scale-mgmt"], strict=False
        )
    }
    common = {
        "domain": DOMAIN,
        "mgmt_netmask": "255.255.128.0",
        "ntp_servers": ["192.0.2.123", "192.0.2.124"],
        "syslog_servers": ["192.0.2.50"],
        "banner": "authorised access only",
    }

    def run() -> list[Any]:
        def work(session: Any) -> list[Any]:
            template = config.get_template(session, "ios-base", None)
            return config.generate_configurations(
                session, template, devices, common=common, store=True
            )

        return engine.run_transaction(work, url, timeout=60, what="the store")

    generated, measured = measure(run)

    if len(devices) != job["size"]:
        measured.problems.append(f"{len(devices)} devices had addresses, not {job['size']}")
    created = sum(item.created for item in generated)
    wrong = sum(
        f"ip address {devices[item.device]['loopback0']} 255.255.255.255" not in item.content
        for item in generated
    )
    with engine.session_scope(url, write=False) as session:
        intended = DeviceConfiguration.kind == ConfigKind.INTENDED
        stored = _count(session, DeviceConfiguration, intended)
    if created != len(devices) or stored != len(devices):
        measured.problems.append(
            f"{created} reported stored, {stored} stored, {len(devices)} asked"
        )
    if wrong:
        measured.problems.append(f"{wrong} configurations lack their device's loopback")
    return measured


def inventory(job: dict[str, Any]) -> Measured:
    """Build the isp.network.store inventory in this process, as ansible-inventory does."""
    # The URL comes from the environment, so that no password is written to the file.
    os.environ["ISP_NETWORK_STORE_URL"] = job["url"]
    network = generate(job["size"])
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        source = Path(folder) / "scale.store.yml"
        source.write_text("plugin: isp.network.store\n")
        manager, measured = measure(lambda: InventoryManager(DataLoader(), sources=[str(source)]))

    hosts = manager.get_hosts()
    if len(hosts) != job["size"]:
        measured.problems.append(f"{len(hosts)} hosts built, {job['size']} devices stored")
    roles = Counter(device["role"] for device in network["devices"].values())
    for role, count in roles.items():
        group = manager.groups.get(role)
        members = len(group.get_hosts()) if group is not None else 0
        if members != count:
            measured.problems.append(f"group {role} has {members} hosts, not {count}")
    return measured


def _readings(network: dict[str, Any]) -> Callable[[Any], Any]:
    """Return a discovery fetch that answers from the generated links (no device is opened)."""
    seen: dict[str, list[Neighbor]] = {name: [] for name in network["devices"]}
    for text in network["links"]:
        (a, a_port), (b, b_port) = (end.strip().split(":") for end in text.split(" - "))
        for here, port, there, far in ((a, a_port, b, b_port), (b, b_port, a, a_port)):
            mgmt = network["devices"][there]["mgmt"]
            seen[here].append(Neighbor(port, f"{there}.{DOMAIN}", "", far, "", mgmt))

    def fetch(target: Any) -> Any:
        return Reading(target.id, target.name, target.platform, list(seen[target.name]))

    return fetch


def discover(job: dict[str, Any]) -> Measured:
    """Store the generated topology through discover_topology (not a stage: the setup)."""
    box, fetch = SecretBox(job["key"]), _readings(generate(job["size"]))

    def work(session: Any) -> dict[str, Any]:
        root = DeviceService.get_device_by_name(session, "core1").id
        return TopologyService.discover_topology(session, root, 3, box=box, workers=8, fetch=fetch)

    result, measured = measure(lambda: engine.run_transaction(work, job["url"], timeout=60))
    read = result["run"]["devices_read"]
    if read != job["size"]:
        measured.problems.append(f"discovery read {read} of {job['size']} devices")
    return measured


def analyze(job: dict[str, Any]) -> Measured:
    """Analyse the stored topology as isp.network.topology_analyze does."""
    network = generate(job["size"])

    def work(session: Any) -> tuple[dict[str, Any], str]:
        report = TopologyService.analyze_topology(session, None, False)
        return report, report_text(report)

    (report, _text), measured = measure(
        lambda: engine.run_transaction(work, job["url"], write=False, what="the store")
    )

    summary = report["summary"]
    wanted = {"devices": job["size"], "links": len(network["links"])}
    for key, count in wanted.items():
        if summary[key] != count:
            measured.problems.append(f"analysis counts {summary[key]} {key}, not {count}")
    # The generated network is dual-homed throughout: no device or link failure splits it.
    if summary["single_points_of_failure"]:
        measured.problems.append(
            f"{summary['single_points_of_failure']} single points of failure, expected none"
        )
    return measured


STAGES = {
    "register": register,
    "allocate": allocate,
    "render": render,
    "inventory": inventory,
    "discover": discover,
    "analyze": analyze,
}


def main() -> int:
    """Run the stage of the job on stdin; print its measurement as one JSON line."""
    job = json.loads(sys.stdin.read())
    # Opened (its schema created or checked) before any clock starts, as a running store is.
    engine.get_engine(job["url"])
    measured = STAGES[job["stage"]](job)
    print(json.dumps(asdict(measured)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
