# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every store-backed module shares: the store options, sessions, and error mapping.

This is the one place where domain errors become ``fail_json``. The heavy libraries are
imported on first use, so that a missing one is reported with ``missing_required_lib``.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

try:
    import sqlmodel  # noqa: F401  (probed here so a missing library fails cleanly)
except ImportError:
    STORE_IMPORT_ERROR: str | None = traceback.format_exc()
else:
    STORE_IMPORT_ERROR = None

STORE_ARGUMENT_SPEC: dict[str, dict[str, Any]] = {
    # A PostgreSQL URL may carry a password, so the whole value is kept out of logs.
    "store_url": {"type": "str", "no_log": True},
    "secret_key": {"type": "str", "no_log": True},
    "secret_key_file": {"type": "path", "no_log": False},
}


def store_module(argument_spec: dict[str, Any], **kwargs: Any) -> AnsibleModule:
    """Return an AnsibleModule whose options are ``argument_spec`` plus the store options."""
    module = AnsibleModule(argument_spec={**argument_spec, **STORE_ARGUMENT_SPEC}, **kwargs)
    if STORE_IMPORT_ERROR is not None:
        module.fail_json(msg=missing_required_lib("sqlmodel"), exception=STORE_IMPORT_ERROR)
    return module


@contextmanager
def failing_cleanly(module: AnsibleModule) -> Iterator[None]:
    """Turn domain and store errors raised inside the block into one-sentence ``fail_json``."""
    from sqlalchemy.exc import SQLAlchemyError

    from ansible_collections.isp.network.plugins.module_utils.errors import IspNetworkError
    from ansible_collections.isp.network.plugins.module_utils.store.engine import (
        resolve_store_url,
        safe_url,
    )

    try:
        yield
    except IspNetworkError as exc:
        module.fail_json(msg=str(exc))
    except SQLAlchemyError as exc:
        try:
            where = safe_url(resolve_store_url(module.params.get("store_url")))
        except IspNetworkError:
            where = "the configured store"
        reason = type(getattr(exc, "orig", None) or exc).__name__
        module.fail_json(
            msg=f"the store at {where} failed ({reason}); check that it is reachable and "
            "writable, then run again"
        )


@contextmanager
def module_session(module: AnsibleModule, *, write: bool = True) -> Iterator[Any]:
    """Yield a store session for this module's ``store_url``, in one transaction."""
    from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope

    with session_scope(module.params.get("store_url"), write=write) as session:
        yield session


def run_in_store(
    module: AnsibleModule,
    work: Callable[[Any], dict[str, Any]],
    *,
    write: bool = True,
) -> None:
    """Run ``work(session)`` in one transaction and exit with its result.

    In check mode the transaction is rolled back whatever ``work`` did, so nothing is
    written; ``work`` still computes the exact result a real run would give.
    """
    from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope

    with (
        failing_cleanly(module),
        session_scope(module.params.get("store_url"), write=write) as session,
    ):
        result = work(session)
        if module.check_mode:
            session.rollback()
    module.exit_json(**result)


def secret_box(module: AnsibleModule) -> Any:
    """Return the credential cipher for this module's key options (raises SecretKeyError)."""
    from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox

    return SecretBox.from_options(
        secret_key=module.params.get("secret_key"),
        secret_key_file=module.params.get("secret_key_file"),
    )
