"""Applying configurations to the lab through the real NAPALM ios driver: merge and replace,
idempotence, check mode (through the service and the module), bulk, and backups. The fault
matrix and the commit-confirm cases are in test_config_lab_faults.py."""

from __future__ import annotations

import pytest

from ansible_collections.isp.network.plugins.module_utils.services.config_apply import (
    same_config,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_compliance import (
    compare_configs,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_record import (
    ApplyRequest,
)
from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
    ConfigurationService as Config,
)
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from ansible_collections.isp.network.plugins.module_utils.store.models.config import (
    ConfigKind,
    DeviceConfiguration,
)
from tests.integration.config_lab import (
    apply,
    apply_events,
    assert_backup_running_and_recorded,
    device_diff,
    isp_small_lab,
    rows,
    running_file,
    running_of,
    startup_of,
    store_intended,
    store_of,
    with_lines,
)
from tests.module_runner import run_module

pytestmark = pytest.mark.lab


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """An isp-small lab for this module: every test works on devices of its own."""
    yield from isp_small_lab(tmp_path_factory, "config-lab")


@pytest.fixture
def world(lab, tmp_path, secret_key):
    """A store holding the lab's devices, and the key to their credentials."""
    yield from store_of(lab, tmp_path, secret_key)


def test_merge_applies_then_changes_nothing_the_second_time(world):
    lab = world["lab"]
    config_id = store_intended(world, "core1", "ntp server 192.0.2.201\nlogging host 192.0.2.51\n")

    first = apply(world, ApplyRequest("core1"))
    second = apply(world, ApplyRequest("core1"))

    assert [(o.outcome, o.changed, o.error) for o in first] == [("applied", True, None)]
    assert "ntp server 192.0.2.201" in first[0].diff
    assert [(o.outcome, o.changed, o.diff) for o in second] == [("unchanged", False, "")]
    running = running_of(lab, "core1")
    assert "ntp server 192.0.2.201" in running and "logging host 192.0.2.51" in running
    applied = rows(world, "core1", ConfigKind.APPLIED)
    assert [(r.version, r.state.value, r.error) for r in applied] == [(1, "applied", None)]
    with session_scope(world["url"]) as session:
        intended = session.get(DeviceConfiguration, config_id)
        assert (intended.state.value, intended.applied_by is not None) == ("applied", True)
    assert [r.version for r in rows(world, "core1", ConfigKind.BACKUP)] == [1, 2]


# device, mode, the line the candidate adds
CHECKS = [
    ("core2", "merge", "ntp server 192.0.2.202"),
    ("agg1b", "replace", "ntp server 192.0.2.206"),
]


@pytest.mark.parametrize(("name", "mode", "line"), CHECKS)
def test_check_mode_returns_the_device_diff_and_touches_nothing(world, name, mode, line):
    lab = world["lab"]
    config = running_of(lab, name)
    candidate = with_lines(config, f"{line}\n") if mode == "replace" else f"{line}\n"
    reported = device_diff(lab, name, mode, candidate)
    before = running_file(lab, name).read_bytes()

    [outcome] = apply(world, ApplyRequest(name, candidate), mode=mode, check=True)

    assert (outcome.outcome, outcome.changed, outcome.diff) == ("would_change", False, reported)
    assert line in outcome.diff
    assert running_file(lab, name).read_bytes() == before
    for kind in (ConfigKind.BACKUP, ConfigKind.APPLIED, ConfigKind.INTENDED):
        assert rows(world, name, kind) == []
    assert apply_events(world, name) == []


def test_the_module_in_check_mode_returns_each_device_diff_and_touches_nothing(world):
    lab = world["lab"]
    config_id = store_intended(world, "bng1", "ntp server 192.0.2.207\nlogging host 192.0.2.57\n")
    before = running_file(lab, "bng1").read_bytes()

    result = run_module(
        "config_apply",
        {"devices": ["bng1"], "intended": True, "timeout": 20, "store_url": world["url"]},
        check_mode=True,
        diff=True,
    )

    [entry] = result["results"]
    assert (result["changed"], entry["outcome"], entry["changed"]) == (True, "would_change", False)
    assert "ntp server 192.0.2.207" in entry["diff"] and "logging host 192.0.2.57" in entry["diff"]
    assert result["diff"] == {"prepared": f"--- bng1\n{entry['diff']}\n"}
    assert result["msg"] == "configuration checked on 1 device: 1 would_change"
    assert running_file(lab, "bng1").read_bytes() == before
    assert [(r.id, r.state.value) for r in rows(world, "bng1", ConfigKind.INTENDED)] == [
        (config_id, "draft")
    ]
    assert rows(world, "bng1", ConfigKind.BACKUP) == rows(world, "bng1", ConfigKind.APPLIED) == []
    assert apply_events(world, "bng1") == []


def test_replace_makes_the_running_config_equal_the_candidate(world):
    lab = world["lab"]
    candidate = with_lines(running_of(lab, "agg1a"), "ntp server 192.0.2.203\n")

    first = apply(world, ApplyRequest("agg1a", candidate), mode="replace")
    second = apply(world, ApplyRequest("agg1a", candidate), mode="replace")

    assert [(o.outcome, o.error) for o in first] == [("applied", None)]
    assert same_config(candidate, running_of(lab, "agg1a"))
    assert [(o.outcome, o.changed, o.diff) for o in second] == [("unchanged", False, "")]
    assert [r.state.value for r in rows(world, "agg1a", ConfigKind.APPLIED)] == ["applied"]


def test_bulk_apply_keeps_every_device_result_when_some_fail(world):
    lab = world["lab"]
    line = "ntp server 192.0.2.205"
    lab.set_fault("acc4", "reject_password")
    lab.set_fault("edge1", "reject_line", value=line)
    names = ["acc3", "acc4", "acc5", "edge1", "agg2a"]
    before = {name: running_of(lab, name) for name in names}

    outcomes = apply(world, *(ApplyRequest(n, f"{line}\n") for n in names))

    assert [(o.device, o.outcome) for o in outcomes] == [
        ("acc3", "applied"),
        ("acc4", "failed"),
        ("acc5", "applied"),
        ("edge1", "rolled_back"),
        ("agg2a", "applied"),
    ]
    for outcome in (o for o in outcomes if o.outcome == "applied"):
        assert line in outcome.diff
        assert line in running_of(lab, outcome.device)
        [attempt] = rows(world, outcome.device, ConfigKind.APPLIED)
        assert (attempt.version, attempt.state.value, attempt.error) == (
            outcome.applied_version,
            "applied",
            None,
        )
    assert "refused the login" in outcomes[1].error
    assert same_config(before["acc4"], running_of(lab, "acc4"))
    [refused] = rows(world, "acc4", ConfigKind.APPLIED)
    assert (refused.state.value, refused.error) == ("failed", outcomes[1].error)
    assert same_config(before["edge1"], running_of(lab, "edge1"))
    assert_backup_running_and_recorded(
        world, outcomes[3], "rolled_back", f"rejected the line '{line}'"
    )


def test_backup_stores_each_running_config_once(world):
    lab = world["lab"]
    names = [entry["name"] for entry in lab.inventory()]

    first = Config.backup_configurations(
        names, store_url=world["url"], box=world["box"], startup=True, timeout=20
    )
    second = Config.backup_configurations(names, store_url=world["url"], box=world["box"])

    assert {o.outcome for o in first} == {"stored"}
    assert {o.outcome for o in second} == {"already exists"}
    assert all(o.startup_saved is not None for o in first)
    [stored] = rows(world, "core2", ConfigKind.BACKUP)
    assert same_config(stored.content, running_of(lab, "core2"))
    [startup] = rows(world, "core2", ConfigKind.STARTUP)
    assert same_config(startup.content, startup_of(lab, "core2"))
    assert {o.startup_version for o in first} == {1}

    third = Config.backup_configurations(
        ["core2"], store_url=world["url"], box=world["box"], startup=True, timeout=20
    )
    assert [(o.outcome, o.startup_version) for o in third] == [("already exists", 1)]


def test_secrets_given_in_clear_apply_and_verify_though_the_device_shows_them_hashed(world):
    lab = world["lab"]
    clear = ("N3w-Enable-S3cret", "Ops-S3cret")
    change = f"enable secret 0 {clear[0]}\nusername ops privilege 15 secret {clear[1]}\n"

    [outcome] = apply(world, ApplyRequest("agg2b", change))

    assert (outcome.outcome, outcome.error) == ("applied", None)
    running = running_of(lab, "agg2b")
    assert "username ops privilege 15 secret 9 $9$" in running
    assert not [value for value in clear if value in running or value in outcome.diff]
    [attempt] = rows(world, "agg2b", ConfigKind.APPLIED)
    assert attempt.state.value == "applied"
    assert not [value for value in clear if value in (attempt.diff or "")]
    # Compliance finds the intended lines in their hashed form (the rest is extra).
    assert compare_configs(change, running).missing == []
