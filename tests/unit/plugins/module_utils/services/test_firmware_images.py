"""The image library: stored by content hash, registered once, removed only when unused."""

from __future__ import annotations

import hashlib

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
from ansible_collections.isp.network.plugins.module_utils.services.firmware_images import (
    FIRMWARE_PATH_ENV,
    default_firmware_path,
)


@pytest.fixture
def service(tmp_path):
    """A firmware service with its own folder."""
    return FirmwareService(firmware_storage_path=tmp_path / "firmware")


@pytest.fixture
def image_file(tmp_path):
    """A small image file on the controller."""
    path = tmp_path / "isr4400-universalk9.17.12.01.SPA.bin"
    path.write_bytes(b"image body " * 1000)
    return path


def upload(service, session, path, version="17.12.01", **extra):
    """Register ``path`` as an ISR router image."""
    return service.register_firmware(
        session, version, "router", "cisco", ["ISR4451-X/K9"], path, "fixes", **extra
    )


def test_upload_stores_the_file_by_hash_with_its_digests(service, session, image_file):
    data = image_file.read_bytes()

    image, created = upload(service, session, image_file)

    assert created
    assert image.sha256 == hashlib.sha256(data).hexdigest()
    assert image.md5 == hashlib.md5(data).hexdigest()
    assert image.size == len(data) and image.filename == image_file.name
    assert (service.root / image.sha256 / image_file.name).read_bytes() == data
    assert AuditService.list_events(session, action="firmware.register")[0].object_id == str(
        image.id
    )


def test_the_same_file_twice_changes_nothing(service, session, image_file):
    first, _ = upload(service, session, image_file)

    second, created = upload(service, session, image_file)

    assert not created and second.id == first.id
    assert len(service.list_firmware(session)) == 1


def test_the_same_file_with_other_details_is_refused(service, session, image_file):
    upload(service, session, image_file)

    with pytest.raises(ConflictError, match=r"already registered as image .* other version"):
        upload(service, session, image_file, version="17.12.02")


def test_a_file_whose_hash_is_not_the_expected_one_is_refused(service, session, image_file):
    with pytest.raises(ValidationError, match=r"not the expected 0{64}"):
        upload(service, session, image_file, expected_sha256="0" * 64)
    assert service.list_firmware(session) == []


@pytest.mark.parametrize(
    ("version", "device_type", "manufacturer", "message"),
    [
        ("17 12", "router", "cisco", "must be one word"),
        ("", "router", "cisco", "must be one word"),
        ("17.12.01", "toaster", "cisco", "device type 'toaster' is not known"),
        ("17.12.01", "router", " ", "manufacturer"),
    ],
)
def test_bad_details_are_refused(
    service, session, image_file, version, device_type, manufacturer, message
):
    with pytest.raises(ValidationError, match=message):
        service.upload_firmware(session, version, device_type, manufacturer, None, image_file)


def test_an_unreadable_file_is_refused(service, session, tmp_path):
    with pytest.raises(ValidationError, match="cannot be read"):
        upload(service, session, tmp_path / "missing.bin")


def test_remove_deletes_the_row_and_the_file(service, session, image_file):
    image, _ = upload(service, session, image_file)

    service.remove_firmware(session, image.id)

    assert service.list_firmware(session) == []
    assert not (service.root / image.sha256).exists()
    with pytest.raises(NotFoundError, match="firmware image id"):
        service.remove_firmware(session, image.id)


def test_remove_is_refused_while_a_pending_update_uses_the_image(service, session, image_file):
    image, _ = upload(service, session, image_file)
    device = DeviceService.create_device(
        session, "edge1", "192.0.2.1", device_type="router", vendor="cisco", model="ISR4451-X/K9"
    )
    update = service.schedule_update(session, device.id, image.id)

    with pytest.raises(ConflictError, match=f"used by open updates {update.id}"):
        service.remove_firmware(session, image.id)
    service.cancel_update(session, update.id)
    service.remove_firmware(session, image.id)

    assert service.get_update(session, update.id).image_id is None


def test_list_filters_by_model(service, session, image_file, tmp_path):
    upload(service, session, image_file)
    other = tmp_path / "cat9k.bin"
    other.write_bytes(b"switch image")
    service.upload_firmware(session, "17.12.01", "switch", "cisco", "C9300", other)

    assert [i.filename for i in service.list_firmware(session, model="C9300")] == ["cat9k.bin"]
    assert len(service.list_firmware(session, version="17.12.01")) == 2


def test_default_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(FIRMWARE_PATH_ENV, str(tmp_path / "fw"))
    assert default_firmware_path() == tmp_path / "fw"
    assert FirmwareService().root == tmp_path / "fw"
    monkeypatch.delenv(FIRMWARE_PATH_ENV)
    assert default_firmware_path().parts[-2:] == ("isp-network", "firmware")
