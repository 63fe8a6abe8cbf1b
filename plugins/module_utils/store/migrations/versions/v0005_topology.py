# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The discovered topology: aliases, runs, links, interfaces and unknown neighbours."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ansible_collections.isp.network.plugins.module_utils.store.models.base import UTCDateTime

revision = "0005_topology"
down_revision = "0004_config"


def _device_id(name: str = "device_id") -> sa.Column:
    return sa.Column(
        name, sa.Integer(), sa.ForeignKey("device.id", ondelete="CASCADE"), nullable=False
    )


def _run_id() -> sa.Column:
    return sa.Column(
        "last_run_id",
        sa.Integer(),
        sa.ForeignKey("topology_run.id", ondelete="SET NULL"),
        nullable=True,
    )


def _seen() -> list[sa.Column]:
    return [
        sa.Column("first_seen", UTCDateTime(), nullable=False),
        sa.Column("last_seen", UTCDateTime(), nullable=False),
    ]


def upgrade() -> None:
    """Create the topology tables."""
    op.create_table(
        "topology_alias",
        sa.Column("id", sa.Integer(), primary_key=True),
        _device_id(),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("value", sa.String(255), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        *_seen(),
        sa.UniqueConstraint("kind", "value", name="uq_topology_alias"),
    )
    op.create_index("ix_topology_alias_device_id", "topology_alias", ["device_id"])

    op.create_table(
        "topology_run",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("roots", sa.JSON(), nullable=False),
        sa.Column("max_depth", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("actor", sa.String(255), nullable=True),
        sa.Column("devices_read", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("ambiguous", sa.JSON(), nullable=False),
    )

    op.create_table(
        "topology_link",
        sa.Column("id", sa.Integer(), primary_key=True),
        _device_id("a_device_id"),
        sa.Column("a_interface", sa.String(128), nullable=False),
        _device_id("b_device_id"),
        sa.Column("b_interface", sa.String(128), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("seen_by_a", sa.Boolean(), nullable=False),
        sa.Column("seen_by_b", sa.Boolean(), nullable=False),
        *(
            sa.Column(f"{end}_{field}", kind, nullable=True)
            for end in ("a", "b")
            for field, kind in (
                ("speed", sa.Integer()),
                ("duplex", sa.String(16)),
                ("mtu", sa.Integer()),
            )
        ),
        sa.Column("note", sa.String(1024), nullable=True),
        *_seen(),
        _run_id(),
        sa.UniqueConstraint(
            "a_device_id", "a_interface", "b_device_id", "b_interface", name="uq_topology_link"
        ),
    )
    op.create_index("ix_topology_link_a_device_id", "topology_link", ["a_device_id"])
    op.create_index("ix_topology_link_b_device_id", "topology_link", ["b_device_id"])

    op.create_table(
        "topology_interface",
        sa.Column("id", sa.Integer(), primary_key=True),
        _device_id(),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("description", sa.String(255), nullable=True),
        sa.Column("is_up", sa.Boolean(), nullable=True),
        sa.Column("speed", sa.Integer(), nullable=True),
        sa.Column("duplex", sa.String(16), nullable=True),
        sa.Column("mtu", sa.Integer(), nullable=True),
        sa.Column("rx_octets", sa.BigInteger(), nullable=True),
        sa.Column("tx_octets", sa.BigInteger(), nullable=True),
        sa.Column("counters_at", UTCDateTime(), nullable=True),
        sa.Column("prev_rx_octets", sa.BigInteger(), nullable=True),
        sa.Column("prev_tx_octets", sa.BigInteger(), nullable=True),
        sa.Column("prev_counters_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("device_id", "name", name="uq_topology_interface"),
    )
    op.create_index("ix_topology_interface_device_id", "topology_interface", ["device_id"])

    op.create_table(
        "topology_unknown_neighbor",
        sa.Column("id", sa.Integer(), primary_key=True),
        _device_id(),
        sa.Column("interface", sa.String(128), nullable=False),
        sa.Column("system_name", sa.String(255), nullable=False),
        sa.Column("chassis_id", sa.String(64), nullable=True),
        sa.Column("port", sa.String(128), nullable=True),
        sa.Column("port_description", sa.String(255), nullable=True),
        sa.Column("mgmt_address", sa.String(64), nullable=True),
        sa.Column("capabilities", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        *_seen(),
        _run_id(),
        sa.UniqueConstraint(
            "device_id", "interface", "system_name", name="uq_topology_unknown_neighbor"
        ),
    )
    op.create_index(
        "ix_topology_unknown_neighbor_device_id", "topology_unknown_neighbor", ["device_id"]
    )


def downgrade() -> None:
    """Drop the topology tables."""
    for table in (
        "topology_unknown_neighbor",
        "topology_interface",
        "topology_link",
        "topology_run",
        "topology_alias",
    ):
        op.drop_table(table)
