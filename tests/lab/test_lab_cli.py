"""The command line, run as a user would: a detached lab driven through its subcommands."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from lab import LabClient
from lab.images import read_image

pytestmark = pytest.mark.lab


def _lab(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lab", *args], capture_output=True, text=True, timeout=120
    )


def test_detached_lab_through_every_subcommand(tmp_path):
    state = str(tmp_path / "state")
    started = _lab("up", "isp-small", "--state", state, "--base-port", "0", "--detach")
    try:
        assert started.returncode == 0, started.stderr
        again = _lab("up", "isp-small", "--state", state, "--base-port", "0")
        status = _lab("status", "--state", state)
        fault = _lab("fault", "core1", "latency", "0.05", "--state", state)
        client_faults = next(row for row in LabClient(state).status() if row["name"] == "core1")
        off = _lab("fault", "core1", "latency", "--off", "--state", state)
        unknown = _lab("fault", "nowhere", "refuse", "--state", state)
        inventory = yaml.safe_load(_lab("inventory", "--state", state).stdout)
    finally:
        down = _lab("down", "--state", state)

    assert again.returncode == 1 and "already runs" in again.stderr
    assert "core1" in status.stdout and "acc5" in status.stdout
    assert fault.returncode == 0 and client_faults["faults"] == {"latency": 0.05}
    assert off.returncode == 0
    assert unknown.returncode == 1 and unknown.stderr.count("\n") == 1
    assert "Traceback" not in unknown.stderr
    core1 = inventory["devices"][0]
    assert core1["name"] == "core1" and core1["platform"] == "ios"
    assert core1["ip_address"] == "10.255.0.1" and core1["port"] > 0
    assert core1["variables"] == {
        "role": "core",
        "domain": "isp.example.net",
        "fqdn": "core1.isp.example.net",
    }
    assert core1["driver_options"] == {"dest_file_system": "flash:"}
    assert down.returncode == 0
    assert _lab("status", "--state", state).returncode == 1


def test_image_and_generate_write_files(tmp_path):
    image = tmp_path / "fw.bin"
    topology = tmp_path / "scale.yaml"

    made = _lab("image", "17.15.01", "--size", "64K", "--out", str(image))
    generated = _lab("generate", "40", "--out", str(topology))
    bad = _lab("image", "17.15.01", "--size", "12")

    assert made.returncode == 0 and image.stat().st_size == 65536
    assert read_image(image).version == "17.15.01" and read_image(image).valid
    assert generated.returncode == 0 and len(yaml.safe_load(topology.read_text())["devices"]) == 40
    assert bad.returncode == 1 and "too small" in bad.stderr
