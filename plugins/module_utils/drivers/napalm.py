# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Opening a device through NAPALM from its stored record.

The driver is the device's ``platform``; its hostname, port and driver options come from
the record, and the enable secret is NAPALM's ``secret`` optional argument. Failures become
one DeviceError sentence that never holds a password.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from ansible_collections.isp.network.plugins.module_utils.errors import DeviceError


class LoginRefusedError(DeviceError):
    """The device answered but refused the stored username and password."""


def driver_arguments(
    device: Any, username: str | None, password: str | None, enable_secret: str | None, timeout: int
) -> dict[str, Any]:
    """Return the keyword arguments of the NAPALM driver class for ``device``."""
    optional_args = dict(device.driver_options or {})
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
        yield driver
    finally:
        with suppress(*_reach_errors()):
            driver.close()


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
