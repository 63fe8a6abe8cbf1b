"""The pipelined walk: depths stay shortest hop counts whatever order the reads finish in."""

from __future__ import annotations

import threading

from ansible_collections.isp.network.plugins.module_utils.services.topology import (
    TopologyService,
)
from tests.unit.plugins.module_utils.topology.fake_network import FakeNetwork

# r - a - d - e - f - g, and a longer way round to d: r - b - c - d.
_LINKS = [
    ("r", "a"),
    ("r", "b"),
    ("b", "c"),
    ("c", "d"),
    ("a", "d"),
    ("d", "e"),
    ("e", "f"),
    ("f", "g"),
]


def _network() -> FakeNetwork:
    network = FakeNetwork(devices={name: {} for name in "abcdefgr"})
    ports: dict[str, int] = {}
    for left, right in _LINKS:
        ends = []
        for name in (left, right):
            ports[name] = ports.get(name, 0) + 1
            ends.append(f"GigabitEthernet0/{ports[name]}")
        network.links.append((left, ends[0], right, ends[1]))
    return network


def test_a_device_first_reached_the_long_way_gets_its_shortest_depth(session):
    network = _network()
    ids = network.register(session)
    e_read = threading.Event()
    held: list[bool] = []

    def fetch(target):
        if target.name == "a":
            # Hold a back until e was read: d was reached the long way (r-b-c-d, depth 3)
            # and read, and e was submitted from there at depth 4.
            held.append(e_read.wait(timeout=10))
        reading = network.fetch(target)
        if target.name == "e":
            e_read.set()
        return reading

    result = TopologyService.discover_topology(session, ids["r"], 4, fetch=fetch, workers=4)

    assert held == [True]
    assert result["depth"] == {"r": 0, "a": 1, "b": 1, "c": 2, "d": 2, "e": 3, "f": 4, "g": 5}
    # f was first seen five hops out, beyond max_depth; a's shorter way to d brought d, e
    # and then f one hop closer, so f is read too, and g (five hops) is not.
    assert sorted(network.reads) == ["a", "b", "c", "d", "e", "f", "r"]
    assert result["run"]["devices_read"] == 7


def test_max_depth_is_exact_when_reads_finish_out_of_order(session):
    network = _network()
    ids = network.register(session)

    def fetch(target):
        return network.fetch(target)

    expected = ["r", "abr", "abcdr", "abcder", "abcdefr", "abcdefgr"]
    for max_depth, read in enumerate(expected):
        network.reads.clear()
        result = TopologyService.discover_topology(
            session, ids["r"], max_depth, fetch=fetch, workers=3
        )
        assert "".join(sorted(network.reads)) == read, max_depth
        assert all(result["depth"][name] <= max_depth for name in network.reads)
