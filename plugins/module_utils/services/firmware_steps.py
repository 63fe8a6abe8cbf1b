# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The steps of an update, each safe to run again after a run died in the middle of it.

A step talks to the device only; the runner records its outcome in the store. Pre-check,
backup and stage leave the device's software as it is; activate and verify may change it,
so a failure there rolls back. Each step first looks at what is already done: stage checks
the md5 on the device before copying, activate checks what the device runs and boots.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ansible_collections.isp.network.plugins.module_utils.drivers.netmiko import reach_errors
from ansible_collections.isp.network.plugins.module_utils.errors import (
    DeviceError,
    IspNetworkError,
)
from ansible_collections.isp.network.plugins.module_utils.services import firmware_device as ops
from ansible_collections.isp.network.plugins.module_utils.services.firmware_snapshot import (
    compare_snapshots,
    take_snapshot,
)


class StepFailed(IspNetworkError):
    """A step found the device not fit to go on (no room, wrong md5, wrong version)."""


@dataclass
class StepTimeouts:
    """How long steps wait, in seconds; short in tests, long for real devices."""

    reload_timeout: float = 900.0
    settle_timeout: float = 120.0
    poll_interval: float = 5.0
    down_timeout: float = 120.0


@dataclass
class StepContext:
    """What one step needs, copied out of the store so that no transaction stays open."""

    update_id: int
    login: ops.Login
    target_version: str
    target_image: str
    target_md5: str
    target_size: int
    image_path: Path | None
    previous_version: str | None
    previous_image: str | None
    snapshot: dict[str, Any]
    timeouts: StepTimeouts


@dataclass
class StepResult:
    """What a step found and did: fields to store on the update, and details for its record."""

    detail: dict[str, Any] = field(default_factory=dict)
    updates: dict[str, Any] = field(default_factory=dict)
    backup_config: str | None = None
    # Set when the step found the whole update already done (the device runs the target).
    already_done: bool = False


def precheck(ctx: StepContext) -> StepResult:
    """Read the running version and free flash; fail when the image cannot fit."""
    with ctx.login.open() as connection:
        now = ops.running(connection, ctx.login.label())
        present = ops.remote_md5(connection, ctx.target_image) == ctx.target_md5
        free = ops.flash_free(connection, ctx.login.label())
    detail = {"version": now.version, "image": now.image, "flash_free": free, "present": present}
    if now.version == ctx.target_version and now.image == ctx.target_image:
        return StepResult(detail, already_done=True)
    needed = 0 if present else ctx.target_size
    if free < needed:
        raise StepFailed(
            f"{ctx.login.label()} has {free} bytes free on {ops.FILE_SYSTEM} and image "
            f"{ctx.target_image} needs {needed}; delete unused images from its flash and run "
            "the update again"
        )
    return StepResult(detail, {"previous_version": now.version, "previous_image": now.image})


def backup(ctx: StepContext) -> StepResult:
    """Capture the running config and a snapshot of interfaces up and LLDP neighbours."""
    snapshot, config = take_snapshot(ctx.login, with_config=True)
    detail = {"interfaces_up": len(snapshot["interfaces_up"]), "lldp": len(snapshot["lldp"])}
    return StepResult(detail, {"snapshot": snapshot}, backup_config=config)


def stage(ctx: StepContext) -> StepResult:
    """Copy the image unless the device has it with the right md5, then verify its md5."""
    name = ctx.target_image
    with ctx.login.open() as connection:
        found = ops.remote_md5(connection, name)
        if found == ctx.target_md5:
            return StepResult({"copied": False, "md5": found})
        if ctx.image_path is None or not ctx.image_path.is_file():
            raise StepFailed(
                f"the image file {name} is missing from the firmware folder; register it again "
                "with isp.network.firmware and run the update again"
            )
        if found is not None:
            ops.delete_file(connection, name)
        started = time.monotonic()
        try:
            ops.copy_image(connection, str(ctx.image_path), name)
        except (*reach_errors(), *_scp_errors()) as exc:
            ops.delete_file(connection, name)
            raise DeviceError(
                f"copying {name} to {ctx.login.label()} failed ({type(exc).__name__}: "
                f"{_short(exc)}); check its flash and the link, then run the update again"
            ) from None
        seconds = round(time.monotonic() - started, 2)
        copied = ops.remote_md5(connection, name)
        if copied != ctx.target_md5:
            ops.delete_file(connection, name)
            raise StepFailed(
                f"the copy of {name} on {ctx.login.label()} has md5 {copied}, not "
                f"{ctx.target_md5}, and was deleted; check the link and run the update again"
            )
    return StepResult({"copied": True, "md5": copied, "seconds": seconds})


def _probe(connection: Any, label: str) -> tuple[ops.Running, list[str]]:
    return ops.running(connection, label), ops.boot_images(connection)


def _boot_and_reload(ctx: StepContext, image: str, boot: list[str]) -> ops.Running:
    """Point the boot variable at ``image`` (unless it is), reload, wait for the device."""
    times = ctx.timeouts
    with ctx.login.open() as connection:
        if boot != [image]:
            ops.set_boot_image(connection, image)
        ops.reload(connection)
    start = time.monotonic()
    ops.wait_until_down(ctx.login, start + times.down_timeout, times.poll_interval)
    return ops.wait_until_up(
        ctx.login,
        start + times.reload_timeout,
        times.poll_interval,
        lambda connection: ops.running(connection, ctx.login.label()),
    )


def activate(ctx: StepContext) -> StepResult:
    """Set the boot variable, save, reload and wait for the device to answer again."""
    times = ctx.timeouts
    label = ctx.login.label()
    deadline = time.monotonic() + times.reload_timeout
    now, boot = ops.wait_until_up(
        ctx.login, deadline, times.poll_interval, lambda c: _probe(c, label)
    )
    if now.version == ctx.target_version and now.image == ctx.target_image:
        return StepResult({"reloaded": False, "version": now.version, "image": now.image})
    started = time.monotonic()
    after = _boot_and_reload(ctx, ctx.target_image, boot)
    detail = {
        "reloaded": True,
        "version": after.version,
        "image": after.image,
        "seconds": round(time.monotonic() - started, 2),
    }
    return StepResult(detail)


def verify(ctx: StepContext) -> StepResult:
    """Check the target version runs and interfaces and LLDP neighbours came back."""
    times = ctx.timeouts
    label = ctx.login.label()
    with ctx.login.open() as connection:
        now = ops.running(connection, label)
    if now.version != ctx.target_version or (now.image and now.image != ctx.target_image):
        raise StepFailed(
            f"{label} runs {now.version} ({now.image}) after the reload, not "
            f"{ctx.target_version} ({ctx.target_image})"
        )
    deadline = time.monotonic() + times.settle_timeout
    while True:
        after, _running_config = take_snapshot(ctx.login)
        problems = compare_snapshots(ctx.snapshot, after)
        if not problems or time.monotonic() + times.poll_interval >= deadline:
            break
        time.sleep(times.poll_interval)
    if problems:
        raise StepFailed(f"{label} runs {ctx.target_version} but {'; '.join(problems)}")
    detail = {"version": now.version, "image": now.image, "snapshot": after}
    return StepResult(detail)


def rollback(ctx: StepContext) -> StepResult:
    """Boot the previous image again (reloading only when the device does not run it)."""
    label = ctx.login.label()
    if not ctx.previous_image or not ctx.previous_version:
        raise StepFailed(
            f"no previous image of {label} was recorded, so it cannot be rolled back; restore "
            "its boot variable by hand"
        )
    times = ctx.timeouts
    deadline = time.monotonic() + times.reload_timeout
    now, boot = ops.wait_until_up(
        ctx.login, deadline, times.poll_interval, lambda c: _probe(c, label)
    )
    reloaded = now.image != ctx.previous_image or now.version != ctx.previous_version
    if reloaded:
        now = _boot_and_reload(ctx, ctx.previous_image, boot)
    elif boot != [ctx.previous_image]:
        with ctx.login.open() as connection:
            ops.set_boot_image(connection, ctx.previous_image)
    if now.version != ctx.previous_version:
        raise StepFailed(
            f"{label} runs {now.version} after the rollback, not the previous "
            f"{ctx.previous_version}; restore it by hand"
        )
    return StepResult({"reloaded": reloaded, "version": now.version, "image": now.image})


STEP_FUNCTIONS = {
    "precheck": precheck,
    "backup": backup,
    "stage": stage,
    "activate": activate,
    "verify": verify,
    "rollback": rollback,
}


def _scp_errors() -> tuple[type[BaseException], ...]:
    from scp import SCPException

    return (SCPException, ValueError)


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:120] or "no detail"
