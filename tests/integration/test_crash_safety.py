"""Processes killed with SIGKILL in the middle of a bulk registration and of a bulk apply.

Each killed run is a real child process, as an Ansible fork or an AWX job is, ended with a
real SIGKILL. Afterwards the store must tell the truth about what happened, and the same
call run again must finish the work.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlmodel import select

from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.services.config_apply import same_config
from ansible_collections.isp.network.plugins.module_utils.services.config_journal import (
    NOT_REACHED,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_record import (
    ApplyOptions,
    ApplyRequest,
)
from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
    ConfigurationService as Config,
)
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.store.engine import (
    dispose_engines,
    session_scope,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.config import (
    ConfigKind,
    DeviceConfiguration,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import (
    Device,
    DeviceCredential,
)
from lab import start_lab
from tests.module_runner import run_module

ROOT = Path(__file__).resolve().parents[2]
DEVICES = 120

# Runs the isp.network.device module's bulk form. On its first INSERT of credentials it
# writes a marker file and waits to be killed: every device row of the transaction is in,
# none of their credential rows, nothing committed.
REGISTER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from sqlalchemy import event
    from ansible_collections.isp.network.plugins.module_utils.store.engine import get_engine
    from tests.module_runner import run_module

    url, devices, marker = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])

    def stall(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO DEVICE_CREDENTIAL"):
            marker.write_text("begun")
            time.sleep(3600)

    event.listen(get_engine(url), "before_cursor_execute", stall)
    run_module("device", {"store_url": url, "devices": json.loads(devices.read_text())})
    """
)

# Applies the stored intended configurations through the bulk path, as config_apply does.
# HOLD names, by SSH port, the devices whose NAPALM driver stops (writes a marker file and
# sleeps until the kill) at one moment: "load" before the candidate is loaded, "commit"
# before the commit, "committed" once the device has committed and before the run records
# it. SIGKILL lands exactly there; polling could not hit the short window after a commit.
APPLY = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from napalm.ios.ios import IOSDriver
    from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
    from ansible_collections.isp.network.plugins.module_utils.services.config_record import (
        ApplyOptions, ApplyRequest,
    )
    from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
        ConfigurationService,
    )

    url, names, markers = sys.argv[1], sys.argv[2].split(","), Path(sys.argv[3])
    hold = dict(pair.split("=") for pair in os.environ["HOLD"].split(","))

    def stop_at(moment, driver):
        port = str(driver.netmiko_optional_args["port"])
        if moment and hold.get(port) == moment:
            (markers / port).write_text(moment)
            time.sleep(3600)

    def wrap(method, before, after=None):
        real = getattr(IOSDriver, method)

        def held(self, *args, **kwargs):
            stop_at(before, self)
            answer = real(self, *args, **kwargs)
            stop_at(after, self)
            return answer

        setattr(IOSDriver, method, held)

    wrap("load_merge_candidate", "load")
    wrap("commit_config", "commit", "committed")
    ConfigurationService.apply_configurations(
        [ApplyRequest(name) for name in names],
        store_url=url,
        box=SecretBox(os.environ["ISP_NETWORK_SECRET_KEY"]),
        options=ApplyOptions(timeout=60, workers=len(names)),
    )
    """
)


def _environment() -> dict[str, str]:
    paths = [str(ROOT), str(ROOT / ".collections"), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}


def _wait_for(condition, child: subprocess.Popen, what: str, timeout: float = 120.0) -> None:
    """Poll until ``condition()`` holds; fail when the child ended first or time ran out."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert child.poll() is None, f"the child ended before {what}"
        assert time.monotonic() < deadline, f"the child never reached {what}"
        time.sleep(0.02)


def _kill(child: subprocess.Popen) -> None:
    if child.poll() is None:
        os.kill(child.pid, signal.SIGKILL)
    child.wait(30)


def _device_list() -> list[dict]:
    return [
        {
            "name": f"crash-{n:04d}",
            "ip_address": f"10.77.{n // 250}.{n % 250 + 1}",
            "device_type": "switch",
            "platform": "ios",
            "groups": ["crash", f"crash-rack{n % 8}"],
            "username": "netops",
            "password": f"secret-{n}",
        }
        for n in range(DEVICES)
    ]


def _registered(url: str, box: SecretBox) -> dict[str, tuple]:
    """Return every stored device's login, by name; asserts none lacks its credential row."""
    with session_scope(url, write=False) as session:
        devices = list(session.exec(select(Device)))
        credentials = {row.device_id for row in session.exec(select(DeviceCredential))}
        orphans = [device.name for device in devices if device.id not in credentials]
        assert orphans == [], f"{len(orphans)} devices were stored without their credentials"
        logins = DeviceService.get_credentials_many(session, devices, box)
        return {device.name: logins[device.id] for device in devices}


@pytest.mark.slow
@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_a_bulk_registration_killed_midway_is_undone_then_completed(
    request, tmp_path, secret_key, backend
):
    url = request.getfixturevalue(f"{backend}_url")
    box = SecretBox(secret_key)
    devices = _device_list()
    listing, marker = tmp_path / "devices.json", tmp_path / "begun"
    listing.write_text(json.dumps(devices))

    child = subprocess.Popen(
        [sys.executable, "-c", REGISTER, url, str(listing), str(marker)],
        env=_environment(),
        cwd=ROOT,
    )
    try:
        _wait_for(marker.exists, child, "its credential rows")
    finally:
        _kill(child)
    assert child.returncode == -signal.SIGKILL

    assert _registered(url, box) == {}
    with session_scope(url, write=False) as session:
        assert AuditService.list_events(session, action="device.create") == []
    dispose_engines()

    first = run_module("device", {"store_url": url, "devices": devices})
    second = run_module("device", {"store_url": url, "devices": devices})

    assert (first["changed"], first["summary"]) == (True, {"created": DEVICES})
    assert (second["changed"], second["summary"]) == (False, {"already exists": DEVICES})
    logins = _registered(url, box)
    assert logins == {d["name"]: ("netops", d["password"], None) for d in devices}
    with session_scope(url, write=False) as session:
        assert len(AuditService.list_events(session, action="device.create")) == DEVICES


NTP = "ntp server 192.0.2.211"
LOGGING = "logging host 192.0.2.61"
# Where the killed apply stops on each device (None: it runs to the end).
HELD = {"acc1": None, "acc2": "committed", "acc3": "commit", "agg1a": "load"}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """An isp-small lab for this module."""
    running = start_lab("isp-small", tmp_path_factory.mktemp("crash-lab"), reload_seconds=0.3)
    yield running
    running.stop()


def _running(lab, name: str) -> str:
    return (Path(lab.state_dir) / "devices" / name / "running-config").read_text()


def _applied_rows(url: str) -> dict[str, list[DeviceConfiguration]]:
    with session_scope(url, write=False) as session:
        found: dict[str, list[DeviceConfiguration]] = {}
        for name in HELD:
            device = DeviceService.get_device_by_name(session, name)
            query = select(DeviceConfiguration).where(
                DeviceConfiguration.device_id == device.id,
                DeviceConfiguration.kind == ConfigKind.APPLIED,
            )
            found[name] = list(session.exec(query.order_by(DeviceConfiguration.version)))
        return found


def _states(url: str) -> dict[str, list[str]]:
    return {name: [row.state.value for row in rows] for name, rows in _applied_rows(url).items()}


def test_a_bulk_apply_killed_mid_commit_is_settled_by_the_next_run(lab, tmp_path, secret_key):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    box = SecretBox(secret_key)
    with session_scope(url) as session:
        DeviceService.ensure_devices(session, lab.inventory(), box)
        for name in HELD:
            device = DeviceService.get_device_by_name(session, name)
            Config.create_device_configuration(session, device.id, f"{NTP}\n{LOGGING}\n")
    dispose_engines()
    old = {name: _running(lab, name) for name in HELD}
    ports = {name: str(lab.port(name)) for name in HELD}
    markers = tmp_path / "held"
    markers.mkdir()
    hold = ",".join(f"{ports[name]}={moment}" for name, moment in HELD.items() if moment)

    child = subprocess.Popen(
        [sys.executable, "-c", APPLY, url, ",".join(HELD), str(markers)],
        env={**_environment(), "HOLD": hold},
        cwd=ROOT,
    )

    def all_in_place() -> bool:
        held = all((markers / ports[n]).exists() for n, moment in HELD.items() if moment)
        return held and _states(url)["acc1"] == ["applied"]

    try:
        _wait_for(all_in_place, child, "the moments it is held at")
    finally:
        _kill(child)
    assert child.returncode == -signal.SIGKILL

    # Every device runs its old or its new configuration, never a mix.
    changed = {}
    for name in HELD:
        running = _running(lab, name)
        changed[name] = NTP in running and LOGGING in running
        assert changed[name] or same_config(old[name], running), f"{name} is half configured"
    assert changed == {"acc1": True, "acc2": True, "acc3": False, "agg1a": False}
    # The store hides no change: the device changed without a recorded outcome has a row
    # left in_progress, and the backup taken before every commit is stored.
    assert _states(url) == {
        "acc1": ["applied"],
        "acc2": ["in_progress"],
        "acc3": ["in_progress"],
        "agg1a": [],
    }
    with session_scope(url, write=False) as session:
        for name in ("acc2", "acc3"):
            device = DeviceService.get_device_by_name(session, name)
            backup = Config.get_configuration(session, device.id, None, ConfigKind.BACKUP)
            assert same_config(old[name], backup.content)
    dispose_engines()

    outcomes = Config.apply_configurations(
        [ApplyRequest(name) for name in HELD], store_url=url, box=box, options=ApplyOptions()
    )

    assert {o.device: (o.outcome, o.changed) for o in outcomes} == {
        "acc1": ("unchanged", False),
        "acc2": ("unchanged", False),
        "acc3": ("applied", True),
        "agg1a": ("applied", True),
    }
    assert all(NTP in _running(lab, name) and LOGGING in _running(lab, name) for name in HELD)
    after = _applied_rows(url)
    assert [(r.state.value, r.error) for r in after["acc2"]] == [("applied", None)]
    assert [(r.state.value, r.error) for r in after["acc3"]] == [
        ("failed", NOT_REACHED),
        ("applied", None),
    ]
    assert _states(url)["agg1a"] == ["applied"]
    with session_scope(url, write=False) as session:
        settles = AuditService.list_events(session, action="device_configuration.settle")
        assert sorted(event.object_name for event in settles) == ["acc2", "acc3"]
        for name in HELD:
            device = DeviceService.get_device_by_name(session, name)
            assert Config.get_configuration(session, device.id).state.value == "applied"
