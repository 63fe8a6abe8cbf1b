"""The lab process: every device of a topology served from one asyncio loop."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import asyncssh

from lab.control import RUNTIME_FILE, serve_control
from lab.device import Device
from lab.faults import FaultError
from lab.topology import Topology, TopologyError


class LabServer:
    """All devices of one topology, their SSH ports and the control channel."""

    def __init__(
        self,
        topology: Topology,
        state_dir: Path,
        base_port: int = 0,
        reload_seconds: float | None = None,
        latency: float | None = None,
        revert_minute_seconds: float = 60.0,
    ) -> None:
        self.topology = topology
        self.revert_minute_seconds = revert_minute_seconds
        self.state_dir = Path(state_dir)
        self.base_port = base_port
        self.devices: dict[str, Device] = {}
        self.stopped = asyncio.Event()
        self.control_port = 0
        self._control: asyncio.Server | None = None
        for spec in topology.devices.values():
            if reload_seconds is not None:
                spec.reload_seconds = reload_seconds
            if latency is not None:
                spec.latency = latency

    def _host_key(self) -> asyncssh.SSHKey:
        path = self.state_dir / "ssh_host_key"
        if path.exists():
            return asyncssh.read_private_key(str(path))
        key = asyncssh.generate_private_key("ssh-ed25519")
        key.write_private_key(str(path))
        return key

    async def start(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Prepare every device's state, open every SSH port and the control channel."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        owner = self.state_dir / "topology.json"
        if owner.exists():
            name = json.loads(owner.read_text()).get("name")
            if name != self.topology.name:
                raise TopologyError(
                    f"state folder {self.state_dir} holds topology {name!r}, not "
                    f"{self.topology.name!r}; use another --state folder or delete it"
                )
        owner.write_text(json.dumps({"name": self.topology.name}))
        key = self._host_key()
        total = len(self.topology.devices)
        for count, spec in enumerate(self.topology.devices.values(), start=1):
            device = Device(spec, self.topology, self.state_dir, self.devices)
            device.host_key = key
            device.revert_minute_seconds = self.revert_minute_seconds
            if self.base_port:
                device.port = self.base_port + spec.index
            device.prepare()
            self.devices[spec.name] = device
            if progress and count % 25 == 0:
                progress(count, total * 2)
        opened = 0
        for batch in _batches(list(self.devices.values()), 50):
            await asyncio.gather(*(device.update_listener() for device in batch))
            opened += len(batch)
            if progress:
                progress(total + opened, total * 2)
        self._control, self.control_port = await serve_control(self.handle)
        self._write_runtime()

    def _write_runtime(self) -> None:
        runtime = {
            "pid": os.getpid(),
            "control_port": self.control_port,
            "topology": self.topology.name,
            "started": time.time(),
            "ports": {name: device.port for name, device in self.devices.items()},
        }
        path = self.state_dir / RUNTIME_FILE
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(runtime, indent=2) + "\n")
        temporary.replace(path)

    async def stop(self) -> None:
        """Close every port and the control channel, and forget the runtime file."""
        for device in self.devices.values():
            await device.stop()
        if self._control is not None:
            self._control.close()
        (self.state_dir / RUNTIME_FILE).unlink(missing_ok=True)
        self.stopped.set()

    def inventory(self) -> list[dict]:
        """Return one entry per device, in the shape of the collection's bulk registration."""
        entries = []
        for device in self.devices.values():
            spec = device.spec
            entry = {
                "name": spec.name,
                "hostname": "127.0.0.1",
                "port": device.port,
                "ip_address": spec.mgmt,
                "platform": "ios",
                "device_type": spec.device_type,
                "vendor": "cisco",
                "model": spec.model,
                "serial": spec.serial,
                "site": spec.site or None,
                "username": spec.username,
                "password": spec.password,
                "enable_secret": spec.enable_secret or None,
                "driver_options": {"dest_file_system": "flash:"},
                "variables": {
                    "role": spec.role,
                    "domain": spec.domain,
                    "fqdn": f"{spec.name}.{spec.domain}",
                },
            }
            entries.append({key: value for key, value in entry.items() if value is not None})
        return entries

    def status(self) -> list[dict]:
        """Return one row per device: port, state, booted version and image, faults.

        A device is only reported ``up`` once its SSH port listens again: between the end of
        its boot and the port opening it is ``booting``, so a caller that waits for ``up``
        can connect at once.
        """
        return [
            {
                "name": name,
                "port": device.port,
                "state": _shown_state(device),
                "listening": device.listener is not None,
                "version": device.version,
                "image": device.booted_image,
                "sessions": len(device.connections),
                "faults": device.faults.active(),
            }
            for name, device in self.devices.items()
        ]

    async def handle(self, request: dict) -> dict:
        """Answer one control request (status, inventory, fault, clear, timings, down)."""
        op = request.get("op")
        if op == "status":
            return {"ok": True, "devices": self.status()}
        if op == "inventory":
            return {"ok": True, "devices": self.inventory()}
        if op == "down":
            asyncio.get_running_loop().call_soon(lambda: asyncio.ensure_future(self.stop()))
            return {"ok": True}
        names = request.get("devices") or list(self.devices)
        unknown = [name for name in names if name not in self.devices]
        if unknown:
            return {"ok": False, "error": f"device {unknown[0]!r} is not in this lab"}
        if op == "fault":
            try:
                for name in names:
                    await self.devices[name].set_fault(
                        request["fault"], request.get("on", True), request.get("value")
                    )
            except FaultError as error:
                return {"ok": False, "error": str(error)}
            return {"ok": True}
        if op == "clear":
            for name in names:
                device = self.devices[name]
                for fault in list(device.faults.active()):
                    await device.set_fault(fault, False)
            return {"ok": True}
        if op == "reload_seconds":
            for name in names:
                self.devices[name].reload_seconds = float(request["value"])
            return {"ok": True}
        if op == "revert_minute_seconds":
            for name in names:
                self.devices[name].revert_minute_seconds = float(request["value"])
            return {"ok": True}
        return {"ok": False, "error": f"unknown request {op!r}"}


def _batches(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _shown_state(device) -> str:
    if device.state == "up" and device.accepting and device.listener is None:
        return "booting"
    return device.state
