"""Files, images, reloads and state that survives a restart of the lab."""

from __future__ import annotations

import pytest
from netmiko import file_transfer

from lab import LabError, start_lab
from lab.images import image_name, read_image, write_image
from lab.topology import build

pytestmark = pytest.mark.lab


def _upgrade(connection, image: str) -> None:
    connection.send_config_set(["no boot system", f"boot system flash:{image}"])
    connection.save_config()


def test_image_format_detects_corruption(tmp_path):
    path = write_image(tmp_path / image_name("17.12.01"), "17.12.01", 4096)
    good = read_image(path)
    data = bytearray(path.read_bytes())
    data[3000] ^= 0xFF
    path.write_bytes(bytes(data))

    assert path.stat().st_size == 4096
    assert good.version == "17.12.01" and good.valid
    assert not read_image(path).valid


def test_file_transfer_then_transfer_again_is_verified(lab, netmiko_device, tmp_path):
    image = image_name("17.12.02")
    source = write_image(tmp_path / image, "17.12.02", 300_000)
    connection = netmiko_device("acc2")

    first = file_transfer(connection, source_file=str(source), dest_file=image)
    again = file_transfer(connection, source_file=str(source), dest_file=image)

    assert first == {"file_exists": True, "file_transferred": True, "file_verified": True}
    assert again["file_transferred"] is False and again["file_verified"] is True
    assert image in connection.send_command("dir flash:")


def test_reload_boots_the_new_image(
    lab, netmiko_device, tmp_path, reload_through_cli, wait_for_state
):
    image = image_name("17.12.03")
    source = write_image(tmp_path / image, "17.12.03", 200_000)
    connection = netmiko_device("acc5")
    file_transfer(connection, source_file=str(source), dest_file=image, file_system="flash:")
    _upgrade(connection, image)
    assert f"flash:{image}" in connection.send_command("show boot")

    reload_through_cli(connection)
    wait_for_state(lab, "acc5", "up")
    version = netmiko_device("acc5").send_command("show version")

    assert "Cisco IOS Software, IOS-XE Software (CAT9K-UNIVERSALK9-M), Version 17.12.03," in version
    assert f'System image file is "flash:{image}"' in version


def test_reload_with_a_missing_image_keeps_the_previous_one(
    lab, netmiko_device, reload_through_cli, wait_for_state
):
    connection = netmiko_device("acc1")
    before = connection.send_command("show version | include System image")
    _upgrade(connection, "isr4400-universalk9.99.99.99.SPA.bin")

    reload_through_cli(connection)
    wait_for_state(lab, "acc1", "up")
    after = netmiko_device("acc1").send_command("show version | include System image")

    assert after == before


def test_reload_asks_to_save_a_modified_config(lab, netmiko_device):
    connection = netmiko_device("agg1b")
    connection.send_config_set(["ntp server 192.0.2.55"])

    output = connection.send_command("reload", expect_string=r"\[yes/no\]: ", read_timeout=5)
    cancelled = connection.send_command("no", expect_string=r"\[confirm\]", read_timeout=5)
    connection.write_channel("n")

    assert connection.find_prompt() == "agg1b#"

    assert "System configuration has been modified. Save? [yes/no]:" in output
    assert "Proceed with reload? [confirm]" in cancelled
    connection.send_config_set(["no ntp server 192.0.2.55"])


def test_state_persists_across_a_restart(tmp_path):
    topology = {
        "devices": {"r1": {"credentials": {"username": "u", "password": "p"}}},
        "defaults": {"reload_seconds": 0.1},
    }
    from netmiko import ConnectHandler

    first = start_lab(build(topology), tmp_path)
    args = first.netmiko_args("r1")
    with ConnectHandler(**args) as connection:
        connection.send_config_set(["hostname persisted", "ntp server 192.0.2.1"])
    first.stop()

    second = start_lab(build(topology), tmp_path)
    with ConnectHandler(**second.netmiko_args("r1")) as connection:
        running = connection.send_command("show running-config")
        startup = connection.send_command("show startup-config")
    second.stop()

    with pytest.raises(LabError, match="holds topology 'lab', not 'isp-small'"):
        start_lab("isp-small", tmp_path)
    assert "hostname persisted" in running and "ntp server 192.0.2.1" in running
    assert "hostname persisted" not in startup
    assert (tmp_path / "devices" / "r1" / "running-config").read_text().count("persisted") == 1
