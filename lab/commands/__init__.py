"""The exec commands a device knows, matched with IOS-style abbreviations (`sh ip int br`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from lab.commands import config, files, revert, show, system
from lab.commands.config import apply_config_line

Handler = Callable[..., Awaitable]

# (keywords, handler, needs privileged mode); longer keyword lists are tried first.
_TABLE: list[tuple[tuple[str, ...], Handler, bool]] = [
    (("enable",), system.enable, False),
    (("disable",), system.disable, False),
    (("terminal",), system.terminal, False),
    (("exit",), system.exit_, False),
    (("logout",), system.exit_, False),
    (("quit",), system.exit_, False),
    (("end",), system.end, True),
    (("show", "version"), show.version, False),
    (("show", "privilege"), show.privilege, False),
    (("show", "clock"), show.clock, False),
    (("show", "hosts"), show.hosts, True),
    (("show", "inventory"), show.inventory, True),
    (("show", "ip", "interface", "brief"), show.ip_interface_brief, True),
    (("show", "ip", "interface"), show.ip_interface, True),
    (("show", "ipv6", "interface"), show.nothing, True),
    (("show", "lldp"), show.lldp, True),
    (("show", "cdp"), show.cdp, True),
    (("show", "interfaces", "summary"), show.interface_summary, True),
    (("show", "interfaces"), show.interfaces, True),
    (("show", "lldp", "neighbors"), show.lldp_neighbors, True),
    (("show", "running-config"), show.running_config, True),
    (("show", "startup-config"), show.startup_config, True),
    (("show", "bootvar"), show.boot, True),
    (("show", "boot"), show.boot, True),
    (("show", "archive", "config", "rollback", "timer"), revert.rollback_timer, True),
    (("show", "archive", "config", "differences"), config.differences, True),
    (("show", "archive", "config", "incremental-diffs"), config.incremental, True),
    (("show", "archive"), config.archive, True),
    (("show", "flash:"), files.dir_, True),
    (("configure", "replace"), config.configure_replace, True),
    (("configure", "confirm"), revert.configure_confirm, True),
    (("configure", "revert"), revert.configure_revert, True),
    (("configure",), config.configure_terminal, True),
    (("copy",), config.copy, True),
    (("write",), config.write, True),
    (("dir",), files.dir_, True),
    (("verify",), files.verify, True),
    (("delete",), files.delete, True),
    (("more",), files.more, True),
    (("reload",), system.reload, True),
]
_TABLE.sort(key=lambda row: -len(row[0]))

__all__ = ["apply_config_line", "find"]


def find(words: list[str], privileged: bool) -> tuple[Handler, list[str]] | None:
    """Return the handler of an exec command line and its arguments, or None if invalid."""
    if not words:
        return None
    lowered = [word.lower() for word in words]
    for keywords, handler, needs_privilege in _TABLE:
        if len(lowered) < len(keywords) or (needs_privilege and not privileged):
            continue
        if all(keyword.startswith(word) for word, keyword in zip(lowered, keywords, strict=False)):
            return handler, words[len(keywords) :]
    return None
