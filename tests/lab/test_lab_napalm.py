"""Every NAPALM ios method the collection uses, through the real driver against the lab."""

from __future__ import annotations

import pytest
from napalm.base.exceptions import MergeConfigException, ReplaceConfigException

pytestmark = pytest.mark.lab


def test_get_facts_reports_the_topology_device(napalm_device):
    facts = napalm_device("core1").get_facts()

    assert facts["hostname"] == "core1"
    assert facts["fqdn"] == "core1.isp.example.net"
    assert facts["serial_number"] == "FXS2201Q0C1"
    assert facts["model"] == "ASR1001-X"
    assert "Version 17.09.04a" in facts["os_version"]
    assert "TenGigabitEthernet0/1/0" in facts["interface_list"]
    assert facts["uptime"] >= 0


def test_get_interfaces_reports_speed_mtu_and_description(napalm_device):
    interfaces = napalm_device("agg2b").get_interfaces()

    port = interfaces["GigabitEthernet1/0/3"]
    assert port["speed"] == 100.0
    assert port["is_up"] and port["is_enabled"]
    assert port["description"] == "to acc3 Gi1/0/49"
    assert port["mtu"] == 1500
    assert interfaces["TenGigabitEthernet1/1/1"]["speed"] == 10000.0


def test_get_interfaces_ip_reports_the_management_loopback(napalm_device):
    addresses = napalm_device("core1").get_interfaces_ip()

    assert addresses == {"Loopback0": {"ipv4": {"10.255.0.1": {"prefix_length": 32}}}}


def test_get_interfaces_counters_has_every_key(napalm_device):
    counters = napalm_device("core2").get_interfaces_counters()

    port = counters["TenGigabitEthernet0/1/0"]
    for key in ("rx_octets", "tx_octets", "rx_unicast_packets", "tx_errors", "rx_discards"):
        assert key in port
    assert port["rx_discards"] == 0


def test_lldp_neighbors_agree_on_both_ends(napalm_device):
    core1 = napalm_device("core1").get_lldp_neighbors()
    agg1a = napalm_device("agg1a").get_lldp_neighbors()

    assert core1["TenGigabitEthernet0/1/1"] == [{"hostname": "agg1a", "port": "Te1/1/1"}]
    assert agg1a["TenGigabitEthernet1/1/1"] == [{"hostname": "core1", "port": "Te0/1/1"}]


def test_lldp_detail_carries_the_remote_description_and_capabilities(napalm_device):
    detail = napalm_device("bng1").get_lldp_neighbors_detail()

    core = detail["GigabitEthernet0/0/0"][0]
    assert core["remote_system_name"] == "core1"
    assert core["remote_port_description"] == "to bng1 Gi0/0/0"
    assert "router" in core["remote_system_enable_capab"]
    assert detail["GigabitEthernet0/0/3"][0]["remote_system_name"] == "cpe-cust1"


def test_get_config_loads_back_as_an_empty_replace(napalm_device):
    device = napalm_device("acc1")
    config = device.get_config()

    assert config["running"].startswith("!")
    assert "hostname acc1" in config["startup"]
    device.load_replace_candidate(config=config["running"])
    assert device.compare_config() == ""
    device.discard_config()


def test_merge_commit_then_rollback(napalm_device):
    device = napalm_device("agg1a")

    device.load_merge_candidate(
        config="interface GigabitEthernet1/0/1\n description merged\nntp server 192.0.2.1\n"
    )
    diff = device.compare_config()
    device.commit_config()
    running = device.get_config(retrieve="running")["running"]
    startup = device.get_config(retrieve="startup")["startup"]
    device.rollback()
    after = device.get_config(retrieve="running")["running"]

    assert "+ntp server 192.0.2.1" in diff
    assert " description merged" in running and "ntp server 192.0.2.1" in startup
    assert "ntp server 192.0.2.1" not in after
    assert " description to acc1 Gi1/0/49" in after


def test_merge_with_no_removes_lines(napalm_device):
    device = napalm_device("acc3")

    device.load_merge_candidate(config="interface GigabitEthernet1/0/49\n no description\n")
    device.commit_config()
    running = device.get_config(retrieve="running")["running"]

    assert "to agg2b Gi1/0/3" not in running
    device.rollback()


def test_merge_of_an_invalid_line_raises_and_rolls_back(napalm_device):
    device = napalm_device("acc2")

    device.load_merge_candidate(config="hostname renamed\nfrobnicate the widgets\n")
    with pytest.raises(MergeConfigException):
        device.commit_config()

    assert device.get_facts()["hostname"] == "acc2"


def test_replace_makes_running_equal_to_the_file(napalm_device):
    device = napalm_device("edge1")
    original = device.get_config(retrieve="running")["running"]
    candidate = original.replace("hostname edge1", "hostname edge1-new")
    candidate = candidate.replace("lldp run", "lldp run\nntp server 198.51.100.7")

    device.load_replace_candidate(config=candidate)
    diff = device.compare_config()
    device.commit_config()
    facts = device.get_facts()
    running = device.get_config(retrieve="running")["running"]
    device.load_replace_candidate(config=original)
    device.commit_config()

    assert "+hostname edge1-new" in diff and "-hostname edge1" in diff
    assert facts["hostname"] == "edge1-new"
    assert "ntp server 198.51.100.7" in running
    assert device.get_facts()["hostname"] == "edge1"


def test_replace_with_an_invalid_line_keeps_the_running_config(napalm_device):
    device = napalm_device("acc4")
    original = device.get_config(retrieve="running")["running"]

    device.load_replace_candidate(config=original.replace("lldp run", "lldp run\nnot ios at all"))
    with pytest.raises(ReplaceConfigException):
        device.commit_config()

    running = device.get_config(retrieve="running")["running"]
    assert running.replace("file prompt quiet\n!\n", "") == original


def test_discard_clears_a_loaded_merge(napalm_device):
    device = napalm_device("core2")

    device.load_merge_candidate(config="ntp server 203.0.113.9\n")
    device.discard_config()

    assert device.compare_config() == ""


def test_close_removes_file_prompt_quiet(napalm_device, netmiko_device):
    device = napalm_device("agg2a")
    device.load_merge_candidate(config="ntp server 203.0.113.10\n")
    device.commit_config()
    device.close()

    connection = netmiko_device("agg2a")
    assert "file prompt quiet" not in connection.send_command("show running-config")
    device.open()
    device.rollback()


def test_is_alive_after_open(napalm_device):
    assert napalm_device("core1").is_alive() == {"is_alive": True}


def test_file_system_is_autodetected_without_dest_file_system(lab):
    import napalm

    args = lab.napalm_args("core2")
    args["optional_args"].pop("dest_file_system")
    device = napalm.get_network_driver("ios")(timeout=15, **args)
    device.open()
    try:
        device.load_merge_candidate(config="ntp server 192.0.2.33\n")
        diff = device.compare_config()
        device.discard_config()
    finally:
        device.close()

    assert device.dest_file_system == "flash:"
    assert diff == "+ntp server 192.0.2.33"


def test_merge_diff_lists_only_what_changes(napalm_device):
    device = napalm_device("core2")

    device.load_merge_candidate(
        config="hostname core2\ninterface Loopback7\n description test\n"
        "interface TenGigabitEthernet0/1/0\n description to core1 Te0/1/0\n"
    )
    diff = device.compare_config()
    device.discard_config()

    assert diff == "+interface Loopback7\n+ description test"
