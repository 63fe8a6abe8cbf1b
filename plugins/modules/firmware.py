#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: firmware
short_description: Register or remove firmware images in the isp.network image library
version_added: 0.1.0
description:
  - Copies an image file from the controller into the firmware folder, stored by its
    sha256, and records its version, device type, manufacturer, the models it fits, size,
    md5 and sha256.
  - Registering the same file again changes nothing. A file whose sha256 is not O(sha256)
    is refused.
  - V(absent) removes an image and its file, refused while an open update needs it.
  - Every change writes an audit event (see M(isp.network.audit_info)).
extends_documentation_fragment:
  - isp.network.store
attributes:
  check_mode:
    support: full
    description: Hashes the file and reports what would change; copies and writes nothing.
  diff_mode:
    support: full
    description: Shows the image before and after.
options:
  state:
    description: V(present) registers the image; V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  path:
    description:
      - Image file on the controller. Required with O(state=present); with V(absent) it
        names the image by its content.
    type: path
  version:
    description: Software version of the image, such as V(17.12.01).
    type: str
  device_type:
    description: Type of device the image is for.
    type: str
    choices: [router, switch, firewall, olt, access_point, cpe, server, other]
  manufacturer:
    description: Manufacturer of the device, such as V(cisco).
    type: str
  models:
    description: Models the image fits; empty fits every model of O(device_type).
    type: list
    elements: str
    aliases: [model]
  release_notes:
    description: Release notes, free text.
    type: str
  sha256:
    description:
      - Expected sha256 of the file; a file with another hash is refused.
      - With O(state=absent), names the image to remove.
    type: str
  id:
    description: Id of the image to remove (O(state=absent)).
    type: int
  firmware_path:
    description:
      - Firmware folder on the controller.
      - Default is E(ISP_NETWORK_FIRMWARE_PATH), else C(<user data dir>/isp-network/firmware).
    type: path
seealso:
  - module: isp.network.firmware_info
  - module: isp.network.firmware_update
author:
  - isp.network maintainers (@isp-network)
"""

EXAMPLES = r"""
- name: Register an IOS XE image for the ISR routers
  isp.network.firmware:
    path: /srv/images/isr4400-universalk9.17.12.01.SPA.bin
    version: 17.12.01
    device_type: router
    manufacturer: cisco
    models: [ISR4451-X/K9]
    sha256: "{{ isr_17_12_01_sha256 }}"
    release_notes: Fixes CSCwh12345.

- name: Remove an image no longer used
  isp.network.firmware:
    id: 3
    state: absent
"""

RETURN = r"""
image:
  description: The image after the task; empty when it is absent.
  returned: always
  type: dict
  sample:
    id: 3
    version: 17.12.01
    device_type: router
    manufacturer: cisco
    models: [ISR4451-X/K9]
    filename: isr4400-universalk9.17.12.01.SPA.bin
    storage_path: 5f0c.../isr4400-universalk9.17.12.01.SPA.bin
    size: 734003200
    md5: 0123456789abcdef0123456789abcdef
    sha256: 5f0c...
    release_notes: Fixes CSCwh12345.
msg:
  description: What the task did, in the collection's words.
  returned: always
  type: str
  sample: firmware image 3 created
"""

from ansible.module_utils.basic import env_fallback  # noqa: E402

from ansible_collections.isp.network.plugins.module_utils.firmware_module import (  # noqa: E402
    DEVICE_TYPES,
    FIRMWARE_PATH_ENV,
    run_firmware,
)
from ansible_collections.isp.network.plugins.module_utils.module import (  # noqa: E402
    store_module,
)


def main() -> None:
    """Run the module."""
    module = store_module(
        {
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "path": {"type": "path"},
            "version": {"type": "str"},
            "device_type": {"type": "str", "choices": DEVICE_TYPES},
            "manufacturer": {"type": "str"},
            "models": {"type": "list", "elements": "str", "aliases": ["model"]},
            "release_notes": {"type": "str"},
            "sha256": {"type": "str"},
            "id": {"type": "int"},
            "firmware_path": {"type": "path", "fallback": (env_fallback, [FIRMWARE_PATH_ENV])},
        },
        supports_check_mode=True,
        required_if=[
            ("state", "present", ("path", "version", "device_type", "manufacturer")),
            ("state", "absent", ("id", "sha256", "path", "version"), True),
        ],
    )
    run_firmware(module)


if __name__ == "__main__":
    main()
