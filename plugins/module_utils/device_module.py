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
# What Ansible itself puts in place of a value given to a no_log option.
_MASK = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def device_spec(values: dict[str, Any]) -> dict[str, Any]:
    """Return the options of one device that were given (a left-out option changes nothing)."""
    return {
        key: value
        for key, value in values.items()
        if value is not None and (key in DEVICE_OPTIONS or key == "name")
    }


# How many changed devices a bulk ``--diff`` shows unless ``return_devices`` is set: Ansible
# scans every string of a result once per secret the task was given.
DIFF_LIMIT = 100


def run_device_module(module: Any) -> None:
    """Run isp.network.device: single or bulk form, present or absent; exits the module."""
    params = module.params
    bulk = params["devices"] is not None
    full = bool(params.get("return_devices"))
    if bulk:
        # Options given next to ``devices`` hold for every item that leaves them out.
        shared = device_spec(params)
        specs = [{**shared, **device_spec(item)} for item in params["devices"]]
    else:
        specs = [device_spec(params)]

    def work(session: Any) -> dict[str, Any]:
        if params["state"] == "absent":
            result = _absent(session, [spec["name"] for spec in specs], bulk, module._diff, full)
        else:
            needs_key = any(name in spec for spec in specs for name in _SECRETS)
            box = secret_box(module) if needs_key else None
            result = _present(session, specs, box, bulk, module._diff, full)
        if bulk:
            result["invocation"] = compact_invocation(module.params, module.argument_spec)
        return result

    run_in_store(module, work)


def compact_invocation(params: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """Return the ``invocation`` of a bulk task: its options, ``devices`` as a count only.

    Ansible returns it only when its ``inject_invocation`` setting is on; otherwise it drops
    the key. A secret option that was set appears as Ansible's own mask, never its value.
    """
    shown: dict[str, Any] = {}
    for key, value in params.items():
        if key == "devices" and value is not None:
            value = f"({len(value)} devices, not returned; see outcomes)"
        elif spec.get(key, {}).get("no_log") and value is not None:
            value = _MASK
        shown[key] = value
    return {"module_args": shown}


def _present(
    session: Any, specs: list[dict[str, Any]], box: Any, bulk: bool, diff: bool, full: bool
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
        outcomes = [
            (
                change.name,
                RESULT_WORDS[change.action],
                change.changed_fields if change.action == "updated" else None,
            )
            for change in changes
        ]
        result.update(_bulk_report(outcomes))
        if full:
            result["devices"] = [change.shown() for change in changes]
            result["results"] = [change_report(change) for change in changes]
        if diff:
            changed = [change for change in changes if change.changed]
            shown = changed if full else changed[:DIFF_LIMIT]
            views = {change.name: change_diff(change) for change in shown}
            result["diff"] = _bulk_diff(views, len(changed))
        return result

    [change] = changes
    result["device"] = change.shown()
    result["changed_fields"] = change.changed_fields
    result["msg"] = f"device {change.name!r} {RESULT_WORDS[change.action]}"
    if diff:
        result["diff"] = change_diff(change)
    return result


def _absent(session: Any, names: list[str], bulk: bool, diff: bool, full: bool) -> dict[str, Any]:
    from ansible_collections.isp.network.plugins.module_utils.services.device_view import (
        diff_view,
    )
    from ansible_collections.isp.network.plugins.module_utils.services.devices import (
        DeviceService,
    )

    limit = len(names) if full or not bulk else DIFF_LIMIT
    words: list[tuple[str, str, None]] = []
    views: dict[str, dict[str, Any]] = {}
    for name in names:
        device = DeviceService.find_device(session, name)
        if device is not None:
            if diff and len(views) < limit:
                before = diff_view(DeviceService.describe(session, device))
                views[name] = {"before": before, "after": {}}
            DeviceService.delete_device(session, device.id)
        words.append((name, "deleted" if device is not None else "already absent", None))

    deleted = sum(word == "deleted" for _name, word, _fields in words)
    result: dict[str, Any] = {"changed": deleted > 0}
    if bulk:
        result.update(_bulk_report(words))
        if full:
            result["devices"] = []
            result["results"] = [
                {"name": name, "result": word, "changed": word == "deleted"}
                for name, word, _fields in words
            ]
        if diff:
            result["diff"] = _bulk_diff(views, deleted)
        return result

    name, word, _fields = words[0]
    result.update(device={}, changed_fields=[], msg=f"device {name!r} {word}")
    if diff:
        result["diff"] = views.get(name, {"before": {}, "after": {}})
    return result


def _bulk_report(outcomes: list[tuple[str, str, list[str] | None]]) -> dict[str, Any]:
    """Return ``msg``, ``summary`` and ``outcomes`` of the bulk form.

    Device names are keys and the result words group them, so that the result holds few
    strings: Ansible masks secrets string by string, once per secret of the task.
    """
    by_word: dict[str, dict[str, list[str] | None]] = {}
    for name, word, fields in outcomes:
        by_word.setdefault(word, {})[name] = fields
    summary = {word: len(devices) for word, devices in by_word.items()}
    if summary:
        msg = ", ".join(f"{count} {word}" for word, count in summary.items())
    else:
        msg = "no devices given"
    return {"msg": msg, "summary": summary, "outcomes": by_word}


def _bulk_diff(views: dict[str, dict[str, Any]], changed: int) -> dict[str, Any]:
    """Return the diff of the bulk form: before / after by device name, headed when cut."""
    diff: dict[str, Any] = {
        "before": {name: view["before"] for name, view in views.items()},
        "after": {name: view["after"] for name, view in views.items()},
    }
    if len(views) < changed:
        header = (
            f"the first {len(views)} of {changed} changed devices "
            "(return_devices: true shows them all)"
        )
        diff.update(before_header=header, after_header=header)
    return diff
