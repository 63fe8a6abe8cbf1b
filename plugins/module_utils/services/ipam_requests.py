# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What an allocation is asked for and what it did: the request, its checks, the outcome,
and the errors that explain why a request cannot be met."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from ansible_collections.isp.network.plugins.module_utils.errors import (
    ConflictError,
    ExhaustedError,
    NotFoundError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.services.ipam_addresses import (
    Span,
    address_in,
    address_text,
    format_span,
    from_key,
    to_key,
)
from ansible_collections.isp.network.plugins.module_utils.services.ipam_pools import pool_usage
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import Device
from ansible_collections.isp.network.plugins.module_utils.store.models.ipam import (
    AllocationStatus,
    IPAllocation,
    IPPool,
)
from ansible_collections.isp.network.plugins.module_utils.store.tenancy import in_scope

MAX_COUNT = 100_000
_DEVICE_ID = select(col(Device.id), col(Device.tenant)).where(col(Device.name) == bindparam("name"))


@dataclass
class Outcome:
    """What an allocation or release did: the pool, the allocations concerned, and a word.

    ``status`` is one of: allocated, already allocated, updated, released, already released.
    """

    pool: IPPool | None
    allocations: list[IPAllocation]
    status: str
    new: list[IPAllocation] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Return True when the store changed."""
        return self.status in ("allocated", "updated", "released")


@dataclass
class Request:
    """One allocation request, as ``allocate`` receives it."""

    owner_type: str
    owner_id: str
    count: int = 1
    address: str | None = None
    prefix_length: int | None = None
    status: AllocationStatus = AllocationStatus.ALLOCATED
    device: str | None = None
    interface: str | None = None
    hostname: str | None = None
    description: str | None = None


def owner_text(owner_type: str, owner_id: str) -> str:
    """Return the owner as users write it: ``customer 123``."""
    return f"{owner_type} {owner_id}"


def resolve_device(session: Session, name: str | None) -> int | None:
    """Return the id of device ``name`` (None for None).

    Raises NotFoundError when it is unknown or outside the session's tenant scope.
    """
    if not name:
        return None
    row = session.connection().execute(_DEVICE_ID, {"name": name}).first()
    device_id = row.id if row is not None and in_scope(session, row.tenant) else None
    if device_id is None:
        raise NotFoundError(
            f"device '{name}' is not in the store; register it with isp.network.device first"
        )
    return device_id


def full_length(family: int) -> int:
    """Return the prefix length of one address of IP ``family``: 32 or 128."""
    return 32 if family == 4 else 128


def what(length: int, family: int) -> str:
    """Return what a /``length`` allocation is called in messages: address, or /N prefix."""
    return "address" if length == full_length(family) else f"/{length} prefix"


def check_request(pool: IPPool, request: Request) -> int:
    """Return the prefix length asked for, after checking the request; raises ValidationError."""
    if not str(request.owner_type or "").strip() or not str(request.owner_id or "").strip():
        raise ValidationError(
            f"an allocation from pool '{pool.name}' needs an owner; set assigned_to_type and "
            "assigned_to_id (for example customer and 123)"
        )
    if not 1 <= request.count <= MAX_COUNT:
        raise ValidationError(
            f"count {request.count} is out of range; ask for 1 to {MAX_COUNT} at once"
        )
    if request.address and request.count != 1:
        raise ValidationError(
            f"a specific address ({request.address}) is one allocation; leave count at 1"
        )
    network = ipaddress.ip_network(pool.network)
    length = network.max_prefixlen if request.prefix_length is None else request.prefix_length
    if not network.prefixlen <= length <= network.max_prefixlen:
        raise ValidationError(
            f"prefix length /{length} does not fit in pool '{pool.name}' ({pool.network}); "
            f"use /{network.prefixlen} to /{network.max_prefixlen}"
        )
    return length


def specific_span(pool: IPPool, request: Request, length: int) -> Span:
    """Return the span of the address or prefix the request names; raises ValidationError."""
    network = ipaddress.ip_network(pool.network)
    text = str(request.address).split("/", maxsplit=1)[0]
    start = address_in(network, text, what(length, pool.family), pool.name)
    size = 1 << (network.max_prefixlen - length)
    if start % size:
        aligned = address_text(pool.family, start - start % size)
        raise ValidationError(
            f"prefix {request.address} is not aligned on /{length}; use {aligned}/{length}"
        )
    return start, start + size - 1


def not_free(session: Session, pool: IPPool, span: Span, length: int) -> ConflictError:
    """Return the error for a specific span that is not free: who holds it, or reserved."""
    query = (
        select(IPAllocation)
        .where(IPAllocation.pool_id == pool.id, IPAllocation.start_key <= to_key(span[1]))
        .order_by(col(IPAllocation.start_key).desc())
        .limit(1)
    )
    holder = session.exec(query).first()
    text = (
        format_span(pool.family, span) if span[0] != span[1] else address_text(pool.family, span[0])
    )
    if holder is not None and from_key(holder.end_key) >= span[0]:
        who = owner_text(holder.assigned_to_type, holder.assigned_to_id)
        return ConflictError(
            f"{what(length, pool.family)} {text} in pool '{pool.name}' is already allocated to "
            f"{who}; choose another or release it first"
        )
    return ConflictError(
        f"{what(length, pool.family)} {text} in pool '{pool.name}' is reserved (network, "
        "broadcast, gateway or a reserved range); choose another"
    )


def exhausted(pool: IPPool, need: int, length: int) -> ExhaustedError:
    """Return the error for a pool without room for ``need`` /``length`` blocks."""
    usage = pool_usage(pool)
    handable = usage.size - usage.reserved + int(pool.count_reserved)
    used = handable - usage.free
    if length != full_length(pool.family) and need > 1:
        return ExhaustedError(
            f"pool '{pool.name}' has room for fewer than the {need} /{length} prefixes asked for "
            f"({used} of {handable} addresses used); ask for fewer, extend it or release prefixes"
        )
    if length != full_length(pool.family):
        return ExhaustedError(
            f"pool '{pool.name}' has no free /{length} left ({used} of {handable} addresses "
            "used); extend it or release prefixes"
        )
    if usage.free == 0:
        return ExhaustedError(
            f"pool '{pool.name}' has no free address ({used} of {handable} used); extend it "
            "or release addresses"
        )
    noun = "address" if usage.free == 1 else "addresses"
    return ExhaustedError(
        f"pool '{pool.name}' has {usage.free} free {noun}, fewer than the {need} asked for; "
        "ask for fewer, extend it or release addresses"
    )
