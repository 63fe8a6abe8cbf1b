# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Opening a device through NAPALM from its stored record.

The driver is the device's ``platform``; its hostname, port and driver options come from
the record, and the enable secret is NAPALM's ``secret`` optional argument. Failures become
one DeviceError sentence that never holds a password.

Device output is untrusted: the opened driver refuses any getter answer larger than the
device's ``max_output_bytes`` driver option (``MAX_OUTPUT_BYTES`` unless set), so a device
that floods its answers fails on its own instead of filling the store.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from ansible_collections.isp.network.plugins.module_utils.errors import DeviceError

# The largest answer taken from one driver call: far above any real configuration.
MAX_OUTPUT_BYTES = 16 * 1024 * 1024
# The driver calls whose answers are bounded: everything the collection reads from a device.
_BOUNDED_CALLS = frozenset(
    {
        "cli",
        "get_config",
        "get_facts",
        "get_interfaces",
        "get_interfaces_counters",
        "get_lldp_neighbors",
        "get_lldp_neighbors_detail",
        "compare_config",
    }
)
# A driver option of the collection's own, never passed to NAPALM.
_LIMIT_OPTION = "max_output_bytes"


class LoginRefusedError(DeviceError):
    """The device answered but refused the stored username and password."""


class OutputTooLargeError(DeviceError):
    """The device answered a driver call with more than its output limit."""


class BoundedDriver:
    """An opened NAPALM driver whose answers are refused above ``limit`` characters."""

    def __init__(self, driver: Any, name: str, limit: int) -> None:
        self._driver = driver
        self._name = name
        self._limit = limit

    def __getattr__(self, attribute: str) -> Any:
        found = getattr(self._driver, attribute)
        if attribute not in _BOUNDED_CALLS:
            return found

        def bounded(*args: Any, **kwargs: Any) -> Any:
            return self._checked(attribute, found(*args, **kwargs))

        return bounded

    def show(self, command: str) -> str:
        """Return the device's answer to one show command, refused above the limit.

        A netmiko session (the ``ios`` driver's) gets the command straight, reading until the
        prompt it already knows: NAPALM's ``cli`` has netmiko find the prompt again first,
        which costs a newline and a quarter-second wait on every command. Other drivers
        answer through ``cli``.
        """
        session = getattr(self._driver, "device", None)
        prompt = getattr(session, "base_prompt", None)
        if isinstance(prompt, str) and prompt and callable(getattr(session, "send_command", None)):
            pattern = rf"{re.escape(prompt.strip())}[>#]\s*$"
            answer = session.send_command(command, expect_string=pattern).strip()
        else:
            answer = self._driver.cli([command]).get(command, "")
        return self._checked("cli", answer)

    def _checked(self, call: str, answer: Any) -> Any:
        size = _text_size(answer)
        if size > self._limit:
            raise OutputTooLargeError(
                f"device {self._name!r} answered {call} with {size:,} characters, "
                f"more than its limit of {self._limit:,}; check the device, or raise "
                f"driver_options.{_LIMIT_OPTION} for it with isp.network.device"
            )
        return answer


def driver_arguments(
    device: Any, username: str | None, password: str | None, enable_secret: str | None, timeout: int
) -> dict[str, Any]:
    """Return the keyword arguments of the NAPALM driver class for ``device``."""
    optional_args = dict(device.driver_options or {})
    optional_args.pop(_LIMIT_OPTION, None)
    if device.port:
        optional_args["port"] = device.port
    if enable_secret:
        optional_args["secret"] = enable_secret
    return {
        "hostname": device.hostname,
        "username": username or "",
        "password": password or "",
        "timeout": timeout,
        "optional_args": optional_args,
    }


def where(device: Any) -> str:
    """Return ``host:port`` of a device for messages (the port when one is stored)."""
    return f"{device.hostname}:{device.port}" if device.port else str(device.hostname)


@contextmanager
def open_device(
    device: Any,
    username: str | None,
    password: str | None,
    enable_secret: str | None = None,
    timeout: int = 30,
) -> Iterator[Any]:
    """Yield an opened NAPALM driver for ``device``, closed on exit.

    ``device`` is a Device row or anything with its name, hostname, port, platform and
    driver_options. Raises DeviceError naming the device when the driver is missing, the
    device cannot be reached, or it refuses the login.
    """
    from napalm import get_network_driver
    from napalm.base.exceptions import ModuleImportError

    label = f"device {device.name!r} ({where(device)})"
    if not device.platform:
        raise DeviceError(
            f"device {device.name!r} has no platform; set it to a NAPALM driver name such as "
            "ios with isp.network.device"
        )
    try:
        driver_class = get_network_driver(device.platform)
    except ModuleImportError:
        raise DeviceError(
            f"platform {device.platform!r} of device {device.name!r} has no NAPALM driver "
            "installed; install the driver or correct the platform"
        ) from None

    driver = driver_class(**driver_arguments(device, username, password, enable_secret, timeout))
    try:
        driver.open()
    except _login_errors() as exc:
        raise LoginRefusedError(
            f"{label} refused the login ({type(exc).__name__}); check its username and "
            "password in the store"
        ) from None
    except _reach_errors() as exc:
        raise DeviceError(
            f"{label} could not be reached ({type(exc).__name__}); check its hostname and "
            "port, and that it is up"
        ) from None
    try:
        yield BoundedDriver(driver, device.name, output_limit(device))
    finally:
        with suppress(*_reach_errors()):
            driver.close()


def output_limit(device: Any) -> int:
    """Return the largest answer, in characters, taken from ``device`` in one driver call.

    Raises DeviceError when the device's ``max_output_bytes`` driver option is not a
    positive whole number.
    """
    value = (device.driver_options or {}).get(_LIMIT_OPTION, MAX_OUTPUT_BYTES)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise DeviceError(
            f"driver_options.{_LIMIT_OPTION} of device {device.name!r} is {value!r}; set it to "
            "a positive number of bytes with isp.network.device"
        )
    return value


def _text_size(answer: Any) -> int:
    # Counts the characters of every string in a getter's answer (dicts, lists, text).
    if isinstance(answer, str):
        return len(answer)
    if isinstance(answer, dict):
        return sum(_text_size(key) + _text_size(value) for key, value in answer.items())
    if isinstance(answer, list | tuple):
        return sum(_text_size(item) for item in answer)
    return 0


def _login_errors() -> tuple[type[BaseException], ...]:
    from netmiko.exceptions import NetmikoAuthenticationException
    from paramiko.ssh_exception import AuthenticationException

    return (NetmikoAuthenticationException, AuthenticationException)


def _reach_errors() -> tuple[type[BaseException], ...]:
    from napalm.base.exceptions import ConnectionException
    from netmiko.exceptions import NetmikoTimeoutException, ReadException
    from paramiko.ssh_exception import SSHException

    return (
        ConnectionException,
        NetmikoTimeoutException,
        ReadException,
        SSHException,
        OSError,
        EOFError,
    )
