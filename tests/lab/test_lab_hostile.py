"""The hostile-output faults, seen through the real NAPALM driver and netmiko."""

from __future__ import annotations

import pytest

from lab import LabError

pytestmark = pytest.mark.lab

NAME = "acc3{{ 7*7 }}{% raw %}"


def test_hostile_names_reach_show_version_and_the_neighbours_lldp(lab, napalm_device):
    lab.set_fault("acc3", "hostile_names", value=NAME)

    facts = napalm_device("acc3").get_facts()
    seen = napalm_device("agg2a").get_lldp_neighbors_detail()

    assert facts["hostname"] == NAME
    names = [record["remote_system_name"] for records in seen.values() for record in records]
    assert NAME in names and "acc3" not in names


def test_hostile_names_leave_the_prompt_alone(lab, netmiko_device):
    lab.set_fault("acc3", "hostile_names", value=NAME)

    assert netmiko_device("acc3").find_prompt() == "acc3#"


def test_huge_output_pads_the_configuration_and_show_version(lab, napalm_device):
    lab.set_fault("acc4", "huge_output", value="1M")
    device = napalm_device("acc4")

    running = device.get_config(retrieve="running")["running"]
    version = device.cli(["show version"])["show version"]

    assert len(running) > 1 << 20 and running.rstrip().endswith("end")
    # The filler stands just before the final "end", after every configuration line.
    assert running.rstrip().splitlines()[-2].startswith("! filler")
    assert len(version) > 1 << 20 and "Processor board ID" in version


def test_garbled_lldp_breaks_the_napalm_parser(lab, napalm_device, netmiko_device):
    lab.set_fault("agg2b", "garbled_lldp")

    text = netmiko_device("agg2b").send_command("show lldp neighbors detail")

    assert "Enabled Capabilities: Z" in text and "System Name: {{ 7*7 }}" in text
    # The record without a local interface: what a collection reading LLDP must survive.
    with pytest.raises(IndexError):
        napalm_device("agg2b").get_lldp_neighbors_detail()


@pytest.mark.parametrize("value", ["lots", "-5", "0"])
def test_huge_output_needs_a_positive_size(lab, value):
    with pytest.raises(LabError, match=f"huge_output {value!r}"):
        lab.set_fault("acc4", "huge_output", value=value)
