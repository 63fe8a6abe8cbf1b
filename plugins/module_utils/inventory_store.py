# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The store reads of the ``isp.network.store`` inventory, through the device service.

Rows are plain JSON-safe dicts (enums as values, times as ISO 8601), so that the plugin can
cache them as they are when they hold no credentials.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from ansible_collections.isp.network.plugins.module_utils.errors import StoreError
from ansible_collections.isp.network.plugins.module_utils.secrets import SecretBox
from ansible_collections.isp.network.plugins.module_utils.services.device_groups import (
    DeviceGroupService,
)
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.store.engine import (
    resolve_store_url,
    safe_url,
    session_scope,
)
from ansible_collections.isp.network.plugins.module_utils.store.tenancy import set_scope

__all__ = ["read_devices", "resolve_url", "safe_url"]

# Filter keys of the plugin -> keyword arguments of DeviceService.inventory_rows.
_SERVICE_FILTERS = {
    "name": "names",
    "group": "groups",
    "device_type": "device_types",
    "site": "sites",
    "tenant": "tenants",
    "status": "statuses",
    "platform": "platforms",
    "vendor": "vendors",
}


def resolve_url(store_url: str | None) -> str:
    """Return the store URL to read (option, environment, default file).

    Raises ValidationError for a URL that is not a supported database URL, and StoreError
    for a SQLite file that does not exist (an inventory never creates a store).
    """
    url = resolve_store_url(store_url)
    parsed = make_url(url)
    database = parsed.database
    is_file = parsed.get_backend_name() == "sqlite" and database not in (None, "", ":memory:")
    if is_file and not Path(database).expanduser().is_file():
        raise StoreError(
            f"the store file {database} does not exist; set store_url or "
            "ISP_NETWORK_STORE_URL to the store the isp.network modules write"
        )
    return url


@contextmanager
def _reading(url: str) -> Iterator[Session]:
    try:
        with session_scope(url, write=False) as session:
            yield session
    except SQLAlchemyError as exc:
        reason = type(getattr(exc, "orig", None) or exc).__name__
        raise StoreError(
            f"the store at {safe_url(url)} cannot be read ({reason}); check that it is "
            "reachable and holds an isp.network store"
        ) from None


def read_devices(
    store_url: str,
    filters: Mapping[str, Iterable[str]],
    secret_key: str | None = None,
    secret_key_file: str | None = None,
    *,
    credentials: bool = False,
    tenant: str | None = None,
) -> dict[str, Any]:
    """Return ``{"devices": [row, ...], "groups": {name: variables}}`` from the store.

    Rows are ``DeviceService.inventory_rows`` dicts of the devices that pass every filter
    (applied by the store's query); ``groups`` holds the variables of the groups those
    devices are in. Only with ``credentials`` do the rows hold the decrypted ``password`` and
    ``enable_secret``, with the key from the arguments or the environment. Raises
    SecretKeyError for a missing or wrong key and StoreError when the store cannot be read.
    With ``tenant``, only that tenant's devices (a tenant scope, see ``store.tenancy``).
    """
    box = None
    if credentials:
        box = SecretBox.from_options(secret_key=secret_key, secret_key_file=secret_key_file)
    arguments = {_SERVICE_FILTERS[key]: list(values) for key, values in filters.items()}
    with _reading(store_url) as session:
        set_scope(session, tenant)
        devices = DeviceService.inventory_rows(session, box=box, **arguments)
        named = {name for row in devices for name in row["groups"]}
        groups = DeviceGroupService.group_variables(session, named)
    return {"devices": devices, "groups": groups}
