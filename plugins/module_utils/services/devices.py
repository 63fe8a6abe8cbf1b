# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The device registry: devices, their credentials, groups and probe results.

``DeviceService`` is the Python API; modules, the inventory plugin and tests all use it.
Every change writes an audit event in the caller's transaction; secrets are encrypted with
a ``SecretBox`` and never leave this layer except through ``get_credentials`` and
``get_credentials_many``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import delete, select, update
from sqlmodel import Session

from ansible_collections.isp.network.plugins.module_utils.errors import (
    ConflictError,
    NotFoundError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.secrets import (
    SecretBox,
    missing_key_error,
)
from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.services.device_fields import (
    check_changes,
    check_name,
)
from ansible_collections.isp.network.plugins.module_utils.services.device_query import (
    device_filters,
    inventory_rows,
)
from ansible_collections.isp.network.plugins.module_utils.services.device_sync import (
    DeviceChange,
    apply_specs,
    load_by_name,
    load_groups_of,
)
from ansible_collections.isp.network.plugins.module_utils.services.device_view import (
    device_to_dict,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.base import utcnow
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import (
    Device,
    DeviceCredential,
    DeviceGroupMember,
    DeviceStatus,
    DeviceType,
    Reachability,
)

__all__ = ["DeviceChange", "DeviceService", "DeviceStatus", "DeviceType", "device_to_dict"]

# Probe results that prove the device answered on its management port.
_SEEN = frozenset({Reachability.REACHABLE, Reachability.LOGIN_FAILED})
# Ids per IN (...) list: well under the bound-parameter limits of SQLite and PostgreSQL.
_CHUNK = 500

# typing.Optional, not X | None: this alias is evaluated at runtime, and module_utils must
# import on the older Pythons ansible-test's pylint judges them against.
Login = tuple[Optional[str], Optional[str], Optional[str]]  # noqa: UP045


class DeviceService:
    """Devices in the store. Every method takes the session of the caller's transaction."""

    @staticmethod
    def create_device(
        session: Session,
        name: str,
        hostname: str,
        ip_address: str | None = None,
        device_type: str = "other",
        username: str | None = None,
        password: str | None = None,
        *,
        box: SecretBox | None = None,
        enable_secret: str | None = None,
        port: int | None = None,
        platform: str | None = None,
        vendor: str | None = None,
        model: str | None = None,
        serial: str | None = None,
        site: str | None = None,
        tenant: str | None = None,
        status: str = "active",
        driver_options: dict[str, Any] | None = None,
        variables: dict[str, Any] | None = None,
        groups: Iterable[str] | None = None,
        actor: str | None = None,
    ) -> Device:
        """Register a new device and return it.

        Raises ValidationError for a bad value, ConflictError when the name is taken, and
        SecretKeyError when a secret is given without the store's key.
        """
        given = {
            "hostname": hostname,
            "ip_address": ip_address,
            "device_type": device_type,
            "username": username,
            "password": password,
            "enable_secret": enable_secret,
            "port": port,
            "platform": platform,
            "vendor": vendor,
            "model": model,
            "serial": serial,
            "site": site,
            "tenant": tenant,
            "status": status,
            "driver_options": driver_options,
            "variables": variables,
            "groups": None if groups is None else list(groups),
        }
        spec = check_changes(check_name(name), {k: v for k, v in given.items() if v is not None})
        if load_by_name(session, [name]):
            raise ConflictError(
                f"device {name!r} already exists; update it instead or choose another name"
            )
        [change] = apply_specs(session, [(None, {"name": name, **spec})], box, actor)
        return change.device

    @staticmethod
    def get_device(session: Session, device_id: int) -> Device:
        """Return the device with ``device_id``; raises NotFoundError when there is none."""
        device = session.get(Device, device_id)
        if device is None:
            raise NotFoundError(
                f"device id {device_id!r} does not exist; list devices with isp.network.device_info"
            )
        return device

    @staticmethod
    def find_device(session: Session, name: str) -> Device | None:
        """Return the device named ``name``, or None."""
        return session.scalars(select(Device).where(Device.name == name)).one_or_none()

    @staticmethod
    def get_device_by_name(session: Session, name: str) -> Device:
        """Return the device named ``name``; raises NotFoundError when there is none."""
        device = DeviceService.find_device(session, name)
        if device is None:
            raise NotFoundError(
                f"device {name!r} does not exist; register it with isp.network.device first"
            )
        return device

    @staticmethod
    def update_device(
        session: Session,
        device_id: int,
        *,
        box: SecretBox | None = None,
        actor: str | None = None,
        **changes: Any,
    ) -> tuple[Device, list[str]]:
        """Apply ``changes`` to a device; return it and the names of the fields that changed.

        A field left out stays as it is; ``None`` clears it. A password equal to the stored
        one is not a change. Raises NotFoundError, ValidationError, ConflictError (a rename
        onto a taken name) or SecretKeyError.
        """
        device = DeviceService.get_device(session, device_id)
        spec = check_changes(device.name, changes)
        new_name = spec.get("name")
        if new_name is not None and new_name != device.name and load_by_name(session, [new_name]):
            raise ConflictError(
                f"device name {new_name!r} is already taken; choose another name for "
                f"{device.name!r}"
            )
        if new_name is None:
            spec.pop("name", None)
        [change] = apply_specs(session, [(device, spec)], box, actor)
        return change.device, change.changed_fields

    @staticmethod
    def delete_device(session: Session, device_id: int, actor: str | None = None) -> None:
        """Delete a device with its credentials and memberships; raises NotFoundError."""
        device = DeviceService.get_device(session, device_id)
        session.execute(delete(DeviceCredential).where(DeviceCredential.device_id == device.id))
        session.execute(delete(DeviceGroupMember).where(DeviceGroupMember.device_id == device.id))
        AuditService.record(session, "device.delete", "device", device.id, device.name, actor=actor)
        session.delete(device)
        session.flush()

    @staticmethod
    def list_devices(
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
    ) -> list[Device]:
        """Return the devices matching every filter given (a list means any of), by name."""
        conditions = device_filters(
            names=names,
            groups=groups,
            device_types=device_types,
            sites=sites,
            tenants=tenants,
            statuses=statuses,
            platforms=platforms,
            vendors=vendors,
        )
        return list(session.scalars(select(Device).where(*conditions).order_by(Device.name)))

    @staticmethod
    def ensure_devices(
        session: Session,
        specs: list[dict[str, Any]],
        box: SecretBox | None,
        actor: str | None = None,
    ) -> list[DeviceChange]:
        """Create or update every device in ``specs``; return one DeviceChange per spec.

        Each spec holds ``name`` and the fields to set (a field left out is left as it is).
        A set-based path: a few queries per thousand devices, not one per device. Raises
        ValidationError (naming the device) before anything is written.
        """
        checked: list[dict[str, Any]] = []
        seen: set[str] = set()
        for spec in specs:
            name = check_name(spec.get("name"))
            if name in seen:
                raise ValidationError(
                    f"device {name!r} appears twice in the list; give each device once"
                )
            seen.add(name)
            fields = {key: value for key, value in spec.items() if key != "name"}
            checked.append({"name": name, **check_changes(name, fields)})

        existing = load_by_name(session, seen)
        pairs = [(existing.get(spec["name"]), spec) for spec in checked]
        return apply_specs(session, pairs, box, actor)

    @staticmethod
    def describe(session: Session, device: Device) -> dict[str, Any]:
        """Return the user-facing dict of ``device``: groups and username, never a secret."""
        credential = session.get(DeviceCredential, device.id)
        groups = load_groups_of(session, [device.id])[device.id]
        return device_to_dict(device, groups, credential)

    @staticmethod
    def set_groups(
        session: Session, device_id: int, groups: Iterable[str], actor: str | None = None
    ) -> list[str]:
        """Make ``groups`` the device's exact group set; return the changed field names."""
        _device, changed = DeviceService.update_device(
            session, device_id, actor=actor, groups=list(groups)
        )
        return changed

    @staticmethod
    def set_status(
        session: Session, device_id: int, status: str, actor: str | None = None
    ) -> list[str]:
        """Set the device's lifecycle status (audited); return the changed field names."""
        _device, changed = DeviceService.update_device(
            session, device_id, actor=actor, status=status
        )
        return changed

    @staticmethod
    def record_probe(
        session: Session,
        device_id: int,
        reachability: str,
        when: datetime | None = None,
    ) -> Device:
        """Record what a probe found; ``last_seen`` moves only when the device answered.

        Raises NotFoundError, or ValidationError for an unknown reachability value.
        """
        device = DeviceService.get_device(session, device_id)
        found = _reachability(reachability)
        when = when or utcnow()
        device.reachability = found
        device.last_checked = when
        if found in _SEEN:
            device.last_seen = when
        session.flush()
        return device

    @staticmethod
    def record_probes(session: Session, outcomes: Mapping[int, tuple[str, datetime | None]]) -> int:
        """Record many probe results, ``{device_id: (reachability, when)}``; return how many.

        Same rules as ``record_probe``, in one UPDATE per reachability and time. Raises
        ValidationError or NotFoundError before anything is written.
        """
        groups: dict[tuple[Reachability, datetime], list[int]] = {}
        now = utcnow()
        for device_id, (reachability, when) in outcomes.items():
            groups.setdefault((_reachability(reachability), when or now), []).append(device_id)
        ids = sorted(outcomes)
        known: set[int] = set()
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            known.update(session.scalars(select(Device.id).where(Device.id.in_(chunk))))
        missing = [device_id for device_id in ids if device_id not in known]
        if missing:
            raise NotFoundError(
                f"device id {missing[0]!r} does not exist ({len(missing)} unknown in all); "
                "list devices with isp.network.device_info"
            )

        for (found, when), members in groups.items():
            values: dict[str, Any] = {"reachability": found, "last_checked": when}
            if found in _SEEN:
                values["last_seen"] = when
            for start in range(0, len(members), _CHUNK):
                chunk = members[start : start + _CHUNK]
                session.execute(update(Device).where(Device.id.in_(chunk)).values(**values))
        session.flush()
        return len(ids)

    @staticmethod
    def get_credentials(
        session: Session, device: Device, box: SecretBox | None
    ) -> tuple[str | None, str | None, str | None]:
        """Return ``(username, password, enable_secret)`` decrypted, for a driver's use only.

        Raises SecretKeyError when secrets are stored and ``box`` is missing or not the
        store's key.
        """
        return DeviceService.get_credentials_many(session, [device], box)[device.id]

    @staticmethod
    def get_credentials_many(
        session: Session, devices: Iterable[Device], box: SecretBox | None
    ) -> dict[int, Login]:
        """Return ``{device_id: (username, password, enable_secret)}`` decrypted, for drivers.

        The key is checked against the store once for the whole batch. Raises SecretKeyError
        before anything is decrypted when secrets are stored and ``box`` is missing or not
        the store's key.
        """
        ids = sorted({device.id for device in devices})
        stored: dict[int, DeviceCredential] = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            rows = session.scalars(
                select(DeviceCredential).where(DeviceCredential.device_id.in_(chunk))
            )
            stored.update({row.device_id: row for row in rows})
        if any(row.password_token or row.enable_secret_token for row in stored.values()):
            if box is None:
                raise missing_key_error()
            box.check_store(session, write=False)

        logins: dict[int, Login] = {}
        for device_id in ids:
            row = stored.get(device_id)
            if row is None:
                logins[device_id] = (None, None, None)
                continue
            password, enable = (
                box.decrypt(token) if token and box else None
                for token in (row.password_token, row.enable_secret_token)
            )
            logins[device_id] = (row.username, password, enable)
        return logins

    inventory_rows = staticmethod(inventory_rows)


def _reachability(value: str) -> Reachability:
    """Return the Reachability named ``value``; raises ValidationError for an unknown one."""
    try:
        return Reachability(value)
    except ValueError:
        raise ValidationError(
            f"reachability {value!r} is not known; use one of "
            f"{', '.join(member.value for member in Reachability)}"
        ) from None
