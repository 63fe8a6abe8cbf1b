#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: config_info
short_description: Read a device's stored configurations, one version, or a diff
version_added: 0.1.0
description:
  - Returns the history of a device's stored configurations, one stored configuration with
    its text, or the unified diff between two of them.
  - Configurations are numbered per device and kind; O(kind) picks which numbering.
author:
  - isp.network maintainers (@isp-network)
extends_documentation_fragment:
  - isp.network.store
attributes:
  check_mode:
    support: full
    description: Reads only; runs the same in check mode.
  diff_mode:
    support: none
    description: Returns no diff; the module only reads the store.
options:
  device:
    description:
      - Name of the device in the store.
    type: str
    required: true
  kind:
    description:
      - Which configurations to read. V(intended) were rendered from templates, V(backup) and
        V(running) were read from the device, V(applied) were pushed to it.
      - For the history, every kind when not set; otherwise V(intended) when not set.
    type: str
    choices: [intended, backup, applied, running, startup]
  version:
    description:
      - Return this version of O(kind), with its text; V(latest) is the newest.
      - With O(compare_to), the version the diff leads to (the newest when not set).
    type: str
  compare_to:
    description:
      - Return the unified diff from this version (of O(compare_kind)) to O(version).
    type: int
  compare_kind:
    description:
      - Kind of O(compare_to), to compare across kinds (an intended version against a backup).
      - The same as O(kind) when not set.
    type: str
    choices: [intended, backup, applied, running, startup]
  limit:
    description:
      - How many entries of the history to return, newest first.
    type: int
    default: 50
  include_content:
    description:
      - Include each configuration's text in the history.
    type: bool
    default: false
seealso:
  - module: isp.network.config_render
"""

EXAMPLES = r"""
- name: History of core1's intended configurations
  isp.network.config_info:
    device: core1
    kind: intended

- name: The newest backup, with its text
  isp.network.config_info:
    device: core1
    kind: backup
    version: latest

- name: What changed between intended versions 3 and 4
  isp.network.config_info:
    device: core1
    kind: intended
    version: "4"
    compare_to: 3
  register: change
"""

RETURN = r"""
history:
  description: The device's stored configurations, newest first, without text unless
    O(include_content=true).
  returned: when neither O(version) nor O(compare_to) is given
  type: list
  elements: dict
  sample:
    - {id: 87, device: core1, kind: intended, version: 4, state: draft,
       content_hash: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae,
       template: ios-base, template_version: 1.2.0, created_at: "2025-01-31T10:00:00+00:00"}
configuration:
  description: One stored configuration with its text and provenance.
  returned: when O(version) is given without O(compare_to)
  type: dict
  sample:
    id: 87
    device: core1
    kind: intended
    version: 4
    state: draft
    content: "hostname core1\n"
    content_hash: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
    template: ios-base
    template_version: 1.2.0
    variables: {hostname: core1}
    applied_by: null
    applied_at: null
    error: null
diff:
  description: The unified diff from O(compare_to) to O(version); empty when they are equal.
  returned: when O(compare_to) is given
  type: str
  sample: "--- core1 intended v3\n+++ core1 intended v4\n@@ -1 +1 @@\n-hostname c1\n+hostname r1\n"
msg:
  description: What was read, in one sentence.
  returned: always
  type: str
  sample: device 'core1' has 4 stored configurations
"""

from ansible_collections.isp.network.plugins.module_utils.module import (  # noqa: E402
    run_in_store,
    store_module,
)

KINDS = ["intended", "backup", "applied", "running", "startup"]


def main() -> None:
    """Return a device's configuration history, one version, or a diff."""
    module = store_module(
        {
            "device": {"type": "str", "required": True},
            "kind": {"type": "str", "choices": KINDS},
            "version": {"type": "str"},
            "compare_to": {"type": "int"},
            "compare_kind": {"type": "str", "choices": KINDS},
            "limit": {"type": "int", "default": 50},
            "include_content": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    run_in_store(module, lambda session: _read(module.params, session), write=False)


def _read(params, session) -> dict:
    from ansible_collections.isp.network.plugins.module_utils.services import config_store
    from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
        ConfigurationService,
    )

    device = config_store.device_by_name(session, params["device"])
    version = _version(params["version"])
    if params["compare_to"] is None and params["version"] is None:
        rows = ConfigurationService.get_configuration_history(
            session, device.id, params["kind"], params["limit"]
        )
        return {
            "changed": False,
            "history": [
                config_store.configuration_to_dict(
                    row, device.name, content=params["include_content"]
                )
                for row in rows
            ],
            "msg": f"device {device.name!r} has {len(rows)} stored configurations"
            + (f" of kind {params['kind']}" if params["kind"] else ""),
        }

    kind = params["kind"] or "intended"
    if params["compare_to"] is None:
        row = ConfigurationService.get_configuration(session, device.id, version, kind)
        return {
            "changed": False,
            "configuration": config_store.configuration_to_dict(row, device.name),
            "msg": f"device {device.name!r} {kind} configuration version {row.version}",
        }

    diff = ConfigurationService.diff_configurations(
        session, device.id, params["compare_to"], version, params["compare_kind"] or kind, kind
    )
    return {
        "changed": False,
        "diff": diff,
        "msg": f"device {device.name!r}: "
        + ("the two configurations differ" if diff else "the two configurations are equal"),
    }


def _version(text: str | None) -> int | None:
    from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError

    if text is None or text == "latest":
        return None
    if not text.isdigit():
        raise ValidationError(f"version {text!r} is not a configuration version; give a number")
    return int(text)


if __name__ == "__main__":
    main()
