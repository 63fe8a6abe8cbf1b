"""Faults a device can be told to show, switched at run time."""

from __future__ import annotations

from dataclasses import dataclass, fields

# Fault name -> what its value means (None: an on/off switch).
FAULTS: dict[str, str | None] = {
    "refuse": None,
    "reject_password": None,
    "drop_on": "command prefix; the session drops in the middle of that command",
    "drop_once": "command prefix; as drop_on, for the first such command only",
    "latency": "seconds added before every answer",
    "reject_line": "configuration line prefix answered with % Invalid input",
    "flash_full": None,
    "corrupt_transfer": None,
    "no_return": None,
    "wrong_version": None,
    "hostile_names": "text the device reports as its hostname (show version, LLDP)",
    "huge_output": "bytes of filler added to show running-config and show version",
    "garbled_lldp": None,
}
# Size suffixes huge_output accepts.
_UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


class FaultError(ValueError):
    """An unknown fault or a missing value."""


@dataclass
class Faults:
    """The faults currently switched on for one device."""

    refuse: bool = False
    reject_password: bool = False
    drop_on: str = ""
    drop_once: str = ""
    latency: float = 0.0
    reject_line: str = ""
    flash_full: bool = False
    corrupt_transfer: bool = False
    no_return: bool = False
    wrong_version: bool = False
    hostile_names: str = ""
    huge_output: int = 0
    garbled_lldp: bool = False

    def set(self, name: str, on: bool = True, value: str | float | None = None) -> None:
        """Switch one fault on (with its value, when it takes one) or off."""
        if name not in FAULTS:
            raise FaultError(f"unknown fault {name!r}; use one of {', '.join(FAULTS)}")
        if FAULTS[name] is None:
            setattr(self, name, on)
            return
        if not on:
            setattr(self, name, _DEFAULTS[name])
            return
        if value in (None, ""):
            raise FaultError(f"fault {name} needs a value: {FAULTS[name]}")
        if name == "latency":
            try:
                self.latency = float(value)
            except ValueError as error:
                raise FaultError(f"latency {value!r} is not a number of seconds") from error
        elif name == "huge_output":
            self.huge_output = _size(value)
        else:
            setattr(self, name, str(value))

    def reported_name(self, hostname: str) -> str:
        """Return the name the device reports of itself: its hostname unless hostile_names."""
        return self.hostile_names or hostname

    def filler(self) -> str:
        """Return the huge_output filler: comment lines adding up to its size, or nothing."""
        if not self.huge_output:
            return ""
        line = "! " + "filler " * 10 + "\n"
        return line * (self.huge_output // len(line) + 1)

    def active(self) -> dict[str, object]:
        """Return the faults that are on, with their values."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


# What each fault is when it is off.
_DEFAULTS = {field.name: field.default for field in fields(Faults)}


def _size(value: str | float) -> int:
    text = str(value).strip().upper()
    scale = _UNITS.get(text[-1:], 1)
    digits = text[:-1] if text[-1:] in _UNITS else text
    try:
        size = int(float(digits) * scale)
    except ValueError as error:
        raise FaultError(
            f"huge_output {value!r} is not a size in bytes (K, M, G suffixes)"
        ) from error
    if size <= 0:
        raise FaultError(f"huge_output {value!r} must be a positive size in bytes")
    return size
