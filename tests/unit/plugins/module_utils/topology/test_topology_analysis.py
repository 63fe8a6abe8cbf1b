"""Analysis of the graph: the isp-small answers, parallel links, islands, large graphs."""

from __future__ import annotations

import networkx as nx

from ansible_collections.isp.network.plugins.module_utils.topology.analysis import analyze
from ansible_collections.isp.network.plugins.module_utils.topology.graph import (
    build_graph,
    core_nodes,
)
from ansible_collections.isp.network.plugins.module_utils.topology.report import report_text
from tests.unit.plugins.module_utils.topology.fake_network import isp_small


def _graph(nodes, links):
    return build_graph(
        [{"name": name, "role": role} for name, role in nodes.items()],
        [
            {"a": a, "a_interface": ai, "b": b, "b_interface": bi, "key": f"{a}:{ai} - {b}:{bi}"}
            for a, ai, b, bi in links
        ],
    )


def _isp_small():
    network, expected = isp_small()
    roles = {name: spec["role"] for name, spec in network.devices.items()}
    return _graph(roles, network.links), expected


def test_isp_small_single_points_of_failure_match_the_topology_file():
    graph, expected = _isp_small()

    report = analyze(graph)

    assert [e["device"] for e in report["articulation_points"]] == expected["articulation_points"]
    assert [[e["a"], e["b"]] for e in report["bridges"]] == expected["bridges"]
    cut = {e["device"]: e["cuts_off"] for e in report["articulation_points"]}
    assert cut == {"acc4": ["acc5"], "agg2a": ["acc4", "acc5"], "core1": ["edge1"]}
    assert report["summary"]["core"] == ["core1", "core2"]
    assert report["redundancy"]["single_homed"] == ["acc4", "acc5", "edge1"]
    assert report["islands"] == []


def test_redundancy_counts_independent_paths_to_the_core():
    graph, _ = _isp_small()

    paths = {e["device"]: e["paths"] for e in analyze(graph)["redundancy"]["devices"]}

    assert paths["agg1a"] == 2
    assert paths["acc2"] == 2
    assert paths["acc5"] == 1


def test_two_parallel_links_are_not_a_bridge():
    graph = _graph(
        {"c": "core", "x": "access"}, [("c", "Gi0/1", "x", "Gi0/1"), ("c", "Gi0/2", "x", "Gi0/2")]
    )
    report = analyze(graph)
    assert report["bridges"] == []
    assert report["summary"]["links"] == 2


def test_devices_apart_from_the_core_are_islands():
    graph = _graph(
        {"c1": "core", "a": "access", "i1": "access", "i2": "access"},
        [("c1", "Gi0/1", "a", "Gi0/1"), ("i1", "Gi0/1", "i2", "Gi0/1")],
    )
    report = analyze(graph)
    assert report["islands"] == [{"size": 2, "devices": ["i1", "i2"]}]
    paths = {e["device"]: e["paths"] for e in report["redundancy"]["devices"]}
    assert paths["i1"] == 0


def test_without_a_core_role_the_hub_of_the_largest_component_is_the_core():
    graph = _graph(
        {"a": "x", "b": "x", "c": "x", "d": "x"},
        [("a", "1", "b", "1"), ("a", "2", "c", "1"), ("a", "3", "d", "1")],
    )
    assert core_nodes(graph) == ["a"]
    assert core_nodes(graph, ["d"]) == ["d"]


def test_large_graphs_are_sampled_and_still_find_cut_offs():
    tree = nx.balanced_tree(3, 6)
    graph = _graph(
        {str(n): "core" if n == 0 else "access" for n in tree.nodes},
        [(str(a), "p", str(b), "q") for a, b in tree.edges],
    )
    report = analyze(graph, exact_limit=100)
    assert report["betweenness"]["method"] == "sampled"
    assert report["redundancy"]["method"] == "at_least"
    assert report["summary"]["devices"] == tree.number_of_nodes()
    first = next(e for e in report["articulation_points"] if e["device"] == "1")
    assert first["cuts_off_count"] == (tree.number_of_nodes() - 1) // 3 - 1


def test_mismatches_and_one_sided_links_come_from_the_links():
    graph = build_graph(
        [{"name": "a", "role": "core"}, {"name": "b", "role": "access"}],
        [
            {
                "a": "a", "a_interface": "Gi0/1", "b": "b", "b_interface": "Gi0/1",
                "key": "a:Gi0/1 - b:Gi0/1", "a_speed": 100, "b_speed": 1000,
                "a_duplex": "half", "b_duplex": "full", "a_mtu": 1500, "b_mtu": 9000,
                "status": "one_sided", "seen_by_a": False, "seen_by_b": True, "note": "n",
                "rate_bps": 50e6, "capacity_bps": 100e6,
            }
        ],
    )  # fmt: skip
    report = analyze(graph)
    assert [len(report["mismatches"][k]) for k in ("speed", "duplex", "mtu")] == [1, 1, 1]
    assert report["one_sided_links"][0]["seen_by"] == "b"
    assert report["utilisation"]["top"][0]["utilisation"] == 0.5
    text = report_text(report)
    assert "speed mismatch: a Gi0/1 100 vs b Gi0/1 1000" in text
    assert "50.00% of 100 Mb/s" in text
