"""The migration chain and the models describe the same schema."""

from __future__ import annotations

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


def test_chain_is_linked_in_order():
    previous = None
    for step in CHAIN:
        assert step.down_revision == previous, step.__name__
        previous = step.revision


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
