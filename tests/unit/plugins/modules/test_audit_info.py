"""isp.network.audit_info, run in-process, on events the other modules wrote."""

from __future__ import annotations

import json

import pytest

from tests.module_runner import run_module

SECRET = "Audit-Me-N0t"


@pytest.fixture(autouse=True)
def store(tmp_path, monkeypatch, secret_key) -> str:
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    monkeypatch.setenv("ISP_NETWORK_STORE_URL", url)
    monkeypatch.setenv("ISP_NETWORK_ACTOR", "alice")
    run_module("device", {"name": "core1", "password": SECRET})
    monkeypatch.setenv("ISP_NETWORK_ACTOR", "bob")
    run_module("device", {"name": "core1", "password": SECRET + "2", "site": "ams1"})
    run_module("device", {"name": "sw1"})
    return url


def test_filters_by_object_actor_and_action():
    events = run_module("audit_info", {"object_name": "core1"})["events"]
    assert [(e["action"], e["actor"]) for e in events] == [
        ("device.update", "bob"),
        ("device.create", "alice"),
    ]
    assert events[0]["changed_fields"] == ["password", "site"]
    assert [e["object_name"] for e in run_module("audit_info", {"actor": "alice"})["events"]] == [
        "core1"
    ]
    creates = run_module("audit_info", {"action": "device.create"})["events"]
    assert sorted(e["object_name"] for e in creates) == ["core1", "sw1"]


def test_time_range():
    assert run_module("audit_info", {"until": "2000-01-01T00:00:00Z"})["events"] == []
    assert len(run_module("audit_info", {"since": "2000-01-01"})["events"]) == 3


def test_a_bad_time_is_one_sentence():
    result = run_module("audit_info", {"since": "yesterday"}, expect_failure=True)
    assert result["msg"] == (
        "since 'yesterday' is not a time; use ISO 8601 such as 2025-01-31T12:00:00Z"
    )


def test_no_secret_in_any_event():
    text = json.dumps(run_module("audit_info", {})["events"])
    assert SECRET not in text
    assert "password" in text
