"""Benchmark of firmware staging: our stage step against plain netmiko file_transfer.

Both copy the same image to every device of a detached lab, in one thread per device, and
both end with the image verified by `verify /md5` on the device. The image is deleted from
every flash between the two runs, so each run copies it.
"""

from __future__ import annotations

import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
for entry in (ROOT, ROOT / ".collections"):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

from bench.harness import Row, lab_cli  # noqa: E402
from lab import LabClient  # noqa: E402
from lab.images import image_name, write_image  # noqa: E402

GOAL_RATIO = 1.3


def _login(entry: dict):
    from ansible_collections.isp.network.plugins.module_utils.services.firmware_device import (
        Login,
    )

    device = SimpleNamespace(
        name=entry["name"], hostname=entry["hostname"], port=entry["port"], platform="ios"
    )
    return Login(device, entry["username"], entry["password"], entry.get("enable_secret"), 30)


def _ours(entries: list[dict], image: Path, md5: str) -> None:
    from ansible_collections.isp.network.plugins.module_utils.services import firmware_steps

    def one(entry: dict) -> None:
        context = firmware_steps.StepContext(
            update_id=0,
            login=_login(entry),
            target_version="bench",
            target_image=image.name,
            target_md5=md5,
            target_size=image.stat().st_size,
            image_path=image,
            previous_version=None,
            previous_image=None,
            snapshot={},
            timeouts=firmware_steps.StepTimeouts(),
        )
        result = firmware_steps.stage(context)
        assert result.detail["copied"], entry["name"]

    with ThreadPoolExecutor(len(entries)) as pool:
        list(pool.map(one, entries))


def _netmiko(client: LabClient, entries: list[dict], image: Path) -> None:
    from netmiko import ConnectHandler, file_transfer

    def one(entry: dict) -> None:
        with ConnectHandler(**client.netmiko_args(entry["name"]), conn_timeout=30) as conn:
            conn.enable()
            done = file_transfer(
                conn, source_file=str(image), dest_file=image.name, file_system="flash:"
            )
        assert done["file_verified"], entry["name"]

    with ThreadPoolExecutor(len(entries)) as pool:
        list(pool.map(one, entries))


def _clean(entries: list[dict], name: str) -> None:
    from ansible_collections.isp.network.plugins.module_utils.services import firmware_device

    def one(entry: dict) -> None:
        with _login(entry).open() as connection:
            firmware_device.delete_file(connection, name)

    with ThreadPoolExecutor(len(entries)) as pool:
        list(pool.map(one, entries))


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def run(quick: bool) -> list[dict]:
    """Stage one image to every lab device both ways; return one row."""
    import hashlib

    size_mb, devices = (8, 10) if quick else (64, 50)
    with tempfile.TemporaryDirectory(prefix="bench-fw-") as folder:
        state = Path(folder) / "lab"
        lab_cli("up", f"scale-{devices}", "--state", str(state), "--base-port", "0", "--detach")
        try:
            client = LabClient(state)
            entries = client.inventory()[:devices]
            name = image_name("99.1.1", "bench")
            image = write_image(Path(folder) / name, "99.1.1", size_mb * 1024 * 1024, "bench")
            md5 = hashlib.md5(image.read_bytes(), usedforsecurity=False).hexdigest()
            baseline = _timed(lambda: _netmiko(client, entries, image))
            _clean(entries, name)
            subject = _timed(lambda: _ours(entries, image, md5))
        finally:
            lab_cli("down", "--state", str(state))
    ratio = subject / baseline if baseline else 0.0
    return [
        Row(
            benchmark="firmware staging",
            subject=f"stage step, {size_mb} MB image to {devices} devices in parallel",
            subject_value=subject,
            baseline="netmiko file_transfer in threads",
            baseline_value=baseline,
            unit="s",
            goal=f"<= {GOAL_RATIO}x",
            ok=ratio <= GOAL_RATIO,
            ratio=ratio,
        ).to_dict()
    ]


if __name__ == "__main__":
    for row in run("--quick" in sys.argv):
        print(row)
