# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The interactive topology page: one HTML file that works offline.

Cytoscape.js is inlined, the graph is inlined as JSON in a non-executed script element,
and every value is escaped so that a device name cannot end the element or the page. The
page's own script only ever sets ``textContent``, never HTML. After drawing, it writes its
node and edge counts and any script error into ``<body data-*>``, which a headless browser's
DOM dump shows.
"""

from __future__ import annotations

import html
import json
from typing import Any

from ansible_collections.isp.network.plugins.module_utils.topology.exports_drawn import marks
from ansible_collections.isp.network.plugins.module_utils.topology.graph import (
    LAYERS,
    ROLE_COLOURS,
    colour_of,
    positions,
)
from ansible_collections.isp.network.plugins.module_utils.topology.page_script import (
    PAGE_SCRIPT,
    PAGE_STYLE,
)

_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(value: Any) -> str:
    """Return ``value`` as JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "".join(_JSON_ESCAPES.get(ch, ch) for ch in text)


def page_data(topology: dict[str, Any], report: dict[str, Any]) -> dict[str, Any]:
    """Return what the page draws: nodes with positions and flags, edges with classes."""
    marked = marks(report)
    placed = positions(topology["nodes"])
    nodes = [
        {
            "id": node["name"],
            "role": node["role"],
            "colour": colour_of(node["role"]),
            "x": placed[node["name"]][0],
            "y": placed[node["name"]][1],
            "spof": node["name"] in marked["spof_devices"],
            "info": {
                key: node.get(key)
                for key in ("role", "device_type", "platform", "status", "site", "mgmt_address")
            },
        }
        for node in topology["nodes"]
    ]
    edges = []
    for index, link in enumerate(topology["links"]):
        classes = [
            name
            for name, members in (
                ("spof", marked["spof_links"]),
                ("mismatch", marked["mismatched"]),
                ("onesided", marked["one_sided"]),
            )
            if link["key"] in members
        ]
        edges.append(
            {
                "id": f"e{index}",
                "source": link["a"],
                "target": link["b"],
                "label": f"{link['a_interface']} - {link['b_interface']}",
                "classes": classes,
                "info": {
                    key: link.get(key)
                    for key in ("key", "status", "a_speed", "b_speed", "a_mtu", "b_mtu", "note")
                },
            }
        )
    roles = sorted({node["role"] for node in topology["nodes"]}, key=_role_order)
    legend = [{"role": role, "colour": colour_of(role)} for role in roles]
    return {"nodes": nodes, "edges": edges, "legend": legend, "summary": report["summary"]}


def _role_order(role: str) -> tuple[int, str]:
    return (LAYERS.index(role) if role in LAYERS else len(LAYERS), role)


def to_html(topology: dict[str, Any], report: dict[str, Any], title: str) -> str:
    """Return the self-contained page of ``topology`` with ``report``'s problems marked."""
    from ansible_collections.isp.network.plugins.module_utils.topology.vendor_cytoscape import (
        source,
    )

    library = source().replace("</script", "<\\/script")
    shown = html.escape(title)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">",
            f"<title>{shown}</title>",
            f"<style>{PAGE_STYLE}</style>",
            "</head>",
            '<body data-state="loading" data-nodes="0" data-edges="0" data-errors="0">',
            '<header><h1 id="title"></h1>',
            '<input id="search" type="search" placeholder="Find a device" autocomplete="off">',
            '<span id="counts"></span></header>',
            '<main><div id="cy"></div><aside><h2>Legend</h2><ul id="legend"></ul>',
            '<h2>Selected</h2><pre id="details">Click a device or a link.</pre>',
            '<h2>Script errors</h2><pre id="errors"></pre></aside></main>',
            "<script>" + _ERROR_TRAP + "</script>",
            f"<script>{library}</script>",
            f'<script id="topology-data" type="application/json">'
            f"{script_json(page_data(topology, report))}</script>",
            f'<script id="topology-title" type="application/json">{script_json(title)}</script>',
            f"<script>{PAGE_SCRIPT}</script>",
            "</body>",
            "</html>",
        ]
    )


# Installed first, so that an error anywhere later (library or page) is counted and shown.
_ERROR_TRAP = (
    "window.pageErrors=[];window.addEventListener('error',function(e){"
    "window.pageErrors.push(String(e.message||e));"
    "document.body.dataset.errors=String(window.pageErrors.length);"
    "var box=document.getElementById('errors');"
    "if(box){box.textContent=window.pageErrors.join('\\n');}});"
)

__all__ = ["ROLE_COLOURS", "page_data", "script_json", "to_html"]
