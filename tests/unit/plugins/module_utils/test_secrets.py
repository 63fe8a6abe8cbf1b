"""The secret key: where it comes from, what a bad or wrong key says, and rotation."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlmodel import select

from ansible_collections.isp.network.plugins.module_utils.errors import SecretKeyError
from ansible_collections.isp.network.plugins.module_utils.secrets import (
    KEY_CHECK_META,
    SecretBox,
    generate_key,
    rotate_secret_key,
)
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from ansible_collections.isp.network.plugins.module_utils.store.models import (
    DeviceCredential,
    StoreMeta,
)


def new_key() -> str:
    return Fernet.generate_key().decode()


def test_round_trip_and_tokens_differ_from_plaintext():
    box = SecretBox(new_key())
    token = box.encrypt("hunter2")
    assert "hunter2" not in token
    assert box.decrypt(token) == "hunter2"


def test_generated_keys_are_usable_and_distinct():
    first, second = generate_key(), generate_key()
    assert first != second
    assert SecretBox(first).decrypt(SecretBox(first).encrypt("x")) == "x"


def test_fingerprint_is_short_stable_and_not_the_key():
    key = new_key()
    assert SecretBox(key).fingerprint == SecretBox(key).fingerprint
    assert len(SecretBox(key).fingerprint) == 12
    assert SecretBox(key).fingerprint not in key
    assert key not in repr(SecretBox(key))


def test_option_wins_over_environment_and_files(monkeypatch, tmp_path):
    option, env, from_file, env_file = new_key(), new_key(), new_key(), new_key()
    (tmp_path / "option.key").write_text(from_file + "\n")
    (tmp_path / "env.key").write_text(env_file)
    monkeypatch.setenv("ISP_NETWORK_SECRET_KEY", env)
    monkeypatch.setenv("ISP_NETWORK_SECRET_KEY_FILE", str(tmp_path / "env.key"))
    option_file = str(tmp_path / "option.key")

    def chosen(**options):
        return SecretBox.from_options(**options).fingerprint

    assert chosen(secret_key=option, secret_key_file=option_file) == SecretBox(option).fingerprint
    assert chosen(secret_key_file=option_file) == SecretBox(env).fingerprint
    monkeypatch.delenv("ISP_NETWORK_SECRET_KEY")
    assert chosen(secret_key_file=option_file) == SecretBox(from_file).fingerprint
    assert chosen() == SecretBox(env_file).fingerprint


def test_no_key_is_one_sentence_naming_every_way_to_set_one():
    with pytest.raises(SecretKeyError) as caught:
        SecretBox.from_options()
    message = str(caught.value)
    assert message.startswith("no secret key is set; set ISP_NETWORK_SECRET_KEY or")
    assert "ISP_NETWORK_SECRET_KEY_FILE" in message
    assert "secret_key option" in message or "secret_key or secret_key_file" in message


def test_malformed_key_is_named_without_being_echoed():
    with pytest.raises(SecretKeyError) as caught:
        SecretBox.from_options(secret_key="not-a-key-hunter2")
    assert str(caught.value).startswith("the secret_key option is not a valid key")
    assert "hunter2" not in str(caught.value)


def test_unreadable_key_file_names_the_path(tmp_path):
    missing = str(tmp_path / "nope.key")
    with pytest.raises(SecretKeyError, match=r"the secret key file '.*nope\.key' cannot be read"):
        SecretBox.from_options(secret_key_file=missing)


def test_a_token_from_another_key_gives_one_sentence():
    token = SecretBox(new_key()).encrypt("hunter2")
    with pytest.raises(SecretKeyError) as caught:
        SecretBox(new_key()).decrypt(token)
    assert "cannot be decrypted with" in str(caught.value)
    assert caught.value.__cause__ is None


def test_first_credential_records_the_key_and_a_different_key_is_refused(store_url):
    right, wrong = SecretBox(new_key()), SecretBox(new_key())
    with session_scope(store_url) as session:
        DeviceService.create_device(session, "r1", "r1.lab", username="u", password="p", box=right)
    with session_scope(store_url) as session:
        assert session.get(StoreMeta, KEY_CHECK_META) is not None
        with pytest.raises(SecretKeyError) as caught:
            DeviceService.create_device(session, "r2", "r2.lab", password="p", box=wrong)
    message = str(caught.value)
    assert f"(fingerprint {wrong.fingerprint}) does not match" in message
    assert f"(fingerprint {right.fingerprint})" in message
    with session_scope(store_url, write=False) as session:
        assert DeviceService.find_device(session, "r2") is None


def test_rotation_re_encrypts_everything_in_one_transaction(store_url):
    old, new = SecretBox(new_key()), SecretBox(new_key())
    with session_scope(store_url) as session:
        for index in range(3):
            DeviceService.create_device(
                session, f"r{index}", "h", password=f"pw{index}", enable_secret="en", box=old
            )
        DeviceService.create_device(session, "bare", "h", username="only-user")
    with session_scope(store_url) as session:
        assert rotate_secret_key(session, old, new) == 3

    with session_scope(store_url, write=False) as session:
        device = DeviceService.get_device_by_name(session, "r1")
        assert DeviceService.get_credentials(session, device, new) == (None, "pw1", "en")
        with pytest.raises(SecretKeyError, match="does not match"):
            DeviceService.get_credentials(session, device, old)


def test_rotation_with_the_wrong_old_key_changes_nothing(store_url):
    right, wrong, new = SecretBox(new_key()), SecretBox(new_key()), SecretBox(new_key())
    with session_scope(store_url) as session:
        DeviceService.create_device(session, "r1", "h", password="pw", box=right)
    with session_scope(store_url, write=False) as session:
        before = session.exec(select(DeviceCredential.password_token)).all()
    with pytest.raises(SecretKeyError, match="does not match"), session_scope(store_url) as s:
        rotate_secret_key(s, wrong, new)
    with session_scope(store_url, write=False) as session:
        assert session.exec(select(DeviceCredential.password_token)).all() == before
        device = DeviceService.get_device_by_name(session, "r1")
        assert DeviceService.get_credentials(session, device, right)[1] == "pw"
