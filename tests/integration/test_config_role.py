"""The config_deploy role, run by ansible-playbook against the lab: through the demo playbook
the first run pushes the base configuration and the second changes nothing; in check mode it
previews the new renderings and changes nothing; without its required variables it refuses."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from sqlmodel import select

from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
    ConfigurationService,
)
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from ansible_collections.isp.network.plugins.module_utils.store.models import DeviceConfiguration
from lab import start_lab
from tests.leak_check import device_secrets, run_ansible

pytestmark = [pytest.mark.lab, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def lab(tmp_path):
    """An isp-small lab of its own: the role changes its devices."""
    running = start_lab("isp-small", tmp_path / "lab", reload_seconds=0.3)
    yield running
    running.stop()


def run_demo(lab, tmp_path: Path, key: str) -> subprocess.CompletedProcess[str]:
    """Run playbooks/config_demo.yml at -vvvv against the temporary store.

    Fails when a device password or the key shows in the run's output or log.
    """
    env = {
        **os.environ,
        "ISP_NETWORK_STORE_URL": f"sqlite:///{tmp_path / 'store.db'}",
        "ISP_NETWORK_SECRET_KEY": key,
    }
    return run_ansible(
        ["ansible-playbook", ROOT / "playbooks" / "config_demo.yml"],
        tmp_path,
        device_secrets(lab.inventory()),
        env,
        timeout=300,
    )


def recap(output: str) -> dict[str, int]:
    """Return the localhost counters of the play recap."""
    match = re.search(r"localhost\s*:\s*(.*)", output.split("PLAY RECAP")[-1])
    assert match, output
    return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", match.group(1))}


def test_the_demo_deploys_then_changes_nothing(lab, tmp_path, secret_key):
    with session_scope(f"sqlite:///{tmp_path / 'store.db'}") as session:
        DeviceService.ensure_devices(session, lab.inventory(), SecretBox(secret_key))

    first = run_demo(lab, tmp_path, secret_key)
    second = run_demo(lab, tmp_path, secret_key)

    assert first.returncode == 0, first.stdout + first.stderr
    assert recap(first.stdout)["changed"] >= 2
    running = (Path(lab.state_dir) / "devices" / "core1" / "running-config").read_text()
    assert "ntp server 192.0.2.124" in running and "logging host 192.0.2.50" in running
    assert second.returncode == 0, second.stdout + second.stderr
    assert recap(second.stdout)["changed"] == 0
    assert "lab-admin" not in first.stdout + second.stdout


CHECK_PLAYBOOK = """
- name: Preview a deployment
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Render, back up, preview
      ansible.builtin.include_role:
        name: isp.network.config_deploy
      vars:
        config_deploy_template: ios-base
        config_deploy_variables:
          domain: isp.example.net
          ntp_servers: [192.0.2.123, 192.0.2.124]
          syslog_servers: [192.0.2.50]
        config_deploy_devices:
          - {name: core1, variables: {hostname: core1, loopback0: 10.255.0.1,
                                      mgmt_address: 192.0.2.11}}
          - {name: core2, variables: {hostname: core2, loopback0: 10.255.0.2,
                                      mgmt_address: 192.0.2.12}}

    - name: Keep the outcomes
      ansible.builtin.copy:
        content: "{{ {'outcomes': config_deploy_outcomes, 'summary': config_deploy_summary}
                     | to_json }}"
        dest: "{{ outcome_file }}"
        mode: "0600"
      check_mode: false
"""


def running_configs(lab, names) -> dict[str, str]:
    """Return each device's running configuration as the lab keeps it."""
    devices = Path(lab.state_dir) / "devices"
    return {name: (devices / name / "running-config").read_text() for name in names}


def test_check_mode_previews_the_new_renderings_and_changes_nothing(lab, tmp_path, secret_key):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with session_scope(url) as session:
        DeviceService.ensure_devices(session, lab.inventory(), SecretBox(secret_key))
        ConfigurationService.create_template_from_file(
            session, ROOT / "templates" / "ios" / "base.j2", name="ios-base"
        )
    before = running_configs(lab, ["core1", "core2"])
    (tmp_path / "play.yml").write_text(CHECK_PLAYBOOK)
    outcome_file = tmp_path / "outcomes.json"
    env = {**os.environ, "ISP_NETWORK_STORE_URL": url, "ISP_NETWORK_SECRET_KEY": secret_key}

    run = run_ansible(
        [
            "ansible-playbook",
            "--check",
            tmp_path / "play.yml",
            "-e",
            f"outcome_file={outcome_file}",
        ],
        tmp_path,
        device_secrets(lab.inventory()),
        env,
        timeout=300,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    assert "configuration previewed on 2 devices; 0 failed" in run.stdout
    kept = json.loads(outcome_file.read_text())
    outcomes = {entry["device"]: entry for entry in kept["outcomes"]}
    assert sorted(outcomes) == ["core1", "core2"]
    assert kept["summary"]["outcomes"] == {
        "applied": 0,
        "unchanged": 0,
        "would_change": 2,
        "failed": 0,
        "rolled_back": 0,
    }
    assert kept["summary"]["failed"] == []
    for name, entry in outcomes.items():
        assert entry["outcome"] == "would_change", entry
        assert "logging host 192.0.2.50" in entry["diff"], entry["diff"]
        assert "logging host 192.0.2.50" not in before[name]
    assert running_configs(lab, ["core1", "core2"]) == before
    with session_scope(url) as session:
        assert list(session.exec(select(DeviceConfiguration))) == []


def test_the_role_refuses_to_run_without_its_devices(tmp_path, secret_key):
    (tmp_path / "play.yml").write_text(
        "- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n"
        "    - ansible.builtin.include_role: {name: isp.network.config_deploy}\n"
        "      vars: {config_deploy_template: ios-base}\n"
    )
    url = f"sqlite:///{tmp_path / 'store.db'}"
    env = {**os.environ, "ISP_NETWORK_STORE_URL": url, "ISP_NETWORK_SECRET_KEY": secret_key}

    run = run_ansible(["ansible-playbook", tmp_path / "play.yml"], tmp_path, None, env)

    assert run.returncode != 0
    assert "missing required arguments: config_deploy_devices" in run.stdout + run.stderr
    assert "configuration deployed to 0 devices" not in run.stdout
