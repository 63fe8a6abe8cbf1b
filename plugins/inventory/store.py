# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: store
short_description: Devices of the isp.network store as an Ansible inventory
version_added: 0.1.0
description:
  - Reads the devices, device groups and (only when asked) credentials straight from the
    isp.network store database, in one query per table, with no API server in between.
  - Every device becomes a host named after the device. It gets V(ansible_host) (the device's
    hostname), V(ansible_port) when the device has a port, V(ansible_network_os) mapped from
    its platform, every device field as a variable named O(variable_prefix) plus the field,
    and finally the device's own C(variables), which may override any of the former.
  - Device groups become groups with their variables. O(group_by) adds groups named
    C(<group_prefix><field>_<value>), such as C(device_type_router), C(site_ams1) or
    C(platform_ios); characters that are not valid in a group name become C(_).
  - Values read from the store are marked unsafe, so they are never rendered as templates.
  - The configuration file name must end in C(.store.yml) or C(.store.yaml).
author:
  - isp.network maintainers (@isp-network)
requirements:
  - sqlmodel
  - cryptography (only with O(credentials=true))
extends_documentation_fragment:
  - constructed
  - inventory_cache
options:
  plugin:
    description: Marks the file as a configuration of this plugin.
    required: true
    type: str
    choices: [isp.network.store]
  store_url:
    description:
      - Database URL of the store, for example V(sqlite:////var/lib/isp-network/store.db) or
        V(postgresql://isp:secret@db.example.net/isp_network).
      - When not set, the default store of the isp.network modules is read, a SQLite file
        C(isp-network/store.db) in the user's data directory.
      - A SQLite file that does not exist is an error, not an empty inventory.
      - Only the URL without its password is ever shown.
    type: str
    env:
      - name: ISP_NETWORK_STORE_URL
  store_tenant:
    description:
      - Only the devices of this tenant are read (the reseller case), with the same tenant
        scope as the C(store_tenant) option of the isp.network modules. Devices of other
        tenants, and devices without a tenant, are not in the inventory, nor are the groups
        only they are in.
      - When not set, E(ISP_NETWORK_TENANT) is used; when neither is set (or both are
        empty), every device is read.
      - Set it where the inventory source runs (an AWX credential), not in a file a tenant
        may edit.
    type: str
    env:
      - name: ISP_NETWORK_TENANT
    version_added: 0.1.0
  credentials:
    description:
      - Give each device that has stored credentials V(ansible_user), V(ansible_password) and
        V(ansible_become_password) (its enable secret), decrypted with the secret key.
      - When false, no credential is read from the store at all.
      - Credentials are never written to the inventory cache; they are decrypted on every run.
      - C(ansible-inventory --list) and C(--host) then print them, and Ansible's log file
        (C(log_path)), when one is set, keeps a copy of what they print.
    type: bool
    default: false
  secret_key:
    description:
      - Key that decrypts the stored credentials; only used with O(credentials=true).
      - When not set, E(ISP_NETWORK_SECRET_KEY) is used, then the file named by
        O(secret_key_file) or E(ISP_NETWORK_SECRET_KEY_FILE).
      - Prefer the environment or a key file to writing the key in the configuration.
    type: str
  secret_key_file:
    description:
      - Path of a file holding the secret key, used when O(secret_key) and
        E(ISP_NETWORK_SECRET_KEY) are not set.
      - When not set, E(ISP_NETWORK_SECRET_KEY_FILE) is used.
    type: path
  group_by:
    description:
      - Device fields that make groups named C(<group_prefix><field>_<value>), such as
        C(device_type_router). A device whose field is empty joins no group for that field.
      - Device groups from the store are always added, whatever this option says.
    type: list
    elements: str
    choices: [device_type, platform, site, tenant, status, vendor]
    default: [device_type, platform, site, tenant, status]
  group_prefix:
    description: Text put in front of the name of every O(group_by) group.
    type: str
    default: ""
  filters:
    description:
      - Only devices that match are in the inventory. Each key is a device field, or
        V(group) for membership of a device group, or V(name) for the device name.
      - A key's value is a text or a list of texts; a list matches a device whose value is
        any of them. Several keys must all match.
      - Without filters, every device in the store is in the inventory.
      - Only device groups with at least one matching member become groups.
    type: dict
    default: {}
    suboptions:
      name:
        description: Device names.
        type: list
        elements: str
      group:
        description: Device groups; a device in any of them matches.
        type: list
        elements: str
      device_type:
        description: Device types, such as V(router) or V(switch).
        type: list
        elements: str
      platform:
        description: Platforms (NAPALM driver names), such as V(ios).
        type: list
        elements: str
      site:
        description: Sites.
        type: list
        elements: str
      tenant:
        description: Tenants.
        type: list
        elements: str
      status:
        description: Statuses, such as V(active).
        type: list
        elements: str
      vendor:
        description: Vendors.
        type: list
        elements: str
  variable_prefix:
    description: Text put in front of every device field to make its host variable name.
    type: str
    default: isp_
  network_os:
    description:
      - Platform to V(ansible_network_os) mapping, merged over the built-in one
        (V(ios), V(iosxr), V(iosxr_netconf), V(nxos), V(nxos_ssh), V(eos), V(junos)).
      - A device whose platform is in neither gets no V(ansible_network_os).
    type: dict
    default: {}
notes:
  - Run C(ansible-inventory -i FILE --list -vvv) to see how many devices were read and how
    long it took; no secret is ever shown.
  - With O(cache=true), the device data (never the credentials) is cached under a key made
    from the configuration file path and the store URL.
seealso:
  - name: The isp.network inventory guide
    description: Every option, the filter rules, caching and credentials, with examples.
    link: https://github.com/isp-network/isp.network/blob/main/docs/inventory.md
"""

EXAMPLES = r"""
# inventory/network.store.yml: every device, grouped by type, platform, site, tenant, status
plugin: isp.network.store
store_url: sqlite:////var/lib/isp-network/store.db

# Active routers and switches of two sites, with their credentials
plugin: isp.network.store
filters:
  status: active
  device_type: [router, switch]
  site: [ams1, fra1]
credentials: true
secret_key_file: ~/.config/isp-network/secret.key

# Constructed groups and variables, cached for an hour
plugin: isp.network.store
group_by: [site]
compose:
  ansible_connection: "'ansible.netcommon.network_cli'"
keyed_groups:
  - key: isp_vendor
    prefix: vendor
groups:
  core: "'core' in isp_groups"
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/isp-network-inventory
cache_timeout: 3600
"""

import re  # noqa: E402
import time  # noqa: E402
from collections.abc import Mapping  # noqa: E402
from typing import Any  # noqa: E402

from ansible.errors import AnsibleParserError  # noqa: E402
from ansible.module_utils.basic import missing_required_lib  # noqa: E402
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable  # noqa: E402
from ansible.utils.display import Display  # noqa: E402
from ansible.utils.unsafe_proxy import wrap_var  # noqa: E402

from ansible_collections.isp.network.plugins.module_utils import inventory_hosts as hosts  # noqa: E402
from ansible_collections.isp.network.plugins.module_utils.errors import IspNetworkError  # noqa: E402

display = Display()

# Part of every cache key; raised when what is cached changes meaning, so that an entry of
# an older release is never used (2: every filter, vendor too, is applied in the store).
_CACHE_FORMAT = 2
_SUFFIXES = (".store.yml", ".store.yaml")
_BARE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# Names Jinja reads as literals, not variables.
_JINJA_LITERALS = frozenset({"true", "false", "none", "True", "False", "None"})


def make_unsafe(value: Any) -> Any:
    """Return ``value`` with every string marked unsafe, so that it is never templated.

    Plain ``str`` values carry no template trust (trust is a tag, kept on a subclass), so
    they pass as they are; anything else is untagged by Ansible's own ``wrap_var``.
    """
    kind = type(value)
    if value is None or kind is str or kind is int or kind is bool or kind is float:
        return value
    if isinstance(value, Mapping):
        return {make_unsafe(key): make_unsafe(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [make_unsafe(item) for item in value]
    return wrap_var(value)


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    """Devices of the isp.network store, as hosts and groups."""

    NAME = "isp.network.store"

    def verify_file(self, path: str) -> bool:
        """Return True for a readable file whose name ends in .store.yml or .store.yaml."""
        return super().verify_file(path) and path.endswith(_SUFFIXES)

    def _compose(self, template, variables, disable_lookups=...):
        """Return the value of ``template``; a bare variable name is looked up, not templated.

        ``key: isp_vendor`` in keyed_groups or compose gives the same value either way, but
        Ansible compiles the expression again for every host; the lookup keeps a keyed
        group over 10,000 hosts from costing seconds. Anything else goes through Jinja.
        """
        if (
            isinstance(template, str)
            and template in variables
            and template not in _JINJA_LITERALS
            and _BARE_NAME.match(template)
            and not (self.get_option("use_extra_vars") and template in (self._vars or {}))
        ):
            return variables[template]
        if disable_lookups is ...:
            return super()._compose(template, variables)
        return super()._compose(template, variables, disable_lookups)

    def parse(self, inventory, loader, path, cache=True):
        """Fill ``inventory`` with the store's devices; raises AnsibleParserError on failure."""
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        started = time.monotonic()
        try:
            filters = hosts.parse_filters(self.get_option("filters"))
            data, source = self._read(path, filters, cache)
        except IspNetworkError as exc:
            raise AnsibleParserError(str(exc)) from exc

        records = data["devices"]
        self._populate(records, data["groups"], tuple(self.get_option("group_by")))
        display.vvv(
            f"{self.NAME}: {len(records)} devices from {source} in "
            f"{time.monotonic() - started:.2f} s"
        )

    def _read(self, path: str, filters: hosts.Filters, cache: bool) -> tuple[dict[str, Any], str]:
        """Return the store data and where it came from; credentials are never cached."""
        try:
            from ansible_collections.isp.network.plugins.module_utils import (
                inventory_store as store,
            )
        except ImportError as exc:
            raise AnsibleParserError(missing_required_lib(exc.name or "sqlmodel")) from exc

        url = store.resolve_url(self.get_option("store_url"))
        shown = store.safe_url(url)
        tenant = self.get_option("store_tenant") or None
        if tenant:
            display.vvv(f"{self.NAME}: limited to the devices of tenant {tenant!r}")
        if self.get_option("credentials"):
            data = store.read_devices(
                url,
                filters,
                self.get_option("secret_key"),
                self.get_option("secret_key_file"),
                credentials=True,
                tenant=tenant,
            )
            return data, f"{shown} (with credentials, not cached)"

        use_cache = bool(self.get_option("cache"))
        wanted = sorted((key, sorted(values)) for key, values in filters.items())
        # The scope is part of the key: one tenant's run never reads another's cache entry.
        key = self.get_cache_key(f"{path}|{shown}|{tenant}|{wanted}|{_CACHE_FORMAT}")
        if use_cache and cache:
            try:
                return self._cache[key], f"the cache of {shown}"
            except KeyError:
                display.vvv(f"{self.NAME}: nothing cached for {path} yet")
        data = store.read_devices(url, filters, tenant=tenant)
        if use_cache:
            self._cache[key] = data
        return data, shown

    def _populate(
        self,
        records: list[dict[str, Any]],
        store_groups: dict[str, dict[str, Any]],
        group_by: tuple[str, ...],
    ) -> None:
        inventory = self.inventory
        prefix = self.get_option("variable_prefix")
        group_prefix = self.get_option("group_prefix")
        network_os = {**hosts.NETWORK_OS, **self.get_option("network_os")}
        compose = self.get_option("compose")
        groups = self.get_option("groups")
        keyed_groups = self.get_option("keyed_groups")
        strict = self.get_option("strict")
        constructed = bool(compose or groups or keyed_groups)
        credentials = bool(self.get_option("credentials"))
        group_names: dict[str, str] = {}

        def group(raw: str) -> str:
            name = group_names.get(raw)
            if name is None:
                name = group_names[raw] = inventory.add_group(self._sanitize_group_name(raw))
                if raw in store_groups:
                    for key, value in make_unsafe(store_groups[raw]).items():
                        inventory.set_variable(name, key, value)
            return name

        for record in records:
            host = inventory.add_host(record["name"])
            login = hosts.credential_variables(record) if credentials else None
            variables = make_unsafe(hosts.host_variables(record, prefix, network_os, login))
            for key, value in variables.items():
                inventory.set_variable(host, key, value)
            for raw in record["groups"]:
                inventory.add_child(group(raw), host)
            for raw in hosts.field_group_names(record, group_by, group_prefix):
                inventory.add_child(group(raw), host)
            if constructed:
                self._set_composite_vars(compose, variables, host, strict=strict)
                self._add_host_to_composed_groups(groups, variables, host, strict=strict)
                self._add_host_to_keyed_groups(keyed_groups, variables, host, strict=strict)
