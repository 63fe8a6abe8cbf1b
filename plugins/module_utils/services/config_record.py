# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The store's side of an apply: what to push to a device, and recording what happened.

``prepare`` reads the device, its decrypted credentials and the candidate (a stored
configuration or given text) into a detached ``Push`` that a worker thread can run without
the store. ``record`` writes the outcome in the caller's transaction: the backup (stored
once per distinct content), an ``applied`` configuration carrying the state, diff and error
of every attempt that was not a no-op, the intended configuration's new state, and one
audit event. Check mode records nothing. ``begin`` writes the backup and an ``in_progress``
applied row just before the commit, so that a process stopped in between leaves a row the
next apply settles (``config_journal``).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlmodel import Session

from ansible_collections.isp.network.plugins.module_utils.errors import (
    ConflictError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.services import config_store
from ansible_collections.isp.network.plugins.module_utils.services.audit import (
    AuditService,
    current_actor,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_apply import (
    APPLIED,
    CONFIRM_BOUNDS,
    CONFIRM_TIMEOUT,
    FAILED,
    MODES,
    ROLLED_BACK,
    UNCHANGED,
    Push,
    PushResult,
    Target,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_compliance import (
    check_ignores,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_journal import settle
from ansible_collections.isp.network.plugins.module_utils.services.config_templates import sha256
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.store.models.base import utcnow
from ansible_collections.isp.network.plugins.module_utils.store.models.config import (
    ConfigKind,
    ConfigState,
    DeviceConfiguration,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import Device

_STATES = {
    APPLIED: ConfigState.APPLIED,
    FAILED: ConfigState.FAILED,
    ROLLED_BACK: ConfigState.ROLLED_BACK,
}
_PROVENANCE = ("template_id", "template_name", "template_version", "template_hash")


@dataclass
class ApplyRequest:
    """What to apply to one device: given text, a stored configuration, or its intended one."""

    device: str
    content: str | None = None
    config_id: int | None = None


@dataclass
class ApplyOptions:
    """How applies run: load mode, check mode, bounds, lines verification ignores, the
    commit-confirm timer (seconds; 0 commits without one), and the restore's own budget
    (seconds; None: three times ``timeout``, at least 60)."""

    mode: str = "merge"
    check: bool = False
    timeout: float = 60.0
    workers: int = 10
    ignore: tuple[str, ...] = ()
    actor: str | None = None
    confirm_timeout: int = CONFIRM_TIMEOUT
    restore_timeout: float | None = None

    def checked(self) -> ApplyOptions:
        """Return the options, or raise ValidationError naming the bad one.

        Runs before any device is touched: a bad ``ignore`` pattern would otherwise be found
        only when verifying, after the commit, and revert every device.
        """
        if self.mode not in MODES:
            raise ValidationError(f"mode {self.mode!r} is not one of {', '.join(MODES)}")
        if self.timeout <= 0 or self.workers < 1:
            raise ValidationError(
                f"timeout {self.timeout:g} and workers {self.workers} must be positive"
            )
        if self.restore_timeout is not None and self.restore_timeout <= 0:
            raise ValidationError(
                f"restore_timeout {self.restore_timeout:g} must be positive; leave it unset "
                "for three times timeout, at least 60 seconds"
            )
        check_ignores(self.ignore)
        low, high = CONFIRM_BOUNDS
        seconds = self.confirm_timeout
        if seconds and (seconds % 60 or not low <= seconds <= high):
            raise ValidationError(
                f"confirm_timeout {seconds} is not whole minutes from {low} to {high} "
                "seconds; give one such as 120, or 0 to commit without a revert timer"
            )
        return self


@dataclass
class Prepared:
    """A Push and the store rows it came from, detached from any session."""

    push: Push
    device_id: int
    config_id: int | None
    config_version: int | None
    # The template fields and variables of the stored configuration, copied to the new rows.
    provenance: dict[str, Any] | None = None
    variables: dict[str, Any] | None = None
    # The applied row ``begin`` wrote before the commit; ``record`` gives it the outcome.
    attempt_id: int | None = None


@dataclass
class ApplyOutcome:
    """One device's result, as the Python API and the modules return it."""

    device: str
    outcome: str
    diff: str
    error: str | None
    backup_version: int | None = None
    applied_version: int | None = None
    config_version: int | None = None
    # How the change was committed: ``confirm`` (with a revert timer of ``confirm_timer``
    # seconds), ``plain``, or None when nothing was committed.
    commit: str | None = None
    confirm_timer: int | None = None

    @property
    def changed(self) -> bool:
        """Return whether the device's configuration was changed and kept."""
        return self.outcome == APPLIED

    def to_dict(self) -> dict[str, Any]:
        """Return the outcome as plain data for module results."""
        return {
            "device": self.device,
            "outcome": self.outcome,
            "changed": self.changed,
            "diff": self.diff,
            "error": self.error,
            "backup_version": self.backup_version,
            "applied_version": self.applied_version,
            "intended_version": self.config_version,
            "commit": self.commit,
            "confirm_timer": self.confirm_timer,
        }


def detached(device: Device) -> SimpleNamespace:
    """Return the fields of ``device`` that opening it needs, free of the session."""
    return SimpleNamespace(
        name=device.name,
        hostname=device.hostname,
        port=device.port,
        platform=device.platform,
        driver_options=dict(device.driver_options or {}),
    )


def target_of(session: Session, device: Device, box: Any) -> Target:
    """Return the device's login with its decrypted credentials (raises SecretKeyError)."""
    username, password, enable = DeviceService.get_credentials(session, device, box)
    return Target(detached(device), username, password, enable)


def prepare(session: Session, request: ApplyRequest, box: Any, options: ApplyOptions) -> Prepared:
    """Return what applying ``request`` will push; raises NotFoundError, ValidationError."""
    device = config_store.device_by_name(session, request.device)
    stored = None
    if request.content is not None:
        candidate = request.content
    elif request.config_id is not None:
        stored = session.get(DeviceConfiguration, request.config_id)
        if stored is None or stored.device_id != device.id:
            raise ValidationError(
                f"configuration id {request.config_id} is not one of device "
                f"{device.name!r}'s; list them with isp.network.config_info"
            )
        candidate = stored.content
    else:
        stored = config_store.get_configuration(session, device.id, None, ConfigKind.INTENDED)
        candidate = stored.content
    if stored is not None and ConfigKind(stored.kind) != ConfigKind.INTENDED:
        raise ValidationError(
            f"configuration id {stored.id} of device {device.name!r} is a "
            f"{ConfigKind(stored.kind).value} configuration; apply an intended one"
        )
    job = Push(
        target_of(session, device, box),
        candidate,
        mode=options.mode,
        check=options.check,
        timeout=options.timeout,
        ignore=tuple(options.ignore),
        confirm_timeout=options.confirm_timeout,
        restore_timeout=options.restore_timeout,
    )
    return Prepared(
        job,
        device.id,
        stored.id if stored else None,
        stored.version if stored else None,
        provenance={name: getattr(stored, name) for name in _PROVENANCE} if stored else None,
        variables=dict(stored.variables) if stored else None,
    )


def failed_result(device: str, error: str) -> PushResult:
    """Return the result of an apply that never reached its device."""
    return PushResult(device, outcome=FAILED, error=error)


def begin(
    session: Session, prepared: Prepared, result: PushResult, actor: str | None = None
) -> int:
    """Record, before the commit, the backup just taken and an ``in_progress`` applied row.

    Settles what an earlier, stopped apply left (the backup is the running configuration
    before this change). Returns the id of the new row.
    """
    actor = actor or current_actor()
    settle(session, prepared.device_id, result.backup, actor)
    config_store.store_configuration(
        session, prepared.device_id, result.backup, kind=ConfigKind.BACKUP, actor=actor
    )
    row = _add_applied(session, prepared, result, ConfigState.IN_PROGRESS, actor, None)
    return row.id


def record(
    session: Session, prepared: Prepared, result: PushResult, actor: str | None = None
) -> ApplyOutcome:
    """Write what ``result`` says happened and return the outcome (check mode: nothing).

    Raises NotFoundError when the device was deleted meanwhile.
    """
    job = prepared.push
    outcome = ApplyOutcome(
        result.device,
        result.outcome,
        result.diff,
        result.error,
        config_version=prepared.config_version,
        commit=result.commit,
        confirm_timer=result.confirm_timer or None,
    )
    if job.check:
        return outcome
    actor = actor or current_actor()
    if result.backup is not None:
        # ``begin`` has settled what earlier applies left, when the apply got that far.
        if prepared.attempt_id is None:
            settle(session, prepared.device_id, result.backup, actor)
        backup, _created = config_store.store_configuration(
            session, prepared.device_id, result.backup, kind=ConfigKind.BACKUP, actor=actor
        )
        outcome.backup_version = backup.version
    now = utcnow()
    state = _STATES.get(result.outcome, ConfigState.APPLIED)
    if result.outcome != UNCHANGED:
        applied = _add_applied(session, prepared, result, state, actor, now)
        outcome.applied_version = applied.version
    if prepared.config_id is not None:
        _update_intended(session, prepared.config_id, result, state, actor, now)
    _audit(session, prepared, outcome, actor)
    return outcome


def _add_applied(
    session: Session,
    prepared: Prepared,
    result: PushResult,
    state: ConfigState,
    actor: str,
    now: Any,
) -> DeviceConfiguration:
    # Every attempt is its own version, even with the content of an earlier one: the row
    # records an event (who pushed what, when, and how it ended), not just a text.
    begun = session.get(DeviceConfiguration, prepared.attempt_id) if prepared.attempt_id else None
    if begun is not None:
        begun.state, begun.applied_at = state, now
        begun.diff, begun.error = result.diff or None, result.error
        session.add(begun)
        session.flush()
        return begun
    device = config_store.get_device(session, prepared.device_id, lock=True)
    latest = config_store.latest_configuration(session, device.id, ConfigKind.APPLIED)
    content = prepared.push.candidate
    values = config_store.row_values(
        device.id,
        ConfigKind.APPLIED,
        content,
        sha256(content),
        None,
        prepared.variables,
        actor,
        (latest.version + 1) if latest else 1,
    )
    values.update(prepared.provenance or {})
    values.update(state=state, applied_by=actor, applied_at=now)
    values.update(diff=result.diff or None, error=result.error)
    row = DeviceConfiguration(**values)
    session.add(row)
    session.flush()
    return row


def _update_intended(
    session: Session,
    config_id: int,
    result: PushResult,
    state: ConfigState,
    actor: str,
    now: Any,
) -> None:
    row = session.get(DeviceConfiguration, config_id)
    if row is None:
        raise ConflictError(
            f"configuration id {config_id} was deleted while it was applied; render it again"
        )
    if result.outcome == UNCHANGED and row.state == ConfigState.APPLIED:
        return
    row.state = state
    row.error = result.error
    if result.outcome != UNCHANGED:
        row.diff = result.diff or None
    if state == ConfigState.APPLIED:
        row.applied_by, row.applied_at = actor, now
    session.add(row)
    session.flush()


def _audit(session: Session, prepared: Prepared, outcome: ApplyOutcome, actor: str) -> None:
    AuditService.record(
        session,
        "device_configuration.apply",
        "device",
        prepared.device_id,
        outcome.device,
        actor=actor,
        changed_fields=["configuration"] if outcome.changed else [],
        details={
            "outcome": outcome.outcome,
            "mode": prepared.push.mode,
            "commit": outcome.commit,
            "error": outcome.error,
            "intended_version": outcome.config_version,
            "backup_version": outcome.backup_version,
            "applied_version": outcome.applied_version,
            "diff_lines": len(outcome.diff.splitlines()) if outcome.diff else 0,
        },
    )
