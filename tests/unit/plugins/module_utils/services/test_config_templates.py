"""Contract suite of template publishing, versions, files and git (SQLite and PostgreSQL)."""

from __future__ import annotations

import subprocess

import pytest

from ansible_collections.isp.network.plugins.module_utils.errors import (
    ConflictError,
    NotFoundError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.services.config_templates import (
    TemplateSpec,
)
from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
    ConfigurationService as Config,
)

CONTENT = "hostname {{ hostname }}\n"
SCHEMA = {"hostname": {"type": "string", "required": True}}


def _publish(session, version="1.0.0", content=CONTENT, name="base", variables=None):
    return Config.create_template(
        session, name, "router", content, version, SCHEMA if variables is None else variables
    )


def test_create_template_stores_a_version_and_audits_it(session):
    template = _publish(session)

    assert (template.name, template.version, template.device_type) == ("base", "1.0.0", "router")
    assert template.variables == {"hostname": {"type": "string", "required": True}}
    assert len(template.content_hash) == 64
    events = AuditService.list_events(session, object_type="config_template")
    assert [(e.action, e.object_name) for e in events] == [("config_template.create", "base 1.0.0")]


def test_publishing_the_same_version_again_changes_nothing(session):
    first = _publish(session)

    again, created = Config.publish_template(
        session, TemplateSpec("base", "1.0.0", CONTENT, SCHEMA, "router")
    )

    assert (again.id, created) == (first.id, False)
    assert len(AuditService.list_events(session, object_type="config_template")) == 1


def test_other_content_for_an_existing_version_is_a_conflict(session):
    _publish(session, "1.2.0")

    with pytest.raises(ConflictError) as raised:
        _publish(session, "1.2.0", content="hostname {{ hostname }}-x\n")

    assert str(raised.value) == (
        "template 'base' version 1.2.0 already exists with other content; publish it as a new "
        "version"
    )


def test_another_schema_for_an_existing_version_is_a_conflict(session):
    _publish(session)

    with pytest.raises(ConflictError, match="already exists with other variables"):
        _publish(session, variables={"hostname": "string"})


@pytest.mark.parametrize("version", ["1.0", "v1.0.0", "1.0.0-rc1", "01.0.0", "latest", ""])
def test_versions_must_be_semantic(session, version):
    with pytest.raises(ValidationError, match="is not a semantic version; write it as MAJOR"):
        _publish(session, version)


def test_latest_is_the_highest_semantic_version_not_the_last_string(session):
    for version in ("1.9.0", "1.10.0", "1.2.0", "0.99.99"):
        _publish(session, version, content=f"! {version}\n" + CONTENT)

    assert Config.get_template(session, "base").version == "1.10.0"
    assert Config.get_template(session, "base", "latest").version == "1.10.0"
    assert Config.get_template(session, "base", "1.2.0").version == "1.2.0"
    assert [t.version for t in Config.list_templates(session, "base")] == [
        "0.99.99",
        "1.2.0",
        "1.9.0",
        "1.10.0",
    ]


def test_old_versions_stay_and_can_be_rendered(session):
    old = _publish(session, "1.0.0")
    _publish(session, "2.0.0", content="hostname {{ hostname | upper }}\n")

    assert Config.generate_configuration(session, old.id, {"hostname": "r1"}) == "hostname r1\n"
    latest = Config.get_template(session, "base")
    assert Config.render(latest, {"hostname": "r1"}).content == "hostname R1\n"


def test_unknown_templates_and_versions_are_named(session):
    _publish(session, "1.0.0")

    with pytest.raises(NotFoundError, match="template 'nope' does not exist; publish it"):
        Config.get_template(session, "nope")
    with pytest.raises(NotFoundError, match=r"has no version 3\.0\.0 \(it has 1\.0\.0\)"):
        Config.get_template(session, "base", "3.0.0")
    with pytest.raises(NotFoundError, match="template id 999 does not exist"):
        Config.generate_configuration(session, 999, {})


def test_bad_variables_are_all_reported_with_the_template(session):
    template = _publish(
        session,
        variables={"hostname": "string", "mask": "ipv4_netmask"},
        content="{{ hostname }} {{ mask }}\n",
    )

    with pytest.raises(ValidationError) as raised:
        Config.generate_configuration(session, template.id, {"hostname": 1, "mask": "255.0.255.0"})

    assert str(raised.value) == (
        "template 'base' version 1.0.0: variable 'hostname': 1 is an integer, not a string; "
        "variable 'mask': '255.0.255.0' is not a valid IPv4 netmask"
    )


def test_a_template_using_an_undeclared_variable_is_refused(session):
    with pytest.raises(ValidationError, match=r"uses variables \['domain'\] that its schema"):
        _publish(session, content="{{ hostname }}.{{ domain }}\n")


def test_delete_one_version_or_all(session):
    for version in ("1.0.0", "1.1.0", "2.0.0"):
        _publish(session, version, content=f"! {version}\n" + CONTENT)

    assert [t.version for t in Config.delete_template(session, "base", "1.1.0")] == ["1.1.0"]
    assert Config.delete_template(session, "base", "1.1.0") == []
    assert [t.version for t in Config.delete_template(session, "base")] == ["1.0.0", "2.0.0"]
    assert Config.list_templates(session) == []
    deletes = AuditService.list_events(session, action="config_template.delete")
    assert len(deletes) == 3


def _write_template(folder, version="1.0.0"):
    (folder / "base.j2").write_text(CONTENT)
    (folder / "base.yml").write_text(
        f"name: base\nversion: {version}\nplatform: ios\nvariables:\n  hostname: string\n"
    )


def test_a_template_file_with_its_sidecar_outside_git(session, tmp_path):
    _write_template(tmp_path)

    template, created = Config.create_template_from_file(session, tmp_path / "base.j2")

    assert created
    assert (template.name, template.version, template.platform) == ("base", "1.0.0", "ios")
    assert template.source_path == str(tmp_path / "base.j2")
    assert template.source_commit is None


def test_options_win_over_the_sidecar(session, tmp_path):
    _write_template(tmp_path)

    template, _ = Config.create_template_from_file(
        session, tmp_path / "base.j2", version="1.1.0", name="edge"
    )

    assert (template.name, template.version) == ("edge", "1.1.0")


def test_a_template_file_in_a_git_checkout_records_path_and_commit(session, tmp_path):
    repo = tmp_path / "repo"
    (repo / "ios").mkdir(parents=True)
    _write_template(repo / "ios")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.net"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "base"], check=True)
    head = subprocess.run(
        [*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()

    template, _ = Config.create_template_from_file(session, repo / "ios" / "base.j2")
    (repo / "ios" / "base.j2").write_text("! edited\n" + CONTENT)
    edited, _ = Config.create_template_from_file(session, repo / "ios" / "base.j2", version="1.0.1")

    assert (template.source_path, template.source_commit) == ("ios/base.j2", head)
    assert edited.source_commit == f"{head}-dirty"


@pytest.mark.parametrize(
    ("files", "sentence"),
    [
        ({}, "cannot be read (FileNotFoundError); check the path"),
        ({"base.j2": CONTENT}, "has no name; set it, or add it to base.yml"),
        ({"base.j2": CONTENT, "base.yml": "name: base\n"}, "has no version; set it"),
        ({"base.j2": CONTENT, "base.yml": "[: bad"}, "is not readable YAML"),
        ({"base.j2": CONTENT, "base.yml": "- a\n"}, "must hold a mapping"),
    ],
)
def test_bad_template_files_are_reported(session, tmp_path, files, sentence):
    for name, text in files.items():
        (tmp_path / name).write_text(text)

    with pytest.raises(ValidationError) as raised:
        Config.create_template_from_file(session, tmp_path / "base.j2")

    assert sentence in str(raised.value)


@pytest.mark.parametrize(
    ("sidecar", "sentence"),
    [
        (
            "name: base\nversion: 1.0.0\nplatfrom: ios\n",
            "has unknown keys ['platfrom']; use ['name', 'version', 'device_type', 'platform', "
            "'description', 'variables']",
        ),
        (
            "name: base\nversion: 1.0.0\ndevice_type: [1]\n",
            "has device_type [1] (a list); give text",
        ),
        ("name: base\nversion: 1.0.0\nvariables: [a]\n", "has variables ['a'] (a list); give a"),
        ("name: 7\nversion: 1.0.0\n", "has name 7 (an integer); give text"),
        (
            "name: base\nversion: 1.10\n",
            "has version 1.1, which YAML read as a number; quote it, for example",
        ),
        ("name: base\nversion: 2\n", "has version 2, which YAML read as a number; quote it"),
    ],
)
def test_a_malformed_sidecar_is_refused_in_one_sentence(session, tmp_path, sidecar, sentence):
    (tmp_path / "base.j2").write_text(CONTENT)
    (tmp_path / "base.yml").write_text(sidecar)

    with pytest.raises(ValidationError) as raised:
        Config.create_template_from_file(session, tmp_path / "base.j2")

    # A long path is shown by its start and end (errors.one_line), so only its end is sure.
    assert str(raised.value).startswith("template sidecar '")
    assert f"base.yml' {sentence}" in str(raised.value)
    assert Config.list_templates(session) == []


@pytest.mark.parametrize(
    ("field", "value", "sentence"),
    [
        ("device_type", "r" * 33, "template device_type 'rrrr"),
        ("platform", "p" * 65, "has 65 characters; give 1 to 64"),
        ("description", "d" * 1025, "has 1025 characters; give 1 to 1024"),
        ("version", "1.0." + "0" * 40, "has 44 characters; give 1 to 32"),
        ("source_commit", "c" * 70, "has 70 characters; give 1 to 64"),
        ("source_path", "p" * 1025, "has 1025 characters; give 1 to 1024"),
        ("name", "", "template name '' has 0 characters; give 1 to 255"),
        ("device_type", [1], "template device_type [1] is a list; give text"),
    ],
)
def test_fields_are_checked_before_the_store_sees_them(session, field, value, sentence):
    spec = TemplateSpec("base", "1.0.0", CONTENT, SCHEMA, "router")
    setattr(spec, field, value)

    with pytest.raises(ValidationError) as raised:
        Config.publish_template(session, spec)

    assert sentence in str(raised.value)


def test_publishing_again_after_defaults_were_converted_is_not_a_conflict(session):
    variables = {"on": {"type": "bool", "default": "false"}, **SCHEMA}
    template = _publish(session, variables=variables)
    # As an older release stored it: the default as written.
    template.variables = {
        **template.variables,
        "on": {"type": "bool", "required": False, "default": "false"},
    }
    session.flush()

    again, created = Config.publish_template(
        session, TemplateSpec("base", "1.0.0", CONTENT, variables, "router")
    )

    assert (again.id, created) == (template.id, False)


def test_a_secret_value_a_filter_quotes_is_hidden(session):
    template = _publish(
        session,
        content="enable secret {{ enable_secret | prefix_to_netmask }}\n",
        variables={"enable_secret": "string"},
    )

    with pytest.raises(ValidationError) as raised:
        Config.render(template, {"enable_secret": "hunter2-S3cret"})

    assert "hunter2" not in str(raised.value)
    assert "prefix_to_netmask: '<enable_secret>' is not a prefix length" in str(raised.value)


def test_a_long_secret_value_is_hidden_too(session):
    template = _publish(
        session,
        content="{{ tacacs_key | nth_host(1) }}\n",
        variables={"tacacs_key": "string"},
    )
    secret = "S" + "x" * 100 + "E"

    with pytest.raises(ValidationError) as raised:
        Config.render(template, {"tacacs_key": secret})

    assert "xxxxxxxxxx" not in str(raised.value)
