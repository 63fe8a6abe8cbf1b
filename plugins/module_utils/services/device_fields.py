# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fields of a device a caller may set, and their validation.

Every check raises ValidationError with one sentence naming the device, the field and the
bad value (never a secret's value), and saying what to use instead.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError, kind_of
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import (
    Device,
    DeviceStatus,
    DeviceType,
)

# Plain columns of the device row that a caller sets, in the order they are shown.
DEVICE_FIELDS = (
    "hostname",
    "ip_address",
    "port",
    "device_type",
    "platform",
    "vendor",
    "model",
    "serial",
    "site",
    "tenant",
    "status",
    "software_version",
    "driver_options",
    "variables",
)
SECRET_FIELDS = ("password", "enable_secret")
CREDENTIAL_FIELDS = ("username", *SECRET_FIELDS)
SETTABLE_FIELDS = frozenset(("name", *DEVICE_FIELDS, *CREDENTIAL_FIELDS, "groups"))

# The drivers NAPALM ships; community drivers are accepted when their name looks like one.
NAPALM_DRIVERS = ("eos", "ios", "iosxr", "iosxr_netconf", "junos", "nxos", "nxos_ssh")
_PLATFORM_PATTERN = re.compile(r"^[a-z0-9_]+$")
_NAME_PATTERN = re.compile(r"^[^\s\x00-\x1f\x7f]+$")
# Keys of driver_options that would put a secret in the clear on the device row.
_SECRET_OPTION_KEYS = frozenset({"password", "secret", "enable_secret", "passphrase"})


def check_name(name: Any, what: str = "device") -> str:
    """Return ``name`` when it is a usable object name; raises ValidationError otherwise."""
    if not isinstance(name, str) or not _NAME_PATTERN.match(name) or len(name) > 255:
        raise ValidationError(
            f"{what} name {name!r} is not usable; use 1-255 characters without spaces or "
            "control characters, such as 'core1'"
        )
    return name


def check_changes(name: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Return ``changes`` with every value validated and normalised.

    Raises ValidationError for an unknown field or a bad value. ``None`` means "clear the
    field" and is kept as it is (except where the field cannot be empty).
    """
    unknown = sorted(set(changes) - SETTABLE_FIELDS)
    if unknown:
        raise ValidationError(
            f"device {name!r} has no field {unknown[0]!r}; use one of "
            f"{', '.join(sorted(SETTABLE_FIELDS))}"
        )

    checked: dict[str, Any] = {}
    for field, value in changes.items():
        checker = _CHECKERS.get(field)
        checked[field] = checker(name, value) if checker and value is not None else value
    for field in ("hostname", "device_type", "status"):
        if field in checked and checked[field] is None:
            raise ValidationError(f"{field} of device {name!r} cannot be empty; give a value")
    return checked


def _text(field: str, limit: int | None = None) -> Any:
    limit = limit or Device.__table__.c[field].type.length

    def check(name: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(
                f"{field} {value!r} of device {name!r} is not usable; give non-empty text"
            )
        if len(value) > limit:
            raise ValidationError(
                f"{field} of device {name!r} is {len(value)} characters long; shorten it to "
                f"{limit} or fewer"
            )
        return value.strip()

    return check


def _ip_address(name: str, value: Any) -> str:
    try:
        return str(ipaddress.ip_address(str(value).strip()))
    except ValueError:
        raise ValidationError(
            f"ip_address {value!r} of device {name!r} is not an IP address; use an IPv4 or "
            "IPv6 address such as 192.0.2.10"
        ) from None


def _port(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise ValidationError(f"port {value!r} of device {name!r} is not usable; use 1-65535")
    return value


def _choice(field: str, enum: type) -> Any:
    allowed = [member.value for member in enum]

    def check(name: str, value: Any) -> Any:
        if value not in allowed:
            raise ValidationError(
                f"{field} {value!r} of device {name!r} is not known; use one of "
                f"{', '.join(allowed)}"
            )
        return enum(value)

    return check


def _platform(name: str, value: Any) -> str:
    if not isinstance(value, str) or not _PLATFORM_PATTERN.match(value):
        raise ValidationError(
            f"platform {value!r} of device {name!r} is not a NAPALM driver name; use one "
            f"such as {', '.join(NAPALM_DRIVERS)} (lower-case letters, digits and underscores)"
        )
    return value


def _mapping(field: str) -> Any:
    def check(name: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ValidationError(
                f"{field} of device {name!r} is {kind_of(value)}; give a dictionary"
            )
        if field == "driver_options":
            secret = sorted(_SECRET_OPTION_KEYS & {str(key).lower() for key in value})
            if secret:
                raise ValidationError(
                    f"driver option {secret[0]!r} of device {name!r} would be stored in the "
                    "clear; set password or enable_secret instead"
                )
        return dict(value)

    return check


def _groups(name: str, value: Any) -> list[str]:
    if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
        raise ValidationError(f"groups of device {name!r} must be a list of group names")
    return sorted({check_name(group, "group") for group in value})


def _secret(field: str) -> Any:
    def check(name: str, value: Any) -> str:
        if not isinstance(value, str) or not value:
            raise ValidationError(f"{field} of device {name!r} must be non-empty text")
        return value

    return check


_CHECKERS = {
    "name": lambda _name, value: check_name(value),
    "hostname": _text("hostname"),
    "ip_address": _ip_address,
    "port": _port,
    "device_type": _choice("device_type", DeviceType),
    "status": _choice("status", DeviceStatus),
    "platform": _platform,
    "vendor": _text("vendor"),
    "model": _text("model"),
    "serial": _text("serial"),
    "site": _text("site"),
    "tenant": _text("tenant"),
    "software_version": _text("software_version"),
    "driver_options": _mapping("driver_options"),
    "variables": _mapping("variables"),
    "username": _text("username", 255),
    "password": _secret("password"),
    "enable_secret": _secret("enable_secret"),
    "groups": _groups,
}
