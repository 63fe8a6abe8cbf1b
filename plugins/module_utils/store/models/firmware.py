# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Firmware images and the updates that install them, each a resumable state machine.

An update's ``state`` is the last step it finished (see ``UpdateState``); ``steps`` holds one
record per step run (started, finished, outcome, details), so a run that died resumes at the
step after ``state``. ``locked_by`` / ``locked_until`` are the lease that keeps two runners
off the same update.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Index, Integer, Text
from sqlmodel import Field, SQLModel

from ansible_collections.isp.network.plugins.module_utils.store.models.base import (
    UTCDateTime,
    enum_type,
    utcnow,
)


class UpdateState(StrEnum):
    """Where an update is: the last step it finished, or how it ended."""

    SCHEDULED = "scheduled"
    RUNNING = "running"
    PRECHECKED = "prechecked"
    BACKED_UP = "backed_up"
    STAGED = "staged"
    ACTIVATED = "activated"
    VERIFIED = "verified"
    COMPLETED = "completed"
    ROLLING_BACK = "rolling_back"
    FAILED = "failed"
    ROLLED_BACK = "rolled_back"
    CANCELLED = "cancelled"


class FirmwareImageBase(SQLModel):
    """The fields a caller gives when registering an image."""

    version: str = Field(max_length=64, index=True)
    device_type: str = Field(max_length=32)
    manufacturer: str = Field(max_length=64)
    # The models the image fits; an empty list fits every model of the device type.
    models: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    release_notes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class FirmwareImage(FirmwareImageBase, table=True):
    """An image file in the firmware folder, kept once per content (sha256)."""

    __tablename__ = "firmware_image"

    id: int | None = Field(default=None, primary_key=True)
    # The file name the image gets on the device's flash (the uploaded file's name).
    filename: str = Field(max_length=255)
    # Relative to the firmware folder: <sha256>/<filename>.
    storage_path: str = Field(max_length=1024)
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    md5: str = Field(max_length=32)
    sha256: str = Field(max_length=64, unique=True, index=True)
    created_by: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FirmwareUpdate(SQLModel, table=True):
    """One device's upgrade to one image: scheduled, run step by step, and how it ended."""

    __tablename__ = "firmware_update"
    __table_args__ = (Index("ix_firmware_update_due", "state", "scheduled_at"),)

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("device.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    image_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("firmware_image.id", ondelete="SET NULL"), nullable=True
        ),
    )
    state: UpdateState = Field(default=UpdateState.SCHEDULED, sa_type=enum_type(UpdateState))
    # The step running or last run: precheck, backup, stage, activate, verify, rollback.
    current_step: str | None = Field(default=None, max_length=32)
    scheduled_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # End of the maintenance window; the update is not started after it.
    window_end: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = Field(default=0)
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Copied from the image, so the history survives the image's removal.
    target_version: str = Field(max_length=64)
    target_image: str = Field(max_length=255)
    target_md5: str = Field(max_length=32)
    target_size: int = Field(sa_column=Column(BigInteger, nullable=False))
    previous_version: str | None = Field(default=None, max_length=128)
    previous_image: str | None = Field(default=None, max_length=255)
    backup_config_id: int | None = Field(default=None)
    steps: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    locked_by: str | None = Field(default=None, max_length=255)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
