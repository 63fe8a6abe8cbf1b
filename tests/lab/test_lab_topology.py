"""The shipped topologies: isp-small's documented answers, LLDP symmetry, the generator."""

from __future__ import annotations

from types import SimpleNamespace

import networkx as nx
import pytest

from lab import ifnames, view
from lab.generator import generate
from lab.topology import TopologyError, build, load

pytestmark = pytest.mark.lab


@pytest.fixture(scope="module")
def small():
    return load("isp-small")


def _graph(topology) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(topology.devices)
    graph.add_edges_from((link.a, link.b) for link in topology.links)
    return graph


def test_isp_small_documents_its_articulation_points_and_bridges(small):
    graph = _graph(small)
    bridges = sorted(sorted(edge) for edge in nx.bridges(graph))

    assert len(small.devices) == small.expected["devices"]
    assert len(small.links) == small.expected["links"]
    assert nx.is_connected(graph)
    assert sorted(nx.articulation_points(graph)) == small.expected["articulation_points"]
    assert bridges == sorted(sorted(pair) for pair in small.expected["bridges"])


def test_isp_small_documents_its_speed_mismatch(small):
    mismatched = []
    for link in small.links:
        a_speed = small.devices[link.a].ports[link.a_port].speed
        b_speed = small.devices[link.b].ports[link.b_port].speed
        if a_speed != b_speed:
            mismatched.append(
                {
                    "a": link.a,
                    "a_interface": link.a_port,
                    "a_speed": a_speed,
                    "b": link.b,
                    "b_interface": link.b_port,
                    "b_speed": b_speed,
                }
            )

    assert mismatched == small.expected["speed_mismatch"]


def test_lldp_tables_agree_except_on_the_one_sided_link(lab, small):
    devices = lab.server.devices
    seen = {
        (name, ifnames.canonical(record.local), record.name)
        for name, device in devices.items()
        for record in view.neighbors(device)
    }
    one_sided = small.expected["one_sided_links"][0]

    for link in small.links:
        a_sees_b = (link.a, link.a_port, link.b) in seen
        b_sees_a = (link.b, link.b_port, link.a) in seen
        text = f"{link.a}:{link.a_port} - {link.b}:{link.b_port}"
        if text == one_sided["link"]:
            assert (a_sees_b, b_sees_a) == (True, False)
        else:
            assert a_sees_b and b_sees_a, text


def test_the_cpe_is_the_only_neighbour_outside_the_topology(lab, small):
    outside = [
        {"device": name, "interface": ifnames.canonical(record.local), "name": record.name}
        for name, device in lab.server.devices.items()
        for record in view.neighbors(device)
        if record.name not in small.devices
    ]

    assert outside == small.expected["unmanaged_neighbors"]


def test_counters_agree_on_both_ends_of_a_link(lab, monkeypatch):
    devices = lab.server.devices
    now = max(device.boot_time for device in devices.values()) + 3600
    monkeypatch.setattr(view, "time", SimpleNamespace(time=lambda: now))
    core1 = {state.name: state for state in view.ports(devices["core1"])}
    core2 = {state.name: state for state in view.ports(devices["core2"])}

    sent = core1["TenGigabitEthernet0/1/0"].counters
    received = core2["TenGigabitEthernet0/1/0"].counters
    assert sent["tx_bytes"] == received["rx_bytes"] > 0
    assert sent["rx_bytes"] == received["tx_bytes"] > 0


@pytest.mark.parametrize("size", [30, 500, 1000])
def test_generator_builds_a_redundant_tree(size):
    topology = build(generate(size))
    graph = _graph(topology)
    roles = {spec.role for spec in topology.devices.values()}

    assert len(topology.devices) == size
    assert nx.is_connected(graph)
    assert list(nx.articulation_points(graph)) == []
    assert roles == {"core", "aggregation", "access"}
    assert len({spec.mgmt for spec in topology.devices.values()}) == size


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"devices": {"a": {}}, "links": ["a:Gi0/0/0 - b:Gi0/0/0"]}, "not declared"),
        ({"devices": {"a": {}}, "links": ["a Gi0/0/0 b Gi0/0/0"]}, "of the form"),
        ({"devices": {"a": {}}, "links": [1]}, "neither"),
        ({"devices": {"a": [1]}}, "must be a mapping"),
        ({"devices": {"a": {"flash_size": "lots"}}}, "wrong type"),
        ({"devices": {"a": {"device_type": "toaster"}}}, "device_type 'toaster'"),
        ({"devices": {"a": {}}, "external": [{"device": "z"}]}, "unknown device 'z'"),
        ({"nodes": {}}, "needs a `devices` mapping"),
    ],
)
def test_bad_topologies_are_refused_in_one_sentence(data, message):
    with pytest.raises(TopologyError, match=message) as raised:
        build(data)

    assert "\n" not in str(raised.value)


def test_a_broken_yaml_file_is_refused_in_one_sentence(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(": : :\n")

    with pytest.raises(TopologyError, match="not valid YAML at line 1"):
        load(path)
