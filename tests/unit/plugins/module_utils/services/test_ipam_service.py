"""The IPPoolService contract, on SQLite and on PostgreSQL."""

from __future__ import annotations

import re

import pytest

from ansible_collections.isp.network.plugins.module_utils.errors import (
    ConflictError,
    ExhaustedError,
    NotFoundError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.services.ipam import (
    IPPoolService,
    Request,
)
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import Device

S = IPPoolService


@pytest.fixture
def url(store_url):
    """A store holding pool cust-a: 10.0.0.0/24, gateway .1, .250-.254 reserved."""
    with session_scope(store_url) as session:
        S.create_pool(
            session,
            "cust-a",
            "10.0.0.0/24",
            "customer",
            gateway="10.0.0.1",
            dns_servers=["192.0.2.53"],
            reserved_ranges=["10.0.0.250-10.0.0.254"],
        )
    return store_url


def run(url, work):
    """Run ``work(session)`` in its own transaction and return what it returns."""
    with session_scope(url) as session:
        return work(session)


def assert_counters_match(url, pool):
    """The pool's O(1) counters equal a recount of its rows."""
    with session_scope(url, write=False) as session:
        usage = S.get_pool_usage(session, pool)
        counted = S.recount(session, pool)
    assert usage.allocated == counted["allocated"]
    assert usage.reserved == counted["excluded"] + counted["reserved"]
    assert usage.free == counted["free"]
    assert usage.size == usage.allocated + usage.reserved + usage.free


def test_new_pool_reports_its_usage(url):
    usage = run(url, lambda s: S.get_pool_usage(s, "cust-a"))

    assert (usage.size, usage.allocated, usage.reserved, usage.free) == (256, 0, 8, 248)
    assert usage.utilisation == 0.0 and not usage.above_threshold
    assert_counters_match(url, "cust-a")


def test_allocation_takes_the_lowest_free_address_skipping_network_and_gateway(url):
    first = run(url, lambda s: S.allocate_ip(s, "cust-a", "123", "customer"))
    second = run(url, lambda s: S.allocate_ip(s, "cust-a", "124", "customer"))

    assert (first.address, second.address) == ("10.0.0.2", "10.0.0.3")


def test_same_owner_gets_the_same_address_unchanged(url):
    first = run(url, lambda s: S.allocate(s, "cust-a", Request("customer", "123")))
    again = run(url, lambda s: S.allocate(s, "cust-a", Request("customer", "123")))

    assert first.changed and not again.changed
    assert again.status == "already allocated"
    assert [a.address for a in again.allocations] == [a.address for a in first.allocations]
    assert run(url, lambda s: S.get_pool_usage(s, "cust-a")).allocated == 1


def test_changed_attributes_update_the_allocation_in_place(url):
    run(url, lambda s: S.allocate(s, "cust-a", Request("customer", "123")))
    outcome = run(
        url, lambda s: S.allocate(s, "cust-a", Request("customer", "123", description="x"))
    )

    assert outcome.status == "updated" and outcome.allocations[0].description == "x"


def test_specific_address_is_allocated_once(url):
    outcome = run(url, lambda s: S.allocate(s, "cust-a", Request("c", "1", address="10.0.0.77")))
    assert outcome.allocations[0].address == "10.0.0.77"

    with pytest.raises(ConflictError, match=r"10\.0\.0\.77 .* already allocated to c 1"):
        run(url, lambda s: S.allocate(s, "cust-a", Request("c", "2", address="10.0.0.77")))


@pytest.mark.parametrize(
    ("address", "error", "words"),
    [
        ("10.0.0.1", ConflictError, "is reserved"),
        ("10.0.0.252", ConflictError, "is reserved"),
        ("10.0.0.255", ConflictError, "is reserved"),
        ("10.0.1.5", ValidationError, "is outside pool 'cust-a' (10.0.0.0/24)"),
        ("2001:db8::1", ValidationError, "is outside pool 'cust-a'"),
        ("10.0.0.300", ValidationError, "is not a valid IP address"),
    ],
)
def test_bad_specific_addresses_get_one_sentence(url, address, error, words):
    with pytest.raises(error, match=re.escape(words)):
        run(url, lambda s: S.allocate(s, "cust-a", Request("c", "1", address=address)))


def test_bulk_allocation_is_idempotent_for_the_same_count(url):
    first = run(url, lambda s: S.allocate(s, "cust-a", Request("c", "1", count=5)))
    again = run(url, lambda s: S.allocate(s, "cust-a", Request("c", "1", count=5)))
    more = run(url, lambda s: S.allocate(s, "cust-a", Request("c", "1", count=7)))

    assert len(first.allocations) == 5 and not again.changed
    assert [a.address for a in again.allocations] == [a.address for a in first.allocations]
    assert len(more.allocations) == 7 and len(more.new) == 2
    fewer = run(url, lambda s: S.allocate(s, "cust-a", Request("c", "1", count=3)))
    assert not fewer.changed
    assert [a.address for a in fewer.allocations] == [a.address for a in first.allocations[:3]]


def test_a_bulk_allocation_that_does_not_fit_writes_nothing(url):
    run(url, lambda s: S.allocate(s, "cust-a", Request("c", "1", count=240)))

    with pytest.raises(ExhaustedError, match="has 8 free addresses, fewer than the 9 asked"):
        run(url, lambda s: S.allocate(s, "cust-a", Request("c", "2", count=9)))
    assert run(url, lambda s: S.get_pool_usage(s, "cust-a")).free == 8
    assert_counters_match(url, "cust-a")


def test_a_full_pool_says_so(url):
    run(url, lambda s: S.allocate(s, "cust-a", Request("c", "1", count=248)))

    with pytest.raises(ExhaustedError) as caught:
        run(url, lambda s: S.allocate_ip(s, "cust-a", "2", "c"))
    assert str(caught.value) == (
        "pool 'cust-a' has no free address (248 of 248 used); extend it or release addresses"
    )


def test_released_address_is_free_again_at_once(url):
    run(url, lambda s: S.allocate(s, "cust-a", Request("c", "1", count=3)))
    released = run(url, lambda s: S.release_ip(s, "10.0.0.3"))
    again = run(url, lambda s: S.release_ip(s, "10.0.0.3"))
    reused = run(url, lambda s: S.allocate_ip(s, "cust-a", "2", "c"))

    assert released.status == "released" and again.status == "already released"
    assert reused.address == "10.0.0.3"
    assert_counters_match(url, "cust-a")


def test_release_everything_an_owner_holds(url):
    run(url, lambda s: S.allocate(s, "cust-a", Request("c", "1", count=4)))
    run(url, lambda s: S.allocate_ip(s, "cust-a", "2", "c"))
    outcome = run(url, lambda s: S.release_owner(s, "cust-a", "1", "c"))

    assert len(outcome.allocations) == 4
    left = run(url, lambda s: [a.address for a in S.list_allocations(s, pool="cust-a")])
    assert left == ["10.0.0.6"]
    assert_counters_match(url, "cust-a")


def test_every_allocation_and_release_is_audited(url):
    run(url, lambda s: S.allocate_ip(s, "cust-a", "1", "c"))
    run(url, lambda s: S.release_ip(s, "10.0.0.2", "cust-a"))

    events = run(url, lambda s: AuditService.list_events(s, object_name="10.0.0.2"))
    assert [e.action for e in events] == ["ip.release", "ip.allocate"]
    assert events[0].details["pool"] == "cust-a" and events[0].details["owner"] == "c 1"


@pytest.mark.parametrize(
    ("network", "gateway", "error", "words"),
    [
        ("10.0.0.0/33", None, ValidationError, "is not a valid CIDR"),
        ("banana", None, ValidationError, "has no prefix length"),
        ("10.9.0.1/24", None, ValidationError, "has host bits set; use 10.9.0.0/24"),
        ("10.9.0.0/24", "10.8.0.1", ValidationError, "gateway 10.8.0.1 is outside pool"),
        ("10.0.0.128/25", None, ConflictError, "overlaps pool 'cust-a' (10.0.0.0/24)"),
    ],
)
def test_bad_pools_get_one_sentence(url, network, gateway, error, words):
    with pytest.raises(error, match=re.escape(words)):
        run(url, lambda s: S.create_pool(s, "new", network, "customer", gateway=gateway))


def test_pools_may_overlap_across_vrfs_and_release_then_needs_a_pool(url):
    run(url, lambda s: S.create_pool(s, "cust-b", "10.0.0.0/24", "customer", vrf="blue"))
    run(url, lambda s: S.allocate_ip(s, "cust-a", "1", "c", address="10.0.0.9"))
    run(url, lambda s: S.allocate_ip(s, "cust-b", "1", "c", address="10.0.0.9"))

    with pytest.raises(ConflictError, match=r"several pools .*'cust-a', 'cust-b'.*name the pool"):
        run(url, lambda s: S.release_ip(s, "10.0.0.9"))
    assert run(url, lambda s: S.release_ip(s, "10.0.0.9", "cust-b")).changed


def test_unknown_pool_and_device_are_named(url):
    with pytest.raises(NotFoundError, match="pool 'nope' is not in the store"):
        run(url, lambda s: S.allocate_ip(s, "nope", "1", "c"))
    with pytest.raises(NotFoundError, match="device 'r9' is not in the store"):
        run(url, lambda s: S.allocate_ip(s, "cust-a", "1", "c", device="r9"))


def test_allocation_links_a_device_and_interface(url):
    run(url, lambda s: s.add(Device(name="r1", hostname="r1.lab")))
    run(url, lambda s: S.allocate_ip(s, "cust-a", "r1", "device", device="r1", interface="Gi0/1"))

    found = run(url, lambda s: S.allocation_dicts(s, S.list_allocations(s, device="r1")))
    assert [(f["address"], f["device"], f["interface"]) for f in found] == [
        ("10.0.0.2", "r1", "Gi0/1")
    ]
    assert found[0]["cidr"] == "10.0.0.2/24" and found[0]["gateway"] == "10.0.0.1"


def test_reserved_status_counts_as_reserved(url):
    run(url, lambda s: S.allocate(s, "cust-a", Request("ops", "plan", status="reserved")))

    usage = run(url, lambda s: S.get_pool_usage(s, "cust-a"))
    assert (usage.allocated, usage.reserved) == (0, 9)
    assert_counters_match(url, "cust-a")


@pytest.mark.parametrize(
    ("network", "pool_type", "first", "free"),
    [
        ("10.5.0.0/31", "p2p", "10.5.0.0", 2),
        ("10.5.0.7/32", "customer", "10.5.0.7", 1),
        ("10.5.0.0/30", "customer", "10.5.0.1", 2),
        ("10.6.0.0/24", "loopback", "10.6.0.0", 256),
    ],
)
def test_which_pools_keep_network_and_broadcast(store_url, network, pool_type, first, free):
    run(store_url, lambda s: S.create_pool(s, "p", network, pool_type))

    assert run(store_url, lambda s: S.get_pool_usage(s, "p")).free == free
    assert run(store_url, lambda s: S.allocate_ip(s, "p", "1", "c")).address == first


def test_ipv6_pools_are_exact_and_never_enumerated(store_url):
    run(store_url, lambda s: S.create_pool(s, "v6", "2001:db8::/48", "customer"))
    far = "2001:db8:0:ffff:ffff:ffff:ffff:fffe"
    run(store_url, lambda s: S.allocate(s, "v6", Request("c", "far", address=far)))
    low = run(store_url, lambda s: S.allocate(s, "v6", Request("c", "1", count=3)))

    assert [a.address for a in low.allocations] == ["2001:db8::1", "2001:db8::2", "2001:db8::3"]
    usage = run(store_url, lambda s: S.get_pool_usage(s, "v6"))
    assert usage.size == 2**80 and usage.free == 2**80 - 5
    assert_counters_match(store_url, "v6")


def test_child_prefixes_are_first_free_aligned_and_idempotent(store_url):
    run(store_url, lambda s: S.create_pool(s, "agg", "10.8.0.0/24", "container"))
    link = run(store_url, lambda s: S.allocate_prefix(s, "agg", 31, "r1-r2", "link"))
    block = run(store_url, lambda s: S.allocate_prefix(s, "agg", 29, "7", "customer"))
    again = run(store_url, lambda s: S.allocate_prefix(s, "agg", 29, "7", "customer"))

    assert link.allocations[0].address == "10.8.0.0"
    assert block.allocations[0].address == "10.8.0.8" and not again.changed
    with pytest.raises(ValidationError, match=r"not aligned on /29; use 10\.8\.0\.16/29"):
        run(store_url, lambda s: S.allocate_prefix(s, "agg", 29, "8", prefix="10.8.0.20/29"))
    with pytest.raises(ConflictError, match="already allocated to customer 7"):
        run(store_url, lambda s: S.allocate_prefix(s, "agg", 29, "8", prefix="10.8.0.8/29"))
    assert run(store_url, lambda s: S.release_prefix(s, "10.8.0.8/29")).changed
    assert_counters_match(store_url, "agg")


def test_no_room_for_a_child_prefix(store_url):
    run(store_url, lambda s: S.create_pool(s, "agg", "10.8.0.0/28", "container"))
    run(store_url, lambda s: S.allocate_prefix(s, "agg", 31, "a", "link"))

    with pytest.raises(ExhaustedError, match="pool 'agg' has no free /28 left"):
        run(store_url, lambda s: S.allocate_prefix(s, "agg", 28, "b", "link"))
    with pytest.raises(ValidationError, match=r"prefix length /24 does not fit in pool 'agg'"):
        run(store_url, lambda s: S.allocate_prefix(s, "agg", 24, "b", "link"))


def test_delete_refuses_a_pool_in_use_unless_forced(url):
    run(url, lambda s: S.allocate_ip(s, "cust-a", "1", "c"))

    with pytest.raises(ConflictError, match="still holds 1 allocation"):
        run(url, lambda s: S.delete_pool(s, "cust-a"))
    assert run(url, lambda s: S.delete_pool(s, "cust-a", force=True)) is not None
    assert run(url, lambda s: S.delete_pool(s, "cust-a")) is None
    assert run(url, lambda s: S.list_allocations(s)) == []


def test_update_changes_exclusions_but_not_over_allocations(url):
    run(url, lambda s: S.allocate_ip(s, "cust-a", "1", "c"))

    with pytest.raises(ConflictError, match=r"cannot reserve 10\.0\.0\.2: it is allocated"):
        run(url, lambda s: S.update_pool(s, "cust-a", reserved_ranges=["10.0.0.2-10.0.0.9"]))
    _, changed = run(url, lambda s: S.update_pool(s, "cust-a", reserved_ranges=["10.0.0.3"]))
    assert changed == ["reserved_ranges"]
    assert run(url, lambda s: S.allocate_ip(s, "cust-a", "2", "c")).address == "10.0.0.4"
    assert_counters_match(url, "cust-a")
    with pytest.raises(ConflictError, match="network cannot change"):
        run(url, lambda s: S.update_pool(s, "cust-a", network="10.0.0.0/23"))
