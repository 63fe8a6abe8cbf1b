#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: topology_analyze
short_description: Find single points of failure, bottlenecks and link problems in the topology
version_added: 0.1.0
description:
  - Analyses the discovered topology with NetworkX and returns one report, as data
    (RV(report)) and as readable text (RV(text)).
  - Single points of failure are articulation points (devices) and bridges (links), each
    with the devices it would cut off from the core. The core is O(core), else the devices
    whose C(role) variable is V(core), else the best-connected device.
  - Also biconnected components, betweenness (exact up to 1,000 devices, sampled above),
    degree, redundancy (node-independent paths from each device to the core), speed,
    duplex and MTU mismatches, one-sided and conflicting links, unknown neighbours,
    utilisation from interface counters, and islands.
  - Reads only; see docs/topology.md for every key of the report.
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
  core:
    description: Names of the core devices, instead of the devices whose role is V(core).
    type: list
    elements: str
  include_stale:
    description: Count links that the last discovery did not see again.
    type: bool
    default: false
seealso:
  - module: isp.network.topology_discover
  - module: isp.network.topology_export
author:
  - isp.network maintainers (@isp-network)
"""

EXAMPLES = r"""
- name: Analyse the topology
  isp.network.topology_analyze:
  register: analysis

- name: Fail when a device hangs on a single point of failure
  ansible.builtin.assert:
    that: analysis.report.summary.single_points_of_failure == 0
    fail_msg: "{{ analysis.text }}"
"""

RETURN = r"""
report:
  description:
    - The analysis. Keys C(summary), C(articulation_points), C(bridges),
      C(biconnected_components), C(betweenness), C(degree), C(redundancy), C(islands),
      C(mismatches) (C(speed), C(duplex), C(mtu)), C(one_sided_links),
      C(conflicting_links), C(utilisation) and C(unknown_neighbors).
  returned: always
  type: dict
  sample:
    summary:
      devices: 13
      links: 22
      components: 1
      core: [core1, core2]
      single_points_of_failure: 6
    articulation_points: [{device: core1, cuts_off: [edge1], cuts_off_count: 1}]
    bridges:
      - a: core1
        b: edge1
        link: "core1:GigabitEthernet0/0/0 - edge1:GigabitEthernet0/0/0"
        cuts_off: [edge1]
        cuts_off_count: 1
text:
  description: The report as readable text.
  returned: always
  type: str
  sample: "Topology report\n  devices 13, links 22, components 1, core: core1, core2\n"
msg:
  description: A one-line summary.
  returned: always
  type: str
  sample: 13 devices, 22 links, 6 single points of failure
"""

from ansible_collections.isp.network.plugins.module_utils.module import (  # noqa: E402
    store_module,
)
from ansible_collections.isp.network.plugins.module_utils.topology_module import (  # noqa: E402
    run_analyze,
)


def main() -> None:
    """Run the module."""
    module = store_module(
        {
            "core": {"type": "list", "elements": "str"},
            "include_stale": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    run_analyze(module)


if __name__ == "__main__":
    main()
