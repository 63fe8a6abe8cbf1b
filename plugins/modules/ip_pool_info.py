#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ip_pool_info
short_description: List IP address pools with their usage
version_added: 0.1.0
description:
  - Returns the pools that match every filter given, each with its usage.
  - Usage is read from counters kept in the same transaction as every allocation, so it is
    as cheap for a full /16 as for an empty /29; IPv6 sizes are exact integers.
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
  name:
    description: Names of the pools to return; all pools when not given.
    type: list
    elements: str
  vrf:
    description: Only pools of this VRF.
    type: str
  pool_type:
    description: Only pools of this type.
    type: str
    choices: [customer, infrastructure, management, loopback, p2p, container]
  site:
    description: Only pools of this site.
    type: str
  tenant:
    description: Only pools of this tenant.
    type: str
seealso:
  - module: isp.network.ip_pool
author:
  - isp.network maintainers (@isp-network)
"""

EXAMPLES = r"""
- name: Read the usage of every customer pool
  isp.network.ip_pool_info:
    pool_type: customer
  register: customer_pools

- name: Name the pools above their warning threshold
  ansible.builtin.debug:
    msg: "{{ customer_pools.pools | selectattr('usage.above_threshold') | map(attribute='name') }}"
"""

RETURN = r"""
pools:
  description: The matching pools, by name, each with its C(usage).
  returned: always
  type: list
  elements: dict
  sample:
    - name: cust-ams1
      network: 100.64.0.0/22
      vrf: global
      pool_type: customer
      gateway: 100.64.0.1
      dns_servers: [192.0.2.53]
      usage:
        size: 1024
        allocated: 812
        reserved: 18
        free: 194
        utilisation: 80.71
        warning_threshold: 80
        above_threshold: true
"""

from ansible_collections.isp.network.plugins.module_utils.module import (  # noqa: E402
    run_in_store,
    store_module,
)

POOL_TYPES = ["customer", "infrastructure", "management", "loopback", "p2p", "container"]


def main() -> None:
    """Run the module."""
    module = store_module(
        {
            "name": {"type": "list", "elements": "str"},
            "vrf": {"type": "str"},
            "pool_type": {"type": "str", "choices": POOL_TYPES},
            "site": {"type": "str"},
            "tenant": {"type": "str"},
        },
        supports_check_mode=True,
    )
    from ansible_collections.isp.network.plugins.module_utils.services.ipam_tasks import (
        pool_info,
    )

    run_in_store(module, lambda session: pool_info(session, module.params), write=False)


if __name__ == "__main__":
    main()
