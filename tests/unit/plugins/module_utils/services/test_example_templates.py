"""The example templates shipped under templates/: they publish, check and render as documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError
from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
    ConfigurationService as Config,
)

EDGE = Path(__file__).resolve().parents[5] / "templates" / "ios" / "edge.j2"

PE1 = {
    "hostname": "pe1",
    "domain": "isp.example.net",
    "name_servers": ["192.0.2.53"],
    "tacacs_servers": [{"name": "tac1", "address": "192.0.2.10"}],
    "mgmt_networks": ["192.0.2.0/24", "198.51.100.128/25"],
    "loopback0": "10.255.0.1",
    "interfaces": [
        {
            "name": "GigabitEthernet0/1",
            "description": "core p1",
            "address": "10.0.0.1/31",
            "mtu": 9000,
            "ospf_cost": 10,
        },
        {"name": "GigabitEthernet0/2", "description": "customer acme", "address": "100.64.0.1/30"},
        {"name": "GigabitEthernet0/3", "shutdown": True},
    ],
    "prefix_lists": {
        "DEFAULT-ONLY": ["permit 0.0.0.0/0"],
        "ACME-IN": ["permit 203.0.113.0/24", "deny 0.0.0.0/0 le 32"],
    },
    "bgp_asn": 64500,
    "bgp_neighbors": [
        {
            "address": "10.255.0.100",
            "asn": 64500,
            "description": "rr1",
            "update_source": "Loopback0",
        },
        {
            "address": "100.64.0.2",
            "asn": 65001,
            "description": "acme",
            "prefix_list_in": "ACME-IN",
            "prefix_list_out": "DEFAULT-ONLY",
        },
    ],
    "ntp_servers": ["192.0.2.123"],
    "snmp_location": "pop1",
}


@pytest.fixture
def edge(session):
    template, _created = Config.create_template_from_file(session, EDGE)
    return template


def test_edge_template_publishes_with_its_sidecar(edge):
    assert (edge.name, edge.version, edge.device_type, edge.platform) == (
        "ios-edge",
        "1.0.0",
        "router",
        "ios",
    )
    assert edge.variables["mgmt_networks"]["required"] is True
    assert edge.variables["bgp_asn"] == {
        "type": "int",
        "required": True,
        "description": "The local autonomous system.",
    }


def test_edge_template_renders_an_edge_router(edge):
    lines = Config.render(edge, PE1).content.splitlines()

    def block(start: str) -> list[str]:
        begin = lines.index(start)
        end = next(
            (i for i in range(begin + 1, len(lines)) if not lines[i].startswith(" ")), len(lines)
        )
        return lines[begin:end]

    assert block("ip access-list standard MGMT-ACCESS") == [
        "ip access-list standard MGMT-ACCESS",
        " permit 192.0.2.0 0.0.0.255",
        " permit 198.51.100.128 0.0.0.127",
        " deny any log",
    ]
    assert block("interface GigabitEthernet0/1") == [
        "interface GigabitEthernet0/1",
        " description core p1",
        " ip address 10.0.0.1 255.255.255.254",
        " mtu 9000",
        " ip ospf 1 area 0",
        " ip ospf cost 10",
        " ip ospf network point-to-point",
        " no shutdown",
    ]
    assert block("interface GigabitEthernet0/3") == [
        "interface GigabitEthernet0/3",
        " no ip address",
        " mtu 1500",
        " shutdown",
    ]
    assert block("router ospf 1") == [
        "router ospf 1",
        " router-id 10.255.0.1",
        " passive-interface default",
        " no passive-interface GigabitEthernet0/1",
    ]
    # Prefix lists come out by name, their entries numbered in the order given.
    assert [line for line in lines if line.startswith("ip prefix-list")] == [
        "ip prefix-list ACME-IN seq 10 permit 203.0.113.0/24",
        "ip prefix-list ACME-IN seq 20 deny 0.0.0.0/0 le 32",
        "ip prefix-list DEFAULT-ONLY seq 10 permit 0.0.0.0/0",
    ]
    bgp = block("router bgp 64500")
    assert " neighbor 10.255.0.100 update-source Loopback0" in bgp
    assert bgp[bgp.index(" address-family ipv4") :] == [
        " address-family ipv4",
        "  neighbor 10.255.0.100 activate",
        "  neighbor 100.64.0.2 activate",
        "  neighbor 100.64.0.2 prefix-list ACME-IN in",
        "  neighbor 100.64.0.2 prefix-list DEFAULT-ONLY out",
        " exit-address-family",
    ]
    assert "tacacs server tac1" in lines
    assert "clock timezone UTC 0" in lines
    assert "snmp-server location pop1" in lines
    # Empty optional values leave their lines out.
    assert not [line for line in lines if line.startswith(("snmp-server contact", "banner"))]


def test_edge_template_without_tacacs_logs_in_locally(edge):
    variables = {key: PE1[key] for key in ("hostname", "domain", "mgmt_networks", "loopback0")}
    lines = Config.render(edge, {**variables, "bgp_asn": 64500}).content.splitlines()

    assert "aaa authentication login default local" in lines
    assert not [line for line in lines if "tacacs" in line]


def test_edge_template_names_bad_and_missing_values(edge):
    with pytest.raises(ValidationError) as raised:
        Config.render(edge, {**PE1, "loopback0": "10.255.0.300", "bgp_asn": None})

    assert str(raised.value) == (
        "template 'ios-edge' version 1.0.0: variable 'loopback0': '10.255.0.300' is not a valid "
        "IPv4 address; variable 'bgp_asn' is required and was not given"
    )


def test_edge_template_names_a_bad_interface_address(edge):
    broken = {**PE1, "interfaces": [{"name": "GigabitEthernet0/9", "address": "10.0.0.1/33"}]}

    with pytest.raises(ValidationError, match=r"cidr_to_ip: '10\.0\.0\.1/33' is not an address"):
        Config.render(edge, broken)


def test_the_whole_templates_folder_publishes_with_its_sidecars(session):
    published = Config.create_templates_from_folder(session, EDGE.parents[1])

    assert [(t.name, t.version, t.platform, created) for t, created in published] == [
        ("ios-base", "1.0.0", "ios", True),
        ("ios-edge", "1.0.0", "ios", True),
    ]
    # Relative to the checkout in a git clone, absolute elsewhere.
    assert [t.source_path[-21:] for t, _created in published] == [
        "templates/ios/base.j2",
        "templates/ios/edge.j2",
    ]
