"""The lists that must follow plugins/modules: meta/runtime.yml, the README table, module docs."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from tools import collection_meta as meta

MODULES = meta.module_names()


def _module_file(root, name, documentation):
    path = root / "plugins" / "modules" / f"{name}.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'DOCUMENTATION = r"""\n{textwrap.dedent(documentation)}"""\n')


def test_requires_ansible_floor():
    runtime = yaml.safe_load((meta.ROOT / "meta" / "runtime.yml").read_text())

    assert runtime["requires_ansible"] == ">=2.17.0"


def test_store_action_group_lists_exactly_the_store_modules():
    group = meta.runtime_store_group()
    assert group is not None, "meta/runtime.yml has no action_groups.store: run tools/sync-meta"

    expected = set(meta.store_group())
    missing = sorted(expected - set(group))
    extra = sorted(set(group) - expected)
    assert not missing and not extra, (
        f"action_groups.store in meta/runtime.yml: missing {missing}, extra {extra}; "
        "run tools/sync-meta"
    )


def test_readme_table_lists_exactly_the_modules():
    rows = meta.readme_table_rows((meta.ROOT / "README.md").read_text())

    missing = sorted(set(MODULES) - set(rows))
    extra = sorted(set(rows) - set(MODULES))
    assert not missing and not extra, (
        f"README module table: missing {missing}, extra {extra}; run tools/sync-meta"
    )
    assert meta.render_table() in (meta.ROOT / "README.md").read_text(), (
        "README module table descriptions differ from the modules' short_description; "
        "run tools/sync-meta"
    )


@pytest.mark.parametrize("name", MODULES)
def test_module_docs_parse_and_declare_attributes(name):
    blocks = meta.doc_blocks(meta.ROOT / "plugins" / "modules" / f"{name}.py")
    assert sorted(blocks) == sorted(meta.DOC_BLOCKS), f"{name}: needs {meta.DOC_BLOCKS}"

    doc = yaml.safe_load(blocks["DOCUMENTATION"])
    examples = yaml.safe_load(blocks["EXAMPLES"])
    returns = yaml.safe_load(blocks["RETURN"])
    assert isinstance(doc, dict) and doc.get("module") == name
    assert "version_added" in doc, f"{name}: DOCUMENTATION lacks version_added"
    assert doc.get("author") == [meta.AUTHOR], f"{name}: author must be [{meta.AUTHOR}]"
    attributes = doc.get("attributes") or {}
    assert {"check_mode", "diff_mode"} <= set(attributes), f"{name}: attributes incomplete"
    assert isinstance(examples, list) and examples, f"{name}: EXAMPLES must be a list of tasks"
    assert returns is None or isinstance(returns, dict), f"{name}: RETURN must be a mapping"


@pytest.mark.parametrize(
    ("fragment", "in_group"),
    [
        ("extends_documentation_fragment: isp.network.store\n", True),
        ("extends_documentation_fragment:\n  - other.thing.x\n  - isp.network.store\n", True),
        ("extends_documentation_fragment: [other.thing.x]\n", False),
        ("", False),
    ],
)
def test_store_group_follows_the_doc_fragment(tmp_path, fragment, in_group):
    _module_file(tmp_path, "thing", f"module: thing\n{fragment}")
    _module_file(tmp_path, "_private", "module: _private\n")

    assert meta.store_group(tmp_path) == (["thing"] if in_group else [])


def test_sync_rewrites_runtime_and_readme(tmp_path):
    (tmp_path / "meta").mkdir()
    (tmp_path / "meta" / "runtime.yml").write_text('requires_ansible: ">=2.17.0"\n')
    (tmp_path / "README.md").write_text(f"# x\n{meta.TABLE_BEGIN}\nstale\n{meta.TABLE_END}\nend\n")
    _module_file(
        tmp_path,
        "pool",
        "module: pool\nshort_description: A | B\n"
        "extends_documentation_fragment: isp.network.store\n",
    )
    _module_file(tmp_path, "ping", "module: ping\nshort_description: Ping\n")

    assert meta.rewrite_runtime(tmp_path) and meta.rewrite_readme(tmp_path)
    assert not meta.rewrite_runtime(tmp_path) and not meta.rewrite_readme(tmp_path)

    assert meta.runtime_store_group(tmp_path) == ["pool"]
    readme = (tmp_path / "README.md").read_text()
    assert "stale" not in readme and readme.endswith("end\n")
    assert meta.readme_table_rows(readme) == {"ping": "Ping", "pool": "A \\| B"}


def test_module_without_documentation_is_reported(tmp_path):
    (tmp_path / "plugins" / "modules").mkdir(parents=True)
    (tmp_path / "plugins" / "modules" / "bare.py").write_text("EXAMPLES = ''\n")

    with pytest.raises(ValueError, match=r"bare\.py has no DOCUMENTATION"):
        meta.store_group(tmp_path)
