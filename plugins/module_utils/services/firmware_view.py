# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How images and updates are shown to users: plain dicts, and a summary table of updates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from ansible_collections.isp.network.plugins.module_utils.services.firmware_states import (
    remaining_steps,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.firmware import (
    FirmwareImage,
    FirmwareUpdate,
)

TABLE_COLUMNS = ("id", "device", "from", "to", "state", "step", "attempts", "error")


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def image_to_dict(image: FirmwareImage) -> dict[str, Any]:
    """Return the user-facing dict of an image."""
    return {
        "id": image.id,
        "version": image.version,
        "device_type": image.device_type,
        "manufacturer": image.manufacturer,
        "models": list(image.models),
        "filename": image.filename,
        "storage_path": image.storage_path,
        "size": image.size,
        "md5": image.md5,
        "sha256": image.sha256,
        "release_notes": image.release_notes,
        "created_by": image.created_by,
        "created_at": _when(image.created_at),
    }


def update_to_dict(row: FirmwareUpdate, device_name: str | None) -> dict[str, Any]:
    """Return the status of an update: state, steps with their times, and what remains."""
    return {
        "id": row.id,
        "device": device_name,
        "device_id": row.device_id,
        "image_id": row.image_id,
        "state": row.state.value,
        "current_step": row.current_step,
        "remaining_steps": remaining_steps(row.state),
        "scheduled_at": _when(row.scheduled_at),
        "window_end": _when(row.window_end),
        "attempts": row.attempts,
        "error": row.error,
        "target_version": row.target_version,
        "target_image": row.target_image,
        "previous_version": row.previous_version,
        "previous_image": row.previous_image,
        "backup_config_id": row.backup_config_id,
        "steps": [dict(record) for record in row.steps],
        "snapshot": dict(row.snapshot or {}),
        "locked_by": row.locked_by,
        "created_by": row.created_by,
        "created_at": _when(row.created_at),
        "started_at": _when(row.started_at),
        "finished_at": _when(row.finished_at),
        "updated_at": _when(row.updated_at),
    }


def summary_table(updates: Iterable[Mapping[str, Any]]) -> list[str]:
    """Return the updates as the lines of a plain-text table (header, rule, one row each)."""
    rows = [
        [
            str(update["id"]),
            str(update["device"]),
            str(update.get("previous_version") or "-"),
            str(update["target_version"]),
            str(update["state"]),
            str(update.get("current_step") or "-"),
            str(update["attempts"]),
            " ".join(str(update.get("error") or "").split())[:80] or "-",
        ]
        for update in updates
    ]
    cells = [list(TABLE_COLUMNS), *rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(TABLE_COLUMNS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return [line.rstrip() for line in lines]
