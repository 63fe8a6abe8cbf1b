"""An interactive IOS CLI session: echo, line ends, prompts, modes, questions and pipes."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from lab import commands
from lab.grammar import Editor, InvalidInput
from lab.replies import DropSession, Question

if TYPE_CHECKING:
    from lab.device import Device

INVALID = "% Invalid input detected at '^' marker."


class Session:
    """One SSH shell on a device."""

    def __init__(self, device: Device, write: Callable[[str], None], drop: Callable[[], None]):
        self.device = device
        # The login name: the topology's user is the only one a device accepts.
        self.user = device.spec.username
        self.privileged = not device.spec.enable_secret
        self.editor: Editor | None = None
        self.question: Question | None = None
        self.dropping = False
        self.closed = False
        self._write = write
        self._drop = drop
        self._buffer: list[str] = []
        self._cr = False

    def prompt(self) -> str:
        """Return the prompt for the current mode."""
        host = self.device.hostname
        if self.editor is not None:
            return f"{host}({self.editor.mode})#"
        return host + ("#" if self.privileged else ">")

    def start(self) -> None:
        """Write the first prompt."""
        self._write("\r\n" + self.prompt())

    def config_editor(self) -> Editor:
        """Return the editor of the running configuration (re-attached if it was replaced)."""
        if self.editor is None or self.editor.config is not self.device.running:
            self.editor = Editor(self.device.running)
        return self.editor

    async def feed(self, text: str) -> None:
        """Handle typed characters: echo them and run each complete line."""
        echo: list[str] = []
        for char in text:
            if self.closed:
                return
            if char == "\x00":
                continue
            if self.question is not None and self.question.single_key:
                if not (char == "\n" and self._cr):
                    await self._line(char.strip(), "".join(echo))
                    echo = []
                self._cr = char == "\r"
                continue
            if char in "\r\n":
                if char == "\n" and self._cr:
                    self._cr = False
                    continue
                self._cr = char == "\r"
                line, self._buffer = "".join(self._buffer), []
                await self._line(line, "".join(echo))
                echo = []
                continue
            self._cr = False
            if char in "\x08\x7f":
                if self._buffer:
                    self._buffer.pop()
                    echo.append("\b \b")
            elif char == "\x1a" and self.editor is not None:
                self.editor = None
                echo.append("^Z")
                await self._line("", "".join(echo))
                echo = []
            elif char.isprintable() or char == "\t":
                self._buffer.append(char)
                if self.question is None or self.question.echo:
                    echo.append(char)
        if echo and not self.closed:
            self._write("".join(echo))

    async def _line(self, line: str, echo: str) -> None:
        try:
            reply = await self._answer(line)
        except DropSession:
            self._write(echo + "\r\n")
            self.close()
            return
        if self.closed:
            return
        if isinstance(reply, Question):
            self.question = reply
            self._write(echo + "\r\n" + _crlf(reply.output) + reply.text)
            return
        self._write(echo + "\r\n" + _crlf(reply) + self.prompt())

    async def _answer(self, line: str) -> str | Question:
        if self.question is not None:
            question, self.question = self.question, None
            return await question.answer(line)
        if not line.strip():
            return ""
        faults = self.device.faults
        delay = self.device.spec.latency + faults.latency
        if delay:
            await asyncio.sleep(delay)
        self.dropping = bool(faults.drop_on) and line.strip().startswith(faults.drop_on)
        if faults.drop_once and line.strip().startswith(faults.drop_once):
            # A blip, not a broken device: the next such command (a restore) goes through.
            self.dropping, faults.drop_once = True, ""
        if self.editor is not None:
            reply = await self._config_line(line)
        else:
            reply = await self.run(line)
        if not self.dropping:
            return reply
        if isinstance(reply, Question):
            return self._dropping(reply)
        raise DropSession

    def _dropping(self, question: Question) -> Question:
        """Make a question's answer run as the dropped command, then drop."""
        original = question.answer

        async def answer(text: str) -> str | Question:
            self.dropping = True
            reply = await original(text)
            if isinstance(reply, Question):
                return self._dropping(reply)
            raise DropSession

        question.answer = answer
        return question

    async def run(self, line: str) -> str | Question:
        """Run one exec command line (with an optional `| filter`) and return its output."""
        command, bar, filter_text = line.partition("|")
        found = commands.find(command.split(), self.privileged)
        if found is None:
            return self.invalid(line)
        handler, args = found
        reply = await handler(self, args)
        if bar and isinstance(reply, str):
            return apply_filter(reply, filter_text.strip(), line, self)
        return reply

    async def _config_line(self, line: str) -> str | Question:
        words = line.split()
        keyword = words[0].lower()
        if keyword == "end":
            self.editor = None
            return ""
        if keyword == "exit":
            editor = self.config_editor()
            if not editor.exit():
                self.editor = None
            return ""
        if keyword == "do" and len(words) > 1:
            return await self.run(line.split(None, 1)[1])
        try:
            commands.apply_config_line(self.device, self.config_editor(), line)
        except InvalidInput:
            return self.invalid(line)
        return ""

    def invalid(self, line: str) -> str:
        """Return IOS's invalid-input answer, the caret under the first bad word."""
        column = len(self.prompt()) + len(line) - len(line.lstrip())
        return " " * column + "^\n" + INVALID + "\n"

    def close(self) -> None:
        """End the session: `exit`, a fault, or a reload drops the connection."""
        self.closed = True
        self._drop()


def apply_filter(output: str, spec: str, line: str, session: Session) -> str:
    """Apply an IOS pipe filter (include, exclude, begin, section, count) to output."""
    kind, _, pattern = spec.partition(" ")
    kind = kind.lower()
    try:
        regex = re.compile(pattern.strip())
    except re.error:
        return session.invalid(line)
    lines = output.splitlines()
    if "include".startswith(kind) and kind:
        kept = [text for text in lines if regex.search(text)]
    elif "exclude".startswith(kind) and kind:
        kept = [text for text in lines if not regex.search(text)]
    elif "begin".startswith(kind) and kind:
        start = next((i for i, text in enumerate(lines) if regex.search(text)), len(lines))
        kept = lines[start:]
    elif "section".startswith(kind) and kind:
        kept = _section(lines, regex)
    elif "count".startswith(kind) and kind:
        total = sum(1 for text in lines if regex.search(text))
        return f"Number of lines which match regexp = {total}\n"
    else:
        return session.invalid(line)
    return "\n".join(kept) + ("\n" if kept else "")


def _section(lines: list[str], regex: re.Pattern) -> list[str]:
    kept: list[str] = []
    inside = False
    for text in lines:
        if not text.startswith(" "):
            inside = bool(regex.search(text))
            if inside:
                kept.append(text)
        elif inside or regex.search(text):
            kept.append(text)
    return kept


def _crlf(text: str) -> str:
    if not text:
        return ""
    text = text.replace("\r\n", "\n")
    if not text.endswith("\n"):
        text += "\n"
    return text.replace("\n", "\r\n")
