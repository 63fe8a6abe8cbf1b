# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Devices, device groups, encrypted credentials, and the store's own facts."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ansible_collections.isp.network.plugins.module_utils.store.models.base import UTCDateTime

revision = "0002_devices"
down_revision = "0001_audit"


def upgrade() -> None:
    """Create the device registry's tables."""
    op.create_table(
        "device",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("hostname", sa.String(255), nullable=False),
        sa.Column("ip_address", sa.String(64), nullable=True),
        sa.Column("port", sa.Integer(), nullable=True),
        sa.Column("device_type", sa.String(32), nullable=False),
        sa.Column("platform", sa.String(64), nullable=True),
        sa.Column("vendor", sa.String(64), nullable=True),
        sa.Column("model", sa.String(128), nullable=True),
        sa.Column("serial", sa.String(128), nullable=True),
        sa.Column("site", sa.String(128), nullable=True),
        sa.Column("tenant", sa.String(128), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("software_version", sa.String(128), nullable=True),
        sa.Column("driver_options", sa.JSON(), nullable=False),
        sa.Column("variables", sa.JSON(), nullable=False),
        sa.Column("reachability", sa.String(32), nullable=False),
        sa.Column("last_seen", UTCDateTime(), nullable=True),
        sa.Column("last_checked", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_device_name", "device", ["name"], unique=True)
    for column in ("ip_address", "device_type", "platform", "serial", "site", "tenant", "status"):
        op.create_index(f"ix_device_{column}", "device", [column])

    op.create_table(
        "device_credential",
        sa.Column(
            "device_id",
            sa.Integer(),
            sa.ForeignKey("device.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("username", sa.String(255), nullable=True),
        sa.Column("password_token", sa.Text(), nullable=True),
        sa.Column("enable_secret_token", sa.Text(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )

    op.create_table(
        "device_group",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("description", sa.String(1024), nullable=True),
        sa.Column("variables", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_device_group_name", "device_group", ["name"], unique=True)

    op.create_table(
        "device_group_member",
        sa.Column(
            "group_id",
            sa.Integer(),
            sa.ForeignKey("device_group.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "device_id",
            sa.Integer(),
            sa.ForeignKey("device.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index("ix_device_group_member_device_id", "device_group_member", ["device_id"])

    op.create_table(
        "store_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    """Drop the device registry's tables."""
    for table in ("store_meta", "device_group_member", "device_group", "device_credential"):
        op.drop_table(table)
    op.drop_table("device")
