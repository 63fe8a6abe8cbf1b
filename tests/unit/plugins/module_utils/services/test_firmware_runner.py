"""The step machine with the device replaced: transitions, records, leases, one step only."""

from __future__ import annotations

import os
import socket
from datetime import timedelta

import pytest

from ansible_collections.isp.network.plugins.module_utils.errors import (
    BusyError,
    DeviceError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.services import firmware_steps
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.services.firmware import (
    FirmwareService,
)
from ansible_collections.isp.network.plugins.module_utils.services.firmware_runner import (
    RunOptions,
)
from ansible_collections.isp.network.plugins.module_utils.services.firmware_states import (
    holder_is_gone,
    remaining_steps,
)
from ansible_collections.isp.network.plugins.module_utils.services.firmware_steps import (
    StepFailed,
    StepResult,
)
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from ansible_collections.isp.network.plugins.module_utils.store.models.base import utcnow


@pytest.fixture
def fake_steps(monkeypatch):
    """Replace every step by a recorder; ``failing`` maps a step to the error it raises."""
    calls: list[str] = []
    failing: dict[str, Exception] = {}

    def make(name):
        def step(ctx):
            calls.append(name)
            if name in failing:
                raise failing[name]
            updates = {}
            if name == "precheck":
                updates = {"previous_version": "17.09.04a", "previous_image": "old.bin"}
            if name == "backup":
                return StepResult({"lldp": 0}, {"snapshot": {"lldp": []}}, "hostname r1\n")
            return StepResult({"step": name}, updates)

        return step

    for name in list(firmware_steps.STEP_FUNCTIONS):
        monkeypatch.setitem(firmware_steps.STEP_FUNCTIONS, name, make(name))
    return calls, failing


@pytest.fixture
def world(store_url, tmp_path):
    """A store with one router, one image and a scheduled update; returns what tests need."""
    service = FirmwareService(firmware_storage_path=tmp_path / "fw")
    source = tmp_path / "new.bin"
    source.write_bytes(b"new image")
    with session_scope(store_url) as session:
        device = DeviceService.create_device(
            session, "r1", "192.0.2.1", device_type="router", platform="ios"
        )
        image = service.upload_firmware(session, "17.12.01", "router", "cisco", None, source)
        update_id = service.schedule_update(session, device.id, image.id).id
    return service, store_url, update_id


def status(world):
    service, url, update_id = world
    with session_scope(url, write=False) as session:
        return service.get_update_status(session, update_id)


def run(world, **options):
    service, url, update_id = world
    return service.run_update(update_id, store_url=url, options=RunOptions(**options))


def test_a_clean_run_goes_through_every_step_and_stores_the_backup(world, fake_steps):
    performed = run(world)
    done = status(world)

    assert performed == ["precheck", "backup", "stage", "activate", "verify", "complete"]
    assert done["state"] == "completed" and done["attempts"] == 1
    assert done["backup_config_id"] is not None and done["locked_by"] is None
    assert done["previous_version"] == "17.09.04a" and done["remaining_steps"] == []
    assert run(world) == []


@pytest.mark.parametrize(
    ("step", "state", "steps_run"),
    [
        ("precheck", "failed", ["precheck"]),
        ("stage", "failed", ["precheck", "backup", "stage"]),
        ("activate", "rolled_back", ["precheck", "backup", "stage", "activate", "rollback"]),
        (
            "verify",
            "rolled_back",
            ["precheck", "backup", "stage", "activate", "verify", "rollback"],
        ),
    ],
)
def test_failures_end_as_failed_before_activation_and_rolled_back_after(
    world, fake_steps, step, state, steps_run
):
    calls, failing = fake_steps
    failing[step] = StepFailed(f"{step} went wrong")

    performed = run(world)
    done = status(world)

    assert performed == steps_run == calls
    assert done["state"] == state and done["error"] == f"{step} went wrong"
    assert done["steps"][steps_run.index(step)]["outcome"] == "failed"


def test_a_failed_rollback_ends_failed_with_both_reasons(world, fake_steps):
    _, failing = fake_steps
    failing["activate"] = DeviceError("device 'r1' did not come back")
    failing["rollback"] = DeviceError("device 'r1' is still away")

    run(world)
    done = status(world)

    assert done["state"] == "failed"
    assert done["error"] == (
        "device 'r1' did not come back; the rollback failed too: device 'r1' is still away"
    )


def test_one_step_at_a_time(world, fake_steps):
    assert run(world, step="precheck") == ["precheck"]
    assert run(world, step="precheck") == []
    with pytest.raises(ValidationError, match="its next step is backup, not stage"):
        run(world, step="stage")
    assert status(world)["state"] == "prechecked"
    assert status(world)["remaining_steps"][0] == "backup"


def test_a_live_runner_holding_the_lease_keeps_others_out(world, fake_steps):
    service, url, update_id = world
    with session_scope(url) as session:
        row = service.get_update(session, update_id)
        row.locked_by = f"{socket.gethostname()}:{os.getpid()}:other"
        row.locked_until = utcnow() + timedelta(minutes=5)

    with pytest.raises(BusyError, match="is being run by"):
        run(world)


def test_the_lease_of_a_dead_local_process_is_taken_over(world, fake_steps):
    service, url, update_id = world
    with session_scope(url) as session:
        row = service.get_update(session, update_id)
        row.locked_by = f"{socket.gethostname()}:999999999:dead"
        row.locked_until = utcnow() + timedelta(minutes=5)

    assert run(world)[-1] == "complete"


def test_holder_is_gone():
    me = f"{socket.gethostname()}:{os.getpid()}:x"
    assert not holder_is_gone(me)
    assert holder_is_gone(None)
    assert not holder_is_gone("another-host:1:x")


def test_remaining_steps():
    assert remaining_steps("staged") == ["activate", "verify", "complete"]
    assert remaining_steps("rolling_back") == ["rollback"]
    assert remaining_steps("completed") == []
