"""Commands that change configuration: configure, copy, write, configure replace, archive."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lab import rollback
from lab.commands import paths, revert
from lab.confmodel import Config, diff
from lab.grammar import GLOBAL, Editor, InvalidInput, parse
from lab.replies import Question

if TYPE_CHECKING:
    from lab.device import Device
    from lab.session import Session

REPLACE_QUESTION = (
    "This will apply all necessary additions and deletions\n"
    "to replace the current running configuration with the\n"
    "contents of the specified configuration file, which is\n"
    "assumed to be a complete configuration, not a partial\n"
    "configuration. Enter Y if you are sure you want to proceed. ? [no]: "
)


def apply_config_line(device: Device, editor: Editor, line: str) -> None:
    """Apply one typed line to the running config; raise InvalidInput when IOS would."""
    rejected = device.faults.reject_line
    if rejected and line.strip().startswith(rejected):
        raise InvalidInput(line)
    editor.apply(line)
    if editor.changed:
        editor.changed = False
        device.changed()


def _config_lines(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped == "end":
            break
        if stripped and not stripped.startswith("!"):
            lines.append(line)
    return lines


def merge(session: Session, text: str) -> list[str]:
    """Apply a file's lines to the running config as if typed; return IOS's error lines."""
    device = session.device
    lines = _config_lines(text)
    if session.dropping:
        lines = lines[: len(lines) // 2]
    editor = Editor(device.running)
    errors = []
    for line in lines:
        try:
            apply_config_line(device, editor, line)
        except InvalidInput:
            errors.append(f"{line.strip()}\n ^\n% Invalid input detected at '^' marker.")
    return errors


def target_config(device: Device, text: str) -> tuple[Config, list[str]]:
    """Return the config a replace file describes, and the lines IOS would fail on."""
    config = Config()
    editor = Editor(config)
    failed = []
    rejected = device.faults.reject_line
    for line in _config_lines(text):
        try:
            if rejected and line.strip().startswith(rejected):
                raise InvalidInput(line)
            editor.apply(line)
        except InvalidInput:
            failed.append(line.strip())
    return config, failed


async def configure_terminal(session: Session, args: list[str]) -> str:
    """configure terminal."""
    if args and not "terminal".startswith(args[0].lower()):
        return session.invalid("configure " + " ".join(args))
    if len(args) > 1:
        return await revert.configure_terminal_timed(session, args[1:])
    session.config_editor()
    return "Enter configuration commands, one per line.  End with CNTL/Z."


async def configure_replace(session: Session, args: list[str]):
    """configure replace FILE [force] [revert trigger error] [timer N]."""
    if not args:
        return session.invalid("configure replace")
    minutes = revert.timer_minutes(session, args[1:])
    if isinstance(minutes, str):
        return minutes
    source = args[0]
    try:
        text = paths.read(session.device, source)
    except paths.PathError as error:
        return str(error)
    if "force" in [arg.lower() for arg in args[1:]]:
        return _replace(session, text, minutes)

    async def answer(reply: str):
        if reply.strip().lower() in ("y", "yes"):
            return _replace(session, text, minutes)
        return ""

    return Question(REPLACE_QUESTION, answer)


def _replace(session: Session, text: str, minutes: int | None = None) -> str:
    # With `minutes`, the replace is a rollback-confirmed change (`... timer N`).
    device = session.device
    target, failed = target_config(device, text)
    if failed:
        return (
            f'%Error: Failed to apply command "{failed[0]}" in the replace file.\n'
            "The original configuration has been successfully restored."
        )
    target = device.with_ports(target)
    if session.dropping:
        half = target.root.children[: len(target.root.children) // 2]
        headers = {node.text for node in half}
        rest = [node for node in device.running.root.children if node.text not in headers]
        target.root.children = half + rest
    if minutes is not None:
        rollback.start(device, session.user, minutes)
    device.set_running(target)
    return "Total number of passes: 1\nRollback Done"


async def copy(session: Session, args: list[str]):
    """copy SOURCE DESTINATION."""
    if len(args) < 2:
        return session.invalid("copy " + " ".join(args))
    source, destination = args[0], args[1]
    device = session.device
    try:
        text = paths.read(device, source)
    except paths.PathError as error:
        return str(error)
    where, name = paths.kind(destination)
    if where in ("unknown", "null"):
        return f"%Error opening {destination} (Invalid argument)"
    label = {"running": "running-config", "startup": "startup-config"}.get(where, name)

    async def run(_answer: str = "") -> str:
        if where == "running":
            errors = merge(session, text)
            return "\n".join([*errors, paths.copied(len(text.encode()))])
        if where == "startup":
            if paths.kind(source)[0] == "running":
                device.write_memory()
                return "Building configuration...\n[OK]"
            device.write_startup(text)
            return paths.copied(len(text.encode()))
        return paths.write_flash(device, name, text)

    if device.running.has_line("file prompt quiet"):
        return await run()
    return Question(f"Destination filename [{label}]? ", run)


async def write(session: Session, args: list[str]) -> str:
    """write [memory]."""
    if args and not "memory".startswith(args[0].lower()):
        return session.invalid("write " + " ".join(args))
    session.device.write_memory()
    return "Building configuration...\n[OK]"


async def archive(session: Session, args: list[str]) -> str:
    """show archive."""
    if session.device.running.block("archive") is None:
        return "Archive feature not enabled"
    return "The maximum archive configurations allowed is 10.\n Archive #  Name\n   1"


async def differences(session: Session, args: list[str]) -> str:
    """show archive config differences BASE TARGET."""
    device = session.device
    sources = args[:2] if len(args) >= 2 else ["nvram:startup-config", *args[:1]]
    if len(sources) < 2:
        sources = ["nvram:startup-config", "system:running-config"]
    try:
        base, target = (device.with_ports(parse(paths.read(device, s))) for s in sources)
    except paths.PathError as error:
        return str(error)
    lines = diff(base, target)
    if not lines:
        return "!No changes were found"
    return "\n!Contextual Config Diffs:\n" + "\n".join(lines)


async def incremental(session: Session, args: list[str]) -> str:
    """show archive config incremental-diffs FILE [ignorecase]."""
    device = session.device
    if not args:
        return session.invalid("show archive config incremental-diffs")
    try:
        text = paths.read(device, args[0])
    except paths.PathError as error:
        return str(error)
    editor = Editor(device.running.copy())
    out, header, header_shown = ["!List of Commands:"], "", False
    for line in _config_lines(text):
        context = editor.context
        try:
            editor.apply(line)
        except InvalidInput:
            out.append(line.strip())
            continue
        if editor.context is not context and editor.mode != GLOBAL:
            header, header_shown = line.strip(), editor.changed
            if editor.changed:
                out.append(header)
            editor.changed = False
            continue
        if not editor.changed:
            continue
        editor.changed = False
        if editor.mode == GLOBAL:
            out.append(line.strip())
            continue
        if not header_shown:
            out.append(header)
            header_shown = True
        out.append(" " + line.strip())
    if len(out) == 1:
        return "!List of Commands:\nend\n!No changes were found"
    return "\n".join([*out, "end"])
