# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writing and reading the audit trail."""

from __future__ import annotations

import functools
import getpass
import os
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, select

from ansible_collections.isp.network.plugins.module_utils.store.models.audit import AuditEvent
from ansible_collections.isp.network.plugins.module_utils.store.models.base import utcnow

ACTOR_ENV = "ISP_NETWORK_ACTOR"
# Built once: a Core insert whose VALUES come from the row's keys (hot paths write with it).
_INSERT = insert(AuditEvent.__table__)


def current_actor() -> str:
    """Return who is acting: ``ISP_NETWORK_ACTOR`` when set (AWX sets it), else the OS user."""
    return os.environ.get(ACTOR_ENV) or _os_user()


@functools.cache
def _os_user() -> str:
    # Looked up once per process: getpass reads the password database, and every audited
    # change asks.
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class AuditService:
    """The audit trail. Callers write events inside the transaction of the change."""

    @staticmethod
    def record(
        session: Session,
        action: str,
        object_type: str,
        object_id: Any = None,
        object_name: str | None = None,
        *,
        actor: str | None = None,
        changed_fields: Iterable[str] = (),
        details: dict[str, Any] | None = None,
    ) -> AuditEvent:
        """Add one audit event to ``session`` and return it (flushed with the change).

        ``changed_fields`` holds names only; ``details`` must never hold a secret.
        """
        event = AuditEvent(
            actor=actor or current_actor(),
            action=action,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            object_name=object_name,
            changed_fields=sorted(changed_fields),
            details=details or {},
        )
        session.add(event)
        return event

    @staticmethod
    def record_many(
        session: Session, events: Iterable[dict[str, Any]], *, actor: str | None = None
    ) -> int:
        """Add many events in one batched INSERT and return how many; for bulk changes.

        Each event is a dict of ``record``'s arguments: ``action``, ``object_type`` and
        optionally ``object_id``, ``object_name``, ``changed_fields`` and ``details``.
        """
        who = actor or current_actor()
        now = utcnow()
        rows = [
            _row(
                who,
                now,
                event["action"],
                event["object_type"],
                event.get("object_id"),
                event.get("object_name"),
                event.get("changed_fields", ()),
                event.get("details"),
            )
            for event in events
        ]
        if rows:
            session.execute(insert(AuditEvent), rows)
        return len(rows)

    @staticmethod
    def insert_row(
        session: Session,
        action: str,
        object_type: str,
        object_id: Any = None,
        object_name: str | None = None,
        *,
        actor: str | None = None,
        changed_fields: Iterable[str] = (),
        details: dict[str, Any] | None = None,
    ) -> None:
        """Write one event with a single Core INSERT, no ORM object; for hot paths.

        Takes ``record``'s arguments; the row is written at once, in the session's transaction.
        """
        row = _row(
            actor or current_actor(),
            utcnow(),
            action,
            object_type,
            object_id,
            object_name,
            changed_fields,
            details,
        )
        session.connection().execute(_INSERT, row)

    @staticmethod
    def list_events(
        session: Session,
        *,
        object_type: str | None = None,
        object_id: Any = None,
        object_name: str | None = None,
        actor: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = 1000,
    ) -> list[AuditEvent]:
        """Return the events that match every filter given, newest first."""
        query = select(AuditEvent)
        if object_type:
            query = query.where(AuditEvent.object_type == object_type)
        if object_id is not None:
            query = query.where(AuditEvent.object_id == str(object_id))
        if object_name:
            query = query.where(AuditEvent.object_name == object_name)
        if actor:
            query = query.where(AuditEvent.actor == actor)
        if action:
            query = query.where(AuditEvent.action == action)
        if since:
            query = query.where(AuditEvent.created_at >= since)
        if until:
            query = query.where(AuditEvent.created_at <= until)
        query = query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        if limit:
            query = query.limit(limit)
        return list(session.exec(query))


def _row(
    actor: str,
    now: datetime,
    action: str,
    object_type: str,
    object_id: Any,
    object_name: str | None,
    changed_fields: Iterable[str],
    details: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "created_at": now,
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "object_name": object_name,
        "changed_fields": sorted(changed_fields),
        "details": details or {},
    }
