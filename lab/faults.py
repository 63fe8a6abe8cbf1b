"""Faults a device can be told to show, switched at run time."""

from __future__ import annotations

from dataclasses import dataclass, fields

# Fault name -> what its value means (None: an on/off switch).
FAULTS: dict[str, str | None] = {
    "refuse": None,
    "reject_password": None,
    "drop_on": "command prefix; the session drops in the middle of that command",
    "latency": "seconds added before every answer",
    "reject_line": "configuration line prefix answered with % Invalid input",
    "flash_full": None,
    "corrupt_transfer": None,
    "no_return": None,
    "wrong_version": None,
}


class FaultError(ValueError):
    """An unknown fault or a missing value."""


@dataclass
class Faults:
    """The faults currently switched on for one device."""

    refuse: bool = False
    reject_password: bool = False
    drop_on: str = ""
    latency: float = 0.0
    reject_line: str = ""
    flash_full: bool = False
    corrupt_transfer: bool = False
    no_return: bool = False
    wrong_version: bool = False

    def set(self, name: str, on: bool = True, value: str | float | None = None) -> None:
        """Switch one fault on (with its value, when it takes one) or off."""
        if name not in FAULTS:
            raise FaultError(f"unknown fault {name!r}; use one of {', '.join(FAULTS)}")
        if FAULTS[name] is None:
            setattr(self, name, on)
            return
        if not on:
            setattr(self, name, 0.0 if name == "latency" else "")
            return
        if value in (None, ""):
            raise FaultError(f"fault {name} needs a value: {FAULTS[name]}")
        if name == "latency":
            try:
                self.latency = float(value)
            except ValueError as error:
                raise FaultError(f"latency {value!r} is not a number of seconds") from error
        else:
            setattr(self, name, str(value))

    def active(self) -> dict[str, object]:
        """Return the faults that are on, with their values."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}
