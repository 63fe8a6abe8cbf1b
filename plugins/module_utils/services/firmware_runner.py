# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Running an update: one step at a time, each committed in its own transaction.

For each step the runner takes the update's lease and records the step's start (one
transaction), works on the device with no transaction open, then records the outcome and
the new state (another transaction). A run that dies leaves the update at its last
finished step; the next run resumes there. Failures in pre-check, backup or stage end the
update as ``failed``; failures in activate or verify move it to ``rolling_back``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlmodel import Session

from ansible_collections.isp.network.plugins.module_utils.errors import (
    IspNetworkError,
    NotFoundError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.services import firmware_states as sm
from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.services.firmware_device import Login
from ansible_collections.isp.network.plugins.module_utils.services.firmware_steps import (
    STEP_FUNCTIONS,
    StepContext,
    StepResult,
    StepTimeouts,
)
from ansible_collections.isp.network.plugins.module_utils.store.engine import run_transaction
from ansible_collections.isp.network.plugins.module_utils.store.models.base import utcnow
from ansible_collections.isp.network.plugins.module_utils.store.models.config import ConfigKind
from ansible_collections.isp.network.plugins.module_utils.store.models.firmware import (
    FirmwareImage,
    FirmwareUpdate,
    UpdateState,
)

S = UpdateState


@dataclass
class RunOptions:
    """How a run behaves: timeouts, the lease, one step only, and a hook after each step."""

    timeouts: StepTimeouts = field(default_factory=StepTimeouts)
    connect_timeout: float = 30.0
    lease_seconds: float = 3600.0
    # Run only this step (when it is the next one); None runs to the end.
    step: str | None = None
    # Called as on_step(update_id, step, new_state) after each step is committed.
    on_step: Callable[[int, str, str], None] | None = None


@dataclass
class _Plan:
    step: str
    context: StepContext | None


@dataclass
class _Outcome:
    result: StepResult | None = None
    error: str | None = None


def run_update(
    update_id: int,
    *,
    store_url: str | None,
    root: Path,
    box: Any,
    options: RunOptions | None = None,
    actor: str | None = None,
) -> list[str]:
    """Run update ``update_id`` from where it stands; return the steps this run performed.

    Raises NotFoundError, ValidationError (the step asked for is not next), BusyError
    (another runner holds the update) and SecretKeyError; device failures are recorded
    on the update, not raised.
    """
    options = options or RunOptions()
    owner = sm.lease_owner()
    what = f"firmware update {update_id}"
    performed: list[str] = []
    try:
        while True:

            def begin(session: Session) -> _Plan | None:
                return _begin(session, update_id, owner, root, box, options, not performed)

            plan = run_transaction(begin, store_url, what=what)
            if plan is None:
                break
            outcome = _execute(plan)

            def finish(session: Session, plan: _Plan = plan, outcome: _Outcome = outcome) -> str:
                return _finish(session, update_id, owner, plan, outcome, options, actor)

            state = run_transaction(finish, store_url, what=what)
            performed.append(plan.step)
            if options.on_step is not None:
                options.on_step(update_id, plan.step, state)
            if options.step is not None:
                break
    finally:
        run_transaction(lambda s: sm.release_lease(s, update_id, owner), store_url, what=what)
    return performed


def _begin(
    session: Session,
    update_id: int,
    owner: str,
    root: Path,
    box: Any,
    options: RunOptions,
    first: bool,
) -> _Plan | None:
    row = sm.lock_update(session, update_id)
    if row is None:
        raise NotFoundError(
            f"firmware update {update_id!r} does not exist; list updates with "
            "isp.network.firmware_update_info"
        )
    step = sm.next_step(row.state)
    if step is None or (options.step is not None and not first):
        return None
    if options.step is not None and options.step != step:
        remaining = sm.remaining_steps(row.state)
        if options.step not in sm.STEPS or options.step in remaining:
            raise ValidationError(
                f"firmware update {row.id} is {row.state.value}: its next step is {step}, not "
                f"{options.step}; run {step} first, or leave the step unset"
            )
        return None
    now = utcnow()
    if row.state == S.SCHEDULED and row.window_end is not None and row.window_end <= now:
        raise ValidationError(
            f"the maintenance window of firmware update {row.id} ended at "
            f"{row.window_end:%Y-%m-%d %H:%M} UTC; cancel it and schedule it again"
        )
    sm.take_lease(session, row, owner, options.lease_seconds, now)
    if first:
        row.attempts += 1
    if row.state == S.SCHEDULED:
        row.state = S.RUNNING
        row.started_at = now
    sm.start_record(row, step, now)
    row.updated_at = now
    session.flush()
    if step == "complete":
        return _Plan(step, None)
    return _Plan(step, _context(session, row, root, box, options))


def _context(
    session: Session, row: FirmwareUpdate, root: Path, box: Any, options: RunOptions
) -> StepContext:
    device = DeviceService.get_device(session, row.device_id)
    username, password, enable = DeviceService.get_credentials(session, device, box)
    detached = SimpleNamespace(
        name=device.name,
        hostname=device.hostname,
        port=device.port,
        platform=device.platform,
        driver_options=dict(device.driver_options or {}),
    )
    image = session.get(FirmwareImage, row.image_id) if row.image_id else None
    return StepContext(
        update_id=row.id,
        login=Login(detached, username, password, enable, options.connect_timeout),
        target_version=row.target_version,
        target_image=row.target_image,
        target_md5=row.target_md5,
        target_size=row.target_size,
        image_path=(root / image.storage_path) if image else None,
        previous_version=row.previous_version,
        previous_image=row.previous_image,
        snapshot=dict(row.snapshot or {}),
        timeouts=options.timeouts,
    )


def _execute(plan: _Plan) -> _Outcome:
    if plan.context is None:
        return _Outcome(StepResult())
    try:
        return _Outcome(STEP_FUNCTIONS[plan.step](plan.context))
    except IspNetworkError as exc:
        return _Outcome(error=str(exc))


def _finish(
    session: Session,
    update_id: int,
    owner: str,
    plan: _Plan,
    outcome: _Outcome,
    options: RunOptions,
    actor: str | None,
) -> str:
    from datetime import timedelta

    row = sm.lock_update(session, update_id)
    sm.check_lease(row, owner)
    now = utcnow()
    step = plan.step
    if outcome.error is None:
        result = outcome.result
        for name, value in result.updates.items():
            setattr(row, name, value)
        if result.backup_config is not None:
            row.backup_config_id = _store_backup(session, row, result.backup_config, actor)
        sm.finish_record(row, step, "ok", result.detail, now=now)
        row.state = S.COMPLETED if result.already_done else sm.DONE_STATE[step]
    else:
        sm.finish_record(row, step, "failed", error=outcome.error, now=now)
        if step in sm.CHANGING_STEPS:
            row.state, row.error = S.ROLLING_BACK, outcome.error
        elif step == "rollback":
            first = (row.error or "the upgrade failed").rstrip(".")
            row.state, row.error = S.FAILED, f"{first}; the rollback failed too: {outcome.error}"
        else:
            row.state, row.error = S.FAILED, outcome.error
    if row.state in sm.TERMINAL_STATES:
        row.finished_at = now
        row.current_step = None
    row.updated_at = now
    row.locked_until = now + timedelta(seconds=options.lease_seconds)
    device = DeviceService.get_device(session, row.device_id)
    if row.state == S.COMPLETED:
        device.software_version = row.target_version
    elif row.state == S.ROLLED_BACK and row.previous_version:
        device.software_version = row.previous_version
    AuditService.record(
        session,
        f"firmware.{step}",
        "firmware_update",
        row.id,
        device.name,
        actor=actor,
        details={
            "outcome": "failed" if outcome.error else "ok",
            "state": row.state.value,
            "error": outcome.error,
        },
    )
    session.flush()
    return row.state.value


def _store_backup(session: Session, row: FirmwareUpdate, content: str, actor: str | None) -> int:
    from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
        ConfigurationService,
    )

    stored, _created = ConfigurationService.store_configuration(
        session, row.device_id, content, kind=ConfigKind.BACKUP, actor=actor
    )
    return stored.id
