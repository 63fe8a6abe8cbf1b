"""What bench_config renders: the two example templates and the variables of N devices.

``templates/ios/base.j2`` (identity, management, services) and ``templates/ios/edge.j2``
(an edge router with 8 interfaces, OSPF, prefix lists and 4 BGP neighbours). Each device's
variables give every variable of the template's schema, so that a bare render, with no
defaults filled in, renders the same text as the service.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "ios" / "base.j2"
EDGE = ROOT / "templates" / "ios" / "edge.j2"
# count, run -> device name -> variables; ``run`` changes the banner, so each run is new.
Variables = Callable[[int, int], dict[str, dict[str, Any]]]


def base_variables(count: int, run: int = 0) -> dict[str, dict[str, Any]]:
    # Every variable of the schema given, so the bare baseline renders the same text.
    return {
        f"r{i}": {
            "hostname": f"r{i}",
            "domain": "bench.example.net",
            "loopback0": f"10.255.{i // 250}.{i % 250 + 1}",
            "loopback0_description": "router-id",
            "mgmt_interface": "GigabitEthernet0/0",
            "mgmt_description": "management",
            "mgmt_address": f"192.0.{i // 250 % 256}.{i % 250 + 1}",
            "mgmt_netmask": "255.255.255.0",
            "ntp_servers": ["192.0.2.123", "192.0.2.124"],
            "syslog_servers": ["192.0.2.50"],
            "snmp_location": f"site {i % 40}",
            "banner": f"bench run {run}",
        }
        for i in range(count)
    }


def edge_variables(count: int, run: int = 0) -> dict[str, dict[str, Any]]:
    # An edge router: 4 core links in OSPF, 4 customer ports, 2 route reflectors, 2 customers.
    # Every variable of the schema given, so the bare baseline renders the same text.
    devices = {}
    for i in range(count):
        high, low = i // 250 % 256, i % 250
        core = [
            {
                "name": f"GigabitEthernet0/{port}",
                "description": f"core link {port}",
                "address": f"10.{port}.{high}.{low * 2 % 256}/31",
                "mtu": 9000,
                "ospf_cost": 10 * port,
            }
            for port in range(1, 5)
        ]
        customers = [
            {
                "name": f"GigabitEthernet1/{port}",
                "description": f"customer {i}-{port}",
                "address": f"100.64.{high}.{low % 64 * 4 + 1}/30",
            }
            for port in range(4)
        ]
        reflectors = [
            {
                "address": f"10.255.255.{k}",
                "asn": 64500,
                "description": f"rr{k}",
                "update_source": "Loopback0",
            }
            for k in (1, 2)
        ]
        peers = [
            {
                "address": f"100.64.{high}.{low % 64 * 4 + 2}",
                "asn": 65000 + k,
                "description": f"customer {k}",
                "prefix_list_in": "CUSTOMER-IN",
                "prefix_list_out": "DEFAULT-ONLY",
            }
            for k in range(2)
        ]
        devices[f"r{i}"] = {
            "hostname": f"r{i}",
            "domain": "bench.example.net",
            "name_servers": ["192.0.2.53", "192.0.2.54"],
            "timezone": "UTC",
            "tacacs_servers": [
                {"name": "tac1", "address": "192.0.2.10"},
                {"name": "tac2", "address": "192.0.2.11"},
            ],
            "mgmt_networks": ["192.0.2.0/24", "198.51.100.0/24"],
            "loopback0": f"10.255.{high}.{low + 1}",
            "ospf_process": 1,
            "interfaces": core + customers,
            "prefix_lists": {
                "CUSTOMER-IN": [f"permit 203.0.{k}.0/24" for k in range(4)],
                "DEFAULT-ONLY": ["permit 0.0.0.0/0"],
            },
            "bgp_asn": 64500,
            "bgp_neighbors": reflectors + peers,
            "ntp_servers": ["192.0.2.123", "192.0.2.124"],
            "syslog_servers": ["192.0.2.50"],
            "snmp_location": f"site {i % 40}",
            "snmp_contact": "noc@example.net",
            "banner": f"bench run {run}",
        }
    return devices


def sandbox(path: Path) -> Any:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from ansible_collections.isp.network.plugins.module_utils.services.config_filters import (
        FILTERS,
    )

    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True
    )
    env.filters.update(FILTERS)
    return env.from_string(path.read_text())


def rendered_lines(path: Path, variables: Variables) -> int:
    return len(sandbox(path).render(variables(1, 0)["r0"]).splitlines())
