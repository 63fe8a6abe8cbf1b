# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every table of the store; importing this package registers them all on SQLModel.metadata."""

from __future__ import annotations

from ansible_collections.isp.network.plugins.module_utils.store.models.audit import AuditEvent
from ansible_collections.isp.network.plugins.module_utils.store.models.config import (
    ConfigKind,
    ConfigState,
    ConfigTemplate,
    DeviceConfiguration,
)
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
from ansible_collections.isp.network.plugins.module_utils.store.models.firmware import (
    FirmwareImage,
    FirmwareUpdate,
    UpdateState,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.ipam import (
    AllocationStatus,
    IPAllocation,
    IPFreeRange,
    IPPool,
    IPPoolType,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.topology import (
    AliasKind,
    LinkStatus,
    RunStatus,
    TopologyAlias,
    TopologyInterface,
    TopologyLink,
    TopologyRun,
    UnknownNeighbor,
)

__all__ = [
    "AliasKind",
    "AllocationStatus",
    "AuditEvent",
    "ConfigKind",
    "ConfigState",
    "ConfigTemplate",
    "Device",
    "DeviceConfiguration",
    "DeviceCredential",
    "DeviceGroup",
    "DeviceGroupMember",
    "DeviceStatus",
    "DeviceType",
    "FirmwareImage",
    "FirmwareUpdate",
    "IPAllocation",
    "IPFreeRange",
    "IPPool",
    "IPPoolType",
    "LinkStatus",
    "Reachability",
    "RunStatus",
    "StoreMeta",
    "TopologyAlias",
    "TopologyInterface",
    "TopologyLink",
    "TopologyRun",
    "UnknownNeighbor",
    "UpdateState",
]
