"""The configuration model: an ordered tree of IOS lines, rendered and compared as IOS does."""

from __future__ import annotations

from collections.abc import Iterator


class Node:
    """One configuration line and, for a block (interface, router ...), its sub-lines."""

    __slots__ = ("block", "children", "text")

    def __init__(self, text: str, block: bool = False) -> None:
        self.text = text
        self.block = block
        self.children: list[Node] = []

    def words(self) -> list[str]:
        """Return the words of the line."""
        return self.text.split()

    def copy(self) -> Node:
        """Return a deep copy of the node."""
        twin = Node(self.text, self.block)
        twin.children = [child.copy() for child in self.children]
        return twin

    def find(self, text: str) -> Node | None:
        """Return the child whose line is exactly `text`, or None."""
        return next((child for child in self.children if child.text == text), None)


class Config:
    """A running or startup configuration."""

    def __init__(self) -> None:
        self.root = Node("", block=True)

    def copy(self) -> Config:
        """Return an independent copy."""
        twin = Config()
        twin.root = self.root.copy()
        return twin

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Config) and _shape(self.root) == _shape(other.root)

    __hash__ = None  # type: ignore[assignment]

    def value(self, *keywords: str) -> str | None:
        """Return the rest of the first top-level line that starts with `keywords`."""
        for node in self.root.children:
            words = node.words()
            if tuple(words[: len(keywords)]) == keywords:
                return " ".join(words[len(keywords) :])
        return None

    def values(self, *keywords: str) -> list[str]:
        """Return the rest of every top-level line that starts with `keywords`, in order."""
        found = []
        for node in self.root.children:
            words = node.words()
            if tuple(words[: len(keywords)]) == keywords:
                found.append(" ".join(words[len(keywords) :]))
        return found

    def has_line(self, text: str) -> bool:
        """Return whether a top-level line equals `text`."""
        return self.root.find(text) is not None

    def block(self, text: str) -> Node | None:
        """Return the top-level block whose header is `text` (e.g. `interface Gi...`)."""
        return self.root.find(text)

    def hostname(self) -> str:
        """Return the configured hostname (`Router` when none is set, as IOS does)."""
        return self.value("hostname") or "Router"

    def lines(self) -> Iterator[str]:
        """Yield the configuration as IOS lists it, sub-lines indented by one space."""
        previous_block = True
        for node in self.root.children:
            if node.block:
                yield "!"
                yield node.text
                for child in node.children:
                    yield " " + child.text
                previous_block = True
            else:
                if previous_block:
                    yield "!"
                yield node.text
                previous_block = False
        yield "!"
        yield "end"

    def render(self) -> str:
        """Return the configuration text, as `show running-config` shows it after its header."""
        return "\n".join(self.lines()) + "\n"


def _shape(node: Node) -> tuple:
    return (node.text, tuple(_shape(child) for child in node.children))


def diff(base: Config, target: Config) -> list[str]:
    """Return the contextual diff (`+`/`-` lines) that turns `base` into `target`."""
    out: list[str] = []
    base_index = {node.text: node for node in base.root.children}
    target_index = {node.text: node for node in target.root.children}
    for node in target.root.children:
        old = base_index.get(node.text)
        if old is None:
            out.append("+" + node.text)
            out.extend(" +" + child.text for child in node.children)
            continue
        changes = _child_diff(old, node)
        if changes:
            out.append(node.text)
            out.extend(changes)
    for node in base.root.children:
        if node.text not in target_index:
            out.append("-" + node.text)
    return out


def _child_diff(old: Node, new: Node) -> list[str]:
    old_texts = [child.text for child in old.children]
    new_texts = [child.text for child in new.children]
    added = [" +" + text for text in new_texts if text not in old_texts]
    removed = [" -" + text for text in old_texts if text not in new_texts]
    return added + removed
