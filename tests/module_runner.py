"""Run a module in-process the way Ansible does, and return its result.

The module's ``main()`` reads its arguments, runs, and exits through ``exit_json`` or
``fail_json``; this catches the exit and decodes what the module printed.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
from typing import Any

from ansible.module_utils.testing import patch_module_args

MODULES = "ansible_collections.isp.network.plugins.modules"


class ModuleFailed(AssertionError):
    """The module called fail_json; ``result`` holds what it returned."""

    def __init__(self, result: dict[str, Any]) -> None:
        super().__init__(result.get("msg"))
        self.result = result


def run_module(
    name: str,
    args: dict[str, Any],
    *,
    check_mode: bool = False,
    diff: bool = False,
    expect_failure: bool = False,
) -> dict[str, Any]:
    """Run module ``name`` (e.g. ``"device"``) with ``args``; return its result dict.

    Raises ModuleFailed when it fails and ``expect_failure`` is false; with
    ``expect_failure`` a success raises AssertionError instead.
    """
    module = importlib.import_module(f"{MODULES}.{name}")
    full_args = {**args, "_ansible_check_mode": check_mode, "_ansible_diff": diff}
    stdout = io.StringIO()
    with (
        patch_module_args(full_args),
        contextlib.redirect_stdout(stdout),
        contextlib.suppress(SystemExit),
    ):
        module.main()
    result = json.loads(stdout.getvalue())
    failed = bool(result.get("failed"))
    if failed and not expect_failure:
        raise ModuleFailed(result)
    if expect_failure and not failed:
        raise AssertionError(f"module {name} succeeded where it should fail: {result}")
    return result
