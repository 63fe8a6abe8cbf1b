#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: device_group
short_description: Manage device groups and their variables in the isp.network store
version_added: 0.1.0
description:
  - Creates, updates or deletes a group of devices. The C(isp.network.store) inventory
    plugin turns each group into an Ansible group with its variables.
  - Deleting a group leaves its member devices registered.
extends_documentation_fragment:
  - isp.network.store
attributes:
  check_mode:
    support: full
    description: Computes exactly what would change and writes nothing.
  diff_mode:
    support: full
    description: Shows the group before and after.
options:
  name:
    description: Group name.
    type: str
    required: true
  state:
    description: V(present) creates or updates the group; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Free text describing the group.
    type: str
  variables:
    description: Variables given to every member; replace the stored ones when set.
    type: dict
  members:
    description:
      - Exact set of device names in the group; each must be registered.
      - When not set, memberships are left as they are.
    type: list
    elements: str
seealso:
  - module: isp.network.device
author:
  - isp.network maintainers (@isp-network)
"""

EXAMPLES = r"""
- name: Core routers share their NTP servers
  isp.network.device_group:
    name: core
    description: Core routers
    variables:
      ntp_servers: [192.0.2.123]
    members: [core1, core2]

- name: Remove a group
  isp.network.device_group:
    name: old-pop
    state: absent
"""

RETURN = r"""
group:
  description: The group after the task; empty when it is absent.
  returned: always
  type: dict
  sample:
    name: core
    description: Core routers
    variables: {ntp_servers: [192.0.2.123]}
    members: [core1, core2]
changed_fields:
  description: Names of the fields that changed.
  returned: always
  type: list
  elements: str
  sample: [members, variables]
msg:
  description: What the task did, in the collection's words.
  returned: always
  type: str
  sample: group 'core' updated
"""

from ansible_collections.isp.network.plugins.module_utils.module import (  # noqa: E402
    run_in_store,
    store_module,
)


def main() -> None:
    """Run the module."""
    module = store_module(
        {
            "name": {"type": "str", "required": True},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "description": {"type": "str"},
            "variables": {"type": "dict"},
            "members": {"type": "list", "elements": "str"},
        },
        supports_check_mode=True,
    )
    params = module.params

    def work(session):
        from ansible_collections.isp.network.plugins.module_utils.services.device_groups import (
            DeviceGroupService,
        )
        from ansible_collections.isp.network.plugins.module_utils.services.device_view import (
            RESULT_WORDS,
        )

        if params["state"] == "absent":
            change = DeviceGroupService.delete_group(session, params["name"])
        else:
            change = DeviceGroupService.ensure_group(
                session,
                params["name"],
                description=params["description"],
                variables=params["variables"],
                members=params["members"],
            )
        result = {
            "changed": change.changed,
            "group": change.after or {},
            "changed_fields": change.changed_fields,
            "msg": f"group {change.name!r} {RESULT_WORDS[change.action]}",
        }
        if module._diff:
            before = change.after if change.action == "unchanged" else change.before
            result["diff"] = {"before": before or {}, "after": change.after or {}}
        return result

    run_in_store(module, work)


if __name__ == "__main__":
    main()
