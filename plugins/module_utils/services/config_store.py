# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stored device configurations: versions per device and kind, history, and diffs.

Versions count up per device and kind. Storing content identical to the latest of its kind
returns that row instead of a new one, so rendering or backing up twice changes nothing.
"""

from __future__ import annotations

import difflib
from typing import Any

from sqlmodel import Session, select

from ansible_collections.isp.network.plugins.module_utils.errors import (
    ConflictError,
    NotFoundError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.services.audit import (
    AuditService,
    current_actor,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_secrets import (
    mask_secrets,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_templates import sha256
from ansible_collections.isp.network.plugins.module_utils.store.models.base import utcnow
from ansible_collections.isp.network.plugins.module_utils.store.models.config import (
    CAPTURED_KINDS,
    ConfigKind,
    ConfigState,
    ConfigTemplate,
    DeviceConfiguration,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import Device


def parse_kind(kind: str | ConfigKind) -> ConfigKind:
    """Return ``kind`` as a ConfigKind; raises ValidationError naming the known kinds."""
    try:
        return ConfigKind(kind)
    except ValueError:
        known = ", ".join(member.value for member in ConfigKind)
        raise ValidationError(f"configuration kind {kind!r} is not one of {known}") from None


def device_by_name(session: Session, name: str) -> Device:
    """Return the device called ``name``; raises NotFoundError."""
    device = session.exec(select(Device).where(Device.name == name)).first()
    if device is None:
        raise NotFoundError(
            f"device {name!r} is not in the store; register it with isp.network.device first"
        )
    return device


def get_device(session: Session, device_id: int, *, lock: bool = False) -> Device:
    """Return device ``device_id``, row-locked on PostgreSQL when ``lock``; raises NotFoundError."""
    query = select(Device).where(Device.id == device_id)
    if lock:
        query = query.with_for_update()
    device = session.exec(query).first()
    if device is None:
        raise NotFoundError(f"device id {device_id} is not in the store; check the device")
    return device


def latest_configuration(
    session: Session, device_id: int, kind: str | ConfigKind = ConfigKind.INTENDED
) -> DeviceConfiguration | None:
    """Return the newest configuration of ``kind`` for the device, or None."""
    query = (
        select(DeviceConfiguration)
        .where(DeviceConfiguration.device_id == device_id)
        .where(DeviceConfiguration.kind == parse_kind(kind))
        .order_by(DeviceConfiguration.version.desc())
        .limit(1)
    )
    return session.exec(query).first()


def newest_if_same(
    session: Session, device_id: int, content: str, kind: str | ConfigKind
) -> DeviceConfiguration | None:
    """Return the newest configuration of ``kind`` when it holds ``content``, else None.

    Storing ``content`` would then return this row and create nothing.
    """
    latest = latest_configuration(session, device_id, kind)
    return latest if latest is not None and latest.content_hash == sha256(content) else None


def store_configuration(
    session: Session,
    device_id: int,
    content: str,
    *,
    kind: str | ConfigKind = ConfigKind.INTENDED,
    version: int | None = None,
    template: ConfigTemplate | None = None,
    variables: dict[str, Any] | None = None,
    actor: str | None = None,
) -> tuple[DeviceConfiguration, bool]:
    """Store a configuration for a device; return it and whether a new row was created.

    Content identical to the newest of its kind returns that row. ``version`` may pin the
    version number; it must be above the newest. Raises NotFoundError, ConflictError.
    """
    kind = parse_kind(kind)
    device = get_device(session, device_id, lock=True)
    latest = latest_configuration(session, device_id, kind)
    content_hash = sha256(content)
    if version is not None:
        pinned = session.exec(
            select(DeviceConfiguration).where(
                DeviceConfiguration.device_id == device_id,
                DeviceConfiguration.kind == kind,
                DeviceConfiguration.version == version,
            )
        ).first()
        if pinned is not None and pinned.content_hash == content_hash:
            return pinned, False
        if pinned is not None or (latest is not None and version <= latest.version):
            raise ConflictError(
                f"device {device.name!r} already has {kind.value} configuration version "
                f"{latest.version if latest else version}; store this one as a later version"
            )
    elif latest is not None and latest.content_hash == content_hash:
        return latest, False

    next_version = version or (latest.version + 1 if latest else 1)
    values = row_values(
        device.id,
        kind,
        content,
        content_hash,
        template,
        variables,
        actor or current_actor(),
        next_version,
    )
    row = DeviceConfiguration(**values)
    session.add(row)
    session.flush()
    AuditService.record(session, **audit_values(device.name, row.id, values))
    return row, True


def row_values(
    device_id: int,
    kind: ConfigKind,
    content: str,
    content_hash: str,
    template: ConfigTemplate | None,
    variables: dict[str, Any] | None,
    actor: str,
    version: int,
) -> dict[str, Any]:
    """Return the column values of a new configuration row."""
    return {
        "device_id": device_id,
        "kind": kind,
        "version": version,
        "state": ConfigState.CAPTURED if kind in CAPTURED_KINDS else ConfigState.DRAFT,
        "content": content,
        "content_hash": content_hash,
        "template_id": template.id if template else None,
        "template_name": template.name if template else None,
        "template_version": template.version if template else None,
        "template_hash": template.content_hash if template else None,
        "variables": variables or {},
        "created_by": actor,
        "created_at": utcnow(),
    }


def audit_values(device_name: str, row_id: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Return the arguments of the audit event that records storing one configuration."""
    kind = ConfigKind(values["kind"]).value
    return {
        "action": "device_configuration.store",
        "object_type": "device_configuration",
        "object_id": row_id,
        "object_name": f"{device_name} {kind} v{values['version']}",
        "actor": values["created_by"],
        "changed_fields": ["content"],
        "details": {
            "device": device_name,
            "kind": kind,
            "version": values["version"],
            "content_hash": values["content_hash"],
            "template": values["template_name"],
            "template_version": values["template_version"],
        },
    }


def history(
    session: Session,
    device_id: int,
    kind: str | ConfigKind | None = None,
    limit: int | None = None,
) -> list[DeviceConfiguration]:
    """Return the device's stored configurations (of ``kind``, when given), newest first.

    ``limit`` keeps the newest ``limit`` of them; raises ValidationError when it is below 1.
    """
    if limit is not None and limit < 1:
        raise ValidationError(f"limit {limit} is not a number of history entries; give 1 or more")
    query = select(DeviceConfiguration).where(DeviceConfiguration.device_id == device_id)
    if kind is not None:
        query = query.where(DeviceConfiguration.kind == parse_kind(kind))
    query = query.order_by(DeviceConfiguration.created_at.desc(), DeviceConfiguration.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query))


def get_configuration(
    session: Session,
    device_id: int,
    version: int | None = None,
    kind: str | ConfigKind = ConfigKind.INTENDED,
) -> DeviceConfiguration:
    """Return the device's configuration of ``kind`` at ``version`` (newest when None).

    Raises NotFoundError naming the device, the kind and the version.
    """
    kind = parse_kind(kind)
    if version is None:
        row = latest_configuration(session, device_id, kind)
    else:
        row = session.exec(
            select(DeviceConfiguration).where(
                DeviceConfiguration.device_id == device_id,
                DeviceConfiguration.kind == kind,
                DeviceConfiguration.version == version,
            )
        ).first()
    if row is None:
        device = get_device(session, device_id)
        which = "" if version is None else f" version {version}"
        raise NotFoundError(
            f"device {device.name!r} has no {kind.value} configuration{which}; list its "
            "history with isp.network.config_info"
        )
    return row


def diff_texts(before: str, after: str, before_label: str, after_label: str) -> str:
    """Return the unified diff that turns ``before`` into ``after`` ("" when equal), with the
    secret values of its lines masked (``config_secrets``).
    """
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=before_label,
        tofile=after_label,
    )
    return mask_secrets("".join(line if line.endswith("\n") else line + "\n" for line in lines))


def describe(config: DeviceConfiguration, device_name: str) -> str:
    """Return how diffs label a configuration: ``r1 intended v3``."""
    return f"{device_name} {ConfigKind(config.kind).value} v{config.version}"


def diff_configurations(
    session: Session, before: DeviceConfiguration, after: DeviceConfiguration
) -> str:
    """Return the unified diff from one stored configuration to another."""
    names = {
        device.id: device.name
        for device in session.exec(
            select(Device).where(Device.id.in_({before.device_id, after.device_id}))
        )
    }
    return diff_texts(
        before.content,
        after.content,
        describe(before, names.get(before.device_id, "?")),
        describe(after, names.get(after.device_id, "?")),
    )


def configuration_to_dict(
    config: DeviceConfiguration, device_name: str | None = None, *, content: bool = True
) -> dict[str, Any]:
    """Return a stored configuration as plain data for module results."""
    data = {
        "id": config.id,
        "device": device_name,
        "device_id": config.device_id,
        "kind": ConfigKind(config.kind).value,
        "version": config.version,
        "state": ConfigState(config.state).value,
        "content_hash": config.content_hash,
        "template": config.template_name,
        "template_version": config.template_version,
        "template_hash": config.template_hash,
        "variables": config.variables,
        "created_by": config.created_by,
        "created_at": config.created_at.isoformat() if config.created_at else None,
        "applied_by": config.applied_by,
        "applied_at": config.applied_at.isoformat() if config.applied_at else None,
        "diff": config.diff,
        "error": config.error,
    }
    if content:
        data["content"] = config.content
    return data
