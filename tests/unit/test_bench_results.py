"""bench/RESULTS.md keeps one section per benchmark: a run of one replaces only its own."""

from __future__ import annotations

from datetime import UTC, datetime

from bench.harness import COLUMNS, sections_of, write_results


def row(benchmark: str, ratio: float) -> dict:
    """Return a result row with every column, for ``benchmark`` at ``ratio``."""
    return {key: "-" for key in COLUMNS} | {"benchmark": benchmark, "ratio": ratio, "ok": True}


def test_a_run_of_one_benchmark_keeps_the_others_sections(tmp_path):
    path = tmp_path / "RESULTS.md"
    first = datetime(2026, 1, 1, 10, 0, tzinfo=UTC)
    later = datetime(2026, 1, 2, 11, 30, tzinfo=UTC)

    write_results({"ipam": [row("alloc", 1.5)], "config": [row("render", 0.7)]}, path, True, first)
    write_results({"ipam": [row("alloc", 2.5)]}, path, False, later)

    sections = sections_of(path.read_text())
    assert list(sections) == ["config", "ipam"]
    assert "2026-01-01 10:00 UTC (--quick)" in sections["config"]
    assert "| render |" in sections["config"]
    assert "2026-01-02 11:30 UTC (full size)" in sections["ipam"]
    assert "| 2.5 |" in sections["ipam"] and "| 1.5 |" not in sections["ipam"]
    assert path.read_text().startswith("# Benchmark results\n")


def test_a_pipe_in_a_cell_does_not_split_the_row(tmp_path):
    path = tmp_path / "RESULTS.md"

    write_results({"lab": [row("a | b", 1.0)]}, path, True)

    [line] = [line for line in path.read_text().splitlines() if line.startswith("| a")]
    assert line.startswith("| a \\| b |")
