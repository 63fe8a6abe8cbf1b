# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""From what each device lists to one record per link, with its status.

A link is an unordered pair of ends (device id, interface); ``canonical`` orders the ends so
that the pair is stored once. Both ends listing each other make it confirmed; one end only
makes it one-sided (the other end was read and lists nobody there, or was not read); an
end that lists someone else on the claimed port makes it conflicting.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

End = tuple[int, str]


@dataclass(frozen=True)
class Observation:
    """One resolved LLDP record: ``local`` lists ``remote`` (both normalised)."""

    local: End
    remote: End


@dataclass
class LinkState:
    """One link as this run saw it."""

    a: End
    b: End
    seen_by_a: bool = False
    seen_by_b: bool = False
    status: str = "confirmed"
    note: str | None = None

    @property
    def key(self) -> tuple[End, End]:
        """The canonical (a, b) pair."""
        return self.a, self.b


def canonical(left: End, right: End) -> tuple[End, End, bool]:
    """Return the two ends in stored order, and whether they were swapped."""
    if (left[0], left[1]) <= (right[0], right[1]):
        return left, right, False
    return right, left, True


def reconcile(
    observations: Iterable[Observation],
    read: set[int],
    names: Mapping[int, str],
) -> list[LinkState]:
    """Return one LinkState per link seen, with its status and, when not confirmed, why.

    ``read`` holds the devices read in this run; ``names`` gives device names for the notes.
    """
    listed: dict[End, set[End]] = {}
    links: dict[tuple[End, End], LinkState] = {}
    for observation in observations:
        listed.setdefault(observation.local, set()).add(observation.remote)
        a, b, swapped = canonical(observation.local, observation.remote)
        state = links.setdefault((a, b), LinkState(a=a, b=b))
        if swapped:
            state.seen_by_b = True
        else:
            state.seen_by_a = True

    for state in links.values():
        if state.seen_by_a and state.seen_by_b:
            continue
        silent, speaker = (state.b, state.a) if state.seen_by_a else (state.a, state.b)
        silent_name = names.get(silent[0], str(silent[0]))
        state.status = "one_sided"
        if silent[0] not in read:
            state.note = f"{silent_name} was not read in this run"
            continue
        others = sorted(listed.get(silent, set()) - {speaker})
        if not others:
            state.note = f"{silent_name} lists no neighbour on {silent[1]}"
            continue
        state.status = "conflicting"
        shown = ", ".join(f"{names.get(dev, str(dev))}:{port}" for dev, port in others)
        state.note = f"{silent_name} lists {shown} on {silent[1]}, not {names.get(speaker[0])}"
    return sorted(links.values(), key=lambda state: state.key)


def link_key(a_name: str, a_interface: str, b_name: str, b_interface: str) -> str:
    """Return the readable key of a link, ends in name order: ``a:ifa - b:ifb``."""
    left, right = sorted([(a_name, a_interface), (b_name, b_interface)])
    return f"{left[0]}:{left[1]} - {right[0]}:{right[1]}"
