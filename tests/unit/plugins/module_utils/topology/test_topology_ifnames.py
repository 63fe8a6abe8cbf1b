"""Interface names normalised per platform, so that both ends of a link agree."""

from __future__ import annotations

import pytest

from ansible_collections.isp.network.plugins.module_utils.topology.ifnames import (
    normalise,
    same_interface,
)

CASES = [
    ("ios", "Gi0/1", "GigabitEthernet0/1"),
    ("ios", "gi0/1", "GigabitEthernet0/1"),
    ("ios", "Gig 1/0/1", "GigabitEthernet1/0/1"),
    ("ios", "GigabitEthernet0/0/0", "GigabitEthernet0/0/0"),
    ("ios", "Te1/1/1", "TenGigabitEthernet1/1/1"),
    ("ios", "Twe1/0/1", "TwentyFiveGigE1/0/1"),
    ("ios", "Fo1/0/1", "FortyGigabitEthernet1/0/1"),
    ("ios", "Hu0/0/1/0", "HundredGigE0/0/1/0"),
    ("ios", "Fa0/1", "FastEthernet0/1"),
    ("ios", "Eth0/1", "Ethernet0/1"),
    ("ios", "Po10", "Port-channel10"),
    ("ios", "Lo0", "Loopback0"),
    ("ios", "Vl100", "Vlan100"),
    ("ios", "Mgmt0", "Management0"),
    ("ios", "Gi1/0/1.100", "GigabitEthernet1/0/1.100"),
    ("ios", "TenGig1/1/1", "TenGigabitEthernet1/1/1"),
    ("ios", "eth0", "Ethernet0"),
    ("ios", "not-a-port", "not-a-port"),
    ("iosxr", "Te0/0/0/1", "TenGigE0/0/0/1"),
    ("iosxr", "BE10", "Bundle-Ether10"),
    ("nxos", "Eth1/1", "Ethernet1/1"),
    ("nxos_ssh", "Po20", "port-channel20"),
    ("eos", "Et1", "Ethernet1"),
    ("eos", "Ma1", "Management1"),
    ("junos", "ge-0/0/0", "ge-0/0/0"),
    ("junos", "xe-1/0/0.0", "xe-1/0/0.0"),
    (None, "Gi0/1", "GigabitEthernet0/1"),
    ("unknown_driver", "Te1/1", "TenGigabitEthernet1/1"),
]


@pytest.mark.parametrize(("platform", "given", "expected"), CASES)
def test_normalise(platform, given, expected):
    assert normalise(given, platform) == expected


def test_both_spellings_of_one_port_are_the_same_interface():
    assert same_interface("Gi0/1", "GigabitEthernet0/1")
    assert not same_interface("Gi0/1", "Gi0/2")
