"""Devices that answer with hostile output, read through the collection's real paths.

One lab device reports a hostname full of template markers, control characters and ANSI
escapes (also as the LLDP name its neighbours see), one prints a malformed LLDP record,
and one floods its configuration and ``show version``. Nothing may crash, a marker read from
a device is never evaluated, nothing stored or exported holds a raw control character, and
the flood is refused with a sentence naming the device instead of being stored.
"""

from __future__ import annotations

import unicodedata

import pytest
from sqlmodel import select

from ansible_collections.isp.network.plugins.module_utils.drivers.napalm import open_device
from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox, generate_key
from ansible_collections.isp.network.plugins.module_utils.services.config_record import (
    ApplyOptions,
    ApplyRequest,
)
from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
    ConfigurationService as Config,
)
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.services.topology import (
    TopologyService,
)
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from ansible_collections.isp.network.plugins.module_utils.store.models.config import (
    ConfigKind,
    DeviceConfiguration,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.topology import (
    TopologyAlias,
    UnknownNeighbor,
)
from lab import start_lab
from tests.module_runner import run_module

pytestmark = pytest.mark.lab

HOSTILE = "acc3{{ 7*7 }}{% raw %}\x1b[31m\x07"
LIMIT = 1_000_000
# Text exports: the binary ones (svg, png) need Graphviz and carry no device text as such.
TEXT_FORMATS = ("json", "graphml", "gexf", "dot", "mermaid", "drawio", "csv", "html", "report")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A lab with the three hostile devices, and a store holding every lab device."""
    state = tmp_path_factory.mktemp("hostile-lab")
    lab = start_lab("isp-small", state, reload_seconds=0.3)
    key = generate_key()
    url = f"sqlite:///{state / 'store.db'}"
    inventory = lab.inventory()
    for entry in inventory:
        if entry["name"] == "acc2":
            entry["driver_options"] = {**entry["driver_options"], "max_output_bytes": LIMIT}
    with session_scope(url) as session:
        DeviceService.ensure_devices(session, inventory, SecretBox(key))
    lab.set_fault("acc3", "hostile_names", value=HOSTILE)
    lab.set_fault("agg1a", "garbled_lldp")
    lab.set_fault("acc2", "huge_output", value="2M")
    yield {"lab": lab, "url": url, "box": SecretBox(key), "key": key}
    lab.stop()


def _raw_controls(text: str) -> list[str]:
    """Return the control characters (C0, DEL, C1) of ``text`` other than line ends and tabs."""
    return [ch for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t"]


def test_discovery_keeps_going_and_stores_no_raw_device_text(world):
    with session_scope(world["url"]) as session:
        roots = [device.id for device in DeviceService.list_devices(session)]
        result = TopologyService.discover_topology(session, roots, 1, box=world["box"])

    errors = {entry["device"]: entry for entry in result["run"]["errors"]}
    assert list(errors) == ["agg1a"]
    message = str(errors["agg1a"])
    assert "device 'agg1a' answered but could not be read" in message
    assert "Traceback" not in message
    assert result["run"]["devices_read"] >= 10
    with session_scope(world["url"]) as session:
        aliases = [row.value for row in session.exec(select(TopologyAlias))]
        unknown = [str(row.model_dump()) for row in session.exec(select(UnknownNeighbor))]
        links = TopologyService.list_links(session)
        exports = {f: TopologyService.export_topology(session, f) for f in TEXT_FORMATS}
    assert {"acc3", "acc2"} <= {name for link in links for name in (link["a"], link["b"])}
    # acc3's neighbours see a name that is no known device: it is kept as an unknown
    # neighbour without its control characters, its markers as plain text.
    assert any("acc3{{ 7*7 }}{% raw %}[31m" in text for text in unknown)
    assert any("acc3{{ 7*7 }}{% raw %}[31m" in text for text in exports.values())
    for text in [*aliases, *unknown]:
        assert _raw_controls(text) == [], text
    for name, content in exports.items():
        assert _raw_controls(content) == [], f"the {name} export holds raw control characters"
        assert "\x1b" not in content


def test_a_flooding_device_is_refused_by_name_and_never_stored(world):
    names = ["acc3", "acc2", "core2"]

    backups = Config.backup_configurations(names, store_url=world["url"], box=world["box"])
    compliance = Config.check_compliance_many(["acc2"], store_url=world["url"], box=world["box"])
    applied = Config.apply_configurations(
        [ApplyRequest("acc2", "ntp server 192.0.2.231\n")],
        store_url=world["url"],
        box=world["box"],
        options=ApplyOptions(timeout=60),
    )

    outcomes = {o.device: o for o in backups}
    assert {name: o.outcome for name, o in outcomes.items()} == {
        "acc3": "stored",
        "acc2": "failed",
        "core2": "stored",
    }
    refused = (
        "device 'acc2' answered get_config with {size} characters, more than its limit of "
        "1,000,000; check the device, or raise driver_options.max_output_bytes for it"
    )
    assert outcomes["acc2"].error.startswith(refused.split("{size}")[0])
    assert refused.split("{size}")[1] in outcomes["acc2"].error
    assert compliance[0].report is None and "limit of 1,000,000" in compliance[0].error
    assert (applied[0].outcome, applied[0].changed) == ("failed", False)
    assert "limit of 1,000,000" in applied[0].error
    with session_scope(world["url"]) as session:
        device = DeviceService.get_device_by_name(session, "acc2")
        stored = session.exec(
            select(DeviceConfiguration).where(DeviceConfiguration.device_id == device.id)
        ).all()
        assert [(row.kind, row.state.value) for row in stored] == [(ConfigKind.APPLIED, "failed")]
        assert max(len(row.content) for row in stored) < LIMIT


def test_a_hostile_hostname_is_rendered_as_literal_text(world):
    with session_scope(world["url"]) as session:
        device = DeviceService.get_device_by_name(session, "acc3")
        login = DeviceService.get_credentials(session, device, world["box"])
        with open_device(device, *login, timeout=20) as driver:
            reported = driver.get_facts()["hostname"]
        template = Config.create_template(
            session,
            "hostile-hostname",
            None,
            "hostname {{ reported }}\n!\n",
            variables={"reported": {"type": "string", "required": True}},
        )
        rendered = Config.render(template, {"reported": reported})
    probed = run_module(
        "device_status",
        {
            "store_url": world["url"],
            "secret_key": world["key"],
            "name": ["acc3", "acc2", "agg1a"],
            "login": True,
        },
    )

    assert reported == HOSTILE
    assert "{{ 7*7 }}{% raw %}" in rendered.content and "49" not in rendered.content
    assert {r["name"]: r["reachability"] for r in probed["results"]} == dict.fromkeys(
        ["acc3", "acc2", "agg1a"], "reachable"
    )
