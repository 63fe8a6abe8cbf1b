"""The migration chain and the models describe the same schema."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import ansible_collections.isp.network.plugins.module_utils.store.models  # noqa: F401
from ansible_collections.isp.network.plugins.module_utils.store.engine import get_engine
from ansible_collections.isp.network.plugins.module_utils.store.migrate import (
    current_revision,
    ensure_schema,
    head_revision,
)
from ansible_collections.isp.network.plugins.module_utils.store.migrations.versions import CHAIN

ROOT = Path(__file__).resolve().parents[5]


def test_chain_is_linked_in_order():
    previous = None
    for step in CHAIN:
        assert step.down_revision == previous, step.__name__
        previous = step.revision


def test_the_head_revision_is_the_last_of_the_chain():
    assert head_revision() == CHAIN[-1].revision


def test_opening_a_current_store_imports_no_migration(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    get_engine(url)
    opened = (
        "import sys\n"
        "from ansible_collections.isp.network.plugins.module_utils.store.engine import "
        "session_scope\n"
        f"with session_scope({url!r}, write=False) as session:\n"
        "    pass\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'alembic' "
        "or name.endswith('.migrations.versions')))\n"
    )

    run = subprocess.run(
        [sys.executable, "-c", opened],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / ".collections")])},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert run.stdout.strip() == "[]"


def test_migrated_schema_equals_the_models(store_url):
    engine = get_engine(store_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": False}
        )
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_second_ensure_is_a_no_op(store_url):
    engine = get_engine(store_url)
    ensure_schema(engine)
    assert current_revision(engine) == head_revision()
