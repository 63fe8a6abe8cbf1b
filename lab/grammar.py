"""The IOS configuration commands the lab knows, and how each one edits the model."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from lab import ifnames
from lab.confmodel import Config, Node

GLOBAL = "config"


class InvalidInput(ValueError):
    """A configuration line outside the known commands (IOS `% Invalid input detected`)."""


@dataclass(frozen=True)
class Rule:
    """A command: its keywords, how many arguments follow, and which words identify it.

    `key` is the number of words two lines share when one replaces the other (`hostname`
    replaces `hostname`); None means only an identical line is the same line. `mode` is
    the sub-mode a block command enters.
    """

    words: tuple[str, ...]
    args: int = 0
    key: int | None = None
    mode: str | None = None


def _rules(*specs: tuple) -> tuple[Rule, ...]:
    rules = [Rule(tuple(spec[0].split()), *spec[1:]) for spec in specs]
    return tuple(sorted(rules, key=lambda rule: -len(rule.words)))


RULES: dict[str, tuple[Rule, ...]] = {
    GLOBAL: _rules(
        ("version", 1, 1),
        ("hostname", 1, 1),
        ("interface", 1, None, "config-if"),
        ("ip domain name", 1, 3),
        ("ip domain-name", 1, 2),
        ("ip name-server", 1),
        ("ip scp server enable",),
        ("ip ssh version", 1, 3),
        ("ip route", 3),
        ("ip routing",),
        ("ip http server",),
        ("ip http secure-server",),
        ("ip access-list standard", 1, None, "config-std-nacl"),
        ("ip access-list extended", 1, None, "config-ext-nacl"),
        ("ipv6 unicast-routing",),
        ("service", 1),
        ("username", 1, 2),
        ("enable secret", 1, 2),
        ("aaa new-model",),
        ("boot-start-marker",),
        ("boot-end-marker",),
        ("boot system", 1),
        ("file prompt", 0, 2),
        ("archive", 0, None, "config-archive"),
        ("vlan", 1, None, "config-vlan"),
        ("router ospf", 1, None, "config-router"),
        ("router bgp", 1, None, "config-router"),
        ("ntp server", 1),
        ("logging host", 1),
        ("logging buffered", 1, 2),
        ("snmp-server community", 1, 3),
        ("snmp-server location", 1, 2),
        ("snmp-server contact", 1, 2),
        ("line vty", 1, None, "config-line"),
        ("line con", 1, None, "config-line"),
        ("lldp run",),
        ("cdp run",),
        ("spanning-tree mode", 1, 2),
        ("clock timezone", 1, 2),
        ("license boot level", 1, 3),
    ),
    "config-if": _rules(
        ("description", 1, 1),
        ("ip address", 2, 2),
        ("ipv6 address", 1),
        ("ip unnumbered", 1, 2),
        ("ip helper-address", 1),
        ("ip ospf cost", 1, 3),
        ("ip ospf network", 1, 3),
        ("shutdown",),
        ("mtu", 1, 1),
        ("speed", 1, 1),
        ("duplex", 1, 1),
        ("negotiation auto",),
        ("switchport",),
        ("switchport mode", 1, 2),
        ("switchport access vlan", 1, 3),
        ("switchport trunk allowed vlan", 1, 4),
        ("switchport trunk native vlan", 1, 4),
        ("channel-group", 1, 1),
        ("lldp transmit",),
        ("lldp receive",),
        ("cdp enable",),
        ("load-interval", 1, 1),
        ("service-policy", 2),
        ("encapsulation dot1Q", 1, 1),
        ("mpls ip",),
    ),
    "config-line": _rules(
        ("login", 0, 1),
        ("transport input", 1, 2),
        ("exec-timeout", 1, 1),
        ("logging synchronous",),
        ("session-timeout", 1, 1),
    ),
    "config-router": _rules(
        ("router-id", 1, 1),
        ("network", 1),
        ("passive-interface", 1),
        ("neighbor", 2),
        ("bgp router-id", 1, 2),
        ("bgp log-neighbor-changes",),
        ("redistribute", 1),
    ),
    "config-archive": _rules(("path", 1, 1), ("write-memory",), ("maximum", 1, 1)),
    "config-vlan": _rules(
        ("name", 1, 1),
    ),
    "config-std-nacl": _rules(("permit", 1), ("deny", 1), ("remark", 1)),
    "config-ext-nacl": _rules(("permit", 1), ("deny", 1), ("remark", 1)),
}


def match(mode: str, words: list[str], exact_args: bool = True) -> tuple[Rule, list[str]] | None:
    """Return the rule a line matches in `mode` and its words with keywords normalised."""
    lowered = [word.lower() for word in words]
    for rule in RULES.get(mode, ()):
        size = len(rule.words)
        if tuple(lowered[:size]) != rule.words:
            continue
        if exact_args and len(words) - size < rule.args:
            continue
        rest = words[size:]
        if rule.words == ("interface",):
            name = ifnames.canonical(" ".join(rest))
            if name is None:
                return None
            rest = [name]
        return rule, list(rule.words) + rest
    return None


def hashed(secret: str, salt: str = "") -> str:
    """Return how the lab shows a secret it keeps: a type 9 style hash, never the text."""
    return f"$9${salt}" + hashlib.sha256(f"{salt}{secret}".encode()).hexdigest()[:40]


def _stored_secret(words: list[str]) -> list[str]:
    # IOS keeps ``enable secret [0] x`` and ``username u ... secret [0] x`` as type 9 hashes,
    # with a new salt each time: typing the same secret again changes the configuration.
    lowered = [word.lower() for word in words]
    if lowered[:2] == ["enable", "secret"]:
        at = 1
    elif lowered[:1] == ["username"] and "secret" in lowered:
        at = lowered.index("secret")
    else:
        return words
    rest = words[at + 1 :]
    if len(rest) == 2 and rest[0] == "0":
        rest = rest[1:]
    if len(rest) != 1:
        return words
    return [*words[: at + 1], "9", hashed(rest[0], secrets.token_hex(4))]


class Editor:
    """Applies typed configuration lines to a Config, tracking the mode as IOS does."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.mode = GLOBAL
        self.context: Node = config.root
        self.changed = False

    def exit(self) -> bool:
        """Leave the sub-mode; return False when already at global configuration."""
        if self.mode == GLOBAL:
            return False
        self.mode, self.context = GLOBAL, self.config.root
        return True

    def apply(self, line: str) -> None:
        """Apply one line; raise InvalidInput when no known command matches it."""
        words = _stored_secret(line.split())
        if not words or words[0].startswith("!"):
            return
        if self.mode != GLOBAL and self._apply_in(self.mode, self.context, words):
            return
        if self._apply_in(GLOBAL, self.config.root, words):
            return
        raise InvalidInput(line)

    def _apply_in(self, mode: str, context: Node, words: list[str]) -> bool:
        if words[0].lower() == "no" and len(words) > 1:
            found = match(mode, words[1:], exact_args=False)
            if found is None:
                return False
            if mode != self.mode:
                self.exit()
            self._remove(context, found[1])
            return True
        found = match(mode, words)
        if found is None:
            return False
        if mode != self.mode:
            self.exit()
        rule, normal = found
        node = self._add(context, rule, " ".join(normal))
        if rule.mode:
            self.mode, self.context = rule.mode, node
        return True

    def _remove(self, context: Node, words: list[str]) -> None:
        size = len(words)
        kept = [child for child in context.children if child.words()[:size] != words]
        if len(kept) != len(context.children):
            context.children = kept
            self.changed = True

    def _add(self, context: Node, rule: Rule, text: str) -> Node:
        existing = context.find(text)
        if existing is not None:
            return existing
        if rule.key is not None:
            key = text.split()[: rule.key]
            for child in context.children:
                if child.words()[: rule.key] == key and not child.block:
                    child.text = text
                    self.changed = True
                    return child
        node = Node(text, block=rule.mode is not None)
        context.children.append(node)
        self.changed = True
        return node


def parse(text: str) -> Config:
    """Return the Config a file describes; unknown lines are skipped."""
    config = Config()
    editor = Editor(config)
    for line in text.splitlines():
        if _is_header(line):
            continue
        if line.strip() == "end":
            break
        try:
            editor.apply(line)
        except InvalidInput:
            continue
    return config


def _is_header(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(("Building configuration", "Current configuration")) or (
        stripped.startswith("!") or not stripped
    )
