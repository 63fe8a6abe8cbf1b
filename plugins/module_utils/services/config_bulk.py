# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Applying to and backing up many devices at once, each device on its own.

The store is read once (devices, credentials, candidates), the device work runs in a
bounded pool of worker threads with no transaction open, and each device's outcome is
written by the calling thread in a transaction of its own as soon as it is known. A device
that fails, or a worker that dies, never costs the other devices their results. The one
write a worker makes is the journal entry just before its device commits (``begin``), so
that a process stopped there leaves a row the next apply settles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlmodel import Session

from ansible_collections.isp.network.plugins.module_utils.errors import (
    DeviceError,
    IspNetworkError,
    NotFoundError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.services import config_store
from ansible_collections.isp.network.plugins.module_utils.services.config_apply import (
    FAILED,
    PushResult,
    Target,
    push,
    same_config,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_compliance import (
    ComplianceReport,
    check_ignores,
    compare_configs,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_device_errors import (
    device_errors,
    reason,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_record import (
    ApplyOptions,
    ApplyOutcome,
    ApplyRequest,
    Prepared,
    begin,
    failed_result,
    prepare,
    record,
    target_of,
)
from ansible_collections.isp.network.plugins.module_utils.store.engine import run_transaction
from ansible_collections.isp.network.plugins.module_utils.store.models.config import ConfigKind

T = TypeVar("T")
R = TypeVar("R")


def apply_many(
    requests: Sequence[ApplyRequest],
    *,
    store_url: str | None,
    box: Any,
    options: ApplyOptions,
) -> list[ApplyOutcome]:
    """Apply each request to its device in parallel; return the outcomes in request order.

    A device that cannot be prepared (unknown, nothing intended), whose apply fails, or
    whose outcome cannot be stored (deleted meanwhile, a busy store) gets a ``failed``
    outcome; the others go on. Raises ValidationError for bad options or a
    device listed twice, SecretKeyError when credentials cannot be decrypted.
    """
    options.checked()
    _once_each([request.device for request in requests])
    prepared: dict[str, Prepared] = {}
    outcomes: dict[str, ApplyOutcome] = {}

    def read(session: Session) -> None:
        for request in requests:
            try:
                prepared[request.device] = prepare(session, request, box, options)
            except (NotFoundError, ValidationError) as exc:
                failed = failed_result(request.device, str(exc))
                outcomes[request.device] = ApplyOutcome(
                    request.device, failed.outcome, "", failed.error
                )

    run_transaction(read, store_url, write=False, what="the store")
    if not options.check:
        for item in prepared.values():
            item.push.before_commit = _journal(item, store_url, options.actor)

    def finish(item: Prepared, result: PushResult) -> None:
        try:
            outcomes[item.push.name] = run_transaction(
                lambda session: record(session, item, result, options.actor),
                store_url,
                what=f"the configuration of device {item.push.name!r}",
            )
        except IspNetworkError as exc:
            outcomes[item.push.name] = _unrecorded(item, result, exc)

    in_parallel(list(prepared.values()), lambda item: push(item.push), finish, options.workers)
    return [outcomes[request.device] for request in requests]


def _unrecorded(item: Prepared, result: PushResult, exc: IspNetworkError) -> ApplyOutcome:
    # The device's own result stands in the message; the store does not know it, so the
    # outcome is failed. A journal row written before the commit stays in_progress, and
    # the next apply to the device settles it by what the device then runs.
    then = (
        "the next apply to it records what it runs"
        if item.attempt_id is not None
        else "check the device and apply again"
    )
    error = (
        f"device {item.push.name!r} ended {result.outcome} but its outcome could not be "
        f"stored ({str(exc).rstrip('.')}); {then}"
    )
    if result.error:
        error = f"{result.error.rstrip('.')}; {error}"
    return ApplyOutcome(
        result.device,
        FAILED,
        result.diff,
        error,
        config_version=item.config_version,
        commit=result.commit,
        confirm_timer=result.confirm_timer or None,
    )


def _journal(item: Prepared, store_url: str | None, actor: str | None) -> Callable[[Any], None]:
    def note(result: Any) -> None:
        item.attempt_id = run_transaction(
            lambda session: begin(session, item, result, actor),
            store_url,
            what=f"the configuration of device {item.push.name!r}",
        )

    return note


@dataclass
class BackupOutcome:
    """One device's backup: what was stored, and whether its startup config is saved."""

    device: str
    outcome: str
    version: int | None = None
    content_hash: str | None = None
    startup_saved: bool | None = None
    # The stored startup configuration's version, when it was read.
    startup_version: int | None = None
    error: str | None = None
    # The running configuration read (kept out of module results: it may be large).
    content: str | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the outcome as plain data for module results."""
        return {
            "device": self.device,
            "outcome": self.outcome,
            "changed": self.outcome in ("stored", "would store"),
            "version": self.version,
            "content_hash": self.content_hash,
            "startup_saved": self.startup_saved,
            "startup_version": self.startup_version,
            "error": self.error,
        }


@dataclass
class _Fetched:
    running: str | None = None
    startup: str | None = None
    error: str | None = None


def backup_many(
    names: Sequence[str],
    *,
    store_url: str | None,
    box: Any,
    kind: str | ConfigKind = ConfigKind.BACKUP,
    startup: bool = False,
    workers: int = 10,
    timeout: float = 60.0,
    check: bool = False,
    actor: str | None = None,
) -> list[BackupOutcome]:
    """Read the running (and with ``startup``, the startup) config of each device in parallel.

    The running config is stored as ``kind`` (backup or running), once per distinct content:
    ``stored`` or ``already exists``. The startup config is stored as ``startup``, also once
    per distinct content, and ``startup_saved`` says whether it equals the running one. In
    ``check`` mode nothing is stored: ``would store`` when a real run would store either
    config, ``already exists`` otherwise. Unreachable devices are ``failed`` with the
    reason; the others go on.
    """
    kind = config_store.parse_kind(kind)
    if kind not in (ConfigKind.BACKUP, ConfigKind.RUNNING):
        raise ValidationError(f"a device's configuration is read as backup or running, not {kind}")
    if timeout <= 0 or workers < 1:
        raise ValidationError(f"timeout {timeout:g} and workers {workers} must be positive")
    _once_each(names)
    targets: dict[str, tuple[int, Target]] = {}
    outcomes: dict[str, BackupOutcome] = {}

    def read(session: Session) -> None:
        for name in names:
            try:
                device = config_store.device_by_name(session, name)
            except NotFoundError as exc:
                outcomes[name] = BackupOutcome(name, "failed", error=str(exc))
                continue
            targets[name] = (device.id, target_of(session, device, box))

    run_transaction(read, store_url, write=False, what="the store")

    def finish(name: str, fetched: _Fetched) -> None:
        if fetched.error is not None:
            outcomes[name] = BackupOutcome(name, "failed", error=fetched.error)
            return
        saved = None if fetched.startup is None else same_config(fetched.running, fetched.startup)

        def keep(session: Session, content: str, stored_as: ConfigKind) -> tuple[Any, bool]:
            # In check mode: the row a real run would return, and whether it would store one.
            device_id = targets[name][0]
            if check:
                row = config_store.newest_if_same(session, device_id, content, stored_as)
                return row, row is None
            return config_store.store_configuration(
                session, device_id, content, kind=stored_as, actor=actor
            )

        def store(session: Session) -> BackupOutcome:
            row, created = keep(session, fetched.running, kind)
            startup_version = None
            if fetched.startup is not None:
                kept, startup_created = keep(session, fetched.startup, ConfigKind.STARTUP)
                created = created or startup_created
                startup_version = kept.version if kept else None
            word = ("would store" if check else "stored") if created else "already exists"
            return BackupOutcome(
                name,
                word,
                row.version if row else None,
                row.content_hash if row else None,
                saved,
                startup_version,
                content=fetched.running,
            )

        outcomes[name] = run_transaction(
            store, store_url, write=not check, what=f"the device {name!r}"
        )

    in_parallel(
        list(targets),
        lambda name: _fetch(name, targets[name][1], timeout, startup),
        finish,
        workers,
    )
    return [outcomes[name] for name in names]


@dataclass
class ComplianceOutcome:
    """One device's compliance: its report, or why it could not be checked."""

    device: str
    report: ComplianceReport | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the outcome as plain data for module results."""
        # The same keys for every device, checked or not, so playbooks can map over them.
        data = {"device": self.device, "error": self.error, "compliant": None}
        data.update(missing=[], extra=[], intended_version=None, running_version=None)
        data["running_kind"] = None
        data.update(self.report.to_dict() if self.report else {})
        return data


def compliance_many(
    names: Sequence[str],
    *,
    store_url: str | None,
    box: Any,
    refresh: bool = True,
    against: str | ConfigKind = ConfigKind.RUNNING,
    ignore: Sequence[str] = (),
    check: bool = False,
    **fetch: Any,
) -> list[ComplianceOutcome]:
    """Compare each device's newest intended config with its running one.

    With ``refresh``, the running configs are read from the devices first (in parallel,
    stored as ``running`` unless ``check``); otherwise the newest stored ``against`` kind is
    used. A device that cannot be read or has nothing intended gets an ``error``. Raises
    ValidationError for a bad ``ignore`` pattern before any device is read.
    """
    check_ignores(ignore)
    kind = ConfigKind.RUNNING if refresh else config_store.parse_kind(against)
    texts: dict[str, tuple[int | None, str]] = {}
    results: dict[str, ComplianceOutcome] = {}
    if refresh:
        read = backup_many(names, store_url=store_url, box=box, kind=kind, check=check, **fetch)
        for outcome in read:
            if outcome.error:
                results[outcome.device] = ComplianceOutcome(outcome.device, error=outcome.error)
            else:
                texts[outcome.device] = (outcome.version, outcome.content or "")

    def compare(session: Session) -> None:
        for name in names:
            if name in results:
                continue
            try:
                device = config_store.device_by_name(session, name)
                intended = config_store.get_configuration(session, device.id)
                if name in texts:
                    version, running = texts[name]
                else:
                    stored = config_store.get_configuration(session, device.id, None, kind)
                    version, running = stored.version, stored.content
            except NotFoundError as exc:
                results[name] = ComplianceOutcome(name, error=str(exc))
                continue
            report = compare_configs(intended.content, running, ignore)
            report.intended_version, report.running_version = intended.version, version
            report.running_kind = kind.value
            results[name] = ComplianceOutcome(name, report)

    run_transaction(compare, store_url, write=False, what="the store")
    return [results[name] for name in names]


def _fetch(name: str, target: Target, timeout: float, startup: bool) -> _Fetched:
    try:
        with target.open(timeout) as driver:
            configs = driver.get_config(retrieve="all" if startup else "running")
    except DeviceError as exc:
        return _Fetched(error=str(exc))
    except device_errors() as exc:
        return _Fetched(error=reason(exc, name, "reading its configuration"))
    return _Fetched(configs["running"], configs.get("startup") if startup else None)


def in_parallel(
    items: list[T],
    work: Callable[[T], R],
    finish: Callable[[T, R], None],
    workers: int,
) -> None:
    """Run ``work(item)`` for every item in at most ``workers`` threads.

    ``finish(item, result)`` runs in the calling thread as each result arrives, so store
    writes never leave it. An exception from ``work`` (a bug: device failures are results)
    is raised after every other item has finished.
    """
    if not items:
        return
    first_error: BaseException | None = None
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(items)))) as pool:
        futures: dict[Future[R], T] = {pool.submit(work, item): item for item in items}
        for future in as_completed(futures):
            error = future.exception()
            if error is not None:
                first_error = first_error or error
                continue
            finish(futures[future], future.result())
    if first_error is not None:
        raise first_error


def _once_each(names: Sequence[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValidationError(f"device {name!r} is listed twice; list each device once")
        seen.add(name)
