"""No device password and no store key leaks from the whole demo run at -vvvv.

The demo (tools/run-demo, what `make demo` runs) runs once, in a temporary folder, with
Ansible's log file and module invocations on. Its output, its log, every file it wrote, the
store inventory, the audit trail and a dump of the store are then searched for every device
password the demo used and for the store key, in plain text and encoded.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from sqlmodel import select

from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import (
    DeviceCredential,
)
from tests.leak_check import (
    ROOT,
    assert_no_leaks,
    device_secrets,
    find_leaks,
    folder_sources,
    run_ansible,
    run_verbose,
)
from tests.module_runner import run_module

pytestmark = [pytest.mark.lab, pytest.mark.slow]


@dataclass
class Demo:
    """A finished demo run: its folder, its process and log, and what it was given."""

    folder: Path
    run: subprocess.CompletedProcess[str]
    log: Path
    devices: list[dict]
    key: str

    @property
    def secrets(self) -> dict[str, str]:
        """Every device password and enable secret the demo used, and the store key."""
        return {**device_secrets(self.devices), "the store key": self.key}

    @property
    def store(self) -> Path:
        """The demo's SQLite store."""
        return self.folder / "store.db"

    def environment(self) -> dict[str, str]:
        """The environment an Ansible command needs to read the demo's store."""
        return {
            **os.environ,
            "ISP_NETWORK_STORE_URL": f"sqlite:///{self.store}",
            "ISP_NETWORK_SECRET_KEY_FILE": str(self.folder / "secret.key"),
        }


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Demo:
    """The whole demo, run once for this module at -vvvv with --diff."""
    work = tmp_path_factory.mktemp("secret-leaks")
    folder = work / "demo"
    # Only what tools/run-demo sets: no store, key or tenant of the caller's own.
    env = {name: value for name, value in os.environ.items() if not name.startswith("ISP_")}
    env.update(DEMO_DIR=str(folder), VENV=str(Path(sys.executable).parent.parent))

    run, log = run_verbose([ROOT / "tools" / "run-demo", "--diff"], work, env, timeout=1800)

    assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]
    devices = yaml.safe_load((folder / "lab-devices.yml").read_text())["devices"]
    return Demo(folder, run, log, devices, (folder / "secret.key").read_text().strip())


def recap(output: str) -> dict[str, int]:
    """Return the localhost counters of the last play recap."""
    match = re.search(r"localhost\s*:\s*(.*)", output.split("PLAY RECAP")[-1])
    assert match, output[-2000:]
    return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", match.group(1))}


def split_output(stdout: str) -> tuple[str, str]:
    """Return ansible-inventory's -vvvv lines and the JSON document that ends its output."""
    start = re.search(r"^\{$", stdout, re.MULTILINE)
    assert start, stdout[-2000:]
    return stdout[: start.start()], stdout[start.start() :].strip()


def unwrap(value):
    """Return a host variable without the unsafe marker `--list` shows."""
    if isinstance(value, dict) and set(value) == {"__ansible_unsafe"}:
        return value["__ansible_unsafe"]
    return value


def test_the_demo_at_vvvv_shows_and_writes_no_secret(demo):
    inputs = {"lab-devices.yml": (demo.folder / "lab-devices.yml").read_text()}
    written = folder_sources(
        demo.folder,
        skip=[demo.folder / "lab", demo.folder / "lab-devices.yml", demo.folder / "secret.key"],
    )

    assert recap(demo.run.stdout)["failed"] == 0
    assert "task path:" in demo.run.stdout and '"invocation"' in demo.run.stdout
    assert {"topology.html", "topology.txt", "topology.json"} <= {
        Path(name).name for name in written
    }
    # The devices had credentials, and the search finds them where they are meant to be.
    assert all(device["password"] and device["enable_secret"] for device in demo.devices)
    assert find_leaks(inputs, demo.secrets)
    assert_no_leaks(
        {
            "stdout": demo.run.stdout,
            "stderr": demo.run.stderr,
            str(demo.log): demo.log.read_text(),
            **written,
        },
        demo.secrets,
    )


# A secret value as a device configuration holds it: a type-5/8/9 hash or a type-7 string.
CONFIGURED_SECRET = re.compile(r"\b(?:secret|password) [0-9] (?!<removed>)\S+")


def test_the_demo_shows_device_secret_lines_only_with_their_values_masked(demo):
    # The compliance report lists each device's user and enable lines as extra lines, and
    # the diffs may name them: their values are masked. Stored backups keep them exact.
    shown = {
        "stdout": demo.run.stdout,
        str(demo.log): demo.log.read_text(),
        **folder_sources(demo.folder, skip=[demo.folder / "lab", demo.store]),
    }

    assert "privilege 15 secret <removed>" in demo.run.stdout
    found = {
        name: CONFIGURED_SECRET.findall(
            text.decode("utf-8", "replace") if isinstance(text, bytes) else text
        )
        for name, text in shown.items()
    }
    assert {name: lines for name, lines in found.items() if lines} == {}


def test_the_store_inventory_holds_no_credential_unless_asked(demo, tmp_path):
    plain = demo.folder / "demo.store.yml"
    env = demo.environment()
    names = sorted(device["name"] for device in demo.devices)

    listed = run_ansible(["ansible-inventory", "-i", plain, "--list"], tmp_path, demo.secrets, env)
    host = run_ansible(
        ["ansible-inventory", "-i", plain, "--host", "core1"], tmp_path, demo.secrets, env
    )

    assert listed.returncode == 0, listed.stderr
    assert host.returncode == 0, host.stderr
    assert sorted(json.loads(split_output(listed.stdout)[1])["_meta"]["hostvars"]) == names
    assert unwrap(json.loads(split_output(host.stdout)[1])["ansible_host"]) == "127.0.0.1"
    assert "ansible_password" not in listed.stdout + host.stdout


def test_asked_for_credentials_the_inventory_gives_them_and_leaks_nothing_else(demo, tmp_path):
    config = tmp_path / "credentials.store.yml"
    config.write_text((demo.folder / "demo.store.yml").read_text() + "credentials: true\n")
    by_name = {device["name"]: device for device in demo.devices}
    sources = {}

    for argv in (["--list"], ["--host", "core1"]):
        run, log = run_verbose(
            ["ansible-inventory", "-i", config, *argv], tmp_path, demo.environment()
        )
        assert run.returncode == 0, run.stderr
        log_lines, document = split_output(run.stdout)
        listing = json.loads(document)
        hostvars = listing["_meta"]["hostvars"] if argv == ["--list"] else {"core1": listing}
        # The plugin documents ansible_user, ansible_password and ansible_become_password, and
        # Ansible's log file keeps a copy of what the command prints: that document is what
        # was asked for, so it is searched without those two values.
        for name, variables in hostvars.items():
            assert unwrap(variables.pop("ansible_password")) == by_name[name]["password"]
            secret = unwrap(variables.pop("ansible_become_password"))
            assert secret == by_name[name]["enable_secret"]
            assert unwrap(variables["ansible_user"]) == by_name[name]["username"]
        assert set(hostvars) == (set(by_name) if argv == ["--list"] else {"core1"})
        log_text = log.read_text()
        assert document in log_text
        sources.update(
            {
                f"{argv[0]} log lines": log_lines,
                f"{argv[0]} variables without the credentials": json.dumps(listing),
                f"{argv[0]} stderr": run.stderr,
                str(log): log_text.replace(document, "(the variables printed)"),
            }
        )

    assert_no_leaks(sources, demo.secrets)


def test_the_audit_trail_names_the_secrets_it_never_holds(demo):
    result = run_module("audit_info", {"limit": 0, "store_url": f"sqlite:///{demo.store}"})
    with sqlite3.connect(demo.store) as connection:
        table = connection.execute("SELECT * FROM audit_event").fetchall()

    created = {
        event["object_name"]: event["changed_fields"]
        for event in result["events"]
        if event["action"] == "device.create"
    }
    assert set(created) == {device["name"] for device in demo.devices}
    assert all({"password", "enable_secret"} <= set(fields) for fields in created.values())
    assert len(table) == len(result["events"])
    assert_no_leaks(
        {
            "isp.network.audit_info": json.dumps(result),
            "audit_event table": "\n".join(map(repr, table)),
        },
        demo.secrets,
    )


def test_a_dump_of_the_store_holds_the_credentials_only_encrypted(demo):
    with sqlite3.connect(demo.store) as connection:
        dump = "\n".join(connection.iterdump())
        tokens = connection.execute(
            "SELECT d.name, c.password_token, c.enable_secret_token FROM device_credential c "
            "JOIN device d ON d.id = c.device_id"
        ).fetchall()

    box = SecretBox(demo.key)
    by_name = {device["name"]: device for device in demo.devices}
    assert {name for name, _, _ in tokens} == set(by_name)
    for name, password, enable in tokens:
        assert password in dump and box.decrypt(password) == by_name[name]["password"]
        assert box.decrypt(enable) == by_name[name]["enable_secret"]
    assert_no_leaks({"store dump": dump}, demo.secrets)


@pytest.mark.postgres
def test_a_postgresql_dump_holds_the_credentials_only_encrypted(postgres_url, secret_key):
    devices = [
        {"name": "pg-core1", "hostname": "192.0.2.1", "username": "netops",
         "password": "Pg-Dump-Passw0rd", "enable_secret": "Pg-Dump-En4ble"},
        {"name": "pg-core2", "hostname": "192.0.2.2", "username": "netops",
         "password": "Pg-Dump-Passw0rd-2"},
    ]  # fmt: skip
    run_module("device", {"devices": devices, "store_url": postgres_url})
    with session_scope(postgres_url, write=False) as session:
        tokens = session.exec(select(DeviceCredential.password_token)).all()
    url = urlsplit(postgres_url)
    schema = parse_qs(url.query)["options"][0].removeprefix("-csearch_path=")
    conninfo = url._replace(scheme="postgresql", query="").geturl()

    dump = subprocess.run(
        ["pg_dump", "--data-only", f"--schema={schema}", f"--dbname={conninfo}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout

    box = SecretBox(secret_key)
    assert sorted(box.decrypt(token) for token in tokens) == sorted(
        device["password"] for device in devices
    )
    assert all(token in dump for token in tokens)
    assert_no_leaks({"pg_dump": dump}, {**device_secrets(devices), "the store key": secret_key})
