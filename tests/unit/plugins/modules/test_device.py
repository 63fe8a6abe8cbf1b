"""isp.network.device and isp.network.device_info, run in-process as Ansible runs them."""

from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet

from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from tests.module_runner import run_module

SECRET = "Sup3r-Secret!"
CORE1 = {
    "name": "core1",
    "hostname": "core1.lab",
    "ip_address": "192.0.2.1",
    "device_type": "router",
    "platform": "ios",
    "site": "ams1",
    "groups": ["core"],
    "username": "netops",
    "password": SECRET,
}


@pytest.fixture
def store(tmp_path, monkeypatch, secret_key) -> str:
    url = f"sqlite:///{tmp_path / 'modules.db'}"
    monkeypatch.setenv("ISP_NETWORK_STORE_URL", url)
    return url


def assert_no_secret(result) -> None:
    text = json.dumps(result)
    assert SECRET not in text
    assert "n3w-pass" not in text


def audit_actions(url) -> list[str]:
    with session_scope(url, write=False) as session:
        return [event.action for event in reversed(AuditService.list_events(session))]


def test_create_then_nothing_to_do(store):
    first = run_module("device", CORE1)
    assert first["changed"] is True
    assert first["msg"] == "device 'core1' created"
    assert first["device"]["has_credentials"] is True
    assert first["device"]["username"] == "netops"

    second = run_module("device", CORE1)
    assert second["changed"] is False
    assert second["msg"] == "device 'core1' already exists"
    assert second["changed_fields"] == []
    assert_no_secret(first)
    assert_no_secret(second)


def test_check_mode_reports_and_writes_nothing(store):
    result = run_module("device", CORE1, check_mode=True)
    assert result["changed"] is True
    assert result["msg"] == "device 'core1' created"
    assert run_module("device_info", {})["devices"] == []
    assert audit_actions(store) == []


def test_diff_shows_a_password_change_as_a_marker(store):
    run_module("device", CORE1)
    result = run_module("device", {**CORE1, "password": "n3w-pass", "site": "ams2"}, diff=True)
    assert result["changed_fields"] == ["password", "site"]
    assert result["diff"]["before"]["password"] == "(set)"
    assert result["diff"]["after"]["password"] == "(changed)"
    assert (result["diff"]["before"]["site"], result["diff"]["after"]["site"]) == ("ams1", "ams2")
    assert_no_secret(result)


def test_absent_deletes_then_is_already_absent(store):
    run_module("device", CORE1)
    gone = run_module("device", {"name": "core1", "state": "absent"}, diff=True)
    assert (gone["changed"], gone["msg"]) == (True, "device 'core1' deleted")
    assert gone["diff"]["before"]["name"] == "core1"
    assert gone["diff"]["after"] == {}
    again = run_module("device", {"name": "core1", "state": "absent"})
    assert (again["changed"], again["msg"]) == (False, "device 'core1' already absent")
    assert audit_actions(store) == ["device_group.create", "device.create", "device.delete"]


def test_bulk_form_reports_per_device(store):
    devices = [
        {"name": f"sw{index}", "ip_address": f"192.0.2.{10 + index}", "device_type": "switch"}
        for index in range(3)
    ]
    devices[0]["password"] = SECRET
    first = run_module("device", {"devices": devices})
    assert first["changed"] is True
    assert first["msg"] == "3 created"
    assert [device["name"] for device in first["devices"]] == ["sw0", "sw1", "sw2"]

    devices[2]["site"] = "ams9"
    second = run_module("device", {"devices": devices}, diff=True)
    assert [(r["name"], r["result"], r["changed_fields"]) for r in second["results"]] == [
        ("sw0", "already exists", []),
        ("sw1", "already exists", []),
        ("sw2", "updated", ["site"]),
    ]
    assert second["msg"] == "2 already exists, 1 updated"
    assert list(second["diff"]["after"]) == ["sw2"]
    assert_no_secret(first)
    assert_no_secret(second)


def test_bulk_absent(store):
    run_module("device", {"devices": [{"name": "a"}, {"name": "b"}]})
    result = run_module("device", {"devices": [{"name": "a"}, {"name": "zz"}], "state": "absent"})
    assert [(r["name"], r["result"]) for r in result["results"]] == [
        ("a", "deleted"),
        ("zz", "already absent"),
    ]


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (
            {"name": "x", "ip_address": "10.0.0.300"},
            "ip_address '10.0.0.300' of device 'x' is not an IP address; use an IPv4 or IPv6 "
            "address such as 192.0.2.10",
        ),
        ({"name": "x", "port": 99999}, "port 99999 of device 'x' is not usable; use 1-65535"),
        (
            {"name": "x", "platform": "IOS-XE"},
            "platform 'IOS-XE' of device 'x' is not a NAPALM driver name; use one such as eos, "
            "ios, iosxr, iosxr_netconf, junos, nxos, nxos_ssh (lower-case letters, digits and "
            "underscores)",
        ),
        (
            {"name": "bad name"},
            "device name 'bad name' is not usable; use 1-255 characters without spaces or "
            "control characters, such as 'core1'",
        ),
        (
            {"devices": [{"name": "a"}, {"name": "a"}]},
            "device 'a' appears twice in the list; give each device once",
        ),
        (
            {"name": "x", "driver_options": {"password": "p"}},
            "driver option 'password' of device 'x' would be stored in the clear; set password "
            "or enable_secret instead",
        ),
    ],
)
def test_each_failure_is_one_sentence(store, args, sentence):
    result = run_module("device", args, expect_failure=True)
    assert result["msg"] == sentence


def test_no_key_fails_before_anything_is_stored(store, monkeypatch):
    monkeypatch.delenv("ISP_NETWORK_SECRET_KEY")
    result = run_module("device", CORE1, expect_failure=True)
    assert result["msg"].startswith("no secret key is set; set ISP_NETWORK_SECRET_KEY or")
    assert run_module("device_info", {})["devices"] == []


def test_a_device_without_secrets_needs_no_key(store, monkeypatch):
    monkeypatch.delenv("ISP_NETWORK_SECRET_KEY")
    assert run_module("device", {"name": "plain", "username": "ro"})["changed"] is True


def test_wrong_key_is_one_sentence_and_changes_nothing(store):
    run_module("device", CORE1)
    other = Fernet.generate_key().decode()
    result = run_module("device", {**CORE1, "secret_key": other, "site": "x"}, expect_failure=True)
    assert result["msg"].startswith("the secret_key option (fingerprint ")
    assert "does not match the key this store's credentials were encrypted with" in result["msg"]
    assert other not in result["msg"]
    assert run_module("device_info", {"name": ["core1"]})["devices"][0]["site"] == "ams1"


def test_malformed_key_option(store):
    result = run_module("device", {**CORE1, "secret_key": "short"}, expect_failure=True)
    assert result["msg"].startswith("the secret_key option is not a valid key (it must be 32")


def test_info_filters_and_hides_secrets(store):
    run_module("device", CORE1)
    run_module("device", {"name": "sw1", "device_type": "switch", "site": "ams1"})
    run_module("device", {"name": "fw1", "device_type": "firewall", "site": "fra1"})

    def names(**filters):
        return [device["name"] for device in run_module("device_info", filters)["devices"]]

    assert names() == ["core1", "fw1", "sw1"]
    assert names(site=["ams1"]) == ["core1", "sw1"]
    assert names(site=["ams1"], device_type=["switch", "firewall"]) == ["sw1"]
    assert names(group=["core"]) == ["core1"]
    assert names(status=["planned"]) == []
    result = run_module("device_info", {})
    assert result["changed"] is False
    assert_no_secret(result)
    assert all("password" not in device for device in result["devices"])


def test_a_bad_store_url_is_one_sentence(store):
    result = run_module(
        "device_info", {"store_url": "mysql://isp:hunter2@db/isp"}, expect_failure=True
    )
    assert result["msg"] == (
        "store URL 'mysql://isp:***@db/isp' uses the unsupported backend 'mysql'; use "
        "sqlite:///PATH or postgresql://USER:PASSWORD@HOST/DATABASE"
    )
