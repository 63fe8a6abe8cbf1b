"""SSH transport: one asyncssh listener per device, the interactive shell, and the SCP sink."""

from __future__ import annotations

import codecs
import hashlib
import shlex
from typing import TYPE_CHECKING

import asyncssh

from lab.flash import FlashError, split_path
from lab.session import Session

if TYPE_CHECKING:
    from lab.device import Device


class _Server(asyncssh.SSHServer):
    def __init__(self, device: Device) -> None:
        self.device = device
        self.connection: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.connection = conn
        self.device.connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        self.device.connections.discard(self.connection)

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        spec = self.device.spec
        if self.device.faults.reject_password:
            return False
        return username == spec.username and password == spec.password


async def listen(device: Device) -> asyncssh.SSHAcceptor:
    """Open the device's SSH port (its fixed port, or a free one the first time)."""

    async def handle(process: asyncssh.SSHServerProcess) -> None:
        await _handle(device, process)

    return await asyncssh.create_server(
        lambda: _Server(device),
        "127.0.0.1",
        device.port,
        server_host_keys=[device.host_key],
        process_factory=handle,
        encoding=None,
        line_editor=False,
        reuse_address=True,
        keepalive_interval=0,
    )


async def _handle(device: Device, process: asyncssh.SSHServerProcess) -> None:
    command = process.command
    try:
        if command and command.split()[:1] == ["scp"]:
            await _scp_sink(device, process, command)
        elif command:
            await _exec(device, process, command)
        else:
            await _shell(device, process)
    except (asyncssh.Error, BrokenPipeError, ConnectionError):
        return


def _dropper(process: asyncssh.SSHServerProcess):
    def drop() -> None:
        connection = process.channel.get_connection()
        connection.abort()

    return drop


async def _shell(device: Device, process: asyncssh.SSHServerProcess) -> None:
    def write(text: str) -> None:
        if text and not process.is_closing():
            process.stdout.write(text.encode())

    session = Session(device, write, _dropper(process))
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    session.start()
    while not session.closed:
        try:
            data = await process.stdin.read(4096)
        except asyncssh.BreakReceived:
            continue
        if not data:
            break
        await session.feed(decoder.decode(data))
    if not session.closed:
        process.exit(0)


async def _exec(device: Device, process: asyncssh.SSHServerProcess, command: str) -> None:
    output: list[str] = []
    session = Session(device, output.append, lambda: None)
    session.privileged = True
    reply = await session.run(command)
    text = reply if isinstance(reply, str) else ""
    process.stdout.write(text.replace("\n", "\r\n").encode())
    process.exit(0)


async def _scp_sink(device: Device, process: asyncssh.SSHServerProcess, command: str) -> None:
    args = shlex.split(command)
    if "-t" not in args:
        process.stdout.write(b"\x02scp: only uploads (-t) are supported\n")
        process.exit(1)
        return
    target = args[-1]
    parts = split_path(target)
    if parts is None:
        process.stdout.write(f"\x02scp: {target}: No such device\n".encode())
        process.exit(1)
        return
    reader, writer = process.stdin, process.stdout
    writer.write(b"\x00")
    while True:
        line = await reader.readline()
        if not line:
            break
        kind = line[:1]
        if kind in (b"T", b"E"):
            writer.write(b"\x00")
            continue
        if kind != b"C":
            writer.write(b"\x02scp: unsupported request\n")
            break
        _, size_text, name = line.decode().rstrip("\n").split(" ", 2)
        dest = parts[1] or name
        if not await _receive(device, process, dest, int(size_text)):
            break
    process.exit(0)


async def _receive(
    device: Device, process: asyncssh.SSHServerProcess, name: str, size: int
) -> bool:
    reader, writer = process.stdin, process.stdout
    flash, faults = device.flash, device.faults
    try:
        path = flash.path(name)
    except FlashError:
        writer.write(f"\x02scp: flash:/{name}: Invalid file name\n".encode())
        return False
    if size > flash.free():
        writer.write(f"\x02scp: flash:/{name}: No space left on device\n".encode())
        return False
    writer.write(b"\x00")
    partial = path.with_name(f".{name}.partial")
    digest = hashlib.md5(usedforsecurity=False)
    received = 0
    drop_midway = bool(faults.drop_on) and "scp".startswith(faults.drop_on.split()[0])
    with partial.open("wb") as handle:
        while received < size:
            piece = await reader.read(min(1 << 16, size - received))
            if not piece:
                partial.unlink(missing_ok=True)
                return False
            if faults.corrupt_transfer and received <= size // 2 < received + len(piece):
                spot = size // 2 - received
                piece = piece[:spot] + bytes([piece[spot] ^ 0xFF]) + piece[spot + 1 :]
            received += len(piece)
            digest.update(piece)
            handle.write(piece)
            if drop_midway and received >= size // 2:
                partial.unlink(missing_ok=True)
                _dropper(process)()
                return False
    await reader.readexactly(1)
    partial.replace(path)
    flash.note_md5(name, digest.hexdigest())
    writer.write(b"\x00")
    return True
