"""isp.network.config_template, run in-process as Ansible runs it."""

from __future__ import annotations

import pytest

from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from tests.module_runner import run_module

BASE = {
    "name": "base",
    "version": "1.0.0",
    "content": "hostname {{ hostname }}\n",
    "variables": {"hostname": {"type": "string", "required": True}},
    "platform": "ios",
}


@pytest.fixture
def store(store_url, monkeypatch) -> str:
    monkeypatch.setenv("ISP_NETWORK_STORE_URL", store_url)
    return store_url


def _audit_actions(url) -> list[str]:
    with session_scope(url, write=False) as session:
        return [e.action for e in reversed(AuditService.list_events(session))]


def test_create_then_already_exists(store):
    first = run_module("config_template", BASE, diff=True)
    second = run_module("config_template", BASE)

    assert (first["changed"], first["msg"]) == (True, "template 'base' version 1.0.0 created")
    assert first["diff"] == {"before": "", "after": "hostname {{ hostname }}\n"}
    assert first["template"]["platform"] == "ios"
    assert (second["changed"], second["msg"]) == (
        False,
        "template 'base' version 1.0.0 already exists",
    )
    assert _audit_actions(store) == ["config_template.create"]


def test_check_mode_writes_nothing(store):
    checked = run_module("config_template", BASE, check_mode=True)
    real = run_module("config_template", BASE)

    assert checked["changed"] is True
    assert real["changed"] is True


def test_from_a_file_with_its_sidecar(store, tmp_path):
    (tmp_path / "edge.j2").write_text("hostname {{ hostname }}\n")
    (tmp_path / "edge.yml").write_text("version: 2.1.0\nvariables:\n  hostname: string\n")

    result = run_module("config_template", {"name": "edge", "src": str(tmp_path / "edge.j2")})

    assert result["msg"] == "template 'edge' version 2.1.0 created"
    assert result["template"]["source_path"] == str(tmp_path / "edge.j2")


def test_the_example_ios_template_publishes(store):
    from tools.collection_meta import ROOT

    result = run_module(
        "config_template", {"name": "ios-base", "src": str(ROOT / "templates/ios/base.j2")}
    )

    assert result["template"]["version"] == "1.0.0"
    assert result["template"]["variables"]["mgmt_netmask"]["type"] == "ipv4_netmask"


def test_absent_one_version_then_already_absent(store):
    run_module("config_template", BASE)
    run_module("config_template", {**BASE, "version": "1.1.0"})

    gone = run_module(
        "config_template", {"name": "base", "version": "1.0.0", "state": "absent"}, diff=True
    )
    again = run_module("config_template", {"name": "base", "version": "1.0.0", "state": "absent"})
    every = run_module("config_template", {"name": "base", "state": "absent"})

    assert (gone["changed"], gone["msg"], gone["removed"]) == (
        True,
        "template 'base' version 1.0.0 deleted",
        ["1.0.0"],
    )
    assert gone["diff"]["after"] == ""
    assert (again["changed"], again["msg"]) == (
        False,
        "template 'base' version 1.0.0 already absent",
    )
    assert (every["msg"], every["removed"]) == ("template 'base' deleted", ["1.1.0"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"name": "base", "content": "x"}, "template 'base' needs a version; set version"),
        ({"name": "base"}, "state is present but any of the following are missing: content, src"),
        (
            {"name": "base", "version": "1.0.0", "content": "x", "src": "/x.j2"},
            "parameters are mutually exclusive: content|src",
        ),
        ({**BASE, "version": "1.0"}, "template version '1.0' is not a semantic version"),
        ({**BASE, "variables": {"hostname": "ipv5"}}, "variable 'hostname' has unknown type"),
        ({**BASE, "content": "{{ x.__class__ }}"}, "tried to reach Python internals ('__class__')"),
        ({**BASE, "content": "{% if %}"}, "has a syntax error on line 1"),
        ({"name": "base", "version": "1.0.0", "src": "/nonexistent/t.j2"}, "cannot be read"),
        ({**BASE, "content": "hostname {{ hostname }}!\n"}, "already exists with other content"),
    ],
)
def test_failures_are_one_sentence(store, args, message):
    run_module("config_template", BASE)

    failed = run_module("config_template", args, expect_failure=True)

    assert message in failed["msg"]
