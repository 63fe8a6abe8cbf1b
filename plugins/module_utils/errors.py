# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The domain errors of isp.network.

Every error carries one sentence that names the value at fault and says what to do next.
Modules turn them into ``fail_json`` in one place (``module_utils/module.py``); the Python
API lets them propagate. No message ever contains a secret.
"""

from __future__ import annotations

import re

# A run of more than this many characters without a space is a value a caller gave (an
# over-long name), shown by its start and end so the sentence stays readable.
_LONGEST_RUN = 80
_LONG_RUN = re.compile(rf"\S{{{_LONGEST_RUN + 1},}}")
_LONGEST_MESSAGE = 400
# Control characters a value brought in are shown escaped: a message is one line.
_ESCAPES = {code: repr(chr(code))[1:-1] for code in (*range(0x20), 0x7F)}


def one_line(message: str) -> str:
    """Return ``message`` on one line and at most about 400 characters, values shortened."""
    text = _LONG_RUN.sub(_shorten, message.translate(_ESCAPES))
    if len(text) > _LONGEST_MESSAGE:
        text = f"{text[:250]} [...] {text[-120:]}"
    return text


_KINDS = {
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    str: "text",
    list: "a list",
    tuple: "a list",
    dict: "a mapping",
    type(None): "null",
}


def kind_of(value: object) -> str:
    """Return what ``value`` is in the words of YAML and JSON: "an integer", "a list", ..."""
    return _KINDS.get(type(value)) or f"a {type(value).__name__}"


def _shorten(match: re.Match[str]) -> str:
    run = match.group(0)
    return f"{run[:48]}[...{len(run) - 64} more]{run[-16:]}"


class IspNetworkError(Exception):
    """Base class: ``str(error)`` is the sentence shown to the user, on one line."""

    def __init__(self, message: str) -> None:
        # As given, before one_line: a caller that rewords the sentence (hiding a secret
        # value in it, say) works on the whole text, not on a shortened one.
        self.given = message
        message = one_line(message)
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(IspNetworkError):
    """An input value is malformed or out of range."""


class NotFoundError(IspNetworkError):
    """The object named does not exist in the store."""


class ConflictError(IspNetworkError):
    """The change clashes with what is stored (duplicate, overlap, still in use)."""


class ExhaustedError(IspNetworkError):
    """A pool or a prefix has no room left for the request."""


class BusyError(IspNetworkError):
    """A lock could not be taken within the bounded retry time."""


class StoreError(IspNetworkError):
    """The store cannot be opened, reached or migrated."""


class SecretKeyError(IspNetworkError):
    """The secret key is missing, malformed or does not match the stored credentials."""


class DeviceError(IspNetworkError):
    """A device could not be reached, logged into, or refused an operation."""
