# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Analysis of the topology graph: single points of failure, centrality, redundancy, islands.

"Cut off" is relative to the core: a device is cut off by a failure when it loses every path
to every core device. The core devices are those given, else those whose role is ``core``,
else the hub of the largest component (see ``graph.core_nodes``). A virtual root joined to
every core device turns "a path to any core device" into "a path to the root", so one
depth-first search gives, for every device and every link, what its failure cuts off.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ansible_collections.isp.network.plugins.module_utils.topology.graph import core_nodes
from ansible_collections.isp.network.plugins.module_utils.topology.mismatch import (
    link_problems,
    utilisation,
)

# Exact betweenness up to this many devices; above, sampled from SAMPLE sources.
EXACT_LIMIT = 1000
SAMPLE = 32
SEED = 7
# Devices listed per cut-off set (the count is always given).
LIST_LIMIT = 100
TOP = 10
_ROOT = object()


class _Tree:
    """A depth-first search tree from the virtual core root (and from each island's hub)."""

    def __init__(self, graph: Any, cores: list[str]) -> None:
        self.graph = graph
        self.cores = set(cores)
        self.tin: dict[Any, int] = {}
        self.low: dict[Any, int] = {}
        self.parent: dict[Any, Any] = {}
        self.children: dict[Any, list[Any]] = {}
        self.order: list[Any] = []
        self.component_root: dict[Any, Any] = {}
        self._search(_ROOT)
        for node in sorted(graph.nodes, key=lambda name: (-graph.degree(name), name)):
            if node not in self.tin:
                self._search(node)
        self.size = {node: 1 for node in self.order}
        for node in reversed(self.order):
            if node in self.parent:
                self.size[self.parent[node]] += self.size[node]

    def _neighbours(self, node: Any) -> list[Any]:
        if node is _ROOT:
            return sorted(self.cores)
        found = list(self.graph.adj[node])
        return [*found, _ROOT] if node in self.cores else found

    def _visit(self, node: Any, root: Any) -> None:
        self.tin[node] = self.low[node] = len(self.order)
        self.order.append(node)
        self.children[node] = []
        self.component_root[node] = root

    def _search(self, root: Any) -> None:
        self._visit(root, root)
        stack = [(root, iter(self._neighbours(root)))]
        while stack:
            node, pending = stack[-1]
            for other in pending:
                if node in self.parent and other == self.parent[node]:
                    continue
                if other in self.tin:
                    self.low[node] = min(self.low[node], self.tin[other])
                    continue
                self.parent[other] = node
                self.children[node].append(other)
                self._visit(other, root)
                stack.append((other, iter(self._neighbours(other))))
                break
            else:
                stack.pop()
                if stack:
                    up = stack[-1][0]
                    self.low[up] = min(self.low[up], self.low[node])

    def articulation_points(self) -> list[Any]:
        """Return the devices whose failure splits their component (plain graph only)."""
        found = []
        for node, children in self.children.items():
            if node is _ROOT:
                continue
            if self.component_root[node] == node:
                if len(children) > 1:
                    found.append(node)
            elif any(self.low[child] >= self.tin[node] for child in children):
                found.append(node)
        return found

    def bridges(self) -> list[tuple[Any, Any]]:
        """Return the single links whose failure splits their component, names in order."""
        found = []
        for child, up in self.parent.items():
            if up is _ROOT or self.low[child] <= self.tin[up]:
                continue
            if len(self.graph[up][child].get("links", [None])) == 1:
                found.append(tuple(sorted((up, child))))
        return found

    def subtree(self, node: Any) -> list[Any]:
        """Return the devices of ``node``'s subtree (a contiguous run of the DFS order)."""
        start = self.tin[node]
        return self.order[start : start + self.size[node]]

    def cut_by_node(self, node: Any) -> list[Any]:
        """Return the devices that lose their root when ``node`` fails."""
        lost: list[Any] = []
        for child in self.children.get(node, []):
            if self.low[child] >= self.tin[node]:
                lost += self.subtree(child)
        return lost

    def cut_by_edge(self, left: Any, right: Any) -> list[Any]:
        """Return the devices that lose their root when the link ``left``-``right`` fails."""
        for up, child in ((left, right), (right, left)):
            if self.parent.get(child) == up and self.low[child] > self.tin[up]:
                return self.subtree(child)
        return []


def analyze(
    graph: Any, core: Iterable[str] | None = None, *, exact_limit: int = EXACT_LIMIT
) -> dict[str, Any]:
    """Return the analysis report of ``graph`` as a dict (see docs/topology.md for its keys)."""
    import networkx as nx

    cores = core_nodes(graph, core)
    tree = _Tree(graph, cores)
    components = list(nx.connected_components(graph))
    main = {node for part in components if part & set(cores) for node in part}

    plain = _Tree(graph, [])
    articulation = [
        _cut_entry({"device": node}, tree.cut_by_node(node))
        for node in sorted(plain.articulation_points())
    ]
    bridges = []
    for a, b in sorted(plain.bridges()):
        link = graph[a][b]["links"][0] if graph[a][b].get("links") else {}
        entry = {"a": a, "b": b, "link": link.get("key")}
        bridges.append(_cut_entry(entry, tree.cut_by_edge(a, b)))

    blocks = sorted(
        (sorted(block) for block in nx.biconnected_components(graph) if len(block) > 2),
        key=lambda block: (-len(block), block),
    )
    return {
        "summary": {
            "devices": graph.number_of_nodes(),
            "links": sum(
                len(data.get("links", [])) for _end_a, _end_b, data in graph.edges(data=True)
            ),
            "adjacencies": graph.number_of_edges(),
            "components": len(components),
            "core": cores,
            "single_points_of_failure": len(articulation) + len(bridges),
        },
        "articulation_points": articulation,
        "bridges": bridges,
        "biconnected_components": [{"size": len(b), "devices": b} for b in blocks],
        "betweenness": _betweenness(graph, exact_limit),
        "degree": _degree(graph),
        "redundancy": _redundancy(graph, tree, cores, main, exact_limit),
        "islands": [
            {"size": len(part), "devices": sorted(part)}
            for part in sorted(components, key=lambda p: (-len(p), min(p)))
            if not part & set(cores)
        ],
        **link_problems(graph),
        "utilisation": utilisation(graph, TOP),
    }


def _cut_entry(entry: dict[str, Any], lost: list[Any]) -> dict[str, Any]:
    names = sorted(str(node) for node in lost)
    return {**entry, "cuts_off_count": len(names), "cuts_off": names[:LIST_LIMIT]}


def _betweenness(graph: Any, exact_limit: int) -> dict[str, Any]:
    import networkx as nx

    count = graph.number_of_nodes()
    sampled = count > exact_limit
    sample = min(SAMPLE, count) if sampled else None
    values = nx.betweenness_centrality(graph, k=sample, seed=SEED if sampled else None)
    top = sorted(values.items(), key=lambda item: (-item[1], item[0]))[:TOP]
    return {
        "method": "sampled" if sampled else "exact",
        "samples": sample,
        "top": [{"device": name, "value": round(value, 6)} for name, value in top],
    }


def _degree(graph: Any) -> dict[str, Any]:
    degrees = dict(graph.degree())
    top = sorted(degrees.items(), key=lambda item: (-item[1], item[0]))[:TOP]
    count = len(degrees) or 1
    return {
        "average": round(sum(degrees.values()) / count, 3),
        "top": [{"device": name, "degree": value} for name, value in top],
        "leaves": sorted(name for name, value in degrees.items() if value == 1),
    }


def _redundancy(
    graph: Any, tree: _Tree, cores: list[str], main: set[str], exact_limit: int
) -> dict[str, Any]:
    """Node-independent paths from each non-core device to the core (any core device)."""
    behind_one: set[Any] = set()
    for node in tree.order:
        if node is not _ROOT and tree.component_root.get(node) is _ROOT:
            behind_one.update(tree.cut_by_node(node))
    exact = graph.number_of_nodes() <= exact_limit
    counts = _exact_paths(graph, cores, main) if exact else {}
    devices = []
    for name in sorted(graph.nodes):
        if name in cores:
            continue
        if name not in main:
            paths = 0
        elif exact:
            paths = counts[name]
        else:
            paths = 1 if name in behind_one else 2
        devices.append({"device": name, "paths": paths})
    return {
        "method": "exact" if exact else "at_least",
        "single_homed": [entry["device"] for entry in devices if entry["paths"] == 1],
        "devices": devices,
    }


def _exact_paths(graph: Any, cores: list[str], main: set[str]) -> dict[str, int]:
    from networkx.algorithms.connectivity import (
        build_auxiliary_node_connectivity,
        local_node_connectivity,
    )
    from networkx.algorithms.flow import build_residual_network

    joined = graph.subgraph(main).copy()
    sink = ("__core__",)
    joined.add_edges_from((sink, name) for name in cores)
    auxiliary = build_auxiliary_node_connectivity(joined)
    residual = build_residual_network(auxiliary, "capacity")
    return {
        name: local_node_connectivity(
            joined, name, sink, auxiliary=auxiliary, residual=residual, cutoff=len(cores) + 8
        )
        for name in main
        if name not in cores
    }
