"""Fixtures: one isp-small lab for the whole session, drivers into it, faults reset per test."""

from __future__ import annotations

import contextlib
import time

import pytest

from lab import start_lab


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """A running isp-small lab on free ports with a temporary state folder."""
    running = start_lab("isp-small", tmp_path_factory.mktemp("lab-state"), reload_seconds=0.3)
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def _no_faults(request):
    """Switch every fault off after each test that used the lab."""
    yield
    if "lab" in request.fixturenames:
        request.getfixturevalue("lab").clear_faults()


@pytest.fixture
def napalm_device(lab):
    """Open a NAPALM ios driver on a lab device; closed at the end of the test."""
    import napalm

    opened = []

    def open_device(name: str, **optional):
        args = lab.napalm_args(name)
        args["optional_args"].update(optional)
        device = napalm.get_network_driver("ios")(timeout=15, **args)
        device.open()
        opened.append(device)
        return device

    yield open_device
    for device in opened:
        with contextlib.suppress(OSError, EOFError):
            device.close()


@pytest.fixture
def netmiko_device(lab):
    """Open a netmiko cisco_ios session (in enable mode) on a lab device."""
    from netmiko import ConnectHandler

    opened = []

    def connect(name: str):
        connection = ConnectHandler(**lab.netmiko_args(name), conn_timeout=10)
        connection.enable()
        opened.append(connection)
        return connection

    yield connect
    for connection in opened:
        if connection.remote_conn.get_transport().is_active():
            connection.disconnect()
        else:
            connection.remote_conn_pre.close()


def _wait_for_state(lab, name: str, state: str, timeout: float = 20.0) -> dict:
    """Poll the lab until a device reaches a state; return its status row."""
    deadline = time.monotonic() + timeout
    while True:
        row = next(row for row in lab.status() if row["name"] == name)
        if row["state"] == state:
            return row
        if time.monotonic() > deadline:
            raise AssertionError(f"{name} stayed {row['state']!r}, never reached {state!r}")
        time.sleep(0.05)


def _reload_through_cli(connection) -> None:
    """Type `reload`, answer its questions, and let the session drop."""
    questions = r"\[confirm\]|\[yes/no\]: "
    output = connection.send_command("reload", expect_string=questions, read_timeout=5)
    if "Save?" in output:
        output = connection.send_command("no", expect_string=questions, read_timeout=5)
    assert "Proceed with reload? [confirm]" in output
    connection.write_channel("\n")
    deadline = time.monotonic() + 10
    while connection.remote_conn.get_transport().is_active():
        if time.monotonic() > deadline:
            raise AssertionError("the session did not drop after the reload was confirmed")
        time.sleep(0.02)


@pytest.fixture
def wait_for_state():
    """Return a function that polls the lab until a device reaches a state."""
    return _wait_for_state


@pytest.fixture
def reload_through_cli():
    """Return a function that reloads a device through its CLI."""
    return _reload_through_cli
