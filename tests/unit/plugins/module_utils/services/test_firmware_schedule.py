"""Scheduling: compatibility checked at once, one open update per device, cancel, due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ansible_collections.isp.network.plugins.module_utils.errors import (
    ConflictError,
    NotFoundError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.services.firmware import (
    FirmwareService,
)
from ansible_collections.isp.network.plugins.module_utils.services.firmware_schedule import (
    runs_version,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.firmware import (
    UpdateState,
)

NOW = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def service(tmp_path):
    """A firmware service with its own folder."""
    return FirmwareService(firmware_storage_path=tmp_path / "firmware")


@pytest.fixture
def image(service, session, tmp_path):
    """An ISR router image, version 17.12.01."""
    path = tmp_path / "isr.bin"
    path.write_bytes(b"isr image")
    return service.upload_firmware(session, "17.12.01", "router", "cisco", ["ISR4451-X/K9"], path)


def add_device(session, name="edge1", **fields):
    """Register a device that fits the ISR image unless ``fields`` say otherwise."""
    running = fields.pop("software_version", None)
    values = {"device_type": "router", "vendor": "cisco", "model": "ISR4451-X/K9", **fields}
    device = DeviceService.create_device(session, name, "192.0.2.1", **values)
    device.software_version = running
    return device


def test_schedule_records_the_target_and_audits(service, session, image):
    device = add_device(session)

    update = service.schedule_update(session, device.id, image.id, "2025-03-01T02:00:00Z")

    assert update.state == UpdateState.SCHEDULED
    assert update.scheduled_at == NOW
    assert (update.target_version, update.target_md5) == ("17.12.01", image.md5)
    event = AuditService.list_events(session, action="firmware.schedule")[0]
    assert event.object_name == "edge1" and event.details["version"] == "17.12.01"


def test_scheduling_the_same_image_again_returns_the_open_update(service, session, image):
    device = add_device(session)
    first = service.schedule_update(session, device.id, image.id)

    again, created = service.schedule(session, device.id, image.id)

    assert not created and again.id == first.id


def test_another_open_update_of_the_device_is_a_conflict(service, session, image, tmp_path):
    device = add_device(session)
    service.schedule_update(session, device.id, image.id)
    other = tmp_path / "other.bin"
    other.write_bytes(b"other")
    newer = service.upload_firmware(session, "17.15.01", "router", "cisco", [], other)

    with pytest.raises(ConflictError, match="already has open firmware update"):
        service.schedule_update(session, device.id, newer.id)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"device_type": "switch"}, "the image is for routers, the device is a switch"),
        ({"model": "ASR1001-X"}, "fits models ISR4451-X/K9, the device is a ASR1001-X"),
        ({"vendor": "juniper"}, "the image is by cisco, the device by juniper"),
        ({"software_version": "17.12.01"}, "already runs 17.12.01"),
    ],
)
def test_an_image_that_does_not_fit_is_refused_at_once(service, session, image, fields, message):
    device = add_device(session, **fields)

    with pytest.raises(ValidationError, match=message):
        service.schedule_update(session, device.id, image.id)


@pytest.mark.parametrize(
    ("recorded", "expected"),
    [
        ("17.12.01", True),
        ("Cisco IOS XE Software, Version 17.12.01, RELEASE", True),
        ("17.12.01a", False),
        ("17.12.011", False),
        (None, False),
    ],
)
def test_runs_version(recorded, expected):
    assert runs_version(recorded, "17.12.01") is expected


def test_bad_times_are_refused(service, session, image):
    device = add_device(session)

    with pytest.raises(ValidationError, match="is not a date and time"):
        service.schedule_update(session, device.id, image.id, "tomorrow")
    with pytest.raises(ValidationError, match=r"ends .* before it starts"):
        service.schedule_update(
            session, device.id, image.id, NOW, window_end=NOW - timedelta(hours=1)
        )


def test_unknown_device_and_image(service, session, image):
    with pytest.raises(NotFoundError, match="device id 999"):
        service.schedule_update(session, 999, image.id)
    with pytest.raises(NotFoundError, match="firmware image id 998"):
        service.schedule_update(session, add_device(session).id, 998)


def test_cancel_while_pending_then_again_is_no_change(service, session, image):
    update = service.schedule_update(session, add_device(session).id, image.id)

    assert service.cancel_update(session, update.id) is True
    assert service.cancel_update(session, update.id) is False
    assert service.get_update(session, update.id).state == UpdateState.CANCELLED
    assert AuditService.list_events(session, action="firmware.cancel")[0].object_id == str(
        update.id
    )


def test_a_started_update_cannot_be_cancelled(service, session, image):
    update = service.schedule_update(session, add_device(session).id, image.id)
    update.state = UpdateState.STAGED
    update.attempts = 1

    with pytest.raises(ConflictError, match="is staged, not pending"):
        service.cancel_update(session, update.id)


def test_due_lists_what_has_come_and_what_was_interrupted(service, session, image):
    early = service.schedule_update(session, add_device(session, "r1").id, image.id, NOW)
    later = service.schedule_update(
        session, add_device(session, "r2").id, image.id, NOW + timedelta(hours=2)
    )
    missed = service.schedule_update(
        session,
        add_device(session, "r3").id,
        image.id,
        NOW - timedelta(hours=3),
        window_end=NOW - timedelta(hours=1),
    )
    broken = service.schedule_update(session, add_device(session, "r4").id, image.id, NOW)
    broken.state, broken.attempts = UpdateState.STAGED, 1
    broken.locked_by, broken.locked_until = "gone-host:1:x", NOW - timedelta(minutes=1)
    session.flush()

    due = service.list_due_updates(session, NOW + timedelta(minutes=5))

    assert [row["id"] for row in due] == [early.id, broken.id]
    assert {later.id, missed.id}.isdisjoint(row["id"] for row in due)
    assert due[1]["device"] == "r4" and due[1]["remaining_steps"][0] == "activate"


def test_history_and_status(service, session, image):
    device = add_device(session)
    first = service.schedule_update(session, device.id, image.id)
    service.cancel_update(session, first.id)
    second = service.schedule_update(session, device.id, image.id)

    history = service.get_update_history(session, device.id)
    status = service.get_update_status(session, second.id)

    assert [row["id"] for row in history] == [second.id, first.id]
    assert [row["state"] for row in history] == ["scheduled", "cancelled"]
    assert status["remaining_steps"] == [
        "precheck",
        "backup",
        "stage",
        "activate",
        "verify",
        "complete",
    ]
    with pytest.raises(ValidationError, match="update state 'done' is not one of"):
        service.get_update_history(session, states=["done"])
