# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the firmware update modules do: schedule or cancel, report, and run updates.

``firmware_upgrade`` cannot run in one transaction (each step commits on its own), so it
calls the runner with the store URL; every other path goes through ``run_in_store``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ansible_collections.isp.network.plugins.module_utils.firmware_module import (
    optional_box,
    service,
)
from ansible_collections.isp.network.plugins.module_utils.module import (
    failing_cleanly,
    run_in_store,
)

ENDED_BADLY = ("failed", "rolled_back")


def _device_names(params: dict[str, Any]) -> list[str]:
    return [params["device"]] if params.get("device") else list(params.get("devices") or [])


def _pick_image(session: Any, params: dict[str, Any], device: Any) -> int:
    from ansible_collections.isp.network.plugins.module_utils.errors import NotFoundError
    from ansible_collections.isp.network.plugins.module_utils.services import (
        firmware_images as lib,
    )

    if params["firmware_id"] is not None:
        return params["firmware_id"]
    device_type = getattr(device.device_type, "value", device.device_type)
    found = lib.list_images(
        session, version=params["version"], device_type=device_type, model=device.model
    )
    if not found:
        raise NotFoundError(
            f"no firmware image of version {params['version']!r} fits device {device.name!r} "
            f"({device_type}, {device.model or 'unknown model'}); register one with "
            "isp.network.firmware"
        )
    return found[-1].id


def run_firmware_update(module: Any) -> None:
    """Run isp.network.firmware_update: schedule (state=scheduled) or cancel updates."""
    params = module.params

    def work(session: Any) -> dict[str, Any]:
        from ansible_collections.isp.network.plugins.module_utils.services.devices import (
            DeviceService,
        )
        from ansible_collections.isp.network.plugins.module_utils.services.firmware import (
            FirmwareService,
        )
        from ansible_collections.isp.network.plugins.module_utils.services.firmware_schedule import (  # noqa: E501
            open_update_of,
        )

        results, updates = [], []
        targets: list[tuple[str, Any]] = []
        if params["update_id"] is not None:
            row = FirmwareService.get_update(session, params["update_id"])
            targets.append((DeviceService.get_device(session, row.device_id).name, row))
        for name in _device_names(params):
            device = DeviceService.get_device_by_name(session, name)
            if params["state"] == "cancelled":
                targets.append((name, open_update_of(session, device.id)))
                continue
            row, created = FirmwareService.schedule(
                session,
                device.id,
                _pick_image(session, params, device),
                params["scheduled_time"],
                window_end=params["window_end"],
            )
            word = "created" if created else "already exists"
            results.append({"device": name, "id": row.id, "result": word, "changed": created})
            updates.append(FirmwareService.get_update_status(session, row.id))
        for name, row in targets:
            if row is None:
                results.append({"device": name, "id": None, "result": "already absent"})
                results[-1]["changed"] = False
                continue
            changed = FirmwareService.cancel_update(session, row.id)
            word = "cancelled" if changed else "already cancelled"
            results.append({"device": name, "id": row.id, "result": word, "changed": changed})
            updates.append(FirmwareService.get_update_status(session, row.id))
        changed = any(result["changed"] for result in results)
        words = ", ".join(f"{r['device']}: {r['result']}" for r in results) or "nothing to do"
        return {"changed": changed, "results": results, "updates": updates, "msg": words}

    run_in_store(module, work)


def run_firmware_update_info(module: Any) -> None:
    """Run isp.network.firmware_update_info: statuses, history, what is due, a table."""
    params = module.params

    def work(session: Any) -> dict[str, Any]:
        from ansible_collections.isp.network.plugins.module_utils.services.devices import (
            DeviceService,
        )
        from ansible_collections.isp.network.plugins.module_utils.services.firmware import (
            FirmwareService,
        )
        from ansible_collections.isp.network.plugins.module_utils.services.firmware_view import (
            summary_table,
        )

        if params["ids"]:
            updates = [FirmwareService.get_update_status(session, i) for i in params["ids"]]
        elif params["due"]:
            updates = FirmwareService.list_due_updates(session)
        else:
            device_id = None
            if params["device"]:
                device_id = DeviceService.get_device_by_name(session, params["device"]).id
            updates = FirmwareService.get_update_history(
                session, device_id, params["states"], params["limit"]
            )
        if params["device"] and (params["ids"] or params["due"]):
            updates = [update for update in updates if update["device"] == params["device"]]
        return {"changed": False, "updates": updates, "table": summary_table(updates)}

    run_in_store(module, work, write=False)


def _targets(session: Any, params: dict[str, Any]) -> list[int]:
    from ansible_collections.isp.network.plugins.module_utils.errors import NotFoundError
    from ansible_collections.isp.network.plugins.module_utils.services.devices import (
        DeviceService,
    )
    from ansible_collections.isp.network.plugins.module_utils.services.firmware import (
        FirmwareService,
    )
    from ansible_collections.isp.network.plugins.module_utils.services.firmware_schedule import (
        open_update_of,
    )

    ids = list(params["update_ids"] or [])
    for name in _device_names(params):
        row = open_update_of(session, DeviceService.get_device_by_name(session, name).id)
        if row is None:
            raise NotFoundError(
                f"device {name!r} has no open firmware update; schedule one with "
                "isp.network.firmware_update"
            )
        ids.append(row.id)
    if params["due"]:
        ids += [update["id"] for update in FirmwareService.list_due_updates(session)]
    return list(dict.fromkeys(ids))


def run_firmware_upgrade(module: Any) -> None:
    """Run isp.network.firmware_upgrade: run updates (or one step), in parallel threads."""
    from ansible_collections.isp.network.plugins.module_utils.errors import IspNetworkError
    from ansible_collections.isp.network.plugins.module_utils.services.firmware import (
        FirmwareService,
    )
    from ansible_collections.isp.network.plugins.module_utils.services.firmware_runner import (
        RunOptions,
    )
    from ansible_collections.isp.network.plugins.module_utils.services.firmware_steps import (
        StepTimeouts,
    )
    from ansible_collections.isp.network.plugins.module_utils.services.firmware_view import (
        summary_table,
    )
    from ansible_collections.isp.network.plugins.module_utils.store.engine import session_scope

    params = module.params
    url = params.get("store_url")
    with failing_cleanly(module):
        with session_scope(url, write=False) as session:
            ids = _targets(session, params)
            before = {i: FirmwareService.get_update_status(session, i) for i in ids}
        if module.check_mode:
            plans = [
                {"id": i, "device": s["device"], "state": s["state"], "steps": s["remaining_steps"]}
                for i, s in before.items()
            ]
            changed = any(plan["steps"] for plan in plans)
            module.exit_json(
                changed=changed,
                results=plans,
                updates=list(before.values()),
                table=summary_table(before.values()),
                msg=f"{len(ids)} updates planned",
            )
        firmware, box = service(module), optional_box(module)
        timeouts = StepTimeouts(
            reload_timeout=params["reload_timeout"],
            settle_timeout=params["settle_timeout"],
            poll_interval=params["poll_interval"],
        )
        options = RunOptions(
            timeouts=timeouts,
            connect_timeout=params["connect_timeout"],
            lease_seconds=params["lease_seconds"],
            step=params["step"],
        )

        def one(update_id: int) -> dict[str, Any]:
            try:
                steps = firmware.run_update(update_id, store_url=url, box=box, options=options)
                return {"id": update_id, "steps": steps, "error": None}
            except IspNetworkError as exc:
                return {"id": update_id, "steps": [], "error": str(exc)}

        with ThreadPoolExecutor(max_workers=max(1, min(params["parallel"], len(ids) or 1))) as pool:
            runs = list(pool.map(one, ids))
        with session_scope(url, write=False) as session:
            after = [FirmwareService.get_update_status(session, i) for i in ids]
    results = []
    for run, status in zip(runs, after, strict=True):
        bad = status["state"] in ENDED_BADLY or run["error"] is not None
        results.append(
            {
                "id": run["id"],
                "device": status["device"],
                "state": status["state"],
                "steps": run["steps"],
                "failed": bad,
                "error": run["error"] or (status["error"] if bad else None),
            }
        )
    failed = [r for r in results if r["failed"]]
    result = {
        "changed": any(r["steps"] for r in results),
        "results": results,
        "updates": after,
        "table": summary_table(after),
        "msg": f"{len(results)} updates run, {len(failed)} failed",
    }
    if failed and params["fail_on_error"]:
        module.fail_json(**{**result, "msg": f"{result['msg']}: {failed[0]['error']}"})
    module.exit_json(**result)
