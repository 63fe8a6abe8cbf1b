"""The `python -m lab` command line: up, down, status, fault, inventory, image, generate."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from lab import control
from lab.api import LabClient, LabError
from lab.faults import FAULTS, FaultError
from lab.generator import generate
from lab.images import image_name, write_image
from lab.topology import TopologyError, load

console = Console()
errors = Console(stderr=True)
DEFAULT_STATE = "lab-state"
PID_FILE = "lab.pid"


class CliError(Exception):
    """An error the user can fix; printed as one sentence."""


def _size(text: str) -> int:
    match = re.fullmatch(r"(\d+)([KMG]?)B?", text.strip().upper())
    if not match:
        raise argparse.ArgumentTypeError(f"size {text!r} is not a number of bytes like 4096 or 64M")
    return int(match.group(1)) * {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[match.group(2)]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lab", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def sub(name: str, text: str, state: bool = True) -> argparse.ArgumentParser:
        command = commands.add_parser(name, help=text, description=text)
        if state:
            command.add_argument("--state", default=DEFAULT_STATE, help="the lab's state folder")
        return command

    up = sub("up", "start a lab from a topology (isp-small, scale-N or a YAML file)")
    up.add_argument("topology")
    up.add_argument(
        "--base-port", type=int, default=10001, help="first SSH port; 0 picks free ports"
    )
    up.add_argument("--detach", action="store_true", help="run in the background (pid file)")
    up.add_argument("--reload-seconds", type=float, help="override every device's reload time")
    up.add_argument("--latency", type=float, help="seconds added to every answer")
    up.add_argument(
        "--revert-minute-seconds",
        type=float,
        default=60.0,
        help="seconds one minute of a revert timer lasts (default 60)",
    )
    up.add_argument("--quiet", action="store_true", help=argparse.SUPPRESS)
    sub("down", "stop the lab")
    sub("status", "show every device of the lab")
    fault = sub("fault", "switch a fault on or off: " + ", ".join(FAULTS))
    fault.add_argument("device")
    fault.add_argument("fault", choices=list(FAULTS))
    fault.add_argument(
        "value",
        nargs="?",
        help="the value of a fault that takes one: "
        + ", ".join(name for name, what in FAULTS.items() if what),
    )
    fault.add_argument("--off", action="store_true")
    inventory = sub("inventory", "print the devices as YAML for bulk device registration")
    inventory.add_argument("--out", type=Path)
    image = sub("image", "write a firmware image file", state=False)
    image.add_argument("version")
    image.add_argument("--size", type=_size, default=1 << 20, help="bytes (K, M, G suffixes)")
    image.add_argument("--platform", default="isr4400")
    image.add_argument("--out", type=Path)
    generated = sub("generate", "write a generated N-device topology file", state=False)
    generated.add_argument("size", type=int)
    generated.add_argument("--out", type=Path)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    handler = globals()[f"_{args.command}"]
    try:
        handler(args)
    except (CliError, LabError, control.LabNotRunning, TopologyError, FaultError) as error:
        errors.print(f"[red]error:[/red] {error}", soft_wrap=True)
        return 1
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        errors.print(f"[red]error:[/red] {error.strerror or error}{where}", soft_wrap=True)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def _running_pid(state: Path) -> int | None:
    try:
        pid = control.runtime(state)["pid"]
        os.kill(pid, 0)
    except (control.LabNotRunning, ProcessLookupError, PermissionError, KeyError):
        return None
    return pid


def _up(args: argparse.Namespace) -> None:
    state = Path(args.state)
    pid = _running_pid(state)
    if pid is not None:
        raise CliError(f"a lab already runs with state folder {state} (pid {pid}); stop it first")
    topology = load(args.topology)
    if args.detach:
        _detach(args, state)
        return
    from lab.server import LabServer

    server = LabServer(
        topology,
        state,
        args.base_port,
        args.reload_seconds,
        args.latency,
        args.revert_minute_seconds,
    )
    try:
        asyncio.run(_serve(server, quiet=args.quiet))
    except OSError as error:
        raise CliError(
            f"the lab could not open its ports ({error.strerror}); try another --base-port"
        ) from error


async def _serve(server, quiet: bool) -> None:
    total = len(server.topology.devices)
    with Progress(
        TextColumn("[bold]starting {task.fields[name]}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=True,
    ) as progress:
        task = progress.add_task("start", total=total * 2, name=server.topology.name)
        await server.start(lambda done, _total: progress.update(task, completed=done))
    pid_file = server.state_dir / PID_FILE
    pid_file.write_text(f"{os.getpid()}\n")
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, lambda: asyncio.ensure_future(server.stop()))
    if not quiet:
        _print_status(server.status())
        console.print(f"lab {server.topology.name} is up; press Ctrl-C to stop it")
    await server.stopped.wait()
    pid_file.unlink(missing_ok=True)


def _detach(args: argparse.Namespace, state: Path) -> None:
    state.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "lab", "up", args.topology, "--state", str(state)]
    command += ["--base-port", str(args.base_port), "--quiet"]
    if args.reload_seconds is not None:
        command += ["--reload-seconds", str(args.reload_seconds)]
    if args.latency is not None:
        command += ["--latency", str(args.latency)]
    command += ["--revert-minute-seconds", str(args.revert_minute_seconds)]
    (state / control.RUNTIME_FILE).unlink(missing_ok=True)
    log = (state / "lab.log").open("ab")
    child = subprocess.Popen(
        command, stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True
    )
    with console.status(f"starting {args.topology} in the background"):
        while _running_pid(state) != child.pid:
            if child.poll() is not None:
                lines = (state / "lab.log").read_text(errors="replace").strip().splitlines()
                reason = lines[-1].removeprefix("error: ") if lines else "no output"
                raise CliError(f"the lab stopped while starting: {reason}")
            time.sleep(0.1)
    console.print(f"lab {args.topology} is up in the background (pid {child.pid}, {state})")


def _down(args: argparse.Namespace) -> None:
    state = Path(args.state)
    pid = _running_pid(state)
    if pid is None:
        raise CliError(f"no lab is running with state folder {state}")
    control.request(state, "down")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    (state / PID_FILE).unlink(missing_ok=True)
    console.print(f"lab with state folder {state} is down")


def _print_status(rows: list[dict]) -> None:
    table = Table(title="lab devices")
    for column in ("device", "port", "state", "version", "image", "sessions", "faults"):
        table.add_column(column)
    for row in rows:
        state = {"up": "[green]up[/green]", "dead": "[red]dead[/red]"}.get(
            row["state"], f"[yellow]{row['state']}[/yellow]"
        )
        if row["state"] == "up" and not row["listening"]:
            state = "[red]refusing[/red]"
        faults = ", ".join(f"{k}={v}" if v is not True else k for k, v in row["faults"].items())
        table.add_row(
            row["name"],
            str(row["port"]),
            state,
            row["version"],
            row["image"],
            str(row["sessions"]),
            faults,
        )
    console.print(table)


def _status(args: argparse.Namespace) -> None:
    _print_status(LabClient(args.state).status())


def _fault(args: argparse.Namespace) -> None:
    LabClient(args.state).set_fault(args.device, args.fault, on=not args.off, value=args.value)
    console.print(f"{args.fault} is {'off' if args.off else 'on'} for {args.device}")


def _inventory(args: argparse.Namespace) -> None:
    text = yaml.safe_dump({"devices": LabClient(args.state).inventory()}, sort_keys=False)
    if args.out:
        args.out.write_text(text)
        console.print(f"wrote {args.out}")
    else:
        sys.stdout.write(text)


def _image(args: argparse.Namespace) -> None:
    out = args.out or Path(image_name(args.version, args.platform))
    try:
        path = write_image(out, args.version, args.size, args.platform)
    except ValueError as error:
        raise CliError(str(error)) from error
    console.print(f"wrote {path} ({args.size} bytes, version {args.version})")


def _generate(args: argparse.Namespace) -> None:
    try:
        data = generate(args.size)
    except ValueError as error:
        raise CliError(str(error)) from error
    text = yaml.safe_dump(data, sort_keys=False)
    if args.out:
        args.out.write_text(text)
        console.print(f"wrote {args.out} ({args.size} devices)")
    else:
        sys.stdout.write(text)


def run() -> None:
    """Entry point of `python -m lab`."""
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
