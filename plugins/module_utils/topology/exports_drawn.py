# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exports for drawing and labs: DOT, Mermaid, draw.io (mxGraph XML), containerlab YAML."""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from ansible_collections.isp.network.plugins.module_utils.topology.graph import (
    colour_of,
    positions,
)

_PROBLEM_COLOUR = "#d00000"
_WARN_COLOUR = "#e69f00"
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]")


def marks(report: dict[str, Any]) -> dict[str, Any]:
    """Return what to highlight: SPOF devices and links, mismatched and one-sided links."""
    mismatched = {entry["link"] for kind in report["mismatches"].values() for entry in kind}
    return {
        "spof_devices": {entry["device"] for entry in report["articulation_points"]},
        "spof_links": {entry["link"] for entry in report["bridges"]},
        "mismatched": mismatched,
        "one_sided": {entry["link"] for entry in report["one_sided_links"]}
        | {entry["link"] for entry in report["conflicting_links"]},
    }


def _dot_text(value: Any) -> str:
    text = " ".join(str(value).split())
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(topology: dict[str, Any], report: dict[str, Any]) -> str:
    """Return a Graphviz DOT graph: roles as colours, problems in red or orange."""
    marked = marks(report)
    lines = [
        "graph topology {",
        "  graph [rankdir=TB, splines=true, overlap=false];",
        '  node [shape=box, style="rounded,filled", fontcolor=white, fontname=Helvetica];',
    ]
    for node in topology["nodes"]:
        border = ', penwidth=3, color="#d00000"' if node["name"] in marked["spof_devices"] else ""
        lines.append(
            f"  {_dot_text(node['name'])} [fillcolor={_dot_text(colour_of(node['role']))}{border}];"
        )
    for link in topology["links"]:
        colour = _link_colour(link["key"], marked)
        style = ", style=dashed" if link["key"] in marked["one_sided"] else ""
        label = f"{link['a_interface']} - {link['b_interface']}"
        lines.append(
            f"  {_dot_text(link['a'])} -- {_dot_text(link['b'])} "
            f"[label={_dot_text(label)}, color={_dot_text(colour)}{style}];"
        )
    return "\n".join([*lines, "}"]) + "\n"


def _link_colour(key: str, marked: dict[str, Any]) -> str:
    if key in marked["spof_links"] or key in marked["one_sided"]:
        return _PROBLEM_COLOUR
    if key in marked["mismatched"]:
        return _WARN_COLOUR
    return "#404040"


def _mermaid_text(value: Any) -> str:
    text = " ".join(str(value).split())
    for plain, coded in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
        text = text.replace(plain, coded)
    return '"' + text.replace("{", "#123;").replace("}", "#125;") + '"'


def to_mermaid(topology: dict[str, Any], report: dict[str, Any]) -> str:
    """Return a Mermaid flowchart; node ids are generated, names are quoted labels."""
    marked = marks(report)
    ids = {node["name"]: f"n{index}" for index, node in enumerate(topology["nodes"])}
    lines = ["graph TD"]
    for node in topology["nodes"]:
        lines.append(f"  {ids[node['name']]}[{_mermaid_text(node['name'])}]")
    problems = []
    for index, link in enumerate(topology["links"]):
        label = _mermaid_text(f"{link['a_interface']} - {link['b_interface']}")
        arrow = "-.-" if link["key"] in marked["one_sided"] else "---"
        lines.append(f"  {ids[link['a']]} {arrow}|{label}| {ids[link['b']]}")
        if _link_colour(link["key"], marked) != "#404040":
            problems.append(str(index))
    for role in sorted({node["role"] for node in topology["nodes"]}):
        members = [ids[n["name"]] for n in topology["nodes"] if n["role"] == role]
        safe = _UNSAFE_ID.sub("_", role)
        lines.append(f"  classDef role_{safe} fill:{colour_of(role)},color:#fff")
        lines.append(f"  class {','.join(members)} role_{safe}")
    if problems:
        lines.append(f"  linkStyle {','.join(problems)} stroke:{_PROBLEM_COLOUR},stroke-width:3px")
    return "\n".join(lines) + "\n"


def to_drawio(topology: dict[str, Any], report: dict[str, Any]) -> str:
    """Return an uncompressed draw.io file (mxGraph XML), laid out by layer."""
    marked = marks(report)
    placed = positions(topology["nodes"])
    cells = ['<mxCell id="0"/>', '<mxCell id="1" parent="0"/>']
    ids = {}
    for index, node in enumerate(topology["nodes"]):
        ids[node["name"]] = f"d{index}"
        x, y = placed[node["name"]]
        stroke = _PROBLEM_COLOUR if node["name"] in marked["spof_devices"] else "#000000"
        style = (
            f"rounded=1;whiteSpace=wrap;fillColor={colour_of(node['role'])};"
            f"fontColor=#ffffff;strokeColor={stroke};"
        )
        cells.append(
            f'<mxCell id="d{index}" value={quoteattr(node["name"])} style="{style}" '
            f'vertex="1" parent="1"><mxGeometry x="{x}" y="{y}" width="120" height="40" '
            'as="geometry"/></mxCell>'
        )
    for index, link in enumerate(topology["links"]):
        dashed = "dashed=1;" if link["key"] in marked["one_sided"] else ""
        style = f"endArrow=none;strokeColor={_link_colour(link['key'], marked)};{dashed}"
        label = quoteattr(f"{link['a_interface']} - {link['b_interface']}")
        cells.append(
            f'<mxCell id="l{index}" value={label} style="{style}" edge="1" parent="1" '
            f'source="{ids[link["a"]]}" target="{ids[link["b"]]}">'
            '<mxGeometry relative="1" as="geometry"/></mxCell>'
        )
    body = "\n        ".join(cells)
    return (
        '<mxfile host="isp.network">\n'
        f'  <diagram name="{escape("topology")}">\n'
        "    <mxGraphModel>\n      <root>\n        "
        f"{body}\n      </root>\n    </mxGraphModel>\n  </diagram>\n</mxfile>\n"
    )


def to_containerlab(topology: dict[str, Any], title: str) -> str:
    """Return a containerlab topology: ios devices as cisco_iol, others as linux.

    Ports are numbered per device (eth1, eth2, ... in interface order); each node's labels
    keep the original interface names.
    """
    import yaml

    names = {node["name"]: _UNSAFE_ID.sub("-", node["name"]) for node in topology["nodes"]}
    ports: dict[str, dict[str, str]] = {name: {} for name in names}
    for link in topology["links"]:
        for end in ("a", "b"):
            ports[link[end]].setdefault(link[f"{end}_interface"], "")
    nodes = {}
    for node in topology["nodes"]:
        numbered = {iface: f"eth{i}" for i, iface in enumerate(sorted(ports[node["name"]]), 1)}
        ports[node["name"]] = numbered
        nodes[names[node["name"]]] = {
            "kind": "cisco_iol" if node.get("platform") == "ios" else "linux",
            "labels": {"role": node["role"], **{v: k for k, v in numbered.items()}},
        }
    links = [
        {
            "endpoints": [
                f"{names[link['a']]}:{ports[link['a']][link['a_interface']]}",
                f"{names[link['b']]}:{ports[link['b']][link['b_interface']]}",
            ]
        }
        for link in topology["links"]
    ]
    document = {
        "name": _UNSAFE_ID.sub("-", title)[:60],
        "topology": {"nodes": nodes, "links": links},
    }
    return yaml.safe_dump(document, sort_keys=False)
