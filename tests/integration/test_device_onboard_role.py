"""The device_onboard role against a small lab: a failed device does not stop the others."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml
from cryptography.fernet import Fernet

from lab import start_lab
from tests.leak_check import device_secrets, run_ansible

pytestmark = [pytest.mark.lab, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
TOPOLOGY = ROOT / "molecule" / "resources" / "tiny-lab.yaml"

PLAYBOOK = """
- name: Onboard the lab
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Declare the pools
      ansible.builtin.include_role:
        name: isp.network.ip_pools
      vars:
        ip_pools_pools:
          - {name: mgmt, network: 10.255.0.0/24, pool_type: management}
          - {name: loopbacks, network: 10.0.0.0/24, pool_type: loopback}

    - name: Onboard
      ansible.builtin.include_role:
        name: isp.network.device_onboard
      vars:
        device_onboard_devices: >-
          {{ (lookup('ansible.builtin.file', devices_file) | from_yaml).devices }}
        device_onboard_template_src: "{{ root }}/templates/ios/base.j2"
        device_onboard_variables: {domain: lab.example.net}
        device_onboard_probe_timeout: 5

    - name: Keep the outcome
      ansible.builtin.copy:
        content: "{{ device_onboard_outcome | to_json }}"
        dest: "{{ outcome_file }}"
        mode: "0600"
"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """The molecule scenarios' three-device lab."""
    running = start_lab(TOPOLOGY, tmp_path_factory.mktemp("onboard-lab"), reload_seconds=0.3)
    yield running
    running.stop()


def onboard(lab, tmp_path: Path, **extra) -> tuple[subprocess.CompletedProcess, dict]:
    """Run the role on a fresh store at -vvvv; return the run and the outcome by device.

    Fails when a device password or the store key shows in the run's output or log.
    """
    (tmp_path / "devices.yml").write_text(yaml.safe_dump({"devices": lab.inventory()}))
    (tmp_path / "play.yml").write_text(PLAYBOOK)
    variables = {
        "devices_file": str(tmp_path / "devices.yml"),
        "outcome_file": str(tmp_path / "outcome.json"),
        "root": str(ROOT),
        **extra,
    }
    env = {
        **os.environ,
        "ISP_NETWORK_STORE_URL": f"sqlite:///{tmp_path / 'store.db'}",
        "ISP_NETWORK_SECRET_KEY": Fernet.generate_key().decode(),
    }
    run = run_ansible(
        ["ansible-playbook", tmp_path / "play.yml", "-e", json.dumps(variables)],
        tmp_path,
        device_secrets(lab.inventory()),
        env,
    )
    outcome_file = tmp_path / "outcome.json"
    outcome = json.loads(outcome_file.read_text()) if outcome_file.exists() else {}
    return run, outcome


def test_a_refused_login_fails_one_device_and_the_others_are_onboarded(lab, tmp_path):
    lab.set_fault("acc1", "reject_password")
    try:
        run, outcome = onboard(lab, tmp_path, device_onboard_max_fail_percentage=50)
    finally:
        lab.clear_faults()

    assert run.returncode == 0, run.stdout + run.stderr
    assert outcome["core1"] == "onboarded" and outcome["agg1"] == "onboarded"
    assert outcome["acc1"].startswith("apply: ")
    assert "acc1 failed at apply" in run.stdout
    # The base configurations go through the config_deploy role, as every deployment does.
    assert "configuration deployed to 3 devices; 1 failed" in run.stdout


def test_above_the_failure_budget_the_role_fails_naming_the_device(lab, tmp_path):
    lab.set_fault("acc1", "refuse")
    try:
        run, _ = onboard(lab, tmp_path)
    finally:
        lab.clear_faults()

    assert run.returncode != 0
    assert "1 of 3 devices failed" in run.stdout
    assert "more than the allowed 0 %): acc1;" in run.stdout


def test_a_rendering_that_fails_fails_every_device_at_rendering(lab, tmp_path):
    # Without the template's required `domain`, no device renders and none is applied.
    run, _ = onboard(lab, tmp_path, device_onboard_variables={})

    assert run.returncode != 0
    assert "3 of 3 devices failed" in run.stdout
    assert "core1 failed at rendering: " in run.stdout and "domain" in run.stdout
    assert "Render, store and apply them with isp.network.config_deploy" in run.stdout
