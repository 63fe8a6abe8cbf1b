# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tenant scope: what a session may read and change when it works for one tenant.

A scope is a tenant name carried in ``Session.info``. Whoever runs the automation sets it
(a module's ``store_tenant``, the inventory plugin, the lookup), not a task argument. Within
a scope:

- ORM reads and ORM bulk UPDATE / DELETE see only that tenant's devices and pools, and the
  rows that hang off them (addresses and prefixes of its pools; credentials, configurations,
  firmware updates, topology and audit events of its devices and pools). One
  ``do_orm_execute`` listener adds that criteria to every statement, so another tenant's
  object is exactly as absent as a missing one.
- Objects without a tenant (shared infrastructure) are outside every scope: a reseller
  neither sees nor changes the ISP's own core devices and pools.
- Core statements (``Table`` selects, ``session.connection().execute``) bypass the
  listener; the services that use them call ``in_scope`` or ``device_conditions``.
- Writes put new objects in the scope's tenant (``tenant_for``).

A module run sets a *process* scope (``set_process_scope``), which every session opened
during that run carries: services that open their own transactions (bulk configuration
pushes, firmware runners) are scoped too, worker threads included. A session's own
``info`` entry wins over the process scope.

SQLAlchemy is imported inside the functions, so that importing this costs a module nothing.
"""

from __future__ import annotations

import functools
from typing import Any

from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError

TENANT_ENV = "ISP_NETWORK_TENANT"
# The key of the scope in Session.info.
SCOPE_KEY = "isp_network_tenant"
# An execution option that lets one statement see past the scope: name and overlap checks,
# which must find clashes with every tenant's objects.
UNSCOPED = "isp_network_unscoped"
_MAX_LENGTH = 128

_process_scope: str | None = None
_listening = False


def check_tenant(value: Any) -> str | None:
    """Return the tenant name ``value`` stripped, or None when it is empty.

    Raises ValidationError when it is not text of at most 128 characters.
    """
    if value is None:
        return None
    if not isinstance(value, str) or len(value.strip()) > _MAX_LENGTH:
        raise ValidationError(
            f"tenant scope {value!r} is not usable; give a tenant name of 1-{_MAX_LENGTH} "
            f"characters in store_tenant or {TENANT_ENV}"
        )
    return value.strip() or None


def set_scope(session: Any, tenant: str | None) -> None:
    """Limit ``session`` to ``tenant`` (None: no scope, every object is visible)."""
    scope = check_tenant(tenant)
    if scope is not None:
        _listen()
    session.info[SCOPE_KEY] = scope


def set_process_scope(tenant: str | None) -> None:
    """Limit every session of this process that has no scope of its own to ``tenant``."""
    global _process_scope
    _process_scope = check_tenant(tenant)
    if _process_scope is not None:
        _listen()


def scope_of(session: Any) -> str | None:
    """Return the tenant ``session`` is limited to, or None when it sees everything."""
    return session.info.get(SCOPE_KEY, _process_scope)


def in_scope(session: Any, tenant: str | None) -> bool:
    """Return True when an object of ``tenant`` is visible to ``session``."""
    scope = scope_of(session)
    return scope is None or tenant == scope


def tenant_for(session: Any, value: str | None, what: str) -> str | None:
    """Return the tenant to store on ``what`` (a new or changed object) in this scope.

    Without a scope, ``value`` as given. Within one, the scope's tenant: a value left out
    means the scope's tenant, and raises ValidationError when ``value`` names another one.
    """
    scope = scope_of(session)
    if scope is None:
        return value
    if value is not None and value != scope:
        raise ValidationError(
            f"tenant {value!r} of {what} is outside this run's tenant scope {scope!r}; "
            f"leave tenant out or set it to {scope!r}"
        )
    return scope


def require_no_scope(session: Any, what: str) -> None:
    """Raise ValidationError when ``session`` has a tenant scope: ``what`` is store-wide."""
    scope = scope_of(session)
    if scope is not None:
        raise ValidationError(
            f"{what} changes every tenant's objects, and this run is limited to tenant "
            f"{scope!r}; run it without store_tenant or {TENANT_ENV}"
        )


def device_conditions(session: Any) -> list[Any]:
    """Return the WHERE conditions that keep a Core query of ``device`` within the scope."""
    from ansible_collections.isp.network.plugins.module_utils.store.models.devices import Device

    scope = scope_of(session)
    return [] if scope is None else [Device.__table__.c.tenant == scope]


def _listen() -> None:
    global _listening
    if _listening:
        return
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    event.listen(Session, "do_orm_execute", _limit_to_scope)
    _listening = True


def _limit_to_scope(state: Any) -> None:
    """Add the scope's criteria to an ORM SELECT, UPDATE or DELETE of a scoped session."""
    scope = scope_of(state.session)
    if scope is None or state.is_column_load or state.is_relationship_load:
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.execution_options.get(UNSCOPED):
        return
    state.statement = state.statement.options(*_criteria(scope))


@functools.lru_cache(maxsize=8)
def _criteria(scope: str) -> tuple[Any, ...]:
    # Built once per scope: every statement of a scoped session takes the same options.
    from sqlalchemy import String, and_, cast, or_, select
    from sqlalchemy.orm import with_loader_criteria

    from ansible_collections.isp.network.plugins.module_utils.store.models import (
        audit,
        config,
        devices,
        firmware,
        ipam,
        topology,
    )

    device_table = devices.Device.__table__
    pool_table = ipam.IPPool.__table__
    # Table-level subqueries: the listener never rewrites them, so they cannot recurse.
    device_ids = select(device_table.c.id).where(device_table.c.tenant == scope)
    pool_ids = select(pool_table.c.id).where(pool_table.c.tenant == scope)
    event = audit.AuditEvent
    options = [
        with_loader_criteria(devices.Device, devices.Device.tenant == scope),
        with_loader_criteria(ipam.IPPool, ipam.IPPool.tenant == scope),
        with_loader_criteria(ipam.IPAllocation, ipam.IPAllocation.pool_id.in_(pool_ids)),
        with_loader_criteria(ipam.IPFreeRange, ipam.IPFreeRange.pool_id.in_(pool_ids)),
        with_loader_criteria(
            topology.TopologyLink,
            and_(
                topology.TopologyLink.a_device_id.in_(device_ids),
                topology.TopologyLink.b_device_id.in_(device_ids),
            ),
        ),
        with_loader_criteria(
            event,
            or_(
                and_(
                    event.object_type == "device",
                    event.object_id.in_(
                        select(cast(device_table.c.id, String)).where(
                            device_table.c.tenant == scope
                        )
                    ),
                ),
                and_(
                    event.object_type == "ip_pool",
                    event.object_id.in_(
                        select(cast(pool_table.c.id, String)).where(pool_table.c.tenant == scope)
                    ),
                ),
            ),
        ),
    ]
    for model in (
        devices.DeviceCredential,
        config.DeviceConfiguration,
        firmware.FirmwareUpdate,
        topology.TopologyAlias,
        topology.TopologyInterface,
        topology.UnknownNeighbor,
    ):
        options.append(with_loader_criteria(model, model.device_id.in_(device_ids)))
    return tuple(options)
