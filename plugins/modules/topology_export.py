#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: topology_export
short_description: Export the discovered topology as a page, a report or a graph file
version_added: 0.1.0
description:
  - Writes the discovered topology to O(dest) in O(format).
  - V(html) is one self-contained interactive page that works offline, with Cytoscape.js
    bundled into it. Devices are coloured by role and laid out by layer; single points of
    failure, mismatched and one-sided links are highlighted; a search box finds devices.
  - V(report) is the analysis of M(isp.network.topology_analyze) as text.
  - V(json) (NetworkX node-link), V(graphml), V(gexf), V(dot), V(mermaid), V(drawio)
    (uncompressed), V(containerlab) (topology YAML) and V(csv) (one row per link).
  - V(svg) and V(png) need Graphviz's C(dot) program on the controller.
  - The file is replaced only when its content changes. Without O(live), an export leaves out
    what every discovery run refreshes (when each link was last seen and its measured load),
    so a second run over an unchanged network changes nothing and the file can be kept under
    version control.
  - Every export writes an audit event.
extends_documentation_fragment:
  - isp.network.store
attributes:
  check_mode:
    support: full
    description: Says whether the file would change; writes nothing.
  diff_mode:
    support: none
    description: Exports can be large; compare the files instead.
options:
  format:
    description: The format to write.
    type: str
    required: true
    choices: [json, graphml, gexf, dot, mermaid, drawio, containerlab, csv, html, svg, png, report]
  dest:
    description: Path of the file to write; its folder must exist.
    type: path
    required: true
  core:
    description: Names of the core devices, for the analysis the export highlights.
    type: list
    elements: str
  title:
    description: Title of the page, or name of the containerlab topology.
    type: str
    default: isp.network topology
  live:
    description:
      - Include what every discovery run refreshes; each link's last sighting and the run
        that saw it, its measured rate, and the most loaded links in the report.
      - The file then changes with every discovery run.
    type: bool
    default: false
seealso:
  - module: isp.network.topology_analyze
author:
  - isp.network maintainers (@isp-network)
"""

EXAMPLES = r"""
- name: Write the interactive page
  isp.network.topology_export:
    format: html
    dest: /srv/reports/topology.html

- name: Write the analysis with the most loaded links, refreshed by each discovery run
  isp.network.topology_export:
    format: report
    dest: /srv/reports/topology.txt
    live: true

- name: Write a containerlab topology of the network
  isp.network.topology_export:
    format: containerlab
    dest: "{{ playbook_dir }}/lab.clab.yml"
    title: network-copy
"""

RETURN = r"""
dest:
  description: The path written.
  returned: always
  type: str
  sample: /srv/reports/topology.html
format:
  description: The format written.
  returned: always
  type: str
  sample: html
size:
  description: Size of the export in bytes.
  returned: always
  type: int
  sample: 458906
msg:
  description: What the task did, in the collection's words.
  returned: always
  type: str
  sample: html export '/srv/reports/topology.html' written
"""

from ansible_collections.isp.network.plugins.module_utils.module import (  # noqa: E402
    store_module,
)
from ansible_collections.isp.network.plugins.module_utils.topology_module import (  # noqa: E402
    EXPORT_FORMATS,
    run_export,
)


def main() -> None:
    """Run the module."""
    module = store_module(
        {
            "format": {"type": "str", "required": True, "choices": EXPORT_FORMATS},
            "dest": {"type": "path", "required": True},
            "core": {"type": "list", "elements": "str"},
            "title": {"type": "str", "default": "isp.network topology"},
            "live": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    run_export(module)


if __name__ == "__main__":
    main()
