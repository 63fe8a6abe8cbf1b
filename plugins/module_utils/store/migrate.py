# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Create or upgrade the store's schema on first use.

The migrations are Alembic revision files (``migrations/versions/``) that this runner applies
in order with Alembic's operations API. They are imported statically, not discovered on
disk, so they travel inside a module's payload like any other module_utils file. The
version is kept in Alembic's own ``alembic_version`` table.
"""

from __future__ import annotations

from sqlalchemy import Column, Engine, MetaData, String, Table, select
from sqlalchemy.exc import DBAPIError

from ansible_collections.isp.network.plugins.module_utils.errors import StoreError
from ansible_collections.isp.network.plugins.module_utils.store.engine import is_sqlite, safe_url

# An arbitrary constant that names "the isp.network schema lock" to PostgreSQL.
_PG_MIGRATION_LOCK = 0x15F_4E7

_version_table = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), primary_key=True, nullable=False),
)


# The revision of the last migration in ``migrations.versions.CHAIN``, kept here so that
# opening a store that is already current imports neither the migrations nor Alembic (a
# tenth of a second of every module task). A unit test checks that the two agree.
HEAD_REVISION = "0007_config_indexes"


def head_revision() -> str:
    """Return the revision the code expects the store to be at."""
    return HEAD_REVISION


def current_revision(engine: Engine) -> str | None:
    """Return the store's schema revision, or None when the store is empty."""
    with engine.connect() as connection:
        try:
            return connection.execute(select(_version_table.c.version_num)).scalar()
        except DBAPIError:
            return None


def ensure_schema(engine: Engine) -> None:
    """Bring the store's schema to the head revision; cheap when it is already there.

    Raises StoreError when the store cannot be reached or is newer than this collection.
    """
    try:
        if current_revision(engine) == head_revision():
            return
        _upgrade(engine)
    except DBAPIError as exc:
        raise StoreError(
            f"the store at {safe_url(engine.url)} could not be opened or migrated "
            f"({type(exc.orig or exc).__name__}); check the store URL and that the database "
            "is reachable"
        ) from None


def _upgrade(engine: Engine) -> None:
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    from ansible_collections.isp.network.plugins.module_utils.store.migrations.versions import (
        CHAIN,
    )

    revisions = [step.revision for step in CHAIN]
    with engine.connect().execution_options(isp_write=True) as connection, connection.begin():
        if not is_sqlite(engine):
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
        _version_table.create(connection, checkfirst=True)
        current = connection.execute(select(_version_table.c.version_num)).scalar()
        if current is not None and current not in revisions:
            raise StoreError(
                f"the store at {safe_url(engine.url)} has schema revision {current!r}, which "
                "this version of isp.network does not know; upgrade the collection"
            )
        pending = CHAIN[revisions.index(current) + 1 :] if current else CHAIN
        context = MigrationContext.configure(connection)
        with Operations.context(context):
            for step in pending:
                step.upgrade()
        if pending:
            connection.execute(_version_table.delete())
            connection.execute(_version_table.insert().values(version_num=pending[-1].revision))
