# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FirmwareService: the Python API of the image library and of firmware updates.

Each concern lives in its own ``firmware_*`` module: the image library, scheduling, the
state machine, the steps, the device operations and the snapshots. This class gathers them
under the names the project's seed uses. Every method takes the caller's session, except
``run_update``, which commits each step in a transaction of its own and so takes the
store URL.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from ansible_collections.isp.network.plugins.module_utils.services import firmware_images as lib
from ansible_collections.isp.network.plugins.module_utils.services import (
    firmware_schedule as plan,
)
from ansible_collections.isp.network.plugins.module_utils.services.devices import DeviceService
from ansible_collections.isp.network.plugins.module_utils.services.firmware_runner import (
    RunOptions,
    run_update,
)
from ansible_collections.isp.network.plugins.module_utils.services.firmware_view import (
    update_to_dict,
)
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import Device
from ansible_collections.isp.network.plugins.module_utils.store.models.firmware import (
    FirmwareImage,
    FirmwareUpdate,
)


class FirmwareService:
    """Images kept by content hash, and updates run as a resumable, verified procedure."""

    def __init__(self, firmware_storage_path: str | Path | None = None) -> None:
        """Use ``firmware_storage_path`` as the firmware folder (default: see docs)."""
        chosen = firmware_storage_path or lib.default_firmware_path()
        self.root = Path(chosen).expanduser()

    def upload_firmware(
        self,
        session: Session,
        version: str,
        device_type: str,
        manufacturer: str,
        model: str | list[str] | None,
        firmware_file: str | Path,
        release_notes: str | None = None,
        *,
        expected_sha256: str | None = None,
        actor: str | None = None,
    ) -> FirmwareImage:
        """Register an image file (copied into the firmware folder) and return it.

        The same file again returns the registered image unchanged. Raises ValidationError
        and ConflictError (see ``register_firmware``).
        """
        return self.register_firmware(
            session,
            version,
            device_type,
            manufacturer,
            model,
            firmware_file,
            release_notes,
            expected_sha256=expected_sha256,
            actor=actor,
        )[0]

    def register_firmware(
        self,
        session: Session,
        version: str,
        device_type: str,
        manufacturer: str,
        model: str | list[str] | None,
        firmware_file: str | Path,
        release_notes: str | None = None,
        *,
        expected_sha256: str | None = None,
        actor: str | None = None,
    ) -> tuple[FirmwareImage, bool]:
        """Register an image file; return it and whether it was created.

        Raises ValidationError (bad value, unreadable file, sha256 not ``expected_sha256``)
        and ConflictError (the same file is registered with other details).
        """
        models = [model] if isinstance(model, str) else list(model or [])
        spec = lib.ImageSpec(version, device_type, manufacturer, tuple(models), release_notes)
        return lib.register_image(
            session, self.root, spec, firmware_file, expected_sha256=expected_sha256, actor=actor
        )

    @staticmethod
    def get_firmware(session: Session, firmware_id: int) -> FirmwareImage:
        """Return image ``firmware_id``; raises NotFoundError."""
        return lib.get_image(session, firmware_id)

    @staticmethod
    def find_firmware(session: Session, sha256: str) -> FirmwareImage | None:
        """Return the image whose content has ``sha256``, or None."""
        return lib.find_by_sha256(session, sha256)

    @staticmethod
    def list_firmware(session: Session, **filters: str | None) -> list[FirmwareImage]:
        """Return images filtered by version, device_type, manufacturer and model."""
        return lib.list_images(session, **filters)

    def remove_firmware(
        self, session: Session, firmware_id: int, *, actor: str | None = None
    ) -> FirmwareImage:
        """Delete an image and its file; raises NotFoundError, or ConflictError when in use."""
        image = lib.get_image(session, firmware_id)
        lib.remove_image(session, self.root, image, actor=actor)
        return image

    @staticmethod
    def schedule_update(
        session: Session,
        device_id: int,
        firmware_id: int,
        scheduled_time: datetime | str | None = None,
        *,
        window_end: datetime | str | None = None,
        actor: str | None = None,
    ) -> FirmwareUpdate:
        """Schedule an update of a device to an image and return it (the open one if same).

        Raises NotFoundError, ValidationError (does not fit, bad time) and ConflictError.
        """
        return FirmwareService.schedule(
            session, device_id, firmware_id, scheduled_time, window_end=window_end, actor=actor
        )[0]

    @staticmethod
    def schedule(
        session: Session,
        device_id: int,
        firmware_id: int,
        scheduled_time: datetime | str | None = None,
        *,
        window_end: datetime | str | None = None,
        actor: str | None = None,
    ) -> tuple[FirmwareUpdate, bool]:
        """Like ``schedule_update``, but also return whether the update was created."""
        device = DeviceService.get_device(session, device_id)
        image = lib.get_image(session, firmware_id)
        return plan.schedule_update(
            session, device, image, scheduled_time, window_end=window_end, actor=actor
        )

    @staticmethod
    def cancel_update(session: Session, task_id: int, *, actor: str | None = None) -> bool:
        """Cancel a scheduled update; return whether it changed.

        Raises NotFoundError, and ConflictError when it has started or ended.
        """
        row = plan.get_update(session, task_id)
        device = session.get(Device, row.device_id)
        return plan.cancel_update(session, row, device.name, actor=actor)

    @staticmethod
    def get_update(session: Session, task_id: int) -> FirmwareUpdate:
        """Return update ``task_id``; raises NotFoundError."""
        return plan.get_update(session, task_id)

    @staticmethod
    def get_update_status(session: Session, task_id: int) -> dict[str, Any]:
        """Return the status of update ``task_id`` (state, steps, times, error, what remains)."""
        row = plan.get_update(session, task_id)
        device = session.get(Device, row.device_id)
        return update_to_dict(row, device.name if device else None)

    @staticmethod
    def get_update_history(
        session: Session,
        device_id: int | None = None,
        states: list[str] | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Return the statuses of the updates of a device (or all), newest first."""
        rows = plan.list_updates(session, device_id=device_id, states=states, limit=limit)
        return _with_names(session, rows)

    @staticmethod
    def list_due_updates(session: Session, now: datetime | None = None) -> list[dict[str, Any]]:
        """Return the statuses of the updates due now (see ``firmware_schedule.due_updates``)."""
        return _with_names(session, plan.due_updates(session, now))

    def run_update(
        self,
        task_id: int,
        *,
        store_url: str | None = None,
        box: Any = None,
        options: RunOptions | None = None,
        actor: str | None = None,
    ) -> list[str]:
        """Run update ``task_id`` from where it stands; return the steps this run performed.

        Device failures end the update as failed or rolled back (see its status); raises
        NotFoundError, ValidationError, BusyError (another runner has it), SecretKeyError.
        """
        return run_update(
            task_id, store_url=store_url, root=self.root, box=box, options=options, actor=actor
        )


def _with_names(session: Session, rows: list[FirmwareUpdate]) -> list[dict[str, Any]]:
    ids = {row.device_id for row in rows}
    names = {}
    if ids:
        from sqlmodel import select

        found = session.exec(select(Device.id, Device.name).where(Device.id.in_(ids)))
        names = dict(found.all())
    return [update_to_dict(row, names.get(row.device_id)) for row in rows]
