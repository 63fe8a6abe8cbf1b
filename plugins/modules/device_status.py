#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: device_status
short_description: Probe registered devices and record whether they answer
version_added: 0.1.0
description:
  - Opens a TCP connection to the management port of every matching device, in parallel,
    and with O(login=true) also logs in through NAPALM with the stored credentials.
  - Records on each device its RV(results[].reachability), C(last_checked), and
    C(last_seen) when it answered.
  - Probes run outside any transaction; the results are written afterwards in one.
extends_documentation_fragment:
  - isp.network.store
attributes:
  check_mode:
    support: full
    description: Probes the devices and reports what it found, but records nothing.
  diff_mode:
    support: none
    description: Reports per-device results instead of a diff.
options:
  name:
    description: Device names to probe; all devices when no filter is given.
    type: list
    elements: str
  group:
    description: Probe the devices of these groups.
    type: list
    elements: str
  site:
    description: Probe the devices of these sites.
    type: list
    elements: str
  status:
    description: Probe devices with these lifecycle statuses.
    type: list
    elements: str
    choices: [planned, staged, active, maintenance, offline, discovered, decommissioned]
  port:
    description: TCP port probed on devices that have no port stored.
    type: int
    default: 22
  timeout:
    description: Seconds to wait for each connection (and login).
    type: float
    default: 5
  login:
    description:
      - Also open and close a NAPALM session with the stored credentials (needs the secret
        key and a C(platform) on each device).
    type: bool
    default: false
  workers:
    description: Devices probed at once.
    type: int
    default: 32
seealso:
  - module: isp.network.device_info
author:
  - isp.network maintainers (@isp-network)
"""

EXAMPLES = r"""
- name: Check that the core answers and accepts our login
  isp.network.device_status:
    group: core
    login: true
    timeout: 10
  register: probe

- name: Show the devices that did not answer
  ansible.builtin.debug:
    msg: "{{ probe.results | rejectattr('reachability', 'eq', 'reachable') | list }}"
"""

RETURN = r"""
results:
  description: One entry per probed device, ordered by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Device name.
      type: str
      sample: core1
    reachability:
      description: V(reachable), V(unreachable) or V(login_failed).
      type: str
      sample: reachable
    previous:
      description: Reachability recorded before this probe.
      type: str
      sample: unknown
    reason:
      description: Why the device is not reachable, or null.
      type: str
      sample: "192.0.2.1:22 Connection refused"
    checked_at:
      description: When the probe ran (ISO 8601).
      type: str
      sample: "2025-01-31T12:00:00+00:00"
  sample:
    - {name: core1, reachability: reachable, previous: unknown, reason: null,
       checked_at: "2025-01-31T12:00:00+00:00"}
summary:
  description: How many devices ended in each reachability.
  returned: always
  type: dict
  sample: {reachable: 10, unreachable: 1, login_failed: 0}
changed:
  description: True when the reachability of any device differs from the recorded one.
  returned: always
  type: bool
  sample: true
msg:
  description: What the task found.
  returned: always
  type: str
  sample: 10 reachable, 1 unreachable, 0 login_failed
"""

from ansible_collections.isp.network.plugins.module_utils.module import (  # noqa: E402
    failing_cleanly,
    run_in_store,
    secret_box,
    store_module,
)

FILTERS = {"name": "names", "group": "groups", "site": "sites", "status": "statuses"}


def main() -> None:
    """Run the module."""
    from ansible_collections.isp.network.plugins.module_utils.device_module import (
        DEVICE_STATUSES,
    )

    spec = {option: {"type": "list", "elements": "str"} for option in FILTERS}
    spec["status"]["choices"] = DEVICE_STATUSES
    spec.update(
        port={"type": "int", "default": 22},
        timeout={"type": "float", "default": 5},
        login={"type": "bool", "default": False},
        workers={"type": "int", "default": 32},
    )
    module = store_module(spec, supports_check_mode=True)
    params = module.params

    with failing_cleanly(module):
        from ansible_collections.isp.network.plugins.module_utils.services import device_status
        from ansible_collections.isp.network.plugins.module_utils.store.engine import (
            session_scope,
        )

        box = secret_box(module) if params["login"] else None
        with session_scope(params["store_url"], write=False) as session:
            filters = {FILTERS[option]: params[option] for option in FILTERS}
            targets = device_status.probe_targets(session, filters, box, params["login"])
        results = device_status.probe_all(
            targets,
            timeout=params["timeout"],
            login=params["login"],
            port=params["port"],
            workers=params["workers"],
        )

    def work(session):
        device_status.record_results(session, targets, results)
        summary = {state: 0 for state in ("reachable", "unreachable", "login_failed")}
        for result in results:
            summary[result.reachability] += 1
        return {
            "changed": any(result.reachability != result.previous for result in results),
            "results": [result.as_dict() for result in results],
            "summary": summary,
            "msg": ", ".join(f"{count} {state}" for state, count in summary.items()),
        }

    run_in_store(module, work)


if __name__ == "__main__":
    main()
