#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: audit_info
short_description: Read the isp.network audit trail
version_added: 0.1.0
description:
  - Returns audit events, newest first, that match every filter given.
  - Events name the fields that changed; they never hold a secret's value.
extends_documentation_fragment:
  - isp.network.store
attributes:
  check_mode:
    support: full
    description: Reads only; runs the same in check mode.
  diff_mode:
    support: none
    description: Changes nothing, so has no diff.
options:
  object_type:
    description: Kind of object, such as V(device), V(device_group) or V(secret_key).
    type: str
  object_name:
    description: Name of the object, such as a device name.
    type: str
  object_id:
    description: Store id of the object.
    type: str
  actor:
    description: Who acted (E(ISP_NETWORK_ACTOR) or the OS user when the change was made).
    type: str
  action:
    description: Action, such as V(device.create), V(device.update) or V(device.delete).
    type: str
  since:
    description: Only events at or after this time (ISO 8601, for example V(2025-01-31T00:00:00Z)).
    type: str
  until:
    description: Only events at or before this time (ISO 8601).
    type: str
  limit:
    description: Most events to return; V(0) returns all.
    type: int
    default: 1000
seealso:
  - module: isp.network.device
author:
  - isp.network maintainers (@isp-network)
"""

EXAMPLES = r"""
- name: Who changed core1 this year
  isp.network.audit_info:
    object_type: device
    object_name: core1
    since: "2025-01-01T00:00:00Z"
  register: trail
"""

RETURN = r"""
events:
  description: The matching events, newest first.
  returned: always
  type: list
  elements: dict
  contains:
    time:
      description: When the change was committed (ISO 8601, UTC).
      type: str
      sample: "2025-01-31T12:00:00+00:00"
    actor:
      description: Who acted.
      type: str
      sample: awx
    action:
      description: What was done.
      type: str
      sample: device.update
    object_type:
      description: Kind of object.
      type: str
      sample: device
    object_id:
      description: Store id of the object.
      type: str
      sample: "12"
    object_name:
      description: Name of the object.
      type: str
      sample: core1
    changed_fields:
      description: Names of the fields that changed; secrets by name only.
      type: list
      elements: str
      sample: [password, site]
    details:
      description: Extra facts about the change (never a secret).
      type: dict
      sample: {}
  sample:
    - {time: "2025-01-31T12:00:00+00:00", actor: awx, action: device.update,
       object_type: device, object_id: "12", object_name: core1, changed_fields: [password],
       details: {}}
"""

from ansible_collections.isp.network.plugins.module_utils.module import (  # noqa: E402
    run_in_store,
    store_module,
)

FILTERS = ("object_type", "object_name", "object_id", "actor", "action")


def main() -> None:
    """Run the module."""
    spec = {name: {"type": "str"} for name in (*FILTERS, "since", "until")}
    spec["limit"] = {"type": "int", "default": 1000}
    module = store_module(spec, supports_check_mode=True)
    params = module.params

    def work(session):
        from ansible_collections.isp.network.plugins.module_utils.services.audit import (
            AuditService,
        )
        from ansible_collections.isp.network.plugins.module_utils.services.audit_view import (
            event_to_dict,
            parse_time,
        )

        events = AuditService.list_events(
            session,
            **{name: params[name] for name in FILTERS},
            since=parse_time("since", params["since"]),
            until=parse_time("until", params["until"]),
            limit=params["limit"] or None,
        )
        return {"changed": False, "events": [event_to_dict(event) for event in events]}

    run_in_store(module, work, write=False)


if __name__ == "__main__":
    main()
