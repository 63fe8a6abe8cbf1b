#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: ip_prefix
short_description: Allocate or release child prefixes (a /31 link, a /29 customer) from a pool
version_added: 0.1.0
description:
  - With O(state=present), gives the owner O(count) blocks of O(prefix_length) from O(pool) -
    the first free blocks aligned on their size, or O(prefix). Running the task again
    returns the same prefixes, unchanged.
  - With O(state=absent), releases O(prefix), or what the owner holds in the pool (only its
    /O(prefix_length) blocks when that is given).
  - Child prefixes are usually carved from pools of type V(container) or V(p2p); free space
    is indexed, so finding a block never scans the pool.
extends_documentation_fragment:
  - isp.network.store
attributes:
  check_mode:
    support: full
    description: Runs the allocation and rolls it back, so it returns the exact prefixes a
      real run would allocate, and writes nothing.
  diff_mode:
    support: full
    description: Shows the owner's prefixes in the pool before and after.
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
  prefix_length:
    description: Length of the blocks, such as V(31) for a point-to-point link.
    type: int
  prefix:
    description: A specific prefix to allocate or release, such as V(10.255.0.8/29).
    type: str
  assigned_to_type:
    description: The kind of owner, such as V(customer) or V(link).
    type: str
  assigned_to_id:
    description: The owner's identifier within its kind.
    type: str
  count:
    description: How many blocks of O(prefix_length) the owner should hold in the pool.
    type: int
    default: 1
  status:
    description: V(reserved) holds prefixes for a planned use; they count as reserved.
    type: str
    choices: [allocated, reserved]
    default: allocated
  device:
    description: Name of the registered device that uses the prefix.
    type: str
  interface:
    description: The device's interface that carries the prefix.
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
  - module: isp.network.ip_address
author:
  - isp.network maintainers (@isp-network)
"""

EXAMPLES = r"""
- name: Number the link between core1 and core2
  isp.network.ip_prefix:
    pool: p2p-links
    prefix_length: 31
    assigned_to_type: link
    assigned_to_id: core1-core2
  register: link

- name: Give business customer 77 a /29
  isp.network.ip_prefix:
    pool: business
    prefix_length: 29
    assigned_to_type: customer
    assigned_to_id: "77"

- name: Give the /29 back
  isp.network.ip_prefix:
    pool: business
    state: absent
    prefix: 100.70.0.8/29
"""

RETURN = r"""
prefix:
  description: The first prefix the owner holds; C(address) is its network address.
  returned: when O(state=present)
  type: dict
  sample:
    address: 10.255.0.0
    cidr: 10.255.0.0/31
    prefix_length: 31
    netmask: 255.255.255.254
    pool: p2p-links
    kind: prefix
    status: allocated
    assigned_to_type: link
    assigned_to_id: core1-core2
allocations:
  description: Every prefix of that length the owner holds in the pool, lowest first.
  returned: when O(state=present)
  type: list
  elements: dict
  sample: [{address: 10.255.0.0, cidr: 10.255.0.0/31, assigned_to_id: core1-core2}]
released:
  description: The prefixes released by the task; empty when nothing held them.
  returned: when O(state=absent)
  type: list
  elements: dict
  sample: [{address: 100.70.0.8, cidr: 100.70.0.8/29, assigned_to_id: "77"}]
result:
  description: >-
    What happened: V(allocated), V(already allocated), V(updated), V(released) or
    V(already released).
  returned: always
  type: str
  sample: allocated
msg:
  description: What the task did, in one sentence.
  returned: always
  type: str
  sample: prefix 10.255.0.0/31 allocated to link core1-core2 from pool 'p2p-links'
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
            "prefix_length": {"type": "int"},
            "prefix": {"type": "str"},
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
        lambda session: allocation_task(session, module.params, prefix=True),
        what=f"pool '{module.params['pool']}'",
        timeout=module.params["lock_timeout"],
    )


if __name__ == "__main__":
    main()
