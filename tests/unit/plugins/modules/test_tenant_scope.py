"""store_tenant through the modules: a reseller's run never reads or changes another tenant.

Tenants a and b each hold a pool, an address and a device. Runs scoped to a (the option,
or ISP_NETWORK_TENANT as an AWX credential injects it) see only a's objects, fail on b's
as on missing ones, and leave b's objects exactly as they were.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.module_runner import run_module

POOL_MISSING = "pool 'pool-b' is not in the store; create it with isp.network.ip_pool first"


@pytest.fixture
def store(sqlite_url) -> str:
    """A store with tenants a and b, each with a pool, an address and a device."""
    for tenant, network in (("a", "10.1.0.0/24"), ("b", "10.2.0.0/24")):
        common = {"store_url": sqlite_url}
        run_module(
            "ip_pool", {**common, "name": f"pool-{tenant}", "network": network, "tenant": tenant}
        )
        run_module(
            "device",
            {**common, "name": f"dev-{tenant}", "hostname": f"{tenant}.example", "tenant": tenant},
        )
        run_module(
            "ip_address",
            {
                **common,
                "pool": f"pool-{tenant}",
                "assigned_to_type": "customer",
                "assigned_to_id": "1",
                "device": f"dev-{tenant}",
            },
        )
    return sqlite_url


def tenant_b(url: str) -> dict[str, Any]:
    """Return what an unscoped run reads of tenant b's pool, addresses and device."""
    return {
        "pools": run_module("ip_pool_info", {"store_url": url, "tenant": "b"})["pools"],
        "addresses": run_module("ip_address_info", {"store_url": url, "pool": "pool-b"}),
        "devices": run_module("device_info", {"store_url": url, "tenant": ["b"]})["devices"],
    }


def as_a(name: str, url: str, args: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return run_module(name, {"store_url": url, "store_tenant": "a", **args}, **kwargs)


def test_scoped_reads_see_only_the_tenants_objects(store, monkeypatch):
    pools = as_a("ip_pool_info", store, {})["pools"]
    addresses = as_a("ip_address_info", store, {})["allocations"]
    monkeypatch.setenv("ISP_NETWORK_TENANT", "a")
    devices = run_module("device_info", {"store_url": store})["devices"]
    monkeypatch.delenv("ISP_NETWORK_TENANT")
    everything = run_module("ip_pool_info", {"store_url": store})["pools"]

    assert [pool["name"] for pool in pools] == ["pool-a"]
    assert [entry["pool"] for entry in addresses] == ["pool-a"]
    assert [device["name"] for device in devices] == ["dev-a"]
    # The scope ends with the run: the next run without one sees every pool.
    assert [pool["name"] for pool in everything] == ["pool-a", "pool-b"]


FAILING_ON_B = [
    ("ip_address", {"pool": "pool-b", "assigned_to_type": "customer", "assigned_to_id": "9"}),
    ("ip_address", {"pool": "pool-b", "state": "absent", "address": "10.2.0.1"}),
    (
        "ip_prefix",
        {
            "pool": "pool-b",
            "assigned_to_type": "customer",
            "assigned_to_id": "9",
            "prefix_length": 28,
        },
    ),
    ("ip_address_info", {"pool": "pool-b"}),
]


def test_scoped_writes_on_another_tenant_fail_or_find_nothing(store):
    before = tenant_b(store)
    failures = [as_a(name, store, args, expect_failure=True)["msg"] for name, args in FAILING_ON_B]
    pool_absent = as_a("ip_pool", store, {"name": "pool-b", "state": "absent", "force": True})
    device_absent = as_a("device", store, {"name": "dev-b", "state": "absent"})
    taken = as_a(
        "ip_pool", store, {"name": "pool-b", "network": "10.8.0.0/24"}, expect_failure=True
    )
    device_taken = as_a(
        "device", store, {"name": "dev-b", "hostname": "x.example"}, expect_failure=True
    )
    config = as_a("config_info", store, {"device": "dev-b"}, expect_failure=True)

    assert failures == [POOL_MISSING] * len(FAILING_ON_B)
    assert (pool_absent["changed"], pool_absent["result"]) == (False, "already absent")
    assert (device_absent["changed"], device_absent["msg"]) == (
        False,
        "device 'dev-b' already absent",
    )
    assert taken["msg"] == "pool name 'pool-b' is already taken in the store; choose another name"
    assert device_taken["msg"] == (
        "device name 'dev-b' is already taken in the store; choose another name"
    )
    assert config["msg"] == (
        "device 'dev-b' is not in the store; register it with isp.network.device first"
    )
    assert tenant_b(store) == before


def test_scoped_writes_create_in_the_scopes_tenant_and_refuse_another(store):
    pool = as_a("ip_pool", store, {"name": "pool-a2", "network": "10.9.0.0/24"})
    device = as_a("device", store, {"name": "dev-a2", "hostname": "a2.example"})
    other = as_a(
        "ip_pool",
        store,
        {"name": "pool-x", "network": "10.7.0.0/24", "tenant": "b"},
        expect_failure=True,
    )
    other_device = as_a(
        "device",
        store,
        {"name": "dev-x", "hostname": "x.example", "tenant": "b"},
        expect_failure=True,
    )

    assert pool["pool"]["tenant"] == "a"
    assert device["device"]["tenant"] == "a"
    assert other["msg"] == (
        "tenant 'b' of pool 'pool-x' is outside this run's tenant scope 'a'; leave tenant out "
        "or set it to 'a'"
    )
    assert other_device["msg"] == (
        "tenant 'b' of device 'dev-x' is outside this run's tenant scope 'a'; leave tenant out "
        "or set it to 'a'"
    )


def test_an_unusable_scope_fails_in_one_sentence(store):
    result = as_a("device_info", store, {"store_tenant": "t" * 200}, expect_failure=True)

    assert result["msg"].startswith("tenant scope 'tttt")
    assert result["msg"].endswith(
        "is not usable; give a tenant name of 1-128 characters in store_tenant or "
        "ISP_NETWORK_TENANT"
    )


def test_a_store_wide_key_rotation_is_refused_in_a_scope(store, secret_key):
    result = as_a("secret_key_rotate", store, {"new_secret_key": secret_key}, expect_failure=True)

    assert result["msg"] == (
        "rotating the secret key changes every tenant's objects, and this run is limited to "
        "tenant 'a'; run it without store_tenant or ISP_NETWORK_TENANT"
    )
