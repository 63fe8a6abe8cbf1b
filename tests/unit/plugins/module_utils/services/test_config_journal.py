"""Contract suite of settling applies left ``in_progress`` by a process that was stopped."""

from __future__ import annotations

import pytest
from sqlmodel import select

from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
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
