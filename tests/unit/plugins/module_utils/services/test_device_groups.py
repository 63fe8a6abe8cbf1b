"""Contract suite of DeviceGroupService: runs on SQLite and on PostgreSQL (store_url)."""

from __future__ import annotations

from ansible_collections.isp.network.plugins.module_utils.services.device_groups import (
    DeviceGroupService,
)
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope


def test_group_variables_of_every_group_or_of_the_names_given(store_url):
    with session_scope(store_url) as session:
        DeviceGroupService.ensure_group(session, "core", variables={"ntp": "192.0.2.123"})
        DeviceGroupService.ensure_group(session, "edge", variables={"mtu": 9000})
        DeviceGroupService.ensure_group(session, "empty")

    with session_scope(store_url, write=False) as session:
        assert DeviceGroupService.group_variables(session) == {
            "core": {"ntp": "192.0.2.123"},
            "edge": {"mtu": 9000},
            "empty": {},
        }
        wanted = ["edge", "nope", "core", "other", "empty"]
        assert DeviceGroupService.group_variables(session, wanted) == {
            "core": {"ntp": "192.0.2.123"},
            "edge": {"mtu": 9000},
            "empty": {},
        }
        assert DeviceGroupService.group_variables(session, []) == {}
