"""isp.network.config_backup, run in-process as Ansible runs it, against devices NAPALM opens
as a fake driver: what check mode reports, and every fail_json path."""

from __future__ import annotations

import json

import pytest

from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
    ConfigurationService as Config,
)
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from tests.module_runner import run_module

SECRET = "B4ckup-Secret!"


class FakeDriver:
    """A NAPALM driver whose device runs ``configs[hostname]``."""

    configs: dict[str, dict[str, str]] = {}

    def __init__(self, hostname, **_):
        self.hostname = hostname

    def open(self):
        pass

    def close(self):
        pass

    def get_config(self, retrieve="all"):
        config = FakeDriver.configs[self.hostname]
        return {"running": config["running"], "startup": config["startup"], "candidate": ""}


@pytest.fixture
def store(tmp_path, monkeypatch, secret_key) -> str:
    """A store with r1 and r2, which run ``FakeDriver.configs``."""
    import napalm

    url = f"sqlite:///{tmp_path / 'backup.db'}"
    monkeypatch.setenv("ISP_NETWORK_STORE_URL", url)
    monkeypatch.setattr(napalm, "get_network_driver", lambda platform: FakeDriver)
    FakeDriver.configs = {
        name: {"running": f"hostname {name}\n", "startup": f"hostname {name}\n"}
        for name in ("r1", "r2")
    }
    run_module(
        "device",
        {
            "devices": [
                {"name": name, "hostname": name, "platform": "ios", "username": "netops",
                 "password": SECRET}
                for name in ("r1", "r2")
            ]
        },
    )  # fmt: skip
    return url


def stored(url: str, name: str) -> list[tuple[str, int]]:
    """Return the kind and version of every configuration stored for ``name``."""
    with session_scope(url) as session:
        device = DeviceService.get_device_by_name(session, name)
        history = Config.get_configuration_history(session, device.id)
        return sorted((row.kind.value, row.version) for row in history)


def outcomes(result: dict) -> dict[str, tuple[str, bool]]:
    return {entry["device"]: (entry["outcome"], entry["changed"]) for entry in result["results"]}


def test_check_mode_on_a_new_network_says_it_would_store_and_stores_nothing(store):
    result = run_module("config_backup", {"devices": ["r1", "r2"]}, check_mode=True)

    assert result["changed"] is True
    assert outcomes(result) == {"r1": ("would store", True), "r2": ("would store", True)}
    assert result["msg"] == "backed up 2 devices: 2 would store"
    assert stored(store, "r1") == stored(store, "r2") == []


def test_check_mode_reports_only_what_a_real_run_would_store(store):
    run_module("config_backup", {"devices": ["r1", "r2"]})
    FakeDriver.configs["r2"]["running"] += "ntp server 192.0.2.1\n"

    check = run_module("config_backup", {"devices": ["r1", "r2"]}, check_mode=True)
    real = run_module("config_backup", {"devices": ["r1", "r2"]})

    assert outcomes(check) == {"r1": ("already exists", False), "r2": ("would store", True)}
    assert check["results"][0]["version"] == 1
    assert check["msg"] == "backed up 2 devices: 1 already exists, 1 would store"
    assert outcomes(real) == {"r1": ("already exists", False), "r2": ("stored", True)}


def test_check_mode_of_an_unchanged_network_changes_nothing(store):
    run_module("config_backup", {"devices": ["r1"], "startup": True})

    result = run_module("config_backup", {"devices": ["r1"], "startup": True}, check_mode=True)

    assert result["changed"] is False
    assert result["results"][0]["outcome"] == "already exists"
    assert (result["results"][0]["startup_saved"], result["results"][0]["startup_version"]) == (
        True,
        1,
    )


def test_check_mode_counts_a_new_startup_config(store):
    run_module("config_backup", {"devices": ["r1"], "startup": True})
    FakeDriver.configs["r1"]["startup"] = "hostname old\n"

    check = run_module("config_backup", {"devices": ["r1"], "startup": True}, check_mode=True)
    real = run_module("config_backup", {"devices": ["r1"], "startup": True})

    assert outcomes(check) == {"r1": ("would store", True)}
    assert check["results"][0]["startup_saved"] is False
    assert outcomes(real) == {"r1": ("stored", True)}
    assert stored(store, "r1") == [("backup", 1), ("startup", 1), ("startup", 2)]


# args, the sentence fail_json gives
FAILURES = [
    ({"devices": ["r1", "r1"]}, "device 'r1' is listed twice; list each device once"),
    ({"devices": ["r1"], "timeout": 0}, "timeout 0 and workers 10 must be positive"),
    ({"devices": ["r1"], "timeout": -5}, "timeout -5 and workers 10 must be positive"),
    ({"devices": ["r1"], "workers": 0}, "timeout 60 and workers 0 must be positive"),
]


@pytest.mark.parametrize(("args", "sentence"), FAILURES)
def test_each_failure_is_one_sentence_and_reads_no_device(store, args, sentence):
    result = run_module("config_backup", args, expect_failure=True)

    assert result["msg"] == sentence
    assert stored(store, "r1") == []


def test_no_key_fails_before_any_device_is_read(store, monkeypatch):
    monkeypatch.delenv("ISP_NETWORK_SECRET_KEY")

    result = run_module("config_backup", {"devices": ["r1"]}, expect_failure=True)

    assert result["msg"].startswith("no secret key is set; set ISP_NETWORK_SECRET_KEY or")
    assert SECRET not in json.dumps(result)
    assert stored(store, "r1") == []
