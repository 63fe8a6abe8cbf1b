# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Configuration templates: publishing versions (one or many at once), finding them.

A published version never changes: publishing the same name and version again with the same
content is a no-op, with other content a conflict. "Latest" is the highest semantic version.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from ansible_collections.isp.network.plugins.module_utils.errors import (
    ConflictError,
    NotFoundError,
    ValidationError,
    kind_of,
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
# Fields that make a published version what it is; publishing again must match them all.
_IDENTITY = ("content_hash", "variables", "device_type", "platform", "description")
# Text fields of a template, each checked against the length of its column.
_TEXT_FIELDS = (
    "name",
    "version",
    "device_type",
    "platform",
    "description",
    "source_path",
    "source_commit",
)


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


def publish_template(
    session: Session, spec: TemplateSpec, *, actor: str | None = None
) -> tuple[ConfigTemplate, bool]:
    """Store one template version; return it and whether it was created.

    Raises ValidationError for a bad name, version, field, schema or template, and
    ConflictError when the version exists with other content.
    """
    template, created = _prepare(session, spec, actor)
    if created:
        _store(session, template)
    return template, created


def publish_templates(
    session: Session, specs: Sequence[TemplateSpec], *, actor: str | None = None
) -> list[tuple[ConfigTemplate, bool]]:
    """Store many template versions, all or none; return each and whether it was created.

    Every spec is checked (and compared with what is stored) before any is written. Raises
    ValidationError or ConflictError naming the spec's source file, or the two files that
    publish the same name and version.
    """
    prepared: list[tuple[ConfigTemplate, bool]] = []
    seen: dict[tuple[str, str], str] = {}
    for spec in specs:
        where = f"template file {spec.source_path!r}" if spec.source_path else label(spec)
        try:
            template, created = _prepare(session, spec, actor)
        except (ValidationError, ConflictError) as exc:
            raise type(exc)(f"{where}: {exc}; nothing was published") from None
        key = (template.name, template.version)
        if key in seen:
            raise ValidationError(
                f"{seen[key]} and {where} are both {label(template)}; give one of them another "
                "name or version, nothing was published"
            )
        seen[key] = where
        prepared.append((template, created))
    for template, created in prepared:
        if created:
            _store(session, template)
    return prepared


def _prepare(
    session: Session, spec: TemplateSpec, actor: str | None
) -> tuple[ConfigTemplate, bool]:
    # The stored version equal to ``spec`` and False, or a new unsaved row and True.
    _check_fields(spec)
    name = spec.name.strip()
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
    if existing is None:
        return candidate, True
    differs = [f for f in _IDENTITY if _identity(existing, f) != getattr(candidate, f)]
    if differs:
        what = ", ".join("content" if f == "content_hash" else f for f in differs)
        raise ConflictError(
            f"{label(existing)} already exists with other {what}; publish it as a new version"
        )
    return existing, False


def _identity(template: ConfigTemplate, field_name: str) -> Any:
    # A schema stored by an older release is compared in today's normal form (defaults
    # converted, secrets marked), so publishing the same file again is not a conflict.
    value = getattr(template, field_name)
    if field_name == "variables":
        try:
            return normalize_schema(value)
        except ValidationError:
            return value
    return value


def _check_fields(spec: TemplateSpec) -> None:
    # Text fields checked against the columns the model declares, before the store sees them.
    for field_name in _TEXT_FIELDS:
        value = getattr(spec, field_name)
        if value is None and field_name not in ("name", "version"):
            continue
        if not isinstance(value, str):
            raise ValidationError(f"template {field_name} {value!r} is {kind_of(value)}; give text")
        limit = ConfigTemplate.__table__.c[field_name].type.length
        if len(value) > limit or (field_name == "name" and not value.strip()):
            shown = value if len(value) <= 40 else f"{value[:37]}..."
            raise ValidationError(
                f"template {field_name} {shown!r} has {len(value)} characters; give 1 to {limit}"
            )


def _store(session: Session, candidate: ConfigTemplate) -> None:
    session.add(candidate)
    session.flush()
    AuditService.record(
        session,
        "config_template.create",
        "config_template",
        candidate.id,
        f"{candidate.name} {candidate.version}",
        actor=candidate.created_by,
        changed_fields=["content", "variables"],
        details={
            "version": candidate.version,
            "content_hash": candidate.content_hash,
            "source_path": candidate.source_path,
            "source_commit": candidate.source_commit,
        },
    )


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
        self.secrets = [field.name for field in self.validator.fields if field.secret]
        self.compiled = config_render.compiled(self.label, template.content, template.content_hash)

    def render(self, variables: Mapping[str, Any] | None) -> Rendered:
        """Return the template rendered with ``variables`` over ``common``, checked.

        Raises ValidationError listing every bad variable, or naming what the template did wrong.
        """
        try:
            checked = self.validator.validate(variables, self.shared)
        except ValidationError as exc:
            raise ValidationError(f"{self.label}: {exc}") from None
        try:
            content = config_render.render_compiled(self.label, self.compiled, checked)
        except ValidationError as exc:
            raise ValidationError(self._without_secrets(exc.given, checked)) from None
        return Rendered(content=content, content_hash=sha256(content), variables=checked)

    def _without_secrets(self, message: str, checked: Mapping[str, Any]) -> str:
        # A filter or the sandbox may quote the value it failed on; a secret one is hidden.
        for name in self.secrets:
            value = checked.get(name)
            if isinstance(value, str) and len(value) >= 3:
                message = message.replace(value, f"<{name}>")
        return message


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
