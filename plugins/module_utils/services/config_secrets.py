# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Masking the secrets a device configuration carries, before any of it is shown or stored.

A diff, a compliance report or an error message names configuration lines; the secret in
such a line (a password, a community, a key) is replaced by ``REMOVED`` and the rest of the
line kept, so a reader still sees which line changed. Each rule below is one form that IOS,
EOS, NX-OS or Junos writes; the value may be in clear, weakly encoded (type 7) or hashed.
Backups are never masked: a restore pushes them back as they are.
"""

from __future__ import annotations

import re

REMOVED = "<removed>"

# A value: quoted (Junos) or one word, without the ";" that ends a Junos statement.
_VALUE = r'("[^"]*"|\S+?(?=;?(?:\s|$)))'
# An optional encoding type before the value: 0, 5, 7, 8, 9, sha512 ...
_TYPE = r"(?:(?:\d{1,2}|sha256|sha512)\s+)?"
_AUTH = r"(?:md5|sha\d*(?:-\d+)?)"
_PRIV = r"(?:(?:3des|des|aes(?:-?\d+)?)\s+)?(?:(?:128|192|256)\s+)?"
_HOST_OPTIONS = r"(?:(?:vrf\s+\S+|traps|informs|version\s+(?:1|2c))\s+)*"

# Each rule's first group is what stays before the secret, its second group the secret.
RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        (
            "password or secret",
            rf"((?<![\w-])(?:secret|password|password-encrypt|encrypted-password|"
            rf"(?:area|domain)-password)(?!-)\s+(?!encryption\b){_TYPE}){_VALUE}",
        ),
        ("snmp community", rf"(\bsnmp(?:-server)?\s+community\s+){_VALUE}"),
        (
            "snmp host community",
            rf"(\bsnmp-server\s+host\s+\S+\s+{_HOST_OPTIONS})(?!(?:version|traps|informs|vrf)\b){_VALUE}",
        ),
        ("snmpv3 auth", rf"(\bsnmp-server\s+user\s.*?\bauth\s+{_AUTH}\s+){_VALUE}"),
        ("snmpv3 priv", rf"(\bsnmp-server\s+user\s.*?\bpriv\s+{_PRIV}){_VALUE}"),
        ("aaa server key", rf"(\b(?:tacacs|radius)-server\b.*?\bkey\s+{_TYPE}){_VALUE}"),
        ("aaa private server key", rf"(\bserver-private\b.*?\bkey\s+{_TYPE}){_VALUE}"),
        ("dynamic-author key", rf"(\bserver-key\s+{_TYPE}){_VALUE}"),
        ("ospf md5 key", rf"(\bmessage-digest-key\s+\d+\s+md5\s+{_TYPE}){_VALUE}"),
        (
            "ntp key",
            rf"(\bntp\s+authentication-key\s+\d+\s+(?:type\s+)?\S+\s+(?:value\s+)?){_VALUE}",
        ),
        ("authentication key", rf"((?<!ntp )\bauthentication-key\s+{_TYPE}){_VALUE}"),
        ("key-string", rf"(\bkey-string\s+{_TYPE}){_VALUE}"),
        ("isakmp key", rf"(\bcrypto\s+isakmp\s+key\s+{_TYPE}){_VALUE}"),
        (
            "pre-shared key",
            r"(\bpre-shared-key\b(?:\s+(?:address|hostname)\s+\S+(?:\s+\d+\.\d+\.\d+\.\d+)?"
            rf"\s+key)?(?:\s+(?:local|remote|ascii-text|hexadecimal))?\s+{_TYPE}){_VALUE}",
        ),
        ("wpa-psk", rf"(\bwpa-psk\s+(?:ascii|hex)\s+{_TYPE}){_VALUE}"),
    )
)
# ``key [N] VALUE`` is a secret only under an AAA server block (elsewhere, ``key 1`` under a
# key chain is an id): the block is the line's path (compliance) or the last top-level line.
_SERVER_BLOCK = re.compile(r"^(?:tacacs|radius)\s+server\b", re.IGNORECASE)
# IOS shows a changed line inside a block with its marker after the indentation: `` +key``.
_BLOCK_KEY = re.compile(rf"^(\s*[+-]?key\s+{_TYPE}){_VALUE}", re.IGNORECASE)
# A compliance line is its path of blocks: ``interface Loopback0 > ip address ...``.
PATH_SEPARATOR = " > "


# The secrets a device stores in an encoding of its own (a hash, type 7): all but the SNMP
# communities, which it shows as given.
_REENCODED = tuple(
    (name, rule) for name, rule in RULES if name not in ("snmp community", "snmp host community")
)
# Every rule needs one of these words in the line: the other lines skip the table.
_TRIGGER = re.compile(r"secret|password|community|key|snmp|psk", re.IGNORECASE)
# A masked value with the encoding type before it (``secret 9 <removed>``), and NTP's type
# after it (``md5 <removed> 7``): a device shows its own encoding of what it was given.
_ENCODED = re.compile(
    rf"(?:\b(?:\d{{1,2}}|sha256|sha512)\s+)?({re.escape(REMOVED)}|\"{re.escape(REMOVED)}\")"
    r"(?:\s+\d\b(?!\S))?",
    re.IGNORECASE,
)


def comparable(line: str, parent: str = "") -> str:
    """Return ``line`` as compared with a device's: each secret value and its encoding
    type replaced by ``<removed>``; ``parent`` is the line of the block holding it.

    A device shows ``enable secret 0 x`` as ``enable secret 9 $9$...`` and, with
    ``service password-encryption``, a clear key as ``key 7 ...``: only the line's presence
    can be compared, never its value. SNMP communities are shown as given, so they are
    compared whole.
    """
    if not _TRIGGER.search(line):
        return line
    body = _mask_line(f"{parent}{PATH_SEPARATOR}{line}" if parent else line, "", _REENCODED)
    return _ENCODED.sub(r"\1", body.rsplit(PATH_SEPARATOR, 1)[-1] if parent else body)


def mask_secrets(text: str) -> str:
    """Return ``text`` (configuration lines, a diff or paths) with every secret value masked.

    Lines keep their order and everything around the secret; a diff's leading ``+``/``-``
    and indentation are kept too.
    """
    block = ""
    masked = []
    for line in text.split("\n"):
        marker = line[:1] if line[:1] in "+-" else ""
        body = line[len(marker) :]
        if body and not body[0].isspace() and PATH_SEPARATOR not in body:
            block = body
        masked.append(marker + _mask_line(body, block))
    return "\n".join(masked)


def _mask_line(body: str, block: str, rules: tuple = RULES) -> str:
    if not _TRIGGER.search(body):
        return body
    *parents, last = body.split(PATH_SEPARATOR)
    context = parents[-1] if parents else block
    if (parents or last[:1].isspace()) and _SERVER_BLOCK.match(context):
        last = _BLOCK_KEY.sub(_keep_prefix, last)
        body = PATH_SEPARATOR.join([*parents, last])
    for _name, rule in rules:
        body = rule.sub(_keep_prefix, body)
    return body


def _keep_prefix(found: re.Match[str]) -> str:
    value = found.group(2)
    shown = f'"{REMOVED}"' if value.startswith('"') else REMOVED
    return found.group(1) + shown
