"""Opening a NAPALM driver from a stored record, and the sentences its failures become."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from netmiko.exceptions import NetmikoAuthenticationException, NetmikoTimeoutException

from ansible_collections.isp.network.plugins.module_utils.drivers import napalm as drivers
from ansible_collections.isp.network.plugins.module_utils.errors import DeviceError

PASSWORD = "Dr1ver-Pass"


def record(**overrides):
    values = {
        "name": "core1",
        "hostname": "127.0.0.1",
        "port": 10001,
        "platform": "ios",
        "driver_options": {"transport": "ssh"},
    }
    return SimpleNamespace(**{**values, **overrides})


class FakeDriver:
    opened: list[FakeDriver] = []
    fail_with: type[BaseException] | None = None

    def __init__(self, **kwargs):
        self.kwargs = kwargs
        self.closed = False

    def open(self):
        if FakeDriver.fail_with is not None:
            raise FakeDriver.fail_with("login as admin with " + PASSWORD)
        FakeDriver.opened.append(self)

    def close(self):
        self.closed = True


@pytest.fixture
def fake_driver(monkeypatch):
    import napalm

    FakeDriver.opened = []
    FakeDriver.fail_with = None
    monkeypatch.setattr(napalm, "get_network_driver", lambda platform: FakeDriver)
    return FakeDriver


def test_arguments_come_from_the_record(fake_driver):
    with drivers.open_device(record(), "admin", PASSWORD, "en4ble", timeout=7) as driver:
        assert driver.kwargs == {
            "hostname": "127.0.0.1",
            "username": "admin",
            "password": PASSWORD,
            "timeout": 7,
            "optional_args": {"transport": "ssh", "port": 10001, "secret": "en4ble"},
        }
    assert driver.closed is True


@pytest.mark.parametrize(
    ("error", "sentence"),
    [
        (
            NetmikoAuthenticationException,
            "device 'core1' (127.0.0.1:10001) refused the login "
            "(NetmikoAuthenticationException); check its username and password in the store",
        ),
        (
            NetmikoTimeoutException,
            "device 'core1' (127.0.0.1:10001) could not be reached (NetmikoTimeoutException); "
            "check its hostname and port, and that it is up",
        ),
        (
            ConnectionRefusedError,
            "device 'core1' (127.0.0.1:10001) could not be reached (ConnectionRefusedError); "
            "check its hostname and port, and that it is up",
        ),
    ],
)
def test_failures_are_one_sentence_without_the_password(fake_driver, error, sentence):
    fake_driver.fail_with = error
    with pytest.raises(DeviceError) as caught, drivers.open_device(record(), "admin", PASSWORD):
        pass
    assert str(caught.value) == sentence
    assert PASSWORD not in str(caught.value)
    assert caught.value.__cause__ is None


def test_a_device_without_platform():
    with pytest.raises(DeviceError) as caught, drivers.open_device(record(platform=None), "a", "b"):
        pass
    assert str(caught.value) == (
        "device 'core1' has no platform; set it to a NAPALM driver name such as ios with "
        "isp.network.device"
    )


def test_an_unknown_driver():
    unknown = record(platform="nosuchos")
    with pytest.raises(DeviceError) as caught, drivers.open_device(unknown, "a", "b"):
        pass
    assert str(caught.value) == (
        "platform 'nosuchos' of device 'core1' has no NAPALM driver installed; install the "
        "driver or correct the platform"
    )
