"""Fixtures shared by every test: a fresh store per test, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from urllib.parse import quote

import pytest
from cryptography.fernet import Fernet

from ansible_collections.isp.network.plugins.module_utils.store.engine import (
    dispose_engines,
    session_scope,
)

PG_URL_ENV = "ISP_NETWORK_TEST_PG_URL"


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path, monkeypatch):
    """Never touch the user's default store or key; close pooled connections afterwards."""
    monkeypatch.setenv("ISP_NETWORK_STORE_URL", f"sqlite:///{tmp_path / 'default-store.db'}")
    for name in (
        "ISP_NETWORK_SECRET_KEY",
        "ISP_NETWORK_SECRET_KEY_FILE",
        "ISP_NETWORK_ACTOR",
        "ISP_NETWORK_TENANT",
    ):
        monkeypatch.delenv(name, raising=False)
    yield
    dispose_engines()


def postgres_base_url() -> str | None:
    """Return the throwaway PostgreSQL database that `make test` created, if any."""
    return os.environ.get(PG_URL_ENV) or None


def fresh_postgres_url(base_url: str) -> str:
    """Return a URL on ``base_url`` whose connections use a new, empty schema of their own."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    conninfo = base_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A fresh SQLite store file."""
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def postgres_url() -> str:
    """A fresh PostgreSQL store (its own schema); skipped when no PostgreSQL was set up."""
    base = postgres_base_url()
    if not base:
        pytest.skip(f"{PG_URL_ENV} is not set (make test sets it when PostgreSQL is available)")
    return fresh_postgres_url(base)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request) -> str:
    """A fresh store, once on SQLite and once on PostgreSQL: the contract suites use this."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return request.getfixturevalue(name)


@pytest.fixture
def session(store_url):
    """A session on a fresh store, committed at the end of the test."""
    with session_scope(store_url) as session:
        yield session


@pytest.fixture
def secret_key(monkeypatch) -> str:
    """A new secret key, also exported as ISP_NETWORK_SECRET_KEY."""
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("ISP_NETWORK_SECRET_KEY", key)
    return key
