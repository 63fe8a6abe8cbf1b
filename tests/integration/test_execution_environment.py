"""The execution environment: `ansible-builder create` makes a build context offline."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def context(tmp_path_factory) -> Path:
    """The build context ansible-builder writes from a copy of the checkout's EE files."""
    work = tmp_path_factory.mktemp("ee")
    for name in ("execution-environment.yml", "requirements.txt"):
        shutil.copy(ROOT / name, work / name)
    subprocess.run(
        [BIN / "ansible-galaxy", "collection", "build", "--output-path", work / "build", ROOT],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    subprocess.run(
        [
            BIN / "ansible-builder",
            "create",
            "-f",
            work / "execution-environment.yml",
            "-c",
            work / "context",
            "--output-filename",
            "Containerfile",
        ],
        check=True,
        capture_output=True,
        cwd=work,
    )
    return work / "context"


def test_the_definition_is_schema_version_3_and_reads_requirements_txt():
    definition = yaml.safe_load((ROOT / "execution-environment.yml").read_text())

    assert definition["version"] == 3
    assert definition["dependencies"]["python"] == "requirements.txt"


def test_the_context_carries_the_controller_requirements_unchanged(context):
    assert (context / "Containerfile").is_file()
    copied = (context / "_build" / "requirements.txt").read_text()
    assert copied == (ROOT / "requirements.txt").read_text()


def test_the_context_installs_the_built_collection(context):
    tarballs = list((context / "_build" / "collections").glob("isp-network-*.tar.gz"))
    galaxy = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    containerfile = (context / "Containerfile").read_text()

    assert len(tarballs) == 1
    assert galaxy["collections"] == [
        {"name": "/build/collections/isp-network.tar.gz", "type": "file"}
    ]
    assert "ansible-galaxy collection install" in containerfile
    assert "requirements.txt" in containerfile


def test_the_credential_type_injects_the_variables_the_collection_reads():
    credential = yaml.safe_load((ROOT / "awx" / "credential_type.yml").read_text())
    fragment = (ROOT / "plugins" / "doc_fragments" / "store.py").read_text()
    fields = {field["id"]: field for field in credential["inputs"]["fields"]}

    assert credential["injectors"]["env"] == {
        "ISP_NETWORK_STORE_URL": "{{ store_url }}",
        "ISP_NETWORK_SECRET_KEY": "{{ secret_key }}",
        "ISP_NETWORK_TENANT": "{{ tenant }}",
    }
    assert all(f"E({name})" in fragment for name in credential["injectors"]["env"])
    assert fields["store_url"]["secret"] and fields["secret_key"]["secret"]
