"""isp.network.device and isp.network.device_info, run in-process as Ansible runs them."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils.basic import AnsibleModule
from cryptography.fernet import Fernet

from ansible_collections.isp.network.plugins.module_utils import device_module
from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
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


def switches(count: int) -> list[dict]:
    """Return ``count`` bulk-form switches; the first one has a password."""
    devices = [
        {"name": f"sw{index}", "ip_address": f"192.0.2.{10 + index}", "device_type": "switch"}
        for index in range(count)
    ]
    devices[0]["password"] = SECRET
    return devices


def test_bulk_form_reports_per_device_compactly(store):
    devices = switches(3)
    first = run_module("device", {"devices": devices})
    assert first["changed"] is True
    assert first["msg"] == "3 created"
    assert first["summary"] == {"created": 3}
    assert first["outcomes"] == {"created": {"sw0": None, "sw1": None, "sw2": None}}
    assert "devices" not in first
    assert "results" not in first
    assert "invocation" not in first

    devices[2]["site"] = "ams9"
    second = run_module("device", {"devices": devices}, diff=True)
    assert second["outcomes"] == {
        "already exists": {"sw0": None, "sw1": None},
        "updated": {"sw2": ["site"]},
    }
    assert second["summary"] == {"already exists": 2, "updated": 1}
    assert second["msg"] == "2 already exists, 1 updated"
    assert list(second["diff"]["after"]) == ["sw2"]
    assert (second["diff"]["before"]["sw2"]["site"], second["diff"]["after"]["sw2"]["site"]) == (
        None,
        "ams9",
    )
    assert "after_header" not in second["diff"]
    assert_no_secret(first)
    assert_no_secret(second)


def test_return_devices_adds_every_device_and_its_result(store):
    devices = switches(3)
    run_module("device", {"devices": devices[:2]})
    devices[1]["password"] = "n3w-pass"
    result = run_module("device", {"devices": devices, "return_devices": True})
    assert [device["name"] for device in result["devices"]] == ["sw0", "sw1", "sw2"]
    assert [device["has_credentials"] for device in result["devices"]] == [True, True, False]
    assert result["results"] == [
        {"name": "sw0", "result": "already exists", "changed": False, "changed_fields": []},
        {"name": "sw1", "result": "updated", "changed": True, "changed_fields": ["password"]},
        {
            "name": "sw2",
            "result": "created",
            "changed": True,
            "changed_fields": ["device_type", "hostname", "ip_address", "name"],
        },
    ]
    assert result["outcomes"]["updated"] == {"sw1": ["password"]}
    assert_no_secret(result)


def test_bulk_diff_shows_the_first_changed_devices_unless_all_are_asked_for(store, monkeypatch):
    monkeypatch.setattr(device_module, "DIFF_LIMIT", 2)
    cut = run_module("device", {"devices": switches(3)}, diff=True, check_mode=True)
    assert list(cut["diff"]["after"]) == ["sw0", "sw1"]
    assert cut["diff"]["before"] == {"sw0": {}, "sw1": {}}
    assert cut["diff"]["after"]["sw0"]["password"] == "(changed)"
    assert cut["diff"]["after_header"] == (
        "the first 2 of 3 changed devices (return_devices: true shows them all)"
    )
    assert cut["summary"] == {"created": 3}

    whole = run_module(
        "device", {"devices": switches(3), "return_devices": True}, diff=True, check_mode=True
    )
    assert list(whole["diff"]["after"]) == ["sw0", "sw1", "sw2"]
    assert "after_header" not in whole["diff"]
    assert_no_secret(cut)
    assert_no_secret(whole)


def test_bulk_absent(store, monkeypatch):
    run_module("device", {"devices": [{"name": "a"}, {"name": "b"}, {"name": "c"}]})
    result = run_module(
        "device", {"devices": [{"name": "a"}, {"name": "zz"}], "state": "absent"}, diff=True
    )
    assert result["outcomes"] == {"deleted": {"a": None}, "already absent": {"zz": None}}
    assert (result["changed"], result["msg"]) == (True, "1 deleted, 1 already absent")
    assert result["diff"]["after"] == {"a": {}}
    assert result["diff"]["before"]["a"]["name"] == "a"
    assert "results" not in result

    monkeypatch.setattr(device_module, "DIFF_LIMIT", 1)
    listed = run_module(
        "device",
        {"devices": [{"name": "b"}, {"name": "c"}], "state": "absent", "return_devices": True},
        diff=True,
    )
    assert [(r["name"], r["result"]) for r in listed["results"]] == [
        ("b", "deleted"),
        ("c", "deleted"),
    ]
    assert (listed["devices"], list(listed["diff"]["before"])) == ([], ["b", "c"])


def test_an_injected_invocation_counts_the_devices_and_masks_secrets(store, secret_key):
    args = {"devices": switches(2), "secret_key": secret_key, "_ansible_inject_invocation": True}
    result = run_module("device", args)
    shown = result["invocation"]["module_args"]
    assert shown["devices"] == "(2 devices, not returned; see outcomes)"
    assert shown["secret_key"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert (shown["state"], shown["return_devices"]) == ("present", False)
    assert secret_key not in json.dumps(result)
    assert_no_secret(result)

    single = run_module("device", {"name": "sw9", "_ansible_inject_invocation": True})
    assert single["invocation"]["module_args"]["name"] == "sw9"


def test_the_syslog_record_counts_the_devices_and_holds_no_secret(store, monkeypatch):
    logged: list[str] = []
    monkeypatch.setattr(
        AnsibleModule, "log", lambda _module, msg, log_args=None: logged.append(msg)
    )
    # A real run always passes _ansible_no_log, which decides whether the record is written.
    run_module("device", {"devices": switches(3), "_ansible_no_log": False})
    assert len(logged) == 1
    assert "devices=(3 items, not logged)" in logged[0]
    assert "sw1" not in logged[0]
    assert SECRET not in logged[0]

    logged.clear()
    run_module("device", {**CORE1, "name": "core9", "_ansible_no_log": False})
    assert "name=core9" in logged[0]
    assert "password=NOT_LOGGING_PARAMETER" in logged[0]
    assert SECRET not in logged[0]


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


def test_bulk_form_takes_shared_options_for_items_that_leave_them_out(store, secret_key):
    devices = [
        {"name": "sw1", "ip_address": "192.0.2.21"},
        {"name": "sw2", "ip_address": "192.0.2.22", "site": "ams2", "groups": ["edge"]},
    ]
    shared = {"device_type": "switch", "site": "ams1", "username": "netops", "password": SECRET}

    result = run_module("device", {"devices": devices, **shared, "return_devices": True})

    assert [
        (d["name"], d["device_type"], d["site"], d["username"], d["groups"])
        for d in result["devices"]
    ] == [
        ("sw1", "switch", "ams1", "netops", []),
        ("sw2", "switch", "ams2", "netops", ["edge"]),
    ]
    assert_no_secret(result)
    # The shared password is what each device logs in with.
    with session_scope(store, write=False) as session:
        logins = [
            DeviceService.get_credentials(
                session, DeviceService.find_device(session, name), SecretBox(secret_key)
            )
            for name in ("sw1", "sw2")
        ]
    assert logins == [("netops", SECRET, None), ("netops", SECRET, None)]
