"""isp.network.device_group, run in-process."""

from __future__ import annotations

import pytest

from tests.module_runner import run_module


@pytest.fixture(autouse=True)
def store(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'groups.db'}"
    monkeypatch.setenv("ISP_NETWORK_STORE_URL", url)
    run_module("device", {"devices": [{"name": "core1"}, {"name": "core2"}, {"name": "sw1"}]})
    return url


CORE = {"name": "core", "variables": {"ntp": ["192.0.2.123"]}, "members": ["core1", "core2"]}


def test_create_then_already_exists():
    first = run_module("device_group", CORE)
    assert (first["changed"], first["msg"]) == (True, "group 'core' created")
    assert first["group"] == {
        "name": "core",
        "description": None,
        "variables": {"ntp": ["192.0.2.123"]},
        "members": ["core1", "core2"],
    }
    second = run_module("device_group", CORE)
    assert (second["changed"], second["msg"]) == (False, "group 'core' already exists")


def test_members_show_in_device_info():
    run_module("device_group", CORE)
    devices = run_module("device_info", {"group": ["core"]})["devices"]
    assert [device["name"] for device in devices] == ["core1", "core2"]


def test_update_with_diff_and_check_mode():
    run_module("device_group", CORE)
    changed = {**CORE, "members": ["core1", "sw1"]}
    preview = run_module("device_group", changed, check_mode=True, diff=True)
    assert preview["changed_fields"] == ["members"]
    assert preview["diff"]["before"]["members"] == ["core1", "core2"]
    assert preview["diff"]["after"]["members"] == ["core1", "sw1"]
    assert run_module("device_group", CORE)["changed"] is False

    applied = run_module("device_group", changed)
    assert applied["msg"] == "group 'core' updated"
    assert run_module("device_group", changed)["changed"] is False


def test_absent_keeps_the_devices():
    run_module("device_group", CORE)
    gone = run_module("device_group", {"name": "core", "state": "absent"})
    assert (gone["changed"], gone["msg"], gone["group"]) == (True, "group 'core' deleted", {})
    again = run_module("device_group", {"name": "core", "state": "absent"})
    assert (again["changed"], again["msg"]) == (False, "group 'core' already absent")
    assert len(run_module("device_info", {})["devices"]) == 3


def test_an_unknown_member_is_one_sentence():
    result = run_module("device_group", {"name": "g", "members": ["ghost"]}, expect_failure=True)
    assert result["msg"] == (
        "device 'ghost' named in the members of group 'g' does not exist; register it with "
        "isp.network.device first"
    )


def test_a_bad_group_name_is_one_sentence():
    result = run_module("device_group", {"name": "two words"}, expect_failure=True)
    assert result["msg"].startswith("group name 'two words' is not usable; use 1-255 characters")
