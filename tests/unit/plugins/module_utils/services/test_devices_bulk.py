"""Contract suite of DeviceService's bulk paths (logins, probes) on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet
from sqlmodel import select

from ansible_collections.isp.network.plugins.module_utils.errors import (
    NotFoundError,
    SecretKeyError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.services.topology import (
    TopologyService,
)
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from ansible_collections.isp.network.plugins.module_utils.store.models import (
    TopologyLink,
    TopologyRun,
)
from tests.unit.plugins.module_utils.topology.fake_network import isp_small

SEEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
LATER = datetime(2026, 1, 3, 3, 4, 5, tzinfo=UTC)


def new_box() -> SecretBox:
    return SecretBox(Fernet.generate_key().decode())


@pytest.fixture
def key() -> str:
    return Fernet.generate_key().decode()


@pytest.fixture
def box(key) -> SecretBox:
    return SecretBox(key)


@pytest.fixture
def fleet(store_url, box) -> dict[str, int]:
    """r1 and r2 with secrets, r3 with a username only, r4 with no login at all."""
    with session_scope(store_url) as session:
        made = [
            DeviceService.create_device(session, "r1", "r1.lab", password="pw1", box=box),
            DeviceService.create_device(
                session,
                "r2",
                "r2.lab",
                username="ops",
                password="pw2",
                enable_secret="en2",
                box=box,
            ),
            DeviceService.create_device(session, "r3", "r3.lab", username="viewer"),
            DeviceService.create_device(session, "r4", "r4.lab"),
        ]
        return {device.name: device.id for device in made}


class CountingBox(SecretBox):
    """A SecretBox that counts its key checks and decryptions."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.checks = 0
        self.decrypted = 0

    def check_store(self, session, *, write: bool = True) -> None:
        self.checks += 1
        super().check_store(session, write=write)

    def decrypt(self, token: str) -> str:
        self.decrypted += 1
        return super().decrypt(token)


def _devices(session, ids):
    return [DeviceService.get_device(session, device_id) for device_id in ids.values()]


def test_many_logins_are_decrypted_after_one_key_check(store_url, fleet, key):
    counting = CountingBox(key)
    with session_scope(store_url, write=False) as session:
        logins = DeviceService.get_credentials_many(session, _devices(session, fleet), counting)

    assert logins == {
        fleet["r1"]: (None, "pw1", None),
        fleet["r2"]: ("ops", "pw2", "en2"),
        fleet["r3"]: ("viewer", None, None),
        fleet["r4"]: (None, None, None),
    }
    assert (counting.checks, counting.decrypted) == (1, 3)


def test_many_logins_agree_with_one_at_a_time(store_url, fleet, box):
    with session_scope(store_url, write=False) as session:
        devices = _devices(session, fleet)
        many = DeviceService.get_credentials_many(session, devices, box)
        assert many == {d.id: DeviceService.get_credentials(session, d, box) for d in devices}
        assert DeviceService.get_credentials_many(session, [], None) == {}


def test_a_wrong_key_is_refused_before_anything_is_decrypted(store_url, fleet, box):
    wrong = CountingBox(Fernet.generate_key().decode())
    with (
        pytest.raises(SecretKeyError) as caught,
        session_scope(store_url, write=False) as session,
    ):
        DeviceService.get_credentials_many(session, _devices(session, fleet), wrong)

    message = str(caught.value)
    assert f"(fingerprint {wrong.fingerprint}) does not match" in message
    assert f"(fingerprint {box.fingerprint})" in message
    assert message.count(".") <= 2 and "\n" not in message
    assert wrong.decrypted == 0


def test_no_key_is_refused_only_when_a_secret_is_stored(store_url, fleet):
    with (
        pytest.raises(SecretKeyError, match="no secret key is set"),
        session_scope(store_url, write=False) as session,
    ):
        DeviceService.get_credentials_many(session, _devices(session, fleet), None)
    with session_scope(store_url, write=False) as session:
        plain = [DeviceService.get_device(session, fleet[name]) for name in ("r3", "r4")]
        assert DeviceService.get_credentials_many(session, plain, None) == {
            fleet["r3"]: ("viewer", None, None),
            fleet["r4"]: (None, None, None),
        }


def test_discovery_with_a_wrong_key_stores_nothing(store_url, box):
    network, _expected = isp_small()
    with session_scope(store_url) as session:
        ids = network.register(session, username="admin", password="pw", box=box)
    with session_scope(store_url) as session:
        with pytest.raises(SecretKeyError, match="does not match"):
            TopologyService.discover_topology(
                session, ids["core1"], 8, fetch=network.fetch, box=new_box()
            )
        assert session.exec(select(TopologyRun)).all() == []
        assert session.exec(select(TopologyLink)).all() == []


def test_probes_are_recorded_in_bulk(store_url, fleet):
    outcomes = {
        fleet["r1"]: ("reachable", SEEN),
        fleet["r2"]: ("login_failed", SEEN),
        fleet["r3"]: ("unreachable", LATER),
    }
    with session_scope(store_url) as session:
        held = DeviceService.get_device(session, fleet["r1"])
        assert DeviceService.record_probes(session, outcomes) == 3
        assert (held.reachability, held.last_seen) == ("reachable", SEEN)
        DeviceService.record_probes(session, {fleet["r1"]: ("unreachable", LATER)})

    with session_scope(store_url, write=False) as session:
        found = {
            name: (str(device.reachability), device.last_seen, device.last_checked)
            for name, device in zip(fleet, _devices(session, fleet), strict=True)
        }
    assert found["r1"] == ("unreachable", SEEN, LATER)
    assert found["r2"] == ("login_failed", SEEN, SEEN)
    assert found["r3"] == ("unreachable", None, LATER)
    assert found["r4"][1:] == (None, None)


def test_probes_without_a_time_use_now(store_url, fleet):
    before = datetime.now(UTC)
    with session_scope(store_url) as session:
        DeviceService.record_probes(session, {fleet["r4"]: ("reachable", None)})
    with session_scope(store_url, write=False) as session:
        device = DeviceService.get_device(session, fleet["r4"])
        assert device.last_seen == device.last_checked
        assert device.last_checked >= before.replace(microsecond=0)


@pytest.mark.parametrize(
    ("extra", "error", "sentence"),
    [
        ({"r2": ("maybe", SEEN)}, ValidationError, "reachability 'maybe' is not known; use one"),
        ({999_999: ("reachable", SEEN)}, NotFoundError, "device id 999999 does not exist"),
    ],
)
def test_bulk_probes_write_nothing_on_a_bad_entry(store_url, fleet, extra, error, sentence):
    outcomes = {fleet["r1"]: ("reachable", SEEN)}
    outcomes.update({fleet.get(key, key): value for key, value in extra.items()})
    with session_scope(store_url) as session:
        with pytest.raises(error) as caught:
            DeviceService.record_probes(session, outcomes)
        assert DeviceService.get_device(session, fleet["r1"]).last_checked is None

    assert str(caught.value).startswith(sentence)
