"""`show` commands that report the device: version, hosts, interfaces, LLDP, configs, boot."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from lab import ifnames, view

if TYPE_CHECKING:
    from lab.session import Session

SEPARATOR = "-" * 48


def _uptime(seconds: float) -> str:
    minutes = int(seconds // 60)
    units = (("week", 7 * 24 * 60), ("day", 24 * 60), ("hour", 60), ("minute", 1))
    parts, started = [], False
    for name, size in units:
        count, minutes = divmod(minutes, size)
        if count or started or name == "minute":
            started = True
            parts.append(f"{count} {name}{'' if count == 1 else 's'}")
    return ", ".join(parts)


async def version(session: Session, args: list[str]) -> str:
    """show version."""
    device = session.device
    spec = device.spec
    physical = sum(1 for name in device.spec.ports if ifnames.is_physical(name))
    return "\n".join(
        [
            f"Cisco IOS XE Software, Version {device.version}",
            view.software_line(device.version, spec.platform),
            "Technical Support: http://www.cisco.com/techsupport",
            "Copyright (c) 1986-2024 by Cisco Systems, Inc.",
            "Compiled by the isp.network lab",
            "",
            "ROM: IOS-XE ROMMON",
            "",
            f"{device.faults.reported_name(device.hostname)} uptime is "
            f"{_uptime(time.time() - device.boot_time)}",
            "System returned to ROM by Reload Command",
            f'System image file is "flash:{device.booted_image}"',
            "Last reload reason: Reload Command",
            "",
            f"cisco {spec.model} (lab) processor with 1795979K/6147K bytes of memory.",
            f"Processor board ID {spec.serial}",
            f"{physical} Gigabit Ethernet interfaces",
            "32768K bytes of non-volatile configuration memory.",
            "8388608K bytes of physical memory.",
            f"{spec.flash_size // 1024}K bytes of flash memory at bootflash:.",
            "",
            "Configuration register is 0x2102",
            # A huge_output fault adds its filler lines; without one nothing follows.
            *([filler] if (filler := device.faults.filler()) else []),
        ]
    )


async def hosts(session: Session, args: list[str]) -> str:
    """show hosts."""
    running = session.device.running
    domain = running.value("ip", "domain", "name") or running.value("ip", "domain-name")
    first = f"Default domain is {domain}" if domain else "Default domain is not set"
    return "\n".join(
        [
            first,
            "Name/address lookup uses domain service",
            "Name servers are 255.255.255.255",
            "",
            "Codes: UN - unknown, EX - expired, OK - OK, ?? - revalidate",
            "       temp - temporary, perm - permanent",
            "       NA - Not Applicable None - Not defined",
            "",
            "Host                      Port  Flags      Age Type   Address(es)",
        ]
    )


def _status(state: view.PortState) -> tuple[str, str]:
    if not state.enabled:
        return "administratively down", "down"
    return ("up", "up") if state.up else ("down", "down")


async def ip_interface_brief(session: Session, args: list[str]) -> str:
    """show ip interface brief."""
    lines = ["Interface              IP-Address      OK? Method Status                Protocol"]
    for state in view.ports(session.device):
        status, protocol = _status(state)
        address, method = (state.address[0], "manual") if state.address else ("unassigned", "unset")
        lines.append(f"{state.name:<22} {address:<15} YES {method:<6} {status:<21} {protocol}")
    return "\n".join(lines)


async def ip_interface(session: Session, args: list[str]) -> str:
    """show ip interface (what NAPALM get_interfaces_ip and cisco.ios facts read)."""
    lines = []
    for state in view.ports(session.device):
        status, protocol = _status(state)
        lines.append(f"{state.name} is {status}, line protocol is {protocol}")
        if state.address:
            lines.append(f"  Internet address is {state.address[0]}/{_prefix(state.address[1])}")
            lines.append("  Broadcast address is 255.255.255.255")
            lines.append(f"  MTU is {state.mtu} bytes")
        else:
            lines.append("  Internet protocol processing disabled")
    return "\n".join(lines)


async def lldp(session: Session, args: list[str]) -> str:
    """show lldp."""
    if not session.device.running.has_line("lldp run"):
        return "% LLDP is not enabled"
    return (
        "Global LLDP Information:\n    Status: ACTIVE\n"
        "    LLDP advertisements are sent every 30 seconds\n"
        "    LLDP hold time advertised is 120 seconds\n"
        "    LLDP interface reinitialisation delay is 2 seconds"
    )


async def nothing(session: Session, args: list[str]) -> str:
    """Commands that answer with nothing on these devices (show ipv6 interface)."""
    return ""


async def cdp(session: Session, args: list[str]) -> str:
    """show cdp ...: CDP is off on every lab device."""
    return "% CDP is not enabled"


def _prefix(mask: str) -> int:
    return sum(bin(int(octet)).count("1") for octet in mask.split("."))


def _interface_block(state: view.PortState, model: str) -> list[str]:
    status, protocol = _status(state)
    counters = state.counters
    bits = counters["rx_bytes"] * 8
    lines = [
        f"{state.name} is {status}, line protocol is {protocol} ",
        f"  Hardware is {model}, address is {state.mac} (bia {state.mac})",
    ]
    if state.description:
        lines.append(f"  Description: {state.description}")
    if state.address:
        lines.append(f"  Internet address is {state.address[0]}/{_prefix(state.address[1])}")
    lines += [
        f"  MTU {state.mtu} bytes, BW {state.speed * 1000} Kbit/sec, DLY 10 usec, ",
        "     reliability 255/255, txload 1/255, rxload 1/255",
        "  Encapsulation ARPA, loopback not set",
        "  Keepalive not supported ",
        f"  {state.duplex.capitalize()} Duplex, {state.speed}Mbps, link type is auto, "
        "media type is SFP",
        "  ARP type: ARPA, ARP Timeout 04:00:00",
        '  Last clearing of "show interface" counters never',
        "  Input queue: 0/375/0/0 (size/max/drops/flushes); Total output drops: 0",
        "  Queueing strategy: fifo",
        "  Output queue: 0/40 (size/max)",
        f"  5 minute input rate {min(bits, 9000)} bits/sec, 1 packets/sec",
        f"  5 minute output rate {min(bits, 9000)} bits/sec, 1 packets/sec",
        f"     {counters['rx_packets']} packets input, {counters['rx_bytes']} bytes, 0 no buffer",
        f"     Received {counters['bcast']} broadcasts (0 IP multicasts)",
        "     0 runts, 0 giants, 0 throttles ",
        "     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored",
        "     0 watchdog, 0 multicast, 0 pause input",
        f"     {counters['tx_packets']} packets output, {counters['tx_bytes']} bytes, 0 underruns",
        "     0 output errors, 0 collisions, 0 interface resets",
        "     0 unknown protocol drops",
        "     0 lost carrier, 0 no carrier, 0 pause output",
    ]
    return lines


async def interfaces(session: Session, args: list[str]) -> str:
    """show interfaces [NAME]."""
    wanted = ifnames.canonical(" ".join(args)) if args else None
    states = view.ports(session.device)
    if wanted:
        states = [state for state in states if state.name == wanted]
        if not states:
            return session.invalid("show interfaces " + " ".join(args))
    lines: list[str] = []
    for state in states:
        lines += _interface_block(state, session.device.spec.model)
    return "\n".join(lines)


async def interface_summary(session: Session, args: list[str]) -> str:
    """show interface summary (the drop counters NAPALM reads)."""
    header = "  Interface                   IHQ       IQD       OHQ       OQD      RXBS      RXPS"
    lines = [" *: interface is up", "", header + "      TXBS      TXPS      TRTL", "-" * 110]
    for state in view.ports(session.device):
        name = state.name
        if name.startswith(("TenGigabitEthernet", "FortyGigabitEthernet", "HundredGigE")):
            name = ifnames.short(name)
        mark = "*" if state.up else " "
        numbers = "".join(f"{value:>10}" for value in (0, 0, 0, 0, 2000, 1, 2000, 1, 0))
        lines.append(f"{mark} {name:<24}{numbers}")
    return "\n".join(lines)


async def lldp_neighbors(session: Session, args: list[str]) -> str:
    """show lldp neighbors [INTERFACE] [detail]."""
    if not session.device.running.has_line("lldp run"):
        return "% LLDP is not enabled"
    detail = bool(args) and "detail".startswith(args[-1].lower())
    wanted = args[:-1] if detail else args
    records = view.neighbors(session.device)
    if wanted:
        name = ifnames.canonical(" ".join(wanted))
        if name is None:
            return session.invalid("show lldp neighbors " + " ".join(args))
        records = [record for record in records if record.local == ifnames.short(name)]
    if detail:
        garbled = _GARBLED if session.device.faults.garbled_lldp else ""
        return _lldp_detail(records).replace("\nTotal entries", garbled + "\nTotal entries")
    lines = [
        "Capability codes:",
        "    (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device",
        "    (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other",
        "",
        "Device ID           Local Intf     Hold-time  Capability      Port ID",
    ]
    for record in records:
        name = record.name[:20]
        lines.append(f"{name:<20}{record.local:<15}{120:<11}{record.enabled:<16}{record.port}")
    lines += ["", f"Total entries displayed: {len(records)}"]
    return "\n".join(lines)


# A record the way a broken LLDP agent might print it: no local interface, a name with
# escape sequences and template markers, unknown capability codes, a line of junk.
_GARBLED = "\n".join(
    [
        SEPARATOR,
        "Chassis id: \x1b[31m{{ chassis }}\x1b[0m",
        "Port id: Gi9/9/9\x00\x07",
        "Port Description: {% raw %}",
        "System Name: {{ 7*7 }}\x1b]0;owned\x07",
        "",
        "System Description: ",
        "\x1b[2J\x1b[H{{ lookup('pipe', 'id') }}",
        "",
        "Time remaining: -1 seconds",
        "System Capabilities: Z,Q",
        "Enabled Capabilities: Z",
        "Management Addresses:",
        "    IP: 999.1.1.{{ 7*7 }}",
        "\x01\x02\x03 %%%% malformed %%%%",
        "",
    ]
)


def _lldp_detail(records: list[view.Neighbor]) -> str:
    lines: list[str] = []
    for record in records:
        lines += [
            SEPARATOR,
            f"Local Intf: {record.local}",
            f"Chassis id: {record.chassis}",
            f"Port id: {record.port}",
            f"Port Description: {record.port_description or '- not advertised'}",
            f"System Name: {record.name}",
            "",
            "System Description: ",
            record.system_description,
            "",
            "Time remaining: 112 seconds",
            f"System Capabilities: {record.capabilities}",
            f"Enabled Capabilities: {record.enabled}",
            "Management Addresses:",
            f"    IP: {record.mgmt}" if record.mgmt else "    - not advertised",
            "Auto Negotiation - not supported",
            "Vlan ID: - not advertised",
            "",
        ]
    lines += ["", f"Total entries displayed: {len(records)}"]
    return "\n".join(lines)


def _stamp(when: float) -> str:
    return time.strftime("%H:%M:%S UTC %a %b %d %Y", time.gmtime(when))


async def running_config(session: Session, args: list[str]) -> str:
    """show running-config [all]."""
    device = session.device
    body = device.running.render()
    filler = device.faults.filler()
    if filler:
        head, end, tail = body.rpartition("\nend")
        body = f"{head}\n{filler}end{tail}" if end else body + filler
    return (
        f"Building configuration...\n\nCurrent configuration : {len(body)} bytes\n"
        f"!\n! Last configuration change at {_stamp(device.last_change)}\n{body}"
    )


async def startup_config(session: Session, args: list[str]) -> str:
    """show startup-config."""
    text = session.device.startup_text()
    if not text:
        return "startup-config is not present"
    return f"!\n! NVRAM config last updated at {_stamp(time.time())}\n{text}"


async def boot(session: Session, args: list[str]) -> str:
    """show boot / show bootvar."""
    device = session.device
    names = ",".join(f"flash:{name},12" for name in device.boot_variable())
    return "\n".join(
        [
            f"BOOT variable = {names + ';' if names else ''}",
            "CONFIG_FILE variable = ",
            "BOOTLDR variable does not exist",
            "Configuration register is 0x2102",
        ]
    )


async def privilege(session: Session, args: list[str]) -> str:
    """show privilege."""
    return f"Current privilege level is {15 if session.privileged else 1}"


async def clock(session: Session, args: list[str]) -> str:
    """show clock."""
    return "*" + time.strftime("%H:%M:%S.000 UTC %a %b %d %Y", time.gmtime())


async def inventory(session: Session, args: list[str]) -> str:
    """show inventory."""
    spec = session.device.spec
    return (
        f'NAME: "Chassis", DESCR: "Cisco {spec.model} Chassis"\n'
        f"PID: {spec.model}        , VID: V01  , SN: {spec.serial}\n"
    )
