# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compliance: what a device's running configuration lacks or has beyond the intended one.

IOS-style configurations are compared as trees of blocks (``interface X`` and its indented
lines), in any order. Comments and ``!`` lines, the volatile header lines IOS prints, the
``end`` line, and the delimiters of banners are noise and are ignored; ``no shutdown`` under
an interface is IOS's default and is not shown by a running configuration, so it is ignored
too. A line holding a secret is compared without its value and encoding (a device shows
``enable secret 0 x`` as ``enable secret 9 $9$...``), so only its presence counts. A
difference is reported as its path: ``interface Loopback0 > ip address ...``, with any
secret value in it masked (``config_secrets``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError
from ansible_collections.isp.network.plugins.module_utils.services import config_store
from ansible_collections.isp.network.plugins.module_utils.services.config_secrets import (
    PATH_SEPARATOR,
    comparable,
    mask_secrets,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.config import ConfigKind

_VOLATILE = (
    re.compile(r"^Building configuration"),
    re.compile(r"^Current configuration\s*:"),
    re.compile(r"^ntp clock-period\b"),
    re.compile(r"^end$"),
)
_BANNER = re.compile(r"^banner\s+(\S+)\s*(.*)$")
_DEFAULT_CHILDREN = {"interface": frozenset({"no shutdown"})}


@dataclass
class Block:
    """One configuration line and the lines indented under it."""

    children: dict[str, Block] = field(default_factory=dict)


@dataclass
class ComplianceReport:
    """The outcome of comparing an intended configuration with a running one."""

    compliant: bool
    missing: list[str]
    extra: list[str]
    intended_version: int | None = None
    running_version: int | None = None
    running_kind: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain data for module results."""
        return {
            "compliant": self.compliant,
            "missing": self.missing,
            "extra": self.extra,
            "intended_version": self.intended_version,
            "running_version": self.running_version,
            "running_kind": self.running_kind,
        }


def parse_config(text: str, ignore: Iterable[str] = ()) -> Block:
    """Return ``text`` as a tree of blocks, noise dropped; ``ignore`` are regexes of lines to skip.

    Raises ValidationError when an ``ignore`` entry is not a regular expression.
    """
    skip = check_ignores(ignore)
    root = Block()
    # (indent, block, its line): the line tells a child which block holds it.
    stack: list[tuple[int, Block, str]] = [(-1, root, "")]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs().split("\n")
    position = 0
    while position < len(lines):
        raw = lines[position]
        position += 1
        stripped = raw.strip()
        if not stripped or stripped.startswith("!") or any(p.match(stripped) for p in _VOLATILE):
            continue
        key = " ".join(stripped.split())
        indent = len(raw) - len(raw.lstrip(" "))
        banner = _BANNER.match(key) if indent == 0 else None
        if banner:
            body, position = _banner_body(banner.group(2), lines, position)
            key = f"banner {banner.group(1)}"
        if any(pattern.search(key) for pattern in skip):
            continue
        while stack[-1][0] >= indent:
            stack.pop()
        _indent, parent, parent_key = stack[-1]
        key = comparable(key, parent_key)
        block = parent.children.setdefault(key, Block())
        if banner:
            for line in body:
                block.children.setdefault(line, Block())
        stack.append((indent, block, key))
    _drop_defaults(root)
    return root


def check_ignores(ignore: Iterable[str]) -> list[re.Pattern[str]]:
    """Return the ``ignore`` patterns compiled; raise ValidationError naming a bad one."""
    patterns = []
    for pattern in ignore:
        try:
            patterns.append(re.compile(pattern))
        except (re.error, TypeError):
            raise ValidationError(
                f"ignore pattern {pattern!r} is not a regular expression; fix it"
            ) from None
    return patterns


def _banner_body(rest: str, lines: list[str], position: int) -> tuple[list[str], int]:
    # IOS shows the delimiter as "^C"; a typed configuration may use any character.
    if not rest:
        return [], position
    delimiter = "^C" if rest.startswith("^C") else rest[0]
    text = rest[len(delimiter) :]
    collected: list[str] = []
    while delimiter not in text and position < len(lines):
        collected.append(text)
        text = lines[position]
        position += 1
    collected.append(text.split(delimiter, 1)[0])
    return [" ".join(line.split()) for line in collected if line.strip()], position


def _drop_defaults(root: Block) -> None:
    for key, block in root.children.items():
        defaults = _DEFAULT_CHILDREN.get(key.split(" ", 1)[0], frozenset())
        for line in defaults:
            block.children.pop(line, None)


def compare_configs(intended: str, running: str, ignore: Iterable[str] = ()) -> ComplianceReport:
    """Return what ``running`` lacks (missing) and has beyond (extra) ``intended``.

    The lines reported have their secret values masked.
    """
    ignore = list(ignore)
    missing: list[str] = []
    extra: list[str] = []
    _compare(parse_config(intended, ignore), parse_config(running, ignore), [], missing, extra)
    return ComplianceReport(compliant=not missing and not extra, missing=missing, extra=extra)


def _compare(
    intended: Block, running: Block, path: list[str], missing: list[str], extra: list[str]
) -> None:
    for key, block in intended.children.items():
        other = running.children.get(key)
        if other is None:
            _collect(block, [*path, key], missing)
        else:
            _compare(block, other, [*path, key], missing, extra)
    for key, block in running.children.items():
        if key not in intended.children:
            _collect(block, [*path, key], extra)


def _collect(block: Block, path: list[str], into: list[str]) -> None:
    into.append(mask_secrets(PATH_SEPARATOR.join(path)))
    for key, child in block.children.items():
        _collect(child, [*path, key], into)


def check_compliance(
    session: Session,
    device_id: int,
    *,
    against: str | ConfigKind = ConfigKind.RUNNING,
    intended_version: int | None = None,
    running_version: int | None = None,
    ignore: Iterable[str] = (),
) -> ComplianceReport:
    """Compare the device's intended configuration with its stored running (or backup) one.

    Uses the newest of each unless versions are given. Raises NotFoundError when either is
    missing, ValidationError for a bad kind or ignore pattern.
    """
    against = config_store.parse_kind(against)
    if against not in (ConfigKind.RUNNING, ConfigKind.BACKUP):
        raise ValidationError(
            f"compliance compares against a running or backup configuration, not {against.value}"
        )
    intended = config_store.get_configuration(
        session, device_id, intended_version, ConfigKind.INTENDED
    )
    running = config_store.get_configuration(session, device_id, running_version, against)
    report = compare_configs(intended.content, running.content, ignore)
    report.intended_version = intended.version
    report.running_version = running.version
    report.running_kind = against.value
    return report
