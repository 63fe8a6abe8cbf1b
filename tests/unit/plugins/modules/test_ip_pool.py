"""isp.network.ip_pool and isp.network.ip_pool_info, run in-process as Ansible runs them."""

from __future__ import annotations

import pytest

from tests.module_runner import run_module

CUST = {
    "name": "cust-a",
    "network": "10.0.0.0/24",
    "pool_type": "customer",
    "gateway": "10.0.0.1",
    "dns_servers": ["192.0.2.53"],
}


@pytest.fixture
def store(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'modules.db'}"
    monkeypatch.setenv("ISP_NETWORK_STORE_URL", url)
    return url


def test_create_then_nothing_to_do(store):
    first = run_module("ip_pool", CUST)
    again = run_module("ip_pool", CUST)

    assert first["changed"] and first["result"] == "created"
    assert first["msg"] == "pool 'cust-a' created"
    assert first["pool"]["usage"]["free"] == 253
    assert not again["changed"] and again["result"] == "already exists"


def test_check_mode_predicts_and_writes_nothing(store):
    predicted = run_module("ip_pool", CUST, check_mode=True)

    assert predicted["changed"] and predicted["pool"]["network"] == "10.0.0.0/24"
    assert run_module("ip_pool_info", {})["pools"] == []


def test_update_reports_the_fields_and_a_diff(store):
    run_module("ip_pool", CUST)
    result = run_module("ip_pool", {"name": "cust-a", "site": "ams1"}, diff=True)

    assert result["result"] == "updated" and result["changed_fields"] == ["site"]
    assert result["diff"]["before"]["site"] is None and result["diff"]["after"]["site"] == "ams1"


def test_absent_refuses_a_pool_in_use_unless_forced(store):
    run_module("ip_pool", CUST)
    run_module("ip_address", {"pool": "cust-a", "assigned_to_type": "c", "assigned_to_id": "1"})

    refused = run_module("ip_pool", {"name": "cust-a", "state": "absent"}, expect_failure=True)
    assert refused["msg"] == (
        "pool 'cust-a' still holds 1 allocation(s); release them first or delete it with force"
    )
    deleted = run_module("ip_pool", {"name": "cust-a", "state": "absent", "force": True})
    gone = run_module("ip_pool", {"name": "cust-a", "state": "absent"})
    assert deleted["result"] == "deleted" and gone["result"] == "already absent"
    assert not gone["changed"]


@pytest.mark.parametrize(
    ("args", "msg"),
    [
        (
            {"network": "10.0.0.0/33"},
            "network '10.0.0.0/33' is not a valid CIDR; write it as 10.0.0.0/24 or 2001:db8::/64",
        ),
        (
            {"gateway": "10.9.9.1"},
            "gateway 10.9.9.1 is outside pool 'cust-a' (10.0.0.0/24); choose an address inside "
            "10.0.0.0/24",
        ),
        (
            {"dns_servers": ["dns1"]},
            "DNS server 'dns1' of pool 'cust-a' is not a valid IP address; write it as "
            "192.0.2.53 or 2001:db8::53",
        ),
        (
            {"network": None},
            "pool 'cust-a' does not exist; give its network to create it",
        ),
    ],
)
def test_bad_input_fails_with_one_sentence(store, args, msg):
    result = run_module("ip_pool", {**CUST, **args}, expect_failure=True)

    assert result["msg"] == msg


def test_overlap_in_the_same_vrf_fails_but_not_across_vrfs(store):
    run_module("ip_pool", CUST)
    other = {**CUST, "name": "cust-b", "network": "10.0.0.128/25", "gateway": None}

    result = run_module("ip_pool", other, expect_failure=True)
    assert result["msg"] == (
        "network 10.0.0.128/25 of pool 'cust-b' overlaps pool 'cust-a' (10.0.0.0/24) in VRF "
        "'global'; choose a network that does not overlap, or another VRF"
    )
    assert run_module("ip_pool", {**other, "vrf": "blue"})["changed"]


def test_info_filters_and_reports_usage(store):
    run_module("ip_pool", CUST)
    run_module("ip_pool", {"name": "lo", "network": "10.255.0.0/24", "pool_type": "loopback"})
    run_module("ip_pool", {"name": "v6", "network": "2001:db8::/64"})

    loopbacks = run_module("ip_pool_info", {"pool_type": "loopback"})["pools"]
    v6 = run_module("ip_pool_info", {"name": ["v6"]})["pools"][0]
    assert [pool["name"] for pool in loopbacks] == ["lo"]
    assert v6["usage"]["size"] == 2**64 and v6["usage"]["reserved"] == 1
