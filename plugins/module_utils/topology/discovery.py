# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The breadth-first walk: read a level of devices in parallel, resolve, go one level down.

Workers only read devices (``fetch``) and return plain data; every lookup and every write
happens in the calling thread, through the callbacks, so one database session is never
shared between threads. A device that cannot be read is recorded and the walk goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ansible_collections.isp.network.plugins.module_utils.topology.identity import (
    IdentityIndex,
    Neighbor,
)
from ansible_collections.isp.network.plugins.module_utils.topology.ifnames import normalise
from ansible_collections.isp.network.plugins.module_utils.topology.links import Observation
from ansible_collections.isp.network.plugins.module_utils.topology.reading import (
    Reading,
    Target,
)


@dataclass
class Unresolved:
    """A neighbour that is no known device (``candidates`` empty) or several (ambiguous)."""

    device_id: int
    neighbor: Neighbor
    candidates: list[int] = field(default_factory=list)


@dataclass
class WalkResult:
    """Everything one walk saw, ready to be stored."""

    readings: dict[int, Reading] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)
    learned: dict[tuple[str, str], int] = field(default_factory=dict)
    depth: dict[int, int] = field(default_factory=dict)
    registered: list[int] = field(default_factory=list)


@dataclass
class Walk:
    """One discovery walk's inputs; ``run()`` performs it."""

    index: IdentityIndex
    # Return the Target of a known device (decrypting its login), or None to skip it.
    target_of: Callable[[int], Target | None]
    # Return the platform of a known device, to normalise the remote port names it owns.
    platform_of: Callable[[int], str | None]
    # Read one device (runs in a worker thread).
    fetch: Callable[[Target], Reading]
    # Register an unknown neighbour as a discovered device; return its id, or None.
    register: Callable[[Reading, Neighbor], int | None] | None = None
    workers: int = 20
    result: WalkResult = field(default_factory=WalkResult)

    def run(self, roots: list[int], max_depth: int) -> WalkResult:
        """Read ``roots`` and every device up to ``max_depth`` hops from them; return it all."""
        level = list(dict.fromkeys(roots))
        for device_id in level:
            self.result.depth[device_id] = 0
        depth = 0
        with ThreadPoolExecutor(max_workers=max(1, self.workers)) as pool:
            while level and depth <= max_depth:
                targets = [t for t in (self.target_of(d) for d in level) if t is not None]
                readings = sorted(pool.map(self.fetch, targets), key=lambda r: r.name)
                following: list[int] = []
                for reading in readings:
                    following += self._absorb(reading, depth < max_depth)
                level = list(dict.fromkeys(following))
                depth += 1
        return self.result

    def _absorb(self, reading: Reading, go_deeper: bool) -> list[int]:
        if reading.error:
            self.result.errors.append({"device": reading.name, "error": reading.error})
            return []
        self.result.readings[reading.device_id] = reading
        depth = self.result.depth[reading.device_id]
        found: list[int] = []
        for neighbor in reading.neighbors:
            remote = self._resolve(reading, neighbor)
            if remote is None:
                continue
            port = normalise(neighbor.port, self.platform_of(remote)) if neighbor.port else "?"
            self.result.observations.append(
                Observation(
                    local=(reading.device_id, neighbor.local_interface), remote=(remote, port)
                )
            )
            if remote not in self.result.depth:
                self.result.depth[remote] = depth + 1
                if go_deeper:
                    found.append(remote)
        return found

    def _resolve(self, reading: Reading, neighbor: Neighbor) -> int | None:
        resolution = self.index.resolve(neighbor)
        remote = resolution.device_id
        if remote is None and not resolution.ambiguous and self.register is not None:
            remote = self.register(reading, neighbor)
            if remote is not None:
                self.result.registered.append(remote)
        if remote is None:
            self.result.unresolved.append(
                Unresolved(reading.device_id, neighbor, resolution.candidates)
            )
            return None
        for kind, value in self.index.learnable(remote, neighbor):
            owner = self.result.learned.setdefault((kind, value), remote)
            if owner == remote:
                self.index.add(remote, kind, value)
        return remote


def summary(result: WalkResult, names: dict[int, str]) -> dict[str, Any]:
    """Return counts of a walk for messages: read, failed, links seen, unresolved."""
    return {
        "devices_read": len(result.readings),
        "devices_failed": len(result.errors),
        "observations": len(result.observations),
        "unresolved": len(result.unresolved),
        "registered": sorted(names.get(d, str(d)) for d in result.registered),
    }
