"""The Python API for tests: start a lab in a background thread, or talk to a running one."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from lab import control
from lab.topology import Topology, load

if TYPE_CHECKING:
    from lab.server import LabServer


class LabError(RuntimeError):
    """A control request the lab refused, with its one-sentence reason."""


def napalm_arguments(entry: dict) -> dict:
    """Return keyword arguments for a NAPALM `ios` driver from one inventory entry."""
    optional = {"port": entry["port"], "dest_file_system": "flash:"}
    optional.update(entry.get("driver_options") or {})
    if entry.get("enable_secret"):
        optional["secret"] = entry["enable_secret"]
    return {
        "hostname": entry["hostname"],
        "username": entry["username"],
        "password": entry["password"],
        "optional_args": optional,
    }


class LabClient:
    """Talks to the lab that uses a state folder, whichever process runs it."""

    def __init__(self, state_dir: str | Path) -> None:
        self.state_dir = Path(state_dir)

    def _ask(self, op: str, **fields) -> dict:
        reply = control.request(self.state_dir, op, **fields)
        if not reply.get("ok"):
            raise LabError(reply.get("error", "the lab refused the request"))
        return reply

    def status(self) -> list[dict]:
        """Return one row per device (name, port, state, version, image, faults)."""
        return self._ask("status")["devices"]

    def inventory(self) -> list[dict]:
        """Return the inventory entries (see `python -m lab inventory`)."""
        return self._ask("inventory")["devices"]

    def device(self, name: str) -> dict:
        """Return the inventory entry of one device; raise LabError if unknown."""
        for entry in self.inventory():
            if entry["name"] == name:
                return entry
        raise LabError(f"device {name!r} is not in this lab")

    def port(self, name: str) -> int:
        """Return the SSH port of a device."""
        return int(control.runtime(self.state_dir)["ports"][name])

    def set_fault(self, device: str, fault: str, on: bool = True, value=None) -> None:
        """Switch a fault on (with its value) or off for one device, at once."""
        self._ask("fault", devices=[device], fault=fault, on=on, value=value)

    def clear_faults(self, device: str | None = None) -> None:
        """Switch off every fault of one device, or of all devices."""
        self._ask("clear", devices=[device] if device else None)

    def set_reload_seconds(self, seconds: float, device: str | None = None) -> None:
        """Set how long a reload keeps devices (one, or all) unreachable."""
        self._ask("reload_seconds", devices=[device] if device else None, value=seconds)

    def set_revert_minute_seconds(self, seconds: float, device: str | None = None) -> None:
        """Set how many seconds one minute of a revert timer lasts on devices (one, or all).

        Timers already running keep the length they were started with.
        """
        self._ask("revert_minute_seconds", devices=[device] if device else None, value=seconds)

    def napalm_args(self, name: str) -> dict:
        """Return keyword arguments for a NAPALM `ios` driver connecting to a device."""
        return napalm_arguments(self.device(name))

    def netmiko_args(self, name: str) -> dict:
        """Return keyword arguments for netmiko's ConnectHandler to a device."""
        entry = self.device(name)
        return {
            "device_type": "cisco_ios",
            "host": entry["hostname"],
            "port": entry["port"],
            "username": entry["username"],
            "password": entry["password"],
            "secret": entry.get("enable_secret", ""),
        }

    def stop(self) -> None:
        """Ask the lab to shut down."""
        self._ask("down")


class LocalLab(LabClient):
    """A lab running in a background thread of this process."""

    def __init__(self, server: LabServer, loop: asyncio.AbstractEventLoop, thread) -> None:
        super().__init__(server.state_dir)
        self.server = server
        self._loop = loop
        self._thread = thread

    def stop(self) -> None:
        """Stop every device and the thread; the state folder stays for inspection."""
        running = self._thread.is_alive() and not self._loop.is_closed()
        if running and not self.server.stopped.is_set():
            asyncio.run_coroutine_threadsafe(self.server.stop(), self._loop).result(30)
        self._thread.join(30)

    def __enter__(self) -> LocalLab:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def start_lab(
    topology: str | Path | Topology = "isp-small",
    state_dir: str | Path = "lab-state",
    base_port: int = 0,
    reload_seconds: float | None = 0.5,
    latency: float | None = None,
    revert_minute_seconds: float = 60.0,
) -> LocalLab:
    """Start a lab in a background thread and return it once every port is open.

    `base_port=0` gives every device a free port. `reload_seconds` and `latency` override
    the topology's values for every device (None keeps them). `revert_minute_seconds` is
    how long one minute of a revert timer (`configure ... revert timer N`) lasts.
    """
    from lab.server import LabServer

    spec = topology if isinstance(topology, Topology) else load(topology)
    server_box: dict = {}
    ready = threading.Event()

    def run() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        server_box["loop"] = loop
        try:
            server = LabServer(
                spec, Path(state_dir), base_port, reload_seconds, latency, revert_minute_seconds
            )
            server_box["server"] = server
            loop.run_until_complete(server.start())
        except (OSError, ValueError) as error:
            server_box["error"] = error
            if "server" in server_box:
                loop.run_until_complete(server_box["server"].stop())
            loop.close()
            ready.set()
            return
        ready.set()
        loop.run_until_complete(server.stopped.wait())
        loop.run_until_complete(asyncio.sleep(0.05))
        loop.close()

    thread = threading.Thread(target=run, name="lab", daemon=True)
    thread.start()
    ready.wait()
    if "error" in server_box:
        raise LabError(f"the lab did not start: {server_box['error']}")
    return LocalLab(server_box["server"], server_box["loop"], thread)
