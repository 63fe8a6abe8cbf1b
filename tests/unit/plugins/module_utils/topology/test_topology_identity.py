"""Identity resolution: chassis id, management address, then name without its domain."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ansible_collections.isp.network.plugins.module_utils.topology.identity import (
    IdentityIndex,
    Neighbor,
    address_key,
    chassis_key,
    clean_text,
    name_keys,
)


def device(id, name, ip=None, hostname="127.0.0.1", **variables):
    return SimpleNamespace(id=id, name=name, ip_address=ip, hostname=hostname, variables=variables)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("00:50:56:AA:00:01", "0050.56aa.0001"),
        ("0050.56aa.0001", "0050.56aa.0001"),
        ("00-50-56-aa-00-01", "0050.56aa.0001"),
        ("switch-chassis-7", "switch-chassis-7"),
        ("", None),
    ],
)
def test_chassis_ids_take_one_form(given, expected):
    assert chassis_key(given) == expected


def test_names_fold_case_and_drop_the_domain():
    assert name_keys("CORE1.ISP.Example.NET.") == ["core1.isp.example.net", "core1"]
    assert name_keys("core1") == ["core1"]
    assert name_keys("10.0.0.1") == ["10.0.0.1"]
    assert address_key("2001:DB8::0001/64") == "2001:db8::1"
    assert address_key("nope") is None


def test_short_name_and_fqdn_resolve_to_the_same_device():
    index = IdentityIndex()
    index.add_device(device(1, "core1", "10.0.0.1"))

    for seen in ("core1", "CORE1.isp.example.net", "core1.other.example"):
        resolution = index.resolve(Neighbor("Gi0/1", system_name=seen))
        assert resolution.device_id == 1, seen
        assert resolution.via == "system_name"


def test_a_device_known_by_two_addresses_resolves_by_either():
    index = IdentityIndex()
    index.add_device(device(1, "core1", "10.0.0.1"))
    index.add(1, "mgmt_address", "192.0.2.1")

    for address in ("10.0.0.1", "192.0.2.1"):
        resolution = index.resolve(Neighbor("Gi0/1", system_name="x", mgmt_address=address))
        assert (resolution.device_id, resolution.via) == (1, "mgmt_address")


def test_a_renamed_device_is_found_by_its_learned_chassis_id():
    index = IdentityIndex()
    index.add_device(device(1, "acc9-new"))
    index.add(1, "chassis_id", chassis_key("00:1c:00:00:00:09"))

    found = index.resolve(Neighbor("Gi0/1", system_name="acc9", chassis_id="001c.0000.0009"))

    assert (found.device_id, found.via) == (1, "chassis_id")


def test_chassis_id_wins_over_a_name_that_points_elsewhere():
    index = IdentityIndex()
    index.add_device(device(1, "a"))
    index.add_device(device(2, "b"))
    index.add(2, "chassis_id", "0000.0000.0002")

    found = index.resolve(Neighbor("Gi0/1", system_name="a", chassis_id="00:00:00:00:00:02"))

    assert found.device_id == 2


def test_an_identity_of_two_devices_is_reported_not_guessed():
    index = IdentityIndex()
    index.add_device(device(1, "sw1", domain="a.example"))
    index.add_device(device(2, "sw1.b.example"))

    found = index.resolve(Neighbor("Gi0/1", system_name="sw1.c.example"))

    assert found.device_id is None
    assert found.ambiguous
    assert found.candidates == [1, 2]


def test_the_full_name_decides_before_the_short_name():
    index = IdentityIndex()
    index.add_device(device(1, "sw1", domain="a.example"))
    index.add_device(device(2, "sw1.b.example"))

    assert index.resolve(Neighbor("Gi0/1", system_name="SW1.a.example")).device_id == 1


def test_learnable_yields_only_identities_nobody_owns():
    index = IdentityIndex()
    index.add_device(device(1, "core1", "10.0.0.1"))
    index.add_device(device(2, "core2"))
    seen = Neighbor("Gi0/1", system_name="core2", chassis_id="0000.0000.0001")

    assert list(index.learnable(1, seen)) == [("chassis_id", "0000.0000.0001")]


def test_hostile_text_loses_its_control_characters():
    assert clean_text("evil\x1b[31m\r\nname\x00") == "evil[31mname"
    assert clean_text("x" * 500) == "x" * 255
    assert name_keys("{{ lookup('pipe','id') }}") == ["{{ lookup('pipe','id') }}"]
