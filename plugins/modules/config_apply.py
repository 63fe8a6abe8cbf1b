#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: config_apply
short_description: Apply a configuration to one or many devices, with backup and rollback
version_added: 0.1.0
description:
  - Pushes a configuration to devices registered in the store, through NAPALM, each device
    in its own transaction.
  - "For each device: back up its running configuration (stored as a C(backup)
    configuration, once per distinct content); load the candidate (O(mode)); compare; commit;
    verify that the running configuration now holds every line of the candidate (merge) or
    equals it (replace)."
  - Any failure once the backup is taken (a rejected line, a dropped session, a timeout, a
    failed verification) restores the backup, through NAPALM's rollback or, when the session
    was lost, a replace with the backup in a new session; the restore is verified too.
  - Every apply that was not a no-op is stored as an C(applied) configuration whose state
    (V(applied), V(failed), V(rolled_back)), diff and error say what happened; the intended
    configuration applied, if any, gets the same state. Each apply writes an audit event.
  - An apply with nothing to change reports C(changed) as V(false) and stores no new applied
    version, unless O(template) stored a new intended version for a device
    (RV(results[].intended_stored)), which changed the store, so C(changed) is V(true).
  - Diffs, as returned, shown with C(--diff) and stored, have the value of every secret
    (passwords, secrets, SNMP communities and SNMPv3 keys, TACACS+ and RADIUS keys, OSPF,
    BGP and NTP authentication keys, key-strings, pre-shared keys, wpa-psk) replaced by
    C(<removed>); the line itself is kept. Stored backups stay exact, as a restore needs.
  - Devices are worked on in parallel (O(workers)), each bounded by O(timeout); restoring a
    backup has a budget of its own, O(restore_timeout). One device
    failing never loses the others' results. The task fails when any device failed or was
    rolled back, and RV(results) lists every device's outcome. Use C(ignore_errors) or the
    P(isp.network.config_deploy#role) role's failure percentage to go on.
  - Where the driver and the device support it, the commit is a commit-confirm (NAPALM's
    C(revert_in)), so the device reverts by itself to its configuration from before the commit
    unless the change is confirmed within O(confirm_timeout) seconds, which happens once
    verification passed. A failed verification reverts the change at once; a device the
    controller loses after the commit goes back on its own when the timer expires, even if
    the controller never reconnects. The C(ios) driver needs the C(archive) feature
    configured on the device; without it, or with a driver that has no revert timer, the
    commit is a plain one. RV(results[].commit) says which was used.
  - Device credentials are read from the store and decrypted with the secret key; no
    password is ever needed in the playbook.
  - O(ignore) patterns are checked before anything is rendered, stored or pushed; a pattern
    that is not a regular expression fails the task, naming it.
author:
  - isp.network maintainers (@isp-network)
extends_documentation_fragment:
  - isp.network.store
attributes:
  check_mode:
    support: full
    description: Loads and compares on each device, returns the diff, commits nothing and
      writes nothing to the store.
  diff_mode:
    support: full
    description: Shows each device's diff as NAPALM computed it on the device, secret values
      masked.
options:
  devices:
    description:
      - Names of the devices, as registered in the store.
    type: list
    elements: str
    required: true
    aliases: [device]
  config:
    description:
      - Configuration text to apply to every device in O(devices).
      - Give exactly one of O(config), O(configs), O(template) and O(intended=true).
    type: str
  configs:
    description:
      - Configuration text per device, a mapping of device name to text, for devices that
        each take their own text (the renderings of M(isp.network.config_render), say).
      - Every device in O(devices) needs an entry, and every entry a device in O(devices).
    type: dict
    version_added: 1.0.0
  template:
    description:
      - Name of a stored template to render for every device with O(variables).
      - The rendering is stored as each device's intended configuration (not in check mode),
        then applied.
    type: str
  template_version:
    description:
      - Version of O(template); the highest when not set.
    type: str
  variables:
    description:
      - Variables for O(template).
    type: dict
    default: {}
  intended:
    description:
      - Apply each device's newest intended configuration (stored by
        M(isp.network.config_render) with O(isp.network.config_render#module:store=true)).
    type: bool
    default: false
  mode:
    description:
      - V(merge) adds the candidate's lines to the running configuration.
      - V(replace) makes the running configuration equal the candidate; the candidate must be
        a whole configuration (including its users and management access).
    type: str
    choices: [merge, replace]
    default: merge
  workers:
    description:
      - How many devices are worked on at the same time.
    type: int
    default: 10
  timeout:
    description:
      - Seconds one device's apply may take, from opening the session to the confirm (backup,
        load, compare, commit, verify and confirm). A step that would start later fails the
        device (its backup is restored when the commit was sent), and every read from it
        waits at most this long, so an apply ends within about this time plus one step.
      - Restoring the backup is not counted here; O(restore_timeout) bounds it.
    type: int
    default: 60
  restore_timeout:
    description:
      - Seconds the restore of a device's backup may take, after its apply failed once the
        commit was sent. The restore opens a new session when the first was lost, and every
        read in it waits at most this long.
      - A device too slow for the apply is often still slow when its backup must go back, so
        the restore gets more time; when not set, three times O(timeout) and at least V(60).
    type: int
    version_added: 0.1.0
  ignore:
    description:
      - Regular expressions of configuration lines that verification leaves out (lines the
        device rewrites, such as encrypted secrets).
    type: list
    elements: str
    default: []
  confirm_timeout:
    description:
      - Seconds of the revert timer a commit-confirm starts on each device that supports it,
        in whole minutes from V(60) to V(7200). V(0) commits without a timer.
      - The default outlasts the default O(timeout), within which a healthy device has
        committed, verified and confirmed; raise it with O(timeout).
    type: int
    default: 120
    version_added: 0.1.0
seealso:
  - module: isp.network.config_render
  - module: isp.network.config_backup
  - module: isp.network.config_compliance
  - module: isp.network.config_info
"""

EXAMPLES = r"""
- name: Apply every router's stored intended configuration
  isp.network.config_apply:
    devices: "{{ groups['routers'] }}"
    intended: true

- name: Preview a change on one device
  isp.network.config_apply:
    device: core1
    config: |
      ntp server 192.0.2.123
  check_mode: true
  diff: true

- name: Replace the whole configuration from a template
  isp.network.config_apply:
    devices: [edge1]
    template: edge-full
    variables: {hostname: edge1}
    mode: replace
    timeout: 120
"""

RETURN = r"""
results:
  description: One entry per device, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    device:
      description: The device name.
      type: str
    outcome:
      description: V(applied), V(unchanged), V(would_change) (check mode), V(failed) (nothing
        was changed, or the restore failed too, as the error says) or V(rolled_back) (the
        change failed and the backup is back on the device).
      type: str
    changed:
      description: Whether the device's configuration was changed.
      type: bool
    diff:
      description: The device's diff of the candidate against its running configuration,
        secret values replaced by C(<removed>).
      type: str
    error:
      description: Why the device failed or was rolled back, in one sentence; null otherwise.
      type: str
    backup_version:
      description: Version of the backup stored before the change; null in check mode or
        when the device could not be read.
      type: int
    applied_version:
      description: Version of the C(applied) configuration recording this attempt; null when
        nothing changed or in check mode.
      type: int
    intended_version:
      description: Version of the intended configuration applied; null for O(config).
      type: int
    commit:
      description: How the change was committed. V(confirm) with a revert timer (see
        RV(results[].confirm_timer)), V(plain) without one (O(confirm_timeout=0), or the
        driver or device has no revert timer); null when no commit was sent. A commit that
        was sent and failed (a timeout during it) is reported too, with RV(results[].outcome)
        saying how it ended.
      type: str
    confirm_timer:
      description: Seconds of the revert timer the commit started; null for a plain commit.
      type: int
    intended_stored:
      description: Whether this task stored a new intended version for the device
        (O(template) only; an identical rendering is not stored again).
      type: bool
  sample:
    - {device: core1, outcome: applied, changed: true, diff: "+ntp server 192.0.2.123",
       error: null, backup_version: 3, applied_version: 2, intended_version: 5,
       commit: confirm, confirm_timer: 120, intended_stored: true}
summary:
  description: How many devices ended in each outcome.
  returned: always
  type: dict
  sample: {applied: 2, unchanged: 1, failed: 0, rolled_back: 1, would_change: 0}
msg:
  description: What the task did, in one sentence.
  returned: always
  type: str
  sample: "configuration applied to 4 devices: 2 applied, 1 unchanged, 1 rolled_back"
"""

from ansible_collections.isp.network.plugins.module_utils.config_apply_module import (  # noqa: E402
    candidates,
)
from ansible_collections.isp.network.plugins.module_utils.module import (  # noqa: E402
    devices_counted,
    failing_cleanly,
    secret_box,
    store_module,
)

OUTCOMES = ("applied", "unchanged", "would_change", "failed", "rolled_back")


def main() -> None:
    """Apply a configuration to the devices and report each device's outcome."""
    module = store_module(
        {
            "devices": {
                "type": "list",
                "elements": "str",
                "required": True,
                "aliases": ["device"],
            },
            "config": {"type": "str"},
            "configs": {"type": "dict"},
            "template": {"type": "str"},
            "template_version": {"type": "str"},
            "variables": {"type": "dict", "default": {}},
            "intended": {"type": "bool", "default": False},
            "mode": {"type": "str", "choices": ["merge", "replace"], "default": "merge"},
            "workers": {"type": "int", "default": 10},
            "timeout": {"type": "int", "default": 60},
            "ignore": {"type": "list", "elements": "str", "default": []},
            "confirm_timeout": {"type": "int", "default": 120},
            "restore_timeout": {"type": "int"},
        },
        supports_check_mode=True,
    )
    with failing_cleanly(module):
        result = _apply(module)
    if result.pop("failed"):
        module.fail_json(**result)
    module.exit_json(**result)


def _apply(module) -> dict:
    from ansible_collections.isp.network.plugins.module_utils.services.config_record import (
        ApplyOptions,
        ApplyRequest,
    )
    from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
        ConfigurationService,
    )

    params = module.params
    given = [name for name in ("config", "configs", "template", "intended") if params[name]]
    if len(given) != 1:
        module.fail_json(
            msg="give exactly one of config, configs, template or intended: true "
            f"(got {given or 'none'})"
        )
    # Checked before anything is rendered, stored or pushed.
    options = ApplyOptions(
        mode=params["mode"],
        check=module.check_mode,
        timeout=params["timeout"],
        workers=params["workers"],
        ignore=tuple(params["ignore"]),
        confirm_timeout=params["confirm_timeout"],
        restore_timeout=params["restore_timeout"],
    ).checked()
    box = secret_box(module)
    contents, stored = candidates(module)
    requests = [
        ApplyRequest(name, content=contents.get(name) if contents else None)
        for name in params["devices"]
    ]
    outcomes = ConfigurationService.apply_configurations(
        requests, store_url=params["store_url"], box=box, options=options
    )

    summary = {word: sum(o.outcome == word for o in outcomes) for word in OUTCOMES}
    counted = ", ".join(f"{count} {word}" for word, count in summary.items() if count)
    results = [{**o.to_dict(), "intended_stored": o.device in stored} for o in outcomes]
    result = {
        "changed": bool(stored) or any(o.changed or o.outcome == "would_change" for o in outcomes),
        "failed": bool(summary["failed"] or summary["rolled_back"]),
        "results": results,
        "summary": summary,
        "msg": f"configuration {'checked on' if module.check_mode else 'applied to'} "
        f"{devices_counted(len(outcomes))}: {counted}",
    }
    if module._diff:
        shown = [f"--- {o.device}\n{o.diff}\n" for o in outcomes if o.diff]
        result["diff"] = {"prepared": "".join(shown)}
    return result


if __name__ == "__main__":
    main()
