"""Each fault, switched at run time through the Python API, seen through the real clients."""

from __future__ import annotations

import pytest
from napalm.base.exceptions import MergeConfigException
from netmiko import ConnectHandler, file_transfer
from netmiko.exceptions import (
    NetmikoAuthenticationException,
    NetmikoTimeoutException,
    ReadTimeout,
)

from lab import LabError
from lab.images import image_name, write_image

pytestmark = pytest.mark.lab

# What a client sees when its session drops under it.
DROPPED = (OSError, EOFError, ReadTimeout)


def test_refuse_closes_the_port_until_switched_off(lab):
    lab.set_fault("core2", "refuse")
    with pytest.raises(NetmikoTimeoutException):
        ConnectHandler(**lab.netmiko_args("core2"), conn_timeout=3)
    lab.set_fault("core2", "refuse", on=False)

    with ConnectHandler(**lab.netmiko_args("core2"), conn_timeout=5) as connection:
        assert connection.find_prompt() in ("core2>", "core2#")


def test_reject_password(lab):
    lab.set_fault("core2", "reject_password")

    with pytest.raises(NetmikoAuthenticationException):
        ConnectHandler(**lab.netmiko_args("core2"), conn_timeout=5)


def _send_and_lose(connection, command: str) -> None:
    with pytest.raises(DROPPED):
        connection.send_command(command, read_timeout=1, cmd_verify=False)


def test_drop_during_configure_replace_leaves_a_half_applied_config(
    lab, napalm_device, netmiko_device
):
    device = napalm_device("acc3")
    original = device.get_config(retrieve="running")["running"]
    device.load_replace_candidate(config=original.replace("hostname acc3", "hostname acc3-x"))
    connection = netmiko_device("acc3")
    lab.set_fault("acc3", "drop_on", value="configure replace")

    _send_and_lose(connection, "configure replace flash:/candidate_config.txt force")
    lab.set_fault("acc3", "drop_on", on=False)
    running = napalm_device("acc3").get_config(retrieve="running")["running"]
    device = napalm_device("acc3")
    device.load_replace_candidate(config=original)
    device.commit_config()

    assert "hostname acc3-x" in running
    assert device.get_facts()["hostname"] == "acc3"


def test_drop_during_copy_to_running_config(lab, napalm_device, netmiko_device):
    device = napalm_device("agg2b")
    device.load_merge_candidate(config="ntp server 192.0.2.70\nntp server 192.0.2.71\n")
    connection = netmiko_device("agg2b")
    lab.set_fault("agg2b", "drop_on", value="copy flash:/merge_config.txt")

    question = connection.send_command(
        "copy flash:/merge_config.txt running-config", expect_string=r"\?", read_timeout=5
    )
    assert "Destination filename [running-config]?" in question
    _send_and_lose(connection, "")
    lab.set_fault("agg2b", "drop_on", on=False)
    running = napalm_device("agg2b").get_config(retrieve="running")["running"]

    assert "ntp server 192.0.2.70" in running
    assert "ntp server 192.0.2.71" not in running
    napalm_device("agg2b").load_replace_candidate(
        config=running.replace("ntp server 192.0.2.70", "")
    )


def test_drop_once_drops_only_the_first_matching_command(lab, netmiko_device):
    lab.set_fault("core2", "drop_once", value="show clock")

    _send_and_lose(netmiko_device("core2"), "show clock")
    answer = netmiko_device("core2").send_command("show clock", read_timeout=5)

    assert answer.strip() and "%" not in answer
    [row] = [row for row in lab.status() if row["name"] == "core2"]
    assert "drop_once" not in row["faults"]


def test_latency_slows_answers_but_keeps_them_right(lab, napalm_device):
    lab.set_fault("core1", "latency", value=0.2)

    assert napalm_device("core1").get_facts()["hostname"] == "core1"


def test_reject_line_makes_the_merge_fail(lab, napalm_device):
    lab.set_fault("bng1", "reject_line", value="ntp server")
    device = napalm_device("bng1")

    device.load_merge_candidate(config="ntp server 192.0.2.80\n")
    with pytest.raises(MergeConfigException):
        device.commit_config()

    assert "192.0.2.80" not in device.get_config(retrieve="running")["running"]


def test_flash_full_refuses_the_candidate(lab, napalm_device):
    lab.set_fault("edge1", "flash_full")
    device = napalm_device("edge1")

    with pytest.raises(MergeConfigException, match="Insufficient space"):
        device.load_merge_candidate(config="ntp server 192.0.2.90\n")


def test_corrupt_transfer_fails_the_md5_check(lab, netmiko_device, tmp_path):
    image = image_name("17.12.04")
    source = write_image(tmp_path / image, "17.12.04", 100_000)
    lab.set_fault("agg1a", "corrupt_transfer")
    connection = netmiko_device("agg1a")

    with pytest.raises(ValueError, match="MD5 failure"):
        file_transfer(connection, source_file=str(source), dest_file=image)


def test_no_return_keeps_the_device_down_until_switched_off(
    lab, netmiko_device, reload_through_cli, wait_for_state
):
    lab.set_fault("acc4", "no_return")
    reload_through_cli(netmiko_device("acc4"))
    wait_for_state(lab, "acc4", "dead")
    with pytest.raises(NetmikoTimeoutException):
        ConnectHandler(**lab.netmiko_args("acc4"), conn_timeout=2)

    lab.set_fault("acc4", "no_return", on=False)
    wait_for_state(lab, "acc4", "up")
    assert netmiko_device("acc4").find_prompt() == "acc4#"


def test_wrong_version_boots_the_old_image(
    lab, netmiko_device, tmp_path, reload_through_cli, wait_for_state
):
    image = image_name("17.12.05", "cat9k")
    source = write_image(tmp_path / image, "17.12.05", 100_000)
    connection = netmiko_device("acc2")
    before = connection.send_command("show version | include Cisco IOS Software")
    file_transfer(connection, source_file=str(source), dest_file=image)
    connection.send_config_set(["no boot system", f"boot system flash:{image}"])
    connection.save_config()
    lab.set_fault("acc2", "wrong_version")

    reload_through_cli(connection)
    wait_for_state(lab, "acc2", "up")
    after = netmiko_device("acc2").send_command("show version | include Cisco IOS Software")

    assert after == before
    assert "17.12.05" not in after


def test_unknown_fault_is_refused_in_one_sentence(lab):
    with pytest.raises(LabError, match="unknown fault 'melt'"):
        lab.set_fault("core1", "melt")
    with pytest.raises(LabError, match="needs a value"):
        lab.set_fault("core1", "latency")
    with pytest.raises(LabError, match="not in this lab"):
        lab.set_fault("nowhere", "refuse")
