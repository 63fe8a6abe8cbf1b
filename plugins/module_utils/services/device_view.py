# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How a device is shown to users: plain JSON-ready dictionaries that never hold a secret."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import Enum
from typing import Any

from ansible_collections.isp.network.plugins.module_utils.services.device_fields import (
    DEVICE_FIELDS,
    SECRET_FIELDS,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import (
    Device,
    DeviceCredential,
)

# Every column shown, in order; the timestamps that change on every write are left out of diffs.
VIEW_FIELDS = (
    "id",
    "name",
    *DEVICE_FIELDS,
    "reachability",
    "last_seen",
    "last_checked",
    "created_at",
    "updated_at",
)
_NOT_IN_DIFF = frozenset({"id", "updated_at", "created_at", "last_checked", "last_seen"})
# How a secret appears in a diff: whether it is set, and whether this run changes it.
SECRET_SET = "(set)"
SECRET_CHANGED = "(changed)"


def plain(value: Any) -> Any:
    """Return ``value`` as JSON-ready data: enums as their value, times as ISO 8601."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def row_to_dict(
    values: Mapping[str, Any],
    groups: Iterable[str],
    username: str | None,
    has_password: bool,
    has_enable_secret: bool,
) -> dict[str, Any]:
    """Return the user-facing dict of a device from its column ``values`` (no secrets)."""
    shown = {field: plain(values[field]) for field in VIEW_FIELDS}
    shown["groups"] = sorted(groups)
    shown["username"] = username
    shown["has_credentials"] = has_password
    shown["has_enable_secret"] = has_enable_secret
    return shown


def device_to_dict(
    device: Device, groups: Iterable[str] = (), credential: DeviceCredential | None = None
) -> dict[str, Any]:
    """Return the user-facing dict of ``device``: every field but its secrets."""
    return row_to_dict(
        {field: getattr(device, field) for field in VIEW_FIELDS},
        groups,
        credential.username if credential else None,
        bool(credential and credential.password_token),
        bool(credential and credential.enable_secret_token),
    )


def diff_view(shown: dict[str, Any] | None, secrets_changed: Iterable[str] = ()) -> dict[str, Any]:
    """Return the part of a shown device that a ``--diff`` compares, with secret markers.

    A secret appears as ``(set)`` when it is stored, and ``(changed)`` in the "after" view
    of a run that changes it; its value never appears.
    """
    if shown is None:
        return {}
    view = {key: value for key, value in shown.items() if key not in _NOT_IN_DIFF}
    flags = {"password": shown["has_credentials"], "enable_secret": shown["has_enable_secret"]}
    changed = set(secrets_changed)
    for field in SECRET_FIELDS:
        if field in changed:
            view[field] = SECRET_CHANGED if flags[field] else None
        elif flags[field]:
            view[field] = SECRET_SET
    return view


# The words every module reports with, by what happened to an object.
RESULT_WORDS = {
    "created": "created",
    "updated": "updated",
    "unchanged": "already exists",
    "deleted": "deleted",
    "absent": "already absent",
}


def change_report(change: Any) -> dict[str, Any]:
    """Return the per-device result of a DeviceChange: name, result word, changed fields."""
    return {
        "name": change.name,
        "result": RESULT_WORDS[change.action],
        "changed": change.changed,
        "changed_fields": change.changed_fields,
    }


def change_diff(change: Any) -> dict[str, Any]:
    """Return the ``before`` / ``after`` views of a DeviceChange, secrets as markers only."""
    after = change.shown()
    before = change.before if change.action == "updated" else None
    if change.action == "unchanged":
        before = after
    return {"before": diff_view(before), "after": diff_view(after, change.secrets_changed)}
