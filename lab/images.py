"""Firmware images: a 256-byte text header naming the version, then deterministic filler.

Header: `LABIMG 1 version=<v> platform=<p> body=<bytes> sha256=<hex of body>`, padded with
spaces and ending in a newline at byte 256. An image is valid when its body has the stated
length and digest, so a truncated or corrupted copy is detected at boot.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

HEADER_SIZE = 256
MAGIC = "LABIMG 1"
_CHUNK = 1 << 16


@dataclass(frozen=True)
class ImageInfo:
    """What an image file claims, and whether its body matches the claim."""

    version: str
    platform: str
    valid: bool


def image_name(version: str, platform: str = "isr4400") -> str:
    """Return an IOS-style file name for a version, e.g. isr4400-universalk9.17.09.04a.SPA.bin."""
    return f"{platform}-universalk9.{version}.SPA.bin"


def _filler(version: str) -> bytes:
    return hashlib.shake_256(f"lab image {version}".encode()).digest(_CHUNK)


def _body_chunks(version: str, body_size: int):
    block = _filler(version)
    remaining = body_size
    while remaining > 0:
        piece = block[: min(remaining, _CHUNK)]
        remaining -= len(piece)
        yield piece


def write_image(
    path: str | os.PathLike, version: str, size: int, platform: str = "isr4400"
) -> Path:
    """Write an image of exactly `size` bytes (at least 512) for `version`; return its path."""
    if size < 2 * HEADER_SIZE:
        raise ValueError(f"image size {size} is too small; use at least {2 * HEADER_SIZE} bytes")
    if not version or " " in version:
        raise ValueError(f"image version {version!r} is not a single word")
    body_size = size - HEADER_SIZE
    digest = hashlib.sha256()
    for piece in _body_chunks(version, body_size):
        digest.update(piece)
    header = f"{MAGIC} version={version} platform={platform} body={body_size} "
    header += f"sha256={digest.hexdigest()}"
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as handle:
        handle.write(header.encode().ljust(HEADER_SIZE - 1) + b"\n")
        for piece in _body_chunks(version, body_size):
            handle.write(piece)
    return target


def read_image(path: str | os.PathLike) -> ImageInfo | None:
    """Return what an image file claims and whether it is intact; None if not an image."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(HEADER_SIZE).decode("ascii", "replace")
            if not header.startswith(MAGIC):
                return None
            fields = dict(part.split("=", 1) for part in header.split()[2:] if "=" in part)
            digest = hashlib.sha256()
            length = 0
            while piece := handle.read(1 << 20):
                digest.update(piece)
                length += len(piece)
    except OSError:
        return None
    valid = str(length) == fields.get("body") and digest.hexdigest() == fields.get("sha256", "")
    return ImageInfo(fields.get("version", ""), fields.get("platform", ""), valid)
