"""Skip the tests marked ``postgres`` when `make test` could not set up PostgreSQL.

``tools/run-tests`` exports ``ISP_NETWORK_TEST_PG_URL`` (a throwaway role and database it drops
at the end). When the variable is missing, every test carrying ``pytest.mark.postgres`` is
skipped with one reason instead of failing on a connection error. Wire it from
``tests/conftest.py``::

    from tests.pg_support import skip_postgres_tests_without_url

    def pytest_collection_modifyitems(config, items):
        skip_postgres_tests_without_url(items)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

import pytest

PG_URL_ENV = "ISP_NETWORK_TEST_PG_URL"
SKIP_REASON = f"{PG_URL_ENV} is not set (make test sets it when PostgreSQL 15 is available)"


def postgres_test_url(environ: Mapping[str, str] | None = None) -> str | None:
    """Return the throwaway PostgreSQL URL `make test` exported, or None when there is none."""
    environ = os.environ if environ is None else environ
    return environ.get(PG_URL_ENV) or None


def skip_postgres_tests_without_url(
    items: Iterable[pytest.Item], environ: Mapping[str, str] | None = None
) -> int:
    """Mark every ``postgres`` test skipped when no URL is set; return how many were marked."""
    if postgres_test_url(environ):
        return 0

    skipped = 0
    for item in items:
        if item.get_closest_marker("postgres") is not None:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))
            skipped += 1
    return skipped
