#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: firmware_upgrade
short_description: Run firmware updates through their steps, resuming where they stopped
version_added: 0.1.0
description:
  - Runs each update given through pre-check, backup, stage, activate and verify, or only
    O(step). Each step is recorded in the store when it ends, so a run that was killed
    resumes at the next step; a finished update is left as it is.
  - A failure in pre-check, backup or stage ends the update as V(failed) with the device
    unchanged; a failure in activate or verify rolls back to the previous image.
  - Updates run in parallel threads, O(parallel) at a time. Every step's outcome is audited.
  - The device's credentials are read from the store and decrypted in this process.
extends_documentation_fragment:
  - isp.network.store
attributes:
  check_mode:
    support: full
    description: Reports the steps each update still has to run; touches nothing.
  diff_mode:
    support: none
    description: The results list the steps run.
options:
  device:
    description: Run the open update of this device.
    type: str
  devices:
    description: Run the open updates of these devices.
    type: list
    elements: str
  update_ids:
    description: Run these updates.
    type: list
    elements: int
  due:
    description: Run every update due now (see M(isp.network.firmware_update_info)).
    type: bool
    default: false
  step:
    description:
      - Run only this step, when it is the next one of the update; a step already done is
        no change.
    type: str
    choices: [precheck, backup, stage, activate, verify, rollback]
  parallel:
    description: How many updates run at once.
    type: int
    default: 10
  fail_on_error:
    description:
      - Fail the task when an update ends V(failed) or V(rolled_back). The role sets it to
        V(false) and judges the batch itself.
    type: bool
    default: true
  reload_timeout:
    description: Seconds a device may take to come back after a reload.
    type: float
    default: 900
  settle_timeout:
    description: Seconds to wait for interfaces and LLDP neighbours to come back.
    type: float
    default: 120
  poll_interval:
    description: Seconds between two polls of a device coming back.
    type: float
    default: 5
  connect_timeout:
    description: Seconds to wait for one SSH login.
    type: float
    default: 30
  lease_seconds:
    description: How long this run holds an update before another runner may take it over.
    type: float
    default: 3600
  firmware_path:
    description:
      - Firmware folder on the controller.
      - Default is E(ISP_NETWORK_FIRMWARE_PATH), else C(<user data dir>/isp-network/firmware).
    type: path
seealso:
  - module: isp.network.firmware_update
  - module: isp.network.firmware_update_info
author:
  - isp.network maintainers (@isp-network)
"""

EXAMPLES = r"""
- name: Upgrade edge1 (its scheduled update)
  isp.network.firmware_upgrade:
    device: edge1

- name: Stage the image only, ahead of the window
  isp.network.firmware_upgrade:
    devices: [acc1, acc2]
    step: stage

- name: What would run now
  isp.network.firmware_upgrade:
    due: true
  check_mode: true
"""

RETURN = r"""
results:
  description: Per update, the steps run and how it stands; in check mode the steps left.
  returned: always
  type: list
  elements: dict
  sample:
    - {id: 12, device: acc1, state: completed, failed: false, error: null,
       steps: [precheck, backup, stage, activate, verify, complete]}
updates:
  description: The status of each update after the task (see M(isp.network.firmware_update_info)).
  returned: always
  type: list
  elements: dict
  sample: [{id: 12, device: acc1, state: completed, target_version: 17.12.01}]
table:
  description: The updates as the lines of a plain-text table.
  returned: always
  type: list
  elements: str
  sample: ["id  device  from       to        state      step  attempts  error"]
msg:
  description: What the task did.
  returned: always
  type: str
  sample: 2 updates run, 0 failed
"""

from ansible.module_utils.basic import env_fallback  # noqa: E402

from ansible_collections.isp.network.plugins.module_utils.firmware_module import (  # noqa: E402
    FIRMWARE_PATH_ENV,
    STEPS,
)
from ansible_collections.isp.network.plugins.module_utils.firmware_update_module import (  # noqa: E402
    run_firmware_upgrade,
)
from ansible_collections.isp.network.plugins.module_utils.module import (  # noqa: E402
    store_module,
)


def main() -> None:
    """Run the module."""
    module = store_module(
        {
            "device": {"type": "str"},
            "devices": {"type": "list", "elements": "str"},
            "update_ids": {"type": "list", "elements": "int"},
            "due": {"type": "bool", "default": False},
            "step": {"type": "str", "choices": STEPS},
            "parallel": {"type": "int", "default": 10},
            "fail_on_error": {"type": "bool", "default": True},
            "reload_timeout": {"type": "float", "default": 900},
            "settle_timeout": {"type": "float", "default": 120},
            "poll_interval": {"type": "float", "default": 5},
            "connect_timeout": {"type": "float", "default": 30},
            "lease_seconds": {"type": "float", "default": 3600},
            "firmware_path": {"type": "path", "fallback": (env_fallback, [FIRMWARE_PATH_ENV])},
        },
        supports_check_mode=True,
        mutually_exclusive=[("device", "devices")],
        required_one_of=[("device", "devices", "update_ids", "due")],
    )
    run_firmware_upgrade(module)


if __name__ == "__main__":
    main()
