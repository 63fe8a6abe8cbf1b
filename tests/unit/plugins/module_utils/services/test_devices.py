"""Contract suite of DeviceService: runs on SQLite and on PostgreSQL (the store_url fixture)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet
from sqlmodel import select

from ansible_collections.isp.network.plugins.module_utils.errors import (
    ConflictError,
    NotFoundError,
    SecretKeyError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.services.devices import (
    DeviceService,
    device_to_dict,
)
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from ansible_collections.isp.network.plugins.module_utils.store.models import (
    AuditEvent,
    DeviceCredential,
    DeviceGroupMember,
)

SECRET = "s3cr3t-Pa55"


@pytest.fixture
def box() -> SecretBox:
    return SecretBox(Fernet.generate_key().decode())


@pytest.fixture
def core1(store_url, box) -> int:
    with session_scope(store_url) as session:
        device = DeviceService.create_device(
            session,
            "core1",
            "core1.lab",
            "192.0.2.1",
            "router",
            "admin",
            SECRET,
            box=box,
            platform="ios",
            site="ams1",
            groups=["core"],
            actor="tester",
        )
        return device.id


def audit_rows(store_url) -> list[AuditEvent]:
    with session_scope(store_url, write=False) as session:
        return list(reversed(AuditService.list_events(session, object_type="device")))


def everything_stored_as_text(store_url) -> str:
    with session_scope(store_url, write=False) as session:
        events = session.exec(select(AuditEvent)).all()
        return json.dumps([event.model_dump(mode="json") for event in events])


def test_create_and_read_back(store_url, core1, box):
    with session_scope(store_url, write=False) as session:
        device = DeviceService.get_device(session, core1)
        assert (device.name, device.hostname, device.ip_address) == (
            "core1",
            "core1.lab",
            "192.0.2.1",
        )
        assert device.device_type == "router"
        assert device.status == "active"
        assert DeviceService.get_device_by_name(session, "core1").id == core1
        assert DeviceService.get_credentials(session, device, box) == ("admin", SECRET, None)
        shown = DeviceService.describe(session, device)
    assert shown["groups"] == ["core"]
    assert shown["username"] == "admin"
    assert shown["has_credentials"] is True
    assert SECRET not in json.dumps(shown)
    assert "password" not in shown


def test_the_password_is_stored_encrypted(store_url, core1):
    with session_scope(store_url, write=False) as session:
        token = session.get(DeviceCredential, core1).password_token
    assert token and SECRET not in token


def test_a_taken_name_is_a_conflict(store_url, core1):
    with pytest.raises(ConflictError) as caught, session_scope(store_url) as session:
        DeviceService.create_device(session, "core1", "other.lab")
    assert str(caught.value) == (
        "device 'core1' already exists; update it instead or choose another name"
    )


@pytest.mark.parametrize(
    ("changes", "sentence"),
    [
        (
            {"ip_address": "300.1.1.1"},
            "ip_address '300.1.1.1' of device 'x' is not an IP address; use an IPv4 or IPv6 "
            "address such as 192.0.2.10",
        ),
        ({"port": 70000}, "port 70000 of device 'x' is not usable; use 1-65535"),
        ({"port": 0}, "port 0 of device 'x' is not usable; use 1-65535"),
        (
            {"device_type": "rooter"},
            "device_type 'rooter' of device 'x' is not known; use one of router, switch, "
            "firewall, olt, access_point, cpe, server, other",
        ),
        ({"status": "gone"}, "status 'gone' of device 'x' is not known; use one of planned"),
        ({"platform": "Cisco IOS"}, "platform 'Cisco IOS' of device 'x' is not a NAPALM driver"),
        ({"colour": "red"}, "device 'x' has no field 'colour'; use one of"),
        ({"hostname": None}, "hostname of device 'x' cannot be empty; give a value"),
        ({"vendor": "v" * 65}, "vendor of device 'x' is 65 characters long; shorten it to 64"),
        ({"variables": []}, "variables of device 'x' is a list; give a dictionary"),
        (
            {"driver_options": {"secret": "en"}},
            "driver option 'secret' of device 'x' would be stored in the clear; set password "
            "or enable_secret instead",
        ),
        ({"groups": "core"}, "groups of device 'x' must be a list of group names"),
        ({"groups": ["a b"]}, "group name 'a b' is not usable"),
    ],
)
def test_bad_values_are_one_sentence_naming_the_value(store_url, changes, sentence):
    with pytest.raises(ValidationError) as caught, session_scope(store_url) as session:
        DeviceService.ensure_devices(session, [{"name": "x", "hostname": "h", **changes}], None)
    assert str(caught.value).startswith(sentence)
    assert "." not in str(caught.value)[-1]


@pytest.mark.parametrize("name", ["", "two words", "tab\tname", None, "x" * 256])
def test_bad_names_are_refused(store_url, name):
    with (
        pytest.raises(ValidationError, match=r"device name .* is not usable"),
        session_scope(store_url) as session,
    ):
        DeviceService.create_device(session, name, "h")


def test_update_reports_only_what_changed(store_url, core1, box):
    with session_scope(store_url) as session:
        _, changed = DeviceService.update_device(
            session, core1, box=box, site="ams2", password=SECRET, username="admin"
        )
    assert changed == ["site"]
    with session_scope(store_url) as session:
        _, changed = DeviceService.update_device(session, core1, box=box, site="ams2")
    assert changed == []
    with session_scope(store_url) as session:
        _, changed = DeviceService.update_device(session, core1, box=box, password="new-one")
        assert (
            DeviceService.get_credentials(session, DeviceService.get_device(session, core1), box)[1]
            == "new-one"
        )
    assert changed == ["password"]


def test_every_change_is_audited_without_secret_values(store_url, core1, box):
    with session_scope(store_url) as session:
        DeviceService.update_device(
            session, core1, box=box, password="n3w-secret", enable_secret="3nable", actor="bob"
        )
    with session_scope(store_url) as session:
        DeviceService.delete_device(session, core1, actor="carol")

    rows = audit_rows(store_url)
    assert [(row.action, row.actor, row.object_name) for row in rows] == [
        ("device.create", "tester", "core1"),
        ("device.update", "bob", "core1"),
        ("device.delete", "carol", "core1"),
    ]
    assert "password" in rows[0].changed_fields
    assert rows[1].changed_fields == ["enable_secret", "password"]
    assert all(row.object_id == str(core1) for row in rows)
    stored = everything_stored_as_text(store_url)
    for secret in (SECRET, "n3w-secret", "3nable"):
        assert secret not in stored


def test_a_failing_transaction_leaves_no_change_and_no_audit_row(store_url, core1, box):
    with pytest.raises(RuntimeError), session_scope(store_url) as session:
        DeviceService.update_device(session, core1, box=box, site="elsewhere")
        raise RuntimeError("the job died")
    with (
        pytest.raises(SecretKeyError, match="no secret key is set"),
        session_scope(store_url) as session,
    ):
        DeviceService.update_device(session, core1, site="other", password="x")

    assert [row.action for row in audit_rows(store_url)] == ["device.create"]
    with session_scope(store_url, write=False) as session:
        assert DeviceService.get_device(session, core1).site == "ams1"


def test_a_secret_without_a_key_stores_nothing(store_url):
    with pytest.raises(SecretKeyError) as caught, session_scope(store_url) as session:
        DeviceService.create_device(session, "r9", "h", password="plain")
    assert str(caught.value).startswith("no secret key is set; set ISP_NETWORK_SECRET_KEY")
    with session_scope(store_url, write=False) as session:
        assert DeviceService.find_device(session, "r9") is None
        assert session.exec(select(DeviceCredential)).all() == []


def test_rename_onto_a_taken_name_is_a_conflict(store_url, core1):
    with session_scope(store_url) as session:
        DeviceService.create_device(session, "edge1", "h")
    with pytest.raises(ConflictError) as caught, session_scope(store_url) as session:
        DeviceService.update_device(session, core1, name="edge1")
    assert str(caught.value) == (
        "device name 'edge1' is already taken; choose another name for 'core1'"
    )


def test_missing_devices_are_not_found(store_url):
    with session_scope(store_url) as session:
        with pytest.raises(NotFoundError, match=r"^device id 404 does not exist; list devices"):
            DeviceService.get_device(session, 404)
        with pytest.raises(NotFoundError, match=r"^device 'ghost' does not exist; register it"):
            DeviceService.get_device_by_name(session, "ghost")


def test_delete_removes_credentials_and_memberships(store_url, core1):
    with session_scope(store_url) as session:
        DeviceService.delete_device(session, core1)
    with session_scope(store_url, write=False) as session:
        assert DeviceService.find_device(session, "core1") is None
        assert session.exec(select(DeviceCredential)).all() == []
        assert session.exec(select(DeviceGroupMember)).all() == []


def test_list_filters_any_of_within_all_of_across(store_url):
    with session_scope(store_url) as session:
        DeviceService.ensure_devices(
            session,
            [
                {"name": "r1", "hostname": "h", "device_type": "router", "site": "a"},
                {"name": "r2", "hostname": "h", "device_type": "router", "site": "b"},
                {
                    "name": "s1",
                    "hostname": "h",
                    "device_type": "switch",
                    "site": "a",
                    "vendor": "v",
                },
                {"name": "f1", "hostname": "h", "device_type": "firewall", "groups": ["edge"]},
            ],
            None,
        )
    with session_scope(store_url, write=False) as session:

        def names(**filters):
            return [device.name for device in DeviceService.list_devices(session, **filters)]

        assert names() == ["f1", "r1", "r2", "s1"]
        assert names(device_types=["router", "switch"]) == ["r1", "r2", "s1"]
        assert names(device_types=["router"], sites=["a"]) == ["r1"]
        assert names(groups=["edge"]) == ["f1"]
        assert names(statuses=["planned"]) == []
        assert names(vendors=["v", "w"]) == ["s1"]
        assert names(vendors=["v"], sites=["b"]) == []


def test_bulk_reports_created_updated_unchanged(store_url, box):
    specs = [
        {"name": "a", "hostname": "a.lab", "password": "pa", "groups": ["g1"]},
        {"name": "b", "hostname": "b.lab", "username": "u"},
    ]
    with session_scope(store_url) as session:
        first = DeviceService.ensure_devices(session, specs, box, "bulk")
    assert [(c.name, c.action) for c in first] == [("a", "created"), ("b", "created")]
    assert first[0].changed_fields == ["groups", "hostname", "name", "password"]

    specs[1] = {"name": "b", "hostname": "b2.lab", "username": "u"}
    with session_scope(store_url) as session:
        second = DeviceService.ensure_devices(session, specs, box, "bulk")
    assert [(c.name, c.action, c.changed_fields) for c in second] == [
        ("a", "unchanged", []),
        ("b", "updated", ["hostname"]),
    ]
    assert second[1].before["hostname"] == "b.lab"
    assert second[1].shown()["hostname"] == "b2.lab"
    assert [row.action for row in audit_rows(store_url)] == [
        "device.create",
        "device.create",
        "device.update",
    ]


def test_bulk_refuses_a_name_given_twice(store_url):
    with pytest.raises(ValidationError) as caught, session_scope(store_url) as session:
        DeviceService.ensure_devices(
            session, [{"name": "a", "hostname": "h"}, {"name": "a", "hostname": "h"}], None
        )
    assert str(caught.value) == "device 'a' appears twice in the list; give each device once"


def test_a_new_device_connects_to_its_address_by_default(store_url):
    with session_scope(store_url) as session:
        [change] = DeviceService.ensure_devices(
            session, [{"name": "n", "ip_address": "2001:db8::0001"}], None
        )
    assert change.device.hostname == "2001:db8::1"


def test_inventory_rows_give_every_field_but_secrets(store_url, core1, box):
    with session_scope(store_url, write=False) as session:
        [row] = DeviceService.inventory_rows(session)
        [with_secrets] = DeviceService.inventory_rows(session, box=box)
        assert DeviceService.inventory_rows(session, groups=["nope"]) == []
        assert [r["name"] for r in DeviceService.inventory_rows(session, sites=["ams1"])] == [
            "core1"
        ]
        assert DeviceService.inventory_rows(session, vendors=["cisco"]) == []
        device = DeviceService.get_device(session, core1)
        assert row == device_to_dict(device, ["core"], session.get(DeviceCredential, device.id))
    assert row["groups"] == ["core"]
    assert row["device_type"] == "router"
    assert SECRET not in json.dumps(row)
    assert (with_secrets["password"], with_secrets["enable_secret"]) == (SECRET, None)


def test_probes_move_last_seen_only_when_the_device_answered(store_url, core1):
    seen = datetime(2025, 1, 1, tzinfo=UTC)
    later = datetime(2025, 1, 2, tzinfo=UTC)
    with session_scope(store_url) as session:
        DeviceService.record_probe(session, core1, "reachable", seen)
        device = DeviceService.record_probe(session, core1, "unreachable", later)
        assert (device.last_seen, device.last_checked) == (seen, later)
        with pytest.raises(ValidationError, match="reachability 'maybe' is not known"):
            DeviceService.record_probe(session, core1, "maybe")
    with session_scope(store_url, write=False) as session:
        shown = DeviceService.describe(session, DeviceService.get_device(session, core1))
    assert shown["reachability"] == "unreachable"
    assert shown["last_seen"] == "2025-01-01T00:00:00+00:00"


def test_status_and_groups_helpers(store_url, core1):
    with session_scope(store_url) as session:
        assert DeviceService.set_status(session, core1, "maintenance") == ["status"]
        assert DeviceService.set_groups(session, core1, ["edge", "core"]) == ["groups"]
        assert DeviceService.set_groups(session, core1, ["core", "edge"]) == []
        assert DeviceService.describe(session, DeviceService.get_device(session, core1))[
            "groups"
        ] == ["core", "edge"]


def test_credentials_need_the_key(store_url, core1):
    with session_scope(store_url, write=False) as session:
        device = DeviceService.get_device(session, core1)
        with pytest.raises(SecretKeyError, match="no secret key is set"):
            DeviceService.get_credentials(session, device, None)
