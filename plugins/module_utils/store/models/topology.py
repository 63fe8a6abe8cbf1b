# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The discovered topology: identity aliases, links, interfaces, unknown neighbours, runs."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from ansible_collections.isp.network.plugins.module_utils.store.models.base import (
    UTCDateTime,
    enum_type,
    utcnow,
)


class AliasKind(StrEnum):
    """What an identity alias matches in an LLDP neighbour record."""

    CHASSIS_ID = "chassis_id"
    MGMT_ADDRESS = "mgmt_address"
    SYSTEM_NAME = "system_name"


class LinkStatus(StrEnum):
    """What the last discovery run found about a link."""

    # Both ends list each other on the recorded interfaces.
    CONFIRMED = "confirmed"
    # Only one end lists the other (the other end sends no LLDP, or was not read).
    ONE_SIDED = "one_sided"
    # The ends disagree: one end names a port the other end does not report back.
    CONFLICTING = "conflicting"
    # Seen by an earlier run, not by the last run that read either end.
    STALE = "stale"


class RunStatus(StrEnum):
    """Where a discovery run is."""

    RUNNING = "running"
    COMPLETED = "completed"
    # The run finished but some devices could not be read (listed in its errors).
    PARTIAL = "partial"


def _device_fk(ondelete: str = "CASCADE", nullable: bool = False) -> Column:
    return Column(
        Integer, ForeignKey("device.id", ondelete=ondelete), nullable=nullable, index=True
    )


class TopologyAlias(SQLModel, table=True):
    """Another identity of a device (a chassis id, an address, a name) learned or derived.

    ``value`` is normalised (see ``topology.identity``); one (kind, value) names one device.
    """

    __tablename__ = "topology_alias"
    __table_args__ = (UniqueConstraint("kind", "value", name="uq_topology_alias"),)

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(sa_column=_device_fk())
    kind: AliasKind = Field(sa_type=enum_type(AliasKind))
    value: str = Field(max_length=255)
    # "registry" (derived from the device record) or "lldp" (learned by discovery).
    source: str = Field(default="lldp", max_length=32)
    first_seen: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TopologyRun(SQLModel, table=True):
    """One discovery run, with the link set it saw, so two runs can be compared."""

    __tablename__ = "topology_run"

    id: int | None = Field(default=None, primary_key=True)
    status: RunStatus = Field(default=RunStatus.RUNNING, sa_type=enum_type(RunStatus))
    roots: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    max_depth: int = Field(default=0)
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    actor: str | None = Field(default=None, max_length=255)
    devices_read: int = Field(default=0)
    # Link keys "a:ifa|b:ifb" (device names, canonical order) seen by this run.
    snapshot: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # One entry per device that could not be read: {"device": name, "error": sentence}.
    errors: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    # Ambiguous identities met on the way: {"device", "interface", "name", "candidates"}.
    ambiguous: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )


class TopologyLink(SQLModel, table=True):
    """A link between two known devices, stored once: end A sorts before end B."""

    __tablename__ = "topology_link"
    __table_args__ = (
        UniqueConstraint(
            "a_device_id", "a_interface", "b_device_id", "b_interface", name="uq_topology_link"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    a_device_id: int = Field(sa_column=_device_fk())
    a_interface: str = Field(max_length=128)
    b_device_id: int = Field(sa_column=_device_fk())
    b_interface: str = Field(max_length=128)
    status: LinkStatus = Field(default=LinkStatus.CONFIRMED, sa_type=enum_type(LinkStatus))
    seen_by_a: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    seen_by_b: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    a_speed: int | None = Field(default=None)
    a_duplex: str | None = Field(default=None, max_length=16)
    a_mtu: int | None = Field(default=None)
    b_speed: int | None = Field(default=None)
    b_duplex: str | None = Field(default=None, max_length=16)
    b_mtu: int | None = Field(default=None)
    # Why a link is conflicting, in one sentence; empty otherwise.
    note: str | None = Field(default=None, max_length=1024)
    first_seen: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_run_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("topology_run.id", ondelete="SET NULL"), nullable=True
        ),
    )


class TopologyInterface(SQLModel, table=True):
    """An interface as the last two runs read it: settings and octet counters."""

    __tablename__ = "topology_interface"
    __table_args__ = (UniqueConstraint("device_id", "name", name="uq_topology_interface"),)

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(sa_column=_device_fk())
    name: str = Field(max_length=128)
    description: str | None = Field(default=None, max_length=255)
    is_up: bool | None = Field(default=None, sa_column=Column(Boolean, nullable=True))
    speed: int | None = Field(default=None)
    duplex: str | None = Field(default=None, max_length=16)
    mtu: int | None = Field(default=None)
    rx_octets: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    tx_octets: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    counters_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Octet counters exceed 2**31 on any busy port: 64-bit columns.
    prev_rx_octets: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    prev_tx_octets: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    prev_counters_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class UnknownNeighbor(SQLModel, table=True):
    """An LLDP neighbour that is not a known device (or is ambiguous), per local port."""

    __tablename__ = "topology_unknown_neighbor"
    __table_args__ = (
        UniqueConstraint(
            "device_id", "interface", "system_name", name="uq_topology_unknown_neighbor"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(sa_column=_device_fk())
    interface: str = Field(max_length=128)
    system_name: str = Field(default="", max_length=255)
    chassis_id: str | None = Field(default=None, max_length=64)
    port: str | None = Field(default=None, max_length=128)
    port_description: str | None = Field(default=None, max_length=255)
    mgmt_address: str | None = Field(default=None, max_length=64)
    capabilities: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # "unknown" (no device matches) or "ambiguous" (several do).
    reason: str = Field(default="unknown", max_length=16)
    first_seen: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_run_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("topology_run.id", ondelete="SET NULL"), nullable=True
        ),
    )
