# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every store-backed module shares: the store options, sessions, and error mapping.

This is the one place where domain errors become ``fail_json``. The heavy libraries are
imported on first use, so that a missing one is reported with ``missing_required_lib``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from importlib.util import find_spec
from typing import Any

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.isp.network.plugins.module_utils.argument_checks import (
    refused_argument,
)
from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError
from ansible_collections.isp.network.plugins.module_utils.store import tenancy

# Probed without importing, so that a module task pays for SQLModel only when it uses it.
HAS_STORE_LIBS = all(find_spec(name) is not None for name in ("sqlmodel", "sqlalchemy"))

STORE_ARGUMENT_SPEC: dict[str, dict[str, Any]] = {
    # A PostgreSQL URL may carry a password, so the whole value is kept out of logs.
    "store_url": {"type": "str", "no_log": True},
    "secret_key": {"type": "str", "no_log": True},
    "secret_key_file": {"type": "path", "no_log": False},
    "store_tenant": {"type": "str", "fallback": (env_fallback, [tenancy.TENANT_ENV])},
}


class StoreModule(AnsibleModule):
    """An AnsibleModule whose syslog record of its arguments counts the items of bulk lists.

    Ansible writes every argument to the target's syslog, masking each secret given in the
    whole text of each argument: for a list of thousands of devices, each with its own
    password, that takes longer than the task's work. The options in ``counted_options``
    appear in that record as their number of items; every other option as Ansible logs it.
    """

    def __init__(self, *args: Any, counted_options: Iterable[str] = (), **kwargs: Any) -> None:
        self._counted_options = frozenset(counted_options)
        super().__init__(*args, **kwargs)

    def _load_params(self) -> None:
        """Read the arguments as Ansible does; fail on one its option checks cannot take."""
        super()._load_params()
        problem = refused_argument(self.params, self.argument_spec)
        if problem:
            self.fail_json(msg=problem)

    def _log_invocation(self) -> None:
        """Log the invocation as Ansible does, with each counted option as its item count."""
        params = self.params
        self.params = {
            key: f"({len(value)} items, not logged)"
            if key in self._counted_options and isinstance(value, list)
            else value
            for key, value in params.items()
        }
        try:
            super()._log_invocation()
        finally:
            self.params = params

    def exit_json(self, **kwargs: Any) -> None:
        """Exit as Ansible does, ending this run's tenant scope first."""
        tenancy.set_process_scope(None)
        super().exit_json(**kwargs)

    def fail_json(self, msg: str, **kwargs: Any) -> None:
        """Fail as Ansible does, ending this run's tenant scope first."""
        tenancy.set_process_scope(None)
        super().fail_json(msg, **kwargs)


def devices_counted(number: int) -> str:
    """Return ``1 device`` or ``N devices``, for the sentences modules end with."""
    return f"{number} device" if number == 1 else f"{number} devices"


def store_module(
    argument_spec: dict[str, Any], *, counted_options: Iterable[str] = (), **kwargs: Any
) -> AnsibleModule:
    """Return an AnsibleModule whose options are ``argument_spec`` plus the store options.

    The options in ``counted_options`` (bulk lists) appear in the syslog record of the
    invocation as their number of items, not their contents.
    """
    module = StoreModule(
        argument_spec={**argument_spec, **STORE_ARGUMENT_SPEC},
        counted_options=counted_options,
        **kwargs,
    )
    if not HAS_STORE_LIBS:
        module.fail_json(msg=missing_required_lib("sqlmodel"))
    # Every session this run opens carries the scope, whichever service opens it.
    try:
        tenancy.set_process_scope(module.params.get("store_tenant"))
    except ValidationError as exc:
        module.fail_json(msg=str(exc))
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


def run_in_store(
    module: AnsibleModule,
    work: Callable[[Any], dict[str, Any]],
    *,
    write: bool = True,
) -> None:
    """Run ``work(session)`` in one transaction and exit with its result.

    In check mode the transaction is rolled back whatever ``work`` did, so nothing is
    written; ``work`` still computes the exact result a real run would give. A transaction
    that lost a race to another job (both creating the same object) runs again and sees
    the other job's row.
    """
    run_retrying(module, work, what="the store", write=write)


def secret_box(module: AnsibleModule) -> Any:
    """Return the credential cipher for this module's key options (raises SecretKeyError)."""
    from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox

    return SecretBox.from_options(
        secret_key=module.params.get("secret_key"),
        secret_key_file=module.params.get("secret_key_file"),
    )


def run_retrying(
    module: AnsibleModule,
    work: Callable[[Any], dict[str, Any]],
    *,
    what: str,
    timeout: float = 60.0,
    write: bool = True,
) -> None:
    """Like ``run_in_store``, but run ``work`` again when it lost a race, for up to ``timeout`` s.

    For writes that lock a shared object (an address pool): a busy lock, a serialization
    failure or a RetryTransaction starts the transaction again; when time runs out the task
    fails with one sentence naming ``what``. In check mode nothing is written.
    """
    from ansible_collections.isp.network.plugins.module_utils.store.engine import run_transaction

    def attempt(session: Any) -> dict[str, Any]:
        result = work(session)
        if module.check_mode:
            session.rollback()
        return result

    with failing_cleanly(module):
        result = run_transaction(
            attempt, module.params.get("store_url"), write=write, timeout=timeout, what=what
        )
    module.exit_json(**result)
