#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: device
short_description: Register, update or remove devices in the isp.network store
version_added: 0.1.0
description:
  - Keeps a device in the store's registry as described, or removes it.
  - Credentials are encrypted with the store's secret key before they are stored; a password
    equal to the stored one is not a change, and a changed one appears in the diff as
    V((changed)), never as its value.
  - The bulk form O(devices) registers or updates many devices in one task and one
    transaction, and reports per device in a compact shape (RV(summary), RV(outcomes)).
    Prefer it over a loop of tasks.
  - Every change writes an audit event in the same transaction (see M(isp.network.audit_info)).
extends_documentation_fragment:
  - isp.network.store
attributes:
  check_mode:
    support: full
    description: Computes exactly what would change and writes nothing.
  diff_mode:
    support: full
    description:
      - Shows each device before and after; secrets appear only as markers.
      - The bulk form shows the devices that change, at most the first 100 of them unless
        O(return_devices) is set; RV(outcomes) always names every device.
options:
  name:
    description:
      - Name of the device, unique in the store (for example the inventory hostname).
      - Required unless O(devices) is given.
    type: str
  state:
    description:
      - V(present) creates or updates the device(s); V(absent) deletes them with their
        credentials and group memberships.
    type: str
    choices: [present, absent]
    default: present
  hostname:
    description:
      - What to connect to, a DNS name or an address (NAPALM's hostname).
      - When a new device has none, O(ip_address) is used, else O(name).
    type: str
  ip_address:
    description: Management IPv4 or IPv6 address the network knows the device by.
    type: str
  device_type:
    description: What the device is.
    type: str
    choices: [router, switch, firewall, olt, access_point, cpe, server, other]
  platform:
    description:
      - NAPALM driver name, such as V(ios), V(eos), V(junos) or V(nxos_ssh).
    type: str
  vendor:
    description: Vendor name.
    type: str
  model:
    description: Hardware model.
    type: str
  serial:
    description: Serial number.
    type: str
  site:
    description: Site the device is installed at.
    type: str
  tenant:
    description:
      - Tenant (customer or business unit) the device belongs to.
      - Within a tenant scope (O(store_tenant)), the scope's tenant when left out; any other
        value fails.
    type: str
  status:
    description: Where the device is in its life; new devices default to V(active).
    type: str
    choices: [planned, staged, active, maintenance, offline, discovered, decommissioned]
  port:
    description: Management (SSH) port; the driver's default when not set.
    type: int
  username:
    description: Login user name (not secret; shown in results).
    type: str
  password:
    description: Login password, stored encrypted. Needs the secret key.
    type: str
  enable_secret:
    description: Enable secret, stored encrypted and given to NAPALM as C(secret).
    type: str
  driver_options:
    description:
      - NAPALM optional arguments, such as C(transport) or C(global_delay_factor).
      - Secrets are refused here; use O(password) and O(enable_secret).
    type: dict
    aliases: [optional_args]
  variables:
    description: Variables the inventory gives to the device (replaces the stored ones).
    type: dict
  groups:
    description:
      - Exact set of groups the device is in; groups that do not exist yet are created.
      - When not set, memberships are left as they are.
    type: list
    elements: str
  devices:
    description:
      - Bulk form; each item takes the options above, O(devices[].name) required.
      - The options above given next to O(devices) hold for every item that leaves them out,
        such as one O(username) and O(password) for all; an item's own value wins (lists and
        mappings are replaced, not merged).
      - Mutually exclusive with O(name).
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the device.
        type: str
        required: true
      hostname:
        description: See O(hostname).
        type: str
      ip_address:
        description: See O(ip_address).
        type: str
      device_type:
        description: See O(device_type).
        type: str
        choices: [router, switch, firewall, olt, access_point, cpe, server, other]
      platform:
        description: See O(platform).
        type: str
      vendor:
        description: See O(vendor).
        type: str
      model:
        description: See O(model).
        type: str
      serial:
        description: See O(serial).
        type: str
      site:
        description: See O(site).
        type: str
      tenant:
        description: See O(tenant).
        type: str
      status:
        description: See O(status).
        type: str
        choices: [planned, staged, active, maintenance, offline, discovered, decommissioned]
      port:
        description: See O(port).
        type: int
      username:
        description: See O(username).
        type: str
      password:
        description: See O(password).
        type: str
      enable_secret:
        description: See O(enable_secret).
        type: str
      driver_options:
        description: See O(driver_options).
        type: dict
        aliases: [optional_args]
      variables:
        description: See O(variables).
        type: dict
      groups:
        description: See O(groups).
        type: list
        elements: str
  return_devices:
    description:
      - With the bulk form, also return RV(devices) (every device as stored after the task)
        and RV(results) (one dict per device), and show every changed device in the diff.
      - Costly for large lists, as Ansible scans every string of a result once for each secret
        the task was given, so with thousands of devices, each with its own password, the
        full result can take longer than registering the devices.
    type: bool
    default: false
    version_added: 0.1.0
notes:
  - The record of the task that Ansible writes to the syslog of the controller gives the
    number of devices of O(devices), not their options; every change is in the
    collection's own audit trail (M(isp.network.audit_info)).
  - With Ansible's C(inject_invocation) setting on, the bulk form returns its options in
    C(invocation) with O(devices) as a count only.
seealso:
  - module: isp.network.device_info
  - module: isp.network.device_group
author:
  - isp.network maintainers (@isp-network)
"""

EXAMPLES = r"""
- name: Register a core router with its login
  isp.network.device:
    name: core1
    hostname: core1.mgmt.example.net
    ip_address: 192.0.2.1
    device_type: router
    platform: ios
    site: ams1
    groups: [core]
    username: netops
    password: "{{ vault_core_password }}"

- name: Register many switches in one task, all with the same login
  isp.network.device:
    devices: "{{ switches }}"
    device_type: switch
    username: netops
    password: "{{ vault_switch_password }}"
  register: registered

- name: Show the switches that were created
  ansible.builtin.debug:
    msg: "{{ registered.outcomes.created | default({}) | list }}"

- name: Remove a decommissioned device
  isp.network.device:
    name: old-edge3
    state: absent
"""

RETURN = r"""
device:
  description: The device after the task (single form); empty when it is absent. No secrets.
  returned: when O(name) is given
  type: dict
  sample:
    name: core1
    hostname: core1.mgmt.example.net
    ip_address: 192.0.2.1
    device_type: router
    platform: ios
    site: ams1
    status: active
    groups: [core]
    username: netops
    has_credentials: true
    has_enable_secret: false
    reachability: unknown
    last_seen: null
devices:
  description: Every device of the bulk form after the task, in the order given. No secrets.
  returned: when O(devices) is given and O(return_devices) is true
  type: list
  elements: dict
  sample: [{name: sw1, hostname: 192.0.2.11, device_type: switch, groups: [access]}]
summary:
  description: How many devices of the bulk form each result word applies to.
  returned: when O(devices) is given
  type: dict
  sample: {created: 1, updated: 1, already exists: 2}
outcomes:
  description:
    - What happened to each device of the bulk form, by result word (V(created),
      V(updated), V(already exists), V(deleted), V(already absent)), then by device name.
    - The value of an updated device is the names of the fields that changed (secrets by
      name only); it is null for the others.
  returned: when O(devices) is given
  type: dict
  sample:
    created: {sw3: null}
    updated: {sw2: [site]}
    already exists: {sw0: null, sw1: null}
results:
  description: What happened to each device of the bulk form, in the order given.
  returned: when O(devices) is given and O(return_devices) is true
  type: list
  elements: dict
  sample:
    - {name: sw1, result: created, changed: true, changed_fields: [hostname, name]}
    - {name: sw2, result: already exists, changed: false, changed_fields: []}
changed_fields:
  description: Names of the fields that changed (secrets by name only).
  returned: when O(name) is given
  type: list
  elements: str
  sample: [password, site]
msg:
  description: What the task did, in the collection's words.
  returned: always
  type: str
  sample: device 'core1' updated
"""

from ansible_collections.isp.network.plugins.module_utils.device_module import (  # noqa: E402
    DEVICE_OPTIONS,
    run_device_module,
)
from ansible_collections.isp.network.plugins.module_utils.module import (  # noqa: E402
    store_module,
)


def main() -> None:
    """Run the module."""
    module = store_module(
        {
            **DEVICE_OPTIONS,
            "name": {"type": "str"},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "devices": {
                "type": "list",
                "elements": "dict",
                "options": {**DEVICE_OPTIONS, "name": {"type": "str", "required": True}},
            },
            "return_devices": {"type": "bool", "default": False},
        },
        counted_options=("devices",),
        supports_check_mode=True,
        mutually_exclusive=[("name", "devices")],
        required_one_of=[("name", "devices")],
    )
    run_device_module(module)


if __name__ == "__main__":
    main()
