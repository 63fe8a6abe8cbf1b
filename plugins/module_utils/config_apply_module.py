# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the isp.network.config_apply module applies to each device: one text for all, a
text per device, a template's renderings, or each device's stored intended configuration.

Kept out of the module file so that the module stays its documentation and argument spec.
The store libraries are imported inside the functions, after the module has parsed its
options.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError


def candidates(module: Any) -> tuple[dict[str, str], set[str]]:
    """Return the text to apply per device ({} for each device's stored intended one), and
    the devices that got a new intended version (the store changed for them).

    With ``template``: rendered for every device and stored as intended (not in check mode);
    the texts are returned only in check mode, as a real run applies the stored rows.
    Raises ValidationError for ``configs`` that do not match ``devices``.
    """
    from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
        ConfigurationService,
    )
    from ansible_collections.isp.network.plugins.module_utils.store.engine import (
        run_transaction,
    )

    params = module.params
    if params["config"] is not None:
        return dict.fromkeys(params["devices"], params["config"]), set()
    if params["configs"]:
        return _per_device(params["devices"], params["configs"]), set()
    if not params["template"]:
        return {}, set()

    def render(session) -> list:
        template = ConfigurationService.get_template(
            session, params["template"], params["template_version"]
        )
        return ConfigurationService.generate_configurations(
            session,
            template,
            dict.fromkeys(params["devices"]),
            common=params["variables"],
            store=not module.check_mode,
        )

    generated = run_transaction(render, params["store_url"], what="the store")
    stored = {config.device for config in generated if config.created}
    if module.check_mode:
        return {config.device: config.content for config in generated}, stored
    return {}, stored


def _per_device(devices: list[str], configs: dict[str, Any]) -> dict[str, str]:
    # Each device's own text: one for every device listed, and none for a device not listed.
    missing = [name for name in devices if name not in configs]
    if missing:
        raise ValidationError(
            f"configs has no text for devices {missing}; give each device in devices an entry"
        )
    extra = sorted(str(name) for name in configs if name not in devices)
    if extra:
        raise ValidationError(
            f"configs names devices {extra} that are not in devices; add them to devices or "
            "remove their entries"
        )
    wrong = sorted(name for name in devices if not isinstance(configs[name], str))
    if wrong:
        raise ValidationError(
            f"configs gives devices {wrong} something other than text; give each a "
            "configuration as a string"
        )
    return {name: configs[name] for name in devices}
