# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What went wrong on a device, in one sentence: the exceptions NAPALM and its transports
raise, which of them mean the session is gone, and the reason a user reads.

No device output beyond the line it rejected, and no secret value, reaches a reason.
"""

from __future__ import annotations

import re

from ansible_collections.isp.network.plugins.module_utils.errors import IspNetworkError
from ansible_collections.isp.network.plugins.module_utils.services.config_secrets import (
    mask_secrets,
)

_REJECTED_MERGE = re.compile(r"^(.+)\n\s*\^\s*\n% Invalid input", re.MULTILINE)
_REJECTED_REPLACE = re.compile(r'Failed to apply command "([^"]+)"')


def device_errors() -> tuple[type[BaseException], ...]:
    """Return what a NAPALM call raises when the device, the session or the change fails.

    NAPALM's, netmiko's (read timeouts, a prompt never seen), paramiko's SSHException,
    OSError and EOFError (a dropped socket), and ValueError (netmiko: no configuration
    prompt; NAPALM: a refused transfer). Anything else is a bug and propagates.
    """
    from napalm.base.exceptions import NapalmException
    from netmiko.exceptions import NetmikoBaseException
    from paramiko.ssh_exception import SSHException

    return (NapalmException, NetmikoBaseException, SSHException, OSError, EOFError, ValueError)


def session_lost_errors() -> tuple[type[BaseException], ...]:
    """Return the exceptions that mean the session itself is gone (not just a refused change)."""
    from napalm.base.exceptions import ConnectionException
    from netmiko.exceptions import ReadException
    from paramiko.ssh_exception import SSHException

    return (ConnectionException, ReadException, SSHException, OSError, EOFError)


def reason(exc: BaseException, device: str, step: str) -> str:
    """Return one sentence saying why a step failed, with no device output and no secret."""
    text = str(exc)
    rejected = _REJECTED_REPLACE.search(text) or _REJECTED_MERGE.search(text)
    if rejected:
        return (
            f"device {device!r} rejected the line {mask_secrets(rejected.group(1).strip())!r} "
            f"while {step}; fix the configuration"
        )
    if isinstance(exc, IspNetworkError):
        return text
    if isinstance(exc, session_lost_errors()):
        return (
            f"the session to device {device!r} was lost while {step} "
            f"({type(exc).__name__}); check that the device is up and answering"
        )
    first = mask_secrets(text.strip().splitlines()[0]) if text.strip() else ""
    detail = f": {first[:160]}" if first else ""
    return f"device {device!r} failed while {step} ({type(exc).__name__}{detail})"
