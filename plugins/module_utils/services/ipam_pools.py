# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Address pools: create, change, delete, lock, and report their usage."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Union

from sqlalchemy import func, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ansible_collections.isp.network.plugins.module_utils.errors import (
    ConflictError,
    NotFoundError,
)
from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.services.ipam_addresses import (
    complement,
    excluded_spans,
    format_span,
    from_key,
    parse_ranges,
    span_size,
    to_key,
)
from ansible_collections.isp.network.plugins.module_utils.services.ipam_freespace import (
    replace_free_spans,
)
from ansible_collections.isp.network.plugins.module_utils.services.ipam_pool_fields import (
    POOL_FIELDS,
    normalise_fields,
)
from ansible_collections.isp.network.plugins.module_utils.store.engine import (
    RetryTransaction,
    is_sqlite,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.base import utcnow
from ansible_collections.isp.network.plugins.module_utils.store.models.ipam import (
    IPAllocation,
    IPPool,
    IPPoolType,
)
from ansible_collections.isp.network.plugins.module_utils.store.tenancy import (
    UNSCOPED,
    in_scope,
    scope_of,
    tenant_for,
)

# typing.Union, not X | Y: the alias is evaluated at runtime, and module_utils must import on
# every Python ansible-test targets (pylint's unsupported-binary-operation).
PoolRef = Union[int, str]  # noqa: UP007
# An arbitrary constant that names "the pool layout lock" to PostgreSQL: creating or
# resizing pools is serialised so two overlapping pools cannot both pass the overlap check.
_PG_POOL_LAYOUT_LOCK = 0x15F_4E8
# Changing one of these changes which addresses may be handed out.
_LAYOUT_FIELDS = frozenset({"pool_type", "gateway", "reserved_ranges"})


@dataclass(frozen=True)
class PoolUsage:
    """How full a pool is. Counts are exact integers (IPv6 sizes included).

    ``reserved`` counts the addresses never handed out (network, broadcast, gateway,
    reserved ranges) plus allocations with status ``reserved``; ``utilisation`` is the
    percentage of the handable addresses (``size`` minus the never-handed-out ones) in use.
    """

    pool: str
    network: str
    size: int
    allocated: int
    reserved: int
    free: int
    utilisation: float
    warning_threshold: int
    above_threshold: bool

    def as_dict(self) -> dict[str, Any]:
        """Return the usage as a plain dict."""
        return asdict(self)


def pool_dict(pool: IPPool) -> dict[str, Any]:
    """Return the fields of ``pool`` a user sees, as plain values."""
    return {
        "id": pool.id,
        "name": pool.name,
        **{field: _plain(getattr(pool, field)) for field in POOL_FIELDS},
        "family": pool.family,
        "prefix_length": ipaddress.ip_network(pool.network).prefixlen,
    }


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, IPPoolType) else value


def get_pool(session: Session, pool: PoolRef) -> IPPool:
    """Return the pool with id or name ``pool``; raises NotFoundError when there is none."""
    found = find_pool(session, pool)
    if found is None:
        raise missing_pool(pool)
    return found


def missing_pool(pool: PoolRef) -> NotFoundError:
    """Return the error for a pool that does not exist (or is outside the tenant scope)."""
    return NotFoundError(
        f"pool {pool!r} is not in the store; create it with isp.network.ip_pool first"
    )


def find_pool(session: Session, pool: PoolRef, *, lock: bool = False) -> IPPool | None:
    """Return the pool with id or name ``pool``, or None; ``lock`` takes its row lock."""
    column = IPPool.id if isinstance(pool, int) else IPPool.name
    query = select(IPPool).where(column == pool).execution_options(populate_existing=True)
    if lock:
        query = query.with_for_update()
    return session.exec(query).first()


def lock_pool(session: Session, pool: PoolRef) -> IPPool:
    """Return the pool, locked for this transaction (a row lock on PostgreSQL).

    On SQLite the write session already holds the database lock (BEGIN IMMEDIATE).
    Raises NotFoundError when there is no such pool.
    """
    found = find_pool(session, pool, lock=True)
    if found is None:
        get_pool(session, pool)
    return found


def list_pools(
    session: Session,
    *,
    names: Iterable[str] = (),
    vrf: str | None = None,
    pool_type: str | None = None,
    site: str | None = None,
    tenant: str | None = None,
) -> list[IPPool]:
    """Return the pools that match every filter given, by name."""
    query = select(IPPool)
    names = list(names)
    if names:
        query = query.where(col(IPPool.name).in_(names))
    for column, value in (
        (IPPool.vrf, vrf),
        (IPPool.pool_type, pool_type),
        (IPPool.site, site),
        (IPPool.tenant, tenant),
    ):
        if value is not None:
            query = query.where(column == value)
    return list(session.exec(query.order_by(col(IPPool.name))))


def pool_usage(pool: IPPool) -> PoolUsage:
    """Return the usage of ``pool`` from its counters (no scan of allocations)."""
    size, excluded = int(pool.size_total), int(pool.count_excluded)
    allocated, reserved = int(pool.count_allocated), int(pool.count_reserved)
    handable = size - excluded
    used = allocated + reserved
    utilisation = round(100 * used / handable, 2) if handable else 100.0
    return PoolUsage(
        pool=pool.name,
        network=pool.network,
        size=size,
        allocated=allocated,
        reserved=excluded + reserved,
        free=handable - used,
        utilisation=utilisation,
        warning_threshold=pool.warning_threshold,
        above_threshold=utilisation >= pool.warning_threshold,
    )


def free_count(pool: IPPool) -> int:
    """Return how many addresses of ``pool`` are free, from its counters."""
    return pool_usage(pool).free


def _layout(pool: IPPool) -> tuple[int, int, list[tuple[int, int]]]:
    network = ipaddress.ip_network(pool.network)
    gateway = ipaddress.ip_address(pool.gateway) if pool.gateway else None
    reserved = parse_ranges(network, pool.reserved_ranges, pool.name)
    excluded = excluded_spans(network, IPPoolType(pool.pool_type), gateway, reserved)
    return int(network.network_address), int(network.broadcast_address), excluded


def _lock_layout(session: Session) -> None:
    if not is_sqlite(session.get_bind()):
        session.exec(text(f"SELECT pg_advisory_xact_lock({_PG_POOL_LAYOUT_LOCK})"))


def _check_no_overlap(session: Session, name: str, vrf: str, network: str) -> None:
    parsed = ipaddress.ip_network(network)
    first, last = to_key(int(parsed.network_address)), to_key(int(parsed.broadcast_address))
    # Every tenant's pools count: a VRF's address space is one, whoever holds a part of it.
    query = select(IPPool).where(
        IPPool.vrf == vrf,
        IPPool.name != name,
        IPPool.family == parsed.version,
        IPPool.first_key <= last,
        IPPool.last_key >= first,
    )
    clash = session.exec(query.limit(1).execution_options(**{UNSCOPED: True})).first()
    if clash is None:
        return
    if not in_scope(session, clash.tenant):
        raise ConflictError(
            f"network {network} of pool '{name}' overlaps a pool outside tenant scope "
            f"{scope_of(session)!r} in VRF '{vrf}'; choose a network that does not overlap, "
            "or another VRF"
        )
    raise ConflictError(
        f"network {network} of pool '{name}' overlaps pool '{clash.name}' ({clash.network}) "
        f"in VRF '{vrf}'; choose a network that does not overlap, or another VRF"
    )


def _check_name_free(session: Session, name: str) -> None:
    """Raise ConflictError when a pool outside the tenant scope already has ``name``."""
    if scope_of(session) is None:
        return
    query = select(IPPool.id).where(IPPool.name == name).execution_options(**{UNSCOPED: True})
    if session.exec(query).first() is not None:
        raise ConflictError(
            f"pool name '{name}' is already taken in the store; choose another name"
        )


def _apply_layout(session: Session, pool: IPPool) -> None:
    """Recompute the pool's free runs and excluded count from its fields and allocations."""
    first, last, excluded = _layout(pool)
    held = [
        (from_key(start), from_key(end))
        for start, end in session.exec(
            select(IPAllocation.start_key, IPAllocation.end_key).where(
                IPAllocation.pool_id == pool.id
            )
        )
    ]
    for start, end in held:
        for low, high in excluded:
            if start <= high and low <= end:
                raise ConflictError(
                    f"pool '{pool.name}' cannot reserve {format_span(pool.family, (start, end))}: "
                    "it is allocated; release it first, or leave it out of the gateway and the "
                    "reserved ranges"
                )
    pool.size_total = str(last - first + 1)
    pool.count_excluded = str(span_size(excluded))
    replace_free_spans(session, pool.id, complement(first, last, [*excluded, *held]))


def create_pool(session: Session, name: str, **fields: Any) -> IPPool:
    """Create and return pool ``name``; raises ValidationError or ConflictError."""
    _lock_layout(session)
    if find_pool(session, name) is not None:
        raise ConflictError(f"pool '{name}' already exists; choose another name")
    _check_name_free(session, name)

    values = normalise_fields(name, fields)
    values["tenant"] = tenant_for(session, values["tenant"], f"pool '{name}'")
    _check_no_overlap(session, name, values["vrf"], values["network"])
    network = ipaddress.ip_network(values["network"])
    pool = IPPool(
        name=name,
        family=network.version,
        first_key=to_key(int(network.network_address)),
        last_key=to_key(int(network.broadcast_address)),
        **values,
    )
    session.add(pool)
    try:
        session.flush()
    except IntegrityError:
        raise RetryTransaction() from None
    _apply_layout(session, pool)
    AuditService.record(
        session, "ip.pool.create", "ip_pool", pool.id, name, details={"network": pool.network}
    )
    return pool


def update_pool(session: Session, pool: PoolRef, **fields: Any) -> tuple[IPPool, list[str]]:
    """Apply ``fields`` to the pool; return it and the names of the fields that changed.

    Raises ConflictError when the network would change, or a new exclusion covers an
    allocated address; ValidationError for bad values.
    """
    _lock_layout(session)
    current = lock_pool(session, pool)
    merged = {field: getattr(current, field) for field in POOL_FIELDS}
    merged.update({key: value for key, value in fields.items() if value is not None})
    values = normalise_fields(current.name, merged)
    values["tenant"] = tenant_for(session, values["tenant"], f"pool '{current.name}'")
    if values["network"] != current.network:
        raise ConflictError(
            f"pool '{current.name}' has network {current.network}, not {values['network']}; "
            "a pool's network cannot change: create a new pool"
        )
    changed = [field for field in POOL_FIELDS if values[field] != getattr(current, field)]
    if not changed:
        return current, []

    if "vrf" in changed:
        _check_no_overlap(session, current.name, values["vrf"], current.network)
    for field in changed:
        setattr(current, field, values[field])
    current.updated_at = utcnow()
    if _LAYOUT_FIELDS.intersection(changed):
        _apply_layout(session, current)
    session.add(current)
    session.flush()
    AuditService.record(
        session, "ip.pool.update", "ip_pool", current.id, current.name, changed_fields=changed
    )
    return current, changed


def delete_pool(session: Session, pool: PoolRef, *, force: bool = False) -> IPPool | None:
    """Delete the pool and return it, or return None when it is already absent.

    Raises ConflictError while it holds allocations, unless ``force``.
    """
    current = find_pool(session, pool, lock=True)
    if current is None:
        return None

    held = session.exec(
        select(func.count()).select_from(IPAllocation).where(IPAllocation.pool_id == current.id)
    ).one()
    if held and not force:
        raise ConflictError(
            f"pool '{current.name}' still holds {held} allocation(s); release them first "
            "or delete it with force"
        )
    session.delete(current)
    session.flush()
    AuditService.record(
        session,
        "ip.pool.delete",
        "ip_pool",
        current.id,
        current.name,
        details={"network": current.network, "released": held},
    )
    return current
