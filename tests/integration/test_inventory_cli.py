"""The real `ansible-inventory` and `ansible` commands over isp.network.store configurations."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import (
    Device,
    DeviceCredential,
    DeviceGroup,
    DeviceGroupMember,
)

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = "Int3gration-Passw0rd"
KEY = Fernet.generate_key().decode()


@pytest.fixture
def store(sqlite_url) -> str:
    """A store with two devices in group ``core``, both with encrypted credentials."""
    box = SecretBox(KEY)
    with session_scope(sqlite_url) as session:
        group = DeviceGroup(name="core", variables={"snmp_location": "pop 1"})
        session.add(group)
        for name, platform in (("r1", "ios"), ("r2", "junos")):
            device = Device(
                name=name,
                hostname=f"{name}.net.example",
                device_type="router",
                platform=platform,
                site="ams1",
                model="{{ 7 * 6 }}",
            )
            session.add(device)
            session.flush()
            session.add(DeviceGroupMember(group_id=group.id, device_id=device.id))
            session.add(
                DeviceCredential(
                    device_id=device.id, username="netops", password_token=box.encrypt(PASSWORD)
                )
            )
        box.check_store(session)
    return sqlite_url


def config(tmp_path: Path, store_url: str, extra: str = "") -> Path:
    """Write a plugin configuration for ``store_url`` and return its path."""
    path = tmp_path / "network.store.yml"
    path.write_text(f"plugin: isp.network.store\nstore_url: {store_url}\n{extra}")
    return path


def run(*argv: str, key: bool = True) -> subprocess.CompletedProcess:
    """Run an Ansible command from the checkout, with the secret key in the environment."""
    env = {
        **os.environ,
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
        "ANSIBLE_INVENTORY_UNPARSED_FAILED": "1",
        "ANSIBLE_NOCOLOR": "1",
    }
    if key:
        env["ISP_NETWORK_SECRET_KEY"] = KEY
    return subprocess.run(
        [str(BIN / argv[0]), *argv[1:]], env=env, cwd=ROOT, capture_output=True, text=True
    )


def unsafe_text(value):
    """Return the text of a value that `--list` shows as {"__ansible_unsafe": text}."""
    return value["__ansible_unsafe"] if isinstance(value, dict) else value


def test_list_gives_hosts_groups_and_variables(tmp_path, store):
    result = run("ansible-inventory", "-i", str(config(tmp_path, store)), "--list")

    assert result.returncode == 0, result.stderr
    listing = json.loads(result.stdout)
    r1 = listing["_meta"]["hostvars"]["r1"]
    assert unsafe_text(r1["ansible_host"]) == "r1.net.example"
    assert unsafe_text(r1["ansible_network_os"]) == "cisco.ios.ios"
    assert unsafe_text(r1["snmp_location"]) == "pop 1"
    assert sorted(listing["core"]["hosts"]) == ["r1", "r2"]
    assert sorted(listing["platform_junos"]["hosts"]) == ["r2"]
    assert sorted(listing["site_ams1"]["hosts"]) == ["r1", "r2"]


def test_graph_shows_the_groups(tmp_path, store):
    result = run("ansible-inventory", "-i", str(config(tmp_path, store)), "--graph")

    assert result.returncode == 0, result.stderr
    assert "@device_type_router:" in result.stdout
    assert "@core:" in result.stdout
    assert "|--r2" in result.stdout


def test_no_credential_reaches_output_or_logs_unless_asked_for(tmp_path, store):
    result = run("ansible-inventory", "-i", str(config(tmp_path, store)), "--list", "-vvvv")

    assert result.returncode == 0, result.stderr
    assert "isp.network.store: 2 devices from sqlite:///" in result.stdout + result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    assert KEY not in result.stdout + result.stderr
    assert "ansible_password" not in result.stdout


def test_credentials_true_gives_the_login_and_logs_no_secret(tmp_path, store):
    path = config(tmp_path, store, "credentials: true\n")

    result = run("ansible-inventory", "-i", str(path), "--host", "r1", "-vvvv")

    # With -vvvv the log lines come first on stdout, then the host's variables.
    log, _, variables = result.stdout.partition("\n{")
    assert result.returncode == 0, result.stderr
    assert json.loads("{" + variables)["ansible_password"] == PASSWORD
    assert "isp.network.store: 2 devices" in log
    assert PASSWORD not in log + result.stderr
    assert KEY not in result.stdout + result.stderr


def test_store_values_are_not_rendered_in_a_play(tmp_path, store):
    path = config(tmp_path, store)

    result = run(
        "ansible", "r1", "-i", str(path), "-m", "ansible.builtin.debug", "-a", "var=isp_model"
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "{{ 7 * 6 }}" in result.stdout
    assert "42" not in result.stdout


def test_a_missing_key_fails_the_inventory_with_one_sentence(tmp_path, store):
    path = config(tmp_path, store, "credentials: true\n")

    result = run("ansible-inventory", "-i", str(path), "--list", key=False)

    assert result.returncode != 0
    assert "no secret key is set; set ISP_NETWORK_SECRET_KEY" in result.stderr
    assert PASSWORD not in result.stdout + result.stderr
