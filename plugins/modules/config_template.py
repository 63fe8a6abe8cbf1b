#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: config_template
short_description: Publish or remove versioned configuration templates
version_added: 0.1.0
description:
  - Publishes one version of a Jinja2 configuration template with its typed variable schema,
    or removes template versions from the store.
  - A published version never changes. Publishing the same O(name) and O(version) again with
    the same content and schema changes nothing; with other content the task fails, so
    publish a new version instead.
  - The template is checked when it is published; a syntax error, a reach for Python
    internals, or a variable its schema does not declare fails the task.
  - The content comes from O(content) or from a file O(src). A file may have a sidecar YAML
    file next to it (C(base.j2) and C(base.yml)) giving its O(version), O(device_type),
    O(platform), O(description) and O(variables); options given to the task win. When the
    file is inside a git checkout, the store records its path in the checkout and the commit.
author:
  - isp.network maintainers (@isp-network)
extends_documentation_fragment:
  - isp.network.store
attributes:
  check_mode:
    support: full
    description: Reports what would be published or removed and writes nothing.
  diff_mode:
    support: full
    description: Shows the template before and after.
options:
  name:
    description:
      - Name of the template, for example V(ios-base).
    type: str
    required: true
  version:
    description:
      - Semantic version C(MAJOR.MINOR.PATCH) of the template, for example V(1.2.0).
      - Required with O(state=present) unless the sidecar file of O(src) sets it.
      - With O(state=absent), the version to remove; every version when not set.
    type: str
  state:
    description:
      - V(present) publishes the version; V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  content:
    description:
      - The Jinja2 template text.
      - Mutually exclusive with O(src).
    type: str
  src:
    description:
      - Path of a template file on the controller.
      - Mutually exclusive with O(content).
    type: path
  variables:
    description:
      - The variable schema, mapping each variable name to a type name or to a mapping with
        C(type) and optional C(required), C(default), C(choices), C(pattern) and
        C(description).
      - Types are V(string), V(int), V(bool), V(ipv4), V(ipv6), V(ipv4_netmask),
        V(ipv4_prefix) (a network such as V(10.0.0.0/24)), V(ipv6_prefix), V(cidr) (an
        address with its length, such as V(10.0.0.1/24)), V(mac), V(list) and V(dict).
      - Variables not in the schema are refused when the template is rendered.
    type: dict
  device_type:
    description:
      - The device type the template targets, for example V(router).
    type: str
  platform:
    description:
      - The NAPALM platform the template targets, for example V(ios).
    type: str
  description:
    description:
      - What the template is for.
    type: str
notes:
  - Removing a template keeps the configurations rendered from it; they still record the
    template's name, version and content hash.
seealso:
  - module: isp.network.config_render
  - module: isp.network.config_info
"""

EXAMPLES = r"""
- name: Publish the IOS base template from the repository
  isp.network.config_template:
    name: ios-base
    src: templates/ios/base.j2

- name: Publish a small template inline
  isp.network.config_template:
    name: loopback
    version: 1.0.0
    platform: ios
    content: |
      interface Loopback0
       ip address {{ address }} 255.255.255.255
    variables:
      address: {type: ipv4, required: true}

- name: Remove one version
  isp.network.config_template:
    name: loopback
    version: 1.0.0
    state: absent
"""

RETURN = r"""
template:
  description:
    - The template version published, or the last version removed.
  returned: success, when a template was published or removed
  type: dict
  sample:
    id: 3
    name: ios-base
    version: 1.2.0
    device_type: router
    platform: ios
    description: Base configuration
    content: "hostname {{ hostname }}\n"
    content_hash: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    variables: {hostname: {type: string, required: true}}
    source_path: templates/ios/base.j2
    source_commit: 4b825dc642cb6eb9a060e54bf8d69288fbee4904
    created_by: netops
    created_at: "2025-01-31T10:00:00+00:00"
removed:
  description: The versions removed, oldest first.
  returned: when O(state=absent)
  type: list
  elements: str
  sample: ["1.0.0", "1.1.0"]
msg:
  description: What the task did, in one sentence.
  returned: always
  type: str
  sample: template 'ios-base' version 1.2.0 created
"""

from ansible_collections.isp.network.plugins.module_utils.module import (  # noqa: E402
    run_in_store,
    store_module,
)


def main() -> None:
    """Publish or remove a template version."""
    module = store_module(
        {
            "name": {"type": "str", "required": True},
            "version": {"type": "str"},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "content": {"type": "str"},
            "src": {"type": "path"},
            "variables": {"type": "dict"},
            "device_type": {"type": "str"},
            "platform": {"type": "str"},
            "description": {"type": "str"},
        },
        mutually_exclusive=[("content", "src")],
        required_if=[("state", "present", ("content", "src"), True)],
        supports_check_mode=True,
    )
    work = _present if module.params["state"] == "present" else _absent
    run_in_store(module, lambda session: work(module, session))


def _present(module, session) -> dict:
    from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError
    from ansible_collections.isp.network.plugins.module_utils.services import config_templates
    from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
        ConfigurationService,
    )

    params = module.params
    meta = {key: params[key] for key in ("device_type", "platform", "description")}
    if params["src"]:
        spec = config_templates.spec_from_file(
            params["src"],
            name=params["name"],
            version=params["version"],
            variables=params["variables"],
            **meta,
        )
    elif not params["version"]:
        raise ValidationError(f"template {params['name']!r} needs a version; set version")
    else:
        spec = config_templates.TemplateSpec(
            name=params["name"],
            version=params["version"],
            content=params["content"],
            variables=params["variables"] or {},
            **meta,
        )

    template, created = ConfigurationService.publish_template(session, spec)
    data = config_templates.template_to_dict(template)
    result = {
        "changed": created,
        "template": data,
        "msg": f"{config_templates.label(template)} {'created' if created else 'already exists'}",
    }
    if module._diff:
        result["diff"] = {"before": "" if created else template.content, "after": template.content}
    return result


def _absent(module, session) -> dict:
    from ansible_collections.isp.network.plugins.module_utils.services import config_templates
    from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
        ConfigurationService,
    )

    name, version = module.params["name"], module.params["version"]
    removed = ConfigurationService.delete_template(session, name, version)
    which = f"template {name!r}" + (f" version {version}" if version else "")
    result = {
        "changed": bool(removed),
        "removed": [row.version for row in removed],
        "msg": f"{which} {'deleted' if removed else 'already absent'}",
    }
    if removed:
        result["template"] = config_templates.template_to_dict(removed[-1])
    if module._diff:
        before = "".join(f"# version {row.version}\n{row.content}" for row in removed)
        result["diff"] = {"before": before, "after": ""}
    return result


if __name__ == "__main__":
    main()
