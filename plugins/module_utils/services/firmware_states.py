# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The update state machine: states, the step that follows each, the lease and step records.

An update's state is the last step it finished. ``next_step`` says what a runner does next;
a runner holds the update's lease (``locked_by`` / ``locked_until``) while it works, taken
with a conditional UPDATE so that two runners never run the same update. A lease is free
when it has expired, or when its holder was a process on this host that no longer exists.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from ansible_collections.isp.network.plugins.module_utils.errors import BusyError
from ansible_collections.isp.network.plugins.module_utils.store.engine import RetryTransaction
from ansible_collections.isp.network.plugins.module_utils.store.models.base import utcnow
from ansible_collections.isp.network.plugins.module_utils.store.models.firmware import (
    FirmwareUpdate,
    UpdateState,
)

S = UpdateState
STEPS = ("precheck", "backup", "stage", "activate", "verify")
# The state an update reaches when a step succeeds.
DONE_STATE = {
    "precheck": S.PRECHECKED,
    "backup": S.BACKED_UP,
    "stage": S.STAGED,
    "activate": S.ACTIVATED,
    "verify": S.VERIFIED,
    "complete": S.COMPLETED,
    "rollback": S.ROLLED_BACK,
}
_NEXT = {
    S.SCHEDULED: "precheck",
    S.RUNNING: "precheck",
    S.PRECHECKED: "backup",
    S.BACKED_UP: "stage",
    S.STAGED: "activate",
    S.ACTIVATED: "verify",
    S.VERIFIED: "complete",
    S.ROLLING_BACK: "rollback",
}
TERMINAL_STATES = (S.COMPLETED, S.FAILED, S.ROLLED_BACK, S.CANCELLED)
OPEN_STATES = tuple(state for state in S if state not in TERMINAL_STATES)
# Steps after which the device may run other software: a failure there rolls back.
CHANGING_STEPS = frozenset({"activate", "verify"})


def next_step(state: str) -> str | None:
    """Return the step a runner does next for an update in ``state`` (None when it ended)."""
    return _NEXT.get(S(state))


def remaining_steps(state: str) -> list[str]:
    """Return the steps still to run, in order, for an update in ``state``."""
    step = next_step(state)
    if step is None:
        return []
    if step in ("rollback", "complete"):
        return [step]
    return [*STEPS[STEPS.index(step) :], "complete"]


def lease_owner() -> str:
    """Return a name for this runner: host, process id and a random tag."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def holder_is_gone(locked_by: str | None) -> bool:
    """Return True when the lease holder was a process on this host that has exited."""
    if not locked_by:
        return True
    host, _colon, rest = locked_by.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def lock_update(session: Session, update_id: int) -> FirmwareUpdate | None:
    """Return update ``update_id`` row-locked (PostgreSQL; SQLite writers are serialised)."""
    query = select(FirmwareUpdate).where(FirmwareUpdate.id == update_id).with_for_update()
    return session.exec(query).first()


def take_lease(
    session: Session, row: FirmwareUpdate, owner: str, seconds: float, now: datetime | None = None
) -> None:
    """Make ``owner`` the holder of ``row``'s lease for ``seconds``.

    Raises BusyError when another live runner holds it, and RetryTransaction when the lease
    changed between the read and the conditional UPDATE.
    """
    now = now or utcnow()
    held = row.locked_by not in (None, owner)
    if held and row.locked_until and row.locked_until > now and not holder_is_gone(row.locked_by):
        raise BusyError(
            f"firmware update {row.id} is being run by {row.locked_by} until "
            f"{row.locked_until:%Y-%m-%d %H:%M:%S} UTC; wait for it, or run again after that"
        )
    observed = (
        FirmwareUpdate.locked_by.is_(None)
        if row.locked_by is None
        else FirmwareUpdate.locked_by == row.locked_by
    )
    until = now + timedelta(seconds=seconds)
    result = session.execute(
        update(FirmwareUpdate)
        .where(FirmwareUpdate.id == row.id, observed)
        .values(locked_by=owner, locked_until=until, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise RetryTransaction()
    session.refresh(row)


def check_lease(row: FirmwareUpdate, owner: str) -> None:
    """Raise BusyError unless ``owner`` still holds ``row``'s lease."""
    if row.locked_by != owner:
        raise BusyError(
            f"firmware update {row.id} was taken over by {row.locked_by or 'nobody'} while "
            "this run worked on it (its lease expired); raise lease_seconds and run again"
        )


def release_lease(session: Session, update_id: int, owner: str) -> None:
    """Give up ``owner``'s lease on update ``update_id`` (no-op when it holds none)."""
    session.execute(
        update(FirmwareUpdate)
        .where(FirmwareUpdate.id == update_id, FirmwareUpdate.locked_by == owner)
        .values(locked_by=None, locked_until=None)
        .execution_options(synchronize_session=False)
    )


def start_record(row: FirmwareUpdate, step: str, now: datetime | None = None) -> None:
    """Append a record for ``step`` starting now to ``row.steps``."""
    record = {
        "step": step,
        "attempt": row.attempts,
        "started_at": (now or utcnow()).isoformat(),
        "finished_at": None,
        "outcome": "running",
        "detail": {},
        "error": None,
    }
    row.steps = [*row.steps, record]
    row.current_step = step


def finish_record(
    row: FirmwareUpdate,
    step: str,
    outcome: str,
    detail: dict[str, Any] | None = None,
    error: str | None = None,
    now: datetime | None = None,
) -> None:
    """Close the newest running record of ``step`` (or add one) with its outcome."""
    stamp = (now or utcnow()).isoformat()
    records = [dict(record) for record in row.steps]
    for record in reversed(records):
        if record["step"] == step and record["outcome"] == "running":
            break
    else:
        record = {"step": step, "attempt": row.attempts, "started_at": stamp}
        records.append(record)
    record.update(finished_at=stamp, outcome=outcome, detail=detail or {}, error=error)
    row.steps = records
