"""The leak search the integration tests rely on finds a secret in every form it takes."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest

from tests.leak_check import assert_no_leaks, device_secrets, find_leaks

PASSWORD = 'S3cret/pass word+"x"'
# A fixed key: parametrised ids hold it, and every xdist worker must collect the same ids.
KEY = base64.urlsafe_b64encode(bytes([0xFB, 0xEF, 0xFF, 0x3E] * 8)).decode()


@pytest.mark.parametrize(
    ("form", "text"),
    [
        ("plain text", PASSWORD),
        ("base64", base64.b64encode(PASSWORD.encode()).decode()),
        ("URL-quoted", quote(PASSWORD, safe="")),
        ("JSON-escaped", json.dumps(PASSWORD)[1:-1]),
    ],
)
def test_a_password_is_found_in_each_form(form, text):
    sources = {"out.log": f"first line\nsecond {text} line\n"}

    leaks = find_leaks(sources, {"the password": PASSWORD})

    assert leaks == [f"out.log:2: the password ({form})"]


@pytest.mark.parametrize(
    ("form", "text"),
    [
        ("as kept in a key file", KEY),
        ("base64 of its bytes", base64.b64encode(base64.urlsafe_b64decode(KEY)).decode()),
        ("hex of its bytes", base64.urlsafe_b64decode(KEY).hex()),
    ],
)
def test_a_key_is_found_as_text_and_as_its_bytes(form, text):
    leaks = find_leaks({"dump": text.encode()}, {"the store key": KEY})

    assert f"dump:1: the store key ({form})" in leaks


def test_the_failure_names_the_place_and_never_the_value():
    with pytest.raises(AssertionError) as failure:
        assert_no_leaks({"stdout": f"ok\npassword={PASSWORD}"}, {"the password": PASSWORD})

    assert "stdout:2: the password (plain text)" in str(failure.value)
    assert PASSWORD not in str(failure.value)


def test_clean_sources_and_an_empty_search():
    assert_no_leaks({"stdout": "nothing to see"}, {"the password": PASSWORD})
    with pytest.raises(AssertionError, match="no secret to search for"):
        assert_no_leaks({"stdout": "nothing to see"}, {})


def test_a_secret_too_short_to_search_for_is_refused():
    with pytest.raises(ValueError, match="shorter than 8 characters"):
        find_leaks({"stdout": ""}, {"the password": "abc"})


def test_device_secrets_are_labelled_once_per_value():
    devices = [
        {"name": "r1", "password": "Same-Passw0rd", "enable_secret": "En4ble-1"},
        {"name": "r2", "password": "Same-Passw0rd"},
        {"name": "r3"},
    ]

    assert device_secrets(devices) == {
        "the password of r1 (and 1 more devices)": "Same-Passw0rd",
        "the enable_secret of r1": "En4ble-1",
    }
