#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: topology_info
short_description: Show the discovered topology, a device's neighbours, and run differences
version_added: 0.1.0
description:
  - Returns the stored links, the unknown neighbours and the latest discovery runs.
  - With O(device), also the devices within O(max_depth) hops of it, and only its links.
  - With O(compare_runs), the links added and removed between two runs.
extends_documentation_fragment:
  - isp.network.store
attributes:
  check_mode:
    support: full
    description: Reads only.
  diff_mode:
    support: none
    description: Reads only.
options:
  device:
    description: Name of a device whose neighbours and links to return.
    type: str
  max_depth:
    description: Hops from O(device) to return neighbours for.
    type: int
    default: 1
  link_status:
    description: Return only links in these states.
    type: list
    elements: str
    choices: [confirmed, one_sided, conflicting, stale]
  runs:
    description: How many of the latest discovery runs to return.
    type: int
    default: 10
  compare_runs:
    description: Two run ids, older first; returns the links added and removed between them.
    type: list
    elements: int
seealso:
  - module: isp.network.topology_discover
author:
  - isp.network maintainers (@isp-network)
"""

EXAMPLES = r"""
- name: Neighbours of acc4 up to two hops away
  isp.network.topology_info:
    device: acc4
    max_depth: 2
  register: near

- name: What changed between two discovery runs
  isp.network.topology_info:
    compare_runs: [3, 4]
  register: change

- name: Show the links that appeared
  ansible.builtin.debug:
    var: change.diff_runs.added
"""

RETURN = r"""
neighbors:
  description: Devices within O(max_depth) hops of O(device), nearest first.
  returned: when O(device) is given
  type: list
  elements: dict
  sample:
    - device: acc4
      depth: 1
      links: ["acc4:GigabitEthernet1/0/48 - acc5:GigabitEthernet1/0/49"]
links:
  description: Stored links with both ends, their speed, duplex and MTU, status and when seen.
  returned: always
  type: list
  elements: dict
  sample:
    - key: "acc4:GigabitEthernet1/0/48 - acc5:GigabitEthernet1/0/49"
      a: acc4
      a_interface: GigabitEthernet1/0/48
      b: acc5
      b_interface: GigabitEthernet1/0/49
      status: confirmed
      a_speed: 1000
      b_speed: 1000
unknown_neighbors:
  description: LLDP neighbours that matched no known device (V(unknown)) or several (V(ambiguous)).
  returned: always
  type: list
  elements: dict
  sample: [{device: bng1, interface: GigabitEthernet0/0/3, name: cpe-cust1, reason: unknown}]
runs:
  description: The latest discovery runs, newest first.
  returned: always
  type: list
  elements: dict
  sample: [{id: 4, status: completed, devices_read: 13, links_seen: 22}]
diff_runs:
  description: Links added and removed between the two runs of O(compare_runs).
  returned: when O(compare_runs) is given
  type: dict
  sample: {from_run: 3, to_run: 4, added: [], removed: [], unchanged: 22}
"""

from ansible_collections.isp.network.plugins.module_utils.module import (  # noqa: E402
    store_module,
)
from ansible_collections.isp.network.plugins.module_utils.topology_module import (  # noqa: E402
    run_info,
)


def main() -> None:
    """Run the module."""
    module = store_module(
        {
            "device": {"type": "str"},
            "max_depth": {"type": "int", "default": 1},
            "link_status": {
                "type": "list",
                "elements": "str",
                "choices": ["confirmed", "one_sided", "conflicting", "stale"],
            },
            "runs": {"type": "int", "default": 10},
            "compare_runs": {"type": "list", "elements": "int"},
        },
        supports_check_mode=True,
    )
    if module.params["compare_runs"] is not None and len(module.params["compare_runs"]) != 2:
        module.fail_json(msg="compare_runs needs exactly two run ids, older first, such as [3, 4]")
    run_info(module)


if __name__ == "__main__":
    main()
