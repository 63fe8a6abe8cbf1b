# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a firmware update does on an IOS-style device, through netmiko.

Reading the running version and image, free flash, a file's md5; copying an image (SCP)
and deleting one; the boot variable; saving; reload; and waiting for the device to come
back by polling (a TCP connect, then a login) until a deadline, never a fixed sleep.
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ansible_collections.isp.network.plugins.module_utils.drivers.napalm import where
from ansible_collections.isp.network.plugins.module_utils.drivers.netmiko import (
    open_netmiko,
    reach_errors,
)
from ansible_collections.isp.network.plugins.module_utils.errors import DeviceError

FILE_SYSTEM = "flash:"
_VERSION = re.compile(r"Version\s+([^\s,]+)")
_IMAGE = re.compile(r'System image file is "(?:[\w-]+:)?/?([^"]+)"')
_FREE = re.compile(r"(\d+) bytes free")
_MD5 = re.compile(r"=\s*([0-9a-fA-F]{32})\s*$", re.MULTILINE)
_BOOT = re.compile(r"BOOT variable\s*=\s*(.*)")


@dataclass
class Login:
    """What it takes to open a device: its record (detached) and decrypted credentials."""

    device: Any
    username: str | None
    password: str | None
    enable_secret: str | None
    timeout: float = 30

    def __repr__(self) -> str:
        return f"Login(device={self.device.name!r})"

    def label(self) -> str:
        """Return ``device 'name' (host:port)`` for messages."""
        return f"device {self.device.name!r} ({where(self.device)})"

    def open(self) -> Any:
        """Return a context manager yielding a netmiko session in enable mode."""
        return open_netmiko(
            self.device, self.username, self.password, self.enable_secret, self.timeout
        )


@dataclass(frozen=True)
class Running:
    """The software a device runs: its version and its image file."""

    version: str
    image: str | None


def running(connection: Any, label: str) -> Running:
    """Return what ``show version`` says the device runs; raises DeviceError when unparsable."""
    output = connection.send_command("show version")
    version = _VERSION.search(output)
    if version is None:
        raise DeviceError(
            f"{label} answered show version without a version; check that its platform is ios"
        )
    image = _IMAGE.search(output)
    return Running(version.group(1), image.group(1).strip() if image else None)


def flash_free(connection: Any, label: str) -> int:
    """Return the free bytes on flash; raises DeviceError when ``dir`` does not say."""
    output = connection.send_command(f"dir {FILE_SYSTEM}")
    found = _FREE.search(output)
    if found is None:
        raise DeviceError(f"{label} did not report its free flash in 'dir {FILE_SYSTEM}'")
    return int(found.group(1))


def remote_md5(connection: Any, name: str) -> str | None:
    """Return the md5 of ``flash:/name``, or None when the file is not there."""
    output = connection.send_command(f"verify /md5 {FILE_SYSTEM}/{name}", read_timeout=600)
    if "%Error" in output or "No such file" in output:
        return None
    found = _MD5.search(output)
    return found.group(1).lower() if found else None


def delete_file(connection: Any, name: str) -> None:
    """Delete ``flash:/name`` without questions (absent is fine)."""
    connection.send_command(f"delete /force {FILE_SYSTEM}/{name}")


def copy_image(connection: Any, source: str, name: str) -> None:
    """Copy the controller file ``source`` to ``flash:/name`` over SCP (no md5 check here)."""
    from netmiko.cisco.cisco_ios import CiscoIosFileTransfer

    transfer = CiscoIosFileTransfer(
        connection,
        source_file=source,
        dest_file=name,
        file_system=FILE_SYSTEM,
        direction="put",
        hash_supported=False,
    )
    with transfer:
        transfer.transfer_file()


def boot_images(connection: Any) -> list[str]:
    """Return the flash file names of the boot variable, in order."""
    output = connection.send_command("show boot")
    found = _BOOT.search(output)
    if found is None:
        return []
    names = []
    for entry in found.group(1).replace(";", ",").split(","):
        entry = entry.strip()
        if ":" in entry:
            names.append(entry.split(":", 1)[1].lstrip("/"))
    return names


def set_boot_image(connection: Any, name: str) -> None:
    """Make ``flash:name`` the only boot image and save the configuration."""
    connection.send_config_set(["no boot system", f"boot system {FILE_SYSTEM}{name}"])
    connection.save_config()


def reload(connection: Any, drop_timeout: float = 30.0) -> None:
    """Reload the device, answering its questions; return once the session dropped.

    Returns after ``drop_timeout`` s at most, even when the session stays open.
    """
    questions = r"\[confirm\]|\[yes/no\]"
    try:
        output = connection.send_command("reload", expect_string=questions, read_timeout=30)
        if "[yes/no]" in output:
            output = connection.send_command("yes", expect_string=r"\[confirm\]", read_timeout=60)
        connection.write_channel("\n")
    except reach_errors():
        return
    # The device drops the session as it goes down; give it a bounded moment to do so.
    transport = connection.remote_conn.get_transport()
    deadline = time.monotonic() + drop_timeout
    while transport is not None and transport.is_active() and time.monotonic() < deadline:
        time.sleep(0.05)


def port_open(host: str, port: int, timeout: float) -> bool:
    """Return True when a TCP connection to ``host:port`` is accepted within ``timeout``."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_until_down(login: Login, deadline: float, poll: float) -> bool:
    """Poll until the device stops accepting connections; return False at the deadline."""
    host, port = login.device.hostname, login.device.port or 22
    while time.monotonic() < deadline:
        if not port_open(host, port, min(poll, 2.0)):
            return True
        time.sleep(poll)
    return False


def wait_until_up(
    login: Login,
    deadline: float,
    poll: float,
    probe: Callable[[Any], Any] = lambda connection: None,
) -> Any:
    """Poll (TCP connect, then login) until the device answers; return ``probe(session)``.

    Raises DeviceError naming the device and the time waited when the deadline passes.
    """
    host, port = login.device.hostname, login.device.port or 22
    started = time.monotonic()
    last = "it refused connections"
    while True:
        if port_open(host, port, min(max(poll, 0.5), 5.0)):
            try:
                with login.open() as connection:
                    return probe(connection)
            except DeviceError as exc:
                last = "the login failed: " + type(exc).__name__
        if time.monotonic() + poll >= deadline:
            raise DeviceError(
                f"{login.label()} did not come back within {time.monotonic() - started:.0f} s "
                f"after the reload ({last.rstrip('.')}); check its console, then run the "
                "update again to resume or roll back"
            )
        time.sleep(poll)
