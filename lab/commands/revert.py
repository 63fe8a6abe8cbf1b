"""Revert-timer commands: `configure confirm`, `configure revert`, the timer's `show`.

Starting a timed change is part of `configure terminal` and `configure replace`
(`commands.config`); the state and the timer live in `lab.rollback`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lab import rollback

if TYPE_CHECKING:
    from lab.session import Session


def timer_minutes(session: Session, words: list[str]) -> int | str | None:
    """Return the minutes of a `timer N` among a command's words, None without one.

    Returns IOS's answer instead (a string) when the minutes are invalid or the archive
    feature is off.
    """
    lowered = [word.lower() for word in words]
    if "timer" not in lowered:
        return None
    position = lowered.index("timer")
    minutes = rollback.parse_minutes(words[position + 1]) if position + 1 < len(words) else None
    if minutes is None:
        return session.invalid(" ".join(words))
    if not rollback.archive_on(session.device):
        return rollback.ARCHIVE_OFF
    return minutes


async def configure_terminal_timed(session: Session, words: list[str]) -> str:
    """configure terminal revert timer N: enter configuration mode as a timed change."""
    if len(words) < 2 or not "revert".startswith(words[0].lower()):
        return session.invalid("configure terminal " + " ".join(words))
    minutes = timer_minutes(session, words[1:])
    if minutes is None:
        return session.invalid("configure terminal " + " ".join(words))
    if isinstance(minutes, str):
        return minutes
    rollback.start(session.device, session.user, minutes)
    session.config_editor()
    return "Enter configuration commands, one per line.  End with CNTL/Z."


async def configure_confirm(session: Session, args: list[str]) -> str:
    """configure confirm: keep the pending change and stop its timer."""
    device = session.device
    if device.pending_change is None:
        return rollback.NOT_PENDING
    if not session.dropping:
        # A session dropped in the middle of the command never confirmed anything.
        rollback.confirm(device)
    return ""


async def configure_revert(session: Session, args: list[str]) -> str:
    """configure revert now | configure revert timer N."""
    words = [arg.lower() for arg in args]
    if words and words[0] and "now".startswith(words[0]) and len(words) == 1:
        action = "now"
    elif len(words) == 2 and words[0] and "timer".startswith(words[0]):
        action = "timer"
    else:
        return session.invalid("configure revert " + " ".join(args))
    minutes = rollback.parse_minutes(words[-1]) if action == "timer" else None
    if action == "timer" and minutes is None:
        return session.invalid("configure revert " + " ".join(args))
    device = session.device
    if device.pending_change is None:
        return rollback.NOT_PENDING
    if minutes is not None:
        rollback.rearm(device, minutes)
        return ""
    rollback.revert(device)
    return "Rollback Done"


async def rollback_timer(session: Session, args: list[str]) -> str:
    """show archive config rollback timer."""
    pending = session.device.pending_change
    return pending.describe() if pending is not None else rollback.NOT_PENDING
