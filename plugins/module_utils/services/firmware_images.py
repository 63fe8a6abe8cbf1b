# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The image library: image files kept once per content in the firmware folder.

An image lives at ``<firmware folder>/<sha256>/<file name>``; its row records the version,
device type, manufacturer, the models it fits, size, md5 and sha256. Registering the same
file again changes nothing; removing an image is refused while an open update needs it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from ansible_collections.isp.network.plugins.module_utils.errors import (
    ConflictError,
    NotFoundError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import DeviceType
from ansible_collections.isp.network.plugins.module_utils.store.models.firmware import (
    FirmwareImage,
    FirmwareUpdate,
)

FIRMWARE_PATH_ENV = "ISP_NETWORK_FIRMWARE_PATH"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class FileDigest:
    """What a file on the controller holds: its name, size and hashes."""

    path: Path
    size: int
    md5: str
    sha256: str


@dataclass(frozen=True)
class ImageSpec:
    """What a caller says about an image file it registers."""

    version: str
    device_type: str
    manufacturer: str
    models: tuple[str, ...] = ()
    release_notes: str | None = None


def default_firmware_path() -> Path:
    """Return the firmware folder: ``ISP_NETWORK_FIRMWARE_PATH``, else the user data dir's."""
    configured = os.environ.get(FIRMWARE_PATH_ENV)
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("isp-network", appauthor=False)) / "firmware"


def digest_file(path: str | Path) -> FileDigest:
    """Return the size, md5 and sha256 of a file; raises ValidationError when unreadable."""
    source = Path(path).expanduser()
    md5 = hashlib.md5(usedforsecurity=False)
    sha256 = hashlib.sha256()
    size = 0
    try:
        with source.open("rb") as handle:
            while piece := handle.read(_CHUNK):
                md5.update(piece)
                sha256.update(piece)
                size += len(piece)
    except OSError as exc:
        raise ValidationError(
            f"firmware file {str(source)!r} cannot be read ({type(exc).__name__}); check the "
            "path on the controller and its permissions"
        ) from None
    return FileDigest(source, size, md5.hexdigest(), sha256.hexdigest())


def check_spec(spec: ImageSpec) -> ImageSpec:
    """Return ``spec`` with its fields trimmed; raises ValidationError for a bad value."""
    version = (spec.version or "").strip()
    if not version or any(char.isspace() for char in version):
        raise ValidationError(
            f"firmware version {spec.version!r} must be one word such as 17.12.01; correct it"
        )
    known = [member.value for member in DeviceType]
    if spec.device_type not in known:
        raise ValidationError(
            f"device type {spec.device_type!r} is not known; use one of {', '.join(known)}"
        )
    manufacturer = (spec.manufacturer or "").strip()
    if not manufacturer:
        raise ValidationError("the manufacturer of a firmware image is empty; give it, e.g. cisco")
    models = tuple(sorted({model.strip() for model in spec.models if model and model.strip()}))
    return ImageSpec(version, spec.device_type, manufacturer, models, spec.release_notes)


def find_by_sha256(session: Session, sha256: str) -> FirmwareImage | None:
    """Return the image with content hash ``sha256``, or None."""
    query = select(FirmwareImage).where(FirmwareImage.sha256 == sha256.lower())
    return session.scalars(query).one_or_none()


def get_image(session: Session, image_id: int) -> FirmwareImage:
    """Return image ``image_id``; raises NotFoundError."""
    image = session.get(FirmwareImage, image_id)
    if image is None:
        raise NotFoundError(
            f"firmware image id {image_id!r} does not exist; list images with "
            "isp.network.firmware_info"
        )
    return image


def list_images(
    session: Session,
    *,
    version: str | None = None,
    device_type: str | None = None,
    manufacturer: str | None = None,
    model: str | None = None,
) -> list[FirmwareImage]:
    """Return the images matching every filter given, by version then id."""
    query = select(FirmwareImage)
    if version:
        query = query.where(FirmwareImage.version == version)
    if device_type:
        query = query.where(FirmwareImage.device_type == device_type)
    if manufacturer:
        query = query.where(FirmwareImage.manufacturer == manufacturer)
    images = list(session.scalars(query.order_by(FirmwareImage.version, FirmwareImage.id)))
    if model:
        images = [image for image in images if not image.models or model in image.models]
    return images


def planned_conflict(image: FirmwareImage, spec: ImageSpec) -> list[str]:
    """Return the fields in which ``spec`` differs from the registered ``image``."""
    wanted = {
        "version": spec.version,
        "device_type": spec.device_type,
        "manufacturer": spec.manufacturer,
        "models": list(spec.models),
    }
    differing = [name for name, value in wanted.items() if getattr(image, name) != value]
    if spec.release_notes is not None and spec.release_notes != image.release_notes:
        differing.append("release_notes")
    return differing


def register_image(
    session: Session,
    root: Path,
    spec: ImageSpec,
    source: str | Path,
    *,
    expected_sha256: str | None = None,
    actor: str | None = None,
) -> tuple[FirmwareImage, bool]:
    """Copy ``source`` into the firmware folder and record it; return it and whether it is new.

    Raises ValidationError (bad value, unreadable file, hash not the expected one) and
    ConflictError (the same content is registered with other details).
    """
    spec = check_spec(spec)
    digest = digest_file(source)
    if expected_sha256 and expected_sha256.strip().lower() != digest.sha256:
        raise ValidationError(
            f"firmware file {str(digest.path)!r} has sha256 {digest.sha256}, not the expected "
            f"{expected_sha256.strip().lower()}; check the download and run again"
        )
    existing = find_by_sha256(session, digest.sha256)
    if existing is not None:
        differing = planned_conflict(existing, spec)
        if differing:
            raise ConflictError(
                f"firmware file {digest.path.name!r} is already registered as image "
                f"{existing.id} (version {existing.version}) with other "
                f"{', '.join(differing)}; remove that image first or give the same details"
            )
        return existing, False

    relative = Path(digest.sha256) / digest.path.name
    store_file(digest, root / relative)
    image = FirmwareImage(
        version=spec.version,
        device_type=spec.device_type,
        manufacturer=spec.manufacturer,
        models=list(spec.models),
        release_notes=spec.release_notes,
        filename=digest.path.name,
        storage_path=str(relative),
        size=digest.size,
        md5=digest.md5,
        sha256=digest.sha256,
        created_by=actor,
    )
    session.add(image)
    session.flush()
    AuditService.record(
        session,
        "firmware.register",
        "firmware_image",
        image.id,
        f"{image.version} {image.filename}",
        actor=actor,
        details={"sha256": image.sha256, "size": image.size, "models": image.models},
    )
    return image, True


def store_file(digest: FileDigest, target: Path) -> None:
    """Copy the file into the firmware folder (atomically); a complete copy is kept as is."""
    if target.is_file() and target.stat().st_size == digest.size:
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        shutil.copyfile(digest.path, partial)
        partial.replace(target)
    except OSError as exc:
        raise ValidationError(
            f"firmware folder {str(target.parent)!r} cannot take the image "
            f"({type(exc).__name__}); check its free space and permissions, or set "
            f"{FIRMWARE_PATH_ENV}"
        ) from None


def open_updates(session: Session, image_id: int) -> list[FirmwareUpdate]:
    """Return the updates that still need image ``image_id`` (not finished nor cancelled)."""
    from ansible_collections.isp.network.plugins.module_utils.services.firmware_states import (
        OPEN_STATES,
    )

    query = select(FirmwareUpdate).where(
        FirmwareUpdate.image_id == image_id, FirmwareUpdate.state.in_(OPEN_STATES)
    )
    return list(session.scalars(query))


def remove_image(
    session: Session, root: Path, image: FirmwareImage, *, actor: str | None = None
) -> None:
    """Delete ``image`` and its file; raises ConflictError while an open update needs it."""
    pending = open_updates(session, image.id)
    if pending:
        ids = ", ".join(str(update.id) for update in pending[:10])
        raise ConflictError(
            f"firmware image {image.id} (version {image.version}) is used by open updates "
            f"{ids}; cancel or finish them before removing the image"
        )
    AuditService.record(
        session,
        "firmware.remove",
        "firmware_image",
        image.id,
        f"{image.version} {image.filename}",
        actor=actor,
        details={"sha256": image.sha256},
    )
    # The history keeps its copies of the target's version, name and md5.
    for row in session.scalars(select(FirmwareUpdate).where(FirmwareUpdate.image_id == image.id)):
        row.image_id = None
    session.delete(image)
    session.flush()
    path = root / image.storage_path
    path.unlink(missing_ok=True)
    if path.parent != root and path.parent.is_dir() and not any(path.parent.iterdir()):
        path.parent.rmdir()


def image_file(root: Path, image: FirmwareImage) -> Path:
    """Return the path of ``image``'s file; raises NotFoundError when it is missing."""
    path = root / image.storage_path
    if not path.is_file():
        raise NotFoundError(
            f"the file of firmware image {image.id} ({image.filename}) is missing from "
            f"{str(root)!r}; register the file again, or point the firmware path at the folder "
            "that holds it"
        )
    return path
