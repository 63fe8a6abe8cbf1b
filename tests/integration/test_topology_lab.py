"""Topology discovery against the isp-small lab, through the real NAPALM ios driver.

The right answers are the topology file's ``expected:`` block, read at test time.
"""

from __future__ import annotations

import time

import pytest

from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox, generate_key
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.services.topology import (
    TopologyService,
)
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from lab import start_lab
from lab.topology import load

pytestmark = [pytest.mark.lab, pytest.mark.slow]

TOPOLOGY = load("isp-small")
EXPECTED = TOPOLOGY.expected


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """An isp-small lab of this module's own."""
    running = start_lab("isp-small", tmp_path_factory.mktemp("topology-lab"), reload_seconds=0.3)
    yield running
    running.stop()


@pytest.fixture
def store(lab, tmp_path):
    """A store holding every lab device, registered in bulk from the lab's inventory."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    box = SecretBox(generate_key())
    with session_scope(url) as session:
        DeviceService.ensure_devices(session, lab.inventory(), box)
    return url, box


def _discover(store, depth=10):
    url, box = store
    with session_scope(url) as session:
        root = DeviceService.get_device_by_name(session, "core1").id
        return TopologyService.discover_topology(session, root, depth, box=box)


def _ends(link) -> frozenset:
    return frozenset([(link["a"], link["a_interface"]), (link["b"], link["b_interface"])])


def test_every_link_is_found_once_with_both_ends(store):
    result = _discover(store)

    with session_scope(store[0]) as session:
        links = TopologyService.list_links(session)
    assert result["run"]["errors"] == []
    assert result["run"]["devices_read"] == EXPECTED["devices"]
    assert len(links) == EXPECTED["links"]
    cabled = {frozenset([(link.a, link.a_port), (link.b, link.b_port)]) for link in TOPOLOGY.links}
    assert {_ends(link) for link in links} == cabled
    one_sided = [
        {"link": link["key"], "seen_by": link["a"] if link["seen_by_a"] else link["b"]}
        for link in links
        if link["status"] == "one_sided"
    ]
    assert one_sided == [
        {"link": e["link"], "seen_by": e["seen_by"]} for e in EXPECTED["one_sided_links"]
    ]


def test_the_planted_faults_are_reported(store):
    _discover(store)

    with session_scope(store[0]) as session:
        report = TopologyService.analyze_topology(session)
    assert [e["device"] for e in report["articulation_points"]] == sorted(
        EXPECTED["articulation_points"]
    )
    assert sorted([e["a"], e["b"]] for e in report["bridges"]) == sorted(
        sorted(pair) for pair in EXPECTED["bridges"]
    )
    found = [
        {(m["a"], m["a_interface"], m["a_speed"]), (m["b"], m["b_interface"], m["b_speed"])}
        for m in report["mismatches"]["speed"]
    ]
    wanted = [
        {(e["a"], e["a_interface"], e["a_speed"]), (e["b"], e["b_interface"], e["b_speed"])}
        for e in EXPECTED["speed_mismatch"]
    ]
    assert found == wanted
    assert [(u["device"], u["interface"], u["name"]) for u in report["unknown_neighbors"]] == [
        (e["device"], e["interface"], e["name"]) for e in EXPECTED["unmanaged_neighbors"]
    ]
    assert report["mismatches"]["duplex"] == [] and report["mismatches"]["mtu"] == []


def test_max_depth_is_respected(store):
    result = _discover(store, depth=1)

    near = {link.b for link in TOPOLOGY.links if link.a == "core1"} | {
        link.a for link in TOPOLOGY.links if link.b == "core1"
    }
    read = {name for name, depth in result["depth"].items() if depth <= 1}
    assert read == near | {"core1"}
    assert result["run"]["devices_read"] == len(near) + 1


def test_a_second_run_measures_utilisation_and_changes_nothing(store):
    _discover(store)
    time.sleep(1.1)
    second = _discover(store)

    with session_scope(store[0]) as session:
        report = TopologyService.analyze_topology(session)
    assert second["changed"] is False
    assert report["utilisation"]["measured_links"] > 0
    assert 0 < report["utilisation"]["top"][0]["utilisation"] < 1
