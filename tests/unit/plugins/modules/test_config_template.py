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


def _folder(tmp_path):
    for stem, version in (("base", "1.0.0"), ("edge", "2.0.0")):
        (tmp_path / f"{stem}.j2").write_text("hostname {{ hostname }}\n")
        (tmp_path / f"{stem}.yml").write_text(
            f"name: {stem}\nversion: {version}\nvariables:\n  hostname: string\n"
        )


def test_a_folder_publishes_every_template_then_already_exists(store, tmp_path):
    _folder(tmp_path)

    checked = run_module("config_template", {"src": str(tmp_path)}, check_mode=True)
    first = run_module("config_template", {"src": str(tmp_path)}, diff=True)
    second = run_module("config_template", {"src": str(tmp_path)})

    assert checked["changed"] is True
    assert [(t["name"], t["result"]) for t in checked["templates"]] == [
        ("base", "created"),
        ("edge", "created"),
    ]
    assert first["changed"] is True
    assert first["msg"] == f"folder {str(tmp_path)!r}: 2 templates, 2 created, 0 already exist"
    assert [d["after_header"] for d in first["diff"]] == [
        "template 'base' version 1.0.0",
        "template 'edge' version 2.0.0",
    ]
    assert second["changed"] is False
    assert [(t["name"], t["version"], t["result"]) for t in second["templates"]] == [
        ("base", "1.0.0", "already exists"),
        ("edge", "2.0.0", "already exists"),
    ]
    assert _audit_actions(store) == ["config_template.create"] * 2


def test_a_bad_file_in_a_folder_fails_and_stores_nothing(store, tmp_path):
    _folder(tmp_path)
    (tmp_path / "edge.j2").write_text("{% if %}\n")

    failed = run_module("config_template", {"src": str(tmp_path)}, expect_failure=True)
    after = run_module("config_template", {"name": "base", "state": "absent"})

    # A long path is shown by its start and end (errors.one_line), so only its end is sure.
    assert failed["msg"].startswith("template file '")
    assert "edge.j2': " in failed["msg"]
    assert "has a syntax error on line 1" in failed["msg"]
    assert failed["msg"].endswith("; nothing was published")
    assert after["msg"] == "template 'base' already absent"


@pytest.mark.parametrize(
    ("sidecar", "message"),
    [
        ("version: 1.0.0\nplatfrom: ios\n", "has unknown keys ['platfrom']; use ['name'"),
        ("version: 1.10\n", "which YAML read as a number; quote it"),
        ("version: 1.0.0\ndevice_type: [1]\n", "has device_type [1] (a list); give text"),
    ],
)
def test_a_sidecar_error_fails_in_one_sentence(store, tmp_path, sidecar, message):
    (tmp_path / "edge.j2").write_text("hostname {{ hostname }}\n")
    (tmp_path / "edge.yml").write_text(sidecar + "variables:\n  hostname: string\n")

    failed = run_module(
        "config_template", {"name": "edge", "src": str(tmp_path / "edge.j2")}, expect_failure=True
    )

    assert message in failed["msg"]
    assert "store" not in failed["msg"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            {"name": "base", "version": "1.0", "state": "absent"},
            "template version '1.0' is not a semantic version",
        ),
        ({"state": "absent"}, "state is absent but all of the following are missing: name"),
        ({"version": "1.0.0", "content": "x"}, "a template given as content needs a name"),
        ({"src": "/nonexistent/folder/"}, "template file '/nonexistent/folder/' cannot be read"),
        (
            {"name": "base", "src": "."},
            "src '.' is a folder, whose templates take their fields from their sidecars; "
            "leave out name",
        ),
        (
            {**BASE, "variables": {"enable_secret": {"type": "string", "default": "x"}}},
            "uses variables ['hostname'] that its schema does not declare",
        ),
    ],
)
def test_more_failures_are_one_sentence(store, args, message):
    failed = run_module("config_template", args, expect_failure=True)

    assert message in failed["msg"]
