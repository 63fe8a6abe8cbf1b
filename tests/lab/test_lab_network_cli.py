"""A user's own cisco.ios tasks over ansible.netcommon.network_cli, against the lab."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = [
    pytest.mark.lab,
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("ansible_collections.cisco.ios") is None,
        reason="cisco.ios and ansible.netcommon are not installed",
    ),
]

RESULT = (
    "RESULT {{ {'first': first.changed, 'again': again.changed, "
    "'version': ansible_facts.net_version, 'hostname': ansible_facts.net_hostname} | to_json }}"
)
PLAY = [
    {
        "hosts": "agg1b",
        "gather_facts": False,
        "tasks": [
            {"cisco.ios.ios_config": {"lines": ["ntp server 192.0.2.123"]}, "register": "first"},
            {"cisco.ios.ios_config": {"lines": ["ntp server 192.0.2.123"]}, "register": "again"},
            {"cisco.ios.ios_config": {"lines": ["no ntp server 192.0.2.123"]}},
            {"cisco.ios.ios_facts": {"gather_subset": ["min"]}},
            {"ansible.builtin.debug": {"msg": RESULT}},
        ],
    }
]


def test_cisco_ios_tasks_run_and_are_idempotent(lab, tmp_path):
    entry = lab.device("agg1b")
    inventory = {
        "all": {
            "hosts": {
                "agg1b": {
                    "ansible_host": entry["hostname"],
                    "ansible_port": entry["port"],
                    "ansible_user": entry["username"],
                    "ansible_password": entry["password"],
                    "ansible_connection": "ansible.netcommon.network_cli",
                    "ansible_network_os": "cisco.ios.ios",
                    "ansible_become": True,
                    "ansible_become_method": "enable",
                    "ansible_become_password": entry["enable_secret"],
                }
            }
        }
    }
    (tmp_path / "inventory.yml").write_text(yaml.safe_dump(inventory))
    (tmp_path / "play.yml").write_text(yaml.safe_dump(PLAY))
    (tmp_path / "ansible.cfg").write_text("[defaults]\nhost_key_checking = False\n")
    env = os.environ | {"ANSIBLE_CONFIG": str(tmp_path / "ansible.cfg")}

    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("ansible-playbook")),
            "-i",
            str(tmp_path / "inventory.yml"),
            str(tmp_path / "play.yml"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
    )

    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    line = next(text for text in run.stdout.splitlines() if '"msg": "RESULT ' in text)
    result = json.loads(json.loads(line.split(":", 1)[1])[len("RESULT ") :])
    assert result == {"first": True, "again": False, "version": "17.09.04a", "hostname": "agg1b"}
