# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Opening a netmiko session from a stored device record.

For what NAPALM lacks: file transfer, ``verify /md5``, the boot variable and reload. The
netmiko device type follows the record's NAPALM platform; failures become one DeviceError
sentence that never holds a password.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from ansible_collections.isp.network.plugins.module_utils.drivers.napalm import (
    LoginRefusedError,
    where,
)
from ansible_collections.isp.network.plugins.module_utils.errors import DeviceError

# NAPALM platform -> netmiko device type.
NETMIKO_TYPES = {
    "ios": "cisco_ios",
    "iosxe": "cisco_xe",
    "nxos_ssh": "cisco_nxos",
    "eos": "arista_eos",
    "junos": "juniper_junos",
    "iosxr": "cisco_xr",
}


def netmiko_type(device: Any) -> str:
    """Return the netmiko device type of ``device``; raises DeviceError when there is none."""
    platform = device.platform or ""
    if platform not in NETMIKO_TYPES:
        raise DeviceError(
            f"platform {platform!r} of device {device.name!r} has no netmiko device type; use "
            f"one of {', '.join(sorted(NETMIKO_TYPES))}"
        )
    return NETMIKO_TYPES[platform]


def connection_arguments(
    device: Any,
    username: str | None,
    password: str | None,
    enable_secret: str | None,
    timeout: float,
) -> dict[str, Any]:
    """Return the keyword arguments of netmiko's ConnectHandler for ``device``."""
    arguments: dict[str, Any] = {
        "device_type": netmiko_type(device),
        "host": device.hostname,
        "username": username or "",
        "password": password or "",
        "conn_timeout": timeout,
        "auth_timeout": timeout,
        "banner_timeout": timeout,
    }
    if device.port:
        arguments["port"] = device.port
    if enable_secret:
        arguments["secret"] = enable_secret
    return arguments


@contextmanager
def open_netmiko(
    device: Any,
    username: str | None,
    password: str | None,
    enable_secret: str | None = None,
    timeout: float = 30,
) -> Iterator[Any]:
    """Yield a netmiko session on ``device`` in enable mode, disconnected on exit.

    ``device`` is a Device row or anything with its name, hostname, port and platform.
    Raises DeviceError (LoginRefusedError for a refused login) naming the device.
    """
    from netmiko import ConnectHandler

    label = f"device {device.name!r} ({where(device)})"
    arguments = connection_arguments(device, username, password, enable_secret, timeout)
    try:
        connection = ConnectHandler(**arguments)
    except login_errors() as exc:
        raise LoginRefusedError(
            f"{label} refused the login ({type(exc).__name__}); check its username and "
            "password in the store"
        ) from None
    except reach_errors() as exc:
        raise DeviceError(
            f"{label} could not be reached ({type(exc).__name__}); check its hostname and "
            "port, and that it is up"
        ) from None
    try:
        if enable_secret and not connection.check_enable_mode():
            connection.enable()
        yield connection
    finally:
        with suppress(*reach_errors()):
            connection.disconnect()


def login_errors() -> tuple[type[BaseException], ...]:
    """Return the exceptions that mean "the device refused the login"."""
    from netmiko.exceptions import NetmikoAuthenticationException
    from paramiko.ssh_exception import AuthenticationException

    return (NetmikoAuthenticationException, AuthenticationException)


def reach_errors() -> tuple[type[BaseException], ...]:
    """Return the exceptions that mean "the session failed or dropped"."""
    from netmiko.exceptions import NetmikoTimeoutException, ReadException, ReadTimeout
    from paramiko.ssh_exception import SSHException

    return (NetmikoTimeoutException, ReadException, ReadTimeout, SSHException, OSError, EOFError)
