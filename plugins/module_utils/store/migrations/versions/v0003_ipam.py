# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Address management: pools, allocations and the free ranges of each pool."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ansible_collections.isp.network.plugins.module_utils.store.models.base import UTCDateTime

revision = "0003_ipam"
down_revision = "0002_devices"


def _pool_reference() -> sa.Column:
    return sa.Column(
        "pool_id", sa.Integer(), sa.ForeignKey("ip_pool.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    """Create the ip_pool, ip_allocation and ip_free_range tables."""
    op.create_table(
        "ip_pool",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("network", sa.String(64), nullable=False),
        sa.Column("vrf", sa.String(64), nullable=False),
        sa.Column("pool_type", sa.String(32), nullable=False),
        sa.Column("gateway", sa.String(64), nullable=True),
        sa.Column("dns_servers", sa.JSON(), nullable=False),
        sa.Column("description", sa.String(1024), nullable=True),
        sa.Column("site", sa.String(128), nullable=True),
        sa.Column("tenant", sa.String(128), nullable=True),
        sa.Column("reserved_ranges", sa.JSON(), nullable=False),
        sa.Column("warning_threshold", sa.Integer(), nullable=False),
        sa.Column("family", sa.Integer(), nullable=False),
        sa.Column("first_key", sa.String(32), nullable=False),
        sa.Column("last_key", sa.String(32), nullable=False),
        sa.Column("size_total", sa.String(40), nullable=False),
        sa.Column("count_excluded", sa.String(40), nullable=False),
        sa.Column("count_allocated", sa.String(40), nullable=False),
        sa.Column("count_reserved", sa.String(40), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_ip_pool_name", "ip_pool", ["name"], unique=True)
    op.create_index("ix_ip_pool_site", "ip_pool", ["site"])
    op.create_index("ix_ip_pool_tenant", "ip_pool", ["tenant"])
    op.create_index("ix_ip_pool_vrf_first_key", "ip_pool", ["vrf", "first_key"])

    op.create_table(
        "ip_allocation",
        sa.Column("id", sa.Integer(), primary_key=True),
        _pool_reference(),
        sa.Column("start_key", sa.String(32), nullable=False),
        sa.Column("end_key", sa.String(32), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("prefix_length", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("assigned_to_type", sa.String(64), nullable=False),
        sa.Column("assigned_to_id", sa.String(255), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column(
            "device_id",
            sa.Integer(),
            sa.ForeignKey("device.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("interface", sa.String(128), nullable=True),
        sa.Column("hostname", sa.String(255), nullable=True),
        sa.Column("description", sa.String(1024), nullable=True),
        sa.Column("allocated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("pool_id", "start_key", name="uq_ip_allocation_pool_start"),
        sa.UniqueConstraint(
            "pool_id",
            "assigned_to_type",
            "assigned_to_id",
            "prefix_length",
            "slot",
            name="uq_ip_allocation_owner_slot",
        ),
    )
    op.create_index("ix_ip_allocation_start_key", "ip_allocation", ["start_key"])
    op.create_index("ix_ip_allocation_device_id", "ip_allocation", ["device_id"])
    op.create_index(
        "ix_ip_allocation_owner", "ip_allocation", ["assigned_to_type", "assigned_to_id"]
    )

    op.create_table(
        "ip_free_range",
        sa.Column("id", sa.Integer(), primary_key=True),
        _pool_reference(),
        sa.Column("start_key", sa.String(32), nullable=False),
        sa.Column("end_key", sa.String(32), nullable=False),
        sa.Column("span_key", sa.String(32), nullable=False),
        sa.UniqueConstraint("pool_id", "start_key", name="uq_ip_free_range_pool_start"),
    )


def downgrade() -> None:
    """Drop the address management tables."""
    for table in ("ip_free_range", "ip_allocation", "ip_pool"):
        op.drop_table(table)
