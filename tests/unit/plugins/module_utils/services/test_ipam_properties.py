"""Random sequences of allocate / allocate-specific / release never break the pool's promises.

For every sequence: no address is held twice, no forbidden address (network, broadcast,
gateway, reserved range) is ever handed out, the next free address is always the lowest
free one, and the O(1) usage counters equal a recount of the rows.
"""

from __future__ import annotations

import ipaddress
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.isp.network.plugins.module_utils.errors import (
    ConflictError,
    ExhaustedError,
)
from ansible_collections.isp.network.plugins.module_utils.services.ipam import (
    IPPoolService,
    Request,
)
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope

S = IPPoolService
POOLS = {
    "v4": ("10.20.0.0/27", "10.20.0.1", "10.20.0.10-10.20.0.12"),
    "v6": ("2001:db8:20::/123", "2001:db8:20::1", "2001:db8:20::10-2001:db8:20::12"),
}
OWNERS = st.sampled_from(["a", "b", "c", "d", "e"])
OFFSETS = st.integers(min_value=0, max_value=31)
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("allocate"), OWNERS, st.integers(min_value=1, max_value=4)),
        st.tuples(st.just("specific"), OWNERS, OFFSETS),
        st.tuples(st.just("release"), OFFSETS, st.none()),
        st.tuples(st.just("release_owner"), OWNERS, st.none()),
    ),
    max_size=25,
)
_names = itertools.count()
# The forbidden addresses of each pool the test created, by pool name.
_forbidden_of: dict[str, set[str]] = {}


def _forbidden(network, gateway, reserved):
    first, _, last = reserved.partition("-")
    values = set(range(int(ipaddress.ip_address(first)), int(ipaddress.ip_address(last)) + 1))
    values.add(int(ipaddress.ip_address(gateway)))
    values.add(int(network.network_address))
    if network.version == 4:
        values.add(int(network.broadcast_address))
    return {str(ipaddress.ip_address(value)) for value in values}


def _apply(session, pool, network, step, model):
    """Run one step on the store and on ``model`` (address -> (owner, count asked))."""
    kind, arg, extra = step
    if kind == "allocate":
        held = sorted((a for a, o in model.items() if o == arg), key=ipaddress.ip_address)
        if len(held) >= extra:
            outcome = S.allocate(session, pool, Request("t", arg, count=extra))
            assert not outcome.changed
            assert [a.address for a in outcome.allocations] == held[:extra]
            return
        try:
            outcome = S.allocate(session, pool, Request("t", arg, count=extra))
        except ExhaustedError:
            return
        new = [a.address for a in outcome.new]
        free = sorted(
            (a for a in map(str, network) if a not in model and a not in _forbidden_of[pool]),
            key=ipaddress.ip_address,
        )
        assert new == free[: len(new)], "allocation must take the lowest free addresses"
        model.update(dict.fromkeys(new, arg))
    elif kind == "specific":
        address = str(network[extra])
        try:
            S.allocate(session, pool, Request("t", arg, address=address))
        except ConflictError:
            assert address in model or address in _forbidden_of[pool]
            return
        assert model.get(address, arg) == arg and address not in _forbidden_of[pool]
        model[address] = arg
    elif kind == "release":
        address = str(network[arg])
        assert S.release_ip(session, address, pool).changed == (address in model)
        model.pop(address, None)
    else:
        S.release_owner(session, pool, arg, "t")
        for address in [a for a, o in model.items() if o == arg]:
            del model[address]


@pytest.mark.parametrize("family", sorted(POOLS))
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_random_sequences_keep_every_promise(sqlite_url, family, steps):
    cidr, gateway, reserved = POOLS[family]
    pool = f"p{next(_names)}"
    network = ipaddress.ip_network(cidr)
    _forbidden_of[pool] = _forbidden(network, gateway, reserved)
    with session_scope(sqlite_url) as session:
        S.create_pool(
            session,
            pool,
            cidr,
            "customer",
            gateway=gateway,
            reserved_ranges=[reserved],
            vrf=pool,
        )
    model: dict[str, str] = {}

    for step in steps:
        with session_scope(sqlite_url) as session:
            _apply(session, pool, network, step, model)

    with session_scope(sqlite_url, write=False) as session:
        held = [a.address for a in S.list_allocations(session, pool=pool)]
        usage = S.get_pool_usage(session, pool)
        counted = S.recount(session, pool)
    assert len(held) == len(set(held)), "an address is held twice"
    assert not set(held) & _forbidden_of[pool], "a forbidden address was handed out"
    assert set(held) == set(model)
    assert usage.allocated == counted["allocated"] == len(model)
    assert (
        usage.free
        == counted["free"]
        == network.num_addresses - len(_forbidden_of[pool]) - len(model)
    )
