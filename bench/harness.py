"""What the bench_*.py modules share: the row shape, timers, and the table writers."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import platform
import re
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

COLUMNS = (
    "benchmark",
    "subject",
    "subject_value",
    "baseline",
    "baseline_value",
    "unit",
    "ratio",
    "goal",
    "ok",
)


@dataclasses.dataclass(frozen=True)
class Row:
    """One comparison measured side by side in one run: subject against baseline."""

    benchmark: str
    subject: str
    subject_value: float
    baseline: str
    baseline_value: float
    unit: str
    goal: str
    ok: bool
    ratio: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the row as the dict `run()` returns, computing ratio when it was not given."""
        ratio = self.ratio
        if ratio is None:
            ratio = self.subject_value / self.baseline_value if self.baseline_value else 0.0
        values = dataclasses.asdict(self) | {"ratio": ratio}
        return {key: values[key] for key in COLUMNS}


def collections_on_path() -> None:
    """Put the checkout's ``.collections`` (made by ``make setup``) first on ``sys.path``."""
    collections = str(Path(__file__).resolve().parent.parent / ".collections")
    if collections not in sys.path:
        sys.path.insert(0, collections)


def failed_row(benchmark: str, error: BaseException) -> dict[str, Any]:
    """Return the row reported for a benchmark module whose run() raised ``error``."""
    message = " ".join(str(error).split()) or type(error).__name__
    return Row(
        benchmark=benchmark,
        subject=f"error: {type(error).__name__}: {message}"[:160],
        subject_value=0.0,
        baseline="-",
        baseline_value=0.0,
        unit="-",
        goal="runs",
        ok=False,
        ratio=0.0,
    ).to_dict()


def timed(fn: Callable[[], object], repeat: int = 5) -> float:
    """Return the best wall time of ``repeat`` calls of ``fn``, in seconds."""
    best = float("inf")
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def peak_memory(fn: Callable[[], object]) -> float:
    """Return the peak Python heap allocated while ``fn`` runs, in MiB (tracemalloc)."""
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    base, _ = tracemalloc.get_traced_memory()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if not tracing:
            tracemalloc.stop()
    return (peak - base) / (1024 * 1024)


def run_cmd(argv: Sequence[str], env: Mapping[str, str] | None = None, repeat: int = 1) -> float:
    """Return the best wall time of running ``argv`` ``repeat`` times, in seconds.

    Raises RuntimeError, with the command's last output line, when it exits non-zero.
    """
    full_env = {**os.environ, **(env or {})}

    def once() -> None:
        result = subprocess.run(argv, env=full_env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            lines = (result.stderr or result.stdout).strip().splitlines() or ["no output"]
            raise RuntimeError(f"{argv[0]} exited {result.returncode}: {lines[-1]}")

    return timed(once, repeat=repeat)


def lab_cli(*args: str) -> subprocess.CompletedProcess:
    """Run ``python -m lab ARGS`` from the checkout; raises CalledProcessError when it fails."""
    return subprocess.run(
        [sys.executable, "-m", "lab", *args],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )


def machine() -> str:
    """Return a one-line description of this machine: cores, Python, ansible-core."""
    try:
        from ansible.release import __version__ as ansible_version
    except ImportError:
        ansible_version = "not installed"
    return (
        f"{multiprocessing.cpu_count()} cores, Python {platform.python_version()}, "
        f"ansible-core {ansible_version}, {platform.system()} {platform.machine()}"
    )


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def text_table(rows: Sequence[Mapping[str, Any]]) -> str:
    """Return the rows as a plain-text table with aligned columns."""
    cells = [list(COLUMNS)] + [[_cell(row[key]) for key in COLUMNS] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


HEADER = [
    "# Benchmark results",
    "",
    "One section per benchmark module, each from its own latest run: `make bench` runs them",
    "all, `make bench BENCH_ARGS='--only NAME'` runs one again and keeps the other sections.",
]


def section(name: str, rows: Sequence[Mapping[str, Any]], quick: bool, now: datetime) -> str:
    """Return the markdown section of benchmark ``name``: when, where, how, and its rows."""
    lines = [
        f"## {name}",
        "",
        f"- date: {now:%Y-%m-%d %H:%M} UTC ({'--quick' if quick else 'full size'})",
        f"- machine: {machine()}",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    for row in rows:
        values = [_cell(row[key]).replace("|", "\\|") for key in COLUMNS]
        lines.append("| " + " | ".join(values) + " |")
    return "\n".join(lines) + "\n"


def sections_of(text: str) -> dict[str, str]:
    """Return the sections of a results file by benchmark name (none for an older layout)."""
    found: dict[str, str] = {}
    for part in re.split(r"^(?=## )", text, flags=re.MULTILINE)[1:]:
        found[part[3:].split("\n", 1)[0].strip()] = part.rstrip("\n") + "\n"
    return found


def write_results(
    rows_by_name: Mapping[str, Sequence[Mapping[str, Any]]],
    path: Path,
    quick: bool,
    now: datetime | None = None,
) -> None:
    """Write ``path`` with a section per benchmark run now, keeping the others' sections."""
    now = now or datetime.now(UTC)
    kept = sections_of(path.read_text()) if path.exists() else {}
    for name, rows in rows_by_name.items():
        kept[name] = section(name, rows, quick, now)
    body = "\n".join(kept[name] for name in sorted(kept))
    path.write_text("\n".join(HEADER) + "\n\n" + body)
