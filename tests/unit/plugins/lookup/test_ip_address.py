"""The isp.network.ip_address lookup: read-only, unsafe-marked, one sentence on a miss."""

from __future__ import annotations

import pytest
import yaml
from ansible import constants
from ansible.errors import AnsibleLookupError
from ansible.template import is_trusted_as_template

from ansible_collections.isp.network.plugins.lookup import ip_address as plugin
from tests.module_runner import run_module

NAME = "isp.network.ip_address"


def _load():
    """Return the lookup with its documented options registered, as the plugin loader does."""
    options = yaml.safe_load(plugin.DOCUMENTATION)["options"]
    constants.config.initialize_plugin_configuration_definitions("lookup", NAME, options)
    lookup = plugin.LookupModule()
    lookup._load_name = NAME
    return lookup


@pytest.fixture
def lookup(tmp_path, monkeypatch):
    """The lookup, on a store where customer 123 holds two addresses in cust-a."""
    url = f"sqlite:///{tmp_path / 'lookup.db'}"
    monkeypatch.setenv("ISP_NETWORK_STORE_URL", url)
    run_module("ip_pool", {"name": "cust-a", "network": "10.0.0.0/24", "gateway": "10.0.0.1"})
    run_module(
        "ip_address",
        {"pool": "cust-a", "assigned_to_type": "customer", "assigned_to_id": "123", "count": 2},
    )
    return _load()


def test_returns_the_owners_addresses_marked_unsafe(lookup):
    values = lookup.run(["cust-a"], {}, owner_type="customer", owner_id="123")

    assert values == ["10.0.0.2", "10.0.0.3"]
    # Since ansible-core 2.19 a value is unsafe unless trusted: never trusted as a template.
    assert not any(is_trusted_as_template(value) for value in values)


def test_cidr_and_dict_forms(lookup):
    cidrs = lookup.run(["cust-a"], {}, owner_type="customer", owner_id="123", form="cidr")
    dicts = lookup.run(["cust-a"], {}, owner_type="customer", owner_id="123", form="dict")

    assert cidrs == ["10.0.0.2/24", "10.0.0.3/24"]
    assert dicts[0]["gateway"] == "10.0.0.1"


def test_an_owner_holding_nothing(lookup):
    with pytest.raises(AnsibleLookupError) as caught:
        lookup.run(["cust-a"], {}, owner_type="customer", owner_id="9")

    assert str(caught.value) == (
        "customer 9 holds no address in pool 'cust-a'; allocate one with isp.network.ip_address "
        "first, or set missing=skip"
    )
    assert lookup.run(["cust-a"], {}, owner_type="customer", owner_id="9", missing="skip") == []


def test_an_unknown_pool(lookup):
    with pytest.raises(AnsibleLookupError, match="pool 'nope' is not in the store"):
        lookup.run(["nope"], {}, owner_type="customer", owner_id="123")


def test_a_tenant_scope_sees_only_that_tenants_pools(lookup, monkeypatch):
    run_module("ip_pool", {"name": "cust-b", "network": "10.0.1.0/24", "tenant": "b"})
    run_module(
        "ip_address", {"pool": "cust-b", "assigned_to_type": "customer", "assigned_to_id": "123"}
    )
    monkeypatch.setenv("ISP_NETWORK_TENANT", "b")

    values = lookup.run(["cust-b"], {}, owner_type="customer", owner_id="123")
    with pytest.raises(AnsibleLookupError) as caught:
        lookup.run(["cust-a"], {}, owner_type="customer", owner_id="123")

    assert values == ["10.0.1.1"]
    # cust-a has no tenant: outside every scope, reported as a pool that does not exist.
    assert str(caught.value) == (
        "pool 'cust-a' is not in the store; create it with isp.network.ip_pool first"
    )
