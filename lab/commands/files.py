"""Flash commands: dir, verify /md5, delete, more."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lab.commands import paths
from lab.flash import split_path
from lab.replies import Question

if TYPE_CHECKING:
    from lab.session import Session


async def dir_(session: Session, args: list[str]) -> str:
    """dir [flash:[/FILE]]."""
    flash = session.device.flash
    if not args:
        return flash.listing()
    parts = split_path(args[0])
    if parts is None:
        return f"%Error opening {args[0]} (No such device)"
    return flash.listing(parts[1] or None)


async def verify(session: Session, args: list[str]) -> str:
    """verify /md5 FILE [HASH]."""
    if len(args) < 2 or args[0].lower() != "/md5":
        return session.invalid("verify " + " ".join(args))
    parts = split_path(args[1])
    flash = session.device.flash
    if parts is None or not flash.exists(parts[1]):
        return f"%Error opening {args[1]} (No such file or directory)"
    digest = await flash.md5(parts[1])
    dots = "." * min(60, max(1, flash.path(parts[1]).stat().st_size // 1_000_000))
    line = f"{dots}MD5 of flash:{parts[1]} Done!\nverify /md5 (flash:/{parts[1]}) = {digest}"
    if len(args) > 2:
        verdict = "Verified" if args[2].lower() == digest else "%Error verifying"
        return f"{line}\n{verdict} (flash:/{parts[1]}) = {digest}"
    return line


async def delete(session: Session, args: list[str]):
    """delete [/force] FILE."""
    names = [arg for arg in args if not arg.startswith("/")]
    parts = split_path(names[0]) if names else None
    if parts is None:
        return session.invalid("delete " + " ".join(args))
    flash = session.device.flash
    name = parts[1]

    async def remove(_answer: str = "") -> str:
        if not flash.delete(name):
            return f"%Error deleting flash:/{name} (No such file or directory)"
        return ""

    quiet = session.device.running.has_line("file prompt quiet")
    if quiet or "/force" in [arg.lower() for arg in args]:
        return await remove()

    async def confirm(_answer: str) -> Question:
        return Question(f"Delete flash:/{name}? [confirm]", remove, single_key=True)

    return Question(f"Delete filename [{name}]? ", confirm)


async def more(session: Session, args: list[str]) -> str:
    """more FILE."""
    if not args:
        return session.invalid("more")
    try:
        return paths.read(session.device, args[-1])
    except paths.PathError as error:
        return str(error)
