"""The config_deploy role, run by ansible-playbook through the demo playbook against the lab:
the first run pushes the base configuration, the second changes nothing."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
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
