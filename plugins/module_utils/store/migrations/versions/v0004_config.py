# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Configuration templates and stored device configurations."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ansible_collections.isp.network.plugins.module_utils.store.models.base import UTCDateTime

revision = "0004_config"
down_revision = "0003_ipam"


def upgrade() -> None:
    """Create the config_template and device_configuration tables."""
    op.create_table(
        "config_template",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("device_type", sa.String(32), nullable=True),
        sa.Column("platform", sa.String(64), nullable=True),
        sa.Column("description", sa.String(1024), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("variables", sa.JSON(), nullable=False),
        sa.Column("source_path", sa.String(1024), nullable=True),
        sa.Column("source_commit", sa.String(64), nullable=True),
        sa.Column("created_by", sa.String(255), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("name", "version", name="uq_config_template_version"),
    )
    op.create_index("ix_config_template_name", "config_template", ["name"])

    op.create_table(
        "device_configuration",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "device_id",
            sa.Integer(),
            sa.ForeignKey("device.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column(
            "template_id",
            sa.Integer(),
            sa.ForeignKey("config_template.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("template_name", sa.String(255), nullable=True),
        sa.Column("template_version", sa.String(32), nullable=True),
        sa.Column("template_hash", sa.String(64), nullable=True),
        sa.Column("variables", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(255), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("applied_by", sa.String(255), nullable=True),
        sa.Column("applied_at", UTCDateTime(), nullable=True),
        sa.Column("diff", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.UniqueConstraint("device_id", "kind", "version", name="uq_device_configuration_version"),
    )
    op.create_index("ix_device_configuration_device_id", "device_configuration", ["device_id"])
    op.create_index(
        "ix_device_configuration_hash",
        "device_configuration",
        ["device_id", "kind", "content_hash"],
    )


def downgrade() -> None:
    """Drop the configuration tables."""
    op.drop_table("device_configuration")
    op.drop_table("config_template")
