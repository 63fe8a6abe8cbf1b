"""A device that turns slow in the middle of an apply, through the real NAPALM ios driver.

The lab device answers every command later than the apply's timeout allows a read to wait,
from a moment the test picks: after the backup (while loading) or just before the commit.
Whatever the moment, the device ends on the backup the apply stored, restored within the
restore's own budget while the device is still slow, and the store says why. And what a
replace shows of the secrets it removes: their lines, never their values."""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Any

import pytest

from ansible_collections.isp.network.plugins.module_utils.services import config_bulk
from ansible_collections.isp.network.plugins.module_utils.services.config_apply import (
    Target,
    same_config,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_record import (
    ApplyOptions,
    ApplyRequest,
)
from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
    ConfigurationService as Config,
)
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from ansible_collections.isp.network.plugins.module_utils.store.models.config import ConfigKind
from lab import start_lab
from lab.topology import build
from tests.integration.config_lab import running_of, store_of

pytestmark = pytest.mark.lab

NETWORK = {
    "name": "slow-devices",
    "defaults": {
        "credentials": {"username": "netops", "password": "lab-pass", "enable_secret": "lab-en"}
    },
    "devices": {
        "slow1": {},
        "slow2": {},
        "plain1": {},
    },
}
# Seconds a read may wait in the apply, and the latency that makes every read miss it.
TIMEOUT = 2
LATENCY = 2.3
CHANGE = "ntp server 192.0.2.231\nlogging host 192.0.2.71\n"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """Three devices of their own."""
    running = start_lab(build(NETWORK), tmp_path_factory.mktemp("slow-lab"))
    yield running
    running.stop()


@pytest.fixture
def world(lab, tmp_path, secret_key):
    """A store holding the lab's devices; the lab's faults cleared afterwards."""
    yield from store_of(lab, tmp_path, secret_key)


def slow_from_commit(monkeypatch, lab, name: str) -> None:
    """Make ``name`` slow once the apply has journaled its commit, just before sending it."""
    journal = config_bulk._journal

    def journal_then_slow(item: Any, store_url: str | None, actor: str | None) -> Any:
        note = journal(item, store_url, actor)

        def slow(result: Any) -> None:
            note(result)
            lab.set_fault(name, "latency", value=LATENCY)

        return slow

    monkeypatch.setattr(config_bulk, "_journal", journal_then_slow)


def slow_from_load(monkeypatch, lab, name: str) -> None:
    """Make ``name`` slow as soon as the apply has read its backup."""
    opened = Target.open

    class SlowAfterBackup:
        def __init__(self, driver: Any) -> None:
            self._driver = driver

        def __getattr__(self, attribute: str) -> Any:
            return getattr(self._driver, attribute)

        def get_config(self, *args: Any, **kwargs: Any) -> Any:
            configs = self._driver.get_config(*args, **kwargs)
            lab.set_fault(name, "latency", value=LATENCY)
            return configs

    @contextmanager
    def open_slowing(self: Target, timeout: float) -> Any:
        with opened(self, timeout) as driver:
            yield SlowAfterBackup(driver)

    monkeypatch.setattr(Target, "open", open_slowing)


def apply(world, name: str, **options: Any) -> tuple[Any, float]:
    """Apply CHANGE to ``name`` through the bulk path; return its outcome and the seconds."""
    started = time.monotonic()
    [outcome] = Config.apply_configurations(
        [ApplyRequest(name, CHANGE)],
        store_url=world["url"],
        box=world["box"],
        options=ApplyOptions(timeout=TIMEOUT, **options),
    )
    return outcome, time.monotonic() - started


def stored(world, name: str, kind: ConfigKind) -> list[Any]:
    """Return the device's stored configurations of ``kind``, oldest first."""
    with session_scope(world["url"]) as session:
        device = DeviceService.get_device_by_name(session, name)
        rows = Config.get_configuration_history(session, device.id, kind=kind.value)
        return sorted(rows, key=lambda row: row.version)


def assert_back_on_its_backup(world, name: str, outcome: Any, before: str) -> None:
    """The device runs the stored backup, and the store records the outcome and why."""
    [backup] = stored(world, name, ConfigKind.BACKUP)
    assert same_config(before, backup.content)
    assert same_config(backup.content, running_of(world["lab"], name)), outcome.error
    [attempt] = stored(world, name, ConfigKind.APPLIED)
    assert (attempt.state.value, attempt.error) == (outcome.outcome, outcome.error)


def test_a_device_slow_from_the_commit_on_is_restored_within_the_restore_budget(world, monkeypatch):
    lab = world["lab"]
    before = running_of(lab, "slow1")
    slow_from_commit(monkeypatch, lab, "slow1")

    # Every read waits 2 s in the apply, 120 s in the restore: some 15 commands of 2.3 s.
    outcome, seconds = apply(world, "slow1", restore_timeout=120)

    # The commit sent was a commit-confirm (its first command, which looks for ``archive``,
    # timed out): the result says a commit was sent, and of which kind.
    assert (outcome.outcome, outcome.commit) == ("rolled_back", "confirm"), outcome.error
    assert "lost while committing (ReadTimeout)" in outcome.error
    assert seconds < 120 + 3 * TIMEOUT
    lab.clear_faults("slow1")
    assert_back_on_its_backup(world, "slow1", outcome, before)


def test_a_device_slow_from_the_load_on_ends_on_its_backup(world, monkeypatch):
    lab = world["lab"]
    before = running_of(lab, "slow2")
    slow_from_load(monkeypatch, lab, "slow2")

    outcome, _seconds = apply(world, "slow2")
    lab.clear_faults("slow2")

    assert (outcome.outcome, outcome.commit) == ("failed", None), outcome.error
    assert "while loading the candidate" in outcome.error
    assert_back_on_its_backup(world, "slow2", outcome, before)


def test_a_replace_diff_names_the_secret_lines_it_removes_without_their_values(world):
    lab = world["lab"]
    running = running_of(lab, "plain1")
    kept = [line for line in running.splitlines() if "secret" not in line]
    removed = sorted(line for line in running.splitlines() if "secret" in line)
    assert [line.split(" 9 ")[0] for line in removed] == [
        "enable secret",
        "username netops privilege 15 secret",
    ]

    [outcome] = Config.apply_configurations(
        [ApplyRequest("plain1", "\n".join(kept) + "\n")],
        store_url=world["url"],
        box=world["box"],
        options=ApplyOptions(mode="replace", check=True, timeout=20),
    )

    assert outcome.outcome == "would_change"
    shown = outcome.diff.splitlines()
    assert "-enable secret 9 <removed>" in shown
    assert "-username netops privilege 15 secret 9 <removed>" in shown
    assert not [line for line in removed if line.split(" 9 ")[1] in outcome.diff]
