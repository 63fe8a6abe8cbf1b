#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: firmware_info
short_description: List the firmware images of the isp.network image library
version_added: 0.1.0
description:
  - Returns the registered images that match every filter given.
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
  id:
    description: Only the image with this id.
    type: int
  version:
    description: Only images of this version.
    type: str
  device_type:
    description: Only images for this device type.
    type: str
    choices: [router, switch, firewall, olt, access_point, cpe, server, other]
  manufacturer:
    description: Only images by this manufacturer.
    type: str
  model:
    description: Only images that fit this model.
    type: str
seealso:
  - module: isp.network.firmware
author:
  - isp.network maintainers (@isp-network)
"""

EXAMPLES = r"""
- name: Images that fit the ISR 4451
  isp.network.firmware_info:
    model: ISR4451-X/K9
  register: isr_images
"""

RETURN = r"""
images:
  description: The matching images, by version.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 3
      version: 17.12.01
      device_type: router
      manufacturer: cisco
      models: [ISR4451-X/K9]
      filename: isr4400-universalk9.17.12.01.SPA.bin
      size: 734003200
      md5: 0123456789abcdef0123456789abcdef
      sha256: 5f0c...
"""

from ansible_collections.isp.network.plugins.module_utils.firmware_module import (  # noqa: E402
    DEVICE_TYPES,
    run_firmware_info,
)
from ansible_collections.isp.network.plugins.module_utils.module import (  # noqa: E402
    store_module,
)


def main() -> None:
    """Run the module."""
    module = store_module(
        {
            "id": {"type": "int"},
            "version": {"type": "str"},
            "device_type": {"type": "str", "choices": DEVICE_TYPES},
            "manufacturer": {"type": "str"},
            "model": {"type": "str"},
        },
        supports_check_mode=True,
    )
    run_firmware_info(module)


if __name__ == "__main__":
    main()
