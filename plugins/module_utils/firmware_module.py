# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the firmware modules do with their options: one service call each.

Kept out of the module files so that each module stays its documentation and argument
spec. The store libraries are imported inside the functions, after options are parsed.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.isp.network.plugins.module_utils.module import run_in_store, secret_box

FIRMWARE_PATH_ENV = "ISP_NETWORK_FIRMWARE_PATH"
DEVICE_TYPES = ["router", "switch", "firewall", "olt", "access_point", "cpe", "server", "other"]
STEPS = ["precheck", "backup", "stage", "activate", "verify", "rollback"]


def service(module: Any) -> Any:
    """Return a FirmwareService on the folder the module's options name."""
    from ansible_collections.isp.network.plugins.module_utils.services.firmware import (
        FirmwareService,
    )

    return FirmwareService(firmware_storage_path=module.params.get("firmware_path"))


def optional_box(module: Any) -> Any:
    """Return the credential cipher, or None when no key is configured (checked on use)."""
    from ansible_collections.isp.network.plugins.module_utils.errors import SecretKeyError

    try:
        return secret_box(module)
    except SecretKeyError:
        return None


def run_firmware(module: Any) -> None:
    """Run isp.network.firmware: register (present) or remove (absent) an image."""
    params = module.params
    firmware = service(module)

    def work(session: Any) -> dict[str, Any]:
        from ansible_collections.isp.network.plugins.module_utils.services import (
            firmware_images as lib,
        )
        from ansible_collections.isp.network.plugins.module_utils.services.firmware_view import (
            image_to_dict,
        )

        if params["state"] == "absent":
            image = _find_image(session, params)
            if image is None:
                return {"changed": False, "image": {}, "msg": "firmware image already absent"}
            shown = image_to_dict(image)
            if not module.check_mode:
                firmware.remove_firmware(session, image.id)
            result = {"changed": True, "image": {}, "msg": f"firmware image {image.id} deleted"}
            return {**result, **({"diff": {"before": shown, "after": {}}} if module._diff else {})}

        spec = lib.check_spec(
            lib.ImageSpec(
                params["version"],
                params["device_type"],
                params["manufacturer"],
                tuple(params["models"] or ()),
                params["release_notes"],
            )
        )
        if module.check_mode:
            return _planned_image(session, spec, params)
        image, created = firmware.register_firmware(
            session,
            spec.version,
            spec.device_type,
            spec.manufacturer,
            list(spec.models),
            params["path"],
            spec.release_notes,
            expected_sha256=params["sha256"],
        )
        shown = image_to_dict(image)
        word = "created" if created else "already exists"
        result = {"changed": created, "image": shown, "msg": f"firmware image {image.id} {word}"}
        if module._diff and created:
            result["diff"] = {"before": {}, "after": shown}
        return result

    run_in_store(module, work)


def _find_image(session: Any, params: dict[str, Any]) -> Any:
    from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError
    from ansible_collections.isp.network.plugins.module_utils.services import (
        firmware_images as lib,
    )
    from ansible_collections.isp.network.plugins.module_utils.store.models.firmware import (
        FirmwareImage,
    )

    if params["id"] is not None:
        return session.get(FirmwareImage, params["id"])
    sha256 = params["sha256"] or (
        lib.digest_file(params["path"]).sha256 if params["path"] else None
    )
    if sha256:
        return lib.find_by_sha256(session, sha256)
    found = lib.list_images(
        session,
        version=params["version"],
        device_type=params["device_type"],
        manufacturer=params["manufacturer"],
    )
    if len(found) > 1:
        raise ValidationError(
            f"{len(found)} firmware images have version {params['version']!r}; name the one to "
            "remove by id, sha256 or path"
        )
    return found[0] if found else None


def _planned_image(session: Any, spec: Any, params: dict[str, Any]) -> dict[str, Any]:
    from ansible_collections.isp.network.plugins.module_utils.errors import (
        ConflictError,
        ValidationError,
    )
    from ansible_collections.isp.network.plugins.module_utils.services import (
        firmware_images as lib,
    )
    from ansible_collections.isp.network.plugins.module_utils.services.firmware_view import (
        image_to_dict,
    )

    digest = lib.digest_file(params["path"])
    expected = (params["sha256"] or "").strip().lower()
    if expected and expected != digest.sha256:
        raise ValidationError(
            f"firmware file {str(digest.path)!r} has sha256 {digest.sha256}, not the expected "
            f"{expected}; check the download and run again"
        )
    existing = lib.find_by_sha256(session, digest.sha256)
    if existing is not None:
        differing = lib.planned_conflict(existing, spec)
        if differing:
            raise ConflictError(
                f"firmware file {digest.path.name!r} is already registered as image "
                f"{existing.id} with other {', '.join(differing)}; remove that image first"
            )
        shown = image_to_dict(existing)
        return {
            "changed": False,
            "image": shown,
            "msg": f"firmware image {existing.id} already exists",
        }
    shown = {
        "id": None,
        "version": spec.version,
        "device_type": spec.device_type,
        "manufacturer": spec.manufacturer,
        "models": list(spec.models),
        "filename": digest.path.name,
        "size": digest.size,
        "md5": digest.md5,
        "sha256": digest.sha256,
        "release_notes": spec.release_notes,
    }
    return {"changed": True, "image": shown, "msg": "firmware image created"}


def run_firmware_info(module: Any) -> None:
    """Run isp.network.firmware_info: the images matching the filters."""
    params = module.params

    def work(session: Any) -> dict[str, Any]:
        from ansible_collections.isp.network.plugins.module_utils.services import (
            firmware_images as lib,
        )
        from ansible_collections.isp.network.plugins.module_utils.services.firmware_view import (
            image_to_dict,
        )

        if params["id"] is not None:
            images = [lib.get_image(session, params["id"])]
        else:
            images = lib.list_images(
                session,
                version=params["version"],
                device_type=params["device_type"],
                manufacturer=params["manufacturer"],
                model=params["model"],
            )
        return {"changed": False, "images": [image_to_dict(image) for image in images]}

    run_in_store(module, work, write=False)
