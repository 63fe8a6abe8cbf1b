#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: config_compliance
short_description: Compare devices' intended configurations with what they run
version_added: 0.1.0
description:
  - For each device, compares its newest intended configuration with its running one and
    reports it compliant, or the lines missing from the device and the extra lines it has.
  - Configurations are compared as blocks (C(interface X) and its indented lines) in any
    order; comments, volatile header lines and C(no shutdown) under interfaces are ignored.
    Differences are paths such as C(interface Loopback0 > ip address 10.0.0.1 255.255.255.255),
    with the value of every secret in them (passwords, communities, keys) replaced by
    C(<removed>).
  - With O(refresh=true) (the default) the running configurations are read from the devices
    first, in parallel, and stored as C(running) configurations (once per distinct content);
    otherwise the newest stored O(against) configurations are used and no device is reached.
  - Being out of compliance is a result, not a failure. The task fails only when a device
    could not be checked (unreachable, or nothing intended); RV(results) lists every device.
  - The task never reports a change, as the devices are only read.
author:
  - isp.network maintainers (@isp-network)
extends_documentation_fragment:
  - isp.network.store
attributes:
  check_mode:
    support: full
    description: Reads the devices and compares, storing nothing.
  diff_mode:
    support: none
    description: Returns no diff; the differences found are in RV(results).
options:
  devices:
    description:
      - Names of the devices, as registered in the store.
    type: list
    elements: str
    required: true
  refresh:
    description:
      - Read the running configurations from the devices first.
    type: bool
    default: true
  against:
    description:
      - Which stored configurations to compare with when O(refresh=false).
    type: str
    choices: [running, backup]
    default: running
  ignore:
    description:
      - Regular expressions of configuration lines to leave out of the comparison, for
        example C(^version ).
      - Checked before any device is read; a pattern that is not a regular expression fails
        the task, naming it.
    type: list
    elements: str
    default: []
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
  - module: isp.network.config_render
"""

EXAMPLES = r"""
- name: Check the core against its intended configurations
  isp.network.config_compliance:
    devices: [core1, core2]
    ignore: ["^version ", "^service timestamps"]
  register: compliance

- name: Fail when a device drifted
  ansible.builtin.assert:
    that: compliance.compliant
    fail_msg: "{{ compliance.results | rejectattr('compliant') | map(attribute='device') | list }}"
"""

RETURN = r"""
compliant:
  description: Whether every device checked is compliant.
  returned: always
  type: bool
  sample: false
results:
  description: One entry per device, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    device:
      description: The device name.
      type: str
    compliant:
      description: Whether the device runs its intended configuration; null when it could
        not be checked.
      type: bool
    missing:
      description: Intended lines the device lacks, as paths.
      type: list
      elements: str
    extra:
      description: Lines the device has beyond the intended configuration, as paths.
      type: list
      elements: str
    intended_version:
      description: Version of the intended configuration compared.
      type: int
    running_version:
      description: Version of the stored running (or backup) configuration compared; null
        in check mode.
      type: int
    running_kind:
      description: V(running) or V(backup).
      type: str
    error:
      description: Why the device could not be checked, in one sentence; null otherwise.
      type: str
  sample:
    - {device: core1, compliant: false, missing: ["ntp server 192.0.2.123"],
       extra: ["logging host 192.0.2.9"], intended_version: 3, running_version: 7,
       running_kind: running, error: null}
msg:
  description: What the task found, in one sentence.
  returned: always
  type: str
  sample: "2 of 3 devices are compliant"
"""

from ansible_collections.isp.network.plugins.module_utils.module import (  # noqa: E402
    failing_cleanly,
    secret_box,
    store_module,
)


def main() -> None:
    """Report each device's compliance with its intended configuration."""
    module = store_module(
        {
            "devices": {"type": "list", "elements": "str", "required": True},
            "refresh": {"type": "bool", "default": True},
            "against": {"type": "str", "choices": ["running", "backup"], "default": "running"},
            "ignore": {"type": "list", "elements": "str", "default": []},
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
        outcomes = ConfigurationService.check_compliance_many(
            params["devices"],
            store_url=params["store_url"],
            box=secret_box(module) if params["refresh"] else None,
            refresh=params["refresh"],
            against=params["against"],
            ignore=params["ignore"],
            check=module.check_mode,
            workers=params["workers"],
            timeout=params["timeout"],
        )
    results = [outcome.to_dict() for outcome in outcomes]
    good = sum(1 for entry in results if entry["compliant"])
    failed = [entry["device"] for entry in results if entry["error"]]
    result = {
        "changed": False,
        "compliant": good == len(results),
        "results": results,
        "msg": f"{good} of {len(results)} devices are compliant"
        + (f"; {len(failed)} could not be checked" if failed else ""),
    }
    if failed:
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
