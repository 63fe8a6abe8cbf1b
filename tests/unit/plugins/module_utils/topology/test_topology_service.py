"""TopologyService on SQLite and PostgreSQL, with an in-memory network answering the reads."""

from __future__ import annotations

import pytest

from ansible_collections.isp.network.plugins.module_utils.errors import (
    NotFoundError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.services.topology import (
    TopologyService,
)
from tests.unit.plugins.module_utils.topology.fake_network import FakeNetwork, isp_small


def _discover(session, network, ids, root="core1", depth=8, **options):
    return TopologyService.discover_topology(
        session, ids[root], depth, fetch=network.fetch, **options
    )


def _pairs(links):
    return {
        frozenset([(link["a"], link["a_interface"]), (link["b"], link["b_interface"])])
        for link in links
    }


def test_isp_small_is_found_with_every_link_once(session):
    network, expected = isp_small()
    ids = network.register(session)

    result = _discover(session, network, ids)

    links = TopologyService.list_links(session)
    assert result["run"]["devices_read"] == expected["devices"]
    assert len(links) == expected["links"]
    assert _pairs(links) == {frozenset([(a, ai), (b, bi)]) for a, ai, b, bi in network.links}
    one_sided = [link["key"] for link in links if link["status"] == "one_sided"]
    assert one_sided == [entry["link"] for entry in expected["one_sided_links"]]
    unknown = TopologyService.list_unknown_neighbors(session)
    assert [(u["device"], u["interface"], u["name"]) for u in unknown] == [
        (e["device"], e["interface"], e["name"]) for e in expected["unmanaged_neighbors"]
    ]
    assert result["changed"] is True
    assert AuditService.list_events(session, action="topology.discover")


def test_analysis_of_the_stored_topology_finds_the_planted_faults(session):
    network, expected = isp_small()
    ids = network.register(session)
    _discover(session, network, ids)

    report = TopologyService.analyze_topology(session)

    assert [e["device"] for e in report["articulation_points"]] == expected["articulation_points"]
    assert [[e["a"], e["b"]] for e in report["bridges"]] == expected["bridges"]
    [mismatch] = report["mismatches"]["speed"]
    [wanted] = expected["speed_mismatch"]
    ends = {(mismatch["a"], mismatch["a_speed"]), (mismatch["b"], mismatch["b_speed"])}
    assert ends == {(wanted["a"], wanted["a_speed"]), (wanted["b"], wanted["b_speed"])}


def test_max_depth_bounds_the_devices_read(session):
    network, _ = isp_small()
    ids = network.register(session)

    result = _discover(session, network, ids, depth=1)

    assert sorted(network.reads) == sorted(
        ["core1", "core2", "edge1", "bng1", "agg1a", "agg1b", "agg2a", "agg2b"]
    )
    assert max(result["depth"].values()) == 2
    beyond = [link for link in TopologyService.list_links(session) if link["note"]]
    assert beyond and all("was not read" in link["note"] for link in beyond)


def test_rediscovery_marks_vanished_links_stale_and_runs_can_be_compared(session):
    network, _ = isp_small()
    ids = network.register(session)
    first = _discover(session, network, ids)
    again = _discover(session, network, ids)
    assert again["changed"] is False
    assert (again["links"]["updated"], again["links"]["changed"]) == (len(network.links), 0)

    a, ai, *_ = network.links[0]
    network.speeds[(a, ai)] = 100
    slower = _discover(session, network, ids)
    assert (slower["changed"], slower["links"]["changed"]) == (True, 1)
    speeds = {
        (link[end], link[f"{end}_interface"]): link[f"{end}_speed"]
        for link in TopologyService.list_links(session)
        for end in "ab"
    }
    assert speeds[(a, ai)] == 100

    network.links.remove(("acc4", "GigabitEthernet1/0/48", "acc5", "GigabitEthernet1/0/49"))
    network.links.append(("acc4", "GigabitEthernet1/0/47", "acc5", "GigabitEthernet1/0/50"))
    third = _discover(session, network, ids)

    assert third["links"]["stale"] == 1
    stale = TopologyService.list_links(session, statuses=["stale"])
    assert [link["key"] for link in stale] == [
        "acc4:GigabitEthernet1/0/48 - acc5:GigabitEthernet1/0/49"
    ]
    diff = TopologyService.diff_runs(session, first["run"]["id"], third["run"]["id"])
    assert diff["added"] == ["acc4:GigabitEthernet1/0/47 - acc5:GigabitEthernet1/0/50"]
    assert diff["removed"] == ["acc4:GigabitEthernet1/0/48 - acc5:GigabitEthernet1/0/49"]
    assert len(TopologyService.list_runs(session)) == 4


def test_a_renamed_device_is_matched_by_the_alias_learned_before(session):
    network, _ = isp_small()
    ids = network.register(session)
    _discover(session, network, ids)
    DeviceService.update_device(session, ids["acc5"], name="acc5-renamed")

    result = _discover(session, network, ids)

    assert result["unknown_neighbors"] == 1
    neighbours = TopologyService.get_device_neighbors(session, ids["acc4"])
    assert "acc5-renamed" in [entry["device"] for entry in neighbours]


def test_an_unreadable_device_is_recorded_and_the_walk_goes_on(session):
    network, _ = isp_small()
    network.failing.add("agg1a")
    ids = network.register(session)

    result = _discover(session, network, ids)

    assert result["run"]["status"] == "partial"
    assert result["run"]["errors"][0]["device"] == "agg1a"
    # acc1 hangs on agg1a for discovery: its other uplink does not send LLDP to agg1b.
    assert result["run"]["devices_read"] == 11
    assert "acc1" not in network.reads


def test_unknown_neighbours_can_be_registered_and_walked_through(session):
    network = FakeNetwork(
        devices={"core1": {"role": "core"}, "sw9": {}},
        links=[("core1", "GigabitEthernet0/1", "sw9", "GigabitEthernet0/1")],
    )
    ids = {"core1": network.register(session)["core1"]}
    DeviceService.delete_device(session, DeviceService.get_device_by_name(session, "sw9").id)

    result = _discover(session, network, ids, register_unknown=True)

    assert result["registered"] == ["sw9"]
    assert str(DeviceService.get_device_by_name(session, "sw9").status) == "discovered"
    assert "sw9" in network.reads
    assert TopologyService.list_links(session)[0]["status"] == "confirmed"


def test_hostile_lldp_names_are_stored_cleaned_and_never_registered(session):
    evil = "<img src=x onerror=alert(1)>{{ 7*7 }}\x1b[2J"
    network = FakeNetwork(devices={"core1": {"role": "core"}})
    network.external.append(
        {"device": "core1", "interface": "GigabitEthernet0/9", "name": evil.replace("\x1b", "")}
    )
    ids = network.register(session)

    result = _discover(session, network, ids, register_unknown=True)

    assert result["registered"] == []
    [unknown] = TopologyService.list_unknown_neighbors(session)
    assert unknown["name"].startswith("<img src=x")
    assert "\x1b" not in unknown["name"]
    page = TopologyService.export_topology(session, "html")
    assert "<img src=x" not in page.split('id="topology-data"')[0].split("<script>")[-1]


def test_exports_change_only_with_the_network_unless_live_data_is_asked_for(session):
    network, _ = isp_small()
    a, ai, *_ = network.links[0]
    network.traffic[(a, ai)] = 10**9
    ids = network.register(session)
    _discover(session, network, ids)
    first = {kind: TopologyService.export_topology(session, kind) for kind in ("json", "report")}
    first_live = TopologyService.export_topology(session, "json", live=True)

    _discover(session, network, ids)

    again = {kind: TopologyService.export_topology(session, kind) for kind in ("json", "report")}
    assert again == first
    assert "last_seen" not in again["json"]
    assert "left out" in again["report"]
    live_json = TopologyService.export_topology(session, "json", live=True)
    assert live_json != first_live
    assert '"rate_bps"' in live_json
    live_report = TopologyService.export_topology(session, "report", live=True)
    assert f"{a}:{ai}" in live_report.split("Most loaded links (1 measured)")[1]


def test_ambiguous_neighbours_are_reported_with_their_candidates(session):
    network = FakeNetwork(
        devices={"core1": {"role": "core"}},
    )
    ids = network.register(session)
    DeviceService.create_device(session, "sw1.a.example", "127.0.0.1")
    DeviceService.create_device(session, "sw1.b.example", "127.0.0.1")
    network.external.append({"device": "core1", "interface": "Gi0/3", "name": "SW1.c.example"})

    result = _discover(session, network, ids)

    [ambiguous] = result["run"]["ambiguous"]
    assert ambiguous["candidates"] == ["sw1.a.example", "sw1.b.example"]
    assert TopologyService.list_unknown_neighbors(session)[0]["reason"] == "ambiguous"


def test_bad_arguments_are_refused_in_one_sentence(session):
    network, _ = isp_small()
    ids = network.register(session)
    with pytest.raises(ValidationError, match="max_depth -1 is out of range"):
        _discover(session, network, ids, depth=-1)
    with pytest.raises(NotFoundError, match="device id 999"):
        TopologyService.discover_topology(session, 999, 1, fetch=network.fetch)
    with pytest.raises(ValidationError, match="workers 0 is out of range"):
        _discover(session, network, ids, workers=0)
    with pytest.raises(ValidationError, match="no root device"):
        TopologyService.discover_topology(session, [], 1)
    with pytest.raises(ValidationError, match="core device 'nope'"):
        TopologyService.analyze_topology(session, core=["nope"])
    with pytest.raises(NotFoundError, match="discovery run 42"):
        TopologyService.diff_runs(session, 42, 43)
    with pytest.raises(ValidationError, match="export format 'pdf'"):
        TopologyService.export_topology(session, "pdf")


def test_neighbours_to_a_depth(session):
    network, _ = isp_small()
    ids = network.register(session)
    _discover(session, network, ids)

    near = TopologyService.get_device_neighbors(session, ids["acc5"], 2)

    assert [(e["device"], e["depth"]) for e in near] == [("acc4", 1), ("agg2a", 2)]
