# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading many devices at once: the filters every listing shares, and the inventory rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlmodel import Session

from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
from ansible_collections.isp.network.plugins.module_utils.services.device_view import (
    VIEW_FIELDS,
    row_to_dict,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import (
    Device,
    DeviceCredential,
    DeviceGroup,
    DeviceGroupMember,
)
from ansible_collections.isp.network.plugins.module_utils.store.tenancy import device_conditions


def device_filters(
    *,
    names: Iterable[str] | None = None,
    groups: Iterable[str] | None = None,
    device_types: Iterable[str] | None = None,
    sites: Iterable[str] | None = None,
    tenants: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    platforms: Iterable[str] | None = None,
    vendors: Iterable[str] | None = None,
) -> list[ColumnElement[bool]]:
    """Return the WHERE conditions for the filters given: a list is any of, filters are all of."""
    table = Device.__table__.c
    conditions: list[ColumnElement[bool]] = []
    for column, values in (
        (table.name, names),
        (table.device_type, device_types),
        (table.site, sites),
        (table.tenant, tenants),
        (table.status, statuses),
        (table.platform, platforms),
        (table.vendor, vendors),
    ):
        if values:
            conditions.append(column.in_([str(value) for value in values]))
    if groups:
        members = (
            select(DeviceGroupMember.device_id)
            .join(DeviceGroup, DeviceGroup.id == DeviceGroupMember.group_id)
            .where(DeviceGroup.name.in_(list(groups)))
        )
        conditions.append(table.id.in_(members))
    return conditions


def inventory_rows(
    session: Session,
    *,
    names: Iterable[str] | None = None,
    groups: Iterable[str] | None = None,
    device_types: Iterable[str] | None = None,
    sites: Iterable[str] | None = None,
    tenants: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    platforms: Iterable[str] | None = None,
    vendors: Iterable[str] | None = None,
    box: SecretBox | None = None,
) -> list[dict[str, Any]]:
    """Return every device matching the filters as a plain dict, ordered by name.

    Three queries whatever the number of devices (devices, memberships, credentials). Each
    filter is a list meaning "any of"; several filters mean "all of". One dict per device::

        {"id": 1, "name": "core1", "hostname": "core1.example.net",
         "ip_address": "192.0.2.1",      # or None
         "port": 22,                      # or None (the driver's default)
         "device_type": "router", "platform": "ios",          # platform may be None
         "vendor": "cisco", "model": "ISR4331", "serial": "FDO1234",   # each may be None
         "site": "ams1", "tenant": "core", "status": "active",          # site/tenant may be None
         "software_version": None,
         "driver_options": {}, "variables": {"ntp": "192.0.2.123"},
         "reachability": "unknown",      # unknown | reachable | unreachable | login_failed
         "last_seen": "2025-01-31T12:00:00+00:00",   # ISO 8601 or None; so are the next three
         "last_checked": None, "created_at": "...", "updated_at": "...",
         "groups": ["core", "edge"],     # sorted group names
         "username": "admin",            # or None; usernames are not secret
         "has_credentials": True,        # a password is stored
         "has_enable_secret": False}

    Only when ``box`` is given, each dict also holds ``"password"`` and ``"enable_secret"``
    (decrypted text or None); raises SecretKeyError when ``box`` is not the store's key.
    Within a tenant scope, only that tenant's devices.
    """
    conditions = device_conditions(session) + device_filters(
        names=names,
        groups=groups,
        device_types=device_types,
        sites=sites,
        tenants=tenants,
        statuses=statuses,
        platforms=platforms,
        vendors=vendors,
    )
    table = Device.__table__
    matching = select(table.c.id).where(*conditions)

    groups_of: dict[int, list[str]] = defaultdict(list)
    member_rows = session.execute(
        select(DeviceGroupMember.device_id, DeviceGroup.name)
        .join(DeviceGroup, DeviceGroup.id == DeviceGroupMember.group_id)
        .where(DeviceGroupMember.device_id.in_(matching))
    )
    for device_id, group in member_rows:
        groups_of[device_id].append(group)

    if box is not None:
        box.check_store(session, write=False)
    credential_rows = session.execute(
        select(
            DeviceCredential.device_id,
            DeviceCredential.username,
            DeviceCredential.password_token,
            DeviceCredential.enable_secret_token,
        ).where(DeviceCredential.device_id.in_(matching))
    )
    credentials = {row[0]: row[1:] for row in credential_rows}

    columns = [table.c[name] for name in VIEW_FIELDS]
    rows: list[dict[str, Any]] = []
    for values in session.execute(select(*columns).where(*conditions).order_by(table.c.name)):
        mapping = values._mapping
        username, password, enable = credentials.get(mapping["id"], (None, None, None))
        row = row_to_dict(
            mapping, groups_of.get(mapping["id"], ()), username, bool(password), bool(enable)
        )
        if box is not None:
            row["password"] = box.decrypt(password) if password else None
            row["enable_secret"] = box.decrypt(enable) if enable else None
        rows.append(row)
    return rows
