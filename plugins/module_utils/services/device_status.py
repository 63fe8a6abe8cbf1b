# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Probing devices: is the management port open, and does the stored login work.

Probes run in a thread pool outside any transaction (a probe may wait seconds); their
results are recorded afterwards in one short write.
"""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from ansible_collections.isp.network.plugins.module_utils.errors import (
    DeviceError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.store.models.base import utcnow

DEFAULT_PORT = 22
# The longest a probe may wait for one device, in seconds.
LONGEST_TIMEOUT = 3600


@dataclass
class ProbeTarget:
    """What a probe needs of one device; also accepted by ``drivers.napalm.open_device``."""

    id: int
    name: str
    hostname: str
    port: int | None
    platform: str | None
    driver_options: dict[str, Any]
    previous: str
    credentials: tuple[str | None, str | None, str | None] = (None, None, None)


@dataclass
class ProbeResult:
    """What a probe found for one device; ``reason`` says why it is not reachable."""

    name: str
    reachability: str
    reason: str | None
    checked_at: datetime = field(default_factory=utcnow)
    previous: str = "unknown"

    def as_dict(self) -> dict[str, Any]:
        """Return the result as a module reports it."""
        return {
            "name": self.name,
            "reachability": self.reachability,
            "previous": self.previous,
            "reason": self.reason,
            "checked_at": self.checked_at.isoformat(),
        }


def probe_targets(
    session: Session, filters: dict[str, Any], box: SecretBox | None, login: bool
) -> list[ProbeTarget]:
    """Return the devices matching ``filters`` as probe targets (credentials when ``login``)."""
    targets = []
    for device in DeviceService.list_devices(session, **filters):
        credentials = DeviceService.get_credentials(session, device, box) if login else None
        targets.append(
            ProbeTarget(
                id=device.id,
                name=device.name,
                hostname=device.hostname,
                port=device.port,
                platform=device.platform,
                driver_options=dict(device.driver_options or {}),
                previous=str(device.reachability.value),
                credentials=credentials or (None, None, None),
            )
        )
    return targets


def tcp_reachable(host: str, port: int, timeout: float) -> str | None:
    """Return None when a TCP connection to ``host:port`` opens, else why it did not."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except TimeoutError:
        return f"no answer on {host}:{port} within {timeout:g} s"
    except OSError as exc:
        return f"{host}:{port} {exc.strerror or type(exc).__name__}".strip()


def probe(target: ProbeTarget, *, timeout: float, login: bool, port: int) -> ProbeResult:
    """Probe one device: its management port, then optionally a NAPALM login."""
    reason = tcp_reachable(target.hostname, target.port or port, timeout)
    if reason is not None:
        return ProbeResult(target.name, "unreachable", reason, previous=target.previous)
    if not login:
        return ProbeResult(target.name, "reachable", None, previous=target.previous)

    from ansible_collections.isp.network.plugins.module_utils.drivers.napalm import (
        LoginRefusedError,
        open_device,
    )

    username, password, enable = target.credentials
    if not password:
        return ProbeResult(
            target.name, "login_failed", "no password is stored", previous=target.previous
        )
    try:
        with open_device(target, username, password, enable, timeout=int(max(timeout, 1))):
            pass
    except DeviceError as exc:
        state = "login_failed" if isinstance(exc, LoginRefusedError) else "unreachable"
        return ProbeResult(target.name, state, str(exc), previous=target.previous)
    return ProbeResult(target.name, "reachable", None, previous=target.previous)


def probe_all(
    targets: list[ProbeTarget], *, timeout: float, login: bool, port: int, workers: int
) -> list[ProbeResult]:
    """Probe every target in parallel; return the results in the order of ``targets``.

    Raises ValidationError for a timeout outside 0-3600 seconds or fewer than one worker.
    """
    if not (0 < timeout <= LONGEST_TIMEOUT):
        raise ValidationError(
            f"timeout {timeout:g} is not a number of seconds from 0 to {LONGEST_TIMEOUT}; "
            "give one such as 5"
        )
    if workers < 1:
        raise ValidationError(f"workers {workers} must be at least 1")
    if not targets:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(targets)))) as pool:
        return list(pool.map(lambda t: probe(t, timeout=timeout, login=login, port=port), targets))


def record_results(
    session: Session, targets: list[ProbeTarget], results: list[ProbeResult]
) -> None:
    """Record every probe result on its device (reachability, last_checked, last_seen)."""
    for target, result in zip(targets, results, strict=True):
        DeviceService.record_probe(session, target.id, result.reachability, result.checked_at)
