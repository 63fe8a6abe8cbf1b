# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exports of the topology: NetworkX's formats, CSV, and the dispatcher for every format.

Every export takes the plain topology (``data.load_topology``) and the analysis report.
Names and interfaces come from devices and are untrusted: each writer escapes for its own
format, so no value can break out of a string, a tag or a cell.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from typing import Any

from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError

_CSV_COLUMNS = (
    "a",
    "a_interface",
    "b",
    "b_interface",
    "status",
    "a_speed",
    "b_speed",
    "a_duplex",
    "b_duplex",
    "a_mtu",
    "b_mtu",
    "first_seen",
    "last_seen",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def multigraph(topology: dict[str, Any]) -> Any:
    """Return a ``networkx.MultiGraph`` with one edge per link, attributes without None."""
    import networkx as nx

    graph = nx.MultiGraph(name="isp.network topology")
    for node in topology["nodes"]:
        graph.add_node(node["name"], **_plain(node, skip=("name",)))
    for link in topology["links"]:
        graph.add_edge(
            link["a"], link["b"], key=link["key"], **_plain(link, skip=("a", "b", "key"))
        )
    return graph


def _plain(values: dict[str, Any], skip: tuple[str, ...]) -> dict[str, Any]:
    return {
        key: value
        for key, value in values.items()
        if key not in skip and isinstance(value, (str, int, float, bool)) and value is not None
    }


def to_json(topology: dict[str, Any]) -> str:
    """Return NetworkX node-link JSON (``nodes`` and ``links``)."""
    import networkx as nx

    return json.dumps(nx.node_link_data(multigraph(topology), edges="links"), indent=2) + "\n"


def to_graphml(topology: dict[str, Any]) -> str:
    """Return GraphML."""
    import networkx as nx

    return "\n".join(nx.generate_graphml(multigraph(topology))) + "\n"


def to_gexf(topology: dict[str, Any]) -> str:
    """Return GEXF 1.2."""
    import networkx as nx

    return "\n".join(nx.generate_gexf(multigraph(topology))) + "\n"


def to_csv(topology: dict[str, Any]) -> str:
    """Return one CSV row per link; cells that a spreadsheet would run are quoted with '."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for link in topology["links"]:
        writer.writerow([_cell(link.get(column)) for column in _CSV_COLUMNS])
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def render(
    format: str,
    topology: dict[str, Any],
    report: dict[str, Any],
    *,
    title: str = "isp.network topology",
) -> str | bytes:
    """Return ``topology`` in ``format``; raises ValidationError when it cannot be made."""
    from ansible_collections.isp.network.plugins.module_utils.topology import (
        exports_drawn,
        page,
    )
    from ansible_collections.isp.network.plugins.module_utils.topology import (
        report as report_module,
    )

    writers = {
        "json": lambda: to_json(topology),
        "graphml": lambda: to_graphml(topology),
        "gexf": lambda: to_gexf(topology),
        "csv": lambda: to_csv(topology),
        "dot": lambda: exports_drawn.to_dot(topology, report),
        "mermaid": lambda: exports_drawn.to_mermaid(topology, report),
        "drawio": lambda: exports_drawn.to_drawio(topology, report),
        "containerlab": lambda: exports_drawn.to_containerlab(topology, title),
        "html": lambda: page.to_html(topology, report, title),
        "report": lambda: report_module.report_text(report),
        "svg": lambda: graphviz(exports_drawn.to_dot(topology, report), "svg"),
        "png": lambda: graphviz(exports_drawn.to_dot(topology, report), "png"),
    }
    if format not in writers:
        raise ValidationError(
            f"export format {format!r} is not known; use one of {', '.join(sorted(writers))}"
        )
    return writers[format]()


def graphviz(dot_source: str, kind: str) -> bytes:
    """Return ``dot_source`` drawn by Graphviz as ``kind`` (svg or png).

    Raises ValidationError when the ``dot`` program is not installed or fails.
    """
    program = shutil.which("dot")
    if program is None:
        raise ValidationError(
            f"export format {kind!r} needs Graphviz's dot program, which is not installed; "
            "install graphviz, or export format 'dot' and draw it elsewhere"
        )
    # Services run without an AnsibleModule (the topology service also serves the Python API),
    # so there is no run_command to call.
    done = subprocess.run(  # pylint: disable=ansible-bad-function
        [program, f"-T{kind}"], input=dot_source.encode(), capture_output=True, check=False
    )
    if done.returncode != 0:
        raise ValidationError(
            f"Graphviz could not draw the topology as {kind!r} (exit {done.returncode}); "
            "export format 'dot' and check it with dot -v"
        )
    return done.stdout
