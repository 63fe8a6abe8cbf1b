"""The tenant scope: a caller scoped to tenant A never reads or changes tenant B's objects.

Two tenants, A and B, each with a pool, addresses and a device, beside shared objects that
have no tenant. Every attempt of a scope-A session on B's objects must fail the way a
missing object fails (or find nothing), and leave B's objects exactly as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlmodel import Session, select

from ansible_collections.isp.network.plugins.module_utils.errors import (
    ConflictError,
    NotFoundError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
    ConfigurationService,
)
from ansible_collections.isp.network.plugins.module_utils.services.device_groups import (
    DeviceGroupService,
)
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.services.ipam import (
    IPPoolService,
    Request,
)
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import Device
from ansible_collections.isp.network.plugins.module_utils.store.models.ipam import (
    IPAllocation,
    IPFreeRange,
    IPPool,
)
from ansible_collections.isp.network.plugins.module_utils.store.tenancy import (
    set_process_scope,
    set_scope,
)

S = IPPoolService
D = DeviceService


@contextmanager
def scoped(url: str, tenant: str | None, *, write: bool = True) -> Iterator[Session]:
    """Yield a session of ``url`` limited to ``tenant``, committed on success."""
    with session_scope(url, write=write) as session:
        set_scope(session, tenant)
        yield session


@pytest.fixture
def two_tenants(store_url) -> dict[str, Any]:
    """A store with tenants a and b (a pool, two addresses, a device each) and shared ones."""
    ids: dict[str, Any] = {"url": store_url}
    with session_scope(store_url) as session:
        for tenant, network in (("a", "10.1.0.0/24"), ("b", "10.2.0.0/24")):
            pool = S.create_pool(session, f"pool-{tenant}", network, tenant=tenant)
            device = D.create_device(
                session, f"dev-{tenant}", f"dev-{tenant}.example", tenant=tenant
            )
            S.allocate(session, pool.name, Request("customer", "1", count=2, device=device.name))
            ids[f"pool-{tenant}"], ids[f"dev-{tenant}"] = pool.id, device.id
        S.create_pool(session, "pool-shared", "10.3.0.0/24", pool_type="infrastructure")
        D.create_device(session, "dev-core", "core.example")
        DeviceGroupService.ensure_group(
            session, "customers", variables={"ntp": "192.0.2.1"}, members=["dev-a", "dev-b"]
        )
    ids["b-before"] = tenant_b_state(store_url)
    return ids


def tenant_b_state(url: str) -> dict[str, Any]:
    """Return everything stored about tenant b's objects, read without a scope."""
    with scoped(url, None, write=False) as session:
        pool = S.get_pool(session, "pool-b")
        device = D.get_device_by_name(session, "dev-b")
        allocations = S.list_allocations(session, pool="pool-b")
        free = session.exec(select(IPFreeRange).where(IPFreeRange.pool_id == pool.id)).all()
        return {
            "pool": {**S.pool_dict(pool), "usage": S.get_pool_usage(session, pool.id)},
            "allocations": S.allocation_dicts(session, allocations),
            "free": sorted((row.start_key, row.end_key) for row in free),
            "device": D.describe(session, device),
            "groups": DeviceGroupService.list_groups(session),
            "counts": {
                "pools": len(session.exec(select(IPPool).where(IPPool.tenant == "b")).all()),
                "devices": len(session.exec(select(Device).where(Device.tenant == "b")).all()),
                "addresses": len(
                    session.exec(select(IPAllocation).where(IPAllocation.pool_id == pool.id)).all()
                ),
            },
        }


def missing_pool_message(url: str, name: str) -> str:
    """Return the error an unscoped caller gets for a pool that does not exist."""
    with scoped(url, None, write=False) as session, pytest.raises(NotFoundError) as caught:
        S.get_pool(session, name)
    return str(caught.value)


# Reads


READS_OF_B: list[tuple[str, Callable[[Session, dict], Any]]] = [
    ("get pool by name", lambda s, ids: S.get_pool(s, "pool-b")),
    ("get pool by id", lambda s, ids: S.get_pool(s, ids["pool-b"])),
    ("get shared pool", lambda s, ids: S.get_pool(s, "pool-shared")),
    ("pool usage", lambda s, ids: S.get_pool_usage(s, "pool-b")),
    ("recount", lambda s, ids: S.recount(s, "pool-b")),
    ("addresses of the pool", lambda s, ids: S.list_allocations(s, pool="pool-b")),
    ("owner's addresses", lambda s, ids: S.owner_addresses(s, "pool-b", "1")),
    ("addresses of the device", lambda s, ids: S.list_allocations(s, device="dev-b")),
    ("device by id", lambda s, ids: D.get_device(s, ids["dev-b"])),
    ("device by name", lambda s, ids: D.get_device_by_name(s, "dev-b")),
    ("shared device by name", lambda s, ids: D.get_device_by_name(s, "dev-core")),
]


def test_a_scope_reads_only_its_own_pools_addresses_devices_and_events(two_tenants):
    url = two_tenants["url"]
    with scoped(url, "a", write=False) as session:
        pools = [pool.name for pool in S.list_pools(session)]
        by_tenant_filter = S.list_pools(session, tenant="b")
        addresses = S.allocation_dicts(session, S.list_allocations(session))
        devices = [device.name for device in D.list_devices(session)]
        rows = [row["name"] for row in D.inventory_rows(session)]
        groups = DeviceGroupService.list_groups(session)
        events = AuditService.list_events(session)
        missing = {}
        for what, read in READS_OF_B:
            with pytest.raises(NotFoundError) as caught:
                read(session, two_tenants)
            missing[what] = str(caught.value)

    assert pools == ["pool-a"]
    assert by_tenant_filter == []
    assert {entry["pool"] for entry in addresses} == {"pool-a"}
    assert [entry["address"] for entry in addresses] == ["10.1.0.1", "10.1.0.2"]
    assert devices == ["dev-a"]
    assert rows == ["dev-a"]
    assert [group["members"] for group in groups] == [["dev-a"]]
    assert {(event.object_type, event.object_name) for event in events} == {
        ("ip_pool", "pool-a"),
        ("device", "dev-a"),
    }
    # Exactly what a pool that does not exist gives: b's pool is not revealed.
    unknown = missing_pool_message(url, "pool-zz")
    assert missing["get pool by name"] == unknown.replace("pool-zz", "pool-b")


def test_without_a_scope_every_object_is_visible_and_a_process_scope_applies(two_tenants):
    url = two_tenants["url"]
    with scoped(url, None, write=False) as session:
        pools = [pool.name for pool in S.list_pools(session)]
        devices = [device.name for device in D.list_devices(session)]
    set_process_scope("a")
    try:
        # A session without a scope of its own takes the process's; its own one wins.
        with session_scope(url, write=False) as session:
            in_process_scope = [pool.name for pool in S.list_pools(session)]
        with scoped(url, None, write=False) as session:
            unscoped = [pool.name for pool in S.list_pools(session)]
    finally:
        set_process_scope(None)

    assert pools == unscoped == ["pool-a", "pool-b", "pool-shared"]
    assert devices == ["dev-a", "dev-b", "dev-core"]
    assert in_process_scope == ["pool-a"]


# Writes: each must fail, or change nothing, and leave b's objects as they were


ATTEMPTS_ON_B: list[tuple[str, Callable[[Session, dict], Any], type[Exception] | None]] = [
    ("allocate by pool name", lambda s, ids: S.allocate_ip(s, "pool-b", "9"), NotFoundError),
    (
        "store b's intended configuration",
        lambda s, ids: ConfigurationService.generate_configurations(
            s,
            ConfigurationService.create_template(s, "t", "router", "hostname x\n", "1.0.0", {}),
            {"dev-b": {}},
            store=True,
        ),
        NotFoundError,
    ),
    ("allocate by pool id", lambda s, ids: S.allocate_ip(s, ids["pool-b"], "9"), NotFoundError),
    (
        "allocate a specific address",
        lambda s, ids: S.allocate_ip(s, "pool-b", "9", address="10.2.0.50"),
        NotFoundError,
    ),
    ("allocate a prefix", lambda s, ids: S.allocate_prefix(s, "pool-b", 28, "9"), NotFoundError),
    (
        "allocate from a shared pool",
        lambda s, ids: S.allocate_ip(s, "pool-shared", "9"),
        NotFoundError,
    ),
    (
        "allocate for b's device",
        lambda s, ids: S.allocate_ip(s, "pool-a", "9", device="dev-b"),
        NotFoundError,
    ),
    ("release in the pool", lambda s, ids: S.release_ip(s, "10.2.0.1", "pool-b"), NotFoundError),
    ("release an owner", lambda s, ids: S.release_owner(s, "pool-b", "1"), NotFoundError),
    ("update the pool", lambda s, ids: S.update_pool(s, "pool-b", description="x"), NotFoundError),
    (
        "ensure the pool",
        lambda s, ids: S.ensure_pool(s, "pool-b", network="10.2.0.0/24"),
        ConflictError,
    ),
    (
        "create an overlapping pool",
        lambda s, ids: S.create_pool(s, "pool-a2", "10.2.0.0/25"),
        ConflictError,
    ),
    ("update the device", lambda s, ids: D.update_device(s, ids["dev-b"], site="x"), NotFoundError),
    ("delete the device", lambda s, ids: D.delete_device(s, ids["dev-b"]), NotFoundError),
    (
        "record a probe",
        lambda s, ids: D.record_probes(s, {ids["dev-b"]: ("reachable", None)}),
        NotFoundError,
    ),
    (
        "create a device with b's name",
        lambda s, ids: D.create_device(s, "dev-b", "x.example"),
        ConflictError,
    ),
    (
        "bulk-update b's device",
        lambda s, ids: D.ensure_devices(s, [{"name": "dev-b", "site": "x"}], None),
        ConflictError,
    ),
    (
        "rename onto b's device",
        lambda s, ids: D.update_device(s, ids["dev-a"], name="dev-b"),
        ConflictError,
    ),
    (
        "change a group that holds b's device",
        lambda s, ids: DeviceGroupService.ensure_group(s, "customers", variables={"ntp": "x"}),
        ConflictError,
    ),
    (
        "delete a group that holds b's device",
        lambda s, ids: DeviceGroupService.delete_group(s, "customers"),
        ConflictError,
    ),
    # These find nothing within the scope: "already released", "already absent".
    ("release b's address anywhere", lambda s, ids: S.release_ip(s, "10.2.0.1"), None),
    ("delete the pool", lambda s, ids: S.delete_pool(s, "pool-b", force=True), None),
]


def test_a_scope_cannot_change_another_tenants_objects(two_tenants):
    url = two_tenants["url"]
    for what, attempt, error in ATTEMPTS_ON_B:
        if error is None:
            with scoped(url, "a") as session:
                outcome = attempt(session, two_tenants)
            assert outcome is None or not outcome.changed, what
        else:
            with pytest.raises(error) as caught, scoped(url, "a") as session:
                attempt(session, two_tenants)
            # No message tells what b holds: neither its pool's network nor its owners.
            assert "10.2.0.0/24" not in str(caught.value), what
            assert "customer 1" not in str(caught.value), what

        assert tenant_b_state(url) == two_tenants["b-before"], what


# Writes within the scope


NAMING_B: list[tuple[str, Callable[[Session, dict], Any]]] = [
    ("new pool", lambda s, ids: S.create_pool(s, "pool-x", "10.9.0.0/24", tenant="b")),
    ("pool update", lambda s, ids: S.update_pool(s, "pool-a", tenant="b")),
    ("new device", lambda s, ids: D.create_device(s, "dev-x", "x.example", tenant="b")),
    ("device update", lambda s, ids: D.update_device(s, ids["dev-a"], tenant="b")),
]


def test_writes_in_a_scope_stay_in_its_tenant(two_tenants):
    url = two_tenants["url"]
    with scoped(url, "a") as session:
        pool = S.create_pool(session, "pool-a2", "10.9.0.0/24")
        device = D.create_device(session, "dev-a2", "dev-a2.example")
        [change] = D.ensure_devices(session, [{"name": "dev-a3"}], None)
        address = S.allocate_ip(session, "pool-a", "2", device="dev-a")
        released = S.release_ip(session, "10.1.0.1", "pool-a")
        _pool, changed = S.update_pool(session, "pool-a", description="reseller a")
    for what, write in NAMING_B:
        with pytest.raises(ValidationError) as caught, scoped(url, "a") as session:
            write(session, two_tenants)
        assert str(caught.value).startswith("tenant 'b' of "), what
        assert str(caught.value).endswith(
            "is outside this run's tenant scope 'a'; leave tenant out or set it to 'a'"
        ), what

    assert (pool.tenant, device.tenant, change.device.tenant) == ("a", "a", "a")
    assert address.address == "10.1.0.3"
    assert released.changed
    assert changed == ["description"]
    assert tenant_b_state(url) == two_tenants["b-before"]


@pytest.mark.parametrize("value", ["x" * 129, 5])
def test_an_unusable_scope_is_one_sentence(value):
    with pytest.raises(ValidationError) as caught:
        set_process_scope(value)

    assert "is not usable; give a tenant name of 1-128 characters" in str(caught.value)
