"""Where `copy`, `more` and the archive commands read and write: configs, flash, null:."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lab.flash import FlashError, split_path

if TYPE_CHECKING:
    from lab.device import Device

RUNNING = ("running-config", "system:running-config", "system:/running-config")
STARTUP = ("startup-config", "nvram:startup-config", "nvram:/startup-config")


class PathError(ValueError):
    """A source that cannot be read; the message is the IOS error line."""


def kind(token: str) -> tuple[str, str]:
    """Return ("running"|"startup"|"null"|"flash"|"unknown", file name) for a path token."""
    lowered = token.lower()
    if lowered in RUNNING:
        return "running", ""
    if lowered in STARTUP:
        return "startup", ""
    if lowered in ("null:", "null:/"):
        return "null", ""
    parts = split_path(token)
    if parts and parts[1]:
        return "flash", parts[1]
    return "unknown", ""


def read(device: Device, token: str) -> str:
    """Return the text at a path; raise PathError with IOS's message when it cannot."""
    where, name = kind(token)
    if where == "running":
        return device.running.render()
    if where == "startup":
        return device.startup_text()
    if where == "null":
        return ""
    if where == "flash":
        try:
            return device.flash.read_text(name)
        except FlashError as error:
            raise PathError(f"%Error opening flash:/{name} (No such file or directory)") from error
    raise PathError(f"%Error opening {token} (Invalid argument)")


def write_flash(device: Device, name: str, text: str) -> str:
    """Write a flash file; return IOS's copy summary, or its error line when flash is full."""
    data = text.encode()
    current = device.flash.path(name).stat().st_size if device.flash.exists(name) else 0
    if data and len(data) - current > device.flash.free():
        return f"%Error copying flash:/{name} (No space left on device)"
    device.flash.write_bytes(name, data)
    return copied(len(data))


def copied(size: int) -> str:
    """Return IOS's `N bytes copied` line."""
    return f"{size} bytes copied in 0.042 secs ({size * 24} bytes/sec)"
