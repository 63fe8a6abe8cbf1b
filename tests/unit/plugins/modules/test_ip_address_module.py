"""isp.network.ip_address and isp.network.ip_address_info, run in-process as Ansible runs them.

(Named ``_module`` so as not to clash with the lookup's ``test_ip_address.py``.)
"""

from __future__ import annotations

import pytest

from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import Device
from tests.module_runner import run_module

OWNER = {"pool": "cust-a", "assigned_to_type": "customer", "assigned_to_id": "123"}


@pytest.fixture
def store(tmp_path, monkeypatch) -> str:
    """A store with pool cust-a (10.0.0.0/29, gateway .1) and device r1."""
    url = f"sqlite:///{tmp_path / 'modules.db'}"
    monkeypatch.setenv("ISP_NETWORK_STORE_URL", url)
    run_module(
        "ip_pool",
        {
            "name": "cust-a",
            "network": "10.0.0.0/29",
            "gateway": "10.0.0.1",
            "dns_servers": ["192.0.2.53"],
        },
    )
    with session_scope(url) as session:
        session.add(Device(name="r1", hostname="r1.lab"))
    return url


def test_allocate_returns_a_templatable_address_and_is_idempotent(store):
    first = run_module("ip_address", OWNER)
    again = run_module("ip_address", OWNER)

    assert first["changed"] and first["result"] == "allocated"
    assert first["msg"] == "address 10.0.0.2/29 allocated to customer 123 from pool 'cust-a'"
    address = first["address"]
    assert (address["address"], address["cidr"], address["netmask"]) == (
        "10.0.0.2",
        "10.0.0.2/29",
        "255.255.255.248",
    )
    assert address["gateway"] == "10.0.0.1" and address["dns_servers"] == ["192.0.2.53"]
    assert not again["changed"] and again["result"] == "already allocated"
    assert again["address"]["address"] == "10.0.0.2"


def test_check_mode_predicts_the_exact_addresses_without_writing(store):
    run_module("ip_address", {**OWNER, "assigned_to_id": "1"})
    predicted = run_module("ip_address", {**OWNER, "count": 2}, check_mode=True, diff=True)
    real = run_module("ip_address", {**OWNER, "count": 2})

    assert [a["address"] for a in predicted["allocations"]] == ["10.0.0.3", "10.0.0.4"]
    assert predicted["allocations"] == [
        {**a, "allocated_at": p["allocated_at"], "id": p["id"]}
        for a, p in zip(real["allocations"], predicted["allocations"], strict=True)
    ]
    assert predicted["diff"] == {
        "before": {"allocations": []},
        "after": {"allocations": ["10.0.0.3/29", "10.0.0.4/29"]},
    }
    with session_scope(store, write=False) as session:
        assert len(AuditService.list_events(session, action="ip.allocate")) == 2


def test_specific_address_device_and_interface(store):
    result = run_module(
        "ip_address",
        {**OWNER, "address": "10.0.0.6/29", "device": "r1", "interface": "Gi0/1"},
    )
    found = run_module("ip_address_info", {"device": "r1"})["allocations"]

    assert result["address"]["address"] == "10.0.0.6"
    assert [(a["address"], a["interface"], a["assigned_to_id"]) for a in found] == [
        ("10.0.0.6", "Gi0/1", "123")
    ]


def test_release_by_address_and_by_owner(store):
    run_module("ip_address", {**OWNER, "count": 3})
    one = run_module("ip_address", {"pool": "cust-a", "state": "absent", "address": "10.0.0.3"})
    rest = run_module("ip_address", {**OWNER, "state": "absent"}, diff=True)
    again = run_module("ip_address", {**OWNER, "state": "absent"})

    assert one["msg"] == "address 10.0.0.3/29 of customer 123 released in pool 'cust-a'"
    assert [a["address"] for a in rest["released"]] == ["10.0.0.2", "10.0.0.4"]
    assert rest["diff"]["before"] == {"allocations": ["10.0.0.2/29", "10.0.0.4/29"]}
    assert not again["changed"] and again["result"] == "already released"
    assert run_module("ip_address_info", {"pool": "cust-a"})["allocations"] == []


def test_info_filters_by_owner_and_kind(store):
    run_module("ip_address", OWNER)
    run_module("ip_address", {**OWNER, "assigned_to_id": "9"})

    mine = run_module("ip_address_info", {"assigned_to_type": "customer", "assigned_to_id": "9"})
    prefixes = run_module("ip_address_info", {"kind": "prefix"})
    assert [a["address"] for a in mine["allocations"]] == ["10.0.0.3"]
    assert prefixes["allocations"] == []


@pytest.mark.parametrize(
    ("args", "msg"),
    [
        (
            {"pool": "nope"},
            "pool 'nope' is not in the store; create it with isp.network.ip_pool first",
        ),
        (
            {"address": "10.0.1.9"},
            "address 10.0.1.9 is outside pool 'cust-a' (10.0.0.0/29); choose an address "
            "inside 10.0.0.0/29",
        ),
        (
            {"address": "10.0.0.1"},
            "address 10.0.0.1 in pool 'cust-a' is reserved (network, broadcast, gateway or a "
            "reserved range); choose another",
        ),
        (
            {"count": 6},
            "pool 'cust-a' has 5 free addresses, fewer than the 6 asked for; ask for fewer, "
            "extend it or release addresses",
        ),
        (
            {"assigned_to_type": None, "assigned_to_id": None},
            "allocating from pool 'cust-a' needs an owner; set assigned_to_type and "
            "assigned_to_id (for example customer and 123)",
        ),
        (
            {"assigned_to_type": None},
            "allocating from pool 'cust-a' needs both assigned_to_type and assigned_to_id, "
            "or neither",
        ),
        (
            {"device": "r9"},
            "device 'r9' is not in the store; register it with isp.network.device first",
        ),
        (
            {"count": 0},
            "count 0 is out of range; ask for 1 to 100000 at once",
        ),
        (
            {"state": "absent", "assigned_to_type": None, "assigned_to_id": None},
            "releasing from pool 'cust-a' needs the address, or assigned_to_type and "
            "assigned_to_id",
        ),
        (
            {"state": "absent", "address": "banana"},
            "address 'banana' is not a valid IP address; write it as 10.0.0.5 or 2001:db8::5",
        ),
    ],
)
def test_bad_input_fails_with_one_sentence(store, args, msg):
    result = run_module("ip_address", {**OWNER, **args}, expect_failure=True)

    assert result["msg"] == msg


def test_a_full_pool_and_a_taken_address(store):
    run_module("ip_address", {**OWNER, "count": 5})

    full = run_module("ip_address", {**OWNER, "assigned_to_id": "2"}, expect_failure=True)
    taken = run_module(
        "ip_address", {**OWNER, "assigned_to_id": "2", "address": "10.0.0.2"}, expect_failure=True
    )
    assert full["msg"] == (
        "pool 'cust-a' has no free address (5 of 5 used); extend it or release addresses"
    )
    assert taken["msg"] == (
        "address 10.0.0.2 in pool 'cust-a' is already allocated to customer 123; choose "
        "another or release it first"
    )


def test_release_without_a_pool_name_in_several_vrfs(store):
    run_module("ip_pool", {"name": "cust-b", "network": "10.0.0.0/29", "vrf": "blue"})
    run_module("ip_address", {**OWNER, "address": "10.0.0.5"})
    run_module("ip_address", {**OWNER, "pool": "cust-b", "address": "10.0.0.5"})

    result = run_module("ip_address_info", {"address": "10.0.0.5"})
    assert sorted(a["pool"] for a in result["allocations"]) == ["cust-a", "cust-b"]
