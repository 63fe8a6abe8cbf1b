"""isp.network.device_status against real sockets on the loopback interface."""

from __future__ import annotations

import socket
import threading

import pytest

from tests.module_runner import run_module


@pytest.fixture
def listener():
    """A TCP port that accepts connections, and one that refuses them."""
    server = socket.create_server(("127.0.0.1", 0))
    closed = socket.create_server(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    stop = threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
                connection.close()
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], closed_port
    stop.set()
    thread.join()
    server.close()


@pytest.fixture(autouse=True)
def store(tmp_path, monkeypatch, listener, secret_key) -> str:
    open_port, closed_port = listener
    monkeypatch.setenv("ISP_NETWORK_STORE_URL", f"sqlite:///{tmp_path / 'status.db'}")
    run_module(
        "device",
        {
            "devices": [
                {"name": "up", "hostname": "127.0.0.1", "port": open_port, "groups": ["lab"]},
                {"name": "down", "hostname": "127.0.0.1", "port": closed_port, "groups": ["lab"]},
            ]
        },
    )


def states(result):
    return {entry["name"]: entry["reachability"] for entry in result["results"]}


def test_probes_record_reachability_and_last_seen():
    result = run_module("device_status", {"group": ["lab"], "timeout": 2})
    assert states(result) == {"down": "unreachable", "up": "reachable"}
    assert result["changed"] is True
    assert result["summary"] == {"reachable": 1, "unreachable": 1, "login_failed": 0}
    down = next(entry for entry in result["results"] if entry["name"] == "down")
    assert "127.0.0.1:" in down["reason"]

    devices = {d["name"]: d for d in run_module("device_info", {})["devices"]}
    assert devices["up"]["reachability"] == "reachable"
    assert devices["up"]["last_seen"] is not None
    assert devices["down"]["last_seen"] is None
    assert devices["down"]["last_checked"] is not None

    again = run_module("device_status", {"group": ["lab"], "timeout": 2})
    assert again["changed"] is False


def test_check_mode_probes_but_records_nothing():
    result = run_module("device_status", {"name": ["up"], "timeout": 2}, check_mode=True)
    assert states(result) == {"up": "reachable"}
    [device] = run_module("device_info", {"name": ["up"]})["devices"]
    assert (device["reachability"], device["last_checked"]) == ("unknown", None)


def test_login_without_a_stored_password_is_a_failed_login():
    result = run_module("device_status", {"name": ["up"], "login": True, "timeout": 2})
    assert result["results"][0]["reachability"] == "login_failed"
    assert result["results"][0]["reason"] == "no password is stored"


def test_login_needs_the_key(monkeypatch):
    monkeypatch.delenv("ISP_NETWORK_SECRET_KEY")
    result = run_module("device_status", {"login": True}, expect_failure=True)
    assert result["msg"].startswith("no secret key is set")


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (
            {"timeout": -1},
            "timeout -1 is not a number of seconds from 0 to 3600; give one such as 5",
        ),
        ({"timeout": 1e10}, "timeout 1e+10 is not a number of seconds from 0 to 3600"),
        ({"workers": 0}, "workers 0 must be at least 1"),
    ],
)
def test_bounds_of_the_probe_are_one_sentence(args, sentence):
    result = run_module("device_status", args, expect_failure=True)
    assert result["msg"].startswith(sentence)
