# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Applying a configuration to one device through NAPALM, as a transaction.

Back up the running configuration, load the candidate (merge or replace), compare, and in
check mode stop there. Otherwise commit, then verify that the running configuration holds
every intended line (merge) or equals the candidate (replace); no step starts after the
apply's timeout. Any failure once the commit was sent restores the backup: NAPALM's rollback
in the same session, or, when the session is lost or the rollback did not bring the backup
back, a replace with the backup in a new session with a budget of its own (a device too slow
for the apply is often still slow); the restore is verified too. Diffs and errors have their
secret values masked; the backup is kept exact. Recording the outcome is ``config_record``'s.

Where the driver and the device support it, the commit is a commit-confirm (NAPALM's
``revert_in``): the device starts a timer that restores the configuration from before the
commit unless ``confirm_commit`` comes first, which happens once verification passed. A
failed verification reverts at once (``rollback``, which on ``ios`` ends the pending change);
a controller that loses the device after the commit leaves it to the timer, and still
restores the backup itself when a new session opens (reverting the pending change first, so
the timer cannot undo the restore later). The ``ios`` driver needs the ``archive`` feature
and whole minutes from 1 to 120; a driver or device without support (``NotImplementedError``,
``CommitConfirmException`` before anything changed) gets a plain commit, and the result says
which was used. The default timer, ``CONFIRM_TIMEOUT`` (120 s), outlasts the default
per-device timeout (60 s), within which a healthy device has committed, verified and
confirmed, so a working apply is never reverted; and it is short enough that a device cut
off from its controller is back on its old configuration within two minutes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from ansible_collections.isp.network.plugins.module_utils.drivers.napalm import open_device
from ansible_collections.isp.network.plugins.module_utils.errors import (
    DeviceError,
    IspNetworkError,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_compliance import (
    compare_configs,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_device_errors import (
    device_errors,
    reason,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_secrets import (
    mask_secrets,
)

APPLIED = "applied"
UNCHANGED = "unchanged"
FAILED = "failed"
ROLLED_BACK = "rolled_back"
WOULD_CHANGE = "would_change"
MODES = ("merge", "replace")
# Seconds of the revert timer a commit starts when the device supports commit-confirm; 0
# turns it off. Whole minutes from 1 to 120 suit every driver (the ios driver's bounds).
CONFIRM_TIMEOUT = 120
CONFIRM_BOUNDS = (60, 7200)
# The restore's own budget when none is given: three times the apply's timeout, and never
# less than a minute, so that a device slow enough to fail the change can still be restored.
RESTORE_FACTOR = 3
RESTORE_FLOOR = 60.0


class ApplyTimeout(DeviceError):
    """The per-device time ran out between two steps of an apply."""


@dataclass
class Target:
    """What it takes to open one device: its record (detached) and decrypted credentials."""

    device: Any
    username: str | None
    password: str | None
    enable_secret: str | None = None

    def __repr__(self) -> str:
        return f"Target(device={self.device.name!r})"

    def open(self, timeout: float) -> Any:
        """Return a context manager yielding an opened NAPALM driver.

        Every read is bounded by ``timeout`` (netmiko's ``read_timeout_override``): a dropped
        session or a stalled device then fails in seconds, not after the driver's own 90 s.
        """
        bounded = SimpleNamespace(**vars(self.device))
        bounded.driver_options = {
            **(self.device.driver_options or {}),
            "read_timeout_override": max(timeout, 1),
        }
        return open_device(
            bounded, self.username, self.password, self.enable_secret, int(max(timeout, 1))
        )


@dataclass
class Push:
    """One device's apply: the candidate text, how to load it, and its bounds."""

    target: Target
    candidate: str
    mode: str = "merge"
    check: bool = False
    timeout: float = 60.0
    ignore: tuple[str, ...] = ()
    confirm_timeout: int = CONFIRM_TIMEOUT
    # Seconds the restore of the backup may take, in a session of its own; None: the default.
    restore_timeout: float | None = None
    # Called with the result so far (backup and diff) just before the commit, so that the
    # store knows of the change before the device does; an exception stops the apply.
    before_commit: Callable[[PushResult], None] | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        """Return the device name."""
        return self.target.device.name

    @property
    def restore_seconds(self) -> float:
        """Return the restore's budget: ``restore_timeout``, or the default for ``timeout``."""
        return self.restore_timeout or max(RESTORE_FACTOR * self.timeout, RESTORE_FLOOR)


@dataclass
class PushResult:
    """What happened on the device; the backup is exact, the diff and error are masked."""

    device: str
    outcome: str = FAILED
    diff: str = ""
    error: str | None = None
    backup: str | None = None
    steps: list[str] = field(default_factory=list)
    # Seconds of the revert timer the commit started (commit-confirm); 0 for a plain commit.
    confirm_timer: int = 0
    # Whether a commit was sent, whether or not it came back.
    commit_sent: bool = False

    @property
    def changed(self) -> bool:
        """Return whether the device's configuration is now different (only when applied)."""
        return self.outcome == APPLIED

    @property
    def commit(self) -> str | None:
        """Return ``confirm`` (a commit with a revert timer was sent), ``plain``, or None (no
        commit was sent)."""
        if not self.commit_sent:
            return None
        return "confirm" if self.confirm_timer else "plain"


def push(job: Push) -> PushResult:
    """Apply ``job`` to its device and return the outcome; device failures are not raised.

    The outcome is ``applied``, ``unchanged``, ``would_change`` (check mode), ``failed``
    (nothing was changed, or the restore failed too: the error says which) or
    ``rolled_back`` (the change failed and the backup is back on the device).
    """
    result = PushResult(job.name)
    deadline = time.monotonic() + job.timeout
    restore_needed = False
    try:
        with job.target.open(job.timeout) as driver:
            restore_needed = _transaction(driver, job, result, deadline)
    except DeviceError as exc:
        # Opening failed (unreachable, login refused), or closing the session did.
        if result.error is None:
            result.outcome, result.error = FAILED, str(exc)
    if restore_needed:
        _restore_in_new_session(job, result)
    return result


def _transaction(driver: Any, job: Push, result: PushResult, deadline: float) -> bool:
    # Returns True when the backup must be restored through a new session.
    step = "backing up"
    try:
        result.backup = driver.get_config(retrieve="running")["running"]
        result.steps.append("backup")
        step = "loading the candidate"
        _in_time(job, deadline, step)
        if job.mode == "replace":
            driver.load_replace_candidate(config=job.candidate)
        else:
            driver.load_merge_candidate(config=job.candidate)
        step = "comparing"
        result.diff = mask_secrets((driver.compare_config() or "").strip())
        result.steps.append("compare")
        if not result.diff or job.check:
            driver.discard_config()
            result.outcome = WOULD_CHANGE if result.diff else UNCHANGED
            return False
        _in_time(job, deadline, "committing")
        if job.before_commit is not None:
            step = "recording the commit about to begin"
            job.before_commit(result)
        step = "committing"
        _commit(driver, job, result)
        result.steps.append("commit")
        step = "verifying"
        _in_time(job, deadline, step)
        _verify(driver, job)
        result.steps.append("verify")
        if result.confirm_timer:
            step = "confirming"
            _in_time(job, deadline, step)
            _confirm(driver, job, result.confirm_timer)
            result.steps.append("confirm")
        result.outcome = APPLIED
        return False
    except (IspNetworkError, *device_errors()) as exc:
        # IspNetworkError: the device's (DeviceError) or the store's, from before_commit.
        result.error = reason(exc, job.name, step)
    if step not in ("committing", "verifying", "confirming"):
        with suppress(*device_errors()):
            driver.discard_config()
        result.outcome = FAILED
        return False
    return not _restore_in_session(driver, job, result)


def _commit(driver: Any, job: Push, result: PushResult) -> None:
    # Notes the commit (and its timer) before sending it: one that fails half way, a read
    # timing out, may have changed the device or started the timer all the same.
    from napalm.base.exceptions import CommitConfirmException

    result.commit_sent = True
    if job.confirm_timeout:
        result.confirm_timer = job.confirm_timeout
        try:
            driver.commit_config(revert_in=job.confirm_timeout)
            return
        except (CommitConfirmException, NotImplementedError):
            # The driver has no revert timer, or the device lacks what it needs (ios:
            # ``archive``); both are refused before anything changes.
            result.confirm_timer = 0
    driver.commit_config()


def _confirm(driver: Any, job: Push, seconds: int) -> None:
    from napalm.base.exceptions import CommitConfirmException

    try:
        driver.confirm_commit()
    except CommitConfirmException as exc:
        raise DeviceError(
            f"device {job.name!r} had no change of this login left to confirm "
            f"({mask_secrets(str(exc).strip()[:160])}): its {seconds} s confirm timer expired "
            "first or another login ended the change; raise confirm_timeout above the time "
            "verification takes"
        ) from exc


def _in_time(job: Push, deadline: float, step: str, *, restoring: bool = False) -> None:
    if time.monotonic() > deadline:
        seconds, option = (
            (job.restore_seconds, "restore_timeout") if restoring else (job.timeout, "timeout")
        )
        raise ApplyTimeout(
            f"device {job.name!r} took longer than {seconds:g} s before {step}; the device "
            f"is slow or overloaded: raise {option} or try again later"
        )


def _verify(driver: Any, job: Push) -> None:
    running = driver.get_config(retrieve="running")["running"]
    missing, extra = _differences(job.candidate, running, job.mode, job.ignore)
    if missing or extra:
        shown = (missing or extra)[0]
        what = "lacks" if missing else "has the extra line"
        raise DeviceError(
            f"device {job.name!r} {what} {mask_secrets(shown)!r} after the commit ({len(missing)} "
            f"missing, {len(extra)} extra lines); the change did not take as intended"
        )


def _differences(
    intended: str, running: str, mode: str, ignore: Iterable[str]
) -> tuple[list[str], list[str]]:
    report = compare_configs(intended, running, ignore)
    # A merge cannot be checked for "no ..." lines: what they remove is simply absent.
    missing = [line for line in report.missing if not _last(line).startswith("no ")]
    return missing, (report.extra if mode == "replace" else [])


def _last(path: str) -> str:
    return path.rsplit(" > ", 1)[-1]


def same_config(expected: str, running: str) -> bool:
    """Return whether ``running`` equals ``expected``, volatile lines and order aside."""
    return compare_configs(expected, running).compliant


def _restore_in_session(driver: Any, job: Push, result: PushResult) -> bool:
    # Returns True when the backup is back, verified; False when a new session must try.
    try:
        if not _running_is(driver, result.backup):
            driver.rollback()
            result.steps.append("rollback")
            if not _running_is(driver, result.backup):
                return False
    except device_errors():
        # The session is gone, or the rollback was refused: a new session restores.
        return False
    result.outcome = ROLLED_BACK
    return True


def _running_is(driver: Any, expected: str | None) -> bool:
    return same_config(expected or "", driver.get_config(retrieve="running")["running"])


def _restore_in_new_session(job: Push, result: PushResult) -> None:
    # The restore has a budget of its own: the device may still be as slow as it was when
    # the change failed, and an unrestored device is worse than a late task.
    first = (result.error or "the change failed").rstrip(".")
    seconds = job.restore_seconds
    deadline = time.monotonic() + seconds
    try:
        with job.target.open(seconds) as driver:
            if result.confirm_timer and driver.has_pending_commit():
                # Revert first: the driver refuses a commit while a change is pending, and
                # the timer would otherwise undo the restore when it expires.
                driver.rollback()
                result.steps.append("revert")
            _in_time(job, deadline, "restoring the backup", restoring=True)
            driver.load_replace_candidate(config=result.backup)
            _in_time(job, deadline, "committing the backup", restoring=True)
            driver.commit_config()
            result.steps.append("restore")
            if _running_is(driver, result.backup):
                result.outcome = ROLLED_BACK
                return
            failure = "the running configuration still differs from the backup"
    except DeviceError as exc:
        failure = str(exc).rstrip(".")
    except device_errors() as exc:
        failure = reason(exc, job.name, "restoring").rstrip(".")
    result.outcome = FAILED
    if result.confirm_timer:
        after = (
            f"the device reverts to the backup when its {result.confirm_timer} s confirm timer "
            "expires; check it then"
        )
    else:
        after = "the device may be half configured, restore its backup by hand"
    result.error = f"{first}; restoring the backup failed too ({failure}): {after}"
