#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: firmware_update_info
short_description: Status and history of firmware updates, and the updates due now
version_added: 0.1.0
description:
  - Returns updates with their state, every step run with its start and end, the error,
    the previous and target versions, and the steps that remain.
  - O(due=true) lists what a scheduled job should run now, including started updates whose
    runner died (they resume).
  - RV(table) is a plain-text summary to print.
extends_documentation_fragment:
  - isp.network.store
attributes:
  check_mode:
    support: full
    description: Reads only.
  diff_mode:
    support: none
    description: Reads only.
options:
  ids:
    description: Only these updates.
    type: list
    elements: int
  device:
    description: Only the updates of this device (its history, newest first).
    type: str
  states:
    description: Only updates in these states.
    type: list
    elements: str
    choices: [scheduled, running, prechecked, backed_up, staged, activated, verified,
              completed, rolling_back, failed, rolled_back, cancelled]
  due:
    description: Only the updates due now.
    type: bool
    default: false
  limit:
    description: At most this many updates.
    type: int
seealso:
  - module: isp.network.firmware_update
  - module: isp.network.firmware_upgrade
author:
  - isp.network maintainers (@isp-network)
"""

EXAMPLES = r"""
- name: What is due
  isp.network.firmware_update_info:
    due: true
  register: due

- name: History of one device
  isp.network.firmware_update_info:
    device: edge1
"""

RETURN = r"""
updates:
  description: The updates, newest first (by schedule when O(due=true)).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 12
      device: acc1
      state: completed
      current_step: null
      remaining_steps: []
      previous_version: 17.09.04a
      target_version: 17.12.01
      attempts: 1
      error: null
      steps:
        - {step: precheck, attempt: 1, outcome: ok, started_at: "2025-03-02T01:00:02+00:00",
           finished_at: "2025-03-02T01:00:03+00:00", detail: {flash_free: 7000000000}, error: null}
table:
  description: The updates as the lines of a plain-text table.
  returned: always
  type: list
  elements: str
  sample: ["id  device  from       to        state      step  attempts  error"]
"""

from ansible_collections.isp.network.plugins.module_utils.firmware_update_module import (  # noqa: E402
    run_firmware_update_info,
)
from ansible_collections.isp.network.plugins.module_utils.module import (  # noqa: E402
    store_module,
)

STATES = [
    "scheduled",
    "running",
    "prechecked",
    "backed_up",
    "staged",
    "activated",
    "verified",
    "completed",
    "rolling_back",
    "failed",
    "rolled_back",
    "cancelled",
]


def main() -> None:
    """Run the module."""
    module = store_module(
        {
            "ids": {"type": "list", "elements": "int"},
            "device": {"type": "str"},
            "states": {"type": "list", "elements": "str", "choices": STATES},
            "due": {"type": "bool", "default": False},
            "limit": {"type": "int"},
        },
        supports_check_mode=True,
    )
    run_firmware_update_info(module)


if __name__ == "__main__":
    main()
