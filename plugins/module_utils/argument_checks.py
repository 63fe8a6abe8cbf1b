# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Arguments that Ansible's own option checks cannot take, found before they run.

Ansible's type conversion raises (instead of reporting) on an infinite value for an integer
option, and its record of the invocation fails with a message naming no option when a value
holds a NUL character. An integer beyond what the store's columns hold (32 bits on
PostgreSQL) would fail deep in the database driver. ``refused_argument`` names the option
first, so the module can fail with one sentence. No Ansible imports: it reads plain dicts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

# The largest integer an INTEGER column holds on every store backend.
LARGEST_INT = 2**31 - 1


def refused_argument(params: dict[str, Any], spec: dict[str, Any]) -> str | None:
    """Return one sentence about the first argument Ansible cannot check safely, else None.

    ``params`` are the arguments as Ansible received them (names may be aliases) and
    ``spec`` the module's argument spec. The sentence names the option, never its value,
    which may be a secret.
    """
    for name, value in params.items():
        if name.startswith("_ansible_"):
            continue
        problem = _problem(name, value, _option(spec, name))
        if problem:
            return problem
    return None


def _option(spec: dict[str, Any], name: str) -> dict[str, Any]:
    if name in spec:
        return spec[name]
    for option in spec.values():
        if name in option.get("aliases", ()):
            return option
    return {}


def _problem(path: str, value: Any, option: dict[str, Any]) -> str | None:
    # Lists and dicts with suboptions are looked into item by item, the rest as a whole, so
    # every value is read once however deep it stands.
    kind = option.get("type", "str")
    if kind == "list" and isinstance(value, list):
        element = {"type": option.get("elements", "str"), "options": option.get("options")}
        return _first(
            _problem(f"{path}[{index}]", item, element) for index, item in enumerate(value)
        )
    if option.get("options") and isinstance(value, dict):
        return _first(
            _nul(f"{path}.{name}")
            if _holds_nul(name)
            else _problem(f"{path}.{name}", item, _option(option["options"], name))
            for name, item in value.items()
        )
    if _holds_nul(value):
        return _nul(path)
    if kind == "int" and _infinite(value):
        return f"option {path!r} is infinite; give a whole number"
    if kind == "int" and abs(_number(value)) > LARGEST_INT:
        return (
            f"option {path!r} is beyond what the store holds; give a number from "
            f"{-LARGEST_INT} to {LARGEST_INT}"
        )
    return None


def _first(problems: Iterable[str | None]) -> str | None:
    return next((problem for problem in problems if problem), None)


def _nul(path: str) -> str:
    return f"option {path!r} holds a NUL character (\\x00); remove it and run again"


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def _number(value: Any) -> Decimal:
    # What Ansible's int conversion will read; 0 for what it refuses by itself.
    if isinstance(value, bool):
        return Decimal(0)
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, TypeError, ValueError):
        return Decimal(0)
    return number if number.is_finite() else Decimal(0)


def _infinite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isinf(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip()).is_infinite()
        except InvalidOperation:
            return False
    return False
