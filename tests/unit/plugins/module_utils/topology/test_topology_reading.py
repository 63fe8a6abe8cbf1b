"""Reading one device: NAPALM records cleaned; IOS interface facts from one command."""

from __future__ import annotations

from ansible_collections.isp.network.plugins.module_utils.errors import DeviceError
from ansible_collections.isp.network.plugins.module_utils.topology import reading
from ansible_collections.isp.network.plugins.module_utils.topology.reading import (
    Reading,
    Target,
    fill_reading,
    ios_command,
    parse_interface_lines,
    read_device,
)

IOS_LINES = """GigabitEthernet1/0/3 is up, line protocol is up
  Description: to acc3 \x1b[2J is up, line protocol is up
  MTU 1500 bytes, BW 100000 Kbit/sec, DLY 10 usec,
  Full Duplex, 100Mbps, link type is auto, media type is SFP
     10 packets input, 7000 bytes, 0 no buffer
     20 packets output, 14000 bytes, 0 underruns
Te1/1/1 is administratively down, line protocol is down
  MTU 9000 bytes, BW 10 Gbit/sec, DLY 10 usec,
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

    def __init__(self):
        self.calls = []

    def get_interfaces(self):
        self.calls.append("get_interfaces")
        return {"Ethernet1": {"speed": 100.0, "mtu": 1500, "is_up": True}}

    def get_interfaces_counters(self):
        self.calls.append("get_interfaces_counters")
        return {"Ethernet1": {"rx_octets": 5, "tx_octets": 6}}

    def cli(self, commands):
        self.calls.append(commands[0])
        return {commands[0]: IOS_LINES}

    def show(self, command):
        return self.cli([command])[command]


def test_one_ios_command_gives_every_interface_fact():
    found = parse_interface_lines(IOS_LINES)
    assert found["GigabitEthernet1/0/3"] == {
        "is_up": True,
        "description": "to acc3 [2J is up, line protocol is up",
        "mtu": 1500,
        "speed": 100,
        "duplex": "full",
        "rx": 7000,
        "tx": 14000,
    }
    assert found["TenGigabitEthernet1/1/1"] == {
        "is_up": False,
        "mtu": 9000,
        "speed": 10000,
        "duplex": "half",
    }


def test_fill_reading_normalises_and_cleans():
    result = Reading(device_id=1, name="agg2b", platform="ios")
    driver = FakeDriver()
    fill_reading(result, driver)

    [neighbor] = result.neighbors
    assert neighbor.local_interface == "GigabitEthernet1/0/3"
    assert neighbor.system_name == "acc3[2J"
    port = result.interfaces["GigabitEthernet1/0/3"]
    assert (port["speed"], port["duplex"], port["rx_octets"]) == (100, "full", 7000)
    assert driver.calls == [ios_command()]


def test_counters_are_read_only_when_asked():
    for platform, counters, calls in [
        ("ios", False, [ios_command(False)]),
        ("eos", True, ["get_interfaces", "get_interfaces_counters"]),
        ("eos", False, ["get_interfaces"]),
    ]:
        result = Reading(device_id=1, name="agg2b", platform=platform)
        driver = FakeDriver()
        fill_reading(result, driver, counters)
        assert driver.calls == calls
        assert all(("rx_octets" in port) is counters for port in result.interfaces.values())
    assert "packets" not in ios_command(False)


def test_a_device_error_becomes_the_reading_error(monkeypatch):
    from ansible_collections.isp.network.plugins.module_utils.drivers import napalm

    def refuse(*args, **kwargs):
        raise DeviceError("device 'x' (h:22) could not be reached (OSError); check it")

    monkeypatch.setattr(napalm, "open_device", refuse)
    result = read_device(Target(id=1, name="x", hostname="h", platform="ios"))
    assert result.error.startswith("device 'x' (h:22) could not be reached")
    assert reading.Reading is Reading
