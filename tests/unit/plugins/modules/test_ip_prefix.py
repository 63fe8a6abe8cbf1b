"""isp.network.ip_prefix, run in-process as Ansible runs it."""

from __future__ import annotations

import pytest

from tests.module_runner import run_module

LINK = {"pool": "links", "prefix_length": 31, "assigned_to_type": "link", "assigned_to_id": "a-b"}


@pytest.fixture
def store(tmp_path, monkeypatch) -> str:
    """A store with the container pool links (10.255.0.0/28)."""
    url = f"sqlite:///{tmp_path / 'modules.db'}"
    monkeypatch.setenv("ISP_NETWORK_STORE_URL", url)
    run_module("ip_pool", {"name": "links", "network": "10.255.0.0/28", "pool_type": "container"})
    return url


def test_allocate_a_link_prefix_idempotently(store):
    first = run_module("ip_prefix", LINK)
    again = run_module("ip_prefix", LINK)

    assert first["changed"] and first["prefix"]["cidr"] == "10.255.0.0/31"
    assert first["msg"] == "prefix 10.255.0.0/31 allocated to link a-b from pool 'links'"
    assert not again["changed"] and again["prefix"]["cidr"] == "10.255.0.0/31"


def test_check_mode_predicts_the_first_aligned_block(store):
    run_module("ip_prefix", LINK)
    block = {**LINK, "prefix_length": 29, "assigned_to_id": "c"}

    predicted = run_module("ip_prefix", block, check_mode=True)
    assert predicted["prefix"]["cidr"] == "10.255.0.8/29"
    assert run_module("ip_prefix", block)["prefix"]["cidr"] == "10.255.0.8/29"


def test_specific_prefix_and_release(store):
    run_module("ip_prefix", {**LINK, "prefix": "10.255.0.4/31"})
    released = run_module(
        "ip_prefix", {"pool": "links", "state": "absent", "prefix": "10.255.0.4/31"}
    )
    again = run_module("ip_prefix", {"pool": "links", "state": "absent", "prefix": "10.255.0.4/31"})

    assert released["result"] == "released" and [p["cidr"] for p in released["released"]] == [
        "10.255.0.4/31"
    ]
    assert again["result"] == "already released"


def test_release_by_owner_and_length(store):
    run_module("ip_prefix", {**LINK, "count": 2})
    result = run_module("ip_prefix", {**LINK, "state": "absent"})

    assert [p["cidr"] for p in result["released"]] == ["10.255.0.0/31", "10.255.0.2/31"]


@pytest.mark.parametrize(
    ("args", "msg"),
    [
        (
            {"prefix_length": None},
            "a child prefix from pool 'links' needs prefix_length (or a prefix)",
        ),
        (
            {"prefix_length": 28, "prefix": None, "assigned_to_id": "x", "count": 2},
            "pool 'links' has room for fewer than the 2 /28 prefixes asked for (0 of 16 "
            "addresses used); ask for fewer, extend it or release prefixes",
        ),
        (
            {"prefix_length": 24},
            "prefix length /24 does not fit in pool 'links' (10.255.0.0/28); use /28 to /32",
        ),
        (
            {"prefix": "10.255.0.3/31"},
            "prefix 10.255.0.3/31 is not aligned on /31; use 10.255.0.2/31",
        ),
        (
            {"prefix": "10.255.1.0/31"},
            "/31 prefix 10.255.1.0 is outside pool 'links' (10.255.0.0/28); choose an address "
            "inside 10.255.0.0/28",
        ),
        (
            {"count": 9},
            "pool 'links' has room for fewer than the 9 /31 prefixes asked for (0 of 16 "
            "addresses used); ask for fewer, extend it or release prefixes",
        ),
        (
            {"state": "absent", "assigned_to_type": None, "assigned_to_id": None},
            "releasing from pool 'links' needs the prefix, or assigned_to_type and assigned_to_id",
        ),
    ],
)
def test_bad_input_fails_with_one_sentence(store, args, msg):
    result = run_module("ip_prefix", {**LINK, **args}, expect_failure=True)

    assert result["msg"] == msg
