# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Storing many configurations at once: the path ``generate_configurations(store=True)`` takes.

Rendering ten thousand configurations must not cost ten thousand ORM objects. The rows are
written with one driver-level ``executemany``: every value that is the same for the whole
call (kind, state, template, author, timestamp) is converted to its database form once, each
distinct variables mapping is encoded to JSON once, and content hashes come from rendering.
The whole call writes ONE audit event naming the template, the count and the devices, not
one per configuration: the event says who stored what and when, and the rows themselves
carry their versions and hashes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from ansible_collections.isp.network.plugins.module_utils.errors import (
    NotFoundError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.services.audit import (
    AuditService,
    current_actor,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.base import utcnow
from ansible_collections.isp.network.plugins.module_utils.store.models.config import (
    CAPTURED_KINDS,
    ConfigKind,
    ConfigState,
    ConfigTemplate,
    DeviceConfiguration,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import Device

_CHUNK = 500
# How many per-device problems one error message lists before it summarises the rest.
SHOWN_PROBLEMS = 10
# The columns written per row, in this order; the rest of the table keeps its defaults.
_COLUMNS = (
    "device_id",
    "kind",
    "version",
    "state",
    "content",
    "content_hash",
    "template_id",
    "template_name",
    "template_version",
    "template_hash",
    "variables",
    "created_by",
    "created_at",
)


@dataclass
class ConfigDraft:
    """One configuration to store for a device, as the bulk path takes it."""

    device_id: int
    device_name: str
    content: str
    content_hash: str
    template: ConfigTemplate | None = None
    variables: dict[str, Any] | None = None


def store_generated(
    session: Session, template: ConfigTemplate, generated: Sequence[Any], actor: str | None
) -> None:
    """Store renderings (``GeneratedConfig``) as intended configurations, filling in their
    ``id``, ``version`` and ``created``; raises NotFoundError naming unknown devices.
    """
    names = [config.device for config in generated]
    found: dict[str, int] = {}
    # Through the session, so that a tenant scope hides other tenants' devices.
    for start in range(0, len(names), _CHUNK):
        chunk = names[start : start + _CHUNK]
        rows = session.exec(select(Device.id, Device.name).where(Device.name.in_(chunk)))
        found.update((name, device_id) for device_id, name in rows)
    unknown = [name for name in names if name not in found]
    if unknown:
        shown = ", ".join(repr(name) for name in unknown[:SHOWN_PROBLEMS])
        raise NotFoundError(
            f"devices {shown} are not in the store; register them with isp.network.device "
            "before storing their configurations"
        )

    drafts = [
        ConfigDraft(found[c.device], c.device, c.content, c.content_hash, template, c.variables)
        for c in generated
    ]
    outcomes = store_many(session, drafts, kind=ConfigKind.INTENDED, actor=actor)
    for config, (values, created) in zip(generated, outcomes, strict=True):
        config.id = values["id"]
        config.version = values["version"]
        config.created = created


def store_many(
    session: Session,
    drafts: Sequence[ConfigDraft],
    *,
    kind: ConfigKind = ConfigKind.INTENDED,
    actor: str | None = None,
) -> list[tuple[dict[str, Any], bool]]:
    """Store many configurations; return per draft its ``id``/``version`` and whether it is new.

    Content identical to the device's newest of ``kind`` is not stored again. One query for
    the newest versions, one insert for the new rows, one audit event for the call. Raises
    ValidationError when a device appears twice.
    """
    actor = actor or current_actor()
    device_ids = [draft.device_id for draft in drafts]
    if len(set(device_ids)) != len(device_ids):
        raise ValidationError("each device may appear only once in a bulk store; merge them")
    lock_devices(session, device_ids)
    newest = newest_by_device(session, device_ids, kind)

    results: list[tuple[dict[str, Any], bool]] = []
    new: list[tuple[ConfigDraft, int]] = []
    for draft in drafts:
        version, stored_hash, stored_id = newest.get(draft.device_id, (0, None, None))
        if stored_hash == draft.content_hash:
            results.append(({"id": stored_id, "version": version}, False))
            continue
        new.append((draft, version + 1))
        results.append(({"id": None, "version": version + 1}, True))
    if not new:
        return results

    highest = session.exec(select(func.max(DeviceConfiguration.id))).one() or 0
    _insert(session, new, kind, actor)
    ids = _new_ids(session, highest, kind, new)
    by_device = {draft.device_id: version for draft, version in new}
    for draft, (values, created) in zip(drafts, results, strict=True):
        if created:
            values["id"] = ids[(draft.device_id, by_device[draft.device_id])]
    _audit(session, new, kind, actor)
    return results


def _insert(
    session: Session, new: list[tuple[ConfigDraft, int]], kind: ConfigKind, actor: str
) -> None:
    connection = session.connection()
    dialect = connection.dialect
    table = DeviceConfiguration.__table__
    statement = table.insert().compile(dialect=dialect, column_keys=list(_COLUMNS))

    def converter(name: str) -> Any:
        column_type = table.c[name].type
        process = column_type.dialect_impl(dialect).bind_processor(dialect)
        return process or (lambda value: value)

    state = ConfigState.CAPTURED if kind in CAPTURED_KINDS else ConfigState.DRAFT
    constant = {
        "kind": converter("kind")(kind),
        "state": converter("state")(state),
        "created_by": actor,
        "created_at": converter("created_at")(utcnow()),
    }
    to_json = converter("variables")
    positional = statement.positiontup is not None
    pick = itemgetter(*statement.positiontup) if positional else dict
    # Shared objects (one template, one variables mapping for many devices) convert once.
    encoded: dict[int, Any] = {}
    templates: dict[int, dict[str, Any]] = {}
    parameters = []
    for draft, version in new:
        variables = draft.variables or {}
        if id(variables) not in encoded:
            encoded[id(variables)] = to_json(variables)
        if id(draft.template) not in templates:
            templates[id(draft.template)] = {**constant, **_template_values(draft.template)}
        row = templates[id(draft.template)].copy()
        row["device_id"] = draft.device_id
        row["version"] = version
        row["content"] = draft.content
        row["content_hash"] = draft.content_hash
        row["variables"] = encoded[id(variables)]
        parameters.append(pick(row))
    connection.exec_driver_sql(statement.string, parameters)


def _template_values(template: ConfigTemplate | None) -> dict[str, Any]:
    return {
        "template_id": template.id if template else None,
        "template_name": template.name if template else None,
        "template_version": template.version if template else None,
        "template_hash": template.content_hash if template else None,
    }


def _new_ids(
    session: Session, after: int, kind: ConfigKind, new: list[tuple[ConfigDraft, int]]
) -> dict[tuple[int, int], int]:
    # SQLite gives each inserted row the highest rowid plus one, and this session holds the
    # write lock since it began, so the rows just inserted are numbered after ``after`` in
    # insertion order. PostgreSQL sequences only grow: the new rows are among those above the
    # highest id seen before; rows of other devices committed meanwhile are dropped by the
    # caller's (device, version) lookup.
    if session.get_bind().dialect.name == "sqlite":
        return {
            (draft.device_id, version): after + offset
            for offset, (draft, version) in enumerate(new, start=1)
        }
    table = DeviceConfiguration
    rows = session.exec(
        select(table.id, table.device_id, table.version).where(table.id > after, table.kind == kind)
    )
    return {(device_id, version): row_id for row_id, device_id, version in rows}


def _audit(
    session: Session, new: list[tuple[ConfigDraft, int]], kind: ConfigKind, actor: str
) -> None:
    template = new[0][0].template
    label = f"{template.name} {template.version}" if template else kind.value
    AuditService.record(
        session,
        "device_configuration.store_many",
        "device_configuration",
        None,
        f"{label}: {len(new)} device{'' if len(new) == 1 else 's'}",
        actor=actor,
        changed_fields=["content"],
        details={
            "kind": kind.value,
            "template": template.name if template else None,
            "template_version": template.version if template else None,
            "count": len(new),
            "devices": [draft.device_name for draft, _stored in new],
        },
    )


def lock_devices(session: Session, device_ids: list[int]) -> None:
    """Row-lock the devices on PostgreSQL, so concurrent stores queue for version numbers.

    SQLite writers are already serialised (the write session begins IMMEDIATE).
    """
    if session.get_bind().dialect.name == "sqlite":
        return
    for start in range(0, len(device_ids), _CHUNK):
        chunk = device_ids[start : start + _CHUNK]
        session.exec(
            select(Device.id).where(Device.id.in_(chunk)).order_by(Device.id).with_for_update()
        ).all()


def newest_by_device(
    session: Session, device_ids: list[int], kind: ConfigKind
) -> dict[int, tuple[int, str, int]]:
    """Return device id -> (version, content hash, row id) of its newest ``kind`` row.

    Each device's newest row is found by one step down the unique (device, kind, version)
    index, so the lookup costs the same however many versions a device has kept.
    """
    newest: dict[int, tuple[int, str, int]] = {}
    table = DeviceConfiguration
    latest = (
        select(table.id)
        .where(table.device_id == Device.id, table.kind == kind)
        .order_by(table.version.desc())
        .limit(1)
        .scalar_subquery()
    )
    for start in range(0, len(device_ids), _CHUNK):
        chunk = device_ids[start : start + _CHUNK]
        rows = session.exec(
            select(table.device_id, table.version, table.content_hash, table.id).where(
                table.id.in_(select(latest).where(Device.id.in_(chunk)))
            )
        )
        for device_id, version, content_hash, row_id in rows:
            newest[device_id] = (version, content_hash, row_id)
    return newest
