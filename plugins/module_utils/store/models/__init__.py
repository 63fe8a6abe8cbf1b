# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every table of the store; importing this package registers them all on SQLModel.metadata."""

from __future__ import annotations

from ansible_collections.isp.network.plugins.module_utils.store.models.audit import AuditEvent
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import (
    Device,
    DeviceCredential,
    DeviceGroup,
    DeviceGroupMember,
    DeviceStatus,
    DeviceType,
    Reachability,
    StoreMeta,
)

__all__ = [
    "AuditEvent",
    "Device",
    "DeviceCredential",
    "DeviceGroup",
    "DeviceGroupMember",
    "DeviceStatus",
    "DeviceType",
    "Reachability",
    "StoreMeta",
]
