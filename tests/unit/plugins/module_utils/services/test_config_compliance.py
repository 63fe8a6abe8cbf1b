"""Compliance of a running configuration against the intended one, IOS-aware."""

from __future__ import annotations

import pytest

from ansible_collections.isp.network.plugins.module_utils.errors import (
    NotFoundError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_compliance import (
    compare_configs,
    parse_config,
)
from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
    ConfigurationService as Config,
)
from ansible_collections.isp.network.plugins.module_utils.store.models import Device

INTENDED = """\
hostname r1
ip domain name lab.example.net
interface Loopback0
 description router-id
 ip address 10.255.0.1 255.255.255.255
 no shutdown
interface GigabitEthernet0/1
 description uplink
 ip address 10.0.0.1 255.255.255.252
router ospf 1
 router-id 10.255.0.1
 network 10.0.0.0 0.0.0.3 area 0
banner motd #Authorized access only#
ntp server 192.0.2.123
"""

# The same configuration as IOS shows it: header, "!" lines, another order, ^C banner, end.
RUNNING = """\
Building configuration...

Current configuration : 1234 bytes
!
! Last configuration change at 10:00:00 UTC Mon Jan 1 2025
!
version 15.2
hostname r1
!
ip domain name  lab.example.net
!
interface GigabitEthernet0/1
 ip address 10.0.0.1 255.255.255.252
 description uplink
!
interface Loopback0
 description router-id
 ip address 10.255.0.1 255.255.255.255
!
router ospf 1
 network 10.0.0.0 0.0.0.3 area 0
 router-id 10.255.0.1
!
ntp clock-period 17179869
ntp server 192.0.2.123
banner motd ^C
Authorized access only
^C
!
end
"""


def test_the_same_configuration_as_ios_shows_it_is_compliant():
    report = compare_configs(INTENDED, RUNNING, ignore=[r"^version "])

    assert (report.compliant, report.missing, report.extra) == (True, [], [])


def test_missing_and_extra_lines_in_nested_blocks_are_reported_with_their_path():
    running = (
        RUNNING.replace(" description uplink\n", " description old\n shutdown\n")
        .replace(" network 10.0.0.0 0.0.0.3 area 0\n", "")
        .replace("interface Loopback0\n", "interface Loopback1\n")
    )

    report = compare_configs(INTENDED, running, ignore=[r"^version "])

    assert not report.compliant
    assert report.missing == [
        "interface Loopback0",
        "interface Loopback0 > description router-id",
        "interface Loopback0 > ip address 10.255.0.1 255.255.255.255",
        "interface GigabitEthernet0/1 > description uplink",
        "router ospf 1 > network 10.0.0.0 0.0.0.3 area 0",
    ]
    assert report.extra == [
        "interface GigabitEthernet0/1 > description old",
        "interface GigabitEthernet0/1 > shutdown",
        "interface Loopback1",
        "interface Loopback1 > description router-id",
        "interface Loopback1 > ip address 10.255.0.1 255.255.255.255",
    ]


def test_the_version_line_is_extra_unless_ignored():
    report = compare_configs(INTENDED, RUNNING)

    assert report.extra == ["version 15.2"]


def test_a_changed_banner_is_reported_whatever_its_delimiter():
    report = compare_configs(INTENDED, RUNNING.replace("Authorized access only", "Go away"))

    assert report.missing == ["banner motd > Authorized access only"]
    assert report.extra == ["banner motd > Go away", "version 15.2"]


def test_multiline_banners_and_tabs_parse():
    tree = parse_config("banner login ^C\nline one\n\n  line two\n^C\nhostname r1\n")

    assert list(tree.children) == ["banner login", "hostname r1"]
    assert list(tree.children["banner login"].children) == ["line one", "line two"]


def test_a_bad_ignore_pattern_is_reported():
    with pytest.raises(ValidationError, match=r"ignore pattern '\(' is not a regular expression"):
        compare_configs("a", "b", ignore=["("])


def test_compliance_of_stored_configurations(session):
    device = Device(name="r1", hostname="r1")
    session.add(device)
    session.flush()

    with pytest.raises(NotFoundError, match="device 'r1' has no intended configuration"):
        Config.check_compliance(session, device.id)
    Config.create_device_configuration(session, device.id, INTENDED)
    with pytest.raises(NotFoundError, match="device 'r1' has no running configuration"):
        Config.check_compliance(session, device.id)
    Config.create_device_configuration(session, device.id, RUNNING, kind="running")
    Config.create_device_configuration(session, device.id, "hostname r1\n", kind="backup")

    running = Config.check_compliance(session, device.id, ignore=[r"^version "])
    backup = Config.check_compliance(session, device.id, against="backup")

    assert running.to_dict() == {
        "compliant": True,
        "missing": [],
        "extra": [],
        "intended_version": 1,
        "running_version": 1,
        "running_kind": "running",
    }
    assert not backup.compliant
    assert "ntp server 192.0.2.123" in backup.missing
    with pytest.raises(ValidationError, match="against a running or backup configuration"):
        Config.check_compliance(session, device.id, against="applied")


def test_missing_and_extra_lines_show_no_secret_value():
    intended = "tacacs server T1\n key 7 0832495D1A\nsnmp-server community Publ1c RO\n"
    running = "tacacs server T2\n key 7 07345F1B2C\nusername ops secret 9 $9$abc\n"

    report = compare_configs(intended, running)

    assert report.missing == [
        "tacacs server T1",
        "tacacs server T1 > key <removed>",
        "snmp-server community <removed> RO",
    ]
    assert report.extra == [
        "tacacs server T2",
        "tacacs server T2 > key <removed>",
        "username ops secret <removed>",
    ]


@pytest.mark.parametrize(
    ("intended", "running"),
    [
        ("enable secret 0 Cl3ar\n", "enable secret 9 $9$nB0uJ5fQ\n"),
        ("enable secret Cl3ar\n", "enable secret 5 $1$mERr$hx5\n"),
        ("username ops privilege 15 secret Cl3ar\n", "username ops privilege 15 secret 9 $9$x\n"),
        ("username ops password 0 Cl3ar\n", "username ops password 7 0822455D0A16\n"),
        ("tacacs server T1\n key Cl3ar\n", "tacacs server T1\n key 7 045802150C2E\n"),
        ("ntp authentication-key 1 md5 Cl3ar\n", "ntp authentication-key 1 md5 0822455D 7\n"),
    ],
)
def test_a_secret_line_counts_by_its_presence_not_its_value(intended, running):
    # A device shows its own encoding (a hash, type 7) of a secret it was given in clear.
    assert compare_configs(intended, running).compliant


def test_an_snmp_community_is_compared_whole_as_the_device_shows_it_as_given():
    report = compare_configs("snmp-server community Cl3ar RO\n", "snmp-server community x RO\n")

    assert (report.missing, report.extra) == (
        ["snmp-server community <removed> RO"],
        ["snmp-server community <removed> RO"],
    )


def test_a_secret_line_of_another_user_is_still_missing():
    report = compare_configs("username ops secret 0 Cl3ar\n", "username noc secret 9 $9$x\n")

    assert report.missing == ["username ops secret <removed>"]
    assert report.extra == ["username noc secret <removed>"]
