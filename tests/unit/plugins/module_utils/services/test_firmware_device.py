"""Parsing what an IOS device answers, and comparing snapshots."""

from __future__ import annotations

import pytest

from ansible_collections.isp.network.plugins.module_utils.errors import DeviceError
from ansible_collections.isp.network.plugins.module_utils.services import firmware_device as ops
from ansible_collections.isp.network.plugins.module_utils.services.firmware_snapshot import (
    compare_snapshots,
)
from ansible_collections.isp.network.plugins.module_utils.services.firmware_view import (
    summary_table,
)


class Replies:
    """A stand-in netmiko session answering commands from a table."""

    def __init__(self, answers):
        self.answers = answers

    def send_command(self, command, **_):
        return self.answers[command]


@pytest.mark.parametrize(
    ("output", "version", "image"),
    [
        (
            'Cisco IOS XE Software, Version 17.09.04a\nSystem image file is "flash:isr.bin"',
            "17.09.04a",
            "isr.bin",
        ),
        (
            "Cisco IOS Software, C2900 Software (C2900-UNIVERSALK9-M), Version 15.4(3)M2, "
            'RELEASE\nSystem image file is "flash0:/c2900.SPA.bin"',
            "15.4(3)M2",
            "c2900.SPA.bin",
        ),
        ("Cisco IOS XE Software, Version 17.12.01", "17.12.01", None),
    ],
)
def test_running_reads_version_and_image(output, version, image):
    found = ops.running(Replies({"show version": output}), "device 'r1'")
    assert (found.version, found.image) == (version, image)


def test_running_without_a_version_is_a_device_error():
    with pytest.raises(DeviceError, match="without a version"):
        ops.running(Replies({"show version": "% Invalid input"}), "device 'r1'")


def test_flash_free_md5_and_boot():
    connection = Replies(
        {
            "dir flash:": "Directory of flash:/\n\n8000000000 bytes total (7999 bytes free)",
            "dir sdcard:": "nothing",
            "verify /md5 flash:/a.bin": "....MD5 of flash:a.bin Done!\n"
            "verify /md5 (flash:/a.bin) = 0123456789ABCDEF0123456789abcdef",
            "verify /md5 flash:/b.bin": "%Error opening flash:/b.bin (No such file or directory)",
            "show boot": "BOOT variable = flash:a.bin,12;flash:b.bin,12;\nCONFIG_FILE variable = ",
        }
    )
    assert ops.flash_free(connection, "r1") == 7999
    assert ops.remote_md5(connection, "a.bin") == "0123456789abcdef0123456789abcdef"
    assert ops.remote_md5(connection, "b.bin") is None
    assert ops.boot_images(connection) == ["a.bin", "b.bin"]


def test_compare_snapshots_names_what_did_not_come_back():
    before = {"interfaces_up": ["Gi1", "Gi2"], "lldp": ["Gi1|core1|Gi0/1", "Gi2|core2|Gi0/1"]}
    after = {"interfaces_up": ["Gi1"], "lldp": ["Gi1|core1|Gi0/1"]}

    assert compare_snapshots(before, before) == []
    assert compare_snapshots(before, after) == [
        "interfaces no longer up: Gi2",
        "LLDP neighbours lost: Gi2 -> core2 Gi0/1",
    ]


def test_summary_table_aligns_columns():
    lines = summary_table(
        [
            {
                "id": 7,
                "device": "edge1",
                "previous_version": "17.09.04a",
                "target_version": "17.12.01",
                "state": "completed",
                "current_step": None,
                "attempts": 1,
                "error": None,
            }
        ]
    )
    assert lines[0].split() == ["id", "device", "from", "to", "state", "step", "attempts", "error"]
    assert lines[2].split() == ["7", "edge1", "17.09.04a", "17.12.01", "completed", "-", "1", "-"]
