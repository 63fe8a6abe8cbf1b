"""The apply transaction against a scripted driver: the failure paths the lab cannot show
(a verification that fails, a rollback that fails, a restore that fails), and the messages."""

from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from napalm.base.exceptions import CommitConfirmException

from ansible_collections.isp.network.plugins.module_utils.errors import BusyError, ValidationError
from ansible_collections.isp.network.plugins.module_utils.services import config_apply
from ansible_collections.isp.network.plugins.module_utils.services.config_apply import (
    Push,
    Target,
    push,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_bulk import apply_many
from ansible_collections.isp.network.plugins.module_utils.services.config_record import (
    ApplyOptions,
    ApplyRequest,
)

BACKUP = "hostname r1\nntp server 192.0.2.1\n"


class ScriptedDriver:
    """A NAPALM-shaped driver over a shared running config, with scripted misbehaviour."""

    def __init__(self, device: dict, **script) -> None:
        self.device = device
        self.script = script
        self.calls: list[str] = []
        self.candidate = ""
        self.replace = False

    def get_config(self, retrieve: str = "running") -> dict:
        self.calls.append("get_config")
        return {"running": self.device["running"], "startup": "", "candidate": ""}

    def load_merge_candidate(self, config: str) -> None:
        self.calls.append("load")
        self.candidate = config

    def compare_config(self) -> str:
        self.calls.append("compare")
        return "" if self.candidate in self.device["running"] else f"+{self.candidate}"

    def discard_config(self) -> None:
        self.calls.append("discard")

    def commit_config(self, message: str = "", revert_in: int | None = None) -> None:
        if revert_in is not None:
            # Only a driver scripted with `timer` has commit-confirm; it keeps the backup.
            if not self.script.get("timer"):
                raise NotImplementedError("no commit-confirm on this platform")
            self.device["pending"] = self.device["running"]
        self.calls.append("commit" if revert_in is None else f"commit revert_in={revert_in}")
        if self.script.get("commit_raises"):
            self.device["running"] += "half\n"
            raise self.script["commit_raises"]
        if self.replace:
            self.device["running"] = self.candidate
        else:
            # A device that commits something else than asked fails verification.
            self.device["running"] += self.script.get("commits", self.candidate)

    def load_replace_candidate(self, config: str) -> None:
        self.calls.append("load_replace")
        self.candidate = config
        self.replace = True

    def rollback(self) -> None:
        self.calls.append("rollback")
        if self.script.get("rollback_raises"):
            raise self.script["rollback_raises"]
        self.device.pop("pending", None)
        self.device["running"] = BACKUP

    def confirm_commit(self) -> None:
        self.calls.append("confirm")
        if self.script.get("confirm_raises"):
            raise self.script["confirm_raises"]
        self.device.pop("pending")

    def has_pending_commit(self) -> bool:
        return "pending" in self.device


@pytest.fixture
def lab_device(monkeypatch):
    """One scripted device; returns (state, drivers opened, set the next sessions' script)."""
    state = {"running": BACKUP}
    opened: list[ScriptedDriver] = []
    scripts: list[dict] = []

    @contextmanager
    def fake_open(self, timeout):
        driver = ScriptedDriver(state, **(scripts.pop(0) if scripts else {}))
        opened.append(driver)
        yield driver

    monkeypatch.setattr(Target, "open", fake_open)
    return state, opened, scripts


def job(candidate: str = "logging host 192.0.2.9\n", **changes) -> Push:
    device = SimpleNamespace(name="r1", hostname="127.0.0.1", port=None, driver_options={})
    return Push(Target(device, "u", "p"), candidate, **changes)


def test_applied_then_unchanged(lab_device):
    first, second = push(job()), push(job())

    assert (first.outcome, first.backup, first.steps) == (
        "applied",
        BACKUP,
        ["backup", "compare", "commit", "verify"],
    )
    assert (second.outcome, second.diff) == ("unchanged", "")


def test_check_mode_discards_and_returns_the_diff(lab_device):
    state, opened, _ = lab_device

    result = push(job(check=True))

    assert (result.outcome, result.diff) == ("would_change", "+logging host 192.0.2.9")
    assert opened[0].calls[-1] == "discard"
    assert state["running"] == BACKUP


def test_a_failed_verification_rolls_back_in_the_same_session(lab_device):
    state, opened, scripts = lab_device
    scripts.append({"commits": "logging host 192.0.2.99\n"})

    result = push(job())

    assert result.outcome == "rolled_back"
    assert result.error == (
        "device 'r1' lacks 'logging host 192.0.2.9' after the commit (1 missing, 0 extra "
        "lines); the change did not take as intended"
    )
    assert "rollback" in opened[0].calls
    assert (len(opened), state["running"]) == (1, BACKUP)


def test_a_lost_session_restores_through_a_new_one(lab_device):
    state, opened, scripts = lab_device
    assert state["running"] == BACKUP
    scripts.append({"commit_raises": EOFError(), "rollback_raises": OSError("closed")})

    result = push(job())

    assert result.outcome == "rolled_back"
    assert result.error.startswith("the session to device 'r1' was lost while committing")
    assert opened[1].calls[:2] == ["load_replace", "commit"]
    assert result.steps[-1] == "restore"


def test_a_failed_restore_says_the_device_needs_a_hand(lab_device):
    state, _, scripts = lab_device
    lost = {"commit_raises": EOFError(), "rollback_raises": OSError("closed")}
    scripts.extend([lost, {"commit_raises": EOFError()}])

    result = push(job())

    assert result.outcome == "failed"
    assert "restoring the backup failed too" in result.error
    assert result.error.endswith("restore its backup by hand")
    assert state["running"] != BACKUP


def test_time_running_out_before_the_commit_changes_nothing(lab_device, monkeypatch):
    state, opened, _ = lab_device
    clock = iter([0.0, 0.0, 100.0])
    monkeypatch.setattr(config_apply.time, "monotonic", lambda: next(clock, 100.0))

    result = push(job(timeout=10))

    assert result.outcome == "failed"
    assert result.error.startswith("device 'r1' took longer than 10 s before committing")
    assert "commit" not in opened[0].calls and opened[0].calls[-1] == "discard"
    assert state["running"] == BACKUP


def test_a_journal_that_cannot_be_written_discards_the_candidate(lab_device):
    state, opened, _ = lab_device

    def before_commit(_result):
        raise BusyError("the store is busy; run the task again")

    result = push(job(before_commit=before_commit))

    assert (result.outcome, result.error) == ("failed", "the store is busy; run the task again")
    assert "commit" not in opened[0].calls and opened[0].calls[-1] == "discard"
    assert state["running"] == BACKUP


def test_a_timed_commit_is_confirmed_once_verified(lab_device):
    state, opened, scripts = lab_device
    scripts.append({"timer": True})

    result = push(job())

    assert (result.outcome, result.commit, result.confirm_timer) == ("applied", "confirm", 120)
    assert result.steps == ["backup", "compare", "commit", "verify", "confirm"]
    assert opened[0].calls[-3:] == ["commit revert_in=120", "get_config", "confirm"]
    assert "pending" not in state


@pytest.mark.parametrize(("script", "confirm_timeout"), [({}, 120), ({"timer": True}, 0)])
def test_without_a_timer_the_commit_is_plain(lab_device, script, confirm_timeout):
    state, opened, scripts = lab_device
    scripts.append(script)

    result = push(job(confirm_timeout=confirm_timeout))

    assert (result.outcome, result.commit, result.confirm_timer) == ("applied", "plain", 0)
    assert "commit" in opened[0].calls and "confirm" not in opened[0].calls
    assert "pending" not in state


def test_a_failed_verification_reverts_the_pending_change(lab_device):
    state, opened, scripts = lab_device
    scripts.append({"timer": True, "commits": "logging host 192.0.2.99\n"})

    result = push(job())

    assert (result.outcome, result.commit) == ("rolled_back", "confirm")
    assert "confirm" not in opened[0].calls and "rollback" in opened[0].calls
    assert (len(opened), state["running"], "pending" in state) == (1, BACKUP, False)


def test_a_session_lost_before_the_confirm_reverts_first_in_a_new_one(lab_device):
    state, opened, scripts = lab_device
    lost = {"timer": True, "confirm_raises": EOFError(), "rollback_raises": OSError("closed")}
    scripts.append(lost)

    result = push(job())

    assert result.outcome == "rolled_back"
    assert result.error.startswith("the session to device 'r1' was lost while confirming")
    assert opened[1].calls[:3] == ["rollback", "load_replace", "commit"]
    assert result.steps[-2:] == ["revert", "restore"]
    assert (state["running"], "pending" in state) == (BACKUP, False)


def test_a_timed_change_nobody_can_restore_is_left_to_the_timer(lab_device):
    state, _, scripts = lab_device
    lost = {"timer": True, "confirm_raises": EOFError(), "rollback_raises": OSError("closed")}
    scripts.extend([lost, {"rollback_raises": OSError("closed")}])

    result = push(job(confirm_timeout=300))

    assert result.outcome == "failed"
    assert "restoring the backup failed too" in result.error
    assert result.error.endswith(
        "the device reverts to the backup when its 300 s confirm timer expires; check it then"
    )
    assert state["pending"] == BACKUP


def test_a_change_the_timer_reverted_before_the_confirm_says_so(lab_device):
    _, _, scripts = lab_device
    scripts.append({"timer": True, "confirm_raises": CommitConfirmException("No pending")})

    result = push(job())

    assert result.outcome == "rolled_back"
    assert result.error == (
        "device 'r1' had no change of this login left to confirm (No pending): its 120 s "
        "confirm timer expired first or another login ended the change; raise confirm_timeout "
        "above the time verification takes"
    )


def test_the_diff_is_masked_and_the_backup_kept_exact(lab_device):
    state, _, _ = lab_device
    state["running"] = BACKUP + "enable secret 9 $9$b406b5\n"

    result = push(job("username admin secret 0 hunter2\n", check=True))

    assert result.diff == "+username admin secret 0 <removed>"
    assert result.backup == BACKUP + "enable secret 9 $9$b406b5\n"


def test_a_commit_that_timed_out_is_reported_as_sent(lab_device):
    _, _, scripts = lab_device
    lost = {"commit_raises": EOFError(), "rollback_raises": OSError("closed")}
    scripts.extend([lost, {"commit_raises": EOFError()}])

    result = push(job())

    assert (result.outcome, result.commit, result.commit_sent) == ("failed", "plain", True)


def test_a_timed_commit_that_failed_half_way_is_reverted_before_the_restore(lab_device):
    state, opened, scripts = lab_device
    lost = {"timer": True, "commit_raises": EOFError(), "rollback_raises": OSError("closed")}
    scripts.append(lost)

    result = push(job())

    assert (result.outcome, result.commit, result.confirm_timer) == ("rolled_back", "confirm", 120)
    assert opened[1].calls[:3] == ["rollback", "load_replace", "commit"]
    assert (state["running"], "pending" in state) == (BACKUP, False)


def test_the_restore_has_its_own_longer_budget(lab_device, monkeypatch):
    _, _, scripts = lab_device
    scripts.append({"commit_raises": EOFError(), "rollback_raises": OSError("closed")})
    scripted = Target.open
    budgets: list[float] = []

    def open_recorded(self, timeout):
        budgets.append(timeout)
        return scripted(self, timeout)

    monkeypatch.setattr(Target, "open", open_recorded)

    default = push(job(timeout=2))
    scripts.append({"commit_raises": EOFError(), "rollback_raises": OSError("closed")})
    given = push(job(timeout=30, restore_timeout=200))
    scripts.append({"commit_raises": EOFError(), "rollback_raises": OSError("closed")})
    tripled = push(job(timeout=30))

    assert [default.outcome, given.outcome, tripled.outcome] == ["rolled_back"] * 3
    assert budgets == [2, 60, 30, 200, 30, 90]


def test_time_running_out_after_the_commit_restores_the_backup(lab_device, monkeypatch):
    state, opened, _ = lab_device
    # The deadline, the checks before loading and committing, then before verifying.
    clock = iter([0.0, 0.0, 0.0, 100.0])
    monkeypatch.setattr(config_apply.time, "monotonic", lambda: next(clock, 100.0))

    result = push(job(timeout=10))

    assert result.outcome == "rolled_back"
    assert result.error.startswith("device 'r1' took longer than 10 s before verifying")
    assert "rollback" in opened[0].calls and state["running"] == BACKUP


def test_a_restore_out_of_time_says_which_budget_to_raise(lab_device, monkeypatch):
    _, _, scripts = lab_device
    scripts.append({"commit_raises": EOFError(), "rollback_raises": OSError("closed")})
    # The apply's deadline and checks, then the restore's deadline and its first check.
    clock = iter([0.0, 0.0, 0.0, 0.0, 100.0])
    monkeypatch.setattr(config_apply.time, "monotonic", lambda: next(clock, 100.0))

    result = push(job(timeout=10, restore_timeout=20))

    assert result.outcome == "failed"
    assert (
        "restoring the backup failed too (device 'r1' took longer than 20 s before restoring "
        "the backup; the device is slow or overloaded: raise restore_timeout or try again later)"
    ) in result.error


def test_a_bad_ignore_pattern_fails_before_any_device_is_touched(lab_device):
    _, opened, _ = lab_device

    with pytest.raises(ValidationError) as raised:
        apply_many(
            [ApplyRequest("r1", "ntp server 192.0.2.1\n")],
            store_url="sqlite://",
            box=None,
            options=ApplyOptions(ignore=("^ntp ", "(bad")),
        )

    assert str(raised.value) == "ignore pattern '(bad' is not a regular expression; fix it"
    assert opened == []
