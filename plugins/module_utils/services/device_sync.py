# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bringing devices to a wanted state, one or ten thousand at a time.

Every caller (create, update, the bulk form) goes through ``apply_specs``: it loads what it
needs with one query per table, compares, writes the differences in batches, and records
one audit event per device that changed, all in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select
from sqlmodel import Session

from ansible_collections.isp.network.plugins.module_utils.errors import ConflictError
from ansible_collections.isp.network.plugins.module_utils.secrets import (
    SecretBox,
    missing_key_error,
)
from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.services.device_fields import (
    DEVICE_FIELDS,
    SECRET_FIELDS,
)
from ansible_collections.isp.network.plugins.module_utils.services.device_view import (
    device_to_dict,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.base import utcnow
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import (
    Device,
    DeviceCredential,
    DeviceGroup,
    DeviceGroupMember,
    DeviceStatus,
    DeviceType,
    Reachability,
)
from ansible_collections.isp.network.plugins.module_utils.store.tenancy import (
    UNSCOPED,
    scope_of,
    tenant_for,
)

# Values per IN (...) list: far below SQLite's and PostgreSQL's parameter limits.
CHUNK = 1000
_TOKEN_COLUMN = {"password": "password_token", "enable_secret": "enable_secret_token"}
_NEW_CREDENTIAL = {"username": None, "password_token": None, "enable_secret_token": None}
# What a new device row holds for the columns a spec leaves out (all rows share one shape,
# so that they insert as one batch).
_NEW_DEVICE_DEFAULTS: dict[str, Any] = {
    **dict.fromkeys(DEVICE_FIELDS),
    "device_type": DeviceType.OTHER,
    "status": DeviceStatus.ACTIVE,
    "reachability": Reachability.UNKNOWN,
    "last_seen": None,
    "last_checked": None,
}


@dataclass
class DeviceChange:
    """What happened to one device: ``action`` is created, updated or unchanged.

    ``before`` is the device as it was shown before an update; None when it was created
    or left unchanged.
    """

    name: str
    action: str
    changed_fields: list[str]
    device: Device | None
    before: dict[str, Any] | None
    groups: list[str]
    credential: DeviceCredential | None
    secrets_changed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Return True when the device was created or updated."""
        return self.action != "unchanged"

    def shown(self) -> dict[str, Any]:
        """Return the device as users see it after the change (no secrets)."""
        return device_to_dict(self.device, self.groups, self.credential)


@dataclass
class _Related:
    credentials: dict[int, DeviceCredential]
    groups_of: dict[int, set[str]]


@dataclass
class _Pending:
    change: DeviceChange
    credential: dict[str, Any]
    groups: set[str] | None
    # The columns of a device to insert; None for a stored device.
    row: dict[str, Any] | None = None


def chunks(values: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    """Yield ``values`` in slices of at most ``size``."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def load_by_name(session: Session, names: Iterable[str]) -> dict[str, Device]:
    """Return the stored devices among ``names``, by name (one query per CHUNK names)."""
    found: dict[str, Device] = {}
    for part in chunks(sorted(set(names))):
        for device in session.scalars(select(Device).where(Device.name.in_(part))):
            found[device.name] = device
    return found


def load_groups_of(session: Session, device_ids: list[int]) -> dict[int, set[str]]:
    """Return the group names of each device in ``device_ids``."""
    groups_of: dict[int, set[str]] = {device_id: set() for device_id in device_ids}
    for part in chunks(device_ids):
        rows = session.execute(
            select(DeviceGroupMember.device_id, DeviceGroup.name)
            .join(DeviceGroup, DeviceGroup.id == DeviceGroupMember.group_id)
            .where(DeviceGroupMember.device_id.in_(part))
        )
        for device_id, group in rows:
            groups_of[device_id].add(group)
    return groups_of


def ensure_groups(session: Session, names: Iterable[str], actor: str | None) -> dict[str, int]:
    """Return the id of every group in ``names``, creating (and auditing) the missing ones."""
    wanted = sorted(set(names))
    ids: dict[str, int] = {}
    for part in chunks(wanted):
        query = select(DeviceGroup.name, DeviceGroup.id).where(DeviceGroup.name.in_(part))
        ids.update((name, group_id) for name, group_id in session.execute(query))
    missing = [DeviceGroup(name=name) for name in wanted if name not in ids]
    if missing:
        session.add_all(missing)
        session.flush()
        for group in missing:
            ids[group.name] = group.id
            AuditService.record(
                session, "device_group.create", "device_group", group.id, group.name, actor=actor
            )
    return ids


def apply_specs(
    session: Session,
    specs: list[tuple[Device | None, dict[str, Any]]],
    box: SecretBox | None,
    actor: str | None,
) -> list[DeviceChange]:
    """Create or update every ``(device, spec)`` pair; return one DeviceChange per pair.

    ``device`` is the stored row or None to create one named ``spec["name"]``; a spec holds
    validated fields only, and a field it leaves out is left as it is. Within a tenant
    scope, new devices get the scope's tenant. Raises SecretKeyError before anything is
    written when a secret is given without the store's key, ValidationError when a spec
    names another tenant than the scope's, ConflictError when a new device's name is taken
    by a device outside the scope.
    """
    specs = _scoped(session, specs)
    if any(spec.get(name) is not None for _device, spec in specs for name in SECRET_FIELDS):
        if box is None:
            raise missing_key_error()
        box.check_store(session)

    existing_ids = [device.id for device, _spec in specs if device is not None]
    related = _load_related(session, existing_ids)
    pending = [_compare(device, spec, related, box) for device, spec in specs]

    session.flush()
    _insert_devices(session, [item for item in pending if item.row is not None])
    _write_credentials(session, pending, related, box)
    _write_memberships(session, pending, related, actor)
    AuditService.record_many(
        session,
        (
            {
                "action": "device.create" if change.action == "created" else "device.update",
                "object_type": "device",
                "object_id": change.device.id,
                "object_name": change.name,
                "changed_fields": change.changed_fields,
            }
            for change in (item.change for item in pending)
            if change.changed
        ),
        actor=actor,
    )
    return [item.change for item in pending]


def _scoped(
    session: Session, specs: list[tuple[Device | None, dict[str, Any]]]
) -> list[tuple[Device | None, dict[str, Any]]]:
    """Return ``specs`` with the tenant scope applied; check that new names are free."""
    if scope_of(session) is None:
        return specs
    scoped = []
    new_names = []
    for device, spec in specs:
        name = spec.get("name") or device.name
        if device is None or "tenant" in spec:
            spec = {**spec, "tenant": tenant_for(session, spec.get("tenant"), f"device {name!r}")}
        if device is None or name != device.name:
            new_names.append(name)
        scoped.append((device, spec))
    for part in chunks(sorted(new_names)):
        query = select(Device.name).where(Device.name.in_(part))
        taken = session.scalars(query.execution_options(**{UNSCOPED: True})).first()
        if taken is not None:
            raise ConflictError(
                f"device name {taken!r} is already taken in the store; choose another name"
            )
    return scoped


def _insert_devices(session: Session, created: list[_Pending]) -> None:
    # An ORM bulk INSERT ... RETURNING: batched, and far cheaper than building each model.
    if not created:
        return
    # Matched back by name: asking for rows in parameter order would make SQLite insert
    # them one statement at a time.
    statement = insert(Device).returning(Device)
    by_name = {
        device.name: device for device in session.scalars(statement, [item.row for item in created])
    }
    for item in created:
        item.change.device = by_name[item.change.name]


def _load_related(session: Session, device_ids: list[int]) -> _Related:
    credentials: dict[int, DeviceCredential] = {}
    for part in chunks(device_ids):
        query = select(DeviceCredential).where(DeviceCredential.device_id.in_(part))
        credentials.update((row.device_id, row) for row in session.scalars(query))
    return _Related(credentials, load_groups_of(session, device_ids))


def _compare(
    device: Device | None, spec: dict[str, Any], related: _Related, box: SecretBox | None
) -> _Pending:
    if device is None:
        return _new_device(spec)

    credential = related.credentials.get(device.id)
    current_groups = related.groups_of.get(device.id, set())
    fields = {
        name: spec[name]
        for name in ("name", *DEVICE_FIELDS)
        if name in spec and getattr(device, name) != spec[name]
    }
    wanted_credential = _credential_changes(credential, spec, box)
    groups = None
    if "groups" in spec and set(spec["groups"]) != current_groups:
        groups = set(spec["groups"])
    changed = [*fields, *wanted_credential, *(["groups"] if groups is not None else [])]

    before = None
    if changed:
        before = device_to_dict(device, current_groups, credential)
        for name, value in fields.items():
            setattr(device, name, value)
        device.updated_at = utcnow()

    change = DeviceChange(
        name=device.name,
        action="updated" if changed else "unchanged",
        changed_fields=sorted(changed),
        device=device,
        before=before,
        groups=sorted(current_groups if groups is None else groups),
        credential=credential,
        secrets_changed=sorted(set(wanted_credential) & set(SECRET_FIELDS)),
    )
    return _Pending(change, wanted_credential, groups)


def _new_device(spec: dict[str, Any]) -> _Pending:
    values = {name: spec[name] for name in DEVICE_FIELDS if spec.get(name) is not None}
    values.setdefault("hostname", spec.get("ip_address") or spec["name"])
    now = utcnow()
    row = {
        **_NEW_DEVICE_DEFAULTS,
        "driver_options": {},
        "variables": {},
        **values,
        "name": spec["name"],
        "created_at": now,
        "updated_at": now,
    }
    credential = {name: spec[name] for name in SECRET_FIELDS if spec.get(name) is not None}
    if spec.get("username") is not None:
        credential["username"] = spec["username"]
    groups = set(spec.get("groups") or ())
    change = DeviceChange(
        name=spec["name"],
        action="created",
        changed_fields=sorted({"name", *values, *credential, *(["groups"] if groups else [])}),
        device=None,
        before=None,
        groups=sorted(groups),
        credential=None,
        secrets_changed=sorted(set(credential) & set(SECRET_FIELDS)),
    )
    return _Pending(change, credential, groups or None, row)


def _credential_changes(
    credential: DeviceCredential | None, spec: dict[str, Any], box: SecretBox | None
) -> dict[str, Any]:
    """Return the credential fields of ``spec`` that differ from the stored ones."""
    changes: dict[str, Any] = {}
    if "username" in spec and (credential.username if credential else None) != spec["username"]:
        changes["username"] = spec["username"]
    for name in SECRET_FIELDS:
        if name not in spec:
            continue
        token = getattr(credential, _TOKEN_COLUMN[name]) if credential else None
        wanted = spec[name]
        if token is None and wanted is None:
            continue
        if token is None or wanted is None or box.decrypt(token) != wanted:
            changes[name] = wanted
    return changes


def _write_credentials(
    session: Session, pending: list[_Pending], related: _Related, box: SecretBox | None
) -> None:
    new_rows: list[dict[str, Any]] = []
    new_items: list[_Pending] = []
    for item in pending:
        if not item.credential:
            continue
        values: dict[str, Any] = {"updated_at": utcnow()}
        if "username" in item.credential:
            values["username"] = item.credential["username"]
        for name in SECRET_FIELDS:
            if name in item.credential:
                secret = item.credential[name]
                values[_TOKEN_COLUMN[name]] = None if secret is None else box.encrypt(secret)
        stored = related.credentials.get(item.change.device.id)
        if stored is None:
            new_rows.append({**_NEW_CREDENTIAL, **values, "device_id": item.change.device.id})
            new_items.append(item)
        else:
            for column, value in values.items():
                setattr(stored, column, value)
            item.change.credential = stored
    if new_rows:
        statement = insert(DeviceCredential).returning(DeviceCredential)
        created = {row.device_id: row for row in session.scalars(statement, new_rows)}
        for item in new_items:
            item.change.credential = created[item.change.device.id]


def _write_memberships(
    session: Session, pending: list[_Pending], related: _Related, actor: str | None
) -> None:
    regrouped = [item for item in pending if item.groups is not None]
    if not regrouped:
        return
    group_ids = ensure_groups(session, {name for item in regrouped for name in item.groups}, actor)
    added: list[dict[str, int]] = []
    for item in regrouped:
        device_id = item.change.device.id
        current = related.groups_of.get(device_id, set())
        added.extend(
            {"group_id": group_ids[name], "device_id": device_id}
            for name in sorted(item.groups - current)
        )
        removed = [group_ids.get(name) for name in current - item.groups]
        if removed:
            session.execute(
                delete(DeviceGroupMember).where(
                    DeviceGroupMember.device_id == device_id,
                    DeviceGroupMember.group_id.in_(removed),
                )
            )
    if added:
        session.execute(insert(DeviceGroupMember), added)
