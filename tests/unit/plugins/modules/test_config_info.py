"""isp.network.config_info, run in-process as Ansible runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlmodel import select

from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
    ConfigurationService,
)
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from ansible_collections.isp.network.plugins.module_utils.store.models import Device
from ansible_collections.isp.network.plugins.modules import config_info
from tests.module_runner import run_module


@pytest.fixture
def store(store_url, monkeypatch) -> str:
    monkeypatch.setenv("ISP_NETWORK_STORE_URL", store_url)
    with session_scope(store_url) as session:
        device = Device(name="r1", hostname="r1")
        session.add(device)
        session.flush()
        for text in ("hostname a\n", "hostname b\n"):
            ConfigurationService.create_device_configuration(session, device.id, text)
        ConfigurationService.create_device_configuration(
            session, device.id, "hostname b\n", kind="backup"
        )
    return store_url


def test_history_newest_first_without_content(store):
    result = run_module("config_info", {"device": "r1"})

    assert result["changed"] is False
    assert [(h["kind"], h["version"]) for h in result["history"]] == [
        ("backup", 1),
        ("intended", 2),
        ("intended", 1),
    ]
    assert "content" not in result["history"][0]
    assert result["msg"] == "device 'r1' has 3 stored configurations"


def test_history_of_one_kind_with_content(store):
    result = run_module(
        "config_info", {"device": "r1", "kind": "intended", "include_content": True, "limit": 1}
    )

    assert [(h["version"], h["content"]) for h in result["history"]] == [(2, "hostname b\n")]


@pytest.mark.parametrize(("version", "expected"), [("latest", 2), ("1", 1)])
def test_one_version(store, version, expected):
    result = run_module("config_info", {"device": "r1", "version": version})

    assert result["configuration"]["version"] == expected
    assert result["configuration"]["state"] == "draft"


def test_diff_between_two_versions_and_across_kinds(store):
    diff = run_module("config_info", {"device": "r1", "version": "2", "compare_to": 1})
    same = run_module(
        "config_info", {"device": "r1", "compare_to": 1, "compare_kind": "backup"}, check_mode=True
    )

    assert diff["config_diff"] == (
        "--- r1 intended v1\n+++ r1 intended v2\n@@ -1 +1 @@\n-hostname a\n+hostname b\n"
    )
    assert diff["msg"] == "device 'r1': the two configurations differ"
    assert (same["config_diff"], same["msg"]) == (
        "",
        "device 'r1': the two configurations are equal",
    )
    # "diff" is the task's own diff to Ansible, shown only for a change; it is not returned.
    assert "diff" not in diff and "diff" not in same


def test_a_diff_between_versions_masks_secret_values(store):
    with session_scope(store) as session:
        device = session.exec(select(Device).where(Device.name == "r1")).one()
        for secret in ("0 first-S3cret", "0 second-S3cret"):
            ConfigurationService.create_device_configuration(
                session, device.id, f"hostname b\nenable secret {secret}\n"
            )

    result = run_module("config_info", {"device": "r1", "version": "4", "compare_to": 3})

    assert "-enable secret 0 <removed>\n+enable secret 0 <removed>\n" in result["config_diff"]
    assert "S3cret" not in str(result)


@pytest.mark.parametrize("compare_to", ["latest", 2, "2"])
def test_compare_to_takes_a_number_or_latest(store, compare_to):
    result = run_module("config_info", {"device": "r1", "version": 1, "compare_to": compare_to})

    assert result["config_diff"].startswith("--- r1 intended v2\n+++ r1 intended v1\n")


def test_config_diff_reaches_a_verbose_run(store, tmp_path):
    playbook = tmp_path / "play.yml"
    playbook.write_text(
        "- hosts: localhost\n  gather_facts: false\n  tasks:\n"
        "    - isp.network.config_info: {device: r1, version: 2, compare_to: 1}\n"
    )

    run = subprocess.run(
        [Path(sys.executable).parent / "ansible-playbook", "-v", "-i", "localhost,", playbook],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "ANSIBLE_PYTHON_INTERPRETER": sys.executable},
        check=False,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    assert "+hostname b" in run.stdout


def test_history_keeps_the_newest_up_to_limit(store):
    result = run_module("config_info", {"device": "r1", "limit": 2})

    assert [(h["kind"], h["version"]) for h in result["history"]] == [
        ("backup", 1),
        ("intended", 2),
    ]


def test_history_entries_have_every_documented_key(store):
    documented = yaml.safe_load(config_info.RETURN)["history"]["contains"]

    entry = run_module("config_info", {"device": "r1", "include_content": True})["history"][0]

    assert set(entry) == set(documented)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"device": "ghost"}, "device 'ghost' is not in the store"),
        ({"device": "r1", "version": "two"}, "version 'two' is not a configuration version"),
        ({"device": "r1", "version": "7"}, "device 'r1' has no intended configuration version 7"),
        ({"device": "r1", "kind": "running", "version": "latest"}, "has no running configuration"),
        ({"device": "r1", "compare_to": 9}, "has no intended configuration version 9"),
        ({"device": "r1", "kind": "draft"}, "value of kind must be one of"),
        (
            {"device": "r1", "version": "\u00b2"},
            "version '\u00b2' is not a configuration version; give a whole number from 1 "
            "to 2147483647, or latest",
        ),
        (
            {"device": "r1", "version": "99999999999999999999999"},
            "version '99999999999999999999999' is not a configuration version",
        ),
        ({"device": "r1", "version": "1" * 5000}, "is not a configuration version"),
        ({"device": "r1", "version": "0"}, "version '0' is not a configuration version"),
        ({"device": "r1", "version": True}, "version True is not a configuration version"),
        ({"device": "r1", "compare_to": 0}, "compare_to 0 is not a configuration version"),
        ({"device": "r1", "compare_to": -1}, "compare_to -1 is not a configuration version"),
        (
            {"device": "r1", "compare_to": "2147483648"},
            "compare_to '2147483648' is not a configuration version",
        ),
        ({"device": "r1", "limit": 0}, "limit 0 is not a number of history entries; give 1"),
        ({"device": "r1", "limit": -1}, "limit -1 is not a number of history entries; give 1"),
    ],
)
def test_failures_are_one_sentence(store, args, message):
    failed = run_module("config_info", args, expect_failure=True)

    assert message in failed["msg"]
