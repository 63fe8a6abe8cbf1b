#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: topology_discover
short_description: Discover the network's links over LLDP, from one or more root devices
version_added: 0.1.0
description:
  - Walks the network breadth-first from O(roots) to O(max_depth) hops, reading the devices
    of each level in parallel through NAPALM (LLDP neighbours, interfaces, counters).
  - Resolves every neighbour to a known device by chassis id, management address, then
    system name with the domain stripped and case folded, and learns aliases so that the
    next run matches at once. A neighbour that matches several devices is reported, never
    guessed.
  - Stores each link once with both ends' speed, duplex and MTU, as V(confirmed),
    V(one_sided) or V(conflicting); links of the devices read that were not seen again
    become V(stale). Each run keeps its link set, so runs can be compared with
    M(isp.network.topology_info).
  - A device that cannot be read is listed in RV(run.errors); the walk goes on.
  - The run writes an audit event (see M(isp.network.audit_info)).
extends_documentation_fragment:
  - isp.network.store
attributes:
  check_mode:
    support: full
    description: Reads the devices and reports what it found; writes nothing to the store.
  diff_mode:
    support: none
    description:
      - Compare runs with O(isp.network.topology_info#module:compare_runs).
options:
  roots:
    description: Names of the devices to start from (registered with M(isp.network.device)).
    type: list
    elements: str
    required: true
    aliases: [root]
  max_depth:
    description: How many hops from the roots to read; V(0) reads only the roots.
    type: int
    default: 3
  workers:
    description: How many devices are read at once.
    type: int
    default: 20
  timeout:
    description: Seconds to wait for each device to answer.
    type: int
    default: 30
  register_unknown:
    description:
      - Register neighbours that match no known device as devices with status
        V(discovered), with the platform and login of the device that saw them, so that
        the walk continues through them.
      - Only names made of letters, digits, C(.), C(_) and C(-) are registered.
    type: bool
    default: false
  counters:
    description: Read interface counters too, so that utilisation can be computed.
    type: bool
    default: true
seealso:
  - module: isp.network.topology_info
  - module: isp.network.topology_analyze
  - module: isp.network.topology_export
author:
  - isp.network maintainers (@isp-network)
"""

EXAMPLES = r"""
- name: Discover the network from the core routers
  isp.network.topology_discover:
    roots: [core1, core2]
    max_depth: 6
    workers: 40

- name: Discover and register devices nobody has entered yet
  isp.network.topology_discover:
    roots: [core1]
    register_unknown: true
"""

RETURN = r"""
run:
  description: The discovery run.
  returned: always
  type: dict
  sample:
    id: 3
    status: completed
    roots: [core1]
    max_depth: 3
    devices_read: 13
    links_seen: 22
    errors: []
    ambiguous: []
  contains:
    errors:
      description: The devices that could not be read, each with the reason.
      returned: always
      type: list
      elements: dict
      sample: [{device: edge7, error: "timed out after 30 s"}]
links:
  description: Link counts of the run (new, updated, changed, stale, seen, per status).
  returned: always
  type: dict
  sample:
    added: 22
    updated: 0
    changed: 0
    stale: 0
    seen: 22
    by_status: {confirmed: 21, one_sided: 1}
unknown_neighbors:
  description: How many neighbours matched no known device, or several.
  returned: always
  type: int
  sample: 1
registered:
  description: Names of the devices registered by O(register_unknown).
  returned: always
  type: list
  elements: str
  sample: []
aliases_learned:
  description: How many new identities (chassis ids, addresses, names) were learned.
  returned: always
  type: int
  sample: 13
depth:
  description: Hops from the roots of every device met.
  returned: always
  type: dict
  sample: {core1: 0, core2: 1}
msg:
  description: What the task did, in the collection's words.
  returned: always
  type: str
  sample: >-
    discovery run 3 completed: 13 devices read, 0 failed, 22 links seen (0 new, 0 stale),
    1 unknown neighbours
"""

from ansible_collections.isp.network.plugins.module_utils.module import (  # noqa: E402
    store_module,
)
from ansible_collections.isp.network.plugins.module_utils.topology_module import (  # noqa: E402
    run_discover,
)


def main() -> None:
    """Run the module."""
    module = store_module(
        {
            "roots": {"type": "list", "elements": "str", "required": True, "aliases": ["root"]},
            "max_depth": {"type": "int", "default": 3},
            "workers": {"type": "int", "default": 20},
            "timeout": {"type": "int", "default": 30},
            "register_unknown": {"type": "bool", "default": False},
            "counters": {"type": "bool", "default": True},
        },
        supports_check_mode=True,
    )
    run_discover(module)


if __name__ == "__main__":
    main()
