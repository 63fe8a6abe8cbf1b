# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Address pools, what is allocated from them, and the free space left in them.

How addresses are stored: every address is a *key*, the 128-bit integer of the address
written as 32 lower-case hexadecimal digits, zero-padded (``10.0.0.1`` is
``0000000000000000000000000a000001``). Fixed-width hex strings sort exactly as the integers
do, on SQLite and on PostgreSQL alike, so ``ORDER BY start_key`` and ``start_key <= :key``
are ordinary indexed string comparisons, and a 128-bit IPv6 address fits where a 64-bit
integer column could not. IPv4 and IPv6 share the key space; the pool's ``family`` tells
them apart, and an allocation only ever compares keys within its own pool.

Counters that may exceed 64 bits (the size of an IPv6 pool, the addresses a /48 holds) are
decimal strings, read and written as Python integers by the services while the pool is
locked. The free space of a pool is kept as a table of disjoint ranges (``IPFreeRange``),
updated in the same transaction as every allocation and release, so finding a free address
is one indexed query whatever the size or fill of the pool.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from ansible_collections.isp.network.plugins.module_utils.store.models.base import (
    UTCDateTime,
    enum_type,
    utcnow,
)

KEY_LENGTH = 32
COUNT_LENGTH = 40


class IPPoolType(StrEnum):
    """What a pool's addresses are for."""

    CUSTOMER = "customer"
    INFRASTRUCTURE = "infrastructure"
    MANAGEMENT = "management"
    LOOPBACK = "loopback"
    P2P = "p2p"
    CONTAINER = "container"


class AllocationStatus(StrEnum):
    """Whether an allocation is in use, or held back for a planned use."""

    ALLOCATED = "allocated"
    RESERVED = "reserved"


class IPPoolBase(SQLModel):
    """The fields a caller sets on a pool."""

    name: str = Field(max_length=255, unique=True, index=True)
    # The canonical CIDR, e.g. "10.0.0.0/24" or "2001:db8::/64".
    network: str = Field(max_length=64)
    vrf: str = Field(default="global", max_length=64)
    pool_type: IPPoolType = Field(default=IPPoolType.CUSTOMER, sa_type=enum_type(IPPoolType))
    gateway: str | None = Field(default=None, max_length=64)
    dns_servers: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    description: str | None = Field(default=None, max_length=1024)
    site: str | None = Field(default=None, max_length=128, index=True)
    tenant: str | None = Field(default=None, max_length=128, index=True)
    # Addresses or ranges never handed out, canonical: "10.0.0.5" or "10.0.0.10-10.0.0.20".
    reserved_ranges: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Utilisation (percent) above which usage reports the pool as above its threshold.
    warning_threshold: int = Field(default=80)


class IPPool(IPPoolBase, table=True):
    """A pool of addresses in one VRF; pools in the same VRF never overlap."""

    __tablename__ = "ip_pool"
    __table_args__ = (Index("ix_ip_pool_vrf_first_key", "vrf", "first_key"),)

    id: int | None = Field(default=None, primary_key=True)
    family: int = Field(default=4)
    first_key: str = Field(max_length=KEY_LENGTH)
    last_key: str = Field(max_length=KEY_LENGTH)
    # Exact counts of addresses, as decimal strings (they may pass 2**64 in IPv6).
    size_total: str = Field(default="0", max_length=COUNT_LENGTH)
    count_excluded: str = Field(default="0", max_length=COUNT_LENGTH)
    count_allocated: str = Field(default="0", max_length=COUNT_LENGTH)
    count_reserved: str = Field(default="0", max_length=COUNT_LENGTH)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class IPAllocation(SQLModel, table=True):
    """An address, or a child prefix, handed to one owner from one pool.

    A single address is a prefix of full length (/32, /128). ``slot`` numbers the
    allocations one owner holds in a pool at one prefix length (0, 1, ...): with the unique
    constraint on it, two racing requests for the same owner can never both insert.
    """

    __tablename__ = "ip_allocation"
    __table_args__ = (
        UniqueConstraint("pool_id", "start_key", name="uq_ip_allocation_pool_start"),
        UniqueConstraint(
            "pool_id",
            "assigned_to_type",
            "assigned_to_id",
            "prefix_length",
            "slot",
            name="uq_ip_allocation_owner_slot",
        ),
        Index("ix_ip_allocation_owner", "assigned_to_type", "assigned_to_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pool_id: int = Field(
        sa_column=Column(Integer, ForeignKey("ip_pool.id", ondelete="CASCADE"), nullable=False)
    )
    start_key: str = Field(max_length=KEY_LENGTH, index=True)
    end_key: str = Field(max_length=KEY_LENGTH)
    # The first address in text form, without prefix length ("10.0.0.5", "10.0.4.0").
    address: str = Field(max_length=64)
    prefix_length: int
    status: AllocationStatus = Field(
        default=AllocationStatus.ALLOCATED, sa_type=enum_type(AllocationStatus)
    )
    assigned_to_type: str = Field(max_length=64)
    assigned_to_id: str = Field(max_length=255)
    slot: int = Field(default=0)
    device_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("device.id", ondelete="SET NULL"), nullable=True, index=True
        ),
    )
    interface: str | None = Field(default=None, max_length=128)
    hostname: str | None = Field(default=None, max_length=255)
    description: str | None = Field(default=None, max_length=1024)
    allocated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class IPFreeRange(SQLModel, table=True):
    """One run of free addresses of a pool, ``start_key`` to ``end_key`` inclusive.

    The runs of a pool are disjoint and never adjacent (releases merge them). ``span_key``
    is ``end - start`` as a key, so that "a run holding at least N addresses" is indexed.
    """

    __tablename__ = "ip_free_range"
    __table_args__ = (UniqueConstraint("pool_id", "start_key", name="uq_ip_free_range_pool_start"),)

    id: int | None = Field(default=None, primary_key=True)
    pool_id: int = Field(
        sa_column=Column(Integer, ForeignKey("ip_pool.id", ondelete="CASCADE"), nullable=False)
    )
    start_key: str = Field(max_length=KEY_LENGTH)
    end_key: str = Field(max_length=KEY_LENGTH)
    span_key: str = Field(max_length=KEY_LENGTH)
