"""isp.network.config_render, run in-process as Ansible runs it."""

from __future__ import annotations

import pytest

from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from ansible_collections.isp.network.plugins.module_utils.store.models import Device
from tests.module_runner import run_module

TEMPLATE = {
    "name": "lo",
    "version": "1.0.0",
    "content": "hostname {{ hostname }}\ninterface Loopback0\n ip address {{ lo }} "
    "{{ 32 | prefix_to_netmask }}\n",
    "variables": {"hostname": {"type": "string", "required": True}, "lo": "ipv4"},
}
DEVICES = [
    {"name": "r1", "variables": {"hostname": "r1", "lo": "10.255.0.1"}},
    {"name": "r2", "variables": {"hostname": "r2", "lo": "10.255.0.2"}},
]


@pytest.fixture
def store(store_url, monkeypatch) -> str:
    monkeypatch.setenv("ISP_NETWORK_STORE_URL", store_url)
    run_module("config_template", TEMPLATE)
    with session_scope(store_url) as session:
        session.add_all([Device(name="r1", hostname="r1"), Device(name="r2", hostname="r2")])
    return store_url


def test_render_once_returns_the_text(store):
    result = run_module("config_render", {"template": "lo", "variables": DEVICES[0]["variables"]})

    assert result["changed"] is False
    assert result["rendered"] == (
        "hostname r1\ninterface Loopback0\n ip address 10.255.0.1 255.255.255.255\n"
    )
    assert result["msg"] == "template 'lo' version 1.0.0 rendered"


def test_render_for_devices_without_storing(store):
    result = run_module("config_render", {"template": "lo", "devices": DEVICES})

    assert result["changed"] is False
    assert [(c["device"], c["result"], c["version"]) for c in result["configs"]] == [
        ("r1", "rendered", None),
        ("r2", "rendered", None),
    ]


def test_store_then_already_exists(store):
    first = run_module("config_render", {"template": "lo", "devices": DEVICES, "store": True})
    second = run_module("config_render", {"template": "lo", "devices": DEVICES, "store": True})

    assert first["changed"] is True
    assert [(c["result"], c["version"]) for c in first["configs"]] == [("stored", 1)] * 2
    assert (
        first["msg"]
        == "template 'lo' version 1.0.0 rendered for 2 devices; 2 stored, 0 already exists"
    )
    assert second["changed"] is False
    assert [c["result"] for c in second["configs"]] == ["already exists"] * 2


def test_check_mode_and_diff(store):
    run_module("config_render", {"template": "lo", "devices": DEVICES[:1], "store": True})
    changed = [{"name": "r1", "variables": {"hostname": "r1-new", "lo": "10.255.0.1"}}]

    checked = run_module(
        "config_render",
        {"template": "lo", "devices": changed, "store": True},
        check_mode=True,
        diff=True,
    )
    after = run_module("config_render", {"template": "lo", "devices": changed, "store": True})

    assert checked["changed"] is True
    assert checked["diff"][0]["before"].startswith("hostname r1\n")
    assert checked["diff"][0]["after"].startswith("hostname r1-new\n")
    assert [c["version"] for c in after["configs"]] == [2]


def test_diff_masks_the_secret_values_a_template_puts_in(store):
    run_module(
        "config_template",
        {
            "name": "aaa",
            "version": "1.0.0",
            "content": "enable secret 0 {{ enable_secret }}\n",
            "variables": {"enable_secret": "string"},
        },
    )
    devices = [{"name": "r1", "variables": {"enable_secret": "Very-S3cret"}}]

    result = run_module(
        "config_render", {"template": "aaa", "devices": devices, "store": True}, diff=True
    )

    assert result["diff"][0]["after"] == "enable secret 0 <removed>\n"
    assert result["configs"][0]["content"] == "enable secret 0 Very-S3cret\n"


def test_device_variables_win_over_shared_ones(store):
    result = run_module(
        "config_render",
        {
            "template": "lo",
            "variables": {"hostname": "shared", "lo": "10.0.0.1"},
            "devices": [{"name": "r1", "variables": {"hostname": "own"}}],
        },
    )

    assert result["configs"][0]["content"].startswith("hostname own\n")
    assert " ip address 10.0.0.1 " in result["configs"][0]["content"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"template": "nope"}, "template 'nope' does not exist"),
        ({"template": "lo", "version": "9.9.9"}, "template 'lo' has no version 9.9.9"),
        ({"template": "lo", "store": True}, "store is True but all of the following are missing"),
        (
            {"template": "lo", "variables": {"hostname": "r1", "lo": "10.1"}},
            "template 'lo' version 1.0.0: variable 'lo': '10.1' is not a valid IPv4 address",
        ),
        ({"template": "lo", "variables": {}}, "variable 'hostname' is required and was not given"),
        (
            {"template": "lo", "devices": [DEVICES[0], DEVICES[0]]},
            "device 'r1' is listed twice; list it once",
        ),
        (
            {
                "template": "lo",
                "store": True,
                "devices": [{"name": "ghost", "variables": DEVICES[0]["variables"]}],
            },
            "devices 'ghost' are not in the store",
        ),
        (
            {"template": "lo", "devices": [{"name": "r1", "variables": {"lo": "x"}}]},
            "device 'r1': template 'lo' version 1.0.0: variable 'hostname' is required",
        ),
    ],
)
def test_failures_are_one_sentence(store, args, message):
    failed = run_module("config_render", args, expect_failure=True)

    assert message in failed["msg"]


@pytest.mark.parametrize("store_it", [True, False])
def test_an_empty_device_list_fails_and_stores_nothing(store, store_it):
    failed = run_module(
        "config_render", {"template": "lo", "devices": [], "store": store_it}, expect_failure=True
    )

    assert failed["msg"] == (
        "devices is an empty list, so there is nothing to render; list at least one device, "
        "or leave devices out to render once"
    )
    assert "rendered" not in failed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"template": "lo", "version": "1.0"}, "template version '1.0' is not a semantic version"),
        ({"template": "lo", "version": "latest!"}, "is not a semantic version"),
        (
            {"template": "loop", "variables": {}},
            "template 'loop' version 1.0.0 calls itself without end",
        ),
        (
            {"template": "bad-filter", "variables": {"tacacs_key": "hunter2-S3cret"}},
            "template 'bad-filter' version 1.0.0: prefix_to_netmask: '<tacacs_key>' is not",
        ),
        (
            {"template": "lo", "variables": {"hostname": "r1", "lo": "10.0.0.1", "x": 1}},
            "variable 'x' is not declared in the template's schema",
        ),
    ],
)
def test_render_failures_are_one_sentence(store, args, message):
    run_module(
        "config_template",
        {
            "name": "loop",
            "version": "1.0.0",
            "content": "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
        },
    )
    run_module(
        "config_template",
        {
            "name": "bad-filter",
            "version": "1.0.0",
            "content": "key {{ tacacs_key | prefix_to_netmask }}\n",
            "variables": {"tacacs_key": "string"},
        },
    )

    failed = run_module("config_render", args, expect_failure=True)

    assert message in failed["msg"]
    assert "hunter2" not in str(failed)
