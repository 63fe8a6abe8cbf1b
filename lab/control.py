"""The control channel: JSON lines over a local TCP port named in the state folder."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path

RUNTIME_FILE = "lab.json"


class LabNotRunning(RuntimeError):
    """No lab answers for a state folder."""


async def serve_control(
    handler: Callable[[dict], Awaitable[dict]],
) -> tuple[asyncio.Server, int]:
    """Start the control server on a free local port; return it and the port."""

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while line := await reader.readline():
                try:
                    request = json.loads(line)
                    reply = await handler(request)
                except (ValueError, KeyError, TypeError) as error:
                    reply = {"ok": False, "error": f"bad control request: {error}"}
                writer.write(json.dumps(reply).encode() + b"\n")
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(client, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


def runtime(state_dir: str | Path) -> dict:
    """Return the runtime record of the lab using a state folder; raise LabNotRunning."""
    path = Path(state_dir) / RUNTIME_FILE
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise LabNotRunning(f"no lab is running with state folder {state_dir}") from error


def request(state_dir: str | Path, op: str, timeout: float = 30.0, **fields) -> dict:
    """Send one control request to the lab of a state folder and return its reply."""
    port = runtime(state_dir)["control_port"]
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
            connection.sendall(json.dumps({"op": op, **fields}).encode() + b"\n")
            data = b""
            while not data.endswith(b"\n"):
                piece = connection.recv(65536)
                if not piece:
                    break
                data += piece
    except OSError as error:
        raise LabNotRunning(f"the lab of state folder {state_dir} does not answer") from error
    if not data:
        raise LabNotRunning(f"the lab of state folder {state_dir} closed the control channel")
    return json.loads(data)
