"""Masking secrets in configuration lines: every form a network engineer expects, masked to
the value only, and the lines that merely look secret left alone."""

from __future__ import annotations

import pytest

from ansible_collections.isp.network.plugins.module_utils.services.config_secrets import (
    mask_secrets,
)

# line as the device writes it, the same line masked
MASKED = [
    (
        "username netops privilege 15 secret 9 $9$4ff38fAbC$xyz",
        "username netops privilege 15 secret 9 <removed>",
    ),
    ("username admin password 7 0822455D0A16", "username admin password 7 <removed>"),
    ("username admin password hunter2", "username admin password <removed>"),
    ("enable secret 9 $9$b406b5Qw", "enable secret 9 <removed>"),
    ("enable password cisco123", "enable password <removed>"),
    (
        "username admin privilege 15 role network-admin secret sha512 $6$abc",
        "username admin privilege 15 role network-admin secret sha512 <removed>",
    ),
    ("snmp-server community Publ1c RO 10", "snmp-server community <removed> RO 10"),
    (
        "snmp-server community s3cret group network-operator",
        "snmp-server community <removed> group network-operator",
    ),
    (
        "snmp-server user mon grp v3 auth sha AuthPass1 priv aes 128 PrivPass1",
        "snmp-server user mon grp v3 auth sha <removed> priv aes 128 <removed>",
    ),
    (
        "snmp-server user mon grp v3 auth md5 AuthPass1 priv des PrivPass1",
        "snmp-server user mon grp v3 auth md5 <removed> priv des <removed>",
    ),
    (
        "snmp-server user mon grp v3 auth sha512 AuthPass1 priv aes256 PrivPass1",
        "snmp-server user mon grp v3 auth sha512 <removed> priv aes256 <removed>",
    ),
    (
        "snmp-server user admin network-admin auth md5 0xabc priv aes-128 0xdef localizedkey",
        "snmp-server user admin network-admin auth md5 <removed> priv aes-128 <removed> "
        "localizedkey",
    ),
    ("snmp-server host 192.0.2.9 Trap2c", "snmp-server host 192.0.2.9 <removed>"),
    (
        "snmp-server host 192.0.2.9 version 2c Trap2c udp-port 162",
        "snmp-server host 192.0.2.9 version 2c <removed> udp-port 162",
    ),
    (
        "snmp-server host 192.0.2.9 informs version 2c Trap2c",
        "snmp-server host 192.0.2.9 informs version 2c <removed>",
    ),
    (
        "snmp-server host 192.0.2.9 vrf MGMT traps version 1 Trap1",
        "snmp-server host 192.0.2.9 vrf MGMT traps version 1 <removed>",
    ),
    ("tacacs-server key 7 0832495D1A", "tacacs-server key 7 <removed>"),
    ("tacacs-server key TacKey", "tacacs-server key <removed>"),
    (
        "tacacs-server host 192.0.2.5 key 7 070C285F4D06",
        "tacacs-server host 192.0.2.5 key 7 <removed>",
    ),
    (
        "radius-server host 192.0.2.6 auth-port 1812 acct-port 1813 key RadKey",
        "radius-server host 192.0.2.6 auth-port 1812 acct-port 1813 key <removed>",
    ),
    (
        "tacacs server TAC1\n address ipv4 192.0.2.5\n key 7 0832495D1A",
        "tacacs server TAC1\n address ipv4 192.0.2.5\n key 7 <removed>",
    ),
    ("radius server RAD1\n key RadKey", "radius server RAD1\n key <removed>"),
    ("+radius server RAD1\n+ key 0 RadKey", "+radius server RAD1\n+ key 0 <removed>"),
    ("tacacs server TAC1 > key 7 0832495D1A", "tacacs server TAC1 > key 7 <removed>"),
    (
        "tacacs server TAC1\n -key 7 0832495D1A\n +key 0 TacKey",
        "tacacs server TAC1\n -key 7 <removed>\n +key 0 <removed>",
    ),
    ("key config-key password-encrypt MasterKey1", "key config-key password-encrypt <removed>"),
    (
        " ip ospf message-digest-key 1 md5 7 0822455D0A16",
        " ip ospf message-digest-key 1 md5 7 <removed>",
    ),
    (" ip ospf message-digest-key 1 md5 OspfKey", " ip ospf message-digest-key 1 md5 <removed>"),
    (" ip ospf authentication-key 7 0822455D0A16", " ip ospf authentication-key 7 <removed>"),
    (" ip ospf authentication-key OspfKey", " ip ospf authentication-key <removed>"),
    (
        " neighbor 192.0.2.1 password 7 0822455D0A16",
        " neighbor 192.0.2.1 password 7 <removed>",
    ),
    (" neighbor PEERS password BgpKey", " neighbor PEERS password <removed>"),
    ("ntp authentication-key 1 md5 NtpKey 7", "ntp authentication-key 1 md5 <removed> 7"),
    ("ntp authentication-key 42 md5 NtpKey", "ntp authentication-key 42 md5 <removed>"),
    (
        'set system ntp authentication-key 1 type md5 value "$9$abc"',
        'set system ntp authentication-key 1 type md5 value "<removed>"',
    ),
    ("  key-string 7 0822455D0A16", "  key-string 7 <removed>"),
    ("  key-string ChainKey", "  key-string <removed>"),
    (
        "crypto isakmp key IkeKey address 192.0.2.7",
        "crypto isakmp key <removed> address 192.0.2.7",
    ),
    (
        "crypto isakmp key 6 IkeKey address 192.0.2.7",
        "crypto isakmp key 6 <removed> address 192.0.2.7",
    ),
    (
        " pre-shared-key address 192.0.2.7 key PskKey",
        " pre-shared-key address 192.0.2.7 key <removed>",
    ),
    (" pre-shared-key local 0 PskKey", " pre-shared-key local 0 <removed>"),
    (" pre-shared-key PskKey", " pre-shared-key <removed>"),
    (
        ' pre-shared-key ascii-text "$9$psk"; ## SECRET-DATA',
        ' pre-shared-key ascii-text "<removed>"; ## SECRET-DATA',
    ),
    (" wpa-psk ascii 0 WifiPass1", " wpa-psk ascii 0 <removed>"),
    (" wpa-psk hex 7 0822455D0A16", " wpa-psk hex 7 <removed>"),
    (
        'encrypted-password "$6$abc$def"; ## SECRET-DATA',
        'encrypted-password "<removed>"; ## SECRET-DATA',
    ),
    ('secret "$9$abc"; ## SECRET-DATA', 'secret "<removed>"; ## SECRET-DATA'),
    (
        'authentication-key "$9$abc"; ## SECRET-DATA',
        'authentication-key "<removed>"; ## SECRET-DATA',
    ),
    (
        "set system login user ops authentication encrypted-password $6$abc;",
        "set system login user ops authentication encrypted-password <removed>;",
    ),
    (" isis password IsisKey", " isis password <removed>"),
    (" area-password AreaKey", " area-password <removed>"),
    ("line vty 0 4\n password 7 0822455D0A16", "line vty 0 4\n password 7 <removed>"),
]


@pytest.mark.parametrize(("line", "masked"), MASKED)
def test_the_secret_value_is_masked_and_the_rest_of_the_line_kept(line, masked):
    assert mask_secrets(line) == masked
    assert mask_secrets(masked) == masked


@pytest.mark.parametrize(("line", "masked"), MASKED)
def test_a_diff_line_keeps_its_marker(line, masked):
    first, expected = line.split("\n")[0], masked.split("\n")[0]
    assert mask_secrets(f"-{first}").split("\n") == [f"-{expected}"]
    assert mask_secrets(f"+{first}") == f"+{expected}"


# lines that look secret and are not: shown as they are
KEPT = [
    "service password-encryption",
    "password encryption aes",
    "security passwords min-length 8",
    "username admin nopassword",
    "key chain OSPF-KEYS\n key 1\n  key-string <removed>",
    "crypto key generate rsa modulus 2048",
    "snmp-server host 192.0.2.9 version 3 priv monuser",
    "snmp-server host 192.0.2.9 informs version 3 auth monuser",
    " set community 65000:100 additive",
    "ntp server 192.0.2.123",
    "",
]


@pytest.mark.parametrize("line", KEPT)
def test_lines_that_only_look_secret_are_kept(line):
    assert mask_secrets(line) == line
