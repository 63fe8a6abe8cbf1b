"""The topology modules, run in-process as Ansible runs them, against an in-memory network."""

from __future__ import annotations

import os
import stat

import pytest

from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from ansible_collections.isp.network.plugins.module_utils.topology import discover_run
from tests.module_runner import run_module
from tests.unit.plugins.module_utils.topology.fake_network import isp_small


@pytest.fixture
def store(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'topology.db'}"
    network, _ = isp_small()
    with session_scope(url) as session:
        network.register(session)
    monkeypatch.setattr(
        discover_run, "read_device", lambda target, timeout, counters: network.fetch(target)
    )
    return url


def _discover(store, **args):
    return run_module("topology_discover", {"store_url": store, "roots": ["core1"], **args})


def test_discover_reports_the_run_and_changes_once(store):
    first = _discover(store, max_depth=8)
    second = _discover(store, max_depth=8)

    assert first["changed"] is True
    assert first["run"]["devices_read"] == 13
    assert first["links"]["by_status"] == {"confirmed": 21, "one_sided": 1}
    assert "13 devices read" in first["msg"]
    assert second["changed"] is False


def test_discover_in_check_mode_writes_nothing(store):
    checked = run_module(
        "topology_discover", {"store_url": store, "roots": ["core1"]}, check_mode=True
    )
    info = run_module("topology_info", {"store_url": store})

    assert checked["run"]["devices_read"] > 0
    assert info["links"] == [] and info["runs"] == []


def test_discover_from_an_unknown_device_fails_in_one_sentence(store):
    failed = run_module(
        "topology_discover", {"store_url": store, "roots": ["nope"]}, expect_failure=True
    )
    assert (
        failed["msg"] == "device 'nope' does not exist; register it with isp.network.device first"
    )


def test_info_gives_neighbours_links_unknowns_and_run_differences(store):
    _discover(store, max_depth=8)
    _discover(store, max_depth=8)

    info = run_module(
        "topology_info",
        {"store_url": store, "device": "acc5", "max_depth": 2, "compare_runs": [1, 2]},
    )

    assert [n["device"] for n in info["neighbors"]] == ["acc4", "agg2a"]
    assert [link["b"] for link in info["links"]] == ["acc5"]
    assert info["unknown_neighbors"][0]["name"] == "cpe-cust1"
    assert info["diff_runs"]["added"] == [] and info["diff_runs"]["unchanged"] == 22
    assert info["changed"] is False


def test_info_refuses_a_compare_without_two_runs(store):
    failed = run_module(
        "topology_info", {"store_url": store, "compare_runs": [1]}, expect_failure=True
    )
    assert "exactly two run ids" in failed["msg"]


def test_analyze_returns_the_report_and_its_text(store):
    _discover(store, max_depth=8)

    result = run_module("topology_analyze", {"store_url": store})

    assert result["report"]["summary"]["single_points_of_failure"] == 6
    assert "device core1: cuts off edge1" in result["text"]
    assert result["changed"] is False
    failed = run_module(
        "topology_analyze", {"store_url": store, "core": ["ghost"]}, expect_failure=True
    )
    assert "core device 'ghost'" in failed["msg"]


def test_export_writes_once_and_audits(store, tmp_path):
    _discover(store, max_depth=8)
    dest = tmp_path / "topology.html"
    args = {"store_url": store, "format": "html", "dest": str(dest)}

    checked = run_module("topology_export", args, check_mode=True)
    assert checked["changed"] is True and not dest.exists()
    first = run_module("topology_export", args)
    second = run_module("topology_export", args)

    assert first["changed"] is True and second["changed"] is False
    assert dest.read_text().startswith("<!DOCTYPE html>")
    assert "already up to date" in second["msg"]
    with session_scope(store) as session:
        assert len(AuditService.list_events(session, action="topology.export")) == 2


def test_export_to_a_missing_folder_fails_in_one_sentence(store, tmp_path):
    failed = run_module(
        "topology_export",
        {"store_url": store, "format": "csv", "dest": str(tmp_path / "no" / "t.csv")},
        expect_failure=True,
    )
    assert "does not exist; create it first" in failed["msg"]


def test_export_to_a_relative_path_keeps_the_umask_mode(store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    old = os.umask(0o022)
    try:
        run_module("topology_export", {"store_url": store, "format": "csv", "dest": "t.csv"})
    finally:
        os.umask(old)

    assert stat.S_IMODE((tmp_path / "t.csv").stat().st_mode) == 0o644
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".topology-")] == []


def test_an_unwritable_dest_fails_in_one_sentence_and_leaves_no_temporary(store, tmp_path):
    dest = tmp_path / ("x" * 300)

    failed = run_module(
        "topology_export",
        {"store_url": store, "format": "csv", "dest": str(dest)},
        expect_failure=True,
    )

    assert "cannot be written (File name too long); give a writable file path" in failed["msg"]
    assert list(tmp_path.glob(".topology-*")) == []
