"""The migration chain and the models describe the same schema."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

import ansible_collections.isp.network.plugins.module_utils.store.models  # noqa: F401
from ansible_collections.isp.network.plugins.module_utils.store.engine import (
    get_engine,
    session_scope,
)
from ansible_collections.isp.network.plugins.module_utils.store.migrate import (
    current_revision,
    ensure_schema,
    head_revision,
)
from ansible_collections.isp.network.plugins.module_utils.store.migrations.versions import (
    CHAIN,
    v0007_config_indexes,
)
from ansible_collections.isp.network.plugins.module_utils.store.models import Device

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


def test_a_store_from_before_0007_upgrades_keeping_its_configurations(store_url):
    engine = get_engine(store_url)
    with session_scope(store_url) as session:
        session.add(Device(name="r1", hostname="r1"))
    # Put the store back at 0006 (both indexes present) with a configuration for r1.
    with engine.begin() as connection:
        with Operations.context(MigrationContext.configure(connection)):
            v0007_config_indexes.downgrade()
        connection.execute(text("UPDATE alembic_version SET version_num = '0006_firmware'"))
        connection.execute(
            text(
                "INSERT INTO device_configuration (device_id, kind, version, state, content, "
                "content_hash, variables, created_at) SELECT id, 'intended', 1, 'draft', "
                "'hostname r1', 'h', '{}', CURRENT_TIMESTAMP FROM device"
            )
        )
    indexes = {index["name"] for index in inspect(engine).get_indexes("device_configuration")}
    assert {"ix_device_configuration_device_id", "ix_device_configuration_hash"} <= indexes

    ensure_schema(engine)

    assert current_revision(engine) == "0007_config_indexes"
    indexes = {index["name"] for index in inspect(engine).get_indexes("device_configuration")}
    assert not indexes & {"ix_device_configuration_device_id", "ix_device_configuration_hash"}
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT version, content FROM device_configuration"))
        assert rows.all() == [(1, "hostname r1")]
