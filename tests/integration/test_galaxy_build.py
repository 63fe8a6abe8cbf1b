"""The collection builds into a tarball that installs and documents its modules elsewhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

from tools import collection_meta as meta

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
GALAXY = yaml.safe_load((meta.ROOT / "galaxy.yml").read_text())
FQCN = f"{GALAXY['namespace']}.{GALAXY['name']}"


def _run(argv: list[str], env: dict[str, str], cwd: Path) -> str:
    result = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{' '.join(argv)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path, dict[str, str]]:
    """Build the tarball and install it; return (tarball, collections path, environment)."""
    work = tmp_path_factory.mktemp("galaxy")
    (work / "ansible.cfg").write_text("[defaults]\n")
    env = {
        **os.environ,
        "ANSIBLE_CONFIG": str(work / "ansible.cfg"),
        "ANSIBLE_COLLECTIONS_PATH": str(work / "collections"),
        "ANSIBLE_LOCAL_TEMP": str(work / "tmp"),
        "ANSIBLE_NOCOLOR": "1",
    }
    build = [str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(work)]
    _run([*build, str(meta.ROOT)], env, work)
    tarball = work / f"{GALAXY['namespace']}-{GALAXY['name']}-{GALAXY['version']}.tar.gz"
    assert tarball.is_file(), f"no {tarball.name} in {sorted(p.name for p in work.iterdir())}"

    install = [str(BIN / "ansible-galaxy"), "collection", "install", "--offline", str(tarball)]
    _run([*install, "-p", str(work / "collections")], env, work)
    return tarball, work / "collections", env


def test_tarball_leaves_out_the_development_tree(installed):
    tarball, _, _ = installed
    with tarfile.open(tarball) as archive:
        names = archive.getnames()

    assert "MANIFEST.json" in names and "meta/runtime.yml" in names
    leaked = [n for n in names if n.split("/")[0] in {".venv", ".git", ".collections", ".demo"}]
    assert not leaked, f"the tarball ships development files: {leaked[:5]}"


def test_installed_collection_is_listed_with_its_version(installed):
    _, collections, env = installed
    listing = _run(
        [str(BIN / "ansible-galaxy"), "collection", "list", FQCN, "--format", "json"],
        env,
        collections,
    )

    paths = json.loads(listing)
    installed_here = paths.get(str(collections / "ansible_collections"), {})
    assert installed_here.get(FQCN, {}).get("version") == GALAXY["version"], paths


def test_ansible_doc_lists_and_renders_every_module(installed):
    _, collections, env = installed
    doc = str(BIN / "ansible-doc")
    listed = json.loads(_run([doc, "-t", "module", "-l", FQCN, "--json"], env, collections))

    assert sorted(listed) == [f"{FQCN}.{name}" for name in meta.module_names()]
    for name in listed:
        assert str(collections) in _run([doc, "-t", "module", "--json", name], env, collections)
