"""isp.network.config_apply, config_backup and config_compliance without a lab: every
fail_json path, device failures reported per device, and compliance from stored configs."""

from __future__ import annotations

import json
import socket
from contextlib import contextmanager

import pytest

from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.services.config_apply import Target
from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
    ConfigurationService as Config,
)
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from tests.module_runner import run_module

SECRET = "Dev1ce-Secret!"


def closed_port() -> int:
    """Return a local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def store(tmp_path, monkeypatch, secret_key) -> str:
    """A store with r1 (unreachable, with a password) and r2 (no credentials)."""
    url = f"sqlite:///{tmp_path / 'modules.db'}"
    monkeypatch.setenv("ISP_NETWORK_STORE_URL", url)
    port = closed_port()
    run_module(
        "device",
        {
            "devices": [
                {"name": "r1", "hostname": "127.0.0.1", "port": port, "platform": "ios",
                 "username": "netops", "password": SECRET},
                {"name": "r2", "hostname": "127.0.0.1", "port": port, "platform": "ios"},
            ]
        },
    )  # fmt: skip
    return url


def store_config(url: str, name: str, content: str, kind: str = "intended") -> None:
    """Store a configuration of ``kind`` for device ``name``."""
    with session_scope(url) as session:
        device = DeviceService.get_device_by_name(session, name)
        Config.create_device_configuration(session, device.id, content, kind=kind)


# args, the sentence fail_json gives
FAILURES = [
    (
        {"devices": ["r1"]},
        "give exactly one of config, configs, template or intended: true (got none)",
    ),
    (
        {"devices": ["r1"], "config": "x\n", "intended": True},
        "give exactly one of config, configs, template or intended: true "
        "(got ['config', 'intended'])",
    ),
    (
        {"devices": ["r1", "r2"], "configs": {"r1": "x\n"}},
        "configs has no text for devices ['r2']; give each device in devices an entry",
    ),
    (
        {"devices": ["r1"], "configs": {"r1": "x\n", "r9": "y\n"}},
        "configs names devices ['r9'] that are not in devices; add them to devices or remove "
        "their entries",
    ),
    (
        {"devices": ["r1"], "configs": {"r1": ["x"]}},
        "configs gives devices ['r1'] something other than text; give each a configuration as "
        "a string",
    ),
    (
        {"devices": ["r1", "r1"], "config": "x\n"},
        "device 'r1' is listed twice; list each device once",
    ),
    (
        {"devices": ["r1"], "config": "x\n", "timeout": 0},
        "timeout 0 and workers 10 must be positive",
    ),
    (
        {"devices": ["r1"], "template": "missing"},
        "template 'missing' does not exist; publish it with isp.network.config_template",
    ),
    (
        {"devices": ["r1"], "config": "x\n", "confirm_timeout": 90},
        "confirm_timeout 90 is not whole minutes from 60 to 7200 seconds; give one such as "
        "120, or 0 to commit without a revert timer",
    ),
    (
        {"devices": ["r1"], "config": "x\n", "confirm_timeout": 7260},
        "confirm_timeout 7260 is not whole minutes from 60 to 7200 seconds; give one such as "
        "120, or 0 to commit without a revert timer",
    ),
    (
        {"devices": ["r1"], "config": "x\n", "ignore": ["^ok$", "(unclosed"]},
        "ignore pattern '(unclosed' is not a regular expression; fix it",
    ),
    (
        {"devices": ["r1"], "template": "missing", "ignore": ["(unclosed"]},
        "ignore pattern '(unclosed' is not a regular expression; fix it",
    ),
    (
        {"devices": ["r1"], "config": "x\n", "restore_timeout": 0},
        "restore_timeout 0 must be positive; leave it unset for three times timeout, at least "
        "60 seconds",
    ),
]


@pytest.mark.parametrize(("args", "sentence"), FAILURES)
def test_each_failure_is_one_sentence(store, args, sentence):
    result = run_module("config_apply", args, expect_failure=True)

    assert result["msg"] == sentence


def test_no_key_fails_before_any_device_is_reached(store, monkeypatch):
    monkeypatch.delenv("ISP_NETWORK_SECRET_KEY")

    result = run_module("config_apply", {"devices": ["r1"], "config": "x\n"}, expect_failure=True)

    assert result["msg"].startswith("no secret key is set; set ISP_NETWORK_SECRET_KEY or")


def test_device_failures_are_listed_per_device_and_recorded(store):
    store_config(store, "r2", "ntp server 192.0.2.1\n")

    result = run_module(
        "config_apply",
        {"devices": ["r1", "r2", "ghost"], "intended": True, "timeout": 2},
        expect_failure=True,
    )

    outcomes = {entry["device"]: entry for entry in result["results"]}
    assert [entry["outcome"] for entry in result["results"]] == ["failed"] * 3
    assert outcomes["r1"]["error"] == (
        "device 'r1' has no intended configuration; list its history with isp.network.config_info"
    )
    assert "could not be reached" in outcomes["r2"]["error"]
    assert outcomes["ghost"]["error"].startswith("device 'ghost' is not in the store")
    assert result["msg"] == "configuration applied to 3 devices: 3 failed"
    assert result["summary"]["failed"] == 3
    assert SECRET not in json.dumps(result)
    with session_scope(store) as session:
        [event] = AuditService.list_events(session, action="device_configuration.apply")
        assert (event.object_name, event.details["outcome"]) == ("r2", "failed")
        device_id = int(event.object_id)
        [intended] = Config.get_configuration_history(session, device_id, kind="intended")
        [attempt] = Config.get_configuration_history(session, device_id, kind="applied")
    for row in (intended, attempt):
        assert (row.state.value, row.error) == ("failed", outcomes["r2"]["error"])


def test_check_mode_records_nothing(store):
    result = run_module(
        "config_apply",
        {"devices": ["r2"], "config": "ntp server 192.0.2.1\n", "timeout": 2},
        check_mode=True,
        expect_failure=True,
    )

    assert result["results"][0]["outcome"] == "failed"
    with session_scope(store) as session:
        assert AuditService.list_events(session, action="device_configuration.apply") == []


def test_backup_reports_an_unreachable_device(store):
    result = run_module(
        "config_backup", {"devices": ["r2", "ghost"], "timeout": 2}, expect_failure=True
    )

    assert [(e["device"], e["outcome"]) for e in result["results"]] == [
        ("r2", "failed"),
        ("ghost", "failed"),
    ]
    assert result["msg"] == "backed up 2 devices: 2 failed"


def test_backup_refuses_a_kind_it_does_not_read(store):
    result = run_module(
        "config_backup", {"devices": ["r2"], "kind": "intended"}, expect_failure=True
    )

    assert result["msg"].startswith("value of kind must be one of: backup, running")


def test_compliance_from_stored_configs_needs_no_device(store):
    store_config(store, "r2", "hostname r2\nntp server 192.0.2.1\n")
    store_config(store, "r2", "hostname r2\nlogging host 192.0.2.9\n", kind="running")

    result = run_module("config_compliance", {"devices": ["r2"], "refresh": False}, check_mode=True)

    assert result["changed"] is False
    assert result["compliant"] is False
    [entry] = result["results"]
    assert (entry["missing"], entry["extra"]) == (
        ["ntp server 192.0.2.1"],
        ["logging host 192.0.2.9"],
    )
    assert result["msg"] == "0 of 1 devices are compliant"


def test_compliance_fails_for_a_device_it_cannot_check(store):
    store_config(store, "r2", "hostname r2\n")

    result = run_module(
        "config_compliance", {"devices": ["r1", "r2"], "timeout": 2}, expect_failure=True
    )

    errors = [entry["error"] for entry in result["results"]]
    assert all("could not be reached" in error for error in errors)
    assert [(e["compliant"], e["missing"], e["extra"]) for e in result["results"]] == [
        (None, [], [])
    ] * 2
    assert result["msg"] == "0 of 2 devices are compliant; 2 could not be checked"


def test_compliance_checks_its_ignore_patterns_before_reading_any_device(store, monkeypatch):
    store_config(store, "r2", "hostname r2\n")
    monkeypatch.setattr(Target, "open", lambda *_: pytest.fail("a device was read"))

    result = run_module(
        "config_compliance", {"devices": ["r2"], "ignore": ["[bad"]}, expect_failure=True
    )

    assert result["msg"] == "ignore pattern '[bad' is not a regular expression; fix it"
    with session_scope(store) as session:
        device = DeviceService.get_device_by_name(session, "r2")
        assert Config.get_configuration_history(session, device.id, kind="running") == []


RUNNING = (
    "hostname r1\nusername netops privilege 15 secret 9 $9$4ff38fQx\n"
    "enable secret 9 $9$b406b5Zz\nsnmp-server community Publ1cRO RO\n"
)


class FakeDevice:
    """A NAPALM-shaped device that commits what it is given and diffs like IOS."""

    def __init__(self, state: dict) -> None:
        self.state = state
        self.candidate = ""

    def get_config(self, retrieve: str = "running") -> dict:
        return {"running": self.state["running"], "startup": "", "candidate": ""}

    def load_merge_candidate(self, config: str) -> None:
        self.candidate = config

    def compare_config(self) -> str:
        new = [line for line in self.candidate.splitlines() if line not in self.state["running"]]
        # What a replace of the whole configuration shows: the old secrets go.
        return "\n".join([f"+{line}" for line in new] + [f"-{RUNNING.splitlines()[1]}"] * bool(new))

    def discard_config(self) -> None:
        self.candidate = ""

    def commit_config(self, message: str = "", revert_in: int | None = None) -> None:
        if revert_in is not None:
            raise NotImplementedError("no commit-confirm")
        self.state["running"] += self.candidate


@pytest.fixture
def device_up(monkeypatch) -> dict:
    """Every device answers as one FakeDevice running RUNNING; returns its state."""
    state = {"running": RUNNING}

    @contextmanager
    def opened(_target, _timeout):
        yield FakeDevice(state)

    monkeypatch.setattr(Target, "open", opened)
    return state


SECRETS = ("$9$4ff38f", "$9$b406b5", "hunter2", "Publ1cRO")


def test_diffs_shown_returned_and_stored_never_hold_a_secret(store, device_up):
    args = {"devices": ["r1"], "config": "username admin secret 0 hunter2\n"}

    checked = run_module("config_apply", args, check_mode=True, diff=True)
    applied = run_module("config_apply", args, diff=True)

    for result in (checked, applied):
        shown = json.dumps(result)
        assert not [secret for secret in SECRETS if secret in shown]
        assert result["diff"]["prepared"] == (
            "--- r1\n+username admin secret 0 <removed>\n"
            "-username netops privilege 15 secret 9 <removed>\n"
        )
    with session_scope(store) as session:
        device = DeviceService.get_device_by_name(session, "r1")
        [attempt] = Config.get_configuration_history(session, device.id, kind="applied")
        [backup] = Config.get_configuration_history(session, device.id, kind="backup")
        assert attempt.diff == applied["results"][0]["diff"]
        # A restore pushes the backup back: it stays exact.
        assert backup.content == RUNNING


TEMPLATE = {
    "name": "ntp",
    "version": "1.0.0",
    "content": "ntp server {{ ntp }}\n",
    "variables": {"ntp": {"type": "ipv4", "required": True}},
}


def test_a_new_intended_version_is_a_change_even_when_the_device_has_it(store, device_up):
    run_module("config_template", TEMPLATE)
    device_up["running"] += "ntp server 192.0.2.1\n"
    args = {"devices": ["r1"], "template": "ntp", "variables": {"ntp": "192.0.2.1"}}

    first = run_module("config_apply", args)
    second = run_module("config_apply", args)

    assert (first["changed"], first["results"][0]["outcome"]) == (True, "unchanged")
    assert first["results"][0]["intended_stored"] is True
    assert (second["changed"], second["results"][0]["intended_stored"]) == (False, False)


def test_a_template_variable_that_fails_validation_fails_before_any_device(store, device_up):
    run_module("config_template", TEMPLATE)
    args = {"devices": ["r1", "r2"], "template": "ntp", "variables": {"ntp": "not-an-ip"}}

    result = run_module("config_apply", args, expect_failure=True)

    assert result["msg"].startswith("device 'r1': ")
    assert "not-an-ip" in result["msg"] and "results" not in result
    assert device_up["running"] == RUNNING
    with session_scope(store) as session:
        device = DeviceService.get_device_by_name(session, "r1")
        assert Config.get_configuration_history(session, device.id, kind="intended") == []


def test_configs_gives_each_device_its_own_text(store, device_up):
    configs = {"r1": "ntp server 192.0.2.11\n", "r2": "ntp server 192.0.2.12\n"}

    result = run_module(
        "config_apply", {"devices": ["r1", "r2"], "configs": configs}, check_mode=True
    )

    assert [(r["device"], r["outcome"]) for r in result["results"]] == [
        ("r1", "would_change"),
        ("r2", "would_change"),
    ]
    assert "+ntp server 192.0.2.11" in result["results"][0]["diff"]
    assert "+ntp server 192.0.2.12" in result["results"][1]["diff"]
    assert "192.0.2.12" not in result["results"][0]["diff"]
    assert device_up["running"] == RUNNING
