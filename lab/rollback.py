"""Rollback-confirmed changes: the configuration a revert timer brings back, and the timer.

A change started with a revert timer (`configure terminal revert timer N`, `configure
replace FILE ... timer N`) keeps the running configuration from before it and the login
that started it. Unless `configure confirm` ends it first, the timer restores that
configuration after N minutes. The timer runs on the lab's event loop, so it fires with no
session open; a minute lasts `Device.revert_minute_seconds` seconds (60 unless the lab was
started with another value).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lab.confmodel import Config
    from lab.device import Device

MIN_MINUTES = 1
MAX_MINUTES = 120
ARCHIVE_OFF = "%Please turn config archive on"
NOT_PENDING = "%No Rollback Confirmed Change pending"


@dataclass
class PendingChange:
    """A rollback-confirmed change waiting for `configure confirm`."""

    before: Config
    user: str
    minutes: int
    armed_at: float = field(default_factory=time.time)
    timer: asyncio.Task | None = field(default=None, repr=False)

    def describe(self) -> str:
        """Return what `show archive config rollback timer` prints for the change."""
        armed = time.strftime("%a %b %d %H:%M:%S %Y", time.gmtime(self.armed_at))
        return (
            f"Time configured(or reset): {armed} UTC\n"
            "Timer type: Rollback Timer\n"
            f"Timer value: {self.minutes} min\n"
            f"User: {self.user}"
        )


def archive_on(device: Device) -> bool:
    """Return whether the running configuration turns the archive feature on."""
    return device.running.block("archive") is not None


def parse_minutes(text: str) -> int | None:
    """Return a revert timer's minutes (1 to 120), or None when IOS would refuse them."""
    if not text.isdigit():
        return None
    minutes = int(text)
    return minutes if MIN_MINUTES <= minutes <= MAX_MINUTES else None


def start(device: Device, user: str, minutes: int) -> None:
    """Start a rollback-confirmed change (or re-arm the pending one) for `minutes`.

    A revert restores the running configuration of this moment; a change already pending
    keeps the configuration it saved first.
    """
    pending = device.pending_change
    if pending is None:
        pending = PendingChange(device.running.copy(), user, minutes)
        device.pending_change = pending
    rearm(device, minutes)


def rearm(device: Device, minutes: int) -> None:
    """Restart the pending change's timer with `minutes` from now."""
    pending = device.pending_change
    if pending is None:
        return
    _stop_timer(pending)
    pending.minutes, pending.armed_at = minutes, time.time()
    seconds = minutes * device.revert_minute_seconds
    pending.timer = device.schedule(_expire(device, pending, seconds))


def confirm(device: Device) -> None:
    """End the pending change, keeping the configuration it made."""
    pending, device.pending_change = device.pending_change, None
    if pending is not None:
        _stop_timer(pending)


def revert(device: Device) -> None:
    """End the pending change by restoring the configuration from before it."""
    pending, device.pending_change = device.pending_change, None
    if pending is None:
        return
    _stop_timer(pending)
    device.set_running(pending.before)


def forget(device: Device) -> None:
    """Drop the pending change without touching the configuration (the device rebooted)."""
    confirm(device)


async def _expire(device: Device, pending: PendingChange, seconds: float) -> None:
    await asyncio.sleep(seconds)
    if device.pending_change is pending:
        pending.timer = None
        revert(device)


def _stop_timer(pending: PendingChange) -> None:
    timer, pending.timer = pending.timer, None
    if timer is not None and timer is not asyncio.current_task():
        timer.cancel()
