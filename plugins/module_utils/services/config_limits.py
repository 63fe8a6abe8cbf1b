# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Caps on what a template may build: one value, and the whole text of one render.

Every way the sandbox offers to grow a string by a number (a repeat, a ``%`` or ``format``
width, padding, ``replace``, an indent, a separator) is sized before it runs, and refused
with TooLarge (a SecurityError) when the result would pass ``MAX_SEQUENCE``. A render's
text is counted as it is produced and stopped past ``MAX_OUTPUT``.
"""

from __future__ import annotations

import functools
import re
import string
import types
from collections.abc import Callable, Mapping
from typing import Any

from jinja2.exceptions import SecurityError
from jinja2.sandbox import MAX_RANGE

# The most items (or characters) one expression may build.
MAX_SEQUENCE = 1_000_000
MAX_EXPONENT = 1_000
# The most characters one render may produce: far beyond any device configuration.
MAX_OUTPUT = 10_000_000

# A printf-style directive: its width and precision, either of which may be "*".
_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d*)(?:\.(\*|\d*))?[hlL]?[a-zA-Z%]")
# A format-spec of str.format: [[fill]align][sign][z][#][0][width][grouping][.precision][type]
_SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(\d*)[,_]?(?:\.(\d+))?[a-zA-Z%]?", re.S)


class TooLarge(SecurityError):
    """A template expression would build more than the caps allow."""


def check_size(what: str, size: int) -> None:
    """Raise TooLarge when ``what`` would build more than MAX_SEQUENCE items."""
    if size > MAX_SEQUENCE:
        raise TooLarge(f"{what} would build more than {MAX_SEQUENCE} characters or items")


def percent_size(text: str) -> int:
    """Return an upper bound of the text a ``%`` format builds beyond its arguments."""
    size = len(text)
    for width, precision in _PERCENT.findall(text):
        if "*" in (width, precision):
            raise TooLarge("a % format may not take its width from a value (*)")
        size += _number(width) + _number(precision)
    return size


def format_size(text: str) -> int:
    """Return an upper bound of the text ``str.format`` builds beyond its arguments."""
    size = len(text)
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return size  # malformed: str.format itself reports it
    for _literal, _field, spec, _conversion in fields:
        if not spec:
            continue
        if "{" in spec:
            raise TooLarge("a format may not take its width from a value ({...})")
        match = _SPEC.fullmatch(spec)
        if match:
            size += _number(match[1]) + _number(match[2])
    return size


def _number(digits: str | None) -> int:
    # More than seven digits is past the cap already; int() of thousands of digits is not.
    digits = digits or ""
    return MAX_SEQUENCE + 1 if len(digits) > 7 else int(digits or 0)


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _padded(text: Any, width: Any = 80, *_rest: Any, **_options: Any) -> int:
    return max(len(str(text)), _int(width))


def _replaced(text: Any, old: Any, new: Any, count: Any = None, *_rest: Any) -> int:
    text, old, new = str(text), str(old), str(new)
    times = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    return len(text) + times * (len(new) - len(old))


def _indented(text: Any, width: Any = 4, *_rest: Any, **_options: Any) -> int:
    unit = len(width) if isinstance(width, str) else _int(width)
    text = str(text)
    return len(text) + (text.count("\n") + 1) * unit


def _tabs(text: Any, tabsize: Any = 8) -> int:
    return len(str(text)) + str(text).count("\t") * _int(tabsize)


def _joined(items: Any, separator: Any = "", *_rest: Any, **_options: Any) -> int:
    # Items not counted yet (a generator) are taken as many as the longest range allowed.
    count = len(items) if hasattr(items, "__len__") else MAX_RANGE
    return count * len(str(separator))


def _wrapped(
    text: Any, _width: Any = 79, _long: Any = True, wrapstring: Any = None, *_r: Any, **_o: Any
) -> int:
    text = str(text)
    return len(text) + (len(text) + 1) * len(wrapstring if isinstance(wrapstring, str) else "\n")


def _filled(_value: Any, count: Any, fill_with: Any = None) -> int:
    # batch and slice build ``count`` groups (batch fills the last one to ``count`` items).
    return _int(count)


def _as_json(value: Any, indent: Any = None) -> int:
    return len(str(value)) * (1 + _int(indent))


def _separated(separator: str, items: Any) -> int:
    return _joined(items, separator)


def _formatted(value: Any, *_args: Any, **_kwargs: Any) -> int:
    return percent_size(str(value))


# str methods a template may call that grow a string by a number: the size they would build.
_METHODS: dict[str, Callable[..., int]] = {
    "center": _padded,
    "ljust": _padded,
    "rjust": _padded,
    "zfill": _padded,
    "replace": _replaced,
    "expandtabs": _tabs,
    "join": _separated,
}
# Filters that grow a value by a number: the size they would build from their arguments.
_FILTERS: dict[str, Callable[..., int]] = {
    "center": _padded,
    "indent": _indented,
    "replace": _replaced,
    "format": _formatted,
    "wordwrap": _wrapped,
    "join": _joined,
    "batch": _filled,
    "slice": _filled,
    "tojson": _as_json,
}


def _predicted(predict: Callable[..., int], args: tuple, kwargs: Mapping[str, Any]) -> int:
    # Arguments the real call would refuse are left for it to report.
    try:
        return predict(*args, **kwargs)
    except (TypeError, ValueError, AttributeError):
        return 0


def check_call(function: Any, args: tuple, kwargs: Mapping[str, Any]) -> None:
    """Raise SecurityError when a str method called from a template would build too much."""
    if not isinstance(function, types.BuiltinMethodType):
        return
    owner = getattr(function, "__self__", None)
    predict = _METHODS.get(function.__name__) if isinstance(owner, str) else None
    if predict is not None:
        check_size(f"{function.__name__}()", _predicted(predict, (owner, *args), kwargs))


def guarded_filters(filters: Mapping[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """Return the filters among ``filters`` that can grow a value, each sized before it runs."""
    return {name: _guard(name, filters[name], _FILTERS[name]) for name in _FILTERS}


def _guard(name: str, function: Callable[..., Any], predict: Callable[..., int]) -> Callable:
    # A filter marked to receive a context or environment gets it first; it is not sized.
    skip = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        check_size(f"the {name} filter", _predicted(predict, args[skip:], kwargs))
        return function(*args, **kwargs)

    return run
