"""Every export format, and hostile device names that must not break any of them."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
import yaml

from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError
from ansible_collections.isp.network.plugins.module_utils.topology import exports
from ansible_collections.isp.network.plugins.module_utils.topology.analysis import analyze
from ansible_collections.isp.network.plugins.module_utils.topology.graph import build_graph
from ansible_collections.isp.network.plugins.module_utils.topology.page import (
    page_data,
    script_json,
    to_html,
)

HOSTILE = '</script><script>alert(1)</script>{{ x }}"\u2028&<b>'


def _topology(name=HOSTILE):
    nodes = [
        {"name": "core1", "role": "core", "platform": "ios"},
        {"name": name, "role": "access", "platform": "eos"},
        {"name": "=cmd|' /C calc'!A0", "role": "unknown", "platform": None},
    ]
    links = [
        {
            "a": "core1", "a_interface": "Gi0/1", "b": name, "b_interface": 'Et"1',
            "key": f"core1:Gi0/1 - {name}:Et\"1", "status": "confirmed",
            "a_speed": 1000, "b_speed": 100, "seen_by_a": True, "seen_by_b": True,
        },
        {
            "a": "core1", "a_interface": "Gi0/2", "b": nodes[2]["name"], "b_interface": "e0",
            "key": "k2", "status": "one_sided", "seen_by_a": True, "seen_by_b": False,
        },
    ]  # fmt: skip
    topology = {"nodes": nodes, "links": links}
    return topology, analyze(build_graph(nodes, links))


def test_json_graphml_and_gexf_read_back_with_networkx():
    topology, report = _topology()
    loaded = nx.node_link_graph(json.loads(exports.render("json", topology, report)), edges="links")
    assert HOSTILE in loaded
    graphml = nx.parse_graphml(exports.render("graphml", topology, report))
    assert graphml.number_of_edges() == 2
    assert HOSTILE in graphml
    gexf = exports.render("gexf", topology, report)
    assert ET.fromstring(gexf.encode()) is not None


def test_csv_has_one_row_per_link_and_defuses_formulas():
    topology, report = _topology()
    rows = list(csv.DictReader(io.StringIO(exports.render("csv", topology, report))))
    assert len(rows) == 2
    assert rows[1]["b"].startswith("'=")


def test_dot_and_mermaid_quote_every_name():
    topology, report = _topology()
    dot = exports.render("dot", topology, report)
    assert '"</script><script>alert(1)</script>{{ x }}\\"' in dot
    assert "style=dashed" in dot
    mermaid = exports.render("mermaid", topology, report)
    assert "<script>" not in mermaid
    assert "#quot;" in mermaid and "#lt;" in mermaid
    assert "-.-" in mermaid


def test_drawio_is_well_formed_xml_with_every_device_and_link():
    topology, report = _topology()
    root = ET.fromstring(exports.render("drawio", topology, report))
    values = [cell.get("value") for cell in root.iter("mxCell") if cell.get("vertex")]
    assert HOSTILE in values
    assert len([cell for cell in root.iter("mxCell") if cell.get("edge")]) == 2


def test_containerlab_topology_names_nodes_and_endpoints():
    topology, report = _topology(name="acc1")
    document = yaml.safe_load(exports.render("containerlab", topology, report, title="lab one"))
    assert document["name"] == "lab-one"
    assert document["topology"]["nodes"]["core1"]["kind"] == "cisco_iol"
    assert document["topology"]["nodes"]["acc1"]["kind"] == "linux"
    assert {"endpoints": ["core1:eth1", "acc1:eth1"]} in document["topology"]["links"]


def test_svg_without_graphviz_says_what_to_do(monkeypatch):
    monkeypatch.setattr(exports.shutil, "which", lambda name: None)
    topology, report = _topology()
    with pytest.raises(ValidationError, match="needs Graphviz's dot program"):
        exports.render("svg", topology, report)


def test_unknown_format_is_refused():
    topology, report = _topology()
    with pytest.raises(ValidationError, match="'pdf' is not known"):
        exports.render("pdf", topology, report)


def test_page_data_cannot_leave_its_script_element():
    topology, report = _topology()
    page = to_html(topology, report, title=HOSTILE)
    data_start = page.index('<script id="topology-data"')
    data_end = page.index("</script>", data_start)
    embedded = page[data_start:data_end]
    assert "<script>alert" not in embedded
    assert "\u2028" not in embedded
    assert json.loads(script_json(HOSTILE)) == HOSTILE
    assert "<title>&lt;/script&gt;" in page
    assert "cdn" not in page.lower().split("<script>", 1)[0]


def test_page_data_marks_problems():
    topology, report = _topology()
    data = page_data(topology, report)
    assert {edge["id"]: edge["classes"] for edge in data["edges"]}["e1"] == ["spof", "onesided"]
    assert [entry["role"] for entry in data["legend"]] == ["core", "access", "unknown"]
