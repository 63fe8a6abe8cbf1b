"""Users' own tasks on the isp.network.store inventory, against the lab.

Teams mix our modules with the ones they already run. The inventory plugin's connection
variables (and, only when its configuration asks, the stored credentials) must drive
``ansible.netcommon.network_cli`` over ansible-pylibssh with ``cisco.ios.ios_command``, and
napalm-ansible's ``napalm_get_facts`` and ``napalm_validate`` (loaded from the package's
modules folder, as its helper script does not run on current Python).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from lab import start_lab
from tests.leak_check import assert_no_leaks, device_secrets, folder_sources, run_ansible

pytestmark = [pytest.mark.lab, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
KEY = Fernet.generate_key().decode()
HOSTS = ["core1", "agg1a"]

NETWORK_CLI = """
- name: Users' tasks over network_cli and libssh
  hosts: all
  gather_facts: false
  connection: ansible.netcommon.network_cli
  vars:
    ansible_network_cli_ssh_type: libssh
    ansible_become: true
    ansible_become_method: enable
  tasks:
    - name: Read the version and the LLDP neighbours
      cisco.ios.ios_command:
        commands: [show version, show lldp neighbors]
      register: shown

    - name: Keep what the device said
      ansible.builtin.copy:
        content: "{{ shown.stdout | to_json }}"
        dest: "{{ out }}/{{ inventory_hostname }}.json"
        mode: "0600"
      delegate_to: localhost
"""

NAPALM = """
- name: Users' tasks through napalm-ansible
  hosts: all
  gather_facts: false
  connection: local
  vars:
    napalm_connection:
      hostname: "{{ ansible_host }}"
      username: "{{ ansible_user }}"
      password: "{{ ansible_password }}"
      dev_os: "{{ isp_platform }}"
      optional_args: {port: "{{ ansible_port }}", secret: "{{ ansible_become_password }}"}
  tasks:
    - name: Read the facts
      napalm_get_facts:
        provider: "{{ napalm_connection }}"
        filter: [facts]
      register: facts

    - name: Validate the hostname and the vendor
      napalm_validate:
        provider: "{{ napalm_connection }}"
        validation_file: "{{ out }}/validate-{{ inventory_hostname }}.yml"
      register: validated
      # A device that does not comply fails the task; its report is still returned.
      ignore_errors: true

    - name: Keep the results
      ansible.builtin.copy:
        content: "{{ {'facts': facts.ansible_facts, 'report': validated.compliance_report}
                     | to_json }}"
        dest: "{{ out }}/{{ inventory_hostname }}.json"
        mode: "0600"
"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """An isp-small lab of this module's own."""
    running = start_lab("isp-small", tmp_path_factory.mktemp("users-lab"), reload_seconds=0.3)
    yield running
    running.stop()


@pytest.fixture
def store(lab, tmp_path) -> str:
    """A store holding the lab's devices with their encrypted credentials."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with session_scope(url) as session:
        DeviceService.ensure_devices(session, lab.inventory(), SecretBox(KEY))
    return url


def inventory(tmp_path: Path, store_url: str, credentials: bool) -> Path:
    """Write an isp.network.store configuration of the two hosts and return its path."""
    path = tmp_path / f"lab-{credentials}.store.yml"
    path.write_text(
        "plugin: isp.network.store\n"
        f"store_url: {store_url}\n"
        f"credentials: {str(credentials).lower()}\n"
        f"filters: {{name: {json.dumps(HOSTS)}}}\n"
    )
    return path


def environment(tmp_path: Path, **env: str) -> dict[str, str]:
    """Return the environment of an Ansible command: the checkout's settings and the key."""
    return {
        **os.environ,
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
        "ISP_NETWORK_SECRET_KEY": KEY,
        "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
        "ANSIBLE_PERSISTENT_CONTROL_PATH_DIR": str(tmp_path / "pc"),
        **env,
    }


def run(command: list, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """Run an Ansible command from the checkout with the key in the environment."""
    return subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        cwd=ROOT,
        env=environment(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=300,
    )


def playbook(
    lab, tmp_path: Path, text: str, config: Path, **env: str
) -> subprocess.CompletedProcess:
    """Run a playbook at -vvvv on the store inventory, with `out` a folder for its results.

    Fails when a device password or the key shows in its output, its log, or its results.
    """
    path = tmp_path / "users.yml"
    path.write_text(text)
    (tmp_path / "out").mkdir(exist_ok=True)
    secrets = device_secrets(lab.inventory())
    result = run_ansible(
        ["ansible-playbook", "-i", config, path, "-e", f"out={tmp_path / 'out'}"],
        tmp_path,
        secrets,
        environment(tmp_path, **env),
        timeout=300,
    )
    assert_no_leaks(folder_sources(tmp_path / "out"), secrets)
    return result


def unwrap(value):
    """Return a host variable as ansible-inventory prints it, without its unsafe marker."""
    if isinstance(value, dict) and set(value) == {"__ansible_unsafe"}:
        return value["__ansible_unsafe"]
    return value


def test_credentials_reach_the_inventory_only_when_asked(store, tmp_path):
    without = run(
        ["ansible-inventory", "-i", str(inventory(tmp_path, store, False)), "--list"], tmp_path
    )
    with_them = run(
        ["ansible-inventory", "-i", str(inventory(tmp_path, store, True)), "--list"], tmp_path
    )

    assert without.returncode == 0, without.stderr
    assert with_them.returncode == 0, with_them.stderr
    plain = json.loads(without.stdout)["_meta"]["hostvars"]["core1"]
    secret = json.loads(with_them.stdout)["_meta"]["hostvars"]["core1"]
    assert "ansible_password" not in plain and "ansible_become_password" not in plain
    assert unwrap(secret["ansible_user"]) == "admin"
    assert unwrap(secret["ansible_password"]) == "lab-admin"
    assert unwrap(secret["ansible_become_password"]) == "lab-enable"
    assert unwrap(secret["ansible_network_os"]) == unwrap(plain["ansible_network_os"])


def test_ios_command_over_network_cli_and_libssh(lab, store, tmp_path):
    result = playbook(lab, tmp_path, NETWORK_CLI, inventory(tmp_path, store, True))

    assert result.returncode == 0, result.stdout + result.stderr
    for host in HOSTS:
        version, neighbours = json.loads((tmp_path / "out" / f"{host}.json").read_text())
        booted = next(row for row in lab.status() if row["name"] == host)["version"]
        assert f"Version {booted}" in version
        assert "Device ID" in neighbours


def test_napalm_get_facts_and_validate(lab, store, tmp_path):
    import napalm_ansible

    modules = Path(napalm_ansible.__file__).parent / "modules"
    (tmp_path / "out").mkdir()
    for host, expected in (("core1", "core1"), ("agg1a", "agg9z")):
        (tmp_path / "out" / f"validate-{host}.yml").write_text(
            f"- get_facts:\n    vendor: Cisco\n    hostname: {expected}\n"
        )

    result = playbook(
        lab,
        tmp_path,
        NAPALM,
        inventory(tmp_path, store, True),
        ANSIBLE_LIBRARY=str(modules),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    core = json.loads((tmp_path / "out" / "core1.json").read_text())
    agg = json.loads((tmp_path / "out" / "agg1a.json").read_text())
    assert core["facts"]["napalm_hostname"] == "core1"
    assert core["facts"]["napalm_serial_number"] == lab.device("core1")["serial"]
    assert core["report"]["complies"] is True
    assert agg["report"]["complies"] is False
    assert agg["report"]["get_facts"]["present"]["hostname"]["actual_value"] == "agg1a"
    assert agg["report"]["get_facts"]["present"]["vendor"]["complies"] is True
