# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Device groups: named sets of devices with variables the inventory gives their members."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlmodel import Session

from ansible_collections.isp.network.plugins.module_utils.errors import (
    ConflictError,
    NotFoundError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.services.device_fields import (
    check_name,
)
from ansible_collections.isp.network.plugins.module_utils.services.device_sync import (
    chunks,
    load_by_name,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.base import utcnow
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import (
    Device,
    DeviceGroup,
    DeviceGroupMember,
)
from ansible_collections.isp.network.plugins.module_utils.store.tenancy import scope_of


@dataclass
class GroupChange:
    """What happened to a group: ``action`` is created, updated, unchanged, deleted or absent."""

    name: str
    action: str
    changed_fields: list[str]
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def changed(self) -> bool:
        """Return True when the group was created, updated or deleted."""
        return self.action in ("created", "updated", "deleted")


def group_to_dict(group: DeviceGroup, members: Iterable[str]) -> dict[str, Any]:
    """Return the user-facing dict of a group: name, description, variables, member names."""
    return {
        "name": group.name,
        "description": group.description,
        "variables": dict(group.variables or {}),
        "members": sorted(members),
    }


class DeviceGroupService:
    """Device groups in the store; each method takes the caller's session."""

    @staticmethod
    def list_groups(session: Session, names: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Return every group (or those in ``names``) as dicts, by name; two queries in all."""
        query = select(DeviceGroup).order_by(DeviceGroup.name)
        if names:
            query = query.where(DeviceGroup.name.in_(list(names)))
        groups = list(session.scalars(query))
        members: dict[int, list[str]] = defaultdict(list)
        rows = session.execute(
            select(DeviceGroupMember.group_id, Device.name)
            .join(Device, Device.id == DeviceGroupMember.device_id)
            .where(DeviceGroupMember.group_id.in_([group.id for group in groups]))
        )
        for group_id, device in rows:
            members[group_id].append(device)
        return [group_to_dict(group, members[group.id]) for group in groups]

    @staticmethod
    def group_variables(
        session: Session, names: Iterable[str] | None = None
    ) -> dict[str, dict[str, Any]]:
        """Return ``{group name: variables}`` of every group, or of those in ``names``.

        Names that are not groups are left out; one query per thousand names.
        """
        columns = select(DeviceGroup.name, DeviceGroup.variables)
        if names is None:
            queries = [columns]
        else:
            queries = [
                columns.where(DeviceGroup.name.in_(part)) for part in chunks(sorted(set(names)))
            ]
        return {
            name: dict(variables or {})
            for query in queries
            for name, variables in session.execute(query)
        }

    @staticmethod
    def ensure_group(
        session: Session,
        name: str,
        *,
        description: str | None = None,
        variables: dict[str, Any] | None = None,
        members: Iterable[str] | None = None,
        actor: str | None = None,
    ) -> GroupChange:
        """Create or update a group; an argument left as None is left as it is.

        ``members`` is the exact set of device names. Raises ValidationError for a bad
        name or variables, NotFoundError for a member that is not registered.
        """
        check_name(name, "group")
        if variables is not None and not isinstance(variables, dict):
            raise ValidationError(f"variables of group {name!r} must be a dictionary")
        group = session.scalars(select(DeviceGroup).where(DeviceGroup.name == name)).one_or_none()
        created = group is None
        if created:
            group = DeviceGroup(name=name, variables={})
            session.add(group)
            session.flush()
        current = _member_names(session, group.id)
        before = None if created else group_to_dict(group, current)
        if not created and (
            (description is not None and group.description != description)
            or (variables is not None and group.variables != variables)
            or (members is not None and set(members) != current)
        ):
            _check_all_members_in_scope(session, group)

        changed = ["name"] if created else []
        if description is not None and group.description != description:
            group.description = description
            changed.append("description")
        if variables is not None and group.variables != variables:
            group.variables = dict(variables)
            changed.append("variables")
        if members is not None:
            wanted = {check_name(member) for member in members}
            if wanted != current:
                _set_members(session, group, name, wanted, current)
                changed.append("members")
                current = wanted
        if changed:
            group.updated_at = utcnow()
            action = "create" if created else "update"
            AuditService.record(
                session,
                f"device_group.{action}",
                "device_group",
                group.id,
                name,
                actor=actor,
                changed_fields=changed,
            )
        session.flush()
        action = "created" if created else ("updated" if changed else "unchanged")
        return GroupChange(name, action, sorted(changed), before, group_to_dict(group, current))

    @staticmethod
    def delete_group(session: Session, name: str, actor: str | None = None) -> GroupChange:
        """Delete a group (its members stay registered); return what happened."""
        group = session.scalars(select(DeviceGroup).where(DeviceGroup.name == name)).one_or_none()
        if group is None:
            return GroupChange(name, "absent", [], None, None)
        before = group_to_dict(group, _member_names(session, group.id))
        _check_all_members_in_scope(session, group)
        session.execute(delete(DeviceGroupMember).where(DeviceGroupMember.group_id == group.id))
        AuditService.record(
            session, "device_group.delete", "device_group", group.id, name, actor=actor
        )
        session.delete(group)
        session.flush()
        return GroupChange(name, "deleted", [], before, None)


def _check_all_members_in_scope(session: Session, group: DeviceGroup) -> None:
    """Raise ConflictError when a scoped session would change a group holding others' devices.

    Those devices' variables and memberships are not the scope's to change.
    """
    scope = scope_of(session)
    if scope is None:
        return
    devices = Device.__table__.c
    outside = session.execute(
        select(func.count())
        .select_from(DeviceGroupMember.__table__.join(Device.__table__))
        .where(
            DeviceGroupMember.__table__.c.group_id == group.id,
            (devices.tenant != scope) | devices.tenant.is_(None),
        )
    ).scalar_one()
    if outside:
        raise ConflictError(
            f"group {group.name!r} also holds devices outside tenant scope {scope!r}; "
            "ask an operator without a tenant scope to change or delete it"
        )


def _member_names(session: Session, group_id: int) -> set[str]:
    rows = session.execute(
        select(Device.name)
        .join(DeviceGroupMember, DeviceGroupMember.device_id == Device.id)
        .where(DeviceGroupMember.group_id == group_id)
    )
    return {row[0] for row in rows}


def _set_members(
    session: Session, group: DeviceGroup, name: str, wanted: set[str], current: set[str]
) -> None:
    devices = load_by_name(session, wanted | current)
    missing = sorted(wanted - set(devices))
    if missing:
        raise NotFoundError(
            f"device {missing[0]!r} named in the members of group {name!r} does not exist; "
            "register it with isp.network.device first"
        )
    removed = [devices[member].id for member in current - wanted]
    if removed:
        session.execute(
            delete(DeviceGroupMember).where(
                DeviceGroupMember.group_id == group.id, DeviceGroupMember.device_id.in_(removed)
            )
        )
    added = [{"group_id": group.id, "device_id": devices[member].id} for member in wanted - current]
    if added:
        session.execute(insert(DeviceGroupMember), added)
