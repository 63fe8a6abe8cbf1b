# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What an apply that was stopped half way did to its device, decided on the next apply.

Just before a bulk apply commits on a device, it stores the backup it took and an
``applied`` row in state ``in_progress``, in a transaction of its own; the outcome replaces
that state once it is known. A process killed in between (SIGKILL, a lost controller)
leaves the row ``in_progress``. The next apply to the device reads the running
configuration before it changes anything, and ``settle`` judges each left-over row by it:
the device holds the row's lines (``applied``), it still runs the backup taken before that
commit (``failed``: none of it is in place), or neither (``failed``, naming the backup to
restore).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.services.config_compliance import (
    compare_configs,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.base import utcnow
from ansible_collections.isp.network.plugins.module_utils.store.models.config import (
    ConfigKind,
    ConfigState,
    DeviceConfiguration,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import Device

NOT_REACHED = (
    "the apply was stopped before it recorded an outcome, and the device still runs the "
    "configuration it had before: none of this change is in place; apply it again"
)


def interrupted(session: Session, device_id: int) -> list[DeviceConfiguration]:
    """Return the device's applied rows left ``in_progress``, oldest first."""
    query = (
        select(DeviceConfiguration)
        .where(DeviceConfiguration.device_id == device_id)
        .where(DeviceConfiguration.kind == ConfigKind.APPLIED)
        .where(DeviceConfiguration.state == ConfigState.IN_PROGRESS)
        .order_by(DeviceConfiguration.version)
    )
    return list(session.exec(query))


def settle(session: Session, device_id: int, running: str, actor: str) -> list[DeviceConfiguration]:
    """Give every ``in_progress`` row of the device the outcome ``running`` shows.

    ``running`` is the device's running configuration read before any new change. Returns
    the rows settled, each with one audit event.
    """
    settled = []
    for row in interrupted(session, device_id):
        backup = _backup_before(session, device_id, row.created_at)
        now = utcnow()
        if _holds(row.content, running):
            row.state, row.error, row.applied_at = ConfigState.APPLIED, None, now
        elif backup is not None and compare_configs(backup.content, running).compliant:
            row.state, row.error = ConfigState.FAILED, NOT_REACHED
        else:
            restore = f"backup version {backup.version}" if backup else "its last good backup"
            row.state = ConfigState.FAILED
            row.error = (
                "the apply was stopped while it committed, and the device runs neither this "
                f"configuration nor {restore}: check the device and apply {restore} with "
                "mode replace"
            )
        session.add(row)
        settled.append(row)
        device = session.get(Device, device_id)
        AuditService.record(
            session,
            "device_configuration.settle",
            "device",
            device_id,
            device.name if device else None,
            actor=actor,
            details={
                "applied_version": row.version,
                "outcome": row.state.value,
                "error": row.error,
            },
        )
    session.flush()
    return settled


def _holds(candidate: str, running: str) -> bool:
    # A "no ..." line cannot be checked: what it removes is simply absent.
    missing = compare_configs(candidate, running).missing
    return not [line for line in missing if not line.rsplit(" > ", 1)[-1].startswith("no ")]


def _backup_before(
    session: Session, device_id: int, moment: datetime
) -> DeviceConfiguration | None:
    # The apply stores its backup in the transaction that writes its in_progress row, so
    # the newest backup no later than that row is the configuration the device ran before.
    query = (
        select(DeviceConfiguration)
        .where(DeviceConfiguration.device_id == device_id)
        .where(DeviceConfiguration.kind == ConfigKind.BACKUP)
        .where(DeviceConfiguration.created_at <= moment)
        .order_by(DeviceConfiguration.version.desc())
        .limit(1)
    )
    return session.exec(query).first()
