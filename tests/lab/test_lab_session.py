"""The IOS CLI as netmiko and cisco.ios's network_cli drive it: modes, prompts, filters."""

from __future__ import annotations

import pytest
from netmiko import ConnectHandler, file_transfer
from netmiko.exceptions import ReadTimeout
from paramiko import SSHException
from scp import SCPException

from lab.images import image_name, write_image

pytestmark = pytest.mark.lab


def test_cisco_ios_terminal_and_facts_commands(netmiko_device):
    connection = netmiko_device("core2")

    assert connection.send_command("terminal width 512") == ""
    assert connection.send_command("show privilege") == "Current privilege level is 15"
    assert "Version 17.09.04a" in connection.send_command("show version")


def test_abbreviations_and_pipe_filters(netmiko_device):
    connection = netmiko_device("core2")

    brief = connection.send_command("sh ip int br | include Loopback")
    section = connection.send_command("sh run | section interface Loopback0")
    count = connection.send_command("show running-config | count interface")

    assert brief.split()[:2] == ["Loopback0", "10.255.0.2"]
    assert section == "interface Loopback0\n ip address 10.255.0.2 255.255.255.255"
    assert count == "Number of lines which match regexp = 7"


def test_invalid_input_points_at_the_command(netmiko_device):
    connection = netmiko_device("core2")

    output = connection.send_command("show frobnication")

    assert "% Invalid input detected at '^' marker." in output


def test_sub_mode_prompts_and_hostname_change(netmiko_device):
    connection = netmiko_device("bng1")

    connection.config_mode()
    interface = connection.send_command(
        "interface Gi0/0/3", expect_string=r"\(config-if\)#", cmd_verify=True
    )
    assert connection.find_prompt() == "bng1(config-if)#"
    connection.send_command("hostname bng1-renamed", expect_string=r"bng1-renamed\(config\)#")
    connection.send_command("hostname bng1", expect_string=r"bng1\(config\)#")
    connection.exit_config_mode()

    assert interface == ""
    assert connection.find_prompt() == "bng1#"


def test_user_mode_and_a_wrong_enable_secret(lab):
    args = lab.netmiko_args("core2") | {"secret": "wrong"}
    with ConnectHandler(**args) as connection:
        assert connection.find_prompt() == "core2>"
        with pytest.raises(ValueError, match="enable mode"):
            connection.enable()


def test_delete_asks_unless_file_prompt_is_quiet(netmiko_device):
    connection = netmiko_device("core2")
    connection.send_command("copy running-config flash:/scratch.txt", expect_string=r"\?")
    connection.send_command("", expect_string=r"#")

    asked = connection.send_command("delete flash:/scratch.txt", expect_string=r"\?")
    confirm = connection.send_command("", expect_string=r"\[confirm\]")
    connection.write_channel("y")

    assert "Delete filename [scratch.txt]?" in asked
    assert "Delete flash:/scratch.txt? [confirm]" in confirm
    assert connection.find_prompt() == "core2#"
    assert "scratch.txt" not in connection.send_command("dir flash:")


def test_exec_channel_runs_one_command(lab):
    import paramiko

    args = lab.netmiko_args("core2")
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(
        args["host"],
        port=args["port"],
        username=args["username"],
        password=args["password"],
        look_for_keys=False,
        allow_agent=False,
    )
    _, stdout, _ = client.exec_command("show clock")
    output = stdout.read().decode()
    client.close()

    assert output.startswith("*") and "UTC" in output


def test_drop_on_scp_interrupts_an_upload(lab, netmiko_device, tmp_path):
    image = image_name("17.12.06")
    source = write_image(tmp_path / image, "17.12.06", 400_000)
    connection = netmiko_device("core2")
    lab.set_fault("core2", "drop_on", value="scp")

    with pytest.raises((SCPException, SSHException, OSError, EOFError, ReadTimeout)):
        file_transfer(connection, source_file=str(source), dest_file=image)

    assert image not in netmiko_device("core2").send_command("dir flash:")
