"""What a command can answer besides text: a question, or a dropped session."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass


class DropSession(Exception):
    """Raised by a handler when the session must drop (a fault, or a reload)."""


@dataclass
class Question:
    """A question a command asks before it goes on (`[confirm]`, `Password:`).

    A `single_key` question (`[confirm]`) takes the next key, Enter included, as IOS does.
    """

    text: str
    answer: Callable[[str], Awaitable[str | Question]]
    echo: bool = True
    output: str = ""
    single_key: bool = False
