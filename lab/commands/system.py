"""Session and system commands: enable, terminal, exit, reload."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lab.replies import DropSession, Question

if TYPE_CHECKING:
    from lab.session import Session

SAVE_QUESTION = "System configuration has been modified. Save? [yes/no]: "


async def enable(session: Session, args: list[str]):
    """enable: ask for the enable secret when the device has one."""
    secret = session.device.spec.enable_secret
    if session.privileged:
        return ""
    if not secret:
        return "% No password set"

    async def check(answer: str) -> str:
        if answer == secret:
            session.privileged = True
            return ""
        return "% Bad secrets\n"

    return Question("Password: ", check, echo=False)


async def disable(session: Session, args: list[str]) -> str:
    """disable."""
    if session.device.spec.enable_secret:
        session.privileged = False
    return ""


async def terminal(session: Session, args: list[str]) -> str:
    """terminal length / width / monitor ...: accepted, never pages nor wraps."""
    return ""


async def exit_(session: Session, args: list[str]) -> str:
    """exit / logout / quit: close the session."""
    session.close()
    return ""


async def end(session: Session, args: list[str]) -> str:
    """end in exec mode: nothing to leave."""
    return ""


async def reload(session: Session, args: list[str]):
    """reload: ask to save a modified config, confirm, then drop and reboot."""
    device = session.device

    async def proceed(answer: str) -> str:
        if answer.strip().lower() not in ("", "y", "yes", "confirm"):
            return ""
        device.begin_reload()
        raise DropSession

    confirm = Question("Proceed with reload? [confirm]", proceed, single_key=True)
    if device.running.render() == device.startup_text():
        return confirm

    async def save(answer: str):
        reply = answer.strip().lower()
        if reply in ("y", "yes"):
            device.write_memory()
            confirm.output = "Building configuration...\n[OK]"
            return confirm
        if reply in ("n", "no"):
            return confirm
        return Question(SAVE_QUESTION, save, output="% Please answer 'yes' or 'no'.")

    return Question(SAVE_QUESTION, save)
