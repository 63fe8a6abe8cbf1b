#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ip_address_info
short_description: List allocated addresses and prefixes by pool, owner or device
version_added: 0.1.0
description:
  - Returns the allocations that match every filter given, by pool and address.
extends_documentation_fragment:
  - isp.network.store
attributes:
  check_mode:
    support: full
    description: Reads only; runs the same in check mode.
  diff_mode:
    support: none
    description: Reads only; there is nothing to diff.
options:
  pool:
    description: Only allocations from this pool.
    type: str
  assigned_to_type:
    description: Only allocations of owners of this kind.
    type: str
  assigned_to_id:
    description: Only allocations of this owner.
    type: str
  device:
    description: Only allocations linked to this registered device.
    type: str
  address:
    description: Only the allocation that starts at this address (in any pool).
    type: str
  kind:
    description: Only single addresses, or only child prefixes.
    type: str
    choices: [address, prefix]
seealso:
  - module: isp.network.ip_address
  - plugin: isp.network.ip_address
    plugin_type: lookup
author:
  - isp.network maintainers (@isp-network)
"""

EXAMPLES = r"""
- name: Find every address of core1
  isp.network.ip_address_info:
    device: core1
  register: core1_addresses

- name: Show them
  ansible.builtin.debug:
    msg: "{{ core1_addresses.allocations | map(attribute='cidr') }}"
"""

RETURN = r"""
allocations:
  description:
    - The matching allocations. C(address) carries no prefix length; C(cidr) does.
  returned: always
  type: list
  elements: dict
  sample:
    - address: 10.10.0.11
      cidr: 10.10.0.11/24
      prefix_length: 24
      kind: address
      pool: mgmt-ams1
      vrf: global
      status: allocated
      assigned_to_type: device
      assigned_to_id: core1
      device: core1
      interface: Management1
      gateway: 10.10.0.1
      dns_servers: []
      allocated_at: "2025-01-31T10:00:00+00:00"
"""

from ansible_collections.isp.network.plugins.module_utils.module import (  # noqa: E402
    run_in_store,
    store_module,
)


def main() -> None:
    """Run the module."""
    module = store_module(
        {
            "pool": {"type": "str"},
            "assigned_to_type": {"type": "str", "no_log": False},
            "assigned_to_id": {"type": "str", "no_log": False},
            "device": {"type": "str"},
            "address": {"type": "str"},
            "kind": {"type": "str", "choices": ["address", "prefix"]},
        },
        supports_check_mode=True,
    )
    from ansible_collections.isp.network.plugins.module_utils.services.ipam_tasks import (
        address_info,
    )

    run_in_store(module, lambda session: address_info(session, module.params), write=False)


if __name__ == "__main__":
    main()
