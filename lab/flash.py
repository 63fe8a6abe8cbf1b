"""A device's flash: a folder in the state directory, listed and hashed as IOS does."""

from __future__ import annotations

import asyncio
import hashlib
import time
from pathlib import Path

FILE_SYSTEMS = ("flash:", "bootflash:")


class FlashError(ValueError):
    """A path that names no file on flash."""


def split_path(path: str) -> tuple[str, str] | None:
    """Return (file system, file name) of `flash:/name`, `flash:name` or `bootflash:name`."""
    for system in FILE_SYSTEMS:
        if path.lower().startswith(system):
            name = path[len(system) :].lstrip("/")
            return "flash:", name
    return None


class Flash:
    """The files of one device, with their md5 sums cached while they do not change."""

    def __init__(self, root: Path, capacity: int) -> None:
        self.root = root
        self.capacity = capacity
        self.full = False
        self._md5: dict[str, tuple[int, int, str]] = {}
        root.mkdir(parents=True, exist_ok=True)

    def path(self, name: str) -> Path:
        """Return the host path of a flash file name; raise FlashError for a bad name."""
        if not name or "/" in name or name in (".", "..") or name.startswith("."):
            raise FlashError(f"flash:/{name}")
        return self.root / name

    def exists(self, name: str) -> bool:
        """Return whether a file is on flash."""
        try:
            return self.path(name).is_file()
        except FlashError:
            return False

    def files(self) -> list[tuple[str, int, float]]:
        """Return (name, size, mtime) of every file, sorted by name."""
        entries = []
        for entry in sorted(self.root.iterdir()):
            if entry.is_file() and not entry.name.startswith("."):
                stat = entry.stat()
                entries.append((entry.name, stat.st_size, stat.st_mtime))
        return entries

    def free(self) -> int:
        """Return the free bytes (none while the flash-full fault is on)."""
        if self.full:
            return 0
        used = sum(size for _, size, _ in self.files())
        return max(self.capacity - used, 0)

    def read_text(self, name: str) -> str:
        """Return a file's text; raise FlashError when it does not exist."""
        if not self.exists(name):
            raise FlashError(f"flash:/{name}")
        return self.path(name).read_text(errors="replace")

    def write_bytes(self, name: str, data: bytes) -> None:
        """Create or replace a file."""
        self.path(name).write_bytes(data)
        self._md5.pop(name, None)

    def delete(self, name: str) -> bool:
        """Remove a file; return whether it existed."""
        if not self.exists(name):
            return False
        self.path(name).unlink()
        self._md5.pop(name, None)
        return True

    def note_md5(self, name: str, digest: str) -> None:
        """Remember the md5 of a file just written (computed while it was received)."""
        stat = self.path(name).stat()
        self._md5[name] = (stat.st_size, stat.st_mtime_ns, digest)

    async def md5(self, name: str) -> str:
        """Return the md5 of a file, hashing large files off the event loop."""
        stat = self.path(name).stat()
        cached = self._md5.get(name)
        if cached and cached[:2] == (stat.st_size, stat.st_mtime_ns):
            return cached[2]
        digest = await asyncio.to_thread(_md5_of, self.path(name))
        self._md5[name] = (stat.st_size, stat.st_mtime_ns, digest)
        return digest

    def listing(self, name: str | None = None) -> str:
        """Return `dir flash:` output, or `dir flash:/<name>` output for one file."""
        if name is not None and not self.exists(name):
            return f"%Error opening flash:/{name} (No such file or directory)"
        title = f"Directory of flash:/{name or ''}"
        lines = [title, ""]
        for index, (entry, size, mtime) in enumerate(self.files(), start=1):
            if name is not None and entry != name:
                continue
            stamp = time.strftime("%b %d %Y %H:%M:%S +00:00", time.gmtime(mtime))
            lines.append(f"{index:>6}  -rw-  {size:>12}  {stamp}  {entry}")
        lines += ["", f"{self.capacity} bytes total ({self.free()} bytes free)"]
        return "\n".join(lines)


def _md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        while piece := handle.read(1 << 20):
            digest.update(piece)
    return digest.hexdigest()
