"""One simulated device: its persistent state, its SSH listener, boot and reload."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from pathlib import Path
from typing import TYPE_CHECKING

from lab import rollback
from lab.confmodel import Config, Node
from lab.faults import Faults
from lab.flash import Flash, split_path
from lab.grammar import parse
from lab.images import read_image, write_image
from lab.startconfig import starting_config
from lab.topology import DeviceSpec, Topology

if TYPE_CHECKING:
    import asyncssh


class Device:
    """A device of the running lab: configuration, flash, boot state and faults."""

    def __init__(self, spec: DeviceSpec, topology: Topology, root: Path, registry: dict) -> None:
        self.spec = spec
        self.topology = topology
        self.registry = registry
        self.dir = root / "devices" / spec.name
        self.flash = Flash(self.dir / "flash", spec.flash_size)
        self.faults = Faults()
        self.reload_seconds = spec.reload_seconds
        # A rollback-confirmed change waiting for `configure confirm`, and how long one
        # minute of its revert timer lasts (`start_lab(revert_minute_seconds=...)`).
        self.pending_change: rollback.PendingChange | None = None
        self.revert_minute_seconds = 60.0
        self.running = Config()
        self.booted_image = spec.image
        self.version = spec.version
        self.boot_time = time.time()
        self.last_change = time.time()
        self.state = "down"
        self.port = 0
        self.host_key: asyncssh.SSHKey | None = None
        self.listener: asyncssh.SSHAcceptor | None = None
        self.connections: set = set()
        self._tasks: set[asyncio.Task] = set()
        self._listener_lock = asyncio.Lock()
        self._holder: socket.socket | None = None

    @property
    def hostname(self) -> str:
        """Return the hostname the running configuration sets."""
        return self.running.hostname()

    @property
    def accepting(self) -> bool:
        """Return whether the device answers SSH now."""
        return self.state == "up" and not self.faults.refuse

    def prepare(self) -> None:
        """Load the persisted state, or create it from the topology on first start."""
        meta = self.dir / "device.json"
        if meta.exists():
            data = json.loads(meta.read_text())
            self.booted_image = data.get("booted_image", self.spec.image)
            self.version = data.get("version", self.spec.version)
            running = self.dir / "running-config"
            self.running = parse(running.read_text()) if running.exists() else self._startup()
        else:
            self.dir.mkdir(parents=True, exist_ok=True)
            if not self.flash.exists(self.spec.image):
                write_image(
                    self.flash.path(self.spec.image),
                    self.spec.version,
                    self.spec.image_size,
                    self.spec.platform,
                )
            self.running = starting_config(self.spec, self.topology)
            self.write_memory()
            self._save_meta()
        self.persist_running()
        self.state = "up"

    def _startup(self) -> Config:
        return parse(self.startup_text())

    def startup_text(self) -> str:
        """Return the startup configuration as saved in NVRAM."""
        path = self.dir / "nvram" / "startup-config"
        return path.read_text() if path.exists() else ""

    def write_startup(self, text: str) -> None:
        """Replace the startup configuration."""
        path = self.dir / "nvram" / "startup-config"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def write_memory(self) -> None:
        """Save the running configuration as the startup configuration."""
        self.write_startup(self.running.render())

    def persist_running(self) -> None:
        """Write the running configuration to the state folder."""
        (self.dir / "running-config").write_text(self.running.render())

    def with_ports(self, config: Config) -> Config:
        """Return `config` with a block for every port of the device (ports never vanish)."""
        for name in self.spec.ports:
            header = f"interface {name}"
            if config.block(header) is None:
                config.root.children.append(Node(header, block=True))
        return config

    def set_running(self, config: Config) -> None:
        """Make `config` the running configuration, keeping every port block."""
        self.running = self.with_ports(config)
        self.changed()

    def changed(self) -> None:
        """Record a change to the running configuration."""
        self.last_change = time.time()
        self.persist_running()

    def _save_meta(self) -> None:
        meta = {"booted_image": self.booted_image, "version": self.version}
        (self.dir / "device.json").write_text(json.dumps(meta, indent=2) + "\n")

    def boot_variable(self, config: Config | None = None) -> list[str]:
        """Return the flash file names the `boot system` lines name, in order."""
        names = []
        for value in (config or self.running).values("boot", "system"):
            parts = split_path(value.split()[-1])
            if parts:
                names.append(parts[1])
        return names

    async def boot(self) -> None:
        """Boot: the first valid image the saved boot variable names, else the previous one."""
        startup = self._startup()
        chosen = None
        for name in self.boot_variable(startup):
            info = await asyncio.to_thread(read_image, self.flash.path(name))
            if self.flash.exists(name) and info and info.valid:
                chosen = (name, info.version)
                break
        if self.faults.wrong_version:
            chosen = await self._other_image(chosen)
        if chosen is not None:
            self.booted_image, self.version = chosen
        rollback.forget(self)
        self.set_running(startup)
        self._save_meta()
        self.boot_time = time.time()
        self.state = "up"

    async def _other_image(self, chosen: tuple[str, str] | None) -> tuple[str, str] | None:
        wanted = chosen[1] if chosen else self.version
        if self.version != wanted:
            return self.booted_image, self.version
        for name, _, _ in self.flash.files():
            info = await asyncio.to_thread(read_image, self.flash.path(name))
            if info and info.valid and info.version != wanted:
                return name, info.version
        return chosen

    def schedule(self, coroutine) -> asyncio.Task:
        """Run a coroutine in the background, keeping a reference until it ends; return it."""
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def begin_reload(self) -> None:
        """Start a reload now; it goes on in the background."""
        self.state = "reloading"
        self.schedule(self.reload())

    async def reload(self) -> None:
        """Drop every session, refuse SSH while rebooting, then boot (unless told not to)."""
        self.state = "reloading"
        for connection in list(self.connections):
            connection.abort()
        await self.update_listener()
        if self.faults.no_return:
            self.state = "dead"
            return
        await asyncio.sleep(self.reload_seconds)
        await self.boot()
        await self.update_listener()

    async def update_listener(self) -> None:
        """Open or close the SSH port to match whether the device accepts connections.

        While closed, the port stays bound without listening: clients get `connection
        refused`, as from a rebooting router, and no other process can take the port.
        """
        from lab.ssh import listen

        async with self._listener_lock:
            if self.accepting and self.listener is None:
                self._release_port()
                self.listener = await listen(self)
                self.port = self.listener.sockets[0].getsockname()[1]
            elif not self.accepting and self.listener is not None:
                listener, self.listener = self.listener, None
                listener.close()
                self._hold_port()
                await listener.wait_closed()

    def _hold_port(self) -> None:
        holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            holder.bind(("127.0.0.1", self.port))
        except OSError:
            holder.close()
            return
        self._holder = holder

    def _release_port(self) -> None:
        if self._holder is not None:
            self._holder.close()
            self._holder = None

    async def set_fault(self, name: str, on: bool = True, value=None) -> None:
        """Switch a fault on or off and apply its effect at once."""
        self.faults.set(name, on, value)
        self.flash.full = self.faults.flash_full
        if name == "no_return" and not on and self.state == "dead":
            self.state = "reloading"
            self.schedule(self._revive())
        await self.update_listener()

    async def _revive(self) -> None:
        await asyncio.sleep(self.reload_seconds)
        await self.boot()
        await self.update_listener()

    async def stop(self) -> None:
        """Close the listener and every session."""
        for connection in list(self.connections):
            connection.abort()
        if self.listener is not None:
            self.listener.close()
            self.listener = None
        self._release_port()
        for task in list(self._tasks):
            task.cancel()

    def peer(self, name: str) -> Device | None:
        """Return another device of the lab by topology name."""
        return self.registry.get(name)

    def port_names(self) -> list[str]:
        """Return the interfaces of the running configuration, in configuration order."""
        return [
            node.text.split(None, 1)[1]
            for node in self.running.root.children
            if node.block and node.text.startswith("interface ")
        ]
