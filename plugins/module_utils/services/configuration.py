# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ConfigurationService: the Python API of templates, rendering, stored configurations,
compliance, and applying to and backing up devices. Each concern lives in its own
``config_*`` module; this class gathers them under the names the project's seed uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session

from ansible_collections.isp.network.plugins.module_utils.errors import (
    NotFoundError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.services import (
    config_bulk,
    config_compliance,
    config_insert,
    config_store,
    config_template_files,
    config_templates,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_apply import push
from ansible_collections.isp.network.plugins.module_utils.services.config_bulk import (
    BackupOutcome,
    ComplianceOutcome,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_compliance import (
    ComplianceReport,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_insert import (
    SHOWN_PROBLEMS,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_record import (
    ApplyOptions,
    ApplyOutcome,
    ApplyRequest,
    prepare,
    record,
)
from ansible_collections.isp.network.plugins.module_utils.services.config_templates import (
    Rendered,
    TemplateSpec,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.config import (
    ConfigKind,
    ConfigTemplate,
    DeviceConfiguration,
)


@dataclass
class GeneratedConfig:
    """One device's rendering, and what storing it did."""

    device: str
    content: str
    content_hash: str
    variables: dict[str, Any]
    # Set when stored: the intended configuration's id and version, and whether it is new.
    id: int | None = None
    version: int | None = None
    created: bool = False


class ConfigurationService:
    """Templates, rendering, stored device configurations, diffs and compliance."""

    @staticmethod
    def create_template(
        session: Session,
        name: str,
        device_type: str | None,
        template_content: str,
        version: str = "1.0.0",
        variables: Mapping[str, Any] | None = None,
        *,
        platform: str | None = None,
        description: str | None = None,
        actor: str | None = None,
    ) -> ConfigTemplate:
        """Publish a template version and return it (the existing row when identical).

        Raises ValidationError (bad version, schema or template) and ConflictError (the
        version exists with other content).
        """
        spec = TemplateSpec(
            name=name,
            version=version,
            content=template_content,
            variables=dict(variables or {}),
            device_type=device_type,
            platform=platform,
            description=description,
        )
        return config_templates.publish_template(session, spec, actor=actor)[0]

    @staticmethod
    def publish_template(
        session: Session, spec: TemplateSpec, *, actor: str | None = None
    ) -> tuple[ConfigTemplate, bool]:
        """Publish ``spec``; return the template and whether it was created."""
        return config_templates.publish_template(session, spec, actor=actor)

    @staticmethod
    def create_template_from_file(
        session: Session, path: str | Path, *, actor: str | None = None, **overrides: Any
    ) -> tuple[ConfigTemplate, bool]:
        """Publish a template file (with its sidecar YAML and git commit); see publish_template.

        ``overrides`` (name, version, variables, device_type, platform, description) win
        over the sidecar.
        """
        spec = config_template_files.spec_from_file(path, **overrides)
        return config_templates.publish_template(session, spec, actor=actor)

    @staticmethod
    def create_templates_from_folder(
        session: Session, path: str | Path, *, actor: str | None = None
    ) -> list[tuple[ConfigTemplate, bool]]:
        """Publish every ``*.j2`` file under a folder with its sidecar, all or none.

        Returns each template and whether it was created, in path order. Raises
        ValidationError or ConflictError naming the file at fault; nothing is then stored.
        """
        specs = config_template_files.specs_from_folder(path)
        return config_templates.publish_templates(session, specs, actor=actor)

    @staticmethod
    def get_template(session: Session, name: str, version: str | None = None) -> ConfigTemplate:
        """Return template ``name`` at ``version`` (latest when None); raises NotFoundError."""
        return config_templates.get_template(session, name, version)

    @staticmethod
    def list_templates(session: Session, name: str | None = None) -> list[ConfigTemplate]:
        """Return every template version, by name then semantic version."""
        return config_templates.list_templates(session, name)

    @staticmethod
    def delete_template(
        session: Session, name: str, version: str | None = None, *, actor: str | None = None
    ) -> list[ConfigTemplate]:
        """Delete one version (or all versions) of a template; return what was deleted."""
        return config_templates.delete_template(session, name, version, actor=actor)

    @staticmethod
    def render(template: ConfigTemplate, variables: Mapping[str, Any] | None) -> Rendered:
        """Return ``template`` rendered with checked ``variables``; raises ValidationError."""
        return config_templates.render_template(template, dict(variables or {}))

    @staticmethod
    def generate_configuration(
        session: Session, template_id: int, variables: Mapping[str, Any] | None
    ) -> str:
        """Return the text of template ``template_id`` rendered with ``variables``.

        Raises NotFoundError for an unknown template, ValidationError for bad variables.
        """
        template = config_templates.get_template_by_id(session, template_id)
        return config_templates.render_template(template, dict(variables or {})).content

    @staticmethod
    def generate_configurations(
        session: Session,
        template: ConfigTemplate,
        devices: Mapping[str, Mapping[str, Any] | None],
        *,
        common: Mapping[str, Any] | None = None,
        store: bool = False,
        actor: str | None = None,
    ) -> list[GeneratedConfig]:
        """Render ``template`` per device (name -> variables over ``common``), in one call.

        With ``store``, every rendering is stored as the device's intended configuration
        in bulk (identical to the newest: not stored again). Nothing is stored unless every
        device renders. Raises ValidationError listing the devices that failed, and
        NotFoundError for devices not in the store.
        """
        generated: list[GeneratedConfig] = []
        problems: list[str] = []
        # Compiled, and ``common`` checked, once for all devices.
        renderer = config_templates.TemplateRenderer(template, common)
        for name, own in devices.items():
            try:
                rendered = renderer.render(own)
            except ValidationError as exc:
                problems.append(f"device {name!r}: {exc}")
                continue
            generated.append(
                GeneratedConfig(name, rendered.content, rendered.content_hash, rendered.variables)
            )
        if problems:
            more = len(problems) - SHOWN_PROBLEMS
            shown = problems[:SHOWN_PROBLEMS] + ([f"and {more} more devices"] if more > 0 else [])
            raise ValidationError(". ".join(shown))
        if store:
            config_insert.store_generated(session, template, generated, actor)
        return generated

    @staticmethod
    def create_device_configuration(
        session: Session,
        device_id: int,
        config_content: str,
        version: int | None = None,
        *,
        kind: str | ConfigKind = ConfigKind.INTENDED,
        template_id: int | None = None,
        variables: Mapping[str, Any] | None = None,
        actor: str | None = None,
    ) -> DeviceConfiguration:
        """Store a configuration for a device and return it (the newest when identical)."""
        return ConfigurationService.store_configuration(
            session,
            device_id,
            config_content,
            version=version,
            kind=kind,
            template_id=template_id,
            variables=variables,
            actor=actor,
        )[0]

    @staticmethod
    def store_configuration(
        session: Session,
        device_id: int,
        content: str,
        *,
        version: int | None = None,
        kind: str | ConfigKind = ConfigKind.INTENDED,
        template_id: int | None = None,
        variables: Mapping[str, Any] | None = None,
        actor: str | None = None,
    ) -> tuple[DeviceConfiguration, bool]:
        """Store a configuration; return it and whether a new row was created.

        Raises NotFoundError (device or template) and ConflictError (a pinned version taken).
        """
        template = None
        if template_id is not None:
            template = config_templates.get_template_by_id(session, template_id)
        return config_store.store_configuration(
            session,
            device_id,
            content,
            kind=kind,
            version=version,
            template=template,
            variables=dict(variables or {}),
            actor=actor,
        )

    @staticmethod
    def get_configuration_history(
        session: Session,
        device_id: int,
        kind: str | ConfigKind | None = None,
        limit: int | None = None,
    ) -> list[DeviceConfiguration]:
        """Return the device's stored configurations, newest first."""
        return config_store.history(session, device_id, kind, limit)

    @staticmethod
    def get_configuration(
        session: Session,
        device_id: int,
        version: int | None = None,
        kind: str | ConfigKind = ConfigKind.INTENDED,
    ) -> DeviceConfiguration:
        """Return one stored configuration (the newest of ``kind`` when ``version`` is None)."""
        return config_store.get_configuration(session, device_id, version, kind)

    @staticmethod
    def diff_configurations(
        session: Session,
        device_id: int,
        from_version: int,
        to_version: int | None = None,
        kind: str | ConfigKind = ConfigKind.INTENDED,
        to_kind: str | ConfigKind | None = None,
    ) -> str:
        """Return the unified diff from one stored version to another ("" when equal).

        ``to_kind`` compares across kinds (intended v3 against backup v7, say).
        """
        before = config_store.get_configuration(session, device_id, from_version, kind)
        after = config_store.get_configuration(session, device_id, to_version, to_kind or kind)
        return config_store.diff_configurations(session, before, after)

    @staticmethod
    def compare_configs(
        intended: str, running: str, ignore: Iterable[str] = ()
    ) -> ComplianceReport:
        """Return the compliance of configuration text ``running`` against ``intended``."""
        return config_compliance.compare_configs(intended, running, ignore)

    @staticmethod
    def check_compliance(
        session: Session,
        device_id: int,
        *,
        against: str | ConfigKind = ConfigKind.RUNNING,
        ignore: Iterable[str] = (),
    ) -> ComplianceReport:
        """Return the compliance of the device's newest stored running (or backup) config."""
        return config_compliance.check_compliance(
            session, device_id, against=against, ignore=ignore
        )

    @staticmethod
    def apply_configuration(
        session: Session,
        config_id: int,
        applied_by: str | None = None,
        *,
        box: Any = None,
        options: ApplyOptions | None = None,
    ) -> ApplyOutcome:
        """Apply stored intended configuration ``config_id`` to its device; return the outcome.

        Backs up, loads, compares, commits and verifies; any failure after the backup
        restores it. The outcome (``applied``, ``unchanged``, ``would_change``, ``failed``,
        ``rolled_back``) is recorded in ``session`` (nothing in check mode). The session's
        transaction stays open while the device works: for many devices, or to keep the
        store free meanwhile, use ``apply_configurations``. Raises NotFoundError,
        ValidationError, SecretKeyError; device failures are outcomes, not exceptions.
        """
        options = (options or ApplyOptions()).checked()
        row = session.get(DeviceConfiguration, config_id)
        if row is None:
            raise NotFoundError(
                f"configuration id {config_id} does not exist; list a device's configurations "
                "with isp.network.config_info"
            )
        device = config_store.get_device(session, row.device_id)
        prepared = prepare(session, ApplyRequest(device.name, config_id=config_id), box, options)
        return record(session, prepared, push(prepared.push), applied_by or options.actor)

    @staticmethod
    def apply_configurations(
        requests: Sequence[ApplyRequest],
        *,
        store_url: str | None = None,
        box: Any = None,
        options: ApplyOptions | None = None,
    ) -> list[ApplyOutcome]:
        """Apply to many devices in parallel, each in its own transaction; see ``apply_many``."""
        return config_bulk.apply_many(
            requests, store_url=store_url, box=box, options=options or ApplyOptions()
        )

    @staticmethod
    def backup_configurations(
        names: Sequence[str], *, store_url: str | None = None, box: Any = None, **options: Any
    ) -> list[BackupOutcome]:
        """Read and store many devices' running configs in parallel; see ``backup_many``."""
        return config_bulk.backup_many(names, store_url=store_url, box=box, **options)

    @staticmethod
    def check_compliance_many(
        names: Sequence[str], *, store_url: str | None = None, box: Any = None, **options: Any
    ) -> list[ComplianceOutcome]:
        """Return each device's compliance, reading running configs first; see compliance_many."""
        return config_bulk.compliance_many(names, store_url=store_url, box=box, **options)
