"""The store URL, the engine, sessions and the migration chain."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError
from ansible_collections.isp.network.plugins.module_utils.store import engine as store_engine
from ansible_collections.isp.network.plugins.module_utils.store.engine import (
    get_engine,
    resolve_store_url,
    run_transaction,
    safe_url,
    session_scope,
)
from ansible_collections.isp.network.plugins.module_utils.store.migrate import (
    current_revision,
    head_revision,
)


def test_explicit_url_wins_over_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ISP_NETWORK_STORE_URL", "sqlite:////env/store.db")
    assert resolve_store_url(f"sqlite:///{tmp_path}/x.db") == f"sqlite:///{tmp_path}/x.db"
    assert resolve_store_url(None) == "sqlite:////env/store.db"


def test_default_is_a_file_in_the_user_data_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("ISP_NETWORK_STORE_URL")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert resolve_store_url() == f"sqlite:///{tmp_path}/isp-network/store.db"


def test_postgresql_urls_use_psycopg3():
    assert resolve_store_url("postgresql://u:p@db/isp").startswith("postgresql+psycopg://")


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("not a url", "is not a database URL"),
        ("mysql://u:hunter2@db/isp", "unsupported backend 'mysql'"),
    ],
)
def test_bad_urls_get_one_sentence_without_the_password(url, words):
    with pytest.raises(ValidationError) as caught:
        resolve_store_url(url)
    assert words in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_safe_url_hides_the_password():
    assert "hunter2" not in safe_url("postgresql+psycopg://isp:hunter2@db/isp")


def test_engines_are_created_lazily_and_cached(sqlite_url):
    assert store_engine._engines == {}
    assert get_engine(sqlite_url) is get_engine(sqlite_url)


def test_sqlite_runs_in_wal_with_foreign_keys(sqlite_url):
    with get_engine(sqlite_url).connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_first_use_migrates_to_head(store_url):
    engine = get_engine(store_url)
    assert current_revision(engine) == head_revision()
    assert "audit_event" in inspect(engine).get_table_names()


def test_session_rolls_back_on_error(store_url):
    from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService

    with pytest.raises(RuntimeError), session_scope(store_url) as session:
        AuditService.record(session, "device.create", "device", 1, "r1")
        session.flush()
        raise RuntimeError("boom")
    with session_scope(store_url, write=False) as session:
        assert AuditService.list_events(session) == []


def test_run_transaction_retries_a_lost_race(store_url):
    attempts = []

    def work(session):
        attempts.append(1)
        if len(attempts) < 3:
            raise store_engine.RetryTransaction()
        return "done"

    assert run_transaction(work, store_url) == "done"
    assert len(attempts) == 3


def test_sqlite_folder_that_cannot_be_created_is_one_sentence(tmp_path):
    from ansible_collections.isp.network.plugins.module_utils.errors import StoreError

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match=r"cannot create the folder .* choose another store_url"):
        get_engine(f"sqlite:///{blocker}/store.db")


def test_run_transaction_retries_a_unique_violation_a_few_times(store_url):
    from sqlalchemy.exc import IntegrityError

    attempts = []

    def work(session):
        attempts.append(1)
        if len(attempts) < 2:
            raise IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed"))
        return "seen the winner's row"

    assert run_transaction(work, store_url) == "seen the winner's row"

    def always_conflicting(session):
        raise IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed"))

    with pytest.raises(IntegrityError):
        run_transaction(always_conflicting, store_url)
