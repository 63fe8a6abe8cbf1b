# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the topology modules do with their options: one service call each.

Kept out of the module files so that each module stays its documentation and argument
spec. The store libraries are imported inside the functions, after the options are parsed.
"""

from __future__ import annotations

import os
import stat
import tempfile
from contextlib import suppress
from typing import Any

from ansible_collections.isp.network.plugins.module_utils.module import (
    run_in_store,
    secret_box,
)
from ansible_collections.isp.network.plugins.module_utils.topology.formats import (
    EXPORT_FORMATS as _FORMATS,
)

# The module's choices: the service's formats, from a module that imports nothing heavy.
EXPORT_FORMATS = list(_FORMATS)


def _device_id(session: Any, name: str) -> int:
    from ansible_collections.isp.network.plugins.module_utils.services.devices import (
        DeviceService,
    )

    return DeviceService.get_device_by_name(session, name).id


def run_discover(module: Any) -> None:
    """Run isp.network.topology_discover; exits the module."""
    params = module.params

    def work(session: Any) -> dict[str, Any]:
        from ansible_collections.isp.network.plugins.module_utils.errors import SecretKeyError
        from ansible_collections.isp.network.plugins.module_utils.services.topology import (
            TopologyService,
        )

        try:
            box = secret_box(module)
        except SecretKeyError:
            # Devices without stored secrets are still readable; the service says when not.
            box = None
        roots = [_device_id(session, name) for name in params["roots"]]
        result = TopologyService.discover_topology(
            session,
            roots,
            params["max_depth"],
            box=box,
            workers=params["workers"],
            timeout=params["timeout"],
            register_unknown=params["register_unknown"],
            counters=params["counters"],
        )
        run = result["run"]
        links = result["links"]
        result["msg"] = (
            f"discovery run {run['id']} {run['status']}: {run['devices_read']} devices read, "
            f"{len(run['errors'])} failed, {links['seen']} links seen ({links['added']} new, "
            f"{links['stale']} stale), {result['unknown_neighbors']} unknown neighbours"
        )
        return result

    run_in_store(module, work)


def run_info(module: Any) -> None:
    """Run isp.network.topology_info; exits the module."""
    params = module.params

    def work(session: Any) -> dict[str, Any]:
        from ansible_collections.isp.network.plugins.module_utils.services.topology import (
            TopologyService,
        )

        result: dict[str, Any] = {"changed": False}
        if params["device"]:
            result["neighbors"] = TopologyService.get_device_neighbors(
                session, _device_id(session, params["device"]), params["max_depth"]
            )
        result["links"] = TopologyService.list_links(
            session, params["device"], params["link_status"]
        )
        result["unknown_neighbors"] = TopologyService.list_unknown_neighbors(session)
        result["runs"] = TopologyService.list_runs(session, params["runs"])
        if params["compare_runs"]:
            first, second = params["compare_runs"]
            result["diff_runs"] = TopologyService.diff_runs(session, first, second)
        return result

    run_in_store(module, work, write=False)


def run_analyze(module: Any) -> None:
    """Run isp.network.topology_analyze; exits the module."""
    params = module.params

    def work(session: Any) -> dict[str, Any]:
        from ansible_collections.isp.network.plugins.module_utils.services.topology import (
            TopologyService,
        )
        from ansible_collections.isp.network.plugins.module_utils.topology.report import (
            report_text,
        )

        report = TopologyService.analyze_topology(session, params["core"], params["include_stale"])
        summary = report["summary"]
        return {
            "changed": False,
            "report": report,
            "text": report_text(report),
            "msg": f"{summary['devices']} devices, {summary['links']} links, "
            f"{summary['single_points_of_failure']} single points of failure",
        }

    run_in_store(module, work, write=False)


def run_export(module: Any) -> None:
    """Run isp.network.topology_export; writes the file unless it is unchanged or check mode."""
    params = module.params
    dest = params["dest"]

    def work(session: Any) -> dict[str, Any]:
        from ansible_collections.isp.network.plugins.module_utils.services.topology import (
            TopologyService,
        )

        content = TopologyService.export_topology(
            session,
            params["format"],
            core=params["core"],
            title=params["title"],
            live=params["live"],
        )
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        changed = not _same_file(dest, data)
        if changed and not module.check_mode:
            _write_atomically(dest, data)
        word = "written" if changed else "already up to date"
        return {
            "changed": changed,
            "dest": dest,
            "format": params["format"],
            "size": len(data),
            "msg": f"{params['format']} export {dest!r} {word}",
        }

    run_in_store(module, work)


def _same_file(path: str, data: bytes) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False


def _write_atomically(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one rename; raises ValidationError naming the path.

    A new file gets the mode the umask allows (as Ansible's own file modules give it); a
    file that exists keeps its mode.
    """
    from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError

    folder = os.path.dirname(path) or os.curdir
    if not os.path.isdir(folder):
        raise ValidationError(f"folder {folder!r} of dest does not exist; create it first")
    temporary = None
    try:
        mode = _mode_for(path)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".topology-")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as exc:
        if temporary is not None:
            with suppress(OSError):
                os.unlink(temporary)
        raise ValidationError(
            f"dest {path!r} cannot be written ({exc.strerror or exc}); give a writable file path"
        ) from None


def _mode_for(path: str) -> int:
    # The mode of the file being replaced, else what the umask leaves of 0666.
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
