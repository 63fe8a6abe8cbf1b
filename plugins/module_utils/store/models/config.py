# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Configuration templates and the configurations stored per device."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ansible_collections.isp.network.plugins.module_utils.store.models.base import (
    UTCDateTime,
    enum_type,
    utcnow,
)


class ConfigKind(StrEnum):
    """Where a stored configuration came from."""

    # Rendered from a template: what the device should run.
    INTENDED = "intended"
    # Captured from the device before a change, to roll back to.
    BACKUP = "backup"
    # What was pushed to the device by an apply.
    APPLIED = "applied"
    # Captured from the device to check compliance.
    RUNNING = "running"
    # Captured from the device's startup configuration: what it boots with.
    STARTUP = "startup"


# Kinds read from a device, never applied as such.
CAPTURED_KINDS = frozenset({ConfigKind.BACKUP, ConfigKind.RUNNING, ConfigKind.STARTUP})


class ConfigState(StrEnum):
    """Where a configuration is in the apply state machine."""

    DRAFT = "draft"
    APPLIED = "applied"
    FAILED = "failed"
    ROLLED_BACK = "rolled_back"
    # An applied row written just before the commit on the device; ``record`` replaces it
    # with the outcome. Left over, it means the applying process stopped in between.
    IN_PROGRESS = "in_progress"
    # Backups and running configs were read from a device; they are never applied as such.
    CAPTURED = "captured"


class ConfigTemplate(SQLModel, table=True):
    """One version of a Jinja2 template; a new version is a new row, old ones stay."""

    __tablename__ = "config_template"
    __table_args__ = (UniqueConstraint("name", "version", name="uq_config_template_version"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=255, index=True)
    # MAJOR.MINOR.PATCH; "latest" is resolved by semantic ordering, not by this string.
    version: str = Field(max_length=32)
    device_type: str | None = Field(default=None, max_length=32)
    # A NAPALM driver name: ios, eos, junos, ...
    platform: str | None = Field(default=None, max_length=64)
    description: str | None = Field(default=None, max_length=1024)
    content: str = Field(sa_column=Column(Text, nullable=False))
    content_hash: str = Field(max_length=64)
    # Variable name -> normalised spec: {"type": ..., "required": ..., "default": ...}.
    variables: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Where the content was read from, when it came from a file (relative to its git checkout).
    source_path: str | None = Field(default=None, max_length=1024)
    # The git commit of that checkout, suffixed "-dirty" when the file differed from it.
    source_commit: str | None = Field(default=None, max_length=64)
    created_by: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DeviceConfiguration(SQLModel, table=True):
    """A configuration generated for, captured from, or applied to one device."""

    __tablename__ = "device_configuration"
    # The unique index serves every lookup by device, and each device's newest of a kind.
    __table_args__ = (
        UniqueConstraint("device_id", "kind", "version", name="uq_device_configuration_version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(
        sa_column=Column(Integer, ForeignKey("device.id", ondelete="CASCADE"), nullable=False)
    )
    kind: ConfigKind = Field(default=ConfigKind.INTENDED, sa_type=enum_type(ConfigKind))
    # Counts up per device and kind: intended 1, 2, 3 ... and backup 1, 2 ... independently.
    version: int
    state: ConfigState = Field(default=ConfigState.DRAFT, sa_type=enum_type(ConfigState))
    content: str = Field(sa_column=Column(Text, nullable=False))
    # sha256 of the content: identical configurations are stored once.
    content_hash: str = Field(max_length=64)
    template_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("config_template.id", ondelete="SET NULL"), nullable=True
        ),
    )
    # Copied from the template, so the provenance survives the template's removal.
    template_name: str | None = Field(default=None, max_length=255)
    template_version: str | None = Field(default=None, max_length=32)
    template_hash: str | None = Field(default=None, max_length=64)
    variables: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_by: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    applied_by: str | None = Field(default=None, max_length=255)
    applied_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The diff that was committed on the device by an apply.
    diff: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
