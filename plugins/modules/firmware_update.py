#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: firmware_update
short_description: Schedule or cancel firmware updates of devices
version_added: 0.1.0
description:
  - V(scheduled) schedules an update of each device to an image, at a time or in a
    maintenance window. Compatibility is checked at once (device type, model,
    manufacturer, and that the device does not already run the version).
  - A device has at most one open update; scheduling the same image again changes nothing.
  - V(cancelled) cancels a device's pending update (only while it has not started).
  - Run updates with M(isp.network.firmware_upgrade) or the C(isp.network.firmware_upgrade)
    role. Every schedule and cancel is audited.
extends_documentation_fragment:
  - isp.network.store
attributes:
  check_mode:
    support: full
    description: Checks and reports what would be scheduled or cancelled; writes nothing.
  diff_mode:
    support: none
    description: The results list what changed.
options:
  state:
    description: V(scheduled) schedules; V(cancelled) cancels the open update.
    type: str
    choices: [scheduled, cancelled]
    default: scheduled
  device:
    description: Name of the device.
    type: str
  devices:
    description: Names of many devices, in one task and one transaction.
    type: list
    elements: str
  update_id:
    description: Id of the update to cancel (O(state=cancelled)).
    type: int
  firmware_id:
    description: Id of the image to install (see M(isp.network.firmware_info)).
    type: int
  version:
    description:
      - Version to install, when O(firmware_id) is not given; the newest registered image of
        that version fitting each device's type and model is used.
    type: str
  scheduled_time:
    description: When the update may start, ISO 8601 (UTC when no zone is given); now when unset.
    type: str
  window_end:
    description: End of the maintenance window; the update does not start after it.
    type: str
seealso:
  - module: isp.network.firmware_upgrade
  - module: isp.network.firmware_update_info
author:
  - isp.network maintainers (@isp-network)
"""

EXAMPLES = r"""
- name: Schedule the access switches for Sunday's window
  isp.network.firmware_update:
    devices: [acc1, acc2, acc3]
    version: 17.12.01
    scheduled_time: "2025-03-02T01:00:00Z"
    window_end: "2025-03-02T05:00:00Z"

- name: Cancel the pending update of acc2
  isp.network.firmware_update:
    device: acc2
    state: cancelled
"""

RETURN = r"""
results:
  description: What happened per device.
  returned: always
  type: list
  elements: dict
  sample:
    - {device: acc1, id: 12, result: created, changed: true}
    - {device: acc2, id: 13, result: already exists, changed: false}
updates:
  description: The status of each update touched (see M(isp.network.firmware_update_info)).
  returned: always
  type: list
  elements: dict
  sample: [{id: 12, device: acc1, state: scheduled, target_version: 17.12.01}]
msg:
  description: What the task did, in the collection's words.
  returned: always
  type: str
  sample: "acc1: created, acc2: already exists"
"""

from ansible_collections.isp.network.plugins.module_utils.firmware_update_module import (  # noqa: E402
    run_firmware_update,
)
from ansible_collections.isp.network.plugins.module_utils.module import (  # noqa: E402
    store_module,
)


def main() -> None:
    """Run the module."""
    module = store_module(
        {
            "state": {"type": "str", "choices": ["scheduled", "cancelled"], "default": "scheduled"},
            "device": {"type": "str"},
            "devices": {"type": "list", "elements": "str"},
            "update_id": {"type": "int"},
            "firmware_id": {"type": "int"},
            "version": {"type": "str"},
            "scheduled_time": {"type": "str"},
            "window_end": {"type": "str"},
        },
        supports_check_mode=True,
        mutually_exclusive=[("device", "devices"), ("firmware_id", "version")],
        required_one_of=[("device", "devices", "update_id")],
        required_if=[("state", "scheduled", ("firmware_id", "version"), True)],
    )
    run_firmware_update(module)


if __name__ == "__main__":
    main()
