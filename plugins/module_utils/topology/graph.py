# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The topology as plain data (nodes and links) and as a NetworkX graph.

Nodes are device names with their attributes; links carry both ends. Parallel links between
two devices become one graph edge whose ``links`` attribute lists them all, so that a pair
joined twice is never reported as a bridge.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# Roles in the order the page lays them out, top to bottom.
LAYERS = ("core", "edge", "bng", "aggregation", "access")


def build_graph(nodes: Iterable[Mapping[str, Any]], links: Iterable[Mapping[str, Any]]) -> Any:
    """Return an undirected ``networkx.Graph`` of ``nodes`` joined by the non-stale ``links``."""
    import networkx as nx

    graph = nx.Graph()
    for node in nodes:
        graph.add_node(node["name"], **{k: v for k, v in node.items() if k != "name"})
    for link in links:
        if link.get("status") == "stale":
            continue
        a, b = link["a"], link["b"]
        if graph.has_edge(a, b):
            graph[a][b]["links"].append(dict(link))
        else:
            graph.add_edge(a, b, links=[dict(link)])
    return graph


def core_nodes(graph: Any, core: Iterable[str] | None = None) -> list[str]:
    """Return the core devices: ``core`` when given, else role ``core``, else one hub.

    The hub is the highest-degree device of the largest connected component (ties by name).
    """
    import networkx as nx

    if core:
        return sorted(name for name in core if name in graph)
    by_role = sorted(name for name, data in graph.nodes(data=True) if data.get("role") == "core")
    if by_role or graph.number_of_nodes() == 0:
        return by_role
    largest = max(nx.connected_components(graph), key=len)
    return [min(largest, key=lambda name: (-graph.degree(name), name))]


def layer_of(role: str | None) -> int:
    """Return the layer index of a role (unknown roles go below access)."""
    return LAYERS.index(role) if role in LAYERS else len(LAYERS)


# Fill colours by role, shared by the page and the drawn exports.
ROLE_COLOURS = {
    "core": "#1f4e79",
    "edge": "#7030a0",
    "bng": "#c55a11",
    "aggregation": "#2e75b6",
    "access": "#70ad47",
    "unknown": "#7f7f7f",
}


def colour_of(role: str | None) -> str:
    """Return the fill colour of a role."""
    return ROLE_COLOURS.get(role or "unknown", ROLE_COLOURS["unknown"])


def positions(nodes: Iterable[Mapping[str, Any]], width: int = 160, height: int = 140) -> dict:
    """Return name -> (x, y): one row per layer (core on top), devices spread along it."""
    rows: dict[int, list[str]] = {}
    for node in nodes:
        rows.setdefault(layer_of(node.get("role")), []).append(node["name"])
    widest = max((len(names) for names in rows.values()), default=1)
    placed = {}
    for row, (_layer, names) in enumerate(sorted(rows.items())):
        offset = (widest - len(names)) * width / 2
        for column, name in enumerate(sorted(names)):
            placed[name] = (round(offset + column * width), row * height)
    return placed
