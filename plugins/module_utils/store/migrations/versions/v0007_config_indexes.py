# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Drop the two device_configuration indexes no query needs.

The unique (device_id, kind, version) index already serves every lookup by device (its
first column), finds each device's newest version of a kind, and backs the cascade from a
deleted device. No query looks configurations up by content hash: de-duplication compares
with the newest row. The two indexes only cost every stored configuration two more B-tree
writes, each dearer the more history the table keeps.
"""

from __future__ import annotations

from alembic import op

revision = "0007_config_indexes"
down_revision = "0006_firmware"


def upgrade() -> None:
    """Drop ix_device_configuration_device_id and ix_device_configuration_hash."""
    op.drop_index("ix_device_configuration_hash", table_name="device_configuration")
    op.drop_index("ix_device_configuration_device_id", table_name="device_configuration")


def downgrade() -> None:
    """Create the two indexes again."""
    op.create_index("ix_device_configuration_device_id", "device_configuration", ["device_id"])
    op.create_index(
        "ix_device_configuration_hash",
        "device_configuration",
        ["device_id", "kind", "content_hash"],
    )
