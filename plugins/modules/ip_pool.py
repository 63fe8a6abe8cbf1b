#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ip_pool
short_description: Create, change or delete an IP address pool
version_added: 0.1.0
description:
  - Manages a pool of IPv4 or IPv6 addresses in the store, from which
    M(isp.network.ip_address) hands out addresses and M(isp.network.ip_prefix) child prefixes.
  - Pools in one O(vrf) never overlap; pools in different VRFs may.
  - In a pool of type V(customer), V(infrastructure) or V(management), the IPv4 network and
    broadcast addresses (except in a /31 or /32) and the IPv6 subnet-router anycast address
    are never handed out; in every pool the O(gateway) and the O(reserved_ranges) are not
    either. They count as reserved in the usage.
extends_documentation_fragment:
  - isp.network.store
attributes:
  check_mode:
    support: full
    description: Reports exactly what would change, and writes nothing.
  diff_mode:
    support: full
    description: Shows the pool's fields before and after.
options:
  name:
    description: Unique name of the pool.
    type: str
    required: true
  state:
    description: Whether the pool should exist.
    type: str
    choices: [present, absent]
    default: present
  network:
    description:
      - The pool's network as a CIDR, such as V(10.0.0.0/22) or V(2001:db8:100::/48).
      - Required to create a pool; a pool's network cannot change afterwards.
    type: str
  vrf:
    description: The routing table the pool belongs to. Defaults to V(global) on creation.
    type: str
  pool_type:
    description: What the addresses are for. Defaults to V(customer) on creation.
    type: str
    choices: [customer, infrastructure, management, loopback, p2p, container]
  gateway:
    description: The gateway address of the pool's subnet; it is never handed out.
    type: str
  dns_servers:
    description: DNS servers returned with every address of the pool.
    type: list
    elements: str
  description:
    description: Free text.
    type: str
  site:
    description: The site the pool serves.
    type: str
  tenant:
    description:
      - The tenant the pool belongs to.
      - Within a tenant scope (O(store_tenant)), the scope's tenant when left out; any other
        value fails.
    type: str
  reserved_ranges:
    description:
      - Addresses (V(10.0.0.5)) or ranges (V(10.0.0.240-10.0.0.254)) never handed out.
      - Refused while one of them is allocated.
    type: list
    elements: str
  warning_threshold:
    description:
      - Utilisation in percent at which RV(pool.usage.above_threshold) becomes true.
      - Defaults to V(80) on creation.
    type: int
  force:
    description:
      - With O(state=absent), delete the pool even while it holds allocations, releasing
        them all. Without it, such a pool is not deleted and the task fails.
    type: bool
    default: false
seealso:
  - module: isp.network.ip_pool_info
  - module: isp.network.ip_address
author:
  - isp.network maintainers (@isp-network)
"""

EXAMPLES = r"""
- name: Create the customer pool of the Amsterdam site
  isp.network.ip_pool:
    name: cust-ams1
    network: 100.64.0.0/22
    pool_type: customer
    gateway: 100.64.0.1
    dns_servers: [192.0.2.53, 192.0.2.54]
    reserved_ranges: [100.64.3.240-100.64.3.254]
    site: ams1

- name: Delete a pool that is no longer routed, with what it holds
  isp.network.ip_pool:
    name: cust-old
    state: absent
    force: true
"""

RETURN = r"""
pool:
  description: The pool after the task with its usage; empty when it is absent.
  returned: always
  type: dict
  sample:
    name: cust-ams1
    network: 100.64.0.0/22
    vrf: global
    pool_type: customer
    gateway: 100.64.0.1
    dns_servers: [192.0.2.53]
    reserved_ranges: [100.64.3.240-100.64.3.254]
    warning_threshold: 80
    family: 4
    prefix_length: 22
    usage: {size: 1024, allocated: 0, reserved: 18, free: 1006, utilisation: 0.0,
            warning_threshold: 80, above_threshold: false}
  contains:
    usage:
      description: How much of the pool is used.
      returned: when the pool exists
      type: dict
      contains:
        above_threshold:
          description: Whether the utilisation has reached O(warning_threshold).
          returned: when the pool exists
          type: bool
          sample: false
result:
  description: What happened, in the collection's words.
  returned: always
  type: str
  sample: created
changed_fields:
  description: Names of the fields that changed.
  returned: when O(state=present)
  type: list
  elements: str
  sample: [dns_servers]
msg:
  description: What the task did, in one sentence.
  returned: always
  type: str
  sample: pool 'cust-ams1' created
"""

from ansible_collections.isp.network.plugins.module_utils.module import (  # noqa: E402
    run_retrying,
    store_module,
)


def main() -> None:
    """Run the module."""
    module = store_module(
        {
            "name": {"type": "str", "required": True},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "network": {"type": "str"},
            "vrf": {"type": "str"},
            "pool_type": {
                "type": "str",
                "choices": [
                    "customer",
                    "infrastructure",
                    "management",
                    "loopback",
                    "p2p",
                    "container",
                ],
            },
            "gateway": {"type": "str"},
            "dns_servers": {"type": "list", "elements": "str"},
            "description": {"type": "str"},
            "site": {"type": "str"},
            "tenant": {"type": "str"},
            "reserved_ranges": {"type": "list", "elements": "str"},
            "warning_threshold": {"type": "int"},
            "force": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    from ansible_collections.isp.network.plugins.module_utils.services.ipam_tasks import (
        pool_task,
    )

    run_retrying(
        module,
        lambda session: pool_task(session, module.params),
        what=f"pool '{module.params['name']}'",
    )


if __name__ == "__main__":
    main()
