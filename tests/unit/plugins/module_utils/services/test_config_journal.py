"""Contract suite of settling applies left ``in_progress`` by a process that was stopped."""

from __future__ import annotations

import pytest
from sqlmodel import select

from ansible_collections.isp.network.plugins.module_utils.errors import BusyError
from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
from ansible_collections.isp.network.plugins.module_utils.services import config_bulk
from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.services.config_apply import (
    APPLIED,
    PushResult,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_journal import (
    NOT_REACHED,
    interrupted,
    settle,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_record import (
    ApplyOptions,
    ApplyRequest,
    begin,
    prepare,
    record,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_store import (
    store_configuration,
)
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from ansible_collections.isp.network.plugins.module_utils.store.models import (
    ConfigState,
    Device,
    DeviceConfiguration,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.config import ConfigKind

BEFORE = "hostname r1\nntp server 192.0.2.1\n"
CHANGE = "ntp server 192.0.2.2\nlogging host 192.0.2.9\n"


def _begun(session) -> tuple[Device, DeviceConfiguration]:
    """Return a device with a backup and an applied row left in_progress after it."""
    device = Device(name="r1", hostname="r1.example.net")
    session.add(device)
    session.flush()
    store_configuration(session, device.id, BEFORE, kind=ConfigKind.BACKUP, actor="test")
    row, _created = store_configuration(
        session, device.id, CHANGE, kind=ConfigKind.APPLIED, actor="test"
    )
    row.state = ConfigState.IN_PROGRESS
    session.flush()
    return device, row


# running configuration found by the next apply -> state and error of the settled row
CASES = [
    (BEFORE + CHANGE, "applied", None),
    (BEFORE, "failed", NOT_REACHED),
    (
        "hostname r1\nntp server 192.0.2.2\n",
        "failed",
        "the apply was stopped while it committed, and the device runs neither this "
        "configuration nor backup version 1: check the device and apply backup version 1 "
        "with mode replace",
    ),
]


@pytest.mark.parametrize(("running", "state", "error"), CASES)
def test_settle_says_what_the_stopped_apply_left_on_the_device(session, running, state, error):
    device, row = _begun(session)

    settled = settle(session, device.id, running, "test")

    assert [(r.id, r.state.value, r.error) for r in settled] == [(row.id, state, error)]
    assert interrupted(session, device.id) == []
    [event] = AuditService.list_events(session, action="device_configuration.settle")
    assert (event.object_name, event.details["outcome"]) == ("r1", state)


def test_an_apply_that_began_records_on_its_own_row_and_settles_the_earlier_one(
    session, secret_key
):
    _device, stopped = _begun(session)
    request = ApplyRequest("r1", "ntp server 192.0.2.3\n")
    prepared = prepare(session, request, SecretBox(secret_key), ApplyOptions())
    # The running configuration read now holds the stopped apply's change.
    result = PushResult("r1", outcome=APPLIED, diff="+ntp server 192.0.2.3", backup=BEFORE + CHANGE)

    prepared.attempt_id = begin(session, prepared, result, "test")
    outcome = record(session, prepared, result, "test")

    rows = session.exec(
        select(DeviceConfiguration)
        .where(DeviceConfiguration.kind == ConfigKind.APPLIED)
        .order_by(DeviceConfiguration.version)
    ).all()
    assert [(row.id, row.state.value) for row in rows] == [
        (stopped.id, "applied"),
        (prepared.attempt_id, "applied"),
    ]
    assert outcome.applied_version == rows[1].version
    events = AuditService.list_events(session, action="device_configuration.settle")
    assert [event.details["applied_version"] for event in events] == [stopped.version]


def test_a_store_that_fails_to_record_one_device_costs_no_other_its_result(
    store_url, secret_key, monkeypatch
):
    with session_scope(store_url) as session:
        session.add_all([Device(name=name, hostname=f"{name}.example.net") for name in "abc"])

    def pushed(job):
        result = PushResult(job.name, diff=f"+{CHANGE.strip()}", backup=BEFORE)
        job.before_commit(result)
        result.outcome, result.commit_sent = APPLIED, True
        return result

    def record_busy_for_b(session, item, result, actor):
        if item.push.name == "b":
            raise BusyError("the configuration of device 'b' stayed busy for 30 s; run again")
        return record(session, item, result, actor)

    monkeypatch.setattr(config_bulk, "push", pushed)
    monkeypatch.setattr(config_bulk, "record", record_busy_for_b)

    outcomes = config_bulk.apply_many(
        [ApplyRequest(name, CHANGE) for name in "abc"],
        store_url=store_url,
        box=SecretBox(secret_key),
        options=ApplyOptions(workers=1),
    )

    assert [(o.device, o.outcome, o.commit) for o in outcomes] == [
        ("a", "applied", "plain"),
        ("b", "failed", "plain"),
        ("c", "applied", "plain"),
    ]
    assert outcomes[1].error == (
        "device 'b' ended applied but its outcome could not be stored (the configuration of "
        "device 'b' stayed busy for 30 s; run again); the next apply to it records what it runs"
    )
    with session_scope(store_url) as session:
        states = {
            device.name: [row.state.value for row in rows_of(session, device.id)]
            for device in session.exec(select(Device))
        }
        # b's journal row waits for the next apply to settle it by what b then runs.
        assert states == {"a": ["applied"], "b": ["in_progress"], "c": ["applied"]}
        [b] = session.exec(select(Device).where(Device.name == "b")).all()
        settle(session, b.id, BEFORE + CHANGE, "test")
        assert [row.state.value for row in rows_of(session, b.id)] == ["applied"]


def rows_of(session, device_id: int) -> list[DeviceConfiguration]:
    """Return the device's applied rows, oldest first."""
    query = (
        select(DeviceConfiguration)
        .where(DeviceConfiguration.device_id == device_id)
        .where(DeviceConfiguration.kind == ConfigKind.APPLIED)
        .order_by(DeviceConfiguration.version)
    )
    return list(session.exec(query))
