"""Contract suite of stored device configurations: versions, de-duplication, history, diffs."""

from __future__ import annotations

import pytest
from sqlmodel import select

from ansible_collections.isp.network.plugins.module_utils.errors import (
    ConflictError,
    NotFoundError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.services import config_store
from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
    ConfigurationService as Config,
)
from ansible_collections.isp.network.plugins.module_utils.store.models import (
    ConfigState,
    Device,
    DeviceConfiguration,
)


def _device(session, name="r1") -> Device:
    device = Device(name=name, hostname=f"{name}.example.net")
    session.add(device)
    session.flush()
    return device


def _template(session):
    return Config.create_template(
        session,
        "base",
        "router",
        "hostname {{ hostname }}\n",
        "1.0.0",
        {"hostname": {"type": "string", "required": True}},
    )


def test_versions_count_up_per_device_and_kind(session):
    r1, r2 = _device(session), _device(session, "r2")

    first = Config.create_device_configuration(session, r1.id, "hostname a\n")
    second = Config.create_device_configuration(session, r1.id, "hostname b\n")
    backup = Config.create_device_configuration(session, r1.id, "hostname a\n", kind="backup")
    other = Config.create_device_configuration(session, r2.id, "hostname a\n")

    assert [first.version, second.version, backup.version, other.version] == [1, 2, 1, 1]
    assert (first.state, backup.state) == (ConfigState.DRAFT, ConfigState.CAPTURED)
    assert first.content_hash == backup.content_hash


def test_identical_content_returns_the_newest_row(session):
    r1 = _device(session)
    first, created = Config.store_configuration(session, r1.id, "hostname a\n", kind="backup")

    again, created_again = Config.store_configuration(session, r1.id, "hostname a\n", kind="backup")

    assert (created, created_again, again.id) == (True, False, first.id)
    events = AuditService.list_events(session, action="device_configuration.store")
    assert [e.object_name for e in events] == ["r1 backup v1"]


def test_content_that_changes_back_is_a_new_version(session):
    r1 = _device(session)
    for text in ("a\n", "b\n", "a\n"):
        Config.create_device_configuration(session, r1.id, text)

    assert [c.version for c in Config.get_configuration_history(session, r1.id)] == [3, 2, 1]


def test_a_pinned_version_must_be_new_or_identical(session):
    r1 = _device(session)
    Config.create_device_configuration(session, r1.id, "a\n", version=5)

    same = Config.store_configuration(session, r1.id, "a\n", version=5)
    with pytest.raises(ConflictError, match="already has intended configuration version 5"):
        Config.create_device_configuration(session, r1.id, "b\n", version=5)
    with pytest.raises(ConflictError, match="store this one as a later version"):
        Config.create_device_configuration(session, r1.id, "b\n", version=3)

    assert same[1] is False
    assert Config.create_device_configuration(session, r1.id, "b\n").version == 6


def test_unknown_device_kind_and_version_are_named(session):
    r1 = _device(session)

    with pytest.raises(NotFoundError, match="device id 999 is not in the store"):
        Config.create_device_configuration(session, 999, "a\n")
    with pytest.raises(ValidationError, match="kind 'candidate' is not one of intended"):
        Config.create_device_configuration(session, r1.id, "a\n", kind="candidate")
    with pytest.raises(
        NotFoundError,
        match=r"^device 'r1' has no intended configuration version 4; list its history",
    ):
        Config.get_configuration(session, r1.id, 4)
    with pytest.raises(NotFoundError, match=r"^device 'r1' has no backup configuration; list"):
        Config.get_configuration(session, r1.id, kind="backup")


def test_history_is_newest_first_and_filters_by_kind(session):
    r1 = _device(session)
    Config.create_device_configuration(session, r1.id, "a\n")
    Config.create_device_configuration(session, r1.id, "b\n", kind="backup")
    Config.create_device_configuration(session, r1.id, "c\n")

    every = Config.get_configuration_history(session, r1.id)
    intended = Config.get_configuration_history(session, r1.id, "intended", limit=1)

    assert [(c.kind.value, c.version) for c in every] == [
        ("intended", 2),
        ("backup", 1),
        ("intended", 1),
    ]
    assert [(c.kind.value, c.version) for c in intended] == [("intended", 2)]


@pytest.mark.parametrize("limit", [0, -1])
def test_history_refuses_a_limit_below_one(session, limit):
    r1 = _device(session)
    Config.create_device_configuration(session, r1.id, "a\n")

    with pytest.raises(ValidationError, match=rf"^limit {limit} is not a number of history"):
        Config.get_configuration_history(session, r1.id, limit=limit)


def test_newest_if_same_is_the_row_storing_would_return(session):
    r1 = _device(session)
    Config.create_device_configuration(session, r1.id, "a\n", kind="backup")
    newest = Config.create_device_configuration(session, r1.id, "b\n", kind="backup")

    assert config_store.newest_if_same(session, r1.id, "b\n", "backup").id == newest.id
    assert config_store.newest_if_same(session, r1.id, "a\n", "backup") is None
    assert config_store.newest_if_same(session, r1.id, "b\n", "running") is None
    assert Config.store_configuration(session, r1.id, "b\n", kind="backup")[1] is False


def test_diff_between_two_versions_and_across_kinds(session):
    r1 = _device(session)
    Config.create_device_configuration(session, r1.id, "hostname r1\nip domain name a\n")
    Config.create_device_configuration(session, r1.id, "hostname r1\nip domain name b\n")
    Config.create_device_configuration(session, r1.id, "hostname r1\n", kind="backup")

    assert Config.diff_configurations(session, r1.id, 1, 2) == (
        "--- r1 intended v1\n+++ r1 intended v2\n@@ -1,2 +1,2 @@\n hostname r1\n"
        "-ip domain name a\n+ip domain name b\n"
    )
    assert Config.diff_configurations(session, r1.id, 2, 2) == ""
    across = Config.diff_configurations(session, r1.id, 1, None, "backup", "intended")
    assert across.startswith("--- r1 backup v1\n+++ r1 intended v2\n")


def test_configurations_record_their_template(session):
    r1 = _device(session)
    template = _template(session)

    stored = Config.create_device_configuration(
        session, r1.id, "hostname r1\n", template_id=template.id, variables={"hostname": "r1"}
    )
    Config.delete_template(session, "base")
    session.refresh(stored)

    assert stored.template_id is None
    assert (stored.template_name, stored.template_version) == ("base", "1.0.0")
    assert stored.template_hash == template.content_hash
    assert stored.variables == {"hostname": "r1"}


def test_generate_for_many_devices_stores_them_in_bulk(session):
    ids = {name: _device(session, name).id for name in ("r3", "r1", "r2")}
    template = _template(session)
    devices = {name: {"hostname": name} for name in ("r1", "r2", "r3")}

    first = Config.generate_configurations(session, template, devices, store=True)
    devices["r2"] = {"hostname": "r2-new"}
    second = Config.generate_configurations(session, template, devices, store=True)

    assert [(g.device, g.version, g.created) for g in first] == [
        ("r1", 1, True),
        ("r2", 1, True),
        ("r3", 1, True),
    ]
    assert [(g.device, g.version, g.created) for g in second] == [
        ("r1", 1, False),
        ("r2", 2, True),
        ("r3", 1, False),
    ]
    stored = session.exec(select(DeviceConfiguration).where(DeviceConfiguration.version == 2))
    assert [(row.template_name, row.content) for row in stored] == [("base", "hostname r2-new\n")]
    # One audit event per bulk call, naming the devices whose configuration was stored.
    events = AuditService.list_events(session, action="device_configuration.store_many")
    assert [(e.object_name, e.details["devices"]) for e in reversed(events)] == [
        ("base 1.0.0: 3 devices", ["r1", "r2", "r3"]),
        ("base 1.0.0: 1 device", ["r2"]),
    ]
    # Each returned id is the row of that device and version, new or unchanged.
    for generated in [*first, *second]:
        row = session.get(DeviceConfiguration, generated.id)
        assert (row.device_id, row.version) == (
            ids[generated.device],
            generated.version,
        )


def test_generate_compares_with_the_newest_intended_version_only(session):
    # r1 has a long history whose oldest version equals the new rendering, and a newer
    # backup with a higher version number; only its newest intended row decides.
    r1, r2 = _device(session), _device(session, "r2")
    for version in range(1, 13):
        Config.create_device_configuration(session, r1.id, f"hostname v{version}\n")
    for version in range(1, 20):
        Config.create_device_configuration(session, r1.id, f"b{version}\n", kind="backup")
    Config.create_device_configuration(session, r2.id, "hostname r2\n", kind="backup")
    template = _template(session)

    again = Config.generate_configurations(session, template, {"r1": {"hostname": "v12"}})
    assert again[0].content == "hostname v12\n"
    unchanged = Config.generate_configurations(
        session, template, {"r1": {"hostname": "v12"}, "r2": {"hostname": "r2"}}, store=True
    )
    changed_back, first = Config.generate_configurations(
        session, template, {"r1": {"hostname": "v1"}, "r2": {"hostname": "r2"}}, store=True
    )

    assert [(g.device, g.version, g.created) for g in unchanged] == [
        ("r1", 12, False),
        ("r2", 1, True),
    ]
    assert (changed_back.version, changed_back.created) == (13, True)
    # r2's intended history began at 1 although it has a backup; the second call found it.
    assert (first.device, first.version, first.created) == ("r2", 1, False)
    assert first.id == unchanged[1].id


def test_generate_reports_every_failing_device_and_stores_nothing(session):
    _device(session)
    template = _template(session)

    with pytest.raises(ValidationError) as raised:
        Config.generate_configurations(
            session, template, {"r1": {"hostname": 1}, "r2": {}}, store=True
        )

    assert str(raised.value) == (
        "device 'r1': template 'base' version 1.0.0: variable 'hostname': 1 is an integer, not a "
        "string. device 'r2': template 'base' version 1.0.0: variable 'hostname' is required "
        "and was not given"
    )
    assert session.exec(select(DeviceConfiguration)).all() == []


def test_generate_refuses_to_store_for_unknown_devices(session):
    _device(session)
    template = _template(session)

    with pytest.raises(NotFoundError, match="devices 'ghost' are not in the store"):
        Config.generate_configurations(
            session, template, {"r1": {"hostname": "r1"}, "ghost": {"hostname": "g"}}, store=True
        )


def test_deleting_a_device_deletes_its_configurations(session):
    r1 = _device(session)
    Config.create_device_configuration(session, r1.id, "a\n")

    session.delete(r1)
    session.flush()
    session.expunge_all()

    assert session.exec(select(DeviceConfiguration)).all() == []
