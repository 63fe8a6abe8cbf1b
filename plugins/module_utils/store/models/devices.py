# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Devices, their groups and their encrypted credentials."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, Text
from sqlmodel import Field, SQLModel

from ansible_collections.isp.network.plugins.module_utils.store.models.base import (
    UTCDateTime,
    enum_type,
    utcnow,
)


class DeviceType(StrEnum):
    """What a device is, as the network team classifies it."""

    ROUTER = "router"
    SWITCH = "switch"
    FIREWALL = "firewall"
    OLT = "olt"
    ACCESS_POINT = "access_point"
    CPE = "cpe"
    SERVER = "server"
    OTHER = "other"


class DeviceStatus(StrEnum):
    """Where a device is in its life: set by people and workflows, not by probes."""

    PLANNED = "planned"
    STAGED = "staged"
    ACTIVE = "active"
    MAINTENANCE = "maintenance"
    OFFLINE = "offline"
    DISCOVERED = "discovered"
    DECOMMISSIONED = "decommissioned"


class Reachability(StrEnum):
    """What the last probe of a device found."""

    UNKNOWN = "unknown"
    REACHABLE = "reachable"
    UNREACHABLE = "unreachable"
    LOGIN_FAILED = "login_failed"


class DeviceBase(SQLModel):
    """The fields a caller sets on a device."""

    name: str = Field(max_length=255, unique=True, index=True)
    # What to connect to: a DNS name or an address (NAPALM's "hostname").
    hostname: str = Field(max_length=255)
    # The management address the network knows the device by (IPAM, LLDP identity).
    ip_address: str | None = Field(default=None, max_length=64, index=True)
    port: int | None = Field(default=None)
    device_type: DeviceType = Field(
        default=DeviceType.OTHER, sa_type=enum_type(DeviceType), index=True
    )
    # A NAPALM driver name: ios, eos, junos, nxos_ssh, ...
    platform: str | None = Field(default=None, max_length=64, index=True)
    vendor: str | None = Field(default=None, max_length=64)
    model: str | None = Field(default=None, max_length=128)
    serial: str | None = Field(default=None, max_length=128, index=True)
    site: str | None = Field(default=None, max_length=128, index=True)
    tenant: str | None = Field(default=None, max_length=128, index=True)
    status: DeviceStatus = Field(
        default=DeviceStatus.ACTIVE, sa_type=enum_type(DeviceStatus), index=True
    )
    software_version: str | None = Field(default=None, max_length=128)
    driver_options: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    variables: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Device(DeviceBase, table=True):
    """A managed device. Its secrets live in DeviceCredential, never on this row."""

    __tablename__ = "device"

    id: int | None = Field(default=None, primary_key=True)
    reachability: Reachability = Field(
        default=Reachability.UNKNOWN, sa_type=enum_type(Reachability)
    )
    last_seen: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_checked: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DeviceCredential(SQLModel, table=True):
    """A device's login, encrypted with the store's secret key (Fernet tokens)."""

    __tablename__ = "device_credential"

    device_id: int = Field(
        sa_column=Column(Integer, ForeignKey("device.id", ondelete="CASCADE"), primary_key=True)
    )
    username: str | None = Field(default=None, max_length=255)
    password_token: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    enable_secret_token: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DeviceGroup(SQLModel, table=True):
    """A named set of devices with variables that the inventory gives to its members."""

    __tablename__ = "device_group"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=255, unique=True, index=True)
    description: str | None = Field(default=None, max_length=1024)
    variables: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DeviceGroupMember(SQLModel, table=True):
    """A device's membership of a group (a device is in many groups)."""

    __tablename__ = "device_group_member"

    group_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("device_group.id", ondelete="CASCADE"), primary_key=True
        )
    )
    device_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("device.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )


class StoreMeta(SQLModel, table=True):
    """Small facts about the store itself, such as the check value of its secret key."""

    __tablename__ = "store_meta"

    key: str = Field(max_length=64, primary_key=True)
    value: str = Field(sa_column=Column(Text, nullable=False))
