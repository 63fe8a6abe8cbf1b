"""What the config lab tests share: a store of the lab's devices, reading a device's state
folder, applying through the bulk path, and the store rows and audit event an apply leaves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import select

from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.services.config_apply import (
    same_config,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_record import (
    ApplyOptions,
    ApplyOutcome,
    ApplyRequest,
)
from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
    ConfigurationService as Config,
)
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from ansible_collections.isp.network.plugins.module_utils.store.models.config import (
    ConfigKind,
    DeviceConfiguration,
)
from lab import start_lab

APPLY_EVENT = "device_configuration.apply"


def isp_small_lab(tmp_path_factory, name: str):
    """Yield a running isp-small lab in a folder called ``name``; stop it afterwards."""
    running = start_lab("isp-small", tmp_path_factory.mktemp(name), reload_seconds=0.3)
    yield running
    running.stop()


def store_of(lab, tmp_path, secret_key):
    """Yield a store holding the lab's devices and the key to their credentials; then clear
    the lab's faults."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    box = SecretBox(secret_key)
    with session_scope(url) as session:
        DeviceService.ensure_devices(session, lab.inventory(), box)
    yield {"url": url, "box": box, "lab": lab}
    lab.clear_faults()


def startup_of(lab, name: str) -> str:
    """Return the lab device's startup configuration, read from its state folder."""
    return (Path(lab.state_dir) / "devices" / name / "nvram" / "startup-config").read_text()


def running_of(lab, name: str) -> str:
    """Return the lab device's running configuration, read from its state folder."""
    return running_file(lab, name).read_text()


def running_file(lab, name: str) -> Path:
    """Return the file the lab rewrites on every change of the device's running config."""
    return Path(lab.state_dir) / "devices" / name / "running-config"


def apply(world, *requests: ApplyRequest, **options) -> list[ApplyOutcome]:
    """Apply through the bulk path with short timeouts; return the outcomes."""
    options.setdefault("timeout", 20)
    return Config.apply_configurations(
        list(requests), store_url=world["url"], box=world["box"], options=ApplyOptions(**options)
    )


def rows(world, name: str, kind: ConfigKind) -> list[DeviceConfiguration]:
    """Return the device's stored configurations of ``kind``, oldest first."""
    with session_scope(world["url"]) as session:
        device = DeviceService.get_device_by_name(session, name)
        query = select(DeviceConfiguration).where(
            DeviceConfiguration.device_id == device.id, DeviceConfiguration.kind == kind
        )
        return list(session.exec(query.order_by(DeviceConfiguration.version)))


def apply_events(world, name: str) -> list[Any]:
    """Return the audit events of applies to device ``name``, newest first."""
    with session_scope(world["url"]) as session:
        return AuditService.list_events(session, action=APPLY_EVENT, object_name=name)


def with_lines(config: str, lines: str) -> str:
    """Return ``config`` with ``lines`` added before its final ``end``."""
    body = config.rstrip()
    body = body[: -len("end")] if body.endswith("end") else body
    return f"{body}{lines}end\n"


def store_intended(world, name: str, content: str) -> int:
    """Store ``content`` as the device's intended configuration; return its id."""
    with session_scope(world["url"]) as session:
        device = DeviceService.get_device_by_name(session, name)
        return Config.create_device_configuration(session, device.id, content).id


def device_diff(lab, name: str, mode: str, candidate: str) -> str:
    """Return the diff the device itself reports for ``candidate``, through NAPALM; the
    candidate is discarded."""
    import napalm

    driver = napalm.get_network_driver("ios")(timeout=15, **lab.napalm_args(name))
    driver.open()
    try:
        load = driver.load_replace_candidate if mode == "replace" else driver.load_merge_candidate
        load(config=candidate)
        diff = driver.compare_config()
        driver.discard_config()
        return diff.strip()
    finally:
        driver.close()


def assert_backup_running_and_recorded(
    world, outcome: ApplyOutcome, state: str, words: str, *, reached: bool = True
) -> Any:
    """Assert the device runs its stored backup and the store says why the apply ended in
    ``state``: the backup row, the attempt's row with the reason, and the audit event.

    ``reached``: the apply read the device, so the outcome names the backup it took; an
    apply that never logged in took none and the newest stored backup is the one to match.
    Returns the audit event.
    """
    name = outcome.device
    assert outcome.outcome == state, outcome.error
    assert words in outcome.error
    backups = rows(world, name, ConfigKind.BACKUP)
    assert backups, f"no backup of {name} is stored"
    assert outcome.backup_version == (backups[-1].version if reached else None)
    assert same_config(backups[-1].content, running_of(world["lab"], name))
    [attempt] = rows(world, name, ConfigKind.APPLIED)
    assert (attempt.version, attempt.state.value, attempt.error) == (
        outcome.applied_version,
        state,
        outcome.error,
    )
    [event] = apply_events(world, name)
    recorded = {key: event.details[key] for key in ("outcome", "error", "backup_version")}
    assert recorded == {
        "outcome": state,
        "error": outcome.error,
        "backup_version": outcome.backup_version,
    }
    assert event.details["applied_version"] == attempt.version
    return event
