"""Reading one device: NAPALM records cleaned, duplex and octets from one IOS command."""

from __future__ import annotations

from ansible_collections.isp.network.plugins.module_utils.errors import DeviceError
from ansible_collections.isp.network.plugins.module_utils.topology import reading
from ansible_collections.isp.network.plugins.module_utils.topology.reading import (
    Reading,
    Target,
    fill_reading,
    parse_interface_lines,
    read_device,
)

IOS_LINES = """GigabitEthernet1/0/3 is up, line protocol is up
  Full Duplex, 100Mbps, link type is auto, media type is SFP
     10 packets input, 7000 bytes, 0 no buffer
     20 packets output, 14000 bytes, 0 underruns
Te1/1/1 is administratively down, line protocol is down
  Half-duplex, 10Gb/s
"""


class FakeDriver:
    def get_lldp_neighbors_detail(self):
        return {
            "Gi1/0/3": [
                {
                    "remote_system_name": "acc3\x1b[2J",
                    "remote_chassis_id": "00:1c:00:00:00:03",
                    "remote_port": "Gi1/0/49",
                    "remote_system_enable_capab": ["bridge"],
                }
            ]
        }

    def get_interfaces(self):
        return {"GigabitEthernet1/0/3": {"speed": 100.0, "mtu": 1500, "is_up": True}}

    def cli(self, commands):
        return {commands[0]: IOS_LINES}


def test_one_ios_command_gives_duplex_and_octets():
    found = parse_interface_lines(IOS_LINES)
    assert found["GigabitEthernet1/0/3"] == {"duplex": "full", "rx": 7000, "tx": 14000}
    assert found["TenGigabitEthernet1/1/1"] == {"duplex": "half"}


def test_fill_reading_normalises_and_cleans():
    result = Reading(device_id=1, name="agg2b", platform="ios")
    fill_reading(result, FakeDriver())

    [neighbor] = result.neighbors
    assert neighbor.local_interface == "GigabitEthernet1/0/3"
    assert neighbor.system_name == "acc3[2J"
    port = result.interfaces["GigabitEthernet1/0/3"]
    assert (port["speed"], port["duplex"], port["rx_octets"]) == (100, "full", 7000)


def test_a_device_error_becomes_the_reading_error(monkeypatch):
    from ansible_collections.isp.network.plugins.module_utils.drivers import napalm

    def refuse(*args, **kwargs):
        raise DeviceError("device 'x' (h:22) could not be reached (OSError); check it")

    monkeypatch.setattr(napalm, "open_device", refuse)
    result = read_device(Target(id=1, name="x", hostname="h", platform="ios"))
    assert result.error.startswith("device 'x' (h:22) could not be reached")
    assert reading.Reading is Reading
