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
    file next to it (C(base.j2) and C(base.yml)) giving its O(name), O(version),
    O(device_type), O(platform), O(description) and O(variables); options given to the task
    win. A sidecar key not in that list, or a value of the wrong type, fails the task; quote
    a version (V("1.10.0")) so that YAML does not read it as a number. When the file
    is inside a git checkout, the store records its path in the checkout and the commit.
  - O(src) may be a folder, and then every C(*.j2) file in it and in its subfolders (not
    hidden ones such as C(.git)), each with its sidecar, is published in one transaction.
    When any file is bad (a syntax error, a malformed sidecar or schema, a conflict with a
    stored version), nothing from the folder is published and the task names the file.
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
      - Required with O(content) and with O(state=absent); with a file O(src), its sidecar
        may set it instead. Not allowed with a folder O(src).
    type: str
  version:
    description:
      - Semantic version C(MAJOR.MINOR.PATCH) of the template, for example V(1.2.0).
      - Required with O(state=present) unless the sidecar file of O(src) sets it. Not allowed
        with a folder O(src).
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
      - Path of a template file on the controller, or of a folder of them.
      - With a folder, each template's name, version and other fields come from its sidecar;
        O(name), O(version), O(variables), O(device_type), O(platform) and O(description)
        are then refused.
      - Mutually exclusive with O(content).
    type: path
  variables:
    description:
      - The variable schema, mapping each variable name to a type name or to a mapping with
        C(type) and optional C(required), C(default), C(choices), C(pattern), C(secret) and
        C(description).
      - C(required) and C(secret) take V(true) or V(false). A C(default) is checked and
        converted like a given value (V("5") for an V(int) is stored as V(5)).
      - A C(secret) variable's value never appears in a message. A variable whose name has
        V(password), V(secret), V(community) or V(key) as a word part (V(snmp_community),
        V(tacacs_key)) is secret unless its spec sets C(secret) to V(false).
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

- name: Publish every template of the repository's templates folder
  isp.network.config_template:
    src: templates/

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
  returned: success, when a template was published or removed (not for a folder O(src))
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
templates:
  description:
    - One entry per file of a folder O(src), in path order, without the content.
  returned: when O(src) is a folder
  type: list
  elements: dict
  contains:
    name:
      description: Name of the template.
      type: str
    version:
      description: Its version.
      type: str
    result:
      description: V(created), or V(already exists) (same content and version).
      type: str
    source_path:
      description: The file, within its git checkout when it is in one.
      type: str
    source_commit:
      description: The checkout's commit, suffixed C(-dirty) when the file differs from it.
      type: str
  sample:
    - {id: 3, name: ios-base, version: 1.0.0, result: created, source_path: templates/ios/base.j2,
       source_commit: 4b825dc642cb6eb9a060e54bf8d69288fbee4904}
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

# Fields a file's sidecar may give, which the task's options override.
_META = ("device_type", "platform", "description")


def main() -> None:
    """Publish or remove a template version."""
    module = store_module(
        {
            "name": {"type": "str"},
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
        required_if=[
            ("state", "present", ("content", "src"), True),
            ("state", "absent", ("name",)),
        ],
        supports_check_mode=True,
    )
    work = _present if module.params["state"] == "present" else _absent
    run_in_store(module, lambda session: work(module, session))


def _present(module, session) -> dict:
    from pathlib import Path

    from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError
    from ansible_collections.isp.network.plugins.module_utils.services import (
        config_template_files,
        config_templates,
    )
    from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
        ConfigurationService,
    )

    params = module.params
    meta = {key: params[key] for key in ("name", "version", "variables", *_META)}
    if params["src"] and Path(params["src"]).is_dir():
        return _folder(module, session)
    if params["src"]:
        spec = config_template_files.spec_from_file(params["src"], **meta)
    elif not params["name"]:
        raise ValidationError("a template given as content needs a name; set name")
    elif not params["version"]:
        raise ValidationError(f"template {params['name']!r} needs a version; set version")
    else:
        spec = config_templates.TemplateSpec(
            content=params["content"], **{**meta, "variables": params["variables"] or {}}
        )

    template, created = ConfigurationService.publish_template(session, spec)
    data = config_templates.template_to_dict(template)
    result = {
        "changed": created,
        "template": data,
        "msg": f"{config_templates.label(template)} {_word(created)}",
    }
    if module._diff:
        result["diff"] = {"before": "" if created else template.content, "after": template.content}
    return result


def _folder(module, session) -> dict:
    from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError
    from ansible_collections.isp.network.plugins.module_utils.services import config_templates
    from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
        ConfigurationService,
    )

    params = module.params
    given = [key for key in ("name", "version", "variables", *_META) if params[key] is not None]
    if given:
        raise ValidationError(
            f"src {params['src']!r} is a folder, whose templates take their fields from their "
            f"sidecars; leave out {', '.join(given)}"
        )
    published = ConfigurationService.create_templates_from_folder(session, params["src"])
    templates = [
        {**config_templates.template_to_dict(template, content=False), "result": _word(created)}
        for template, created in published
    ]
    created = sum(1 for _template, new in published if new)
    result = {
        "changed": bool(created),
        "templates": templates,
        "msg": f"folder {params['src']!r}: {len(published)} templates, {created} created, "
        f"{len(published) - created} already exist",
    }
    if module._diff:
        result["diff"] = [
            {
                "before_header": f"{config_templates.label(template)} (absent)",
                "after_header": config_templates.label(template),
                "before": "",
                "after": template.content,
            }
            for template, new in published
            if new
        ]
    return result


def _word(created: bool) -> str:
    return "created" if created else "already exists"


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
