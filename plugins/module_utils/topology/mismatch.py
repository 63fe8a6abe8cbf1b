# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Per-link findings: speed, duplex and MTU mismatches, one-sided links, utilisation.

Utilisation is what the counters can say: for each end read twice by discovery, the average
bit rate in and out between the two readings; a link's utilisation is the highest of those
rates over its capacity, the lower speed of its two ends. A link whose ends were read only
once has no rate and is not ranked.
"""

from __future__ import annotations

from typing import Any

_FIELDS = (("speed", "speed"), ("duplex", "duplex"), ("mtu", "mtu"))


def iter_links(graph: Any):
    """Yield every link dict of ``graph`` (parallel links each once)."""
    for _end_a, _end_b, data in sorted(graph.edges(data=True), key=lambda edge: (edge[0], edge[1])):
        yield from data.get("links", [])


def link_problems(graph: Any) -> dict[str, Any]:
    """Return mismatches, one-sided links and conflicting links of ``graph``."""
    mismatches: dict[str, list[dict[str, Any]]] = {name: [] for name, _field in _FIELDS}
    one_sided: list[dict[str, Any]] = []
    conflicting: list[dict[str, Any]] = []
    for link in iter_links(graph):
        for name, field in _FIELDS:
            left, right = link.get(f"a_{field}"), link.get(f"b_{field}")
            if left is not None and right is not None and left != right:
                mismatches[name].append(
                    {
                        "link": link.get("key"),
                        "a": link["a"],
                        "a_interface": link["a_interface"],
                        f"a_{name}": left,
                        "b": link["b"],
                        "b_interface": link["b_interface"],
                        f"b_{name}": right,
                    }
                )
        if link.get("status") in ("one_sided", "conflicting"):
            seen_by = link["a"] if link.get("seen_by_a") else link["b"]
            entry = {
                "link": link.get("key"),
                "seen_by": seen_by,
                "not_seen_by": link["b"] if seen_by == link["a"] else link["a"],
                "note": link.get("note"),
            }
            (one_sided if link["status"] == "one_sided" else conflicting).append(entry)
    return {
        "mismatches": mismatches,
        "one_sided_links": one_sided,
        "conflicting_links": conflicting,
    }


def utilisation(graph: Any, top: int) -> dict[str, Any]:
    """Return the links with a measured rate, most loaded first (at most ``top``)."""
    measured = []
    for link in iter_links(graph):
        rate, capacity = link.get("rate_bps"), link.get("capacity_bps")
        if rate is None or not capacity:
            continue
        measured.append(
            {
                "link": link.get("key"),
                "rate_bps": int(rate),
                "capacity_bps": int(capacity),
                "utilisation": round(rate / capacity, 6),
            }
        )
    measured.sort(key=lambda entry: (-entry["utilisation"], entry["link"] or ""))
    return {
        "definition": "highest average bit rate in or out of either end between the last two "
        "discovery runs, over the lower speed of the two ends",
        "measured_links": len(measured),
        "top": measured[:top],
    }
