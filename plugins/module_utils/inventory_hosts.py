# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the ``isp.network.store`` inventory makes of the store's devices, without Ansible.

The plugin reads device records (plain, JSON-safe dicts, the shape it caches) and turns each
into host variables and group names here; it only hands the results to Ansible. Filters are
checked here; the device service applies them in the store's query.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError

# Device fields given to every host as ``<variable_prefix><field>``, in this order.
HOST_FIELDS = (
    "name",
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
    "reachability",
    "last_seen",
    "groups",
)
GROUP_BY_KEYS = ("device_type", "platform", "site", "tenant", "status", "vendor")
# ``name`` and ``group`` filter on the device name and its group membership; the rest on
# the device field of the same name.
FILTER_KEYS = ("name", "group", *GROUP_BY_KEYS)

# NAPALM driver name -> the network OS that Ansible's network_cli connection expects.
NETWORK_OS = {
    "ios": "cisco.ios.ios",
    "iosxr": "cisco.iosxr.iosxr",
    "iosxr_netconf": "cisco.iosxr.iosxr",
    "nxos": "cisco.nxos.nxos",
    "nxos_ssh": "cisco.nxos.nxos",
    "eos": "arista.eos.eos",
    "junos": "junipernetworks.junos.junos",
}

Filters = dict[str, frozenset[str]]


def parse_filters(raw: Mapping[str, Any] | None) -> Filters:
    """Return ``raw`` (key -> text or list of texts) as key -> set of accepted values.

    Raises ValidationError for an unknown key, an empty list, or a value that is not text.
    """
    filters: Filters = {}
    for key, value in (raw or {}).items():
        if key not in FILTER_KEYS:
            raise ValidationError(
                f"filters has no key {key!r}; use one or more of {', '.join(FILTER_KEYS)}"
            )
        values = value if isinstance(value, list | tuple) else [value]
        if not values or not all(isinstance(item, str) and item for item in values):
            raise ValidationError(
                f"filters.{key} must be a non-empty text or a non-empty list of texts, "
                f"not {value!r}"
            )
        filters[key] = frozenset(values)
    return filters


def host_variables(
    record: Mapping[str, Any],
    prefix: str,
    network_os: Mapping[str, str],
    connection: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the host variables of one device record.

    Connection variables first (with ``connection``, such as credential variables), then
    ``<prefix><field>`` for every field in HOST_FIELDS, then the device's own ``variables``,
    which may override any of the former.
    """
    variables: dict[str, Any] = {"ansible_host": record["hostname"]}
    if record["port"] is not None:
        variables["ansible_port"] = record["port"]
    os_name = network_os.get(record["platform"] or "")
    if os_name:
        variables["ansible_network_os"] = os_name
    if connection:
        variables.update(connection)
    for field in HOST_FIELDS:
        variables[prefix + field] = record[field]
    variables.update(record["variables"])
    return variables


def credential_variables(credential: Mapping[str, str | None]) -> dict[str, str]:
    """Return the connection variables for a decrypted credential (only the fields it has)."""
    variables = {}
    if credential.get("username"):
        variables["ansible_user"] = credential["username"]
    if credential.get("password"):
        variables["ansible_password"] = credential["password"]
    if credential.get("enable_secret"):
        variables["ansible_become_password"] = credential["enable_secret"]
    return variables


def field_group_names(record: Mapping[str, Any], group_by: Iterable[str], prefix: str) -> list[str]:
    """Return the raw (unsanitised) ``<prefix><key>_<value>`` group names of one record."""
    return [f"{prefix}{key}_{record[key]}" for key in group_by if record[key] not in (None, "")]
