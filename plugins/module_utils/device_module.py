# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the isp.network.device module does with its options: one service call per form.

Kept out of the module file so that the module stays its documentation and argument spec.
The store libraries are imported inside the functions, after the module has parsed its
options.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.isp.network.plugins.module_utils.module import run_in_store, secret_box

DEVICE_TYPES = ["router", "switch", "firewall", "olt", "access_point", "cpe", "server", "other"]
DEVICE_STATUSES = [
    "planned",
    "staged",
    "active",
    "maintenance",
    "offline",
    "discovered",
    "decommissioned",
]

# The options that describe one device, shared by the single and the bulk form.
DEVICE_OPTIONS: dict[str, dict[str, Any]] = {
    "hostname": {"type": "str"},
    "ip_address": {"type": "str"},
    "device_type": {"type": "str", "choices": DEVICE_TYPES},
    "platform": {"type": "str"},
    "vendor": {"type": "str"},
    "model": {"type": "str"},
    "serial": {"type": "str"},
    "site": {"type": "str"},
    "tenant": {"type": "str"},
    "status": {"type": "str", "choices": DEVICE_STATUSES},
    "port": {"type": "int"},
    "username": {"type": "str", "no_log": False},
    "password": {"type": "str", "no_log": True},
    "enable_secret": {"type": "str", "no_log": True},
    "driver_options": {"type": "dict", "aliases": ["optional_args"]},
    "variables": {"type": "dict"},
    "groups": {"type": "list", "elements": "str"},
}
_SECRETS = ("password", "enable_secret")


def device_spec(values: dict[str, Any]) -> dict[str, Any]:
    """Return the options of one device that were given (a left-out option changes nothing)."""
    return {key: value for key, value in values.items() if key in DEVICE_OPTIONS or key == "name"}


def run_device_module(module: Any) -> None:
    """Run isp.network.device: single or bulk form, present or absent; exits the module."""
    params = module.params
    bulk = params["devices"] is not None
    specs = (
        [device_spec(item) for item in params["devices"]]
        if bulk
        else [device_spec({**params, "name": params["name"]})]
    )
    specs = [{key: value for key, value in spec.items() if value is not None} for spec in specs]

    def work(session: Any) -> dict[str, Any]:
        if params["state"] == "absent":
            return _absent(session, [spec["name"] for spec in specs], bulk, module._diff)
        needs_key = any(name in spec for spec in specs for name in _SECRETS)
        box = secret_box(module) if needs_key else None
        return _present(session, specs, box, bulk, module._diff)

    run_in_store(module, work)


def _present(
    session: Any, specs: list[dict[str, Any]], box: Any, bulk: bool, diff: bool
) -> dict[str, Any]:
    from ansible_collections.isp.network.plugins.module_utils.services.device_view import (
        RESULT_WORDS,
        change_diff,
        change_report,
    )
    from ansible_collections.isp.network.plugins.module_utils.services.devices import (
        DeviceService,
    )

    changes = DeviceService.ensure_devices(session, specs, box)
    result: dict[str, Any] = {"changed": any(change.changed for change in changes)}
    if bulk:
        result["devices"] = [change.shown() for change in changes]
        result["results"] = [change_report(change) for change in changes]
        result["msg"] = _summary(report["result"] for report in result["results"])
        if diff:
            diffs = [change_diff(change) for change in changes if change.changed]
            result["diff"] = {
                "before": {d["after"].get("name"): d["before"] for d in diffs},
                "after": {d["after"].get("name"): d["after"] for d in diffs},
            }
        return result

    [change] = changes
    result["device"] = change.shown()
    result["changed_fields"] = change.changed_fields
    result["msg"] = f"device {change.name!r} {RESULT_WORDS[change.action]}"
    if diff:
        result["diff"] = change_diff(change)
    return result


def _absent(session: Any, names: list[str], bulk: bool, diff: bool) -> dict[str, Any]:
    from ansible_collections.isp.network.plugins.module_utils.services.device_view import (
        diff_view,
    )
    from ansible_collections.isp.network.plugins.module_utils.services.devices import (
        DeviceService,
    )

    reports: list[dict[str, Any]] = []
    before: dict[str, Any] = {}
    for name in names:
        device = DeviceService.find_device(session, name)
        if device is not None:
            before[name] = diff_view(DeviceService.describe(session, device))
            DeviceService.delete_device(session, device.id)
        word = "deleted" if device is not None else "already absent"
        reports.append({"name": name, "result": word, "changed": device is not None})

    result: dict[str, Any] = {"changed": bool(before)}
    if bulk:
        result.update(devices=[], results=reports, msg=_summary(r["result"] for r in reports))
    else:
        result.update(
            device={}, changed_fields=[], msg=f"device {names[0]!r} {reports[0]['result']}"
        )
    if diff:
        if bulk:
            result["diff"] = {"before": before, "after": {key: {} for key in before}}
        else:
            result["diff"] = {"before": before.get(names[0], {}), "after": {}}
    return result


def _summary(words: Any) -> str:
    counts: dict[str, int] = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    if not counts:
        return "no devices given"
    return ", ".join(f"{count} {word}" for word, count in counts.items())
