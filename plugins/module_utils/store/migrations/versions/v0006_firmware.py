# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Firmware images and firmware updates."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ansible_collections.isp.network.plugins.module_utils.store.models.base import UTCDateTime

revision = "0006_firmware"
down_revision = "0005_topology"


def upgrade() -> None:
    """Create the firmware_image and firmware_update tables."""
    op.create_table(
        "firmware_image",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("device_type", sa.String(32), nullable=False),
        sa.Column("manufacturer", sa.String(64), nullable=False),
        sa.Column("models", sa.JSON(), nullable=False),
        sa.Column("release_notes", sa.Text(), nullable=True),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("storage_path", sa.String(1024), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("md5", sa.String(32), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(255), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_firmware_image_version", "firmware_image", ["version"])
    op.create_index("ix_firmware_image_sha256", "firmware_image", ["sha256"], unique=True)

    op.create_table(
        "firmware_update",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "device_id",
            sa.Integer(),
            sa.ForeignKey("device.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "image_id",
            sa.Integer(),
            sa.ForeignKey("firmware_image.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("current_step", sa.String(32), nullable=True),
        sa.Column("scheduled_at", UTCDateTime(), nullable=False),
        sa.Column("window_end", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("target_version", sa.String(64), nullable=False),
        sa.Column("target_image", sa.String(255), nullable=False),
        sa.Column("target_md5", sa.String(32), nullable=False),
        sa.Column("target_size", sa.BigInteger(), nullable=False),
        sa.Column("previous_version", sa.String(128), nullable=True),
        sa.Column("previous_image", sa.String(255), nullable=True),
        sa.Column("backup_config_id", sa.Integer(), nullable=True),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("locked_by", sa.String(255), nullable=True),
        sa.Column("locked_until", UTCDateTime(), nullable=True),
        sa.Column("created_by", sa.String(255), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_firmware_update_device_id", "firmware_update", ["device_id"])
    op.create_index("ix_firmware_update_due", "firmware_update", ["state", "scheduled_at"])


def downgrade() -> None:
    """Drop the firmware tables."""
    op.drop_table("firmware_update")
    op.drop_table("firmware_image")
