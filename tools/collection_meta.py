"""The lists that follow plugins/modules: the `store` action group and the README module table.

Used by ``tools/sync-meta`` (which rewrites them) and by ``tests/unit/test_collection_meta.py``
(which fails when they drift). Module files are read with ``ast``, never imported.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
STORE_FRAGMENT = "isp.network.store"
# ansible-test wants `Name (@github-handle)` in every plugin's DOCUMENTATION.author.
AUTHOR = "isp.network maintainers (@isp-network)"
DOC_BLOCKS = ("DOCUMENTATION", "EXAMPLES", "RETURN")
TABLE_BEGIN = "<!-- BEGIN MODULE TABLE (tools/sync-meta writes this table) -->"
TABLE_END = "<!-- END MODULE TABLE -->"
TABLE_ROW = re.compile(
    r"^\| \[isp\.network\.(?P<name>\w+)\]\((?P<link>[^)]*)\) \| (?P<desc>.*) \|$"
)


def module_names(root: Path = ROOT) -> list[str]:
    """Return the names of the modules in plugins/modules, sorted."""
    modules = root / "plugins" / "modules"
    return sorted(p.stem for p in modules.glob("*.py") if not p.name.startswith("_"))


def doc_blocks(path: Path) -> dict[str, str]:
    """Return the module-level string constants DOCUMENTATION/EXAMPLES/RETURN found in ``path``."""
    blocks = {}
    for node in ast.parse(path.read_text(), filename=str(path)).body:
        if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Constant):
            continue
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id in DOC_BLOCKS:
                blocks[target.id] = node.value.value
    return blocks


def documentation(root: Path, name: str) -> dict:
    """Return the parsed DOCUMENTATION of module ``name``; raises ValueError when it is missing."""
    path = root / "plugins" / "modules" / f"{name}.py"
    text = doc_blocks(path).get("DOCUMENTATION")
    doc = yaml.safe_load(text) if isinstance(text, str) else None
    if not isinstance(doc, dict):
        raise ValueError(f"{path} has no DOCUMENTATION mapping; add one (see docs/development.md)")
    return doc


def uses_store_fragment(doc: dict) -> bool:
    """Return True when the documentation extends the isp.network.store doc fragment."""
    fragments = doc.get("extends_documentation_fragment") or []
    if isinstance(fragments, str):
        fragments = [fragments]
    return STORE_FRAGMENT in fragments


def store_group(root: Path = ROOT) -> list[str]:
    """Return the modules that belong in the `store` action group, sorted."""
    return [n for n in module_names(root) if uses_store_fragment(documentation(root, n))]


def runtime_store_group(root: Path = ROOT) -> list[str] | None:
    """Return meta/runtime.yml's action_groups.store list, or None when it has none."""
    runtime = yaml.safe_load((root / "meta" / "runtime.yml").read_text()) or {}
    group = (runtime.get("action_groups") or {}).get("store")
    return None if group is None else list(group)


def render_table(root: Path = ROOT) -> str:
    """Return the README module table (header and one row per module), without markers."""
    lines = ["| Module | Description |", "|---|---|"]
    for name in module_names(root):
        desc = str(documentation(root, name).get("short_description", "")).replace("|", "\\|")
        lines.append(f"| [isp.network.{name}](plugins/modules/{name}.py) | {desc} |")
    return "\n".join(lines)


def readme_table_rows(readme_text: str) -> dict[str, str]:
    """Return {module name: description} for the rows of the README module table."""
    rows = {}
    for line in readme_text.splitlines():
        match = TABLE_ROW.match(line)
        if match:
            rows[match["name"]] = match["desc"]
    return rows


def rewrite_runtime(root: Path = ROOT) -> bool:
    """Write the store action group into meta/runtime.yml; return True when the file changed."""
    path = root / "meta" / "runtime.yml"
    runtime = yaml.safe_load(path.read_text()) or {}
    runtime.setdefault("action_groups", {})["store"] = store_group(root)
    text = "---\n" + yaml.safe_dump(runtime, sort_keys=False, default_flow_style=False)
    return _write_if_changed(path, text)


def rewrite_readme(root: Path = ROOT) -> bool:
    """Replace the README table between its markers; return True when the file changed."""
    path = root / "README.md"
    text = path.read_text()
    if TABLE_BEGIN not in text or TABLE_END not in text:
        raise ValueError(f"{path} lacks the module table markers; restore {TABLE_BEGIN!r}")
    head, rest = text.split(TABLE_BEGIN, 1)
    _, tail = rest.split(TABLE_END, 1)
    return _write_if_changed(path, f"{head}{TABLE_BEGIN}\n{render_table(root)}\n{TABLE_END}{tail}")


def _write_if_changed(path: Path, text: str) -> bool:
    if path.read_text() == text:
        return False
    path.write_text(text)
    return True
