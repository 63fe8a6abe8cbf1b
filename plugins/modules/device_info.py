#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: device_info
short_description: List devices registered in the isp.network store
version_added: 0.1.0
description:
  - Returns the devices that match every filter given; a filter with several values
    matches any of them.
  - Never returns a password or an enable secret; RV(devices[].has_credentials) says
    whether one is stored.
extends_documentation_fragment:
  - isp.network.store
attributes:
  check_mode:
    support: full
    description: Reads only; runs the same in check mode.
  diff_mode:
    support: none
    description: Changes nothing, so has no diff.
options:
  name:
    description: Device names.
    type: list
    elements: str
  group:
    description: Groups; a device in any of them matches.
    type: list
    elements: str
  device_type:
    description: Device types.
    type: list
    elements: str
    choices: [router, switch, firewall, olt, access_point, cpe, server, other]
  site:
    description: Sites.
    type: list
    elements: str
  tenant:
    description: Tenants.
    type: list
    elements: str
  status:
    description: Lifecycle statuses.
    type: list
    elements: str
    choices: [planned, staged, active, maintenance, offline, discovered, decommissioned]
  platform:
    description: NAPALM driver names.
    type: list
    elements: str
seealso:
  - module: isp.network.device
author:
  - isp.network maintainers (@isp-network)
"""

EXAMPLES = r"""
- name: List the active routers of one site
  isp.network.device_info:
    device_type: router
    site: ams1
    status: active
  register: routers

- name: Show their names
  ansible.builtin.debug:
    msg: "{{ routers.devices | map(attribute='name') | list }}"
"""

RETURN = r"""
devices:
  description: The matching devices, ordered by name. Never a secret.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Unique device name.
      type: str
      sample: core1
    hostname:
      description: What to connect to.
      type: str
      sample: core1.mgmt.example.net
    ip_address:
      description: Management address.
      type: str
      sample: 192.0.2.1
    device_type:
      description: What the device is.
      type: str
      sample: router
    platform:
      description: NAPALM driver name.
      type: str
      sample: ios
    site:
      description: Site.
      type: str
      sample: ams1
    status:
      description: Lifecycle status.
      type: str
      sample: active
    groups:
      description: Group names.
      type: list
      elements: str
      sample: [core]
    username:
      description: Login user name.
      type: str
      sample: netops
    has_credentials:
      description: Whether a password is stored.
      type: bool
      sample: true
    reachability:
      description:
        - What the last probe found, V(unknown), V(reachable), V(unreachable) or
          V(login_failed).
      type: str
      sample: reachable
    last_seen:
      description: When a probe last reached the device (ISO 8601), or null.
      type: str
      sample: "2025-01-31T12:00:00+00:00"
  sample:
    - {name: core1, hostname: 192.0.2.1, device_type: router, groups: [core], has_credentials: true}
"""

from ansible_collections.isp.network.plugins.module_utils.module import (  # noqa: E402
    run_in_store,
    store_module,
)

FILTERS = {
    "name": "names",
    "group": "groups",
    "device_type": "device_types",
    "site": "sites",
    "tenant": "tenants",
    "status": "statuses",
    "platform": "platforms",
}


def main() -> None:
    """Run the module."""
    from ansible_collections.isp.network.plugins.module_utils.device_module import (
        DEVICE_STATUSES,
        DEVICE_TYPES,
    )

    spec = {option: {"type": "list", "elements": "str"} for option in FILTERS}
    spec["device_type"]["choices"] = DEVICE_TYPES
    spec["status"]["choices"] = DEVICE_STATUSES
    module = store_module(spec, supports_check_mode=True)

    def work(session):
        from ansible_collections.isp.network.plugins.module_utils.services.devices import (
            DeviceService,
        )

        filters = {FILTERS[option]: module.params[option] for option in FILTERS}
        return {"changed": False, "devices": DeviceService.inventory_rows(session, **filters)}

    run_in_store(module, work, write=False)


if __name__ == "__main__":
    main()
