"""Revert timers (NAPALM's `revert_in`) through the real NAPALM ios driver against the lab.

The lab of this module has two devices with the archive feature on and one without; one
minute of a revert timer lasts MINUTE seconds here, so a one-minute timer expires in a test.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import pytest
from napalm.base.exceptions import CommitConfirmException

from lab import start_lab
from lab.topology import build

pytestmark = pytest.mark.lab

MINUTE = 2.0
ARCHIVE = "archive\n path flash:archive\n maximum 5\n"
TOPOLOGY = {
    "name": "revert-timers",
    "defaults": {"credentials": {"username": "admin", "password": "lab-admin"}},
    "devices": {
        "r1": {"config": ARCHIVE},
        "r2": {"config": ARCHIVE},
        "plain": {},
    },
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """Three devices; one revert-timer minute lasts MINUTE seconds."""
    running = start_lab(
        build(TOPOLOGY),
        tmp_path_factory.mktemp("revert-lab"),
        reload_seconds=0.3,
        revert_minute_seconds=MINUTE,
    )
    yield running
    running.stop()


@pytest.fixture
def driver(lab):
    """Open NAPALM ios drivers on lab devices; each is closed at the end of the test."""
    import napalm

    opened = []

    def open_device(name: str):
        device = napalm.get_network_driver("ios")(timeout=15, **lab.napalm_args(name))
        device.open()
        opened.append(device)
        return device

    yield open_device
    for device in opened:
        with contextlib.suppress(OSError, EOFError, ValueError):
            device.close()


def running(device) -> str:
    """Return the device's running configuration as NAPALM reads it."""
    return device.get_config(retrieve="running")["running"]


def lines(config: str) -> list[str]:
    """Return the configuration's lines but `!` and `file prompt quiet`.

    NAPALM configures `file prompt quiet` before it commits, so the configuration a timer
    restores has it; the driver removes it again when its session closes.
    """
    return [line for line in config.splitlines() if line not in ("!", "file prompt quiet")]


def wait_until_reverted(device, line: str, minutes: int) -> str:
    """Poll until `line` has left the running configuration; return that configuration.

    Fails once several times the scaled timer has passed without the revert.
    """
    deadline = time.monotonic() + minutes * MINUTE * 10 + 10
    while True:
        config = running(device)
        if line not in config:
            return config
        if time.monotonic() > deadline:
            raise AssertionError(f"{line!r} was still configured long after the timer expired")
        time.sleep(0.2)


def test_a_confirmed_change_stays_and_nothing_is_pending(driver):
    device = driver("r1")
    device.load_merge_candidate(config="ntp server 192.0.2.71\n")

    device.commit_config(revert_in=120)
    pending = device._get_pending_commits()
    device.confirm_commit()

    assert device.has_pending_commit() is False
    assert (pending["user"], pending["timer"], pending["type"]) == (
        "admin",
        "2 min",
        "Rollback Timer",
    )
    # Longer than the two minutes the timer ran: a confirmed change is never reverted.
    time.sleep(MINUTE * 2.5)
    assert "ntp server 192.0.2.71" in running(device)
    assert "ntp server 192.0.2.71" in device.get_config(retrieve="startup")["startup"]


def test_an_unconfirmed_merge_reverts_after_the_timer_with_no_session_open(lab, driver):
    device = driver("r2")
    before = running(device)
    device.load_merge_candidate(config="ntp server 192.0.2.72\n")
    device.commit_config(revert_in=60)
    assert device.has_pending_commit() is True
    assert "ntp server 192.0.2.72" in running(device)
    device.close()

    # No session is open while the timer runs: watch the state folder's copy of the config.
    saved = Path(lab.state_dir) / "devices" / "r2" / "running-config"
    deadline = time.monotonic() + MINUTE * 10 + 10
    while "ntp server 192.0.2.72" in saved.read_text():
        assert time.monotonic() < deadline, "the change outlived its revert timer"
        time.sleep(0.2)
    again = driver("r2")

    assert lines(running(again)) == lines(before)
    assert again.has_pending_commit() is False


def test_an_unconfirmed_replace_reverts_after_the_timer(driver):
    device = driver("r1")
    before = running(device)
    candidate = before.replace("\nend", "\nntp server 192.0.2.78\nend")
    device.load_replace_candidate(config=candidate)

    device.commit_config(revert_in=60)
    assert device.has_pending_commit() is True
    assert "ntp server 192.0.2.78" in running(device)

    after = wait_until_reverted(device, "ntp server 192.0.2.78", 1)
    assert lines(after) == lines(before)
    assert device.has_pending_commit() is False


def test_rollback_while_pending_reverts_at_once(driver):
    device = driver("r2")
    device.load_merge_candidate(config="logging host 192.0.2.73\n")
    device.commit_config(revert_in=7200)
    assert "logging host 192.0.2.73" in running(device)

    device.rollback()

    assert "logging host 192.0.2.73" not in running(device)
    assert device.has_pending_commit() is False


def test_a_second_commit_is_refused_while_one_is_pending(driver):
    from napalm.base.exceptions import CommandErrorException

    device = driver("r1")
    device.load_merge_candidate(config="ntp server 192.0.2.74\n")
    device.commit_config(revert_in=3600)
    device.load_merge_candidate(config="ntp server 192.0.2.75\n")

    with pytest.raises(CommandErrorException, match="already in progress"):
        device.commit_config()
    device.rollback()
    assert "ntp server 192.0.2.74" not in running(device)


def test_revert_timer_rearms_and_confirm_without_change_says_so(driver, netmiko_for):
    cli = netmiko_for("r2")
    assert "No Rollback Confirmed Change pending" in cli.send_command("configure confirm")
    assert "No Rollback Confirmed Change pending" in cli.send_command("configure revert now")
    cli.config_mode(config_command="configure terminal revert timer 1")
    cli.send_command("ntp server 192.0.2.76", expect_string=r"\(config\)#")
    cli.exit_config_mode()

    cli.send_command("configure revert timer 120")
    shown = cli.send_command("show archive config rollback timer")
    # Longer than the first timer's one minute: the re-armed timer has not expired.
    time.sleep(MINUTE * 1.5)

    assert "Timer value: 120 min" in shown
    assert "ntp server 192.0.2.76" in cli.send_command("show running-config")
    assert "Invalid input" in cli.send_command("configure revert timer 121")
    cli.send_command("configure confirm")
    assert "No Rollback Confirmed" in cli.send_command("show archive config rollback timer")


def test_without_archive_revert_in_is_refused_and_nothing_changes(driver, netmiko_for):
    device = driver("plain")
    before = running(device)
    device.load_merge_candidate(config="ntp server 192.0.2.77\n")

    with pytest.raises(CommitConfirmException, match="archive"):
        device.commit_config(revert_in=60)

    assert "ntp server 192.0.2.77" not in running(device)
    assert device.has_pending_commit() is False
    cli = netmiko_for("plain")
    for command in (
        "configure terminal revert timer 5",
        "configure replace flash:/rollback_config.txt force revert trigger error timer 5",
    ):
        assert "Please turn config archive on" in cli.send_command(command)
    assert cli.check_config_mode() is False
    assert running(device) == before


@pytest.fixture
def netmiko_for(lab):
    """Open netmiko cisco_ios sessions on lab devices; each is closed at the end."""
    from netmiko import ConnectHandler

    opened = []

    def connect(name: str):
        connection = ConnectHandler(**lab.netmiko_args(name), conn_timeout=10)
        opened.append(connection)
        return connection

    yield connect
    for connection in opened:
        connection.disconnect()


def test_the_minute_length_can_change_while_the_lab_runs(lab, netmiko_for):
    lab.set_revert_minute_seconds(0.2, device="r1")
    try:
        cli = netmiko_for("r1")
        cli.config_mode(config_command="configure terminal revert timer 1")
        cli.exit_config_mode()
        deadline = time.monotonic() + 20
        while "No Rollback" not in cli.send_command("show archive config rollback timer"):
            assert time.monotonic() < deadline, "a 0.2 s minute never ended"
            time.sleep(0.1)
    finally:
        lab.set_revert_minute_seconds(MINUTE, device="r1")
