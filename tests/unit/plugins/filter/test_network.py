"""The network filters, through the Ansible filter plugin and as plain functions."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.isp.network.plugins.filter import network
from ansible_collections.isp.network.plugins.filter.network import FilterModule
from tools import collection_meta as meta

FILTERS = FilterModule().filters()
PLUGIN_DIR = Path(__file__).resolve().parents[4] / "plugins" / "filter"

GOOD = [
    ("prefix_to_netmask", (24,), "255.255.255.0"),
    ("prefix_to_netmask", ("/30",), "255.255.255.252"),
    ("prefix_to_netmask", ("10.0.0.0/8",), "255.0.0.0"),
    ("prefix_to_netmask", (0,), "0.0.0.0"),
    ("netmask_to_prefix", ("255.255.255.0",), 24),
    ("netmask_to_prefix", ("255.255.255.255",), 32),
    ("wildcard_mask", (24,), "0.0.0.255"),
    ("wildcard_mask", ("255.255.255.252",), "0.0.0.3"),
    ("ip_in_network", ("10.1.2.3", "10.0.0.0/8"), True),
    ("ip_in_network", ("192.0.2.1", "10.0.0.0/8"), False),
    ("ip_in_network", ("2001:db8::1", "2001:db8::/32"), True),
    ("nth_host", ("10.0.0.0/24", 1), "10.0.0.1"),
    ("nth_host", ("10.0.0.0/24", -2), "10.0.0.254"),
    ("nth_host", ("2001:db8::/64", 1), "2001:db8::1"),
    ("network_address", ("10.0.0.5/24",), "10.0.0.0"),
    ("broadcast_address", ("10.0.0.5/24",), "10.0.0.255"),
    ("broadcast_address", ("10.0.0.5/32",), "10.0.0.5"),
    ("cidr_to_ip", ("10.0.0.5/24",), "10.0.0.5"),
    ("cidr_to_netmask", ("10.0.0.5/24",), "255.255.255.0"),
    ("prefix_length", ("10.0.0.5/24",), 24),
    ("ip_with_prefix", ("10.0.0.5", "255.255.255.0"), "10.0.0.5/24"),
    ("ip_with_prefix", ("10.0.0.5", 24), "10.0.0.5/24"),
    ("ip_with_prefix", ("2001:db8::1", 64), "2001:db8::1/64"),
    ("ip_version", ("2001:db8::1",), 6),
    ("ip_version", ("10.0.0.0/8",), 4),
]

BAD = [
    ("prefix_to_netmask", (33,), "is not a prefix length from 0 to 32"),
    ("prefix_to_netmask", ("x",), "is not a prefix length"),
    ("netmask_to_prefix", ("255.0.255.0",), "is not an IPv4 netmask"),
    ("netmask_to_prefix", ("nope",), "is not an IP address"),
    ("ip_in_network", ("10.0.0.1", "10.0.0.0/40"), "is not an address or network"),
    ("nth_host", ("10.0.0.0/30", 4), "is not an index inside 10.0.0.0/30 (4 addresses)"),
    ("nth_host", ("10.0.0.0/30", "x"), "is not an index"),
    ("broadcast_address", ("2001:db8::/64",), "has no broadcast"),
    ("ip_with_prefix", ("10.0.0.5", 40), "is not a prefix length from 0 to 32"),
    ("ip_with_prefix", ("2001:db8::1", 129), "is not a prefix length from 0 to 128"),
    ("wildcard_mask", ("2001:db8::/64",), "'2001:db8::/64' is an IPv6 network where an IPv4"),
    ("prefix_to_netmask", ("2001:db8::/64",), "is an IPv6 network where an IPv4 one is needed"),
    ("prefix_to_netmask", ("255.0.255.0",), "'255.0.255.0' is not an IPv4 netmask"),
    ("wildcard_mask", ("255.0.255.0",), "'255.0.255.0' is not an IPv4 netmask"),
    ("wildcard_mask", ("9" * 5000,), "is not a prefix length from 0 to 32"),
    ("ip_with_prefix", ("10.0.0.1", "2001:db8::/64"), "do not mix address families"),
    ("ip_with_prefix", ("2001:db8::1", "10.0.0.0/24"), "do not mix address families"),
    ("ip_with_prefix", ("2001:db8::1", "255.255.255.0"), "is a netmask where an IPv6 prefix"),
    ("nth_host", ("10.0.0.0/24", "9" * 5000), "is not an index inside 10.0.0.0/24"),
]


def test_every_filter_has_a_case_and_a_sidecar_doc():
    assert {case[0] for case in GOOD} == set(FILTERS)
    for name in FILTERS:
        doc = yaml.safe_load((PLUGIN_DIR / f"{name}.yml").read_text())
        assert doc["DOCUMENTATION"]["name"] == name
        assert doc["DOCUMENTATION"]["version_added"] == "0.1.0"
        assert f"isp.network.{name}" in doc["EXAMPLES"]
        assert doc["RETURN"]["_value"]["type"]
        assert doc["DOCUMENTATION"]["author"] == [meta.AUTHOR]


def test_filter_names_are_known_without_netaddr():
    assert sorted(network.FILTER_NAMES) == sorted(FILTERS)


def test_without_netaddr_the_filters_load_and_fail_when_used(monkeypatch):
    monkeypatch.setattr(network, "IMPORT_ERROR", ImportError("No module named 'netaddr'"))
    filters = FilterModule().filters()

    assert sorted(filters) == sorted(FILTERS)
    with pytest.raises(AnsibleFilterError, match=r"^nth_host: .* need the Python library netaddr"):
        filters["nth_host"]("10.0.0.0/24", 1)


@pytest.mark.parametrize(("name", "args", "expected"), GOOD)
def test_filters_return_the_expected_value(name, args, expected):
    assert FILTERS[name](*args) == expected


@pytest.mark.parametrize(("name", "args", "sentence"), BAD)
def test_bad_input_raises_a_filter_error_naming_the_filter(name, args, sentence):
    with pytest.raises(AnsibleFilterError) as raised:
        FILTERS[name](*args)

    assert str(raised.value).startswith(f"{name}: ")
    assert sentence in str(raised.value)


def test_a_value_used_by_many_filters_gives_each_its_own_answer():
    # Parsed values are remembered by their text: using one through every filter, in any
    # order and again, gives the same answers, and a bad value fails every time.
    address = "10.20.30.41/29"
    first = [FILTERS[name](address) for name in ("cidr_to_ip", "cidr_to_netmask", "prefix_length")]
    answers = [
        FILTERS["network_address"](address),
        FILTERS["broadcast_address"](address),
        FILTERS["nth_host"](address, -1),
        FILTERS["ip_in_network"]("10.20.30.47", address),
        FILTERS["wildcard_mask"](address),
    ]
    again = [FILTERS[name](address) for name in ("cidr_to_ip", "cidr_to_netmask", "prefix_length")]

    assert first == again == ["10.20.30.41", "255.255.255.248", 29]
    assert answers == ["10.20.30.40", "10.20.30.47", "10.20.30.47", True, "0.0.0.7"]
    for name in ("cidr_to_ip", "cidr_to_netmask"):
        with pytest.raises(AnsibleFilterError, match=rf"^{name}: '10\.0\.0\.1/33' is not"):
            FILTERS[name]("10.0.0.1/33")


def test_a_failure_no_check_foresaw_still_names_the_filter(monkeypatch):
    import netaddr

    from ansible_collections.isp.network.plugins.module_utils.services import config_filters

    def broken(text):
        raise netaddr.AddrFormatError("unexpected")

    monkeypatch.setattr(config_filters, "_parse_net", broken)

    with pytest.raises(AnsibleFilterError) as raised:
        FilterModule().filters()["wildcard_mask"](24)

    assert str(raised.value) == (
        "wildcard_mask: 24 is not a value this filter takes; see "
        "ansible-doc -t filter isp.network.wildcard_mask"
    )
