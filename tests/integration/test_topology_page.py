"""The topology page in headless Chromium: it loads offline, draws everything, no errors.

Skipped when Chromium is not installed, unless CI is set: then a missing Chromium fails
(tools/install-chromium installs it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from ansible_collections.isp.network.plugins.module_utils.services.topology import (
    TopologyService,
)
from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope
from tests.unit.plugins.module_utils.topology.fake_network import isp_small

pytestmark = pytest.mark.slow

HOSTILE = "evil</script><img/src=x/onerror=alert(1)>{{7*7}}"


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail("chromium is not installed and CI is set; run tools/install-chromium")
    pytest.skip("chromium is not installed; run tools/install-chromium to test the page")


def _browse(page, profile, *extra: str) -> subprocess.CompletedProcess:
    command = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=5000",
        *extra,
        page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def page(tmp_path):
    network, expected = isp_small()
    network.devices[HOSTILE] = {"role": "access"}
    network.links.append(("acc5", "GigabitEthernet1/0/1", HOSTILE, "GigabitEthernet0/1"))
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with session_scope(url) as session:
        ids = network.register(session)
        TopologyService.discover_topology(session, ids["core1"], 10, fetch=network.fetch)
        html = TopologyService.export_topology(session, "html")
    path = tmp_path / "topology.html"
    path.write_text(html)
    return path, expected["devices"] + 1, expected["links"] + 1


def test_the_page_renders_every_device_and_link_without_errors(page, tmp_path):
    path, devices, links = page

    done = _browse(path, tmp_path / "profile", "--dump-dom")

    body = re.search(r"<body[^>]*>", done.stdout)
    assert body, done.stderr[-2000:]
    attributes = dict(re.findall(r'data-(\w+)="([^"]*)"', body.group(0)))
    assert attributes == {
        "state": "rendered",
        "nodes": str(devices),
        "edges": str(links),
        "errors": "0",
    }
    assert "Uncaught" not in done.stderr
    assert "<img" not in done.stdout.split("<script", 1)[0]


def test_the_page_gives_a_screenshot(page, tmp_path):
    path, _, _ = page
    shot = tmp_path / "topology.png"

    _browse(path, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1400,900")

    assert shot.exists()
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000
