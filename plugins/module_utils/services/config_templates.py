# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Configuration templates: publishing versions, reading them from files, finding them.

A published version never changes: publishing the same name and version again with the same
content is a no-op, with other content a conflict. "Latest" is the highest semantic version.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from ansible_collections.isp.network.plugins.module_utils.errors import (
    ConflictError,
    NotFoundError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.services import config_render
from ansible_collections.isp.network.plugins.module_utils.services.audit import (
    AuditService,
    current_actor,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_schema import (
    normalize_schema,
    validator_for,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.config import (
    ConfigTemplate,
)

_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
SIDECAR_SUFFIXES = (".yml", ".yaml")
# Fields that make a published version what it is; publishing again must match them all.
_IDENTITY = ("content_hash", "variables", "device_type", "platform", "description")


@dataclass
class TemplateSpec:
    """What a caller publishes: the template and where it came from."""

    name: str
    version: str
    content: str
    variables: dict[str, Any] = field(default_factory=dict)
    device_type: str | None = None
    platform: str | None = None
    description: str | None = None
    source_path: str | None = None
    source_commit: str | None = None


@dataclass
class Rendered:
    """One rendering: the text, its hash, and the checked variables it was made from."""

    content: str
    content_hash: str
    variables: dict[str, Any]


def sha256(text: str) -> str:
    """Return the hex sha256 of ``text`` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_version(version: str) -> tuple[int, int, int]:
    """Return ``MAJOR.MINOR.PATCH`` as a tuple of ints; raises ValidationError otherwise."""
    match = _SEMVER.match(str(version))
    if not match:
        raise ValidationError(
            f"template version {version!r} is not a semantic version; write it as "
            "MAJOR.MINOR.PATCH, for example 1.0.0"
        )
    return int(match[1]), int(match[2]), int(match[3])


def label(template: ConfigTemplate | TemplateSpec) -> str:
    """Return how messages name a template: ``template 'base' version 1.0.0``."""
    return f"template {template.name!r} version {template.version}"


def spec_from_file(path: str | Path, **overrides: Any) -> TemplateSpec:
    """Return a TemplateSpec read from a template file, its sidecar YAML and its git checkout.

    The sidecar (same name, ``.yml`` or ``.yaml``) may set name, version, device_type,
    platform, description and variables; non-None ``overrides`` win over it. Raises
    ValidationError when the file cannot be read or the name or version is missing.
    """
    source = Path(path).expanduser().resolve()
    try:
        content = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(
            f"template file {str(path)!r} cannot be read ({exc.__class__.__name__}); check the path"
        ) from None

    values = {**_sidecar(source), **{k: v for k, v in overrides.items() if v is not None}}
    for required in ("name", "version"):
        if not values.get(required):
            raise ValidationError(
                f"template file {str(path)!r} has no {required}; set it, or add it to "
                f"{source.with_suffix('.yml').name}"
            )
    where, commit = _git_origin(source)
    return TemplateSpec(
        name=str(values["name"]),
        version=str(values["version"]),
        content=content,
        variables=values.get("variables") or {},
        device_type=values.get("device_type"),
        platform=values.get("platform"),
        description=values.get("description"),
        source_path=where,
        source_commit=commit,
    )


def _sidecar(source: Path) -> dict[str, Any]:
    import yaml

    for suffix in SIDECAR_SUFFIXES:
        candidate = source.with_suffix(suffix)
        if not candidate.is_file():
            continue
        try:
            data = yaml.safe_load(candidate.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ValidationError(
                f"template sidecar {str(candidate)!r} is not readable YAML "
                f"({exc.__class__.__name__}); fix it"
            ) from None
        if not isinstance(data, dict):
            raise ValidationError(f"template sidecar {str(candidate)!r} must hold a mapping")
        return data
    return {}


def _git(directory: Path, *args: str) -> str | None:
    # Services run without an AnsibleModule (inventory plugin, lookups, the Python API), so
    # there is no run_command to call; git is optional and any failure means "not in git".
    try:
        done = subprocess.run(  # pylint: disable=ansible-bad-function
            ["git", "-C", str(directory), *args],
            capture_output=True,
            text=True,
            timeout=15,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _git_origin(source: Path) -> tuple[str, str | None]:
    # The path inside the checkout and its commit, or the absolute path outside git.
    top = _git(source.parent, "rev-parse", "--show-toplevel")
    commit = _git(source.parent, "rev-parse", "HEAD") if top else None
    if not top or not commit:
        return str(source), None
    relative = str(source.relative_to(Path(top).resolve()))
    if _git(Path(top), "status", "--porcelain", "--", relative):
        commit += "-dirty"
    return relative, commit


def publish_template(
    session: Session, spec: TemplateSpec, *, actor: str | None = None
) -> tuple[ConfigTemplate, bool]:
    """Store one template version; return it and whether it was created.

    Raises ValidationError for a bad name, version, schema or template, and ConflictError
    when the version exists with other content.
    """
    name = (spec.name or "").strip()
    if not name or len(name) > 255:
        raise ValidationError(f"template name {spec.name!r} must be 1 to 255 characters")
    parse_version(spec.version)
    schema = normalize_schema(spec.variables)
    config_render.check_template(label(spec), spec.content, schema)
    candidate = ConfigTemplate(
        name=name,
        version=spec.version,
        device_type=spec.device_type,
        platform=spec.platform,
        description=spec.description,
        content=spec.content,
        content_hash=sha256(spec.content),
        variables=schema,
        source_path=spec.source_path,
        source_commit=spec.source_commit,
        created_by=actor or current_actor(),
    )

    existing = session.exec(
        select(ConfigTemplate).where(
            ConfigTemplate.name == name, ConfigTemplate.version == spec.version
        )
    ).first()
    if existing is not None:
        differs = [f for f in _IDENTITY if getattr(existing, f) != getattr(candidate, f)]
        if differs:
            what = ", ".join("content" if f == "content_hash" else f for f in differs)
            raise ConflictError(
                f"{label(existing)} already exists with other {what}; publish it as a new version"
            )
        return existing, False

    session.add(candidate)
    session.flush()
    AuditService.record(
        session,
        "config_template.create",
        "config_template",
        candidate.id,
        f"{name} {spec.version}",
        actor=candidate.created_by,
        changed_fields=["content", "variables"],
        details={
            "version": spec.version,
            "content_hash": candidate.content_hash,
            "source_path": spec.source_path,
            "source_commit": spec.source_commit,
        },
    )
    return candidate, True


def versions_of(session: Session, name: str) -> list[ConfigTemplate]:
    """Return every stored version of template ``name``, oldest first (semantic order)."""
    rows = session.exec(select(ConfigTemplate).where(ConfigTemplate.name == name)).all()
    return sorted(rows, key=lambda row: parse_version(row.version))


def get_template(session: Session, name: str, version: str | None = None) -> ConfigTemplate:
    """Return template ``name`` at ``version``, or its latest version when None or "latest".

    Raises NotFoundError naming the versions that do exist.
    """
    rows = versions_of(session, name)
    if not rows:
        raise NotFoundError(
            f"template {name!r} does not exist; publish it with isp.network.config_template"
        )
    if version in (None, "", "latest"):
        return rows[-1]
    parse_version(version)
    for row in rows:
        if row.version == version:
            return row
    known = ", ".join(row.version for row in rows)
    raise NotFoundError(f"template {name!r} has no version {version} (it has {known})")


def get_template_by_id(session: Session, template_id: int) -> ConfigTemplate:
    """Return the template version with id ``template_id``; raises NotFoundError."""
    template = session.get(ConfigTemplate, template_id)
    if template is None:
        raise NotFoundError(f"template id {template_id} does not exist; list templates to find it")
    return template


def list_templates(session: Session, name: str | None = None) -> list[ConfigTemplate]:
    """Return every template version (or those of ``name``), by name then semantic version."""
    query = select(ConfigTemplate)
    if name:
        query = query.where(ConfigTemplate.name == name)
    rows = session.exec(query).all()
    return sorted(rows, key=lambda row: (row.name, parse_version(row.version)))


def delete_template(
    session: Session, name: str, version: str | None = None, *, actor: str | None = None
) -> list[ConfigTemplate]:
    """Delete one version of ``name``, or every version when ``version`` is None.

    Returns what was deleted (empty when already absent). Stored configurations keep the
    template's name, version and hash.
    """
    if version is not None:
        parse_version(version)
    rows = [row for row in versions_of(session, name) if version in (None, row.version)]
    for row in rows:
        AuditService.record(
            session,
            "config_template.delete",
            "config_template",
            row.id,
            f"{row.name} {row.version}",
            actor=actor,
            details={"version": row.version, "content_hash": row.content_hash},
        )
        session.delete(row)
    session.flush()
    return rows


class TemplateRenderer:
    """A template prepared once to render many sets of variables over shared ``common`` ones.

    The schema's validator, the checked ``common`` values, the compiled template and its label
    are made once; ``render`` then checks and renders one set of variables.
    """

    def __init__(self, template: ConfigTemplate, common: Mapping[str, Any] | None = None):
        self.label = label(template)
        self.validator = validator_for(template.variables)
        self.shared = self.validator.share(common)
        self.compiled = config_render.compiled(self.label, template.content, template.content_hash)

    def render(self, variables: Mapping[str, Any] | None) -> Rendered:
        """Return the template rendered with ``variables`` over ``common``, checked.

        Raises ValidationError listing every bad variable, or naming what the template did wrong.
        """
        try:
            checked = self.validator.validate(variables, self.shared)
        except ValidationError as exc:
            raise ValidationError(f"{self.label}: {exc}") from None
        content = config_render.render_compiled(self.label, self.compiled, checked)
        return Rendered(content=content, content_hash=sha256(content), variables=checked)


def render_template(template: ConfigTemplate, variables: dict[str, Any] | None) -> Rendered:
    """Check ``variables`` against the template's schema, then render it in the sandbox.

    Raises ValidationError listing every bad variable, or naming what the template did wrong.
    """
    return TemplateRenderer(template).render(variables)


def template_to_dict(template: ConfigTemplate, *, content: bool = True) -> dict[str, Any]:
    """Return the template as plain data for module results (``content`` optional)."""
    data = {
        "id": template.id,
        "name": template.name,
        "version": template.version,
        "device_type": template.device_type,
        "platform": template.platform,
        "description": template.description,
        "content_hash": template.content_hash,
        "variables": template.variables,
        "source_path": template.source_path,
        "source_commit": template.source_commit,
        "created_by": template.created_by,
        "created_at": template.created_at.isoformat() if template.created_at else None,
    }
    if content:
        data["content"] = template.content
    return data
