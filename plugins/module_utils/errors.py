# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The domain errors of isp.network.

Every error carries one sentence that names the value at fault and says what to do next.
Modules turn them into ``fail_json`` in one place (``module_utils/module.py``); the Python
API lets them propagate. No message ever contains a secret.
"""

from __future__ import annotations


class IspNetworkError(Exception):
    """Base class: ``str(error)`` is the sentence shown to the user."""

    def __init__(self, message: str) -> None:
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
