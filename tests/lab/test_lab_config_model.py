"""The configuration model: merge, `no`, replace, diff and the IOS rendering round trip."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lab.confmodel import Config, diff
from lab.grammar import Editor, InvalidInput, parse

pytestmark = pytest.mark.lab

BASE = """\
hostname r1
ip domain name example.net
interface GigabitEthernet0/0/0
 description uplink
 ip address 192.0.2.1 255.255.255.252
interface GigabitEthernet0/0/1
 shutdown
line vty 0 4
 login local
"""


def _typed(config: Config, *lines: str) -> Config:
    editor = Editor(config)
    for line in lines:
        editor.apply(line)
    return config


@pytest.mark.parametrize(
    ("lines", "present", "absent"),
    [
        (["hostname r2"], ["hostname r2"], ["hostname r1"]),
        (
            ["interface gi0/0/0", " description core link"],
            ["interface GigabitEthernet0/0/0\n description core link\n ip address"],
            ["description uplink"],
        ),
        (["interface Gi0/0/1", " no shutdown"], ["interface GigabitEthernet0/0/1\n!"], []),
        (["interface Gi0/0/0", "no ip address"], [], ["ip address 192.0.2.1"]),
        (["no interface GigabitEthernet0/0/1"], [], ["GigabitEthernet0/0/1"]),
        (
            ["ntp server 192.0.2.9", "ntp server 192.0.2.10"],
            ["192.0.2.9\nntp server 192.0.2.10"],
            [],
        ),
        (["interface Gi0/0/0", "ip scp server enable"], ["!\nip scp server enable"], []),
    ],
)
def test_typed_lines_edit_their_parent_block(lines, present, absent):
    text = _typed(parse(BASE), *lines).render()

    for fragment in present:
        assert fragment in text
    for fragment in absent:
        assert fragment not in text


@pytest.mark.parametrize("line", ["frobnicate", "interface Bogus0/0", "hostname", "ip"])
def test_unknown_lines_are_invalid_input(line):
    with pytest.raises(InvalidInput):
        _typed(parse(BASE), line)


def test_diff_is_contextual():
    base = parse(BASE)
    target = _typed(parse(BASE), "hostname r9", "interface Gi0/0/0", " description new")

    assert diff(base, target) == [
        "+hostname r9",
        "interface GigabitEthernet0/0/0",
        " +description new",
        " -description uplink",
        "-hostname r1",
    ]
    assert diff(base, parse(BASE)) == []


_LINES = st.sampled_from(
    [
        "hostname a",
        "hostname b",
        "ntp server 192.0.2.1",
        "no ntp server 192.0.2.1",
        "interface Gi0/0/2",
        " description x",
        " mtu 9000",
        " shutdown",
        " no shutdown",
        "router ospf 1",
        " network 10.0.0.0 0.255.255.255 area 0",
        "vlan 10",
        " name users",
        "exit",
        "boot system flash:a.bin",
        "no boot system",
    ]
)


@given(st.lists(_LINES, max_size=25))
def test_rendered_config_parses_back_to_itself(lines):
    config = Config()
    editor = Editor(config)
    for line in lines:
        if line == "exit":
            editor.exit()
            continue
        try:
            editor.apply(line)
        except InvalidInput:
            continue

    assert parse(config.render()) == config


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("enable secret 0 Cl3ar", "enable secret 9 $9$"),
        ("enable secret Cl3ar", "enable secret 9 $9$"),
        ("username ops privilege 15 secret 0 Cl3ar", "username ops privilege 15 secret 9 $9$"),
        ("username ops secret Cl3ar", "username ops secret 9 $9$"),
    ],
)
def test_a_secret_typed_in_clear_is_kept_hashed_with_a_new_salt_each_time(typed, shown):
    once = _typed(parse(BASE), typed).render()
    again = _typed(parse(once), typed).render()

    assert shown in once and "Cl3ar" not in once
    assert once != again


def test_a_hashed_secret_is_kept_as_typed():
    typed = "enable secret 9 $9$abcdef"

    assert typed in _typed(parse(BASE), typed).render()
