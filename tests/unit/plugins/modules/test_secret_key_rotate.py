"""isp.network.secret_key_rotate, run in-process."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from tests.module_runner import run_module


@pytest.fixture(autouse=True)
def store(tmp_path, monkeypatch, secret_key) -> str:
    url = f"sqlite:///{tmp_path / 'rotate.db'}"
    monkeypatch.setenv("ISP_NETWORK_STORE_URL", url)
    run_module(
        "device",
        {"devices": [{"name": "r1", "password": "one", "enable_secret": "en"}, {"name": "r2"}]},
    )
    return url


def credentials(url, key):
    with session_scope(url, write=False) as session:
        device = DeviceService.get_device_by_name(session, "r1")
        return DeviceService.get_credentials(session, device, SecretBox(key))


def test_rotation_moves_every_credential(store, secret_key, tmp_path):
    new_key = Fernet.generate_key().decode()
    (tmp_path / "new.key").write_text(new_key)
    preview = run_module(
        "secret_key_rotate", {"new_secret_key_file": str(tmp_path / "new.key")}, check_mode=True
    )
    assert (preview["changed"], preview["credentials"]) == (True, 1)
    assert credentials(store, secret_key) == (None, "one", "en")

    result = run_module("secret_key_rotate", {"new_secret_key_file": str(tmp_path / "new.key")})
    assert (
        result["msg"] == f"1 credentials re-encrypted with the key {SecretBox(new_key).fingerprint}"
    )
    assert result["old_fingerprint"] == SecretBox(secret_key).fingerprint
    assert credentials(store, new_key) == (None, "one", "en")
    assert new_key not in str(result) and secret_key not in str(result)

    events = run_module("audit_info", {"action": "secret_key.rotate"})["events"]
    assert events[0]["details"]["credentials"] == 1

    assert run_module("device_info", {"name": ["r1"]})["devices"][0]["has_credentials"] is True
    refused = run_module("device", {"name": "r1", "password": "x"}, expect_failure=True)
    assert "does not match the key this store's credentials were encrypted with" in refused["msg"]


def test_rotating_to_the_same_key_changes_nothing(secret_key):
    result = run_module("secret_key_rotate", {"new_secret_key": secret_key})
    assert (result["changed"], result["credentials"]) == (False, 0)
    assert result["msg"].startswith("the store already uses the key ")


def test_a_wrong_old_key_is_one_sentence():
    result = run_module(
        "secret_key_rotate",
        {
            "secret_key": Fernet.generate_key().decode(),
            "new_secret_key": Fernet.generate_key().decode(),
        },
        expect_failure=True,
    )
    assert result["msg"].startswith("the secret_key option (fingerprint ")
    assert (
        "use that key, or rotate to a new one with isp.network.secret_key_rotate" in result["msg"]
    )


def test_a_malformed_new_key_is_named():
    result = run_module("secret_key_rotate", {"new_secret_key": "nope"}, expect_failure=True)
    assert result["msg"].startswith("the new_secret_key option is not a valid key")


def test_an_empty_new_key_is_a_malformed_key():
    result = run_module("secret_key_rotate", {"new_secret_key": ""}, expect_failure=True)
    assert result["msg"].startswith("the new_secret_key option is not a valid key")
