# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Scheduling updates: compatibility checked at once, cancel while pending, what is due.

A device has at most one open update; scheduling the same image again returns that update.
Updates that are due are the scheduled ones whose time has come and whose window is still
open, and the started ones whose runner has gone (they resume where they stopped).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlmodel import Session, select

from ansible_collections.isp.network.plugins.module_utils.errors import (
    ConflictError,
    NotFoundError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.services.firmware_states import (
    OPEN_STATES,
    holder_is_gone,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.base import utcnow
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import Device
from ansible_collections.isp.network.plugins.module_utils.store.models.firmware import (
    FirmwareImage,
    FirmwareUpdate,
    UpdateState,
)


def parse_time(value: datetime | str | None, what: str) -> datetime | None:
    """Return ``value`` as an aware UTC datetime (naive means UTC); raises ValidationError."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError(
                f"{what} {value!r} is not a date and time; use ISO 8601 such as "
                "2025-03-01T02:00:00Z"
            ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def runs_version(software_version: str | None, version: str) -> bool:
    """Return True when a device's recorded software version names ``version``."""
    if not software_version:
        return False
    pattern = rf"(?<![\w.]){re.escape(version)}(?![\w.])"
    return software_version == version or re.search(pattern, software_version) is not None


def compatibility_problems(device: Device, image: FirmwareImage) -> list[str]:
    """Return why ``image`` cannot go on ``device`` (empty when it fits)."""
    problems = []
    device_type = getattr(device.device_type, "value", device.device_type)
    if device_type != image.device_type:
        problems.append(f"the image is for {image.device_type}s, the device is a {device_type}")
    models = {model.lower() for model in image.models}
    if models and (device.model or "").lower() not in models:
        problems.append(
            f"the image fits models {', '.join(image.models)}, the device is a "
            f"{device.model or 'device of unknown model'}"
        )
    vendor = (device.vendor or "").lower()
    if vendor and vendor != image.manufacturer.lower():
        problems.append(f"the image is by {image.manufacturer}, the device by {device.vendor}")
    if runs_version(device.software_version, image.version):
        problems.append(f"the device already runs {image.version}")
    return problems


def open_update_of(session: Session, device_id: int) -> FirmwareUpdate | None:
    """Return the device's open (not ended) update, or None."""
    query = select(FirmwareUpdate).where(
        FirmwareUpdate.device_id == device_id, FirmwareUpdate.state.in_(OPEN_STATES)
    )
    return session.exec(query.order_by(FirmwareUpdate.id)).first()


def schedule_update(
    session: Session,
    device: Device,
    image: FirmwareImage,
    scheduled_time: datetime | str | None = None,
    *,
    window_end: datetime | str | None = None,
    actor: str | None = None,
) -> tuple[FirmwareUpdate, bool]:
    """Schedule ``image`` onto ``device``; return the update and whether it was created.

    Raises ValidationError (bad time, image does not fit) and ConflictError (another update
    of the device is open).
    """
    start = parse_time(scheduled_time, "scheduled time") or utcnow()
    end = parse_time(window_end, "window end")
    if end is not None and end <= start:
        raise ValidationError(
            f"the maintenance window of device {device.name!r} ends ({end:%Y-%m-%d %H:%M} UTC) "
            f"before it starts ({start:%Y-%m-%d %H:%M} UTC); give a later window end"
        )
    session.exec(select(Device).where(Device.id == device.id).with_for_update()).first()
    existing = open_update_of(session, device.id)
    if existing is not None:
        if existing.image_id == image.id:
            return existing, False
        raise ConflictError(
            f"device {device.name!r} already has open firmware update {existing.id} (to "
            f"{existing.target_version}, {existing.state.value}); cancel or finish it first"
        )
    problems = compatibility_problems(device, image)
    if problems:
        raise ValidationError(
            f"firmware {image.version} (image {image.id}) does not fit device {device.name!r}: "
            f"{'; '.join(problems)}; choose another image or device"
        )

    row = FirmwareUpdate(
        device_id=device.id,
        image_id=image.id,
        scheduled_at=start,
        window_end=end,
        target_version=image.version,
        target_image=image.filename,
        target_md5=image.md5,
        target_size=image.size,
        created_by=actor,
    )
    session.add(row)
    session.flush()
    AuditService.record(
        session,
        "firmware.schedule",
        "firmware_update",
        row.id,
        device.name,
        actor=actor,
        details={
            "image_id": image.id,
            "version": image.version,
            "scheduled_at": start.isoformat(),
            "window_end": end.isoformat() if end else None,
        },
    )
    return row, True


def get_update(session: Session, update_id: int) -> FirmwareUpdate:
    """Return update ``update_id``; raises NotFoundError."""
    row = session.get(FirmwareUpdate, update_id)
    if row is None:
        raise NotFoundError(
            f"firmware update {update_id!r} does not exist; list updates with "
            "isp.network.firmware_update_info"
        )
    return row


def cancel_update(
    session: Session, row: FirmwareUpdate, device_name: str, *, actor: str | None = None
) -> bool:
    """Cancel a scheduled update; return whether it changed (False when already cancelled).

    Raises ConflictError when the update has started or ended.
    """
    if row.state == UpdateState.CANCELLED:
        return False
    if row.state != UpdateState.SCHEDULED or row.attempts:
        raise ConflictError(
            f"firmware update {row.id} of device {device_name!r} is {row.state.value}, not "
            "pending; only scheduled updates can be cancelled (a started one resumes or rolls "
            "back with isp.network.firmware_upgrade)"
        )
    row.state = UpdateState.CANCELLED
    row.finished_at = row.updated_at = utcnow()
    row.locked_by = row.locked_until = None
    AuditService.record(
        session,
        "firmware.cancel",
        "firmware_update",
        row.id,
        device_name,
        actor=actor,
        changed_fields=["state"],
        details={"version": row.target_version},
    )
    session.flush()
    return True


def due_updates(session: Session, now: datetime | None = None) -> list[FirmwareUpdate]:
    """Return the updates a runner should work on now, by scheduled time.

    Scheduled ones whose time has come and whose window is open, and started ones whose
    runner has gone (lease expired or holder exited), which resume.
    """
    now = now or utcnow()
    query = select(FirmwareUpdate).where(FirmwareUpdate.state.in_(OPEN_STATES))
    due = []
    for row in session.exec(query.order_by(FirmwareUpdate.scheduled_at, FirmwareUpdate.id)):
        if row.state == UpdateState.SCHEDULED and row.attempts == 0:
            if row.scheduled_at <= now and (row.window_end is None or row.window_end > now):
                due.append(row)
            continue
        free = row.locked_by is None or holder_is_gone(row.locked_by)
        if free or (row.locked_until is not None and row.locked_until <= now):
            due.append(row)
    return due


def list_updates(
    session: Session,
    *,
    device_id: int | None = None,
    states: list[str] | None = None,
    limit: int | None = None,
) -> list[FirmwareUpdate]:
    """Return updates matching the filters, newest first (the history)."""
    query = select(FirmwareUpdate)
    if device_id is not None:
        query = query.where(FirmwareUpdate.device_id == device_id)
    if states:
        query = query.where(FirmwareUpdate.state.in_([parse_state(s) for s in states]))
    query = query.order_by(FirmwareUpdate.created_at.desc(), FirmwareUpdate.id.desc())
    if limit:
        query = query.limit(limit)
    return list(session.exec(query))


def parse_state(state: str) -> UpdateState:
    """Return ``state`` as an UpdateState; raises ValidationError naming the known states."""
    try:
        return UpdateState(state)
    except ValueError:
        known = ", ".join(member.value for member in UpdateState)
        raise ValidationError(f"update state {state!r} is not one of {known}") from None
