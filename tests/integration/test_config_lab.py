"""Applying configurations to the lab through the real NAPALM ios driver: merge and replace,
idempotence, check mode, bulk, backups, and the fault matrix. After every fault the lab
device's running configuration equals the backup, and the store says why.

The isp-small devices have no ``archive`` block, so their commits are plain ones; the
commit-confirm cases run on a small lab of their own whose devices have it (but one)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlmodel import select

from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.services.config_apply import (
    push,
    same_config,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_compliance import (
    compare_configs,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_record import (
    ApplyOptions,
    ApplyRequest,
    prepare,
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
from lab.topology import build

pytestmark = pytest.mark.lab


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """An isp-small lab for this module: every test works on devices of its own."""
    running = start_lab("isp-small", tmp_path_factory.mktemp("config-lab"), reload_seconds=0.3)
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


@pytest.fixture
def world(lab, tmp_path, secret_key):
    """A store holding the lab's devices, and the key to their credentials."""
    yield from store_of(lab, tmp_path, secret_key)


def startup_of(lab, name: str) -> str:
    """Return the lab device's startup configuration, read from its state folder."""
    return (Path(lab.state_dir) / "devices" / name / "nvram" / "startup-config").read_text()


def running_of(lab, name: str) -> str:
    """Return the lab device's running configuration, read from its state folder."""
    return (Path(lab.state_dir) / "devices" / name / "running-config").read_text()


def apply(world, *requests: ApplyRequest, **options):
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


def test_check_mode_returns_the_diff_and_touches_nothing(world):
    lab = world["lab"]
    before = running_of(lab, "core2")

    outcome = apply(world, ApplyRequest("core2", "ntp server 192.0.2.202\n"), check=True)

    assert [(o.outcome, o.changed) for o in outcome] == [("would_change", False)]
    assert "ntp server 192.0.2.202" in outcome[0].diff
    assert running_of(lab, "core2") == before
    assert rows(world, "core2", ConfigKind.BACKUP) == []
    assert rows(world, "core2", ConfigKind.APPLIED) == []


def test_replace_makes_the_running_config_equal_the_candidate(world):
    lab = world["lab"]
    candidate = with_lines(running_of(lab, "agg1a"), "ntp server 192.0.2.203\n")

    first = apply(world, ApplyRequest("agg1a", candidate), mode="replace")
    second = apply(world, ApplyRequest("agg1a", candidate), mode="replace")

    assert [(o.outcome, o.error) for o in first] == [("applied", None)]
    assert same_config(candidate, running_of(lab, "agg1a"))
    assert [o.outcome for o in second] == ["unchanged"]
    assert len(rows(world, "agg1a", ConfigKind.APPLIED)) == 1


REJECTED = "ntp server 192.0.2.204"
# device, fault, its value, mode, timeout (s), outcome, words the stored error holds
FAULTS = [
    ("bng1", "reject_line", REJECTED, "merge", 10, "rolled_back", "rejected the line"),
    ("edge1", "reject_line", REJECTED, "replace", 10, "rolled_back", "rejected the line"),
    ("agg2b", "drop_on", "copy flash:/merge_config.txt", "merge", 10, "rolled_back", "session"),
    ("acc1", "reject_password", None, "merge", 10, "failed", "refused the login"),
    # Every answer comes later than the timeout allows a read to wait.
    ("acc2", "latency", 3.0, "merge", 2, "failed", "could not be reached"),
]


@pytest.mark.parametrize(("name", "fault", "value", "mode", "timeout", "outcome", "words"), FAULTS)
def test_a_fault_leaves_the_backup_running_and_the_store_says_why(
    world, name, fault, value, mode, timeout, outcome, words
):
    lab = world["lab"]
    before = running_of(lab, name)
    lines = "ntp server 192.0.2.204\nlogging host 192.0.2.54\n"
    candidate = with_lines(before, lines) if mode == "replace" else lines
    lab.set_fault(name, fault, value=value)

    result = apply(world, ApplyRequest(name, candidate), mode=mode, timeout=timeout)
    lab.clear_faults(name)

    assert [o.outcome for o in result] == [outcome], result[0].error
    assert words in result[0].error
    assert same_config(before, running_of(lab, name))
    backups = rows(world, name, ConfigKind.BACKUP)
    if backups:
        assert same_config(backups[-1].content, running_of(lab, name))
    [attempt] = rows(world, name, ConfigKind.APPLIED)
    assert (attempt.state.value, attempt.error) == (outcome, result[0].error)
    with session_scope(world["url"]) as session:
        [event] = AuditService.list_events(session, action="device_configuration.apply")
        assert (event.object_name, event.details["outcome"]) == (name, outcome)


def test_bulk_apply_keeps_every_device_result_when_one_fails(world):
    lab = world["lab"]
    lab.set_fault("acc4", "reject_password")
    names = ["acc3", "acc4", "acc5", "agg2a"]

    outcomes = apply(world, *(ApplyRequest(n, "ntp server 192.0.2.205\n") for n in names))

    assert [(o.device, o.outcome) for o in outcomes] == [
        ("acc3", "applied"),
        ("acc4", "failed"),
        ("acc5", "applied"),
        ("agg2a", "applied"),
    ]
    assert "ntp server 192.0.2.205" in running_of(lab, "acc5")
    assert "ntp server 192.0.2.205" not in running_of(lab, "acc4")


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


# One minute of a revert timer, in seconds, on the commit-confirm lab.
MINUTE = 2.0
ARCHIVE = "archive\n path flash:archive\n maximum 5\n"
CONFIRM_NETWORK = {
    "name": "commit-confirm",
    "defaults": {"credentials": {"username": "netops", "password": "lab-pass"}},
    "devices": {
        "cc1": {"config": ARCHIVE},
        "cc2": {"config": ARCHIVE},
        "cc3": {"config": ARCHIVE},
        "plain1": {},
    },
}


@pytest.fixture(scope="module")
def confirm_lab(tmp_path_factory):
    """Devices with ``archive`` (cc1-cc3) and one without (plain1); short timer minutes."""
    running = start_lab(
        build(CONFIRM_NETWORK),
        tmp_path_factory.mktemp("confirm-lab"),
        revert_minute_seconds=MINUTE,
    )
    yield running
    running.stop()


@pytest.fixture
def confirm_world(confirm_lab, tmp_path, secret_key):
    """A store holding the commit-confirm lab's devices."""
    yield from store_of(confirm_lab, tmp_path, secret_key)


def has_pending_change(lab, name: str) -> bool:
    """Return whether the device waits for a commit to be confirmed, as NAPALM sees it."""
    import napalm

    driver = napalm.get_network_driver("ios")(timeout=15, **lab.napalm_args(name))
    driver.open()
    try:
        return driver.has_pending_commit()
    finally:
        driver.close()


def test_commit_confirm_is_used_and_confirmed_where_the_device_supports_it(confirm_world):
    lab = confirm_world["lab"]

    [outcome] = apply(confirm_world, ApplyRequest("cc1", "ntp server 192.0.2.211\n"))

    assert (outcome.outcome, outcome.commit, outcome.confirm_timer) == ("applied", "confirm", 120)
    assert outcome.to_dict()["commit"] == "confirm"
    assert has_pending_change(lab, "cc1") is False
    assert "ntp server 192.0.2.211" in running_of(lab, "cc1")
    with session_scope(confirm_world["url"]) as session:
        [event] = AuditService.list_events(session, action="device_configuration.apply")
        assert event.details["commit"] == "confirm"


def test_a_failed_verification_reverts_the_timed_change(confirm_world):
    lab = confirm_world["lab"]
    before = running_of(lab, "cc2")
    # The second line replaces the first, so the device lacks the first after the commit.
    candidate = "snmp-server location rack-1\nsnmp-server location rack-2\n"

    [outcome] = apply(confirm_world, ApplyRequest("cc2", candidate))

    assert (outcome.outcome, outcome.commit) == ("rolled_back", "confirm")
    assert "lacks 'snmp-server location rack-1' after the commit" in outcome.error
    assert has_pending_change(lab, "cc2") is False
    assert same_config(before, running_of(lab, "cc2"))


def test_a_device_cut_off_after_the_commit_reverts_by_its_timer(confirm_world):
    lab = confirm_world["lab"]
    before = running_of(lab, "cc3")
    options = ApplyOptions(timeout=5, confirm_timeout=60)
    with session_scope(confirm_world["url"]) as session:
        job = prepare(
            session,
            ApplyRequest("cc3", "ntp server 192.0.2.213\n"),
            box=confirm_world["box"],
            options=options,
        ).push
    # The session drops when the confirm is sent, and from the commit on the device refuses
    # every new login: the controller never gets back to it.
    lab.set_fault("cc3", "drop_on", value="configure confirm")
    job.before_commit = lambda _result: lab.set_fault("cc3", "reject_password")

    result = push(job)

    assert (result.outcome, result.commit, result.steps[-2:]) == (
        "failed",
        "confirm",
        ["commit", "verify"],
    )
    assert result.error.endswith(
        "the device reverts to the backup when its 60 s confirm timer expires; check it then"
    )
    reverted = wait_for_revert(lab, "cc3", "ntp server 192.0.2.213")
    # NAPALM configures `file prompt quiet` before it commits; the timer restores the
    # configuration of that moment, and the next NAPALM session removes the line again.
    assert compare_configs(before, reverted, ["^file prompt quiet$"]).compliant
    lab.clear_faults("cc3")
    assert has_pending_change(lab, "cc3") is False


def test_a_device_without_archive_gets_a_plain_commit(confirm_world):
    lab = confirm_world["lab"]

    [outcome] = apply(confirm_world, ApplyRequest("plain1", "ntp server 192.0.2.214\n"))

    assert (outcome.outcome, outcome.commit, outcome.confirm_timer) == ("applied", "plain", None)
    assert "ntp server 192.0.2.214" in running_of(lab, "plain1")


def wait_for_revert(lab, name: str, line: str) -> str:
    """Poll the device's running configuration until ``line`` is gone; return it.

    Fails when the timer has long expired and the line is still there.
    """
    deadline = time.monotonic() + 30
    while line in (config := running_of(lab, name)):
        if time.monotonic() > deadline:
            raise AssertionError(f"{name} still has {line!r} long after its timer expired")
        time.sleep(0.2)
    return config
