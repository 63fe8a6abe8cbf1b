"""A real ansible-playbook run registers devices, changes nothing the second time, and
never shows a password, even at -vvvv (every run goes through tests/leak_check.py)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.leak_check import run_ansible

PASSWORD = "Pl4ybook-Secret-9"
ENABLE = "En4ble-Secret-9"

PLAYBOOK = f"""
- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Register devices in bulk
      isp.network.device:
        devices:
          - name: pb-core1
            ip_address: 192.0.2.1
            device_type: router
            platform: ios
            groups: [core]
            username: netops
            password: {PASSWORD}
            enable_secret: {ENABLE}
          - name: pb-sw1
            ip_address: 192.0.2.11
            device_type: switch
            groups: [access]
      register: bulk
    - name: The bulk result names every device, compactly
      ansible.builtin.assert:
        that:
          - bulk.outcomes.values() | map('list') | flatten | sort == ['pb-core1', 'pb-sw1']
          - bulk.summary.values() | sum == 2
          - bulk.devices is not defined
    - name: Register one device
      isp.network.device:
        name: pb-fw1
        ip_address: 192.0.2.21
        device_type: firewall
        password: {PASSWORD}
    - name: Group variables
      isp.network.device_group:
        name: core
        variables:
          ntp: 192.0.2.123
    - name: List them
      isp.network.device_info:
      register: listed
    - name: Three devices are listed
      ansible.builtin.assert:
        that:
          - listed.devices | length == 3
"""

pytestmark = pytest.mark.slow


def run_playbook(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run the playbook at -vvvv on the temporary store; fails when a password leaks."""
    playbook = tmp_path / "devices.yml"
    playbook.write_text(PLAYBOOK)
    env = {
        **os.environ,
        "ISP_NETWORK_STORE_URL": f"sqlite:///{tmp_path / 'store.db'}",
        "ISP_NETWORK_SECRET_KEY": os.environ["ISP_NETWORK_SECRET_KEY"],
    }
    secrets = {"the password": PASSWORD, "the enable secret": ENABLE}
    return run_ansible(["ansible-playbook", playbook, "--diff"], tmp_path, secrets, env)


def recap(output: str) -> dict[str, int]:
    match = re.search(r"localhost\s*:\s*(.*)", output.split("PLAY RECAP")[-1])
    assert match, output
    return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", match.group(1))}


def test_register_twice_and_never_show_a_password(tmp_path, monkeypatch):
    monkeypatch.setenv("ISP_NETWORK_SECRET_KEY", Fernet.generate_key().decode())

    first = run_playbook(tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert recap(first.stdout)["changed"] == 3
    assert recap(first.stdout)["failed"] == 0

    # The invocation shows the arguments given, each password as Ansible's mask.
    second = run_playbook(tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert recap(second.stdout)["changed"] == 0
    assert "pb-core1" in second.stdout
    assert "(2 devices, not returned; see outcomes)" in second.stdout
    assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in second.stdout

    for output in (first.stdout, first.stderr, second.stdout, second.stderr):
        assert PASSWORD not in output
        assert ENABLE not in output
