# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The migration chain, oldest first. Add a new file at the end; never edit a released one."""

from __future__ import annotations

from ansible_collections.isp.network.plugins.module_utils.store.migrations.versions import (
    v0001_audit,
    v0002_devices,
    v0003_ipam,
    v0004_config,
    v0005_topology,
    v0006_firmware,
    v0007_config_indexes,
)

CHAIN = (
    v0001_audit,
    v0002_devices,
    v0003_ipam,
    v0004_config,
    v0005_topology,
    v0006_firmware,
    v0007_config_indexes,
)
