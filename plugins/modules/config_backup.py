#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: config_backup
short_description: Back up the running configuration of many devices into the store
version_added: 0.1.0
description:
  - Reads the running configuration of devices registered in the store through NAPALM, in
    parallel, and stores each one as a C(backup) (or C(running)) configuration.
  - A configuration identical to the device's newest one of that kind is not stored again,
    so backing up an unchanged network changes nothing.
  - With O(startup=true), the startup configuration is read too, stored as a C(startup)
    configuration (also only when it differs from the device's newest one), and
    RV(results[].startup_saved) says whether it equals the running one (no unsaved changes).
  - One unreachable device never loses the others' backups; the task fails when any device
    could not be read, and RV(results) lists every device.
author:
  - isp.network maintainers (@isp-network)
extends_documentation_fragment:
  - isp.network.store
attributes:
  check_mode:
    support: full
    description: Reads the devices, stores nothing, and reports C(changed) for the devices
      whose configuration a real run would store.
  diff_mode:
    support: none
    description: Returns no diff; RV(results) says which configurations were stored.
options:
  devices:
    description:
      - Names of the devices, as registered in the store.
    type: list
    elements: str
    required: true
  kind:
    description:
      - V(backup) keeps the configuration to restore later; V(running) records what the
        device runs, for compliance.
    type: str
    choices: [backup, running]
    default: backup
  startup:
    description:
      - Also read the startup configuration, store it as kind C(startup), and report whether
        it equals the running one.
    type: bool
    default: false
  workers:
    description:
      - How many devices are read at the same time.
    type: int
    default: 10
  timeout:
    description:
      - Seconds each read from a device may wait.
    type: int
    default: 60
seealso:
  - module: isp.network.config_apply
  - module: isp.network.config_info
"""

EXAMPLES = r"""
- name: Back up the whole network before a change window
  isp.network.config_backup:
    devices: "{{ groups['all'] }}"
    startup: true
    workers: 20
  register: backup

- name: List devices with unsaved changes
  ansible.builtin.debug:
    msg: "{{ backup.results | rejectattr('startup_saved') | map(attribute='device') | list }}"
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
      description: V(stored), V(already exists) (identical to the newest stored one, running
        and startup), V(would store) (check mode, where a real run would store the running
        or the startup configuration) or V(failed).
      type: str
    changed:
      description: Whether a new configuration was stored (in check mode, would be).
      type: bool
    version:
      description: Version of the stored configuration; null on failure, and in check mode
        when it would be stored.
      type: int
    content_hash:
      description: sha256 of the stored configuration; null when RV(results[].version) is.
      type: str
    startup_saved:
      description: Whether the startup configuration equals the running one; null unless
        O(startup=true).
      type: bool
    startup_version:
      description: Version of the stored C(startup) configuration; null unless O(startup=true),
        and in check mode when it would be stored.
      type: int
    error:
      description: Why the device could not be read, in one sentence; null otherwise.
      type: str
  sample:
    - {device: core1, outcome: stored, changed: true, version: 4, error: null,
       content_hash: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08,
       startup_saved: true, startup_version: 2}
msg:
  description: What the task did, in one sentence.
  returned: always
  type: str
  sample: "backed up 12 devices: 3 stored, 9 already exists"
"""

from ansible_collections.isp.network.plugins.module_utils.module import (  # noqa: E402
    devices_counted,
    failing_cleanly,
    secret_box,
    store_module,
)


def main() -> None:
    """Read the devices' running configurations and store them."""
    module = store_module(
        {
            "devices": {"type": "list", "elements": "str", "required": True},
            "kind": {"type": "str", "choices": ["backup", "running"], "default": "backup"},
            "startup": {"type": "bool", "default": False},
            "workers": {"type": "int", "default": 10},
            "timeout": {"type": "int", "default": 60},
        },
        supports_check_mode=True,
    )
    from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
        ConfigurationService,
    )

    params = module.params
    with failing_cleanly(module):
        outcomes = ConfigurationService.backup_configurations(
            params["devices"],
            store_url=params["store_url"],
            box=secret_box(module),
            kind=params["kind"],
            startup=params["startup"],
            workers=params["workers"],
            timeout=params["timeout"],
            check=module.check_mode,
        )
    words: dict[str, int] = {}
    for outcome in outcomes:
        words[outcome.outcome] = words.get(outcome.outcome, 0) + 1
    results = [outcome.to_dict() for outcome in outcomes]
    result = {
        "changed": any(entry["changed"] for entry in results),
        "results": results,
        "msg": f"backed up {devices_counted(len(outcomes))}: "
        + ", ".join(f"{count} {word}" for word, count in words.items()),
    }
    if "failed" in words:
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
