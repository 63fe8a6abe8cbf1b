#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ip_address
short_description: Allocate or release IP addresses from a pool
version_added: 0.1.0
description:
  - With O(state=present), gives the owner (O(assigned_to_type) and O(assigned_to_id), as
    the billing side knows them) O(count) addresses from O(pool) - the lowest free ones, or
    O(address). Running the task again returns the same addresses, unchanged.
  - With O(state=absent), releases O(address), or everything the owner holds in the pool.
    A released address is free again at once.
  - Any number of forks, jobs and controllers may allocate from one pool at once; the pool is
    locked for each allocation and no address is ever handed out twice. A busy pool is
    waited for up to O(lock_timeout) seconds.
  - Every allocation and release is written to the audit trail in the same transaction.
extends_documentation_fragment:
  - isp.network.store
attributes:
  check_mode:
    support: full
    description: Runs the allocation and rolls it back, so it returns the exact addresses a
      real run would allocate, and writes nothing.
  diff_mode:
    support: full
    description: Shows the owner's addresses in the pool before and after.
options:
  pool:
    description: Name of the pool.
    type: str
    required: true
  state:
    description: V(present) allocates, V(absent) releases.
    type: str
    choices: [present, absent]
    default: present
  address:
    description:
      - A specific address to allocate or release, such as V(100.64.0.10); a prefix length
        (V(100.64.0.10/22)) is accepted and ignored.
      - When not set, O(state=present) takes the lowest free addresses.
    type: str
  assigned_to_type:
    description: The kind of owner, such as V(customer), V(device) or V(service).
    type: str
  assigned_to_id:
    description: The owner's identifier within its kind, such as a customer number.
    type: str
  count:
    description:
      - How many addresses the owner should hold in the pool, allocated in one transaction
        (all or nothing). The same count again returns the same set.
    type: int
    default: 1
  status:
    description: V(reserved) holds addresses for a planned use; they count as reserved.
    type: str
    choices: [allocated, reserved]
    default: allocated
  device:
    description: Name of the registered device that uses the address.
    type: str
  interface:
    description: The device's interface that carries the address.
    type: str
  hostname:
    description: DNS name for the address.
    type: str
  description:
    description: Free text.
    type: str
  lock_timeout:
    description: Seconds to wait for a pool that other jobs are allocating from.
    type: int
    default: 60
seealso:
  - module: isp.network.ip_pool
  - module: isp.network.ip_address_info
  - plugin: isp.network.ip_address
    plugin_type: lookup
author:
  - isp.network maintainers (@isp-network)
"""

EXAMPLES = r"""
- name: Give customer 123 an address
  isp.network.ip_address:
    pool: cust-ams1
    assigned_to_type: customer
    assigned_to_id: "123"
  register: wan

- name: Use it in the customer's configuration
  ansible.builtin.debug:
    msg: "ip address {{ wan.address.address }} {{ wan.address.netmask }}"

- name: Give a router its management address on an interface
  isp.network.ip_address:
    pool: mgmt-ams1
    address: 10.10.0.11
    assigned_to_type: device
    assigned_to_id: core1
    device: core1
    interface: Management1

- name: Release everything customer 123 holds in the pool
  isp.network.ip_address:
    pool: cust-ams1
    state: absent
    assigned_to_type: customer
    assigned_to_id: "123"
"""

RETURN = r"""
address:
  description:
    - The first address the owner holds, ready to template into a configuration.
    - C(address) has no prefix length; C(cidr) has the pool's (/32 or /128 in a loopback
      pool).
  returned: when O(state=present)
  type: dict
  sample:
    address: 100.64.0.2
    cidr: 100.64.0.2/22
    prefix_length: 22
    netmask: 255.255.252.0
    gateway: 100.64.0.1
    dns_servers: [192.0.2.53]
    pool: cust-ams1
    vrf: global
    kind: address
    status: allocated
    assigned_to_type: customer
    assigned_to_id: "123"
    device: null
    interface: null
    allocated_at: "2025-01-31T10:00:00+00:00"
allocations:
  description: Every address the owner holds in the pool after the task, lowest first.
  returned: when O(state=present)
  type: list
  elements: dict
  sample: [{address: 100.64.0.2, cidr: 100.64.0.2/22, assigned_to_id: "123"}]
released:
  description: The addresses released by the task; empty when nothing held them.
  returned: when O(state=absent)
  type: list
  elements: dict
  sample: [{address: 100.64.0.2, cidr: 100.64.0.2/22, assigned_to_id: "123"}]
result:
  description: >-
    What happened: V(allocated), V(already allocated), V(updated) (device, interface,
    hostname, description or status changed), V(released) or V(already released).
  returned: always
  type: str
  sample: allocated
msg:
  description: What the task did, in one sentence.
  returned: always
  type: str
  sample: address 100.64.0.2/22 allocated to customer 123 from pool 'cust-ams1'
"""

from ansible_collections.isp.network.plugins.module_utils.module import (  # noqa: E402
    run_retrying,
    store_module,
)


def main() -> None:
    """Run the module."""
    module = store_module(
        {
            "pool": {"type": "str", "required": True},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "address": {"type": "str"},
            "assigned_to_type": {"type": "str", "no_log": False},
            "assigned_to_id": {"type": "str", "no_log": False},
            "count": {"type": "int", "default": 1},
            "status": {
                "type": "str",
                "choices": ["allocated", "reserved"],
                "default": "allocated",
            },
            "device": {"type": "str"},
            "interface": {"type": "str"},
            "hostname": {"type": "str"},
            "description": {"type": "str"},
            "lock_timeout": {"type": "int", "default": 60},
        },
        supports_check_mode=True,
    )
    from ansible_collections.isp.network.plugins.module_utils.services.ipam_tasks import (
        allocation_task,
    )

    run_retrying(
        module,
        lambda session: allocation_task(session, module.params, prefix=False),
        what=f"pool '{module.params['pool']}'",
        timeout=module.params["lock_timeout"],
    )


if __name__ == "__main__":
    main()
