"""Firmware upgrades against the lab: real NAPALM, real netmiko, real reloads and faults."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from netmiko import ConnectHandler

from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
    ConfigurationService,
)
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.services.firmware import (
    FirmwareService,
)
from ansible_collections.isp.network.plugins.module_utils.services.firmware_runner import (
    RunOptions,
)
from ansible_collections.isp.network.plugins.module_utils.services.firmware_steps import (
    StepTimeouts,
)
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from lab import start_lab
from lab.images import image_name, write_image
from tests.leak_check import device_secrets, run_ansible

pytestmark = [pytest.mark.lab, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
NEW = "17.12.01"
OLD = "17.09.04a"


def fast_options(timeouts: StepTimeouts | None = None, **changes) -> RunOptions:
    """Timeouts fit for a lab whose reloads take 0.3 s."""
    timeouts = timeouts or StepTimeouts(
        reload_timeout=15, settle_timeout=5, poll_interval=0.1, down_timeout=5
    )
    return RunOptions(timeouts=timeouts, connect_timeout=5, **changes)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """An isp-small lab with quick reloads, for this module's tests."""
    running = start_lab("isp-small", tmp_path_factory.mktemp("fw-lab"), reload_seconds=0.3)
    yield running
    running.stop()


@pytest.fixture
def world(lab, tmp_path, secret_key):
    """A store holding the lab's devices, a firmware folder, and the service."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    box = SecretBox(secret_key)
    with session_scope(url) as session:
        DeviceService.ensure_devices(session, lab.inventory(), box)
    service = FirmwareService(firmware_storage_path=tmp_path / "firmware")
    yield {"url": url, "box": box, "service": service, "tmp": tmp_path, "lab": lab}
    lab.clear_faults()


def schedule(world, device_name: str, version: str = NEW) -> int:
    """Register an image fitting the device and schedule it; return the update id."""
    lab = world["lab"]
    entry = lab.device(device_name)
    row = next(row for row in lab.status() if row["name"] == device_name)
    platform = row["image"].split("-", 1)[0]
    source = write_image(world["tmp"] / image_name(version, platform), version, 200_000, platform)
    with session_scope(world["url"]) as session:
        image = world["service"].upload_firmware(
            session, version, entry["device_type"], "cisco", entry["model"], source, "notes"
        )
        device = DeviceService.get_device_by_name(session, device_name)
        return world["service"].schedule_update(session, device.id, image.id).id


def run(world, update_id: int, **changes) -> list[str]:
    """Run an update with the lab's timeouts; return the steps performed."""
    options = fast_options(**changes)
    return world["service"].run_update(
        update_id, store_url=world["url"], box=world["box"], options=options
    )


def status(world, update_id: int) -> dict:
    """Return the update's stored status."""
    with session_scope(world["url"], write=False) as session:
        return world["service"].get_update_status(session, update_id)


def device_row(lab, name: str) -> dict:
    """Return the lab's view of a device: state, version, image."""
    return next(row for row in lab.status() if row["name"] == name)


def show(lab, name: str, command: str) -> str:
    """Return a command's output from the device, through netmiko."""
    with ConnectHandler(**lab.netmiko_args(name), conn_timeout=10) as connection:
        connection.enable()
        return connection.send_command(command)


def test_clean_upgrade_then_run_again_is_a_no_op(world):
    lab = world["lab"]
    update_id = schedule(world, "edge1")

    performed = run(world, update_id)
    done = status(world, update_id)
    again = run(world, update_id)

    assert performed == ["precheck", "backup", "stage", "activate", "verify", "complete"]
    assert done["state"] == "completed" and done["error"] is None
    assert (done["previous_version"], done["target_version"]) == (OLD, NEW)
    assert [record["outcome"] for record in done["steps"]] == ["ok"] * 6
    assert all(record["started_at"] <= record["finished_at"] for record in done["steps"])
    assert done["snapshot"]["lldp"] and done["snapshot"]["interfaces_up"]
    assert again == [] and status(world, update_id)["steps"] == done["steps"]
    assert device_row(lab, "edge1")["version"] == NEW
    assert f"flash:{done['target_image']}" in show(lab, "edge1", "show boot")
    with session_scope(world["url"], write=False) as session:
        backup = ConfigurationService.get_configuration(
            session, done["device_id"], done["backup_config_id"], kind="backup"
        )
        actions = [e.action for e in AuditService.list_events(session, object_id=update_id)]
        device = DeviceService.get_device_by_name(session, "edge1")
    assert "hostname edge1" in backup.content
    assert {"firmware.schedule", "firmware.stage", "firmware.complete"} <= set(actions)
    assert device.software_version == NEW


def test_md5_mismatch_after_transfer_fails_before_the_boot_variable_changes(world):
    lab = world["lab"]
    boot_before = show(lab, "acc2", "show boot")
    version_before = device_row(lab, "acc2")["version"]
    update_id = schedule(world, "acc2")
    lab.set_fault("acc2", "corrupt_transfer")

    performed = run(world, update_id)
    done = status(world, update_id)

    assert performed == ["precheck", "backup", "stage"]
    assert done["state"] == "failed" and "md5" in done["error"]
    assert done["steps"][-1]["step"] == "stage" and done["steps"][-1]["outcome"] == "failed"
    assert show(lab, "acc2", "show boot") == boot_before
    assert done["target_image"] not in show(lab, "acc2", "dir flash:")
    assert device_row(lab, "acc2")["version"] == version_before


def test_flash_full_fails_the_precheck_and_changes_nothing(world):
    lab = world["lab"]
    update_id = schedule(world, "acc3")
    version_before = device_row(lab, "acc3")["version"]
    lab.set_fault("acc3", "flash_full")

    performed = run(world, update_id)
    done = status(world, update_id)

    assert performed == ["precheck"]
    assert done["state"] == "failed"
    assert "bytes free" in done["error"] and "acc3" in done["error"]
    assert done["target_image"] not in show(lab, "acc3", "dir flash:")
    assert device_row(lab, "acc3")["version"] == version_before


def test_device_that_never_returns_fails_after_the_timeout(world):
    lab = world["lab"]
    update_id = schedule(world, "acc4")
    lab.set_fault("acc4", "no_return")
    timeouts = StepTimeouts(reload_timeout=2, settle_timeout=2, poll_interval=0.1, down_timeout=2)

    performed = run(world, update_id, timeouts=timeouts)
    done = status(world, update_id)
    lab.set_fault("acc4", "no_return", on=False)

    assert performed == ["precheck", "backup", "stage", "activate", "rollback"]
    assert done["state"] == "failed"
    assert "did not come back" in done["error"] and "rollback failed" in done["error"]
    assert done["steps"][-2]["step"] == "activate" and done["steps"][-2]["outcome"] == "failed"
    assert device_row(lab, "acc4")["state"] in ("reloading", "up")


def test_wrong_version_after_reload_is_rolled_back_and_verified(world):
    lab = world["lab"]
    update_id = schedule(world, "agg1a")
    image_before = device_row(lab, "agg1a")["image"]
    lab.set_fault("agg1a", "wrong_version")

    performed = run(world, update_id)
    done = status(world, update_id)

    assert performed == ["precheck", "backup", "stage", "activate", "verify", "rollback"]
    assert done["state"] == "rolled_back"
    assert "runs 17.09.04a" in done["error"] and NEW in done["error"]
    assert done["steps"][-1]["detail"]["version"] == OLD
    assert device_row(lab, "agg1a")["version"] == OLD
    assert f"flash:{image_before}" in show(lab, "agg1a", "show boot")


KILLED_RUN = textwrap.dedent(
    """
    import os, sys, time
    from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
    from ansible_collections.isp.network.plugins.module_utils.services.firmware import (
        FirmwareService,
    )
    from tests.integration.test_firmware_lab import fast_options

    def hold(update_id, step, state):
        print(state, flush=True)
        if state == os.environ["STOP_AT"]:
            time.sleep(3600)

    service = FirmwareService(firmware_storage_path=os.environ["FW_PATH"])
    service.run_update(
        int(os.environ["UPDATE_ID"]),
        store_url=os.environ["STORE"],
        box=SecretBox(os.environ["ISP_NETWORK_SECRET_KEY"]),
        options=fast_options(on_step=hold),
    )
    """
)


@pytest.mark.parametrize(("device", "stop_at"), [("agg2a", "staged"), ("agg1b", "activated")])
def test_resume_after_the_run_is_killed_between_steps(world, device, stop_at):
    lab = world["lab"]
    update_id = schedule(world, device)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / ".collections")]),
        "STOP_AT": stop_at,
        "FW_PATH": str(world["service"].root),
        "UPDATE_ID": str(update_id),
        "STORE": world["url"],
    }
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_RUN], env=env, stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    seen = []
    for line in child.stdout:
        seen.append(line.strip())
        if line.strip() == stop_at:
            break
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    interrupted = status(world, update_id)

    performed = run(world, update_id)
    done = status(world, update_id)

    assert seen[-1] == stop_at and interrupted["state"] == stop_at
    assert interrupted["locked_by"] is not None
    assert done["state"] == "completed" and done["attempts"] == 2
    assert performed[0] == {"staged": "activate", "activated": "verify"}[stop_at]
    assert [r["step"] for r in done["steps"]] == [
        "precheck",
        "backup",
        "stage",
        "activate",
        "verify",
        "complete",
    ]
    assert device_row(lab, device)["version"] == NEW
    assert json.dumps(done).count("lab-admin") == 0


def test_role_stops_the_rollout_when_the_first_batch_fails(world):
    lab = world["lab"]
    first, second = schedule(world, "acc1"), schedule(world, "acc5")
    lab.set_fault("acc1", "wrong_version")
    playbook = world["tmp"] / "rollout.yml"
    playbook.write_text(
        textwrap.dedent(
            """
            - hosts: localhost
              connection: local
              gather_facts: false
              roles:
                - role: isp.network.firmware_upgrade
                  vars:
                    firmware_upgrade_first_batch: 1
                    firmware_upgrade_batch_size: 5
                    firmware_upgrade_reload_timeout: 15
                    firmware_upgrade_settle_timeout: 5
                    firmware_upgrade_poll_interval: 0.1
                    firmware_upgrade_connect_timeout: 5
            """
        )
    )
    env = {
        **os.environ,
        "ISP_NETWORK_STORE_URL": world["url"],
        "ISP_NETWORK_FIRMWARE_PATH": str(world["service"].root),
    }
    secrets = device_secrets(lab.inventory())
    ran = run_ansible(["ansible-playbook", playbook], world["tmp"], secrets, env, timeout=300)

    assert ran.returncode != 0, ran.stdout
    assert "the rollout stopped after batch 1 of 2" in ran.stdout
    assert "rolled_back" in ran.stdout and "attempts" in ran.stdout
    assert status(world, first)["state"] == "rolled_back"
    assert status(world, second)["state"] == "scheduled"
