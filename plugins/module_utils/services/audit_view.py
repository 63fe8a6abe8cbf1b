# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How audit events are shown to users, and how users give times to filter them by."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError
from ansible_collections.isp.network.plugins.module_utils.store.models.audit import AuditEvent


def event_to_dict(event: AuditEvent) -> dict[str, Any]:
    """Return the user-facing dict of an audit event (times in ISO 8601)."""
    return {
        "time": event.created_at.isoformat(),
        "actor": event.actor,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_name": event.object_name,
        "changed_fields": list(event.changed_fields),
        "details": dict(event.details),
    }


def parse_time(option: str, value: str | None) -> datetime | None:
    """Return ``value`` as an aware UTC time (naive means UTC); raises ValidationError."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(
            f"{option} {value!r} is not a time; use ISO 8601 such as 2025-01-31T12:00:00Z"
        ) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
