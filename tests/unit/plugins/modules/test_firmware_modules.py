"""The firmware modules, run in-process as Ansible runs them (the device steps replaced)."""

from __future__ import annotations

import pytest

from ansible_collections.isp.network.plugins.module_utils.services import firmware_steps
from ansible_collections.isp.network.plugins.module_utils.services.firmware_steps import (
    StepFailed,
    StepResult,
)
from tests.module_runner import run_module


@pytest.fixture
def store(tmp_path, monkeypatch, secret_key) -> str:
    """A store and a firmware folder for the modules, through the environment."""
    url = f"sqlite:///{tmp_path / 'modules.db'}"
    monkeypatch.setenv("ISP_NETWORK_STORE_URL", url)
    monkeypatch.setenv("ISP_NETWORK_FIRMWARE_PATH", str(tmp_path / "fw"))
    return url


@pytest.fixture
def image_file(tmp_path):
    """An image file on the controller."""
    path = tmp_path / "isr4400-universalk9.17.12.01.SPA.bin"
    path.write_bytes(b"isr image" * 100)
    return str(path)


IMAGE = {"version": "17.12.01", "device_type": "router", "manufacturer": "cisco"}


def register(image_file, **extra):
    """Run isp.network.firmware present for the image file."""
    return run_module("firmware", {"path": image_file, **IMAGE, "models": ["ISR"], **extra})


def add_devices(*names):
    """Register routers of model ISR."""
    devices = [
        {"name": n, "hostname": "192.0.2.1", "device_type": "router", "model": "ISR"} for n in names
    ]
    run_module("device", {"devices": devices})


def test_firmware_present_then_again_then_absent(store, image_file, tmp_path):
    planned = run_module("firmware", {"path": image_file, **IMAGE}, check_mode=True)
    created = register(image_file)
    again = register(image_file)
    listed = run_module("firmware_info", {"model": "ISR"})
    removed = run_module("firmware", {"id": created["image"]["id"], "state": "absent"}, diff=True)
    absent = run_module("firmware", {"id": created["image"]["id"], "state": "absent"})

    assert planned["changed"] and planned["image"]["id"] is None
    assert created["changed"] and created["msg"] == "firmware image 1 created"
    assert not again["changed"] and again["msg"] == "firmware image 1 already exists"
    assert [image["version"] for image in listed["images"]] == ["17.12.01"]
    assert removed["changed"] and removed["diff"]["before"]["sha256"]
    assert absent == {**absent, "changed": False, "msg": "firmware image already absent"}


def test_firmware_check_mode_copies_nothing(store, image_file, tmp_path):
    run_module("firmware", {"path": image_file, **IMAGE}, check_mode=True)
    assert not (tmp_path / "fw").exists()
    assert run_module("firmware_info", {})["images"] == []


def test_firmware_with_a_wrong_hash_fails_cleanly(store, image_file):
    failed = run_module(
        "firmware", {"path": image_file, **IMAGE, "sha256": "0" * 64}, expect_failure=True
    )
    assert "not the expected" in failed["msg"]


def test_schedule_cancel_and_info(store, image_file):
    register(image_file)
    add_devices("r1", "r2")

    scheduled = run_module("firmware_update", {"devices": ["r1", "r2"], "version": "17.12.01"})
    again = run_module("firmware_update", {"device": "r1", "version": "17.12.01"})
    cancelled = run_module("firmware_update", {"device": "r2", "state": "cancelled"})
    due = run_module("firmware_update_info", {"due": True})
    history = run_module("firmware_update_info", {"device": "r2"})

    assert scheduled["changed"] and [r["result"] for r in scheduled["results"]] == ["created"] * 2
    assert not again["changed"] and again["results"][0]["result"] == "already exists"
    assert cancelled["changed"] and cancelled["results"][0]["result"] == "cancelled"
    assert [update["device"] for update in due["updates"]] == ["r1"]
    assert due["table"][0].split()[:2] == ["id", "device"]
    assert history["updates"][0]["state"] == "cancelled"


def test_schedule_an_unfit_version_fails_naming_the_device(store, image_file):
    register(image_file)
    add_devices("r1")

    failed = run_module("firmware_update", {"device": "r1", "version": "99.1"}, expect_failure=True)
    assert "no firmware image of version '99.1' fits device 'r1'" in failed["msg"]


@pytest.fixture
def fake_steps(monkeypatch):
    """Replace the device steps; ``failing`` names devices whose verify fails."""
    failing: set[str] = set()

    def make(name):
        def step(ctx):
            if name == "verify" and ctx.login.device.name in failing:
                raise StepFailed("wrong version")
            if name == "precheck":
                return StepResult({}, {"previous_version": "1", "previous_image": "old.bin"})
            return StepResult({"step": name})

        return step

    for name in list(firmware_steps.STEP_FUNCTIONS):
        monkeypatch.setitem(firmware_steps.STEP_FUNCTIONS, name, make(name))
    return failing


def test_upgrade_check_mode_then_run_then_again(store, image_file, fake_steps):
    register(image_file)
    add_devices("r1", "r2")
    run_module("firmware_update", {"devices": ["r1", "r2"], "version": "17.12.01"})
    fake_steps.add("r2")

    planned = run_module("firmware_upgrade", {"due": True}, check_mode=True)
    failed = run_module("firmware_upgrade", {"due": True}, expect_failure=True)
    again = run_module("firmware_upgrade", {"update_ids": [1, 2], "fail_on_error": False})

    assert planned["changed"] and planned["results"][0]["steps"][0] == "precheck"
    assert {r["device"]: r["state"] for r in failed["results"]} == {
        "r1": "completed",
        "r2": "rolled_back",
    }
    assert "1 failed: wrong version" in failed["msg"]
    assert not again["changed"] and [r["steps"] for r in again["results"]] == [[], []]
    assert again["results"][1]["failed"] is True


def test_upgrade_of_a_device_without_an_update_fails(store):
    add_devices("r1")
    failed = run_module("firmware_upgrade", {"device": "r1"}, expect_failure=True)
    assert "has no open firmware update" in failed["msg"]
