# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the address management modules do, from their parameters to their result dicts.

No Ansible here: each function takes a session and the module's ``params`` and returns the
dict the module exits with (``changed``, ``result``, ``msg``, the objects, ``diff``), so
that modules stay a page of documentation and one call.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError
from ansible_collections.isp.network.plugins.module_utils.services import ipam_pools
from ansible_collections.isp.network.plugins.module_utils.services.ipam import (
    IPPoolService,
    Outcome,
    Request,
)
from ansible_collections.isp.network.plugins.module_utils.services.ipam_requests import (
    owner_text,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.ipam import IPPool

S = IPPoolService


def pool_with_usage(pool: IPPool) -> dict[str, Any]:
    """Return the pool as a dict with its ``usage``."""
    return {**ipam_pools.pool_dict(pool), "usage": ipam_pools.pool_usage(pool).as_dict()}


def pool_task(session: Session, params: dict[str, Any]) -> dict[str, Any]:
    """Bring pool ``params['name']`` to ``params['state']``; return the module result."""
    name = params["name"]
    existing = ipam_pools.find_pool(session, name)
    before = ipam_pools.pool_dict(existing) if existing is not None else {}

    if params["state"] == "absent":
        deleted = S.delete_pool(session, name, force=bool(params.get("force")))
        word = "deleted" if deleted is not None else "already absent"
        return _result(word, f"pool '{name}' {word}", before, {}, pool={})

    if existing is None and not params.get("network"):
        raise ValidationError(f"pool '{name}' does not exist; give its network to create it")
    fields = {field: params.get(field) for field in ipam_pools.POOL_FIELDS}
    pool, word, changed = S.ensure_pool(session, name, **fields)
    after = ipam_pools.pool_dict(pool)
    return _result(
        word,
        f"pool '{name}' {word}",
        before,
        after,
        pool=pool_with_usage(pool),
        changed_fields=changed,
    )


def pool_info(session: Session, params: dict[str, Any]) -> dict[str, Any]:
    """Return the pools matching the module's filters, each with its usage."""
    pools = S.list_pools(
        session,
        names=params.get("name") or (),
        vrf=params.get("vrf"),
        pool_type=params.get("pool_type"),
        site=params.get("site"),
        tenant=params.get("tenant"),
    )
    return {"changed": False, "pools": [pool_with_usage(pool) for pool in pools]}


def _result(word: str, msg: str, before: Any, after: Any, **objects: Any) -> dict[str, Any]:
    return {
        "changed": word in ("created", "updated", "deleted", "allocated", "released"),
        "result": word,
        "msg": msg,
        **objects,
        "diff": {"before": before, "after": after},
    }


def _owner(params: dict[str, Any], needed_for: str) -> tuple[str, str] | None:
    owner_type, owner_id = params.get("assigned_to_type"), params.get("assigned_to_id")
    if bool(owner_type) != bool(owner_id):
        raise ValidationError(
            f"{needed_for} needs both assigned_to_type and assigned_to_id, or neither"
        )
    return (owner_type, str(owner_id)) if owner_type else None


def _describe(dicts: list[dict[str, Any]], noun: str) -> str:
    if len(dicts) == 1:
        return f"{noun} {dicts[0]['cidr']}"
    return f"{len(dicts)} {noun}es"


def allocation_task(session: Session, params: dict[str, Any], *, prefix: bool) -> dict[str, Any]:
    """Allocate (present) or release (absent) addresses, or child prefixes with ``prefix``.

    Returns the module result: ``allocations`` (dicts), ``address`` or ``prefix`` (the first
    one), ``result``, ``msg`` and ``diff``.
    """
    noun = "prefix" if prefix else "address"
    target = params.get(noun)
    pool_name = params["pool"]
    if params["state"] == "absent":
        return _release(session, params, noun, target, prefix)

    owner = _owner(params, f"allocating from pool '{pool_name}'")
    if owner is None:
        raise ValidationError(
            f"allocating from pool '{pool_name}' needs an owner; set assigned_to_type and "
            "assigned_to_id (for example customer and 123)"
        )
    if prefix and not params.get("prefix_length") and not target:
        raise ValidationError(
            f"a child prefix from pool '{pool_name}' needs prefix_length (or a prefix)"
        )
    length = params.get("prefix_length")
    if prefix and target and "/" in str(target):
        length = int(str(target).rsplit("/", 1)[1])
    request = Request(
        owner[0],
        owner[1],
        count=1 if params.get("count") is None else params["count"],
        address=target,
        prefix_length=length if prefix else None,
        status=params.get("status") or "allocated",
        device=params.get("device"),
        interface=params.get("interface"),
        hostname=params.get("hostname"),
        description=params.get("description"),
    )
    outcome = S.allocate(session, pool_name, request)
    return _allocation_result(session, outcome, noun, owner)


def _allocation_result(
    session: Session, outcome: Outcome, noun: str, owner: tuple[str, str]
) -> dict[str, Any]:
    dicts = S.allocation_dicts(session, outcome.allocations, outcome.pool)
    new_ids = {allocation.id for allocation in outcome.new}
    before = [entry["cidr"] for entry in dicts if entry["id"] not in new_ids]
    after = [entry["cidr"] for entry in dicts]
    msg = (
        f"{_describe(dicts, noun)} {outcome.status} to {owner_text(*owner)} "
        f"from pool '{outcome.pool.name}'"
    )
    return _result(
        outcome.status,
        msg,
        {"allocations": before},
        {"allocations": after},
        allocations=dicts,
        **{noun: dicts[0]},
    )


def _release(
    session: Session, params: dict[str, Any], noun: str, target: str | None, prefix: bool
) -> dict[str, Any]:
    pool_name = params["pool"]
    owner = _owner(params, f"releasing from pool '{pool_name}'")
    if target:
        outcome = (
            S.release_prefix(session, target, pool_name)
            if prefix
            else S.release_ip(session, target, pool_name)
        )
        what = f"{noun} {target}"
    elif owner is not None:
        length = params.get("prefix_length") if prefix else None
        outcome = S.release_owner(session, pool_name, owner[1], owner[0], prefix_length=length)
        what = f"what {owner_text(*owner)} held"
    else:
        raise ValidationError(
            f"releasing from pool '{pool_name}' needs the {noun}, or assigned_to_type and "
            "assigned_to_id"
        )
    dicts = S.allocation_dicts(session, outcome.allocations, outcome.pool)
    cidrs = [entry["cidr"] for entry in dicts]
    owners = {(entry["assigned_to_type"], entry["assigned_to_id"]) for entry in dicts}
    if len(owners) == 1:
        what = f"{_describe(dicts, noun)} of {owner_text(*owners.pop())}"
    msg = f"{what} {outcome.status} in pool '{pool_name}'"
    return _result(outcome.status, msg, {"allocations": cidrs}, {"allocations": []}, released=dicts)


def address_info(session: Session, params: dict[str, Any]) -> dict[str, Any]:
    """Return the allocations matching the module's filters."""
    found = S.list_allocations(
        session,
        pool=params.get("pool"),
        owner_type=params.get("assigned_to_type"),
        owner_id=params.get("assigned_to_id"),
        device=params.get("device"),
        address=params.get("address"),
        kind=params.get("kind"),
    )
    return {"changed": False, "allocations": S.allocation_dicts(session, found)}
