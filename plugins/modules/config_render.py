#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: config_render
short_description: Render a stored template for one or many devices
version_added: 0.1.0
description:
  - Renders a stored configuration template with typed variables, once or for many devices
    in one task, and returns the text.
  - Every variable is checked against the template's schema first; every bad value is
    reported, one sentence each, and nothing is rendered or stored.
  - Rendering runs in Jinja2's sandbox with undefined variables as errors. The network
    filters of this collection (for example C(prefix_to_netmask), C(nth_host)) are available
    inside templates without a prefix.
  - With O(store=true), each device's rendering is stored as its intended configuration.
    A rendering identical to the device's newest intended configuration is not stored again.
author:
  - isp.network maintainers (@isp-network)
extends_documentation_fragment:
  - isp.network.store
attributes:
  check_mode:
    support: full
    description: Renders and reports what would be stored, and writes nothing.
  diff_mode:
    support: full
    description: With O(store=true), shows each device's intended configuration before and after.
options:
  template:
    description:
      - Name of the stored template.
    type: str
    required: true
  version:
    description:
      - Version of the template to render; the highest semantic version when not set.
    type: str
  variables:
    description:
      - Variables for the template. With O(devices), they are shared by every device and each
        device's own variables win over them.
    type: dict
    default: {}
  devices:
    description:
      - Devices to render for, each with its own variables.
      - When not set, the template is rendered once with O(variables) and returned in
        RV(rendered).
      - An empty list fails the task, since it usually comes from an inventory group or a
        filter that matched nothing. Leave O(devices) out to render once.
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - Name of the device, as registered in the store when O(store=true).
        type: str
        required: true
      variables:
        description:
          - This device's variables.
        type: dict
        default: {}
  store:
    description:
      - Store each device's rendering as its intended configuration.
      - Needs O(devices), all registered in the store.
    type: bool
    default: false
seealso:
  - module: isp.network.config_template
  - module: isp.network.config_info
"""

EXAMPLES = r"""
- name: Render the base configuration of every router and store it as intended
  isp.network.config_render:
    template: ios-base
    variables:
      domain: example.net
      ntp_servers: [192.0.2.123]
    devices:
      - name: core1
        variables: {hostname: core1, loopback0: 10.255.0.1}
      - name: core2
        variables: {hostname: core2, loopback0: 10.255.0.2}
    store: true

- name: Preview one rendering
  isp.network.config_render:
    template: loopback
    version: 1.0.0
    variables: {address: 10.255.0.9}
  register: preview
"""

RETURN = r"""
rendered:
  description: The rendered text.
  returned: when O(devices) is not given
  type: str
  sample: "interface Loopback0\n ip address 10.255.0.9 255.255.255.255\n"
configs:
  description: One entry per device, in the order given.
  returned: when O(devices) is given
  type: list
  elements: dict
  contains:
    device:
      description: The device name.
      type: str
    content:
      description: The rendered text.
      type: str
    content_hash:
      description: sha256 of the text.
      type: str
    result:
      description: V(rendered) (not stored), V(stored), or V(already exists) (identical to
        the newest intended configuration).
      type: str
    changed:
      description: Whether a new intended configuration was stored.
      type: bool
    version:
      description: Version of the device's intended configuration; null when not stored.
      type: int
    id:
      description: Id of the stored configuration; null when not stored.
      type: int
  sample:
    - {device: core1, content: "hostname core1\n", content_hash: 5d41402abc4b2a76b9719d911017c592,
       result: stored, changed: true, version: 4, id: 87}
template:
  description: The template version that was rendered.
  returned: always
  type: dict
  sample: {id: 3, name: ios-base, version: 1.2.0, content_hash: 9f86d081884c7d659a2feaa0c55ad015}
msg:
  description: What the task did, in one sentence.
  returned: always
  type: str
  sample: template 'ios-base' version 1.2.0 rendered for 2 devices; 1 stored, 1 already exists
"""

from ansible_collections.isp.network.plugins.module_utils.module import (  # noqa: E402
    devices_counted,
    run_in_store,
    store_module,
)


def main() -> None:
    """Render a template once or for many devices, optionally storing the results."""
    module = store_module(
        {
            "template": {"type": "str", "required": True},
            "version": {"type": "str"},
            "variables": {"type": "dict", "default": {}},
            "devices": {
                "type": "list",
                "elements": "dict",
                "options": {
                    "name": {"type": "str", "required": True},
                    "variables": {"type": "dict", "default": {}},
                },
            },
            "store": {"type": "bool", "default": False},
        },
        required_if=[("store", True, ("devices",))],
        supports_check_mode=True,
    )
    run_in_store(module, lambda session: _render(module, session))


def _render(module, session) -> dict:
    from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError
    from ansible_collections.isp.network.plugins.module_utils.services import config_templates
    from ansible_collections.isp.network.plugins.module_utils.services.config_secrets import (
        mask_secrets,
    )
    from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
        ConfigurationService,
    )

    params = module.params
    if params["devices"] == []:
        raise ValidationError(
            "devices is an empty list, so there is nothing to render; list at least one device, "
            "or leave devices out to render once"
        )
    template = ConfigurationService.get_template(session, params["template"], params["version"])
    about = config_templates.template_to_dict(template, content=False)
    label = config_templates.label(template)
    if params["devices"] is None:
        rendered = ConfigurationService.render(template, params["variables"])
        return {
            "changed": False,
            "rendered": rendered.content,
            "template": about,
            "msg": f"{label} rendered",
        }

    devices = {}
    for entry in params["devices"]:
        if entry["name"] in devices:
            raise ValidationError(f"device {entry['name']!r} is listed twice; list it once")
        devices[entry["name"]] = entry["variables"]
    before = _intended_now(session, devices) if params["store"] and module._diff else {}
    generated = ConfigurationService.generate_configurations(
        session, template, devices, common=params["variables"], store=params["store"]
    )

    configs = [_entry(config, params["store"]) for config in generated]
    stored = sum(1 for config in generated if config.created)
    result = {
        "changed": bool(stored),
        "configs": configs,
        "template": about,
        "msg": f"{label} rendered for {devices_counted(len(configs))}"
        + (f"; {stored} stored, {len(configs) - stored} already exists" if params["store"] else ""),
    }
    if params["store"] and module._diff:
        result["diff"] = [
            {
                "before_header": f"{config.device} intended (before)",
                "after_header": f"{config.device} intended v{config.version}",
                # What a template puts in (an enable secret, a community) is masked here too.
                "before": mask_secrets(before.get(config.device, "")),
                "after": mask_secrets(config.content),
            }
            for config in generated
            if config.created
        ]
    return result


def _entry(config, store: bool) -> dict:
    word = ("stored" if config.created else "already exists") if store else "rendered"
    return {
        "device": config.device,
        "content": config.content,
        "content_hash": config.content_hash,
        "result": word,
        "changed": config.created,
        "version": config.version,
        "id": config.id,
    }


def _intended_now(session, devices) -> dict:
    # The newest intended configuration of each device, for --diff; unknown names are left
    # for the store step to report.
    from ansible_collections.isp.network.plugins.module_utils.errors import NotFoundError
    from ansible_collections.isp.network.plugins.module_utils.services import config_store

    contents = {}
    for name in devices:
        try:
            device = config_store.device_by_name(session, name)
        except NotFoundError:
            continue
        latest = config_store.latest_configuration(session, device.id)
        contents[name] = latest.content if latest else ""
    return contents


if __name__ == "__main__":
    main()
