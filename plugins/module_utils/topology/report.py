# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The analysis report as readable text."""

from __future__ import annotations

from typing import Any

_SHOWN = 20


def _names(items: list[str], total: int | None = None) -> str:
    shown = ", ".join(items[:_SHOWN]) or "nothing"
    more = (total if total is not None else len(items)) - min(len(items), _SHOWN)
    return f"{shown} (+{more} more)" if more > 0 else shown


def report_text(report: dict[str, Any]) -> str:
    """Return ``report`` (from ``analyze``) as plain text, one finding per line."""
    summary = report["summary"]
    lines = [
        "Topology report",
        f"  devices {summary['devices']}, links {summary['links']}, "
        f"components {summary['components']}, core: {_names(summary['core'])}",
        "",
        f"Single points of failure ({summary['single_points_of_failure']})",
    ]
    for entry in report["articulation_points"]:
        lines.append(
            f"  device {entry['device']}: cuts off "
            f"{_names(entry['cuts_off'], entry['cuts_off_count'])}"
        )
    for entry in report["bridges"]:
        lines.append(
            f"  link {entry['link']}: cuts off {_names(entry['cuts_off'], entry['cuts_off_count'])}"
        )
    lines += ["", "Link problems"]
    for kind, entries in report["mismatches"].items():
        for entry in entries:
            lines.append(
                f"  {kind} mismatch: {entry['a']} {entry['a_interface']} {entry[f'a_{kind}']} vs "
                f"{entry['b']} {entry['b_interface']} {entry[f'b_{kind}']}"
            )
    for entry in report["one_sided_links"]:
        lines.append(f"  one-sided: {entry['link']} ({entry['note']})")
    for entry in report["conflicting_links"]:
        lines.append(f"  conflicting: {entry['link']} ({entry['note']})")
    for entry in report.get("unknown_neighbors", []):
        lines.append(
            f"  unknown neighbour: {entry['name'] or entry['chassis_id']} on "
            f"{entry['device']} {entry['interface']} ({entry['reason']})"
        )
    redundancy = report["redundancy"]
    lines += [
        "",
        f"Redundancy ({redundancy['method']})",
        f"  single-homed: {_names(redundancy['single_homed'])}",
        f"  islands: {len(report['islands'])}",
    ]
    for island in report["islands"][:_SHOWN]:
        lines.append(f"    {_names(island['devices'], island['size'])}")
    between = report["betweenness"]
    lines += ["", f"Most central devices (betweenness, {between['method']})"]
    lines += [f"  {entry['device']}: {entry['value']:.4f}" for entry in between["top"]]
    load = report["utilisation"]
    if load["measured_links"] is None:
        lines += ["", "Most loaded links", "  left out: export with live data to include them"]
        return "\n".join(lines) + "\n"
    lines += ["", f"Most loaded links ({load['measured_links']} measured)"]
    lines += [
        f"  {entry['link']}: {entry['utilisation']:.2%} of {entry['capacity_bps'] / 1e6:g} Mb/s"
        for entry in load["top"]
    ]
    if not load["top"]:
        lines.append("  none yet: rates need two discovery runs that read the counters")
    return "\n".join(lines) + "\n"
