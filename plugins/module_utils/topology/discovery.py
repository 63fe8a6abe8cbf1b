# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The breadth-first walk: depths by shortest hop count, reads pipelined through one pool.

Workers only read devices (``fetch``) and return plain data; every lookup and every write
happens in the calling thread, through the callbacks, so one database session is never
shared between threads. A device that cannot be read is recorded and the walk goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
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
    # Walk state: devices submitted, reads in flight, and the known neighbours of each read.
    _submitted: set[int] = field(default_factory=set, init=False, repr=False)
    _pending: dict[Future[Reading], int] = field(default_factory=dict, init=False, repr=False)
    _listed: dict[int, list[int]] = field(default_factory=dict, init=False, repr=False)
    _max_depth: int = field(default=0, init=False, repr=False)
    _pool: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)

    def run(self, roots: list[int], max_depth: int) -> WalkResult:
        """Read ``roots`` and every device up to ``max_depth`` hops from them; return it all.

        A device's depth is its shortest hop count from a root, as breadth-first levels give
        it, but the reads are pipelined: a device is submitted as soon as a path of at most
        ``max_depth`` hops to it is known, so the pool never waits for a whole level.
        """
        self._max_depth = max_depth
        with ThreadPoolExecutor(max_workers=max(1, self.workers)) as pool:
            self._pool = pool
            for device_id in dict.fromkeys(roots):
                self._lower(device_id, 0)
            while self._pending:
                done, _not_done = wait(self._pending, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=self._pending.__getitem__):
                    del self._pending[future]
                    self._absorb(future.result())
        self._put_in_walk_order()
        return self.result

    def _lower(self, device_id: int, depth: int) -> None:
        """Record a path of ``depth`` hops to a device; read it or pass it on when shorter.

        A device first reached by a longer path (whose reads happened to finish first) gets
        the lower depth, and so, in turn, do the neighbours it listed. Depths only go down, so
        a device submitted at ``max_depth`` or less ends there too, and each device is
        submitted once.
        """
        known = self.result.depth
        if device_id in known and known[device_id] <= depth:
            return
        known[device_id] = depth
        stack = [device_id]
        while stack:
            current = stack.pop()
            if current not in self._submitted and known[current] <= self._max_depth:
                self._submit(current)
            step = known[current] + 1
            for remote in self._listed.get(current, ()):
                if remote not in known or known[remote] > step:
                    known[remote] = step
                    stack.append(remote)

    def _submit(self, device_id: int) -> None:
        self._submitted.add(device_id)
        target = self.target_of(device_id)
        if target is not None:
            self._pending[self._pool.submit(self.fetch, target)] = device_id

    def _absorb(self, reading: Reading) -> None:
        if reading.error:
            self.result.errors.append({"device": reading.name, "error": reading.error})
            return
        self.result.readings[reading.device_id] = reading
        listed = self._listed.setdefault(reading.device_id, [])
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
            listed.append(remote)
        for remote in dict.fromkeys(listed):
            self._lower(remote, self.result.depth[reading.device_id] + 1)

    def _put_in_walk_order(self) -> None:
        """Order what was read by (depth, name), as level-by-level reading would have."""
        depth, readings = self.result.depth, self.result.readings
        order = sorted(readings, key=lambda device_id: (depth[device_id], readings[device_id].name))
        rank = {device_id: position for position, device_id in enumerate(order)}
        self.result.readings = {device_id: readings[device_id] for device_id in order}
        self.result.observations.sort(key=lambda seen: rank[seen.local[0]])
        self.result.unresolved.sort(key=lambda entry: rank[entry.device_id])

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
