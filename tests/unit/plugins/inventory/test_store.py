"""The isp.network.store inventory plugin, loaded and parsed the way ansible-inventory does."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
import yaml
from ansible.errors import AnsibleError, AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader
from ansible.template import Templar, is_trusted_as_template, trust_as_template
from cryptography.fernet import Fernet

from ansible_collections.isp.network.plugins.inventory.store import make_unsafe
from ansible_collections.isp.network.plugins.module_utils.inventory_hosts import HOST_FIELDS
from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
from ansible_collections.isp.network.plugins.module_utils.services.device_fields import (
    DEVICE_FIELDS,
)
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import (
    Device,
    DeviceCredential,
    DeviceGroup,
    DeviceGroupMember,
)

PLUGIN_DIR = Path(__file__).resolve().parents[4] / "plugins" / "inventory"

DEVICES = [
    {
        "name": "r1",
        "hostname": "r1.net.example",
        "ip_address": "192.0.2.1",
        "port": 2222,
        "device_type": "router",
        "platform": "ios",
        "vendor": "cisco",
        "model": "{{ 7 * 6 }}",
        "site": "ams-1",
        "tenant": "acme",
        "variables": {"bgp_asn": 65001, "ansible_connection": "ansible.netcommon.network_cli"},
        "groups": ["core"],
    },
    {
        "name": "r2",
        "hostname": "192.0.2.2",
        "device_type": "router",
        "platform": "junos",
        "vendor": "juniper",
        "site": "fra1",
        "tenant": "acme",
        "groups": ["core", "edge"],
    },
    {
        "name": "s1",
        "hostname": "s1.net.example",
        "device_type": "switch",
        "platform": "eos",
        "vendor": "arista",
        "site": "ams-1",
        "status": "planned",
        "groups": ["edge"],
    },
    {"name": "fw1", "hostname": "fw1.net.example", "device_type": "firewall", "site": "fra1"},
]
GROUPS = {
    "core": {"snmp_location": "core", "ntp_servers": ["192.0.2.123"]},
    "edge": {},
    "unused": {"never": "shown"},
}
PASSWORD = "s3cret-Passw0rd"
ENABLE = "en4ble-S3cret"


def fill_store(url: str, devices: list[dict], box: SecretBox | None = None) -> None:
    """Insert ``devices`` (with ``groups``) and GROUPS straight through the models."""
    with session_scope(url) as session:
        groups = {}
        for name, variables in GROUPS.items():
            group = DeviceGroup(name=name, variables=variables)
            session.add(group)
            groups[name] = group
        session.flush()
        for spec in devices:
            fields = {key: value for key, value in spec.items() if key != "groups"}
            device = Device(**fields)
            session.add(device)
            session.flush()
            for name in spec.get("groups", []):
                session.add(DeviceGroupMember(group_id=groups[name].id, device_id=device.id))
            if box is not None:
                session.add(
                    DeviceCredential(
                        device_id=device.id,
                        username="netops",
                        password_token=box.encrypt(PASSWORD),
                        enable_secret_token=box.encrypt(ENABLE),
                    )
                )
        if box is not None:
            box.check_store(session)


@pytest.fixture
def store(sqlite_url) -> str:
    """A store holding DEVICES and GROUPS, without credentials."""
    fill_store(sqlite_url, DEVICES)
    return sqlite_url


@pytest.fixture
def store_with_credentials(sqlite_url, secret_key) -> str:
    """A store holding DEVICES with credentials encrypted with ``secret_key``."""
    fill_store(sqlite_url, DEVICES, SecretBox(secret_key))
    return sqlite_url


@pytest.fixture
def load(tmp_path):
    """Return load(store_url, **options) -> InventoryData, parsed as ansible-inventory does."""

    def load(store_url: str, *, refresh: bool = False, name: str = "test", **options):
        path = tmp_path / f"{name}.store.yml"
        config = {"plugin": "isp.network.store", "store_url": store_url, **options}
        path.write_text(yaml.safe_dump(config))
        inventory_loader.add_directory(str(PLUGIN_DIR))
        plugin = inventory_loader.get("store")
        # Loaded by path here (the test session imports the collection as a package), so
        # give the plugin the name that the collection loader would give it.
        plugin._redirected_names = ["isp.network.store"]
        assert plugin.verify_file(str(path))
        inventory = InventoryData()
        plugin.parse(inventory, DataLoader(), str(path), cache=not refresh)
        with contextlib.suppress(AttributeError):  # as InventoryManager: no cache configured
            plugin.update_cache_if_changed()
        return inventory

    return load


def hostvars(inventory: InventoryData, host: str) -> dict:
    return inventory.get_host(host).get_vars()


def members(inventory: InventoryData, group: str) -> set[str]:
    return {host.name for host in inventory.groups[group].get_hosts()}


def parse_error(load, *args, **kwargs) -> str:
    with pytest.raises(AnsibleError) as caught:
        load(*args, **kwargs)
    message = str(caught.value.message)
    assert "\n" not in message and message.count(". ") == 0, message
    return message


# verify_file


@pytest.mark.parametrize(
    ("filename", "accepted"),
    [
        ("network.store.yml", True),
        ("network.store.yaml", True),
        ("network.yml", False),
        ("store.yml", False),
        ("network.store.json", False),
    ],
)
def test_verify_file_accepts_only_the_store_suffixes(tmp_path, filename, accepted):
    path = tmp_path / filename
    path.write_text("plugin: isp.network.store\n")
    inventory_loader.add_directory(str(PLUGIN_DIR))

    assert inventory_loader.get("store").verify_file(str(path)) is accepted


def test_verify_file_refuses_a_missing_file(tmp_path):
    inventory_loader.add_directory(str(PLUGIN_DIR))

    assert not inventory_loader.get("store").verify_file(str(tmp_path / "gone.store.yml"))


# hosts and their variables


def test_every_device_is_a_host_with_connection_and_prefixed_field_variables(store, load):
    inventory = load(store)

    assert set(inventory.hosts) == {"r1", "r2", "s1", "fw1"}
    r1 = hostvars(inventory, "r1")
    assert r1["ansible_host"] == "r1.net.example"
    assert r1["ansible_port"] == 2222
    assert r1["isp_name"] == "r1"
    assert r1["isp_ip_address"] == "192.0.2.1"
    assert r1["isp_device_type"] == "router"
    assert r1["isp_site"] == "ams-1"
    assert r1["isp_status"] == "active"
    assert r1["isp_reachability"] == "unknown"
    assert r1["isp_groups"] == ["core"]
    assert r1["isp_serial"] is None
    assert "ansible_port" not in hostvars(inventory, "r2")


def test_every_device_field_has_a_host_variable():
    # `variables` is spread into plain host variables instead of one isp_variables.
    expected = {"name", *DEVICE_FIELDS, "reachability", "last_seen", "groups"} - {"variables"}

    assert set(HOST_FIELDS) == expected


def test_device_variables_are_plain_host_variables_that_win(store, load):
    r1 = hostvars(load(store), "r1")

    assert r1["bgp_asn"] == 65001
    assert r1["ansible_connection"] == "ansible.netcommon.network_cli"
    assert "isp_variables" not in r1


def test_variable_prefix_changes_the_field_variable_names(store, load):
    r1 = hostvars(load(store, variable_prefix="dev_"), "r1")

    assert r1["dev_site"] == "ams-1"
    assert not [key for key in r1 if key.startswith("isp_")]


@pytest.mark.parametrize(
    ("platform", "network_os"),
    [
        ("ios", "cisco.ios.ios"),
        ("iosxr", "cisco.iosxr.iosxr"),
        ("nxos", "cisco.nxos.nxos"),
        ("nxos_ssh", "cisco.nxos.nxos"),
        ("eos", "arista.eos.eos"),
        ("junos", "junipernetworks.junos.junos"),
        ("vyos", None),
        (None, None),
    ],
)
def test_ansible_network_os_is_mapped_from_the_platform(sqlite_url, load, platform, network_os):
    fill_store(sqlite_url, [{"name": "d1", "hostname": "d1", "platform": platform}])

    assert hostvars(load(sqlite_url), "d1").get("ansible_network_os") == network_os


def test_network_os_option_extends_the_mapping(sqlite_url, load):
    fill_store(sqlite_url, [{"name": "d1", "hostname": "d1", "platform": "vyos"}])

    inventory = load(sqlite_url, network_os={"vyos": "vyos.vyos.vyos"})

    assert hostvars(inventory, "d1")["ansible_network_os"] == "vyos.vyos.vyos"


def test_store_values_are_never_templated(store, load):
    r1 = hostvars(load(store), "r1")
    templar = Templar(loader=DataLoader(), variables=r1)

    assert templar.template(trust_as_template("{{ isp_model }}")) == "{{ 7 * 6 }}"
    assert not is_trusted_as_template(r1["isp_model"])


def test_make_unsafe_removes_template_trust_at_any_depth():
    trusted = trust_as_template("{{ 1 + 1 }}")

    unsafe = make_unsafe({"a": [trusted], "b": {"c": trusted}, "d": 3})

    assert is_trusted_as_template(trusted)
    assert not is_trusted_as_template(unsafe["a"][0])
    assert not is_trusted_as_template(unsafe["b"]["c"])
    assert unsafe == {"a": ["{{ 1 + 1 }}"], "b": {"c": "{{ 1 + 1 }}"}, "d": 3}


# groups


def test_device_groups_become_groups_with_their_variables(store, load):
    inventory = load(store)

    assert members(inventory, "core") == {"r1", "r2"}
    assert members(inventory, "edge") == {"r2", "s1"}
    assert inventory.groups["core"].get_vars()["ntp_servers"] == ["192.0.2.123"]
    assert "unused" not in inventory.groups


def test_default_group_by_makes_field_groups_with_safe_names(store, load):
    inventory = load(store)

    assert members(inventory, "device_type_router") == {"r1", "r2"}
    assert members(inventory, "platform_eos") == {"s1"}
    assert members(inventory, "site_ams_1") == {"r1", "s1"}
    assert members(inventory, "tenant_acme") == {"r1", "r2"}
    assert members(inventory, "status_planned") == {"s1"}
    assert "vendor_cisco" not in inventory.groups
    assert [name for name in inventory.groups if name.startswith("tenant_")] == ["tenant_acme"]
    assert not [name for name in inventory.groups if name.endswith("_None")]


def test_group_by_and_group_prefix_choose_the_field_groups(store, load):
    inventory = load(store, group_by=["vendor"], group_prefix="isp_")

    assert members(inventory, "isp_vendor_juniper") == {"r2"}
    assert not [name for name in inventory.groups if name.startswith(("site_", "isp_site_"))]


def test_an_unknown_group_by_key_is_one_sentence(store, load):
    message = parse_error(load, store, group_by=["colour"])

    assert "colour" in message


# filters


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"r1", "r2", "s1", "fw1"}),
        ({"status": "active"}, {"r1", "r2", "fw1"}),
        ({"site": ["ams-1", "fra1"]}, {"r1", "r2", "s1", "fw1"}),
        ({"platform": ["ios", "eos"]}, {"r1", "s1"}),
        ({"site": "fra1", "device_type": "router"}, {"r2"}),
        ({"site": "ams-1", "device_type": ["router", "switch"], "status": "active"}, {"r1"}),
        ({"group": "edge"}, {"r2", "s1"}),
        ({"group": ["core", "edge"], "device_type": "switch"}, {"s1"}),
        ({"vendor": ["cisco", "arista"]}, {"r1", "s1"}),
        ({"vendor": "juniper", "site": "ams-1"}, set()),
        ({"name": ["fw1", "nope"]}, {"fw1"}),
        ({"tenant": "acme"}, {"r1", "r2"}),
    ],
)
def test_filters_any_of_a_list_and_all_of_the_keys(store, load, filters, expected):
    assert set(load(store, filters=filters).hosts) == expected


def test_filters_leave_out_groups_without_matching_members(store, load):
    inventory = load(store, filters={"device_type": "switch"})

    assert "core" not in inventory.groups
    assert members(inventory, "edge") == {"s1"}


@pytest.mark.parametrize(
    ("filters", "named"),
    [({"colour": "red"}, "colour"), ({"site": []}, "site"), ({"site": [3]}, "site")],
)
def test_a_bad_filter_is_one_sentence(store, load, filters, named):
    assert named in parse_error(load, store, filters=filters)


# credentials


def all_values(inventory: InventoryData) -> str:
    return repr([host.get_vars() for host in inventory.hosts.values()])


def test_credentials_are_left_out_unless_asked_for(store_with_credentials, load):
    inventory = load(store_with_credentials)

    assert PASSWORD not in all_values(inventory)
    assert ENABLE not in all_values(inventory)
    assert "ansible_user" not in hostvars(inventory, "r1")
    assert "ansible_password" not in hostvars(inventory, "r1")


def test_credentials_true_gives_the_decrypted_login(store_with_credentials, load):
    r1 = hostvars(load(store_with_credentials, credentials=True), "r1")

    assert r1["ansible_user"] == "netops"
    assert r1["ansible_password"] == PASSWORD
    assert r1["ansible_become_password"] == ENABLE


def test_credentials_take_the_key_from_the_secret_key_file_option(
    store_with_credentials, load, secret_key, tmp_path, monkeypatch
):
    key_file = tmp_path / "secret.key"
    key_file.write_text(secret_key)
    monkeypatch.delenv("ISP_NETWORK_SECRET_KEY")

    r1 = hostvars(
        load(store_with_credentials, credentials=True, secret_key_file=str(key_file)), "r1"
    )

    assert r1["ansible_password"] == PASSWORD


def test_credentials_without_a_key_is_one_sentence(store_with_credentials, load, monkeypatch):
    monkeypatch.delenv("ISP_NETWORK_SECRET_KEY")

    message = parse_error(load, store_with_credentials, credentials=True)

    assert "no secret key is set" in message


def test_credentials_with_the_wrong_key_is_one_sentence(store_with_credentials, load):
    other = Fernet.generate_key().decode()

    message = parse_error(load, store_with_credentials, credentials=True, secret_key=other)

    assert "does not match" in message
    assert other not in message


# constructed features


def test_compose_sets_variables_from_expressions_and_names(store, load):
    inventory = load(
        store,
        compose={
            "ansible_connection": "'ansible.netcommon.network_cli'",
            "mgmt_address": "isp_ip_address",
            "site_upper": "isp_site | upper",
        },
    )

    r2 = hostvars(inventory, "r2")
    assert r2["ansible_connection"] == "ansible.netcommon.network_cli"
    assert r2["site_upper"] == "FRA1"
    assert hostvars(inventory, "r1")["mgmt_address"] == "192.0.2.1"


def test_groups_and_keyed_groups_build_groups_from_host_variables(store, load):
    inventory = load(
        store,
        groups={"core_routers": "'core' in isp_groups and isp_device_type == 'router'"},
        keyed_groups=[
            {"key": "isp_vendor", "prefix": "vendor"},
            {"key": "isp_site | replace('-', '')", "prefix": "pop"},
        ],
    )

    assert members(inventory, "core_routers") == {"r1", "r2"}
    assert members(inventory, "vendor_arista") == {"s1"}
    assert members(inventory, "pop_ams1") == {"r1", "s1"}
    assert not [name for name in inventory.groups if name.startswith("vendor_None")]


def test_strict_turns_a_failing_expression_into_an_error(store, load):
    broken = {"keyed_groups": [{"key": "no_such_variable.attribute", "prefix": "x"}]}

    loose = load(store, **broken)
    with pytest.raises(AnsibleParserError) as caught:
        load(store, strict=True, **broken)

    assert not [name for name in loose.groups if name.startswith("x_")]
    assert "no_such_variable" in str(caught.value)


# cache


def test_a_cached_inventory_is_used_until_the_cache_is_refreshed(store, load, tmp_path):
    cache = {
        "cache": True,
        "cache_plugin": "jsonfile",
        "cache_connection": str(tmp_path / "cache"),
    }
    first = load(store, **cache)
    fill_more = {"name": "new1", "hostname": "new1.net.example"}
    with session_scope(store) as session:
        session.add(Device(**fill_more))

    cached = load(store, **cache)
    refreshed = load(store, refresh=True, **cache)

    assert "new1" not in first.hosts
    assert "new1" not in cached.hosts
    assert "new1" in refreshed.hosts


def test_credentials_never_reach_the_cache(store_with_credentials, load, tmp_path):
    cache_dir = tmp_path / "cache"
    cache = {
        "cache": True,
        "cache_plugin": "jsonfile",
        "cache_connection": str(cache_dir),
    }

    load(store_with_credentials, name="plain", **cache)
    inventory = load(store_with_credentials, name="login", credentials=True, **cache)

    written = "".join(path.read_text() for path in cache_dir.iterdir())
    assert "r1.net.example" in written
    assert hostvars(inventory, "r1")["ansible_password"] == PASSWORD
    assert PASSWORD not in written and ENABLE not in written


# tenant scope


def test_a_tenant_scope_reads_only_that_tenants_devices(store, load, monkeypatch, tmp_path):
    cache = {"cache": True, "cache_plugin": "jsonfile", "cache_connection": str(tmp_path / "c")}
    everything = load(store, **cache)
    scoped = load(store, store_tenant="acme", **cache)
    monkeypatch.setenv("ISP_NETWORK_TENANT", "nobody")
    from_environment = load(store, **cache)

    assert set(everything.hosts) == {"r1", "r2", "s1", "fw1"}
    # The scope is part of the cache key: a cached unscoped read is never served to it.
    assert set(scoped.hosts) == {"r1", "r2"}
    assert members(scoped, "edge") == {"r2"}
    assert set(from_environment.hosts) == set()


# errors


def test_a_store_url_that_is_no_database_url_is_one_sentence(load):
    message = parse_error(load, "mysql://admin:hunter2@db/isp")

    assert "unsupported backend" in message
    assert "hunter2" not in message


def test_a_missing_store_file_is_an_error_not_an_empty_inventory(load, tmp_path):
    message = parse_error(load, f"sqlite:///{tmp_path / 'typo.db'}")

    assert "does not exist" in message


def test_a_file_that_is_no_store_is_one_sentence(load, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)

    message = parse_error(load, f"sqlite:///{junk}")

    assert "could not be opened" in message
