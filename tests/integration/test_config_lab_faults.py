"""The fault matrix against the lab, through the real NAPALM ios driver: a rejected line, a
session dropped during the commit (merge and replace), a refused login, a device slower than
the timeout, and a failed verification after a timed or a plain commit. After each, the lab
device's running configuration equals the stored backup, and the store says why.

The isp-small devices have no ``archive`` block, so their commits are plain ones; the
commit-confirm cases run on a small lab of their own whose devices have it (but one)."""

from __future__ import annotations

import time

import pytest

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
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from lab import start_lab
from lab.topology import build
from tests.integration.config_lab import (
    apply,
    apply_events,
    assert_backup_running_and_recorded,
    isp_small_lab,
    running_of,
    store_of,
)

pytestmark = pytest.mark.lab


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """An isp-small lab for this module: every test works on devices of its own."""
    yield from isp_small_lab(tmp_path_factory, "fault-lab")


@pytest.fixture
def world(lab, tmp_path, secret_key):
    """A store holding the lab's devices, and the key to their credentials."""
    yield from store_of(lab, tmp_path, secret_key)


REJECTED = "ntp server 192.0.2.204"
DROP_COPY = "copy flash:/merge_config.txt"
DROP_REPLACE = "configure replace flash:/candidate_config.txt"
# device, fault, its value, mode, timeout (s), outcome, words the stored error holds, and
# whether the apply got as far as taking a backup.
FAULTS = [
    ("bng1", "reject_line", REJECTED, "merge", 10, "rolled_back", f"line '{REJECTED}'", True),
    ("edge1", "reject_line", REJECTED, "replace", 10, "rolled_back", f"line '{REJECTED}'", True),
    ("agg2b", "drop_on", DROP_COPY, "merge", 5, "rolled_back", "lost while committing", True),
    # Only the commit drops: the restore is a replace too, in a new session.
    (
        "agg1b",
        "drop_once",
        DROP_REPLACE,
        "replace",
        5,
        "rolled_back",
        "lost while committing",
        True,
    ),
    ("acc1", "reject_password", None, "merge", 10, "failed", "refused the login", False),
    # Every answer comes later than the timeout allows a read to wait.
    ("acc2", "latency", 3.0, "merge", 2, "failed", "could not be reached", False),
    # Every answer comes in time, but the apply as a whole outlasts the timeout.
    ("acc3", "latency", 0.3, "merge", 2, "failed", "took longer than 2 s before", True),
]


@pytest.mark.parametrize(
    ("name", "fault", "value", "mode", "timeout", "outcome", "words", "reached"), FAULTS
)
def test_a_fault_leaves_the_backup_running_and_the_store_says_why(
    world, name, fault, value, mode, timeout, outcome, words, reached
):
    lab = world["lab"]
    before = running_of(lab, name)
    lines = f"{REJECTED}\nlogging host 192.0.2.54\n"
    # The new lines come first, so that a replace dropped half way has applied them.
    candidate = lines + before if mode == "replace" else lines
    if not reached:
        Config.backup_configurations([name], store_url=world["url"], box=world["box"])
    lab.set_fault(name, fault, value=value)

    [result] = apply(world, ApplyRequest(name, candidate), mode=mode, timeout=timeout)
    lab.clear_faults(name)

    assert same_config(before, running_of(lab, name))
    event = assert_backup_running_and_recorded(world, result, outcome, words, reached=reached)
    assert event.details["mode"] == mode


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
        "cc4": {"config": ARCHIVE},
        "plain1": {},
    },
}


@pytest.fixture(scope="module")
def confirm_lab(tmp_path_factory):
    """Devices with ``archive`` (cc1-cc4) and one without (plain1); short timer minutes."""
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
    [event] = apply_events(confirm_world, "cc1")
    assert event.details["commit"] == "confirm"


# device, confirm_timeout, how it commits, its timer: cc4 has archive, but the timer is off.
VERIFIED = [("cc2", 120, "confirm", 120), ("cc4", 0, "plain", None)]


@pytest.mark.parametrize(("name", "confirm_timeout", "commit", "timer"), VERIFIED)
def test_a_failed_verification_reverts_the_change(
    confirm_world, name, confirm_timeout, commit, timer
):
    lab = confirm_world["lab"]
    before = running_of(lab, name)
    # The second line replaces the first, so the device lacks the first after the commit.
    candidate = "snmp-server location rack-1\nsnmp-server location rack-2\n"

    [outcome] = apply(confirm_world, ApplyRequest(name, candidate), confirm_timeout=confirm_timeout)

    assert (outcome.commit, outcome.confirm_timer) == (commit, timer)
    assert has_pending_change(lab, name) is False
    assert same_config(before, running_of(lab, name))
    event = assert_backup_running_and_recorded(
        confirm_world,
        outcome,
        "rolled_back",
        "lacks 'snmp-server location rack-1' after the commit",
    )
    assert event.details["commit"] == commit


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
