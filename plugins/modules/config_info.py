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
    description: Changes nothing, so Ansible shows no diff; O(compare_to) returns one in
      RV(config_diff).
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
      - A whole number from V(1), or V(latest).
    type: raw
  compare_to:
    description:
      - Return the unified diff from this version (of O(compare_kind)) to O(version), in
        RV(config_diff).
      - A whole number from V(1), or V(latest) for the newest.
    type: raw
  compare_kind:
    description:
      - Kind of O(compare_to), to compare across kinds (an intended version against a backup).
      - The same as O(kind) when not set.
    type: str
    choices: [intended, backup, applied, running, startup]
  limit:
    description:
      - How many entries of the history to return, newest first; at least V(1).
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
    version: 4
    compare_to: 3
  register: change

- name: Show it
  ansible.builtin.debug:
    msg: "{{ change.config_diff }}"

- name: How the newest intended configuration differs from the newest backup
  isp.network.config_info:
    device: core1
    kind: intended
    compare_to: latest
    compare_kind: backup
"""

RETURN = r"""
history:
  description: The device's stored configurations, newest first, at most O(limit) of them.
  returned: when neither O(version) nor O(compare_to) is given
  type: list
  elements: dict
  contains:
    id:
      description: Id of the stored configuration.
      returned: always
      type: int
      sample: 87
    device:
      description: Name of the device.
      returned: always
      type: str
      sample: core1
    device_id:
      description: Id of the device in the store.
      returned: always
      type: int
      sample: 3
    kind:
      description: V(intended), V(backup), V(applied), V(running) or V(startup).
      returned: always
      type: str
      sample: intended
    version:
      description: Version of the configuration, counted per device and kind.
      returned: always
      type: int
      sample: 4
    state:
      description: V(draft) (intended, not applied yet), V(applied), V(failed),
        V(rolled_back), V(in_progress), or V(captured) (read from the device).
      returned: always
      type: str
      sample: applied
    content_hash:
      description: sha256 of the configuration text.
      returned: always
      type: str
      sample: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
    template:
      description: Name of the template it was rendered from; null when not rendered.
      returned: always
      type: str
      sample: ios-base
    template_version:
      description: Version of that template; null when not rendered.
      returned: always
      type: str
      sample: 1.2.0
    template_hash:
      description: sha256 of that template's text; null when not rendered.
      returned: always
      type: str
      sample: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    variables:
      description: The template variables it was rendered with; empty when not rendered.
      returned: always
      type: dict
      sample: {hostname: core1}
    created_by:
      description: Who stored it.
      returned: always
      type: str
      sample: netops
    created_at:
      description: When it was stored, in ISO 8601 with its UTC offset.
      returned: always
      type: str
      sample: "2025-01-31T10:00:00+00:00"
    applied_by:
      description: Who applied it to the device; null when it was not applied.
      returned: always
      type: str
      sample: netops
    applied_at:
      description: When it was applied, in ISO 8601; null when it was not applied.
      returned: always
      type: str
      sample: "2025-01-31T10:05:00+00:00"
    diff:
      description: The device's diff when it was applied; null when it was not applied.
      returned: always
      type: str
      sample: "+ntp server 192.0.2.123"
    error:
      description: Why its apply failed or was rolled back, in one sentence; null otherwise.
      returned: always
      type: str
      sample: null
    content:
      description: The configuration text.
      returned: when O(include_content=true)
      type: str
      sample: "hostname core1\n"
  sample:
    - {id: 87, device: core1, device_id: 3, kind: intended, version: 4, state: applied,
       content_hash: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae,
       template: ios-base, template_version: 1.2.0,
       template_hash: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08,
       variables: {hostname: core1}, created_by: netops,
       created_at: "2025-01-31T10:00:00+00:00", applied_by: netops,
       applied_at: "2025-01-31T10:05:00+00:00", diff: "+ntp server 192.0.2.123",
       error: null}
configuration:
  description: One stored configuration, with the keys of a RV(history) entry and its
    C(content).
  returned: when O(version) is given without O(compare_to)
  type: dict
  sample:
    id: 87
    device: core1
    device_id: 3
    kind: intended
    version: 4
    state: draft
    content: "hostname core1\n"
    content_hash: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
    template: ios-base
    template_version: 1.2.0
    template_hash: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    variables: {hostname: core1}
    created_by: netops
    created_at: "2025-01-31T10:00:00+00:00"
    applied_by: null
    applied_at: null
    diff: null
    error: null
config_diff:
  description:
    - The unified diff from O(compare_to) to O(version); empty when they are equal.
    - Secret values (passwords, keys, communities) are replaced by C(<removed>).
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
            "version": {"type": "raw"},
            "compare_to": {"type": "raw"},
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

    version = _version("version", params["version"])
    compare_to = _version("compare_to", params["compare_to"])
    device = config_store.device_by_name(session, params["device"])
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
        session, device.id, compare_to, version, params["compare_kind"] or kind, kind
    )
    return {
        "changed": False,
        "config_diff": diff,
        "msg": f"device {device.name!r}: "
        + ("the two configurations differ" if diff else "the two configurations are equal"),
    }


def _version(option: str, value) -> int | None:
    # str.isdigit() takes "²", and a number no store column holds fails in the database.
    from ansible_collections.isp.network.plugins.module_utils.argument_checks import LARGEST_INT
    from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError

    if value is None or value == "latest":
        return None
    text = str(value).strip()
    # Checked before int(): Python refuses to convert a string of thousands of digits.
    digits = not isinstance(value, bool) and text.isascii() and text.isdigit()
    short = digits and len(text.lstrip("0")) <= len(str(LARGEST_INT))
    if not short or not 1 <= int(text) <= LARGEST_INT:
        raise ValidationError(
            f"{option} {value!r} is not a configuration version; give a whole number from 1 "
            f"to {LARGEST_INT}, or latest"
        )
    return int(text)


if __name__ == "__main__":
    main()
