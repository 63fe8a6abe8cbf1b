"""refused_argument: the one sentence a module fails with before Ansible's checks would break."""

from __future__ import annotations

import pytest

from ansible_collections.isp.network.plugins.module_utils.argument_checks import (
    refused_argument,
)

SPEC = {
    "name": {"type": "str"},
    "port": {"type": "int", "aliases": ["ssh_port"]},
    "variables": {"type": "dict"},
    "devices": {
        "type": "list",
        "elements": "dict",
        "options": {"name": {"type": "str"}, "port": {"type": "int"}, "groups": {"type": "list"}},
    },
}


@pytest.mark.parametrize(
    ("params", "sentence"),
    [
        ({"name": "r1\x00"}, "option 'name' holds a NUL character (\\x00)"),
        ({"variables": {"site": ["ams\x00"]}}, "option 'variables' holds a NUL character"),
        (
            {"devices": [{"name": "r1"}, {"name": "r2", "groups": ["core\x00"]}]},
            "option 'devices[1].groups[0]' holds a NUL character",
        ),
        ({"ssh_port": float("inf")}, "option 'ssh_port' is infinite; give a whole number"),
        ({"devices": [{"port": "-inf"}]}, "option 'devices[0].port' is infinite"),
        (
            {"port": 2**31},
            "option 'port' is beyond what the store holds; give a number from -2147483647 to "
            "2147483647",
        ),
    ],
)
def test_the_sentence_names_the_option_and_never_its_value(params, sentence):
    problem = refused_argument(params, SPEC)

    assert problem is not None and problem.startswith(sentence)
    assert "2147483648" not in problem and "inf'" not in problem


def test_arguments_ansible_can_check_pass():
    params = {
        "name": "r1",
        "port": "22",
        "variables": {"site": "ams1"},
        "devices": [{"name": f"r{i}", "port": 22, "groups": ["core"]} for i in range(3)],
        "_ansible_check_mode": "\x00",
    }

    assert refused_argument(params, SPEC) is None
